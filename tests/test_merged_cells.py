"""Merged cells: only a merge's top-left cell holds the value, the others are blank in the file
although a spreadsheet shows the value across the merge.  A merge over cells that are read is a
located error naming the range, on every sheet read and from every producer; merges over cells
nobody reads (a title, an ignored column) pass."""

from __future__ import annotations

import openpyxl
import pytest
from handmade_xlsx import Num, build
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.errors import BomError

runner = CliRunner()
VEHICLE = [("model", "Merged"), ("hs_code", "8703.23"), ("assembly_country", "MX"), ("production_date", "2024-03-15"),
           ("net_cost", 20000)]
HEAD = ["part_number", "hs_code", "quantity", "unit_value", "currency", "origin_country", "usmca_originating"]
LINES = [["E-1", "8407.34", 1, 4000, "EUR", "MX", "Y"],
         ["T-1", "8708.40", 1, 2000, "EUR", "US", "Y"],
         ["B-1", "8708.29", 1, 3000, "EUR", "US", "Y"],
         ["W-1", "8708.70", 4, 50, "USD", "CN", "N"],
         ["W-2", "8708.70", 4, 50, "USD", "CN", "N"]]


def _vehicle_book():
    book = openpyxl.Workbook()
    vehicle = book.active
    vehicle.title = "Vehicle"
    for row in VEHICLE:
        vehicle.append(list(row))
    return book


