"""The Excel report (`roo-calc evaluate --output report.xlsx`): an audit-ready workbook.

Sheets: Summary (one row per regime, and a native chart of value against threshold for every
requirement), one sheet per regime (its requirements with figures and citations, then every BOM
line's contribution, filterable), Assumptions and Review, and Inputs (file hash, rule files,
date, FX rates, version).  Written with xlsxwriter, which is about twice as fast as openpyxl
for large sheets and writes charts, conditional formats and tables natively.  Text from the
input is always written as text (never as a formula), and the file is written to a temporary
name and renamed into place, so a failed run leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np

from roo_calc import __version__
from roo_calc.atomic import atomic_path
from roo_calc.bom.model import Bom
from roo_calc.codes import hs_display
from roo_calc.engine.result import Determination
from roo_calc.display import money as display_money, money_cell, pct_cell as shown
from roo_calc.numbers import SHARE_ONE
from roo_calc.report.json import is_money, pct
from roo_calc.report.verdict import requirement_label, status_label
from roo_calc.rules.model import Regime

FULL_LINE_TABLE = 20_000  # above this many lines, regime sheets list only the lines that count



def _money(cents, up: bool = False) -> float:
    """Cents as a currency amount for a numeric cell, to the cent (exact figures are in JSON)."""
    return money_cell(cents, up)


def _sheet_name(regime_id: str, used: set[str]) -> str:
    name = regime_id[:31]
    for ch in "[]:*?/\\":
        name = name.replace(ch, "-")
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:28]}-{n}"
        n += 1
    used.add(name.lower())
    return name


def write_report(path: Path, bom: Bom, results: list[Determination], as_of: date, regimes: list[Regime]) -> None:
    """Write the report atomically; never over the input workbook."""
    import xlsxwriter

    path = Path(path)
    if path.resolve() == Path(bom.path).resolve():
        raise ValueError("refusing to write the report over the input workbook")
    with atomic_path(path) as temporary:
        book = xlsxwriter.Workbook(temporary, {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "nan_inf_to_errors": True})
        styles = _styles(book)
        _summary(book, styles, bom, results, as_of)
        used = {"summary", "assumptions and review", "inputs"}
        for result in results:
            _regime_sheet(book, styles, bom, result, _sheet_name(result.regime, used))
        _assumptions(book, styles, bom, results)
        _inputs(book, styles, bom, results, as_of, regimes)
        book.close()


def _styles(book) -> dict:
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "pct": book.add_format({"num_format": "0.00"}),
        "text": book.add_format({"text_wrap": False}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "good": book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
        "bad": book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        "warn": book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
    }


def _print_setup(sheet, header_row: int | None = None) -> None:
    """Landscape, one page wide, header row repeated: the report prints as it reads."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4; Letter users get it scaled
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if header_row is not None:
        sheet.repeat_rows(header_row)


def _status_formats(sheet, styles, cell_range: str) -> None:
    for text, style in (("NOT ELIGIBLE", "bad"), ("FAIL", "bad"), ("DUTY", "bad"), ("NEEDS REVIEW", "warn"),
                        ("REVIEW", "warn"), ("NO DUTY", "good"), ("ELIGIBLE", "good"), ("PASS", "good")):
        sheet.conditional_format(cell_range, {"type": "text", "criteria": "begins with", "value": text, "format": styles[style]})


