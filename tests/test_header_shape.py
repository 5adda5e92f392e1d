"""Headers that do not say what their columns hold: values under a blank header cell, a header of
two rows (a merged group title over 'USMCA' | 'NAFTA'), ERP abbreviations of contract columns, and
a Columns sheet that maps one header to two columns. Each was read before without a word, and every
line then counted as uncertified or bought."""

from __future__ import annotations

import datetime
import json

import openpyxl
from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()

VEHICLE = [("model", "Header test"), ("hs_code", "8703.23"), ("assembly_country", "MX"),
           ("production_date", datetime.date(2024, 3, 15)), ("net_cost", 20000)]


def _book(path, header, lines, rows_above=(), edit=None):
    book = openpyxl.Workbook()
    vehicle = book.active
    vehicle.title = "Vehicle"
    for row in VEHICLE:
        vehicle.append(list(row))
    bom = book.create_sheet("BOM")
    for row in (*rows_above, header):
        bom.append(list(row))
    for line in lines:
        bom.append(list(line))
    if edit:
        edit(book)
    book.save(path)
    return path


CERTIFIED = [["E-1", "8407.34", 4000, "MX", "Y", "Y"], ["T-1", "8708.40", 2000, "US", "Y", "Y"],
             ["W-1", "8708.70", 700, "CN", "N", "N"]]


def test_a_two_row_header_is_refused_at_its_second_row(tmp_path):
    """'Supplier certification' merged over 'USMCA' | 'NAFTA': before, row 2 was skipped as a blank
    line, both columns ignored and every line read as uncertified (exit 0, not eligible)."""
    def merge(book):
        book["BOM"].merge_cells("E1:F1")
    path = _book(tmp_path / "two.xlsx", ["part_number", "hs_code", "value", "origin_country", "Supplier certification", None],
                 [[None, None, None, None, "USMCA", "NAFTA"], *CERTIFIED], edit=merge)
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020"])
    assert out.exit_code == 2, out.output
    assert (f"{path}:BOM!2:2: expected one header row (row 1) with the lines below it, found a second row of header-like "
            "text: 'USMCA' in E2 (like usmca_originating), 'NAFTA' in F2 (like nafta_originating)") in out.output
    validate = runner.invoke(app, ["validate", str(path)]).output
    assert "Supplier certification\tusmca_originating" not in validate, "a group title is no column to map"


def test_values_under_a_blank_header_cell_are_warned(tmp_path):
    path = _book(tmp_path / "blank.xlsx", ["part_number", "hs_code", "value", "origin_country", "usmca_originating", None],
                 CERTIFIED)
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 0, out.output
    assert (f"{path}:BOM!F1: warning: column F holds values in 3 row(s) (F2 'Y', F3 'Y', F4 'N') under a blank header "
            "cell: they are ignored") in out.output
    data = json.loads(runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "-f", "json"]).output)
    assert any("column F holds values in 3 row(s)" in w for w in data["warnings"])


def test_a_data_line_under_the_header_is_no_second_header(tmp_path):
    path = _book(tmp_path / "plain.xlsx", ["part_number", "hs_code", "value", "origin_country", "usmca_originating"],
                 [line[:5] for line in CERTIFIED])
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 0 and "warning" not in out.output, out.output


MULTI_LEVEL = [[1, "ENG-ASSY", "8407.34", 1, 3000, "MX", None, "E"], [".2", "BLOCK", "8409.91", 1, 1200, "CN", "N", "F"],
               [".2", "HEAD", "8409.91", 2, 400, "US", "Y", "F"], [1, "SEAT", "9401.20", 1, 500, "JP", "N", "F"]]
HEAD = ["Level", "part_number", "hs_code", "quantity", "value", "origin_country", "usmca_originating"]


def test_sap_abbreviated_procurement_header_is_warned_and_maps(tmp_path):
    """SAP's 'Proc. Type' (E in-house, F external): before, no 'looks like procurement' warning while
    'Procurement Ind.' got one, and the self-produced engine counted as a purchase (materials 3,500)."""
    path = _book(tmp_path / "proc.xlsx", [*HEAD, "Proc. Type"], MULTI_LEVEL)
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert f"{path}:BOM!H1: column 'Proc. Type' is not a contract column and is ignored, but it looks like procurement" in out.output
    assert f"{path}:BOM!H1: column H ('Proc. Type') holds only E/F values, as SAP's procurement type does" in out.output
    mapped = tmp_path / "columns.toml"
    mapped.write_text('"Proc. Type" = "procurement"\n')
    data = json.loads(runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "-f", "json", "--columns", str(mapped)]).output)
    assert data["vehicle"]["materials"] == "2100.00", "the engine's components counted, not the engine"


def test_make_buy_values_under_an_unknown_header_are_warned_only_in_a_multi_level_bom(tmp_path):
    path = _book(tmp_path / "type.xlsx", [*HEAD, "Type"], MULTI_LEVEL)
    out = runner.invoke(app, ["validate", str(path)])
    assert f"{path}:BOM!H1: warning: column H ('Type') holds only E/F values" in out.output
    flat = _book(tmp_path / "flat.xlsx", [*HEAD, "Type"], [[1, *line[1:]] for line in MULTI_LEVEL])
    assert "holds only E/F values" not in runner.invoke(app, ["validate", str(flat)]).output


def test_common_erp_abbreviations_look_like_their_contract_columns():
    from roo_calc.bom.columns import resembles

    for header, column in [("Proc. Type", "procurement"), ("BESKZ", "procurement"),
                           ("Ctry of Orig.", "origin_country"), ("Vend. Name", "supplier"), ("Ext. Amt", "value"),
                           ("Comm. Code", "hs_code"), ("Qnty", "quantity"), ("Descr.", "description"), ("HERKL", "origin_country")]:
        assert resembles(header, "BOM", set())[:1] == [column], header
    assert resembles("Val. Class", "BOM", set()) == [] and resembles("Plant", "BOM", set()) == []


def test_one_section_title_under_the_header_is_no_second_header(tmp_path):
    """'Steel parts' alone in row 2 resembles a column ('material') but is a section title, not a header row."""
    lines = [[None, None, None, None, None, "Steel parts"], *[[*line[:5], None] for line in CERTIFIED]]
    path = _book(tmp_path / "section.xlsx", ["part_number", "hs_code", "value", "origin_country", "usmca_originating", "Notes"],
                 lines)
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 0 and "header-like" not in out.output, out.output
