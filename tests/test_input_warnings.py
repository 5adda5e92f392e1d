"""Input facts read as written, and said where they may not mean what they seem: an FX row for the
vehicle's own currency, percentages typed as fractions, and header proposals that agree with the
errors they answer."""

from __future__ import annotations

from openpyxl import Workbook
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_LINES

runner = CliRunner()


def test_a_rate_for_the_vehicles_own_currency(make_bom):
    one = make_bom(fx=[{"currency": "USD", "rate": 1}], name="one.xlsx")
    out = runner.invoke(app, ["validate", str(one)])
    assert out.exit_code == 0, out.output
    assert "a rate for USD, the vehicle's own currency, is not used" in out.output
    other = make_bom(fx=[{"currency": "USD", "rate": "1.35"}], name="other.xlsx")
    out = runner.invoke(app, ["evaluate", str(other), "-r", "usmca-2020"])
    assert out.exit_code == 2, out.output
    assert f"{other}:FX!2:2: rate: USD is the vehicle's own currency, so its rate is 1" in out.output
    assert "found 1.35" in out.output


def test_percentages_that_may_be_fractions_are_warned_with_their_cells(make_bom):
    lines = [{**BASE_LINES[0], "regional_content_pct": 0.55}, {**BASE_LINES[1], "regional_content_pct": 0.8}]
    path = make_bom(lines=lines)
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 0, out.output
    assert "regional_content_pct: every value is 1 or less (" in out.output and "read as percentages (0.55 is 0.55%)" in out.output
    fine = make_bom(lines=[{**BASE_LINES[0], "regional_content_pct": 55}, {**BASE_LINES[1], "regional_content_pct": 0.5}])
    assert "every value is 1 or less" not in runner.invoke(app, ["validate", str(fine)]).output


def test_the_proposed_mapping_agrees_with_the_error(tmp_path):
    """SAP's 'Material' is the part number and 'Material Description' its description: the error and
    the proposal both name 'Material' for part_number (before: the proposal named the description)."""
    path = tmp_path / "sap.xlsx"
    book = Workbook()
    vehicle = book.active
    vehicle.title = "Vehicle"
    for row in [("model", "X"), ("hs_code", "8703.23"), ("assembly_country", "MX"), ("net_cost", 10000)]:
        vehicle.append(row)
    bom = book.create_sheet("BOM")
    bom.append(["Material", "Material Description", "HTS Code", "Value", "Country of Origin"])
    bom.append(["E1", "Engine", "8407.34", 3000, "JP"])
    book.save(path)
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2
    assert "'Material' may hold it" in out.output
    assert "BOM\tMaterial\tpart_number" in out.output and "BOM\tMaterial Description\tpart_number" not in out.output
