"""One header mapped to two contract columns by one source is an error naming both: the lines
would otherwise depend on which row (or key) comes last (2 x 250 read as 250, or as 500)."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_VEHICLE

runner = CliRunner()

HEAD = ["part_number", "hs_code", "quantity", "Net Price", "origin_country"]
LINES = [["E-1", "8407.34", 1, 4000, "MX"], ["S-1", "9401.20", 2, 250, "JP"]]


def _book(path, mappings):
    book = openpyxl.Workbook()
    vehicle = book.active
    vehicle.title = "Vehicle"
    for field, value in BASE_VEHICLE.items():
        vehicle.append([field, value])
    bom = book.create_sheet("BOM")
    for row in (HEAD, *LINES):
        bom.append(list(row))
    columns = book.create_sheet("Columns")
    columns.append(["sheet", "header", "column"])
    for row in mappings:
        columns.append(list(row))
    book.save(path)
    return path


def test_two_columns_sheet_rows_mapping_one_header_differently_are_an_error(tmp_path):
    path = _book(tmp_path / "cc.xlsx", [("BOM", "Net Price", "unit_value"), ("BOM", "Net Price", "value")])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020"])
    assert out.exit_code == 2, out.output
    assert (f"{path}:Columns!B3: expected one column per header, found header 'Net Price' on sheet BOM is mapped to "
            "unit_value (Columns sheet row 2) and to value (Columns sheet row 3)") in out.output


def test_a_columns_file_mapping_one_header_twice_is_an_error(tmp_path):
    path = _book(tmp_path / "plain.xlsx", [])
    mapping = tmp_path / "cols.toml"
    mapping.write_text('"Net Price" = "unit_value"\n\n[BOM]\n"net price" = "value"\n')
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--columns", str(mapping)])
    assert out.exit_code == 2, out.output
    assert (f"{mapping}: expected one column per header, found header 'net price' on sheet BOM is mapped to unit_value "
            "(--columns cols.toml, as 'Net Price') and to value (--columns cols.toml)") in out.output


def test_a_columns_file_still_overrides_the_columns_sheet_with_a_warning(tmp_path):
    path = _book(tmp_path / "both.xlsx", [("BOM", "Net Price", "value")])
    mapping = tmp_path / "cols.toml"
    mapping.write_text('"Net Price" = "unit_value"\n')
    out = runner.invoke(app, ["validate", str(path), "--columns", str(mapping)])
    assert out.exit_code == 0, out.output
    assert "is mapped to value (Columns sheet row 2) and to unit_value (--columns cols.toml); reading it as unit_value" in out.output
