"""USMCA UR 17(5)(b), the melted-and-poured test of steel from July 1, 2027, at the edges:
`validate` counts what the BOM states, a header alias is read, and `advise` re-sources a steel
line as melted and poured in the region.  The verdicts are table-driven cases in
tests/cases/usmca-2020-steel-melt-pour.toml."""

from __future__ import annotations

import datetime
import json

from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.advise import resource
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes

VEHICLE = {"model": "Steel car", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000}
LINES = [
    {"part_number": "COIL", "hs_code": "7208.25", "value": 800, "origin_country": "MX", "usmca_originating": "Y",
     "steel_melted_poured": "Y"},
    {"part_number": "COIL-2", "hs_code": "7208.25", "value": 300, "origin_country": "MX", "usmca_originating": "Y"},
    {"part_number": "COIL-CN", "hs_code": "7208.25", "value": 200, "origin_country": "CN"},
]


def test_validate_counts_the_steel_lines_stating_melted_and_poured(make_bom):
    result = CliRunner().invoke(app, ["validate", str(make_bom(vehicle=VEHICLE, lines=LINES))])
    assert result.exit_code == 0, result.output
    assert ("Table S steel lines: 3; steel_melted_poured (USMCA UR 17(5)(b), asked from 2027-07-01 by usmca-2020"
            in result.output)
    assert "1 Y, 0 N, 2 not stated (counted as non-originating from that day)" in result.output


def test_an_alias_header_is_read_as_steel_melted_poured(make_bom):
    lines = [{("melted and poured" if k == "steel_melted_poured" else k): v for k, v in line.items()} for line in LINES]
    columns = ["part_number", "hs_code", "value", "origin_country", "usmca_originating", "melted and poured"]
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=lines, bom_columns=columns))
    assert bom.lines["steel_melted_poured"].isna().tolist() == [False, True, True]
    assert bool(bom.lines["steel_melted_poured"].iloc[0]) is True


def test_a_re_sourced_steel_line_is_melted_and_poured_in_the_region(make_bom):
    """advise's re-source action buys from an originating supplier in the region: from 2027-07-01
    its steel must also be melted and poured there to count (UR 17(5)(b))."""
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=LINES))
    usmca = load_regimes()["usmca-2020"]
    on = datetime.date(2027, 7, 1)
    before = {r.id: r for r in evaluate(bom, usmca, on).requirements}["steel"]
    assert before.status == "fail"  # 800 of 1,300
    after = {r.id: r for r in evaluate(resource(bom, [3, 4], "US", ("usmca_originating",)), usmca, on).requirements}["steel"]
    assert after.status == "pass" and after.value == 100


def test_a_fleet_average_holds_each_vehicle_to_the_steel_test_of_its_own_date(make_bom):
    """Averaged over fiscal year 2027, a vehicle made on 2027-06-30 is held to 17(5)(a) (its certified
    coil is originating) and one made on 2027-07-01 to 17(5)(b) (the coil, not stated melted and poured,
    is not): two verdicts.  The old code held both to the rules of the later date."""
    def vehicle(name: str, made: str):
        lines = [{"part_number": "ENG", "hs_code": "8407.34", "value": 1000, "origin_country": "MX", "usmca_originating": "Y"},
                 {"part_number": "O", "hs_code": "8708.29", "value": 6000, "origin_country": "MX", "usmca_originating": "Y",
                  "core_part_group": "none"},
                 {"part_number": "COIL", "hs_code": "7208.25", "value": 800, "origin_country": "MX", "usmca_originating": "Y"}]
        facts = {"aluminum_purchases": 1000, "aluminum_purchases_originating": 800, "lvc_high_wage_labor": 2000,
                 "lvc_high_wage_materials": 1000, "lvc_technology_points": 10, "lvc_assembly_points": 5}
        return make_bom(vehicle={**VEHICLE, **facts, "model": "Line A", "annual_volume": 1, "production_date": made},
                        lines=lines, name=name)

    june, july = vehicle("june.xlsx", "2027-06-30"), vehicle("july.xlsx", "2027-07-01")
    out = CliRunner().invoke(app, ["evaluate", str(june), str(july), "--average-by", "model-line", "-r", "usmca-2020",
                                   "--fiscal-year-start", "01-01", "-f", "json"])
    assert out.exit_code == 0, out.output
    early, late = json.loads(out.output)["averages"]
    assert early["verdict_for"] == ["june.xlsx (2027-06-30)"] and late["verdict_for"] == ["july.xlsx (2027-07-01)"]
    steel = {avg["verdict_for"][0]: next(r for r in avg["result"]["requirements"] if r["id"] == "steel") for avg in (early, late)}
    assert steel["june.xlsx (2027-06-30)"]["status"] == "pass"
    assert steel["july.xlsx (2027-07-01)"]["status"] == "fail"
    assert early["result"]["status"] == "eligible" and late["result"]["status"] == "not_eligible"
