"""Bad input gets a located error, never a guess: each case is a real .xlsx file.

Every message has the form ``file:sheet!cell: what was expected, what was found``.
"""

from __future__ import annotations

import re
import zipfile

import msoffcrypto
import openpyxl
import pytest

from roo_calc import load_bom
from roo_calc.errors import BomError
from tests.conftest import BASE_LINES, BASE_VEHICLE


def problems(path):
    with pytest.raises(BomError) as info:
        load_bom(path)
    return [str(p) for p in info.value.problems]


def one(path, pattern):
    found = problems(path)
    matching = [p for p in found if re.search(pattern, p)]
    assert matching, f"no problem matches {pattern!r} in {found}"
    return matching[0]


def line(**changes):
    return [{**BASE_LINES[0], **changes}, BASE_LINES[1]]


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("part,value\n")
    assert one(path, r"expected an \.xlsx workbook \(a zip file\)").startswith(str(path))


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    one(path, r"not an \.xlsx workbook|could not read")


def test_a_workbook_cut_short_is_called_damaged_not_a_non_zip(make_bom, tmp_path):
    """A copy interrupted half-way begins as a zip (PK\\x03\\x04) but lacks the directory a zip ends
    with; the message said it was no zip file, "found a file starting with b'PK\\x03\\x04'"."""
    path = tmp_path / "cut.xlsx"
    path.write_bytes(make_bom().read_bytes()[:3000])
    message = one(path, r"found a damaged zip file: it begins as one but its directory, at the end of the file, is "
                        r"missing \(the file was cut short")
    assert "starting with" not in message


def test_legacy_xls(tmp_path):
    # An OLE compound file with a Workbook stream, as Excel 97-2003 writes it.
    path = tmp_path / "old.xls"
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    path.write_bytes(header + "Workbook".encode("utf-16-le") + bytes(1024))
    one(path, r"legacy Excel 97-2003 \.xls.*save it as Excel Workbook \(\.xlsx\)")


def test_encrypted_workbook(make_bom, tmp_path):
    plain = make_bom()
    encrypted = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        office = msoffcrypto.OfficeFile(source)
        office.encrypt("secret", target)
    one(encrypted, r"encrypted \(password-protected\)")


def test_missing_sheet(make_bom):
    path = make_bom()
    book = openpyxl.load_workbook(path)
    book["BOM"].title = "Parts"
    book.save(path)
    message = one(path, r"expected a sheet named 'BOM', found sheets 'Vehicle', 'Parts', 'FX'")
    assert ":BOM:" in message or message.startswith(f"{path}:BOM")


def test_missing_required_column(make_bom):
    path = make_bom(bom_columns=["part_number", "value", "origin_country"])
    assert one(path, r"expected a column 'hs_code'").startswith(f"{path}:BOM!1:1")


def test_empty_bom(make_bom):
    assert "BOM!A2" in one(make_bom(lines=[]), r"expected at least one BOM line below the header row, found none")


def test_bad_hs_code(make_bom):
    message = one(make_bom(lines=line(hs_code="87AB")), r"hs_code: expected an HS code")
    assert re.search(r"BOM!C2:", message), message


def test_unknown_country_and_currency(make_bom):
    found = problems(make_bom(lines=line(origin_country="XX", currency="DOLLARS")))
    assert any(re.search(r"BOM!H2: origin_country: expected an ISO 3166-1 alpha-2 country code.*found 'XX'", p) for p in found), found
    assert any(re.search(r"BOM!G2: currency: expected an ISO 4217 currency code.*found 'DOLLARS'", p) for p in found), found


def test_text_in_numeric_cell(make_bom):
    message = one(make_bom(lines=line(value="about 2000")), r"value: expected a number, found text 'about 2000'")
    assert "BOM!F2" in message


def test_zero_and_negative_quantity(make_bom):
    lines = [{**BASE_LINES[0], "quantity": 0, "unit_value": 5, "value": None},
             {**BASE_LINES[1], "quantity": -2}]
    found = problems(make_bom(lines=lines))
    assert any("BOM!D2: quantity: expected a quantity above 0, found 0" in p for p in found), found
    assert any("BOM!D3: quantity: expected a quantity above 0, found -2" in p for p in found), found


