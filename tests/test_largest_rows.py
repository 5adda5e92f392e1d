"""Explanations that list rows name the lines with the most at stake first (ties by row), not
the first rows of the sheet: an analyst acts on the largest lines."""

from __future__ import annotations

import re
from datetime import date

from roo_calc import load_bom
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes

# Fourteen uncertified Mexican lines whose value grows down the sheet (rows 2..15), so the first
# rows are the smallest.
LINES = [{"part_number": f"P{k:03}", "hs_code": "8708.29", "value": 10 + k, "origin_country": "MX"} for k in range(14)]
LINES += [{"part_number": "Z999", "hs_code": "8708.29", "value": 23, "origin_country": "MX"}]  # ties row 15's value


def test_uncertified_review_lists_largest_first(make_bom):
    regime = load_regimes()["usmca-2020"]
    regime = regime.model_copy(update={"uncertified_regional": "review"})
    bom = load_bom(make_bom(lines=LINES))
    result = evaluate(bom, regime, date(2024, 5, 1))
    text = next(r for r in result.review if "lack a" in r)
    listed = [int(x) for x in re.search(r"rows ([\d, ]+)", text).group(1).replace(" ", "").split(",")]
    rows = bom.lines["row"].tolist()
    assert listed[:3] == [rows[13], rows[14], rows[12]]  # 23.00 (first by row), 23.00, 22.00
    assert len(listed) == 12 and text.endswith("and 3 more)")


def test_excel_certificates_block_lists_largest_lines_and_a_count(make_bom, tmp_path):
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from roo_calc.certificates.writer import write_certificates
    from roo_calc.cli.main import app

    lines = [{"part_number": f"P{k:03}", "hs_code": "8708.29", "value": 10 + k, "origin_country": "MX",
              "supplier": "Acme MX"} for k in range(40)]
    bom = make_bom(lines=lines)
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [{"supplier": "Acme MX", "agreement": "usmca", "originating": True,
                                "valid_from": date(2024, 1, 1), "valid_to": date(2024, 12, 31), "document": "ACME-1"}])
    report = tmp_path / "report.xlsx"
    out = CliRunner().invoke(app, ["evaluate", str(bom), "-r", "usmca-2020", "--certificates", str(certs), "-o", str(report)])
    assert out.exit_code == 0, out.output
    sheet = load_workbook(report)["Assumptions and Review"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "ACME-1")
    rows = load_bom(bom).lines["row"].tolist()
    assert row[5] == ", ".join(str(r) for r in rows[::-1][:12]) + " and 28 more"