def _summary(book, styles, bom: Bom, results: list[Determination], as_of: date) -> None:
    sheet = book.add_worksheet("Summary")
    v = bom.vehicle
    sheet.write_string(0, 0, f"roo-calc report: {v.model}", styles["title"])
    facts = [("Vehicle", f"{v.model}, HS {hs_display(v.hs_code)}, {v.vehicle_type}" + (" (inferred)" if v.vehicle_type_inferred else "")),
             ("Assembled in", v.assembly_country), ("BOM", bom.path), ("As of", as_of.isoformat()),
             ("Currency", v.currency)]
    for i, (label, value) in enumerate(facts, start=2):
        sheet.write_string(i, 0, label, styles["bold"])
        sheet.write_string(i, 1, str(value))
    sheet.write_string(7, 0, "Net cost", styles["bold"])
    sheet.write_number(7, 1, _money(v.net_cost_cents), styles["money"])
    sheet.write_string(8, 0, "Materials", styles["bold"])
    sheet.write_number(8, 1, _money(bom.materials_cents), styles["money"])
    headers = ["Regime", "Title", "Status", "Binding requirement", "Value %", "Threshold %", "Margin (points)",
               "Gap to qualify (binding)", "Failing requirements", "Duty exposure", "Duty per vehicle", "Duty per year",
               "What-if or condition"]
    top = 10
    sheet.write_row(top, 0, headers, styles["head"])
    sheet.set_row(top, 30)
    for i, r in enumerate(results, start=top + 1):
        b = r.binding
        # xlsxwriter cannot measure text; give wrapped rows room for their lines.
        sheet.set_row(i, 15 * max(1, -(-len(r.title) // 38), -(-(len(r.what_if or "") + len(r.condition or "")) // 45)))
        sheet.write_string(i, 0, r.regime)
        sheet.write_string(i, 1, r.title, styles["wrap"])
        sheet.write_string(i, 2, status_label(r))
        sheet.write_string(i, 3, b.id if b else "")
        if b is not None and b.value is not None:
            sheet.write_number(i, 4, shown(b.value, b.comparison), styles["pct"])
        if b is not None and b.threshold is not None:
            sheet.write_number(i, 5, float(b.threshold), styles["pct"])
        if b is not None and b.margin is not None:
            sheet.write_number(i, 6, shown(b.margin), styles["pct"])
        gap = b.figures.get("gap_to_qualify", 0) if b is not None and b.status == "fail" else 0
        if gap:
            sheet.write_number(i, 7, _money(gap, up=True), styles["money"])
        sheet.write_string(i, 8, ", ".join(req.id for req in r.requirements if req.status == "fail"))
        exposure = r.duty_exposure
        if exposure is not None:
            sheet.write_string(i, 9, exposure.effect or (exposure.note or ""))
            if exposure.per_vehicle_cents is not None:
                sheet.write_number(i, 10, _money(exposure.per_vehicle_cents), styles["money"])
            if exposure.per_year_cents is not None:
                sheet.write_number(i, 11, _money(exposure.per_year_cents), styles["money"])
        sheet.write_string(i, 12, "; ".join(x for x in (r.what_if, f"applies {r.condition}" if r.condition else None) if x),
                           styles["wrap"])
    last = top + len(results)
    _status_formats(sheet, styles, f"C{top + 2}:C{last + 1}")
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 3, 15)
    sheet.set_column(4, 8, 11)
    sheet.set_column(9, 11, 13)
    sheet.set_column(12, 12, 40)

    # Chart data: every requirement with a value and a threshold.
    start = last + 3
    sheet.write_string(start - 1, 0, "Value against threshold, every requirement", styles["bold"])
    sheet.write_row(start, 0, ["Regime: requirement", "Status", "Value %", "Threshold %"], styles["head"])
    row = start + 1
    for r in results:
        for req in r.requirements:
            if req.value is None or req.threshold is None:
                continue
            sheet.write_string(row, 0, f"{r.regime}: {req.id}")
            sheet.write_string(row, 1, requirement_label(req))
            sheet.write_number(row, 2, shown(req.value, req.comparison), styles["pct"])
            sheet.write_number(row, 3, float(req.threshold), styles["pct"])
            row += 1
    _status_formats(sheet, styles, f"B{start + 2}:B{row}")
    if row > start + 1:
        chart = book.add_chart({"type": "bar"})
        for col, name, color in ((2, "Value %", "#4472C4"), (3, "Threshold %", "#ED7D31")):
            chart.add_series({"name": name, "categories": ["Summary", start + 1, 0, row - 1, 0],
                              "values": ["Summary", start + 1, col, row - 1, col], "fill": {"color": color}})
        chart.set_title({"name": "Value against threshold (%)"})
        chart.set_x_axis({"min": 0, "max": 100})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 720, "height": max(300, 22 * (row - start))})
        sheet.insert_chart(start, 5, chart)
    sheet.freeze_panes(top + 1, 1)
    _print_setup(sheet)


