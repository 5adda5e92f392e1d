"""`roo-calc template` writes a workbook that, once filled in, validates."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app

runner = CliRunner()


def test_template_round_trip(tmp_path):
    path = tmp_path / "blank.xlsx"
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Vehicle", "BOM", "FX", "Certificates", "Columns"]
    assert [c.value for c in book["Columns"][1]] == ["sheet", "header", "column"]
    vehicle_fields = {book["Vehicle"].cell(r, 1).value for r in range(1, book["Vehicle"].max_row + 1)}
    assert {"entry_date", "msrp", "tariff_rate_quota", "asr_approved_through"} <= vehicle_fields
    bom = book["BOM"]
    headers = [c.value for c in bom[1]]
    assert headers[:3] == ["part_number", "description", "hs_code"]
    assert {"level", "procurement", "steel_content_value", "aluminum_content_value"} <= set(headers)
    assert all(c.comment is not None for c in bom[1]), "every column has a note"
    validations = {str(v.sqref).split(":")[0][:1]: v.formula1 for v in bom.data_validations.dataValidation}
    assert '"Y,N"' in validations.values() and '"buy,make"' in validations.values()
    vehicle = book["Vehicle"]
    rows = {vehicle.cell(r, 1).value: r for r in range(1, vehicle.max_row + 1)}
    for field, value in {"model": "Filled", "hs_code": "8704.31", "assembly_country": "US", "net_cost": 30000,
                         "production_date": "2024-01-15"}.items():
        vehicle.cell(rows[field], 2).value = value
    for col, value in enumerate(["P-1", "Bracket", "8708.99", 2, 150.25, None, None, "US", "Acme", "Y", "Y", 90], start=1):
        bom.cell(2, col).value = value
    book.save(path)
    loaded = load_bom(path)
    assert loaded.vehicle.vehicle_type == "light_truck"
    assert loaded.lines["value_cents"].tolist() == [30050]


def test_template_refuses_to_overwrite(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"keep me")
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 2 and "--force" in result.output
    assert path.read_bytes() == b"keep me"
    assert runner.invoke(app, ["template", str(path), "--force"]).exit_code == 0


def test_blank_template_lists_every_vehicle_problem_in_one_pass(tmp_path):
    """Before: four errors, and the missing net_cost/total_cost only on a second run, at Vehicle!A1
    although the template has a net_cost row."""
    path = tmp_path / "blank.xlsx"
    assert runner.invoke(app, ["template", str(path), "--quiet"]).exit_code == 0
    book = openpyxl.load_workbook(path)
    net_row = next(r for r in range(1, book["Vehicle"].max_row + 1) if book["Vehicle"].cell(r, 1).value == "net_cost")
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2
    for name in ("model", "hs_code", "assembly_country"):
        assert f"expected the field '{name}'" in out.output
    assert (f"{path}:Vehicle!B{net_row}: expected net_cost or total_cost (net cost = total cost minus excluded costs), "
            "found both blank") in out.output
    assert "5 error(s)" in out.output
