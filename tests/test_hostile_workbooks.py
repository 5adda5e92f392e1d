"""Damaged and hostile workbooks are refused cleanly: exit 2 with one located line, never a
traceback (issue 8, "Refuse cleanly" and "Resource limits"), each on a real file."""

from __future__ import annotations

import os
import zipfile

import pytest
from handmade_xlsx import Num, bom_sheets, build
from typer.testing import CliRunner

from roo_calc.bom import package
from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.errors import BomError

VEHICLE = [("model", "Car"), ("hs_code", "8703.23"), ("assembly_country", "MX"), ("production_date", "2024-05-01"),
           ("net_cost", Num("10000"))]
HEADER = ["part_number", "hs_code", "quantity", "value", "origin_country"]
LINES = [["P1", "8708.40", Num("1"), Num("2000"), "JP"]]
runner = CliRunner()


def workbook(tmp_path, name="bom.xlsx", vehicle=VEHICLE, lines=LINES, **options):
    path = tmp_path / name
    path.write_bytes(build(bom_sheets(vehicle, HEADER, lines), **options))
    return path


def refused(path, pattern: str) -> str:
    """The one problem raised for this file; the CLI exits 2 with it on one line."""
    with pytest.raises(BomError) as caught:
        load_bom(path)
    messages = [str(p) for p in caught.value.problems if p.severity == "error"]
    assert any(pattern in m for m in messages), messages
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and pattern in result.stderr, result.stderr
    return next(m for m in messages if pattern in m)


def _corrupt_member(path, member: str) -> None:
    """Overwrite the middle of a member's compressed bytes (a bad deflate stream)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26:header + 28], "little") + int.from_bytes(data[header + 28:header + 30], "little")
    middle = start + info.compress_size // 2
    data[middle:middle + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


def test_bad_deflate_stream(tmp_path):
    path = workbook(tmp_path, lines=LINES * 50)
    _corrupt_member(path, "xl/worksheets/sheet2.xml")
    message = refused(path, "is damaged")
    assert "xl/worksheets/sheet2.xml" in message


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE worksheet [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]>',
])
def test_doctype_or_entity_in_a_sheet(tmp_path, doctype):
    message = refused(workbook(tmp_path, doctype={"BOM": doctype}), "DOCTYPE")
    assert "BOM" in message


def test_entity_reference_without_a_declaration(tmp_path):
    path = workbook(tmp_path, lines=[["P1&xxe;", "8708.40", Num("1"), Num("2000"), "JP"]])
    data = path.read_bytes()
    rebuilt = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, body.replace(b"P1&amp;xxe;", b"P1&xxe;"))
    assert data != rebuilt.read_bytes()
    refused(rebuilt, "not well-formed XML")


@pytest.mark.parametrize("target", ["../../../../etc/passwd", "/../outside.xml", "file:///etc/passwd",
                                    "http://example.invalid/sheet.xml"])
def test_relationship_target_outside_the_package(tmp_path, target):
    message = refused(workbook(tmp_path, sheet_targets={"BOM": target}), "points outside the workbook")
    assert "rId2" in message


def test_file_rewritten_while_it_is_read(tmp_path, monkeypatch):
    path = workbook(tmp_path)
    real = package._read_all

    def read_then_rewrite(fd, size):
        data = real(fd, size)
        with path.open("ab") as handle:  # another program saves over the file meanwhile
            handle.write(b"more")
        return data

    monkeypatch.setattr(package, "_read_all", read_then_rewrite)
    with pytest.raises(BomError) as caught:
        load_bom(path)
    assert "changed while it was read" in str(caught.value.problems[0])


@pytest.mark.parametrize("where", ["line", "vehicle"])
def test_finite_but_huge_number(tmp_path, where):
    lines = [["P1", "8708.40", Num("1e300"), Num("2000"), "JP"]] if where == "line" else LINES
    vehicle = VEHICLE[:4] + [("net_cost", Num("1E+300"))] if where == "vehicle" else VEHICLE
    cell = "BOM!C2" if where == "line" else "Vehicle!B5"
    message = refused(workbook(tmp_path, vehicle=vehicle, lines=lines), "beyond the largest")
    assert cell in message


def test_line_value_beyond_the_limit_after_multiplying(tmp_path):
    lines = [["P1", "8708.40", Num("1e17"), None, "JP"]]
    header_lines = [[*row[:3], Num("1e14"), row[4]] for row in lines]
    path = tmp_path / "product.xlsx"
    path.write_bytes(build(bom_sheets(VEHICLE, ["part_number", "hs_code", "quantity", "unit_value", "origin_country"],
                                      header_lines)))
    assert "BOM!D2" in refused(path, "expected a line value below")


def test_a_pipe_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "bom.xlsx"
    os.mkfifo(fifo)
    message = refused(fifo, "not a regular file")
    assert "directory" not in message


def test_dev_null_is_not_a_regular_file():
    assert "directory" not in refused("/dev/null", "not a regular file")


def test_part_inflating_past_the_ratio_limit_is_refused_before_inflating(tmp_path):
    path = workbook(tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                body = body.replace(b"</sheetData>", b"</sheetData>" + b" " * (16 << 20))
            target.writestr(info.filename, body)
    assert bomb.stat().st_size < 200_000
    assert "ratio" in refused(bomb, "would inflate")


def test_parts_past_the_total_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(package, "MAX_PARTS_BYTES", 2000)
    refused(workbook(tmp_path, lines=LINES * 40), "would inflate to more than 2,000 bytes")


def test_stray_cell_far_from_the_table(tmp_path):
    rows = [[*LINES[0]]] + [[] for _ in range(20000)] + [[None] * 16000 + ["stray"]]
    refused(workbook(tmp_path, lines=rows), "expected a compact table")


def test_hash_is_of_the_bytes_that_were_parsed(tmp_path):
    import hashlib

    path = workbook(tmp_path)
    assert load_bom(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("stored", ["NaN", "Infinity", "1_000", "12abc"])
def test_a_number_cell_holding_no_number(tmp_path, stored):
    path = workbook(tmp_path, lines=[["P1", "8708.40", Num("1"), Num(stored), "JP"]])
    message = refused(path, "which is not a decimal number")
    assert "BOM" in message and "D2" in message
