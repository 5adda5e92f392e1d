"""Counted nouns agree with their count ("1 line", "2 lines"), through `display.plural`, in each
message that counts: validate's certification summary, the certifications relied on, and solicit."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from typer.testing import CliRunner

from roo_calc.certificates.model import CertifiedLine
from roo_calc.certificates.report import certified_text
from roo_calc.cli.main import app
from tests.test_suppliers import LINES, VEHICLE

runner = CliRunner()


def _certified(*rows: int) -> tuple[CertifiedLine, ...]:
    return tuple(CertifiedLine(row=row, part_number=f"P{row}", supplier="ACME", agreement="usmca", document="DOC-1",
                               valid_from=date(2024, 1, 1), valid_to=None, fields=("usmca_originating",),
                               location="certs.xlsx:Certificates!A2") for row in rows)


def test_certifications_relied_on_count_lines_and_rows():
    one, two = certified_text(_certified(2)), certified_text(_certified(2, 3))
    assert one[0].endswith("supplier certifications relied on (1 line):") and ": row 2 took usmca_originating" in one[1]
    assert two[0].endswith("supplier certifications relied on (2 lines):") and ": rows 2, 3 took usmca_originating" in two[1]


def test_validate_counts_regional_lines(make_bom):
    engine = {"part_number": "E-1", "hs_code": "8407.34", "value": 4000, "origin_country": "MX"}
    seat = {"part_number": "S-1", "hs_code": "9401.20", "value": 500, "origin_country": "JP"}
    vehicle = {"model": "Car", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-05-01", "net_cost": 20000}
    one = runner.invoke(app, ["validate", str(make_bom(vehicle, [engine, seat]))]).output
    assert "USD (1 line); elsewhere: 500.00 USD (1 line)" in one
    assert "1 regional line has none on file" in one and "Regional content stated on 0 lines" in one
    two = runner.invoke(app, ["validate", str(make_bom(vehicle, [engine, {**engine, "part_number": "E-2"}, seat]))]).output
    assert "USD (2 lines); elsewhere" in two and "2 regional lines have none on file" in two


def test_solicit_counts_workbooks_and_parts(make_bom, tmp_path):
    by_part = {line["part_number"]: line for line in LINES}
    one = runner.invoke(app, ["solicit", str(make_bom(VEHICLE, [by_part["E-100"], by_part["S-300"]])), "-r", "usmca-2020",
                              "--output", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    assert "1 request workbook and summary.xlsx written" in one.output and "Valid Co: 1 part, value at stake" in one.output
    instructions = load_workbook(tmp_path / "one" / "request-valid-co.xlsx")["Instructions"]
    assert any(". 1 part, value " in str(c.value) for row in instructions.iter_rows() for c in row)
    lines = [by_part[p] for p in ("E-100", "S-300", "S-301", "W-400")]
    two = runner.invoke(app, ["solicit", str(make_bom(VEHICLE, lines)), "-r", "usmca-2020", "--output", str(tmp_path / "two")])
    assert two.exit_code == 0, two.output
    assert "2 request workbooks and summary.xlsx written" in two.output
    assert "Valid Co: 2 parts, value at stake" in two.output and "Errant Inc: 1 part, value at stake" in two.output