def _regime_sheet(book, styles, bom: Bom, result: Determination, name: str) -> None:
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, f"{result.regime}: {result.title}", styles["title"])
    sheet.write_string(1, 0, f"Status: {status_label(result)}", styles["bold"])
    sheet.write_string(2, 0, (result.what_if or "") + (f"  Vehicle class: {result.vehicle_class}" if result.vehicle_class else ""))
    headers = ["Requirement", "Title", "Status", "Value %", "Threshold %", "Margin (points)", "Threshold in force from",
               "Threshold citation", "Law", "Figures", "Note"]
    top = 4
    sheet.write_row(top, 0, headers, styles["head"])
    sheet.set_row(top, 30)
    for i, req in enumerate(result.requirements, start=top + 1):
        sheet.write_string(i, 0, req.id)
        sheet.write_string(i, 1, req.title)
        sheet.write_string(i, 2, requirement_label(req))
        if req.value is not None:
            sheet.write_number(i, 3, shown(req.value, req.comparison), styles["pct"])
        if req.threshold is not None:
            sheet.write_number(i, 4, float(req.threshold), styles["pct"])
        if req.margin is not None:
            sheet.write_number(i, 5, shown(req.margin), styles["pct"])
        sheet.write_string(i, 6, req.threshold_from.isoformat() if req.threshold_from else "")
        sheet.write_string(i, 7, (req.threshold_citation or "") + (" [UNCONFIRMED]" if req.threshold_unconfirmed else ""))
        sheet.write_string(i, 8, req.citation)
        sheet.write_string(i, 9, "; ".join(f"{k} = {_figure(k, v)}" for k, v in req.figures.items()))
        sheet.write_string(i, 10, req.reason or "")
    end = top + len(result.requirements)
    _status_formats(sheet, styles, f"C{top + 2}:C{end + 1}")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 6, 12)
    sheet.set_column(7, 10, 50)

    with_lines = [req for req in result.requirements if req.line_counted is not None]
    start = end + 3
    lines = bom.lines
    keep = np.ones(len(lines), dtype=bool)
    title = f"Line-level contributions (amounts counted by each requirement, in {bom.vehicle.currency})"
    if len(lines) > FULL_LINE_TABLE and with_lines:
        # Large BOMs: only the lines that count against some requirement (the rest count 0 everywhere).
        keep = np.logical_or.reduce([np.asarray(r.line_counted, dtype=np.int64) > 0 for r in with_lines])
        title += f"; {int(keep.sum()):,} of {len(lines):,} lines, those that count against a requirement"
    sheet.write_string(start - 1, 0, title, styles["bold"])
    listed = lines[keep]
    base_cols = ["Row", "Part number", "Description", "HS code", "Origin", "Supplier", "Value"]
    columns = base_cols + [h for req in with_lines for h in (f"{req.id}: counted", f"{req.id}: basis")]
    sheet.write_row(start, 0, columns, styles["head"])
    n = len(listed)
    first = start + 1
    sheet.write_column(first, 0, listed["row"].tolist())
    for col, field in ((1, "part_number"), (2, "description"), (3, "hs_code"), (4, "origin_country"), (5, "supplier")):
        for r, text in enumerate(listed[field].tolist()):
            if text is not None:
                sheet.write_string(first + r, col, str(text))
    sheet.write_column(first, 6, (listed["value_cents"].to_numpy(dtype=np.int64) / 100).tolist(), styles["money"])
    for j, req in enumerate(with_lines):
        counted = (np.asarray(req.line_counted, dtype=np.int64)[keep] / (SHARE_ONE * 100)).tolist()
        sheet.write_column(first, 7 + 2 * j, counted, styles["money"])
        for r, text in enumerate(np.asarray(req.line_basis)[keep].tolist()):
            if text:  # blank where the line counts nothing and nothing needs saying
                sheet.write_string(first + r, 8 + 2 * j, str(text))
    if n:
        sheet.autofilter(start, 0, start + n, len(columns) - 1)
    sheet.freeze_panes(start + 1, 2)
    _print_setup(sheet, start)


