"""The Excel report, opened back with openpyxl and checked cell by cell."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_VEHICLE, SAMPLES

runner = CliRunner()


def test_report_sheets_values_chart_and_no_formulas(make_bom, tmp_path):
    lines = [
        {"part_number": "=HYPERLINK(\"http://x\")", "description": "+cmd|' /C calc'!A0", "hs_code": "8708.40", "value": 2500,
         "origin_country": "JP", "supplier": "@SUM(1+1)"},
        {"part_number": "-2", "hs_code": "8708.29", "value": 5000, "origin_country": "MX", "usmca_originating": "Y"},
    ]
    bom = make_bom(vehicle={**BASE_VEHICLE, "transaction_value": 12000, "annual_volume": 1000}, lines=lines)
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["evaluate", str(bom), "--as-of", "2024-01-01", "-o", str(out), "-r", "usmca-2020", "-r", "nafta-1994"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "usmca-2020", "nafta-1994", "Lines", "Assumptions and Review", "Inputs", "Glossary"]
    summary = book["Summary"]
    header = [c.value for c in summary[11]]
    assert header[:4] == ["Regime", "Title", "Status", "Binding requirement"]
    rows = {summary.cell(r, 1).value: r for r in range(12, 14)}
    usmca = rows["usmca-2020"]
    assert summary.cell(usmca, 3).value == "NOT ELIGIBLE"
    data = json.loads(runner.invoke(app, ["evaluate", str(bom), "--as-of", "2024-01-01", "-f", "json", "-r", "usmca-2020"]).output)
    binding = data["results"][0]["binding_requirement"]
    assert summary.cell(usmca, 4).value == binding
    assert summary.cell(usmca, 10).value == "owed"
    assert summary.cell(usmca, 11).value == 300.0  # 2.5% of 12,000
    assert summary.cell(usmca, 12).value == 300000.0
    assert len(summary._charts) == 1, "a native chart of value against threshold"
    regime = book["usmca-2020"]
    assert regime.cell(6, 1).value == "rvc" and regime.cell(6, 3).value == "PASS"
    assert regime.cell(6, 4).value == 75.0 and regime.cell(6, 5).value == 75.0
    # Line-level table: numbers are numbers, input text stays text.
    found = {}
    for row in book["Lines"].iter_rows():
        for cell in row:
            if cell.value in ("=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2"):
                found[cell.value] = cell
    assert set(found) == {"=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2"}
    assert all(cell.data_type == "s" for cell in found.values()), {k: c.data_type for k, c in found.items()}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    inputs = book["Inputs"]
    assert inputs["A2"].value == "SHA-256" and len(inputs["B2"].value) == 64
    assert inputs["B3"].value == "2024-01-01 (from --as-of)"
    assumptions = book["Assumptions and Review"]
    assert assumptions["A1"].value == "Regime"


def test_report_is_not_written_over_the_input(tmp_path):
    sample = SAMPLES / "suv-ca.xlsx"
    target = tmp_path / "suv.xlsx"
    target.write_bytes(sample.read_bytes())
    before = target.read_bytes()
    result = runner.invoke(app, ["evaluate", str(target), "-o", str(target)])
    assert result.exit_code == 2 and "refusing to write the report over the input" in result.output
    assert target.read_bytes() == before


def test_report_cells_never_contradict_the_verdict(make_bom, tmp_path):
    """74.9999% fails; its cell holds 74.99, not a value Excel would show as 75.00."""
    bom = make_bom(lines=[{"part_number": "T", "hs_code": "8708.40", "value": 2500.01, "origin_country": "JP"}])
    out = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["evaluate", str(bom), "--as-of", "2024-01-01", "-r", "usmca-2020", "-o", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["usmca-2020"]
    assert sheet.cell(6, 1).value == "rvc" and sheet.cell(6, 3).value == "FAIL"
    assert sheet.cell(6, 4).value == 74.99 and sheet.cell(6, 6).value == -0.01


def test_summary_lists_every_regime_above_the_chart_data(tmp_path):
    """The verdict table keeps one row per regime; the chart's data block starts below it
    (a table of six regimes once lost its last regime's id to the block's title)."""
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["evaluate", str(SAMPLES / "suv-ca.xlsx"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(app, ["evaluate", str(SAMPLES / "suv-ca.xlsx"), "-f", "json"]).output)
    regimes = [r["regime"] for r in data["results"]]
    summary = openpyxl.load_workbook(out)["Summary"]
    column_a = [summary.cell(r, 1).value for r in range(1, summary.max_row + 1)]
    top = column_a.index("Regime") + 1
    assert column_a[top:top + len(regimes)] == regimes
    assert column_a.index("Value against threshold, every requirement") > top + len(regimes)


def test_lines_sheet_lists_each_line_once_and_every_regime_band_agrees_with_json(tmp_path):
    """Every BOM line is written once in the workbook (not once per regime), and each regime's
    band holds what the JSON says the line counts against each requirement, and why."""
    out = tmp_path / "report.xlsx"
    args = ["evaluate", str(SAMPLES / "compact-sedan-mx.xlsx"), "--as-of", "2025-06-01"]
    assert runner.invoke(app, [*args, "-o", str(out), "-q"]).exit_code == 0
    data = json.loads(runner.invoke(app, [*args, "-f", "json", "--all-lines"]).output)
    book = openpyxl.load_workbook(out)
    parts = {line["part_number"] for line in data["results"][0]["requirements"][0]["lines"]}
    seen: dict[str, int] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value in parts:
                    seen[value] = seen.get(value, 0) + 1
    assert seen.keys() == parts and set(seen.values()) == {1}, "each line's part number once in the whole workbook"
    sheet = book["Lines"]
    header = [c.value for c in sheet[3]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    bands = 0
    for result in data["results"]:
        for req in result["requirements"]:
            name = f"{result['regime']}: {req['id']}"
            if f"{name} counted" not in header:
                continue
            bands += 1
            counted, basis = header.index(f"{name} counted"), header.index(f"{name} basis")
            listed = {line["row"]: line for line in req["lines"]}  # the lines that count; the others count 0
            assert set(listed) <= set(rows)
            for number, row in rows.items():
                line = listed.get(number)
                assert row[counted] == pytest.approx(float(line["counted_exact"]) if line else 0, abs=1e-9), (name, number)
                if line:
                    assert row[basis] == line["basis"], (name, number)
    assert bands >= 10
    assert not any(h.startswith("us-section-232-2025") for h in header), "a regime that counts no line has no band"


def test_regime_sheet_rows_align_alike_and_the_what_if_band_covers_its_sentence(tmp_path):
    """Every cell of a requirement row is top-aligned, as its wrapped texts are; the amber WHAT-IF
    sentence is one merged cell across the requirements table, not an amber cell it overflows."""
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["evaluate", str(SAMPLES / "suv-ca.xlsx"), "-r", "us-proposal-2017", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["us-proposal-2017"]
    assert str(sheet["A3"].value).startswith("WHAT-IF: ")
    assert "A3:J3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A3"].fill.fgColor.rgb.endswith("FFEB9C") and sheet["A3"].alignment.wrap_text
    head = [c.value for c in sheet[5]]
    assert head[0] == "Requirement"
    for row in sheet.iter_rows(min_row=6, max_row=7, max_col=10):
        assert row[0].value in ("rvc", "us_content")
        assert {c.alignment.vertical for c in row if c.value not in (None, "")} == {"top"}, [(c.coordinate, c.alignment.vertical) for c in row]
