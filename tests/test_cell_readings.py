"""Cell texts that a spreadsheet user may mean otherwise than they read: a decimal comma
("0,250", "1,500"), a percent-formatted Vehicle field, a mark other than Y/N in a Y/N column.
Each is refused or said, on a real .xlsx, located at its cell."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.errors import BomError
from roo_calc.numbers import PCT_E4, comma_is_ambiguous, parse_decimal
from tests.conftest import BASE_LINES, BASE_VEHICLE

runner = CliRunner()


def errors(path) -> list[str]:
    with pytest.raises(BomError) as caught:
        load_bom(path)
    return [str(p) for p in caught.value.problems if p.severity == "error"]


@pytest.mark.parametrize("text", ["0,250", "0,5", "-0,25", "1,5", "12,3456"])
def test_a_decimal_comma_is_refused_not_read_as_thousands(make_bom, text):
    """'0,250' (a quarter, from a European export) was read as 250: no thousands group follows a 0."""
    path = make_bom(lines=[{**BASE_LINES[0], "quantity": text}, BASE_LINES[1]])
    [message] = errors(path)
    assert message.startswith(f"{path}:BOM!")
    assert f"quantity: expected a number, found text '{text}'" in message and "reads as a decimal comma" in message
    assert f"write it with a point ({text.replace(',', '.')})" in message
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2 and "Traceback" not in out.output


@pytest.mark.parametrize("text, value", [("1,234.50", "1234.50"), ("1,500,000", "1500000"), ("12,345.6", "12345.6")])
def test_us_thousands_that_no_decimal_comma_could_mean_are_read_without_a_word(text, value):
    assert parse_decimal(text) == parse_decimal(value)


def test_a_comma_thousands_that_a_decimal_comma_could_mean_is_warned_with_its_cells(make_bom):
    """'1,500' is 1500 in US style and 1.5 with a decimal comma: read as 1500 and said, naming
    each cell, on the BOM, Vehicle and FX sheets."""
    lines = [{**BASE_LINES[0], "value": "2,000"}, {**BASE_LINES[1], "quantity": "2", "unit_value": "1,000", "currency": "EUR"}]
    path = make_bom(vehicle={**BASE_VEHICLE, "net_cost": "10,000"}, lines=lines, fx=[{"currency": "EUR", "rate": "1,100"}])
    with pytest.raises(BomError) as caught:  # 2 x 1,000 EUR at 1,100 is far above the net cost: read as thousands
        load_bom(path)
    assert ("FX", "B2") in {(p.sheet, p.cell) for p in caught.value.problems if p.code == "ambiguous-comma"}
    path = make_bom(vehicle={**BASE_VEHICLE, "net_cost": "10,000"}, lines=lines, fx=[{"currency": "EUR", "rate": "1.1"}])
    bom = load_bom(path)
    assert bom.vehicle.net_cost_cents == 1_000_000 and sum(bom.lines["value_cents"]) == 200_000 + 220_000
    warned = {(w.sheet, w.cell): w.message for w in bom.warnings if w.code == "ambiguous-comma"}
    assert set(warned) == {("BOM", "F2"), ("BOM", "E3"), ("Vehicle", "B5")}, warned
    assert warned[("BOM", "F2")].startswith("value: text with one comma and three digits after it (F2) is read as US thousands")
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 0 and f"{path}:Vehicle!B5: warning: net_cost: text with one comma" in out.output


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["", ".5", ".25"]))
def test_us_thousands_read_exactly_and_only_one_group_is_ambiguous(number, fraction):
    """Every number Excel's US format prints reads back exactly; only a single comma group with
    no point could also be a decimal comma."""
    text = f"{number:,}{fraction}"
    assert parse_decimal(text) == Decimal(f"{number}{fraction}")
    assert comma_is_ambiguous(text) == (1_000 <= number < 1_000_000 and not fraction)


@given(st.integers(min_value=0, max_value=999_999))
def test_a_first_group_of_zero_is_never_thousands(digits):
    with pytest.raises(ValueError, match="decimal comma"):
        parse_decimal(f"0,{digits}")


def test_vehicle_points_in_percent_cells_are_read_as_the_percent_shown(tmp_path):
    """lvc_technology_points typed in a `0%` cell showing 8% holds 0.08: read as 8 points, as the
    contract reads a %-formatted 0.55 as 55 on the BOM and Certificates sheets (was 0.08)."""
    book = openpyxl.Workbook()
    vehicle = book.active
    vehicle.title = "Vehicle"
    for field, value in [*BASE_VEHICLE.items(), ("lvc_technology_points", 0.08), ("lvc_assembly_points", 0.05),
                         ("lvc_high_wage_labor", 500)]:
        vehicle.append([field, value])
    vehicle["B6"].number_format = "0%"
    vehicle["B7"].number_format = "0.0%"
    vehicle["B8"].number_format = "0%"  # money in a percent cell is not a percentage: read as written
    bom = book.create_sheet("BOM")
    bom.append(list(BASE_LINES[0]))
    bom.append(list(BASE_LINES[0].values()))
    path = tmp_path / "points.xlsx"
    book.save(path)
    read = load_bom(path).vehicle
    assert (read.lvc_technology_points_e4, read.lvc_assembly_points_e4) == (8 * PCT_E4, 5 * PCT_E4)
    assert read.lvc_high_wage_labor_cents == 50_000


@pytest.mark.parametrize("mark", ["X", "x", "✓", "*"])
def test_a_mark_in_a_y_n_column_is_refused_naming_what_is_accepted(make_bom, mark):
    """An X in usmca_originating was read as Y (certified originating): a cross may as well mean no."""
    lines = [{**BASE_LINES[0], "usmca_originating": mark, "high_wage": mark}, BASE_LINES[1]]
    path = make_bom(lines=lines)
    found = errors(path)
    assert len(found) == 2 and all("expected Y or N (also yes/no, true/false, 1/0 or an Excel boolean)" in m for m in found)
    because = "U+2713 CHECK MARK" if mark == "✓" else "a mark such as X does not say whether it means yes or no"
    assert any(m.startswith(f"{path}:BOM!") and "usmca_originating: " in m and because in m for m in found), found
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2 and "Traceback" not in out.output


def test_a_mark_on_the_certificates_sheet_is_refused(make_bom):
    path = make_bom()
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Certificates")
    sheet.append(["supplier", "agreement", "originating"])
    sheet.append(["EngCo", "usmca", "X"])
    book.save(path)
    [message] = errors(path)
    assert message.startswith(f"{path}:Certificates!C2: originating: expected Y or N")
