"""The suggested blanket period of `certify` ends before a change in the rules would take the
vehicle's eligibility away (USMCA UR 13(1), Schedule 1 steps; Annex 5-A element 8: up to 12 months)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()

QUALIFYING = {"model": "Test", "assembly_country": "CA", "net_cost": 10000, "transaction_value": 20000,
              "steel_purchases": 1000, "steel_purchases_originating": 700, "aluminum_purchases": 1000,
              "aluminum_purchases_originating": 700, "lvc_high_wage_labor": 2000, "lvc_high_wage_materials": 1000,
              "lvc_technology_points": 10, "lvc_assembly_points": 5}


@pytest.mark.parametrize("hs, produced, imported, end, change", [
    # heavy truck at 64%: UR 13(2)(c) steps to 70% on 2027-07-01 (the review's cert_period.py)
    ("8704.23", "2027-01-15", 3600, "2027-06-30", "2027-07-01"),
    # passenger vehicle, UR 13(1): 66% to 2021-06-30, then 69%, 72% (2022-07-01), 75% (2023-07-01)
    ("8703.23", "2021-01-15", 3200, "2021-06-30", "2021-07-01"),   # 68%: fails 69% from 2021-07-01
    ("8703.23", "2021-01-15", 2900, "2022-01-14", None),           # 71%: clears 69%; 72% comes after 12 months
    ("8703.23", "2022-03-01", 2900, "2022-06-30", "2022-07-01"),   # 71%: fails 72% from 2022-07-01
    ("8703.23", "2022-09-01", 2600, "2023-06-30", "2023-07-01"),   # 74%: fails 75% from 2023-07-01
    ("8703.23", "2023-09-01", 2500, "2024-08-31", None),           # 75%: the last step is behind it
])
def test_blanket_period_ends_the_day_before_the_rules_take_eligibility_away(make_bom, tmp_path, hs, produced, imported,
                                                                            end, change):
    bom = make_bom(vehicle={**QUALIFYING, "hs_code": hs, "production_date": produced},
                   lines=[{"part_number": "E1", "hs_code": "8407.34", "value": 3000, "origin_country": "US",
                           "usmca_originating": "Y"},
                          {"part_number": "X1", "hs_code": "8544.30", "value": imported, "origin_country": "CN"}])
    cert = tmp_path / "cert.xlsx"
    out = runner.invoke(app, ["certify", str(bom), "-r", "usmca-2020", "-o", str(cert)])
    assert out.exit_code == 0, out.output
    sheet = load_workbook(cert)["Certification of Origin"]
    period = next(sheet.cell(r, 3).value for r in range(1, 40) if sheet.cell(r, 1).value == "8")
    assert period.startswith(f"{produced} to {end} (suggested: ")
    if change:
        assert f"the day before {change}, when the rules then in force make this vehicle not eligible (rvc" in period
        assert f"from {change} the rules then in force make this vehicle not eligible" in out.output
    else:
        assert "12 months" in period and "Blanket period suggested" not in out.output