def _figure(key: str, value) -> str:
    if isinstance(value, str):
        return value
    if is_money(key):
        return display_money(value)
    return pct(Fraction(value))


def _assumptions(book, styles, bom: Bom, results: list[Determination]) -> None:
    sheet = book.add_worksheet("Assumptions and Review")
    headers = ["Regime", "Requirement", "Code", "Assumption", "Lines", "Value at stake", "Rows", "Citation"]
    sheet.write_row(0, 0, headers, styles["head"])
    row = 1
    for r in results:
        for a in r.assumptions:
            sheet.write_string(row, 0, r.regime)
            sheet.write_string(row, 1, a.requirement or "(all)")
            sheet.write_string(row, 2, a.code)
            sheet.write_string(row, 3, a.text)
            sheet.write_number(row, 4, len(a.rows))
            sheet.write_number(row, 5, _money(a.value_at_stake_cents), styles["money"])
            rows = ", ".join(str(x) for x in a.rows[:200]) + (f" and {len(a.rows) - 200} more" if len(a.rows) > 200 else "")
            sheet.write_string(row, 6, rows)
            sheet.write_string(row, 7, a.citation or "")
            row += 1
    if row > 1:
        sheet.autofilter(0, 0, row - 1, len(headers) - 1)
    row += 1
    sheet.write_row(row, 0, ["Regime", "Needs review"], styles["head"])
    row += 1
    for r in results:
        items = list(r.review) + [f"{q.id}: {q.reason}" for q in r.requirements if q.status == "needs_review" and q.reason]
        for item in dict.fromkeys(items):
            sheet.write_string(row, 0, r.regime)
            sheet.write_string(row, 1, item)
            row += 1
    row += 1
    sheet.write_row(row, 0, ["Workbook warnings"], styles["head"])
    for warning in bom.warnings:
        row += 1
        sheet.write_string(row, 0, str(warning))
    sheet.set_column(0, 2, 22)
    sheet.set_column(3, 3, 80)
    sheet.set_column(4, 5, 14)
    sheet.set_column(6, 7, 40)
    _print_setup(sheet, 0)


def _inputs(book, styles, bom: Bom, results: list[Determination], as_of: date, regimes: list[Regime]) -> None:
    sheet = book.add_worksheet("Inputs")
    rows = [("Input workbook", bom.path), ("SHA-256", bom.sha256), ("As of", as_of.isoformat()),
            ("roo-calc version", __version__), ("Vehicle currency", bom.vehicle.currency)]
    for i, (label, value) in enumerate(rows):
        sheet.write_string(i, 0, label, styles["bold"])
        sheet.write_string(i, 1, value)
    row = len(rows) + 1
    sheet.write_row(row, 0, ["Regime", "Rule file", "Rule file SHA-256", "Status", "Last verified", "Law applied as on"], styles["head"])
    applied = {r.regime: r.applied_on for r in results}
    for regime in regimes:
        row += 1
        digest = hashlib.sha256(Path(regime.path).read_bytes()).hexdigest() if regime.path and Path(regime.path).exists() else ""
        sheet.write_row(row, 0, [regime.id, regime.path or "", digest, regime.status,
                                 regime.last_verified_on.isoformat() if regime.last_verified_on else "",
                                 applied[regime.id].isoformat() if regime.id in applied else ""])
    row += 2
    sheet.write_row(row, 0, ["FX currency", "Rate", "Date", "Source", "FX sheet row"], styles["head"])
    for fx in bom.fx:
        row += 1
        sheet.write_string(row, 0, fx.currency)
        sheet.write_number(row, 1, float(fx.rate))
        sheet.write_string(row, 2, fx.date or "")
        sheet.write_string(row, 3, fx.source or "")
        sheet.write_number(row, 4, fx.row)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 2, 66)
    sheet.set_column(3, 5, 16)
    _print_setup(sheet)