def test_negative_value(make_bom):
    assert "BOM!F2" in one(make_bom(lines=line(value=-5)), r"expected an amount of 0 or more, found -5")


def test_value_disagrees_with_quantity_times_unit_value(make_bom):
    lines = [{**BASE_LINES[0], "quantity": 3, "unit_value": 4.11, "value": 12.34}]
    assert "BOM!F2" in one(make_bom(lines=lines), r"expected quantity x unit_value = 3 x 4.11 = 12.33, found 12.34")


def test_percentage_out_of_range(make_bom):
    assert "BOM!L2" in one(make_bom(lines=line(regional_content_pct=120)), r"expected a percentage from 0 to 100, found 120")


def test_line_currency_without_fx_rate(make_bom):
    assert "BOM!G2" in one(make_bom(lines=line(currency="EUR")), r"expected a rate for EUR on the FX sheet")


def test_formula_without_cached_value(make_bom):
    path = make_bom()
    book = openpyxl.load_workbook(path)
    book["BOM"]["F2"] = "=E2*D2"
    book.save(path)  # openpyxl stores formulas without computing them
    message = one(path, r"formula whose result was never calculated.*open the workbook in Excel or LibreOffice and save it")
    assert "BOM!F2" in message


def test_duplicate_part_numbers_warn(make_bom):
    bom = load_bom(make_bom(lines=[BASE_LINES[0], {**BASE_LINES[1], "part_number": "00100"}]))
    warnings = [str(w) for w in bom.warnings]
    assert any("BOM!A3: warning: part_number '00100' appears again (first on row 2)" in w for w in warnings), warnings


def test_materials_exceed_net_cost(make_bom):
    message = one(make_bom(vehicle={**BASE_VEHICLE, "net_cost": 3000}), r"materials \(4,000.00\) to be at most the net cost \(3,000.00\)")
    assert "Vehicle!B5" in message


def test_originating_purchases_above_purchases(make_bom):
    """USMCA UR 17(1): originating steel is part of the steel purchases; more would pass 17(1) at over 100%."""
    vehicle = {**BASE_VEHICLE, "steel_purchases": 1450, "steel_purchases_originating": 99999}
    message = one(make_bom(vehicle=vehicle), r"steel_purchases_originating: expected at most steel_purchases \(1450\), found 99999")
    assert "Vehicle!B" in message


def test_bad_yes_no_and_vehicle_fields(make_bom):
    vehicle = {**BASE_VEHICLE, "assembly_country": "Mexico City", "production_date": "someday"}
    found = problems(make_bom(vehicle=vehicle, lines=line(usmca_originating="maybe")))
    assert any("Vehicle!B3: assembly_country: expected an ISO 3166-1 alpha-2" in p for p in found), found
    assert any("Vehicle!B4: production_date: expected a date (YYYY-MM-DD), found 'someday'" in p for p in found), found
    assert any(re.search(r"BOM!K2: usmca_originating: expected Y or N", p) for p in found), found


def test_all_problems_in_one_pass(make_bom):
    lines = [{**BASE_LINES[0], "hs_code": "x"}, {**BASE_LINES[1], "origin_country": "ZZ"},
             {**BASE_LINES[1], "part_number": "3", "value": "n/a", "quantity": None, "unit_value": None}]
    found = problems(make_bom(lines=lines))
    assert len([p for p in found if "warning" not in p]) >= 3, found


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in problems(tmp_path / "nope.xlsx")[0]
    assert "found a directory" in problems(tmp_path)[0]


def test_formula_without_cached_value_is_not_also_called_blank(make_bom):
    path = make_bom()
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book["BOM"][1]]
    value = book["BOM"].cell(2, header.index("value") + 1)
    value.value = "=1+1"
    if "unit_value" in header:
        book["BOM"].cell(2, header.index("unit_value") + 1).value = None
    book.save(path)
    at_cell = [p for p in problems(path) if f"BOM!{value.coordinate}:" in p]
    assert len(at_cell) == 1 and "never calculated" in at_cell[0], at_cell
