"""Hidden columns holding values are read like any other, and said so as hidden rows are: a hidden
regional_content_pct decides core parts, and nobody looking at the sheet sees it."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import Workbook
from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()

VEHICLE = [("model", "Test car"), ("hs_code", "8703.23"), ("assembly_country", "MX"),
           ("production_date", date(2024, 3, 15)), ("net_cost", 20000)]
HEADER = ["part_number", "description", "hs_code", "quantity", "value", "origin_country", "supplier",
          "usmca_originating", "regional_content_pct", "core_part_group"]
LINES = [
    ["E-1", "engine", "8407.34", 1, 4000, "MX", "EngCo", "Y", None, "engine"],
    ["T-1", "transmission", "8708.40", 1, 2000, "US", "TransCo", "Y", None, "transmission"],
    ["B-1", "body", "8708.29", 1, 3000, "US", "BodyCo", "Y", None, "body_chassis"],
    ["S-1", "seat", "9401.20", 2, 500, "JP", "SeatCo", "N", None, None],
]


def _write(path, edit=None):
    book = Workbook()
    vehicle = book.active
    vehicle.title = "Vehicle"
    for row in VEHICLE:
        vehicle.append(list(row))
    bom = book.create_sheet("BOM")
    bom.append(HEADER)
    for line in LINES:
        bom.append(list(line))
    if edit:
        edit(book)
    book.save(path)
    return path


def _warnings(path) -> list[str]:
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--format", "json"])
    assert out.exit_code == 0, out.output
    return [w["message"] if isinstance(w, dict) else w for w in json.loads(out.stdout)["warnings"]]


def _core_parts(path) -> str:
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--format", "json"])
    (result,) = json.loads(out.stdout)["results"]
    return next(r["value"] for r in result["requirements"] if r["id"] == "core_parts")


def test_a_hidden_column_that_decides_a_verdict_is_warned_located(tmp_path):
    def hide(book):
        book["BOM"]["I2"] = 55  # the engine's regional content, in a hidden column
        book["BOM"].column_dimensions["I"].hidden = True

    plain, hidden = _write(tmp_path / "plain.xlsx"), _write(tmp_path / "hidden.xlsx", hide)
    assert (_core_parts(plain), _core_parts(hidden)) == ("100.0000", "80.0000")  # what the hidden cell decides
    assert not any("hidden" in w for w in _warnings(plain))
    out = runner.invoke(app, ["validate", str(hidden)])
    assert out.exit_code == 0, out.output
    assert (f"{hidden}:BOM!I1: warning: 1 hidden column holding values is read like any other: "
            "column I 'regional_content_pct', 1 cell with values") in out.output


def test_hidden_columns_are_counted_and_listed_as_hidden_rows_are(tmp_path):
    def hide(book):
        sheet = book["BOM"]
        sheet["I2"], sheet["I3"] = 55, 60
        for letter in ("B", "I", "K"):  # K holds nothing; B (description) is read and holds 4 values
            sheet.column_dimensions[letter].hidden = True
        sheet.row_dimensions[5].hidden = True

    path = _write(tmp_path / "two.xlsx", hide)
    out = runner.invoke(app, ["validate", str(path)]).output
    assert ("BOM!B1: warning: 2 hidden columns holding values are read like any other: columns "
            "B 'description', 4 cells with values, I 'regional_content_pct', 2 cells with values") in out
    assert "BOM!5:5: warning: 1 hidden row holding values is read like any other: row 5" in out


def test_a_hidden_column_that_is_not_read_is_not_said_to_be_read(tmp_path):
    def hide(book):
        sheet = book["BOM"]
        sheet["L1"], sheet["L2"] = "buyer notes", "call back"
        sheet.column_dimensions["L"].hidden = True

    assert not any("hidden column" in w for w in _warnings(_write(tmp_path / "notes.xlsx", hide)))


def test_a_hidden_vehicle_value_column_is_warned(tmp_path):
    def hide(book):
        book["Vehicle"].column_dimensions["B"].hidden = True

    out = runner.invoke(app, ["validate", str(_write(tmp_path / "vehicle.xlsx", hide))]).output
    assert ("Vehicle!B1: warning: 1 hidden column holding values is read like any other: "
            "column B (the field values), 5 cells with values") in out
