"""`collect` reads a supplier's answer cells as the BOM's cells are read (one reader): a
percentage in a cell formatted as % is read as the % shown, "1,500" is read as 1500 with a
warning, "0,250" (a decimal comma) is refused, each message located file:sheet!cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from roo_calc.cli.main import app
from roo_calc.suppliers.collect import read_returned

from test_suppliers import LINES, VEHICLE, fill

runner = CliRunner()
NAFTA = "NAFTA originating? (Y/N)"
RVC = "Regional value content %"


def _request(make_bom, tmp_path: Path, regime: str) -> Path:
    """Valid Co's request (parts S-300 and S-301) under `regime`."""
    folder = tmp_path / "requests"
    result = runner.invoke(app, ["solicit", str(make_bom(VEHICLE, LINES)), "-r", regime, "--output", str(folder)])
    assert result.exit_code == 0, result.output
    return folder / "request-valid-co.xlsx"


def _format(path: Path, header: str, part: str, number_format: str) -> str:
    """Format one answer cell as a spreadsheet user would; returns its reference."""
    book = load_workbook(path)
    parts = book["Parts"]
    col = next(c.column for c in parts[4] if c.value == header)
    row = next(r for r in range(5, parts.max_row + 1) if parts.cell(r, 2).value == part)
    parts.cell(row, col).number_format = number_format
    book.save(path)
    return parts.cell(row, col).coordinate


def test_a_percentage_typed_in_a_cell_formatted_as_percent_is_read_as_shown(make_bom, tmp_path):
    """A supplier who types 75% stores 0.75 in a %-formatted cell: 75 points, as on the BOM."""
    path = _request(make_bom, tmp_path, "us-proposal-2017")
    fill(path, "answered", {("S-300", NAFTA): "Y", ("S-300", RVC): 0.75, ("S-300", "RVC method"): "net cost",
                            ("S-301", NAFTA): "Y", ("S-301", RVC): 80, ("S-301", "RVC method"): "net cost"})
    _format(path, RVC, "S-300", "0%")
    found = read_returned(path)
    assert found.status == "answered" and not found.problems, found.problems
    assert {row["part_number"]: row["regional_content_pct"] for row in found.rows} == {"S-300": Decimal("75.00"),
                                                                                        "S-301": Decimal("80")}
    certs = tmp_path / "certs.xlsx"
    out = runner.invoke(app, ["collect", str(path), "--output", str(certs)])
    assert out.exit_code == 0, out.output
    sheet = load_workbook(certs)["Certificates"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("part_number")]: r[header.index("regional_content_pct")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {"S-300": 75, "S-301": 80}


def test_fractions_in_plain_cells_are_warned(make_bom, tmp_path):
    """0.75 and 0.8 typed in cells not formatted as %: read as written (0.75%), and said, as on the BOM."""
    path = _request(make_bom, tmp_path, "us-proposal-2017")
    fill(path, "answered", {("S-300", NAFTA): "Y", ("S-300", RVC): 0.75, ("S-300", "RVC method"): "net cost",
                            ("S-301", NAFTA): "Y", ("S-301", RVC): 0.8, ("S-301", "RVC method"): "net cost"})
    found = read_returned(path)
    assert found.status == "answered"
    [warning] = found.warnings
    assert (warning.code, warning.sheet, warning.cell) == ("possible-fraction", "Parts", "K5")
    assert "regional_content_pct: every value is 1 or less (K5, K6)" in warning.message


def test_a_thousands_comma_is_read_and_warned(make_bom, tmp_path):
    path = _request(make_bom, tmp_path, "nafta-1994")
    fill(path, "answered", {("S-300", NAFTA): "Y", ("S-300", "NAFTA traced value"): "1,500", ("S-301", NAFTA): "N"})
    certs = tmp_path / "certs.xlsx"
    out = runner.invoke(app, ["collect", str(path), "--output", str(certs)])
    assert out.exit_code == 0, out.output
    assert f"{path}:Parts!K5: warning: nafta_traced_value: text with one comma and three digits after it (K5) is read as " \
           "US thousands ('1,500' as 1500)" in out.output
    sheet = load_workbook(certs)["Certificates"]
    header = [c.value for c in sheet[1]]
    [traced] = [r[header.index("nafta_traced_value")] for r in sheet.iter_rows(min_row=2, values_only=True)
                if r[header.index("part_number")] == "S-300"]
    assert traced == 1500
    assert "warning: Parts!K5: nafta_traced_value" in [c.value for c in load_workbook(certs)["Collected"]["G"]][1]


def test_a_decimal_comma_is_refused_with_its_cell(make_bom, tmp_path):
    path = _request(make_bom, tmp_path, "nafta-1994")
    fill(path, "answered", {("S-300", NAFTA): "Y", ("S-300", "NAFTA traced value"): "0,250"})
    out = runner.invoke(app, ["collect", str(path), "--output", str(tmp_path / "certs.xlsx")])
    assert out.exit_code == 2, out.output
    assert (f"{path}:Parts!K5: nafta_traced_value: expected a number, found text '0,250', which is no US thousands "
            "number") in out.output
    assert "reads as a decimal comma: write it with a point (0.250)" in out.output


def test_a_formula_saved_without_its_value_is_refused_not_read_as_blank(make_bom, tmp_path):
    """A formula written by a program and never calculated holds no value in the file: it was
    read as a blank answer; now an error at its cell, as on the BOM."""
    path = _request(make_bom, tmp_path, "nafta-1994")
    fill(path, "answered", {("S-300", NAFTA): "Y", ("S-300", "NAFTA traced value"): "=1000+500", ("S-301", NAFTA): "N"})
    found = read_returned(path)
    assert found.status == "invalid"
    assert [(p.code, p.sheet, p.cell) for p in found.errors] == [("formula-without-value", "Parts", "K5")]


def test_a_request_cut_short_is_named_damaged_once(make_bom, tmp_path):
    """The message repeated "expected an .xlsx workbook" and said the file was no zip."""
    path = _request(make_bom, tmp_path, "nafta-1994")
    path.write_bytes(path.read_bytes()[:3000])
    [problem] = read_returned(path).problems
    assert problem.message.startswith("expected an .xlsx workbook, found a damaged zip file: it begins as one")
    assert problem.message.count("expected") == 1
