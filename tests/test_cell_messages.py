"""Messages that say what a cell holds: a number cell formatted as a date is a number (not text),
an HS code held as a float's binary rounding (8708.290000000001) is a number cell to write as text,
an FX rate of 0 is one error (not a second "no rate found" for its currency), and a --as-of day
that does not exist is said to be one.  On real .xlsx files."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.errors import BomError
from tests.conftest import BASE_LINES, SAMPLES

runner = CliRunner()


def _errors(path) -> list[str]:
    with pytest.raises(BomError) as caught:
        load_bom(path)
    return [str(p) for p in caught.value.problems if p.severity == "error"]


def _edited(path, edit) -> None:
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def _bom_cell(book, header: str, row: int = 2):
    sheet = book["BOM"]
    col = [c.value for c in sheet[1]].index(header) + 1
    return sheet.cell(row, col)


def test_a_number_cell_formatted_as_a_date_is_named_as_one_with_the_number_it_holds(make_bom):
    """4000 in a cell formatted as a date shows 1910-12-13: it was "found text '1910-12-13'"."""
    path = make_bom(lines=[{**BASE_LINES[0], "value": 4000}, BASE_LINES[1]])

    def edit(book):
        _bom_cell(book, "value").number_format = "yyyy-mm-dd"
        book["Vehicle"]["B5"].number_format = "dd/mm/yyyy"  # net_cost 10000: 1927-05-18

    _edited(path, edit)
    found = _errors(path)
    assert any(": value: expected a number, found a number cell formatted as a date: it holds 4000, "
               "shown as 1910-12-13; format the cell as a number" in m for m in found), found
    assert any("Vehicle!B5: net_cost: expected a number, found a number cell formatted as a date: it holds 10000, "
               "shown as 1927-05-18" in m for m in found), found
    assert not any("found text" in m for m in found)


def test_a_date_typed_as_text_in_a_number_column_is_still_text(make_bom):
    path = make_bom(lines=[{**BASE_LINES[0], "value": "1910-12-13"}, BASE_LINES[1]])
    (message,) = _errors(path)
    assert "value: expected a number, found text '1910-12-13'" in message


@pytest.mark.parametrize("stored, code", [(8708.290000000001, "8708.29"), (8708.399999999998, "8708.40")])
def test_an_hs_code_held_as_a_float_rounding_is_named_a_number_cell_to_write_as_text(make_bom, stored, code):
    """A formula's 8708.29 saved as 8708.290000000001 was refused with no hint that the cell is a
    number (8708.4 does get one, and is read)."""
    path = make_bom()
    _edited(path, lambda book: setattr(_bom_cell(book, "hs_code"), "value", stored))
    (message,) = _errors(path)
    assert "BOM!C2: hs_code: expected an HS code of 6 to 10 digits" in message
    assert "found the number '87" in message and f"a number cell's binary rounding of {code.rstrip('0')} (" in message
    assert f"write the HS code as text, e.g. {code}" in message


def test_an_fx_rate_of_0_is_one_error_at_its_cell(make_bom):
    """The rate row is refused; its currency's lines used to get a second error saying no rate
    was found for EUR, though FX!B2 holds one."""
    path = make_bom(lines=[{**BASE_LINES[0], "currency": "EUR"}, BASE_LINES[1]], fx=[{"currency": "EUR", "rate": 0}])
    (message,) = _errors(path)
    assert "FX!B2: rate: expected a rate above 0, found 0" in message


def test_a_line_currency_with_no_fx_row_is_still_an_error(make_bom):
    path = make_bom(lines=[{**BASE_LINES[0], "currency": "EUR"}, BASE_LINES[1]], fx=[{"currency": "CAD", "rate": 0.7}])
    (message,) = _errors(path)
    assert "expected a rate for EUR on the FX sheet, found none" in message


@pytest.mark.parametrize("args, said", [
    (["evaluate", str(SAMPLES / "compact-sedan-mx.xlsx"), "--as-of", "2024-02-30"],
     "'2024-02-30' is no date: the day does not exist (2024-02 has 29 days)"),
    (["evaluate", str(SAMPLES / "compact-sedan-mx.xlsx"), "--as-of", "2024-13-01"],
     "'2024-13-01' is no date: there is no month 13 (expected 01 to 12)"),
    (["evaluate", str(SAMPLES / "compact-sedan-mx.xlsx"), "--as-of", "1/5/2024"],
     "expected a date as YYYY-MM-DD (e.g. 2024-05-01), found '1/5/2024'"),
    (["regimes", "show", "usmca-2020", "--as-of", "2023-02-29"],
     "'2023-02-29' is no date: the day does not exist (2023-02 has 28 days)"),
])
def test_an_as_of_day_that_does_not_exist_is_said_to_be_one(args, said):
    """It said the text "does not match the formats '%Y-%m-%d'", which it does."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert said in result.stderr and "does not match" not in result.stderr


def test_a_leap_day_is_a_day():
    result = runner.invoke(app, ["regimes", "show", "usmca-2020", "--as-of", "2024-02-29"])
    assert result.exit_code == 0, result.output