def openpyxl_book(tmp_path, merges: dict[str, list[str]], title: str | None = None, extra: dict | None = None):
    book = _vehicle_book()
    bom = book.create_sheet("BOM")
    if title:
        bom.append([title])
    bom.append(HEAD + ["buyer note"])
    for line in LINES:
        bom.append(line + ["ok"])
    fx = book.create_sheet("FX")
    fx.append(["currency", "rate"])
    fx.append(["EUR", 1.1])
    for name, rows in (extra or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for name, refs in merges.items():
        for ref in refs:
            book[name].merge_cells(ref)  # as a spreadsheet app does: the other cells lose their values
    path = tmp_path / "merged.xlsx"
    book.save(path)
    return path


def problems(path) -> list:
    with pytest.raises(BomError) as caught:
        load_bom(path)
    return [p for p in caught.value.problems if p.code == "merged-cells"]


def test_merged_currency_quantity_and_certification_are_refused_naming_each_range(tmp_path):
    """The review's workbook: EUR merged over three lines, a quantity 4 over two, a Y over a
    supplier's block; each was read as blank (USD, quantity 1, uncertified) and validate said valid."""
    path = openpyxl_book(tmp_path, {"BOM": ["E2:E4", "C5:C6", "G2:G4"]})
    found = problems(path)
    assert [(p.sheet, p.cell) for p in found] == [("BOM", "E2:E4"), ("BOM", "G2:G4"), ("BOM", "C5:C6")]
    assert found[0].message == ("currency: cells E2:E4 are merged: a spreadsheet shows 'EUR' across the merge, but the "
                                "file holds it in E2 only and the other cells are blank; expected one value per cell: "
                                "unmerge E2:E4 and write each cell's own value")
    assert found[1].message.startswith("usmca_originating:") and found[2].message.startswith("quantity:")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "BOM!E2:E4" in result.stderr and "Traceback" not in result.output


def test_a_merge_with_a_blank_top_left_cell_says_the_merge_is_blank(tmp_path):
    """The message said "only G2 holds the value (blank)": true, but it read as if a value were there."""
    book = _vehicle_book()
    bom = book.create_sheet("BOM")
    bom.append(HEAD)
    for line in LINES:
        bom.append(line[:-1] + [None])
    bom.merge_cells("G2:G4")
    path = tmp_path / "blank.xlsx"
    book.save(path)
    [problem] = problems(path)
    assert problem.message == ("usmca_originating: cells G2:G4 are merged: the merge is blank (its top-left cell G2, which "
                               "holds a merge's value, is empty); expected one value per cell: unmerge G2:G4 and write "
                               "each cell's own value")


def test_values_hidden_under_a_merge_are_named(tmp_path):
    """A program can write values in the cells a merge covers; a spreadsheet hides them, the file holds them."""
    header = ["part_number", "hs_code", "quantity", "value", "origin_country", "usmca_originating"]
    lines = [["P1", "8708.40", Num("1"), Num("2000"), "MX", None], ["P2", "8708.29", Num("1"), Num("1000"), "MX", "N"]]
    sheets = {"Vehicle": [[k, v if not isinstance(v, int) else Num(str(v))] for k, v in VEHICLE], "BOM": [header, *lines]}
    path = tmp_path / "hidden.xlsx"
    path.write_bytes(build(sheets, merges={"BOM": ("F2:F3",)}))
    [problem] = problems(path)
    assert problem.message.startswith("usmca_originating: cells F2:F3 are merged: the merge is blank (its top-left cell F2, "
                                      "which holds a merge's value, is empty); the other cells hold values of their own "
                                      "that a spreadsheet hides under the merge; expected one value per cell")


def test_merges_over_cells_nobody_reads_pass(tmp_path):
    """A title merged across the top, a merge within an ignored column, one cell merged across
    the columns of its own row into an ignored one: the values read are the same as unmerged."""
    plain = load_bom(openpyxl_book(tmp_path, {}, title="Bill of materials"))
    path = openpyxl_book(tmp_path, {"BOM": ["A1:H1", "H3:H5"], "Vehicle": ["B1:D1"]}, title="Bill of materials")
    merged = load_bom(path)
    assert merged.lines.equals(plain.lines)
    assert not [w for w in merged.warnings if w.code == "merged-cells"]


def test_a_merged_header_over_a_column_holding_values_is_refused(tmp_path):
    """`unit_value` merged over D and E in the header row: column E's values would be read
    without a header, so ignored."""
    book = _vehicle_book()
    bom = book.create_sheet("BOM")
    bom.append(["part_number", "hs_code", "origin_country", "unit_value", None])
    bom.append(["E-1", "8407.34", "MX", 4000, 5])
    bom.merge_cells("D1:E1")
    path = tmp_path / "header.xlsx"
    book.save(path)
    [problem] = problems(path)
    assert problem.cell == "D1:E1" and "(column E holds values below a merged header)" in problem.message
    assert problem.message.endswith("unmerge D1:E1 and write each column's own name in header row 1")
    assert "fill the value in each cell" not in problem.message, "copying the title into E1 is no fix"


def test_vehicle_sheet_merges_over_a_field_are_refused(tmp_path):
    """A value merged down over the next field's value, and a field name merged down over the
    next row's name: the covered field reads as blank, or its value is dropped."""
    path = openpyxl_book(tmp_path, {"Vehicle": ["B4:B5"]})
    [problem] = problems(path)
    assert (problem.sheet, problem.cell) == ("Vehicle", "B4:B5") and problem.message.startswith("net_cost:")
    book = openpyxl.load_workbook(path)
    book["Vehicle"].unmerge_cells("B4:B5")
    book["Vehicle"]["B5"] = 20000
    book["Vehicle"].append([None, "10000"])  # a value with no field name of its own
    book["Vehicle"].merge_cells("A5:A6")
    book.save(path)
    [problem] = problems(path)
    assert problem.cell == "A5:A6" and "the field name of row 6" in problem.message


def test_fx_certificates_and_columns_sheet_merges_are_refused(tmp_path):
    extra = {"Certificates": [["supplier", "agreement", "originating"], ["EngCo", "usmca", "Y"], ["BodyCo", "usmca", None]],
             "Columns": [["sheet", "header", "column"], ["BOM", "buyer note", "description"], [None, "Part", "part_number"]]}
    path = openpyxl_book(tmp_path, {"Certificates": ["C2:C3"], "Columns": ["A2:A3"], "FX": ["B2:B3"]}, extra=extra)
    book = openpyxl.load_workbook(path)
    book["FX"]["A3"] = "CAD"
    book.save(path)
    found = {(p.sheet, p.cell): p.message for p in problems(path)}
    assert set(found) == {("Certificates", "C2:C3"), ("Columns", "A2:A3"), ("FX", "B2:B3")}
    assert found[("FX", "B2:B3")].startswith("rate:") and found[("Certificates", "C2:C3")].startswith("originating:")


@pytest.mark.parametrize("options", [{"prefix": "x"}, {"strict": True}, {"shared_strings": True}])
def test_merges_in_hand_written_xml_are_read_under_any_prefix(tmp_path, options):
    """`<x:mergeCells>` after `<x:sheetData>`, as the OpenXML SDK writes it, and strict OOXML; a
    merge below the last filled row covers nothing read."""
    header = ["part_number", "hs_code", "quantity", "value", "origin_country", "usmca_originating"]
    lines = [["P1", "8708.40", Num("1"), Num("2000"), "MX", "Y"], ["P2", "8708.29", Num("1"), Num("1000"), "MX", None]]
    sheets = {"Vehicle": [[k, v if not isinstance(v, int) else Num(str(v))] for k, v in VEHICLE], "BOM": [header, *lines]}
    path = tmp_path / "sdk.xlsx"
    path.write_bytes(build(sheets, merges={"BOM": ("F2:F3", "A5:B5")}, **options))
    [problem] = problems(path)
    assert (problem.sheet, problem.cell) == ("BOM", "F2:F3") and "shows 'Y' across the merge" in problem.message


def test_a_damaged_merge_reference_is_refused(tmp_path):
    sheets = {"Vehicle": [[k, str(v)] for k, v in VEHICLE], "BOM": [["part_number", "hs_code", "value", "origin_country"],
                                                                    ["P1", "8708.40", Num("1"), "MX"]]}
    path = tmp_path / "bad.xlsx"
    path.write_bytes(build(sheets, merges={"BOM": ("A2:ZZZZ9",)}))
    with pytest.raises(BomError) as caught:
        load_bom(path)
    assert "merged range 'A2:ZZZZ9' is not a range of cells" in str(caught.value.problems[0])


def test_merge_range_written_by_xlsxwriter_is_refused(tmp_path):
    """xlsxwriter's merge_range writes the value and blank formatted cells under it."""
    import xlsxwriter

    path = tmp_path / "xw.xlsx"
    book = xlsxwriter.Workbook(str(path))
    vehicle = book.add_worksheet("Vehicle")
    for r, (field, value) in enumerate(VEHICLE):
        vehicle.write_row(r, 0, [field, value])
    bom = book.add_worksheet("BOM")
    bom.write_row(0, 0, HEAD)
    for r, line in enumerate(LINES, start=1):
        bom.write_row(r, 0, line)
    bom.merge_range("G5:G6", "N")
    fx = book.add_worksheet("FX")
    fx.write_row(0, 0, ["currency", "rate"])
    fx.write_row(1, 0, ["EUR", 1.1])
    book.close()
    [problem] = problems(path)
    assert (problem.sheet, problem.cell) == ("BOM", "G5:G6") and "shows 'N' across the merge" in problem.message


def test_a_merged_volume_on_the_fleet_sheet_is_refused(make_bom, tmp_path):
    """A volume merged over two vehicles read the second as 'no volume given'."""
    a, b = make_bom(name="a.xlsx"), make_bom(name="b.xlsx")
    path = tmp_path / "fleet.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Fleet"
    for row in (["bom_file", "annual_volume"], [a.name, 1000], [b.name, None]):
        book.active.append(row)
    book.active.merge_cells("B2:B3")
    book.save(path)
    out = runner.invoke(app, ["evaluate", str(path), "--average-by", "model-line", "-r", "usmca-2020"])
    assert out.exit_code == 2 and f"{path}:Fleet!B2:B3: annual_volume: cells B2:B3 are merged" in out.output, out.output


def test_a_merged_answer_on_a_returned_supplier_request_is_refused(make_bom, tmp_path):
    """A supplier's Y merged over two parts read the second as unanswered."""
    from test_suppliers import fill, solicit

    from roo_calc.suppliers.collect import read_returned

    lines = [{"part_number": "S-300", "hs_code": "8708.29", "value": 1000, "origin_country": "MX", "supplier": "Valid Co"},
             {"part_number": "S-301", "hs_code": "8708.29", "value": 1000, "origin_country": "MX", "supplier": "Valid Co"},
             {"part_number": "E-1", "hs_code": "8407.34", "value": 3000, "origin_country": "JP"}]
    folder = tmp_path / "requests"
    solicit(make_bom(lines=lines), folder)
    [request] = folder.glob("request-*.xlsx")
    usmca = "USMCA originating? (Y/N)"
    fill(request, "answered", {("S-300", usmca): "Y"})
    book = openpyxl.load_workbook(request)
    parts = book["Parts"]
    column = next(c.column_letter for c in parts[4] if c.value == usmca)
    rows = [r for r in range(5, parts.max_row + 1) if parts.cell(r, 2).value in ("S-300", "S-301")]
    parts.merge_cells(f"{column}{rows[0]}:{column}{rows[-1]}")
    book.save(request)
    [problem] = read_returned(request).problems
    assert (problem.sheet, problem.cell) == ("Parts", f"{column}{rows[0]}:{column}{rows[-1]}")
    assert problem.message.startswith("usmca_originating: cells") and "shows 'Y' across the merge" in problem.message
