"""The Excel report (`roo-calc evaluate --output report.xlsx`): an audit-ready workbook.

Sheets: Summary (one row per regime, and a native chart of value against threshold for every
requirement), one sheet per regime (its requirements with figures and citations), Lines (every
BOM line once, then per regime a band of columns: what the line counts against each requirement
and why, filterable), Assumptions and Review, and Inputs (file hash, rule files, date, FX rates,
version).  Written with xlsxwriter, which is about twice as fast as openpyxl
for large sheets and writes charts, conditional formats and tables natively.  Text from the
input is always written as text (never as a formula), and the file is written to a temporary
name and renamed into place, so a failed run leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from fractions import Fraction
from pathlib import Path

import numpy as np

from roo_calc import __version__
from roo_calc.atomic import atomic_path
from roo_calc.asof import Source, as_of_text
from roo_calc.bom.model import Bom
from roo_calc.certificates.report import excel_certified, excel_sources
from roo_calc.codes import hs_display
from roo_calc.engine.duty import DutyExposure
from roo_calc.engine.result import Determination
from roo_calc.display import money_cell, pct_cell as shown
from roo_calc.numbers import SHARE_ONE
from roo_calc.report.bulk import BulkColumn, BulkRowsSheet
from roo_calc.report.json import NEEDED_FIGURES, is_money
from roo_calc.report.verdict import duty, requirement_label, status_label
from roo_calc.rules.model import Regime

FULL_LINE_TABLE = 20_000  # above this many lines, the Lines sheet lists only the lines that count



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


def write_report(path: Path, bom: Bom, results: list[Determination], as_of: date, regimes: list[Regime],
                 paper: str = "letter", inputs: dict | None = None, source: Source = "given") -> None:
    """Write the report atomically; never over the input workbook.  `inputs` lists what else
    went in (certificate files, column mappings), for the Inputs sheet."""
    import xlsxwriter

    path = Path(path)
    if path.resolve() == Path(bom.path).resolve():
        raise ValueError("refusing to write the report over the input workbook")
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = Page(paper, f"{bom.vehicle.model} ({Path(bom.path).name})", generated)
    with atomic_path(path) as temporary:
        book = xlsxwriter.Workbook(temporary, {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "nan_inf_to_errors": True})
        styles = _styles(book)
        styles["page"] = page
        _summary(book, styles, bom, results, as_of_text(as_of, source))
        used = {"summary", "assumptions and review", "inputs", "glossary"}
        ends = {result.regime: _regime_sheet(book, styles, bom, result, _sheet_name(result.regime, used))
                for result in results}
        lines_sheet, bands = _line_sheet(book, styles, bom, results, used)
        for regime, columns in bands.items():
            sheet, row = ends[regime]
            sheet.write_string(row + 2, 0, f"What each BOM line counts against these requirements: sheet {lines_sheet}, "
                                           f"columns {columns}.", styles["bold"])
        _assumptions(book, styles, bom, results)
        _inputs(book, styles, bom, results, as_of_text(as_of, source), regimes, generated, inputs or {})
        _glossary(book, styles)
        book.close()


def _styles(book) -> dict:
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True}),
        "top": book.add_format({"valign": "top"}),
        "bold_top": book.add_format({"bold": True, "valign": "top"}),
        "money": book.add_format({"num_format": "#,##0.00", "valign": "top"}),
        "money_top": book.add_format({"num_format": "#,##0.00", "valign": "top"}),
        "pct": book.add_format({"num_format": "0.00", "valign": "top"}),
        "text": book.add_format({"text_wrap": False}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "good": book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
        "bad": book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        "warn": book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        "whatif": book.add_format({"bg_color": "#FFEB9C", "italic": True, "valign": "top"}),
        "whatif_wrap": book.add_format({"bg_color": "#FFEB9C", "italic": True, "text_wrap": True, "valign": "top"}),
        "flag": book.add_format({"bold": True, "font_color": "#9C5700"}),
        "band": book.add_format({"bold": True, "bg_color": "#BDD7EE", "border": 1, "align": "left"}),
        "band_whatif": book.add_format({"bold": True, "italic": True, "bg_color": "#FFEB9C", "border": 1, "align": "left"}),
    }


PAPER = {"letter": 1, "a4": 9}  # xlsxwriter paper codes


@dataclass(frozen=True)
class Page:
    """What every printed page carries: paper size, and the header and footer texts."""

    paper: str = "letter"
    vehicle: str = ""
    generated: str = ""


def _print_setup(sheet, header_row: int | None = None, page: Page | None = None, title: str = "",
                 wide: bool = False) -> None:
    """Landscape, one page wide (a `wide` table: at 70% over several pages, its first two
    columns repeated), header rows repeated, and on every page the vehicle, the sheet's
    subject, page N of M and when the report was generated."""
    page = page or Page()
    sheet.set_landscape()
    sheet.set_paper(PAPER.get(page.paper, 1))
    if wide:
        sheet.set_print_scale(70)
        sheet.repeat_columns(0, 1)
        sheet.print_across()
    else:
        sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    if header_row is not None:
        sheet.repeat_rows(header_row)

    def esc(text: str) -> str:
        return text.replace("&", "&&")[:80]

    sheet.set_header(f"&L{esc(page.vehicle)}&R{esc(title)}")
    sheet.set_footer(f"&Lroo-calc {__version__}, generated {esc(page.generated)}&RPage &P of &N")


def _status_formats(sheet, styles, cell_range: str) -> None:
    for text, style in (("NOT ELIGIBLE", "bad"), ("FAIL", "bad"), ("DUTY", "bad"), ("NEEDS REVIEW", "warn"),
                        ("REVIEW", "warn"), ("NO DUTY", "good"), ("ELIGIBLE", "good"), ("PASS", "good")):
        sheet.conditional_format(cell_range, {"type": "text", "criteria": "begins with", "value": text, "format": styles[style]})


def _summary(book, styles, bom: Bom, results: list[Determination], as_of: str) -> None:
    sheet = book.add_worksheet("Summary")
    v = bom.vehicle
    sheet.write_string(0, 0, f"roo-calc report: {v.model}", styles["title"])
    facts = [("Vehicle", f"{v.model}, HS {hs_display(v.hs_code)}, {v.vehicle_type}" + (" (inferred)" if v.vehicle_type_inferred else "")),
             ("Assembled in", v.assembly_country), ("BOM", bom.path), ("As of", as_of),
             ("Currency", v.currency)]
    for i, (label, value) in enumerate(facts, start=2):
        sheet.write_string(i, 0, label, styles["bold"])
        sheet.write_string(i, 1, str(value))
    sheet.write_string(7, 0, "Net cost", styles["bold"])
    sheet.write_number(7, 1, _money(v.net_cost_cents), styles["money"])
    sheet.write_string(8, 0, "Materials", styles["bold"])
    sheet.write_number(8, 1, _money(bom.materials_cents), styles["money"])
    top = 10
    last = verdict_table(sheet, styles, results, top)

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
    _print_setup(sheet, None, styles["page"], "Summary")


def write_binding(sheet, row: int, col: int, b, fmt) -> None:
    """The binding requirement's value, threshold and margin in three numeric cells from `col`,
    each rounded toward its verdict; a figure the requirement lacks stays blank."""
    if b is None:
        return
    if b.value is not None:
        sheet.write_number(row, col, shown(b.value, b.comparison), fmt)
    if b.threshold is not None:
        sheet.write_number(row, col + 1, float(b.threshold), fmt)
    if b.margin is not None:
        sheet.write_number(row, col + 2, shown(b.margin), fmt)


def verdict_table(sheet, styles, results: list[Determination], top: int) -> int:
    """One row per regime from row `top`: status, binding requirement against its threshold,
    margin, gap, failing requirements, duty exposure, what-if; returns the last row used."""
    headers = ["Regime", "Title", "Status", "Binding requirement", "Value %", "Threshold %", "Margin (points)",
               "Gap to qualify (binding)", "Failing requirements", "Duty exposure", "Duty per vehicle", "Duty per year",
               "What-if or condition", "Tariff duty per vehicle"]
    sheet.write_row(top, 0, headers, styles["head"])
    sheet.set_row(top, 45)
    for i, r in enumerate(results, start=top + 1):
        b = r.binding
        # xlsxwriter cannot measure text; give wrapped rows room for their lines.
        sheet.set_row(i, 15 * max(1, -(-len(r.title) // 30), -(-(len(r.what_if or "") + len(r.condition or "") + 9) // 38)))
        sheet.write_string(i, 0, r.regime, styles["whatif"] if r.what_if else None)
        sheet.write_string(i, 1, r.title, styles["wrap"])
        tariff = duty(r)
        if tariff is not None:
            sheet.write_number(i, 13, _money(tariff, up=True), styles["money"])
        sheet.write_string(i, 2, status_label(r))
        sheet.write_string(i, 3, b.id if b else "")
        write_binding(sheet, i, 4, b, styles["pct"])
        gap = b.figures.get("gap_to_qualify", 0) if b is not None and b.status == "fail" else 0
        if gap:
            sheet.write_number(i, 7, _money(gap, up=True), styles["money"])
        sheet.write_string(i, 8, ", ".join(req.id for req in r.requirements if req.status == "fail"))
        exposure = r.duty_exposure
        if isinstance(exposure, DutyExposure):
            sheet.write_string(i, 9, exposure.effect or (exposure.note or ""))
            if exposure.per_vehicle_cents is not None:
                sheet.write_number(i, 10, _money(exposure.per_vehicle_cents), styles["money"])
            if exposure.per_year_cents is not None:
                sheet.write_number(i, 11, _money(exposure.per_year_cents), styles["money"])
        sheet.write_string(i, 12, "; ".join(x for x in ("WHAT-IF: " + r.what_if if r.what_if else None,
                                                         f"applies {r.condition}" if r.condition else None) if x),
                           styles["whatif_wrap"] if r.what_if else styles["wrap"])
    last = top + len(results)
    _status_formats(sheet, styles, f"C{top + 2}:C{last + 1}")
    for first_col, last_col, width in ((0, 0, 26), (1, 1, 34), (2, 3, 15), (4, 7, 11), (8, 8, 22), (9, 11, 13), (12, 12, 40),
                                       (13, 13, 13)):
        sheet.set_column(first_col, last_col, width, styles["top"])
    return last


def _regime_sheet(book, styles, bom: Bom, result: Determination, name: str):
    """The regime's requirements, each with value, threshold, margin, citations and note; then
    every figure in its own labelled cell.  Returns the sheet and its last row used."""
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, f"{result.regime}: {result.title}", styles["title"])
    sheet.write_string(1, 0, f"Status: {status_label(result)}", styles["bold"])
    if result.what_if:  # amber across the table's width, so the highlight covers the whole sentence
        text = f"WHAT-IF: {result.what_if}"
        sheet.merge_range(2, 0, 2, 9, text, styles["whatif_wrap"])
        sheet.set_row(2, 15 * max(1, -(-len(text) // 240)))
    if result.vehicle_class:
        sheet.write_string(3, 0, f"Vehicle class: {result.vehicle_class} - {result.vehicle_class_title or ''}")
    headers = ["Requirement", "Title", "Status", "Value %", "Threshold %", "Margin (points)", "Threshold in force from",
               "Threshold citation", "Law", "Note"]
    top = 4
    sheet.write_row(top, 0, headers, styles["head"])
    sheet.set_row(top, 30)
    for i, req in enumerate(result.requirements, start=top + 1):
        cited = (req.threshold_citation or "") + (" [UNCONFIRMED]" if req.threshold_unconfirmed else "")
        sheet.set_row(i, 15 * max(1, -(-len(cited) // 55), -(-len(req.citation) // 55), -(-len(req.reason or "") // 55)))
        # Every cell of a requirement's row is aligned to the top, as its wrapped texts are.
        sheet.write_string(i, 0, req.id, styles["top"])
        sheet.write_string(i, 1, req.title, styles["wrap"])
        sheet.write_string(i, 2, requirement_label(req), styles["top"])
        if req.value is not None:
            sheet.write_number(i, 3, shown(req.value, req.comparison), styles["pct"])
        if req.threshold is not None:
            sheet.write_number(i, 4, float(req.threshold), styles["pct"])
        if req.margin is not None:
            sheet.write_number(i, 5, shown(req.margin), styles["pct"])
        sheet.write_string(i, 6, req.threshold_from.isoformat() if req.threshold_from else "", styles["top"])
        sheet.write_string(i, 7, cited, styles["wrap"])
        sheet.write_string(i, 8, req.citation, styles["wrap"])
        sheet.write_string(i, 9, req.reason or "", styles["wrap"])
    end = top + len(result.requirements)
    _status_formats(sheet, styles, f"C{top + 2}:C{end + 1}")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 32)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 6, 11)
    sheet.set_column(7, 9, 55)
    row = end + 2
    sheet.write_row(row, 0, ["Requirement", "Figure", "Value", "Unit"], styles["head"])
    for req in result.requirements:
        for key, value in req.figures.items():
            row += 1
            sheet.write_string(row, 0, req.id)
            sheet.write_string(row, 1, key.replace("_", " "))
            if isinstance(value, str):
                sheet.write_string(row, 2, value)
            elif is_money(key):
                sheet.write_number(row, 2, _money(value, up=key in NEEDED_FIGURES), styles["money"])
                sheet.write_string(row, 3, bom.vehicle.currency)
            else:
                sheet.write_number(row, 2, shown(Fraction(value)), styles["pct"])
                sheet.write_string(row, 3, "% / points" if isinstance(value, Fraction) else "")
    sheet.freeze_panes(top + 1, 1)
    _print_setup(sheet, top, styles["page"], f"{result.regime}: requirements")
    return sheet, row


def _line_sheet(book, styles, bom: Bom, results: list[Determination], used: set[str]) -> tuple[str, dict[str, str]]:
    """One sheet, every BOM line once: its facts, then for each regime that counts lines (Section
    232 counts none) a band of columns: the assumptions its figures rest on, and per requirement
    what the line counts and why.  Filterable.  Returns the sheet's name and, per regime, the
    columns of its band."""
    with_lines = {r.regime: [req for req in r.requirements if req.line_counted is not None] for r in results}
    counting = [r for r in results if with_lines[r.regime]]
    if not counting:
        return "", {}
    name = _sheet_name("Lines", used)
    sheet = book.add_worksheet(name, worksheet_class=BulkRowsSheet)
    lines = bom.lines
    keep = np.ones(len(lines), dtype=bool)
    title = f"What each line counts against each requirement, in {bom.vehicle.currency}"
    if len(lines) > FULL_LINE_TABLE:
        # Large BOMs: only the lines that count against some requirement (the rest count 0 everywhere).
        keep = np.logical_or.reduce([np.asarray(req.line_counted, dtype=np.int64) > 0
                                     for r in counting for req in with_lines[r.regime]])
        title += f"; {int(keep.sum()):,} of {len(lines):,} lines, those that count against a requirement"
    sheet.write_string(0, 0, title, styles["bold"])
    listed = lines[keep]
    rows = listed["row"].tolist()
    header = ["Row", "Part number", "Description", "HS code", "Origin", "Supplier", "Value"]
    columns: list[BulkColumn] = [BulkColumn(rows)]
    columns += [BulkColumn(listed[field].tolist(), text=True) for field in ("part_number", "description", "hs_code",
                                                                            "origin_country", "supplier")]
    columns.append(BulkColumn((listed["value_cents"].to_numpy(dtype=np.int64) / 100).tolist(), styles["money"]))
    widths = [6] + [min(max(base, columns[col].longest + 2), 80) for col, base in ((1, 12), (2, 12), (3, 10), (4, 7), (5, 10))] + [12]
    bands: dict[str, str] = {}
    for result in counting:
        first = len(header)
        assumed = _assumed(result, rows)
        if assumed is not None:
            header.append(f"{result.regime}: assumed")
            columns.append(BulkColumn(assumed, styles["flag"], text=True))
            widths.append(min(max(12, columns[-1].longest + 2), 60))
        for req in with_lines[result.regime]:
            header += [f"{result.regime}: {req.id} counted", f"{result.regime}: {req.id} basis"]
            columns.append(BulkColumn((np.asarray(req.line_counted, dtype=np.int64)[keep] / (SHARE_ONE * 100)).tolist(),
                                      styles["money"]))
            # blank where the line counts nothing and nothing needs saying
            columns.append(BulkColumn(np.asarray(req.line_basis, dtype=object)[keep].tolist(), text=True))
            widths += [12, min(max(12, columns[-1].longest + 2), 90)]
        last = len(header) - 1
        band = result.regime + (" (WHAT-IF: see its sheet)" if result.what_if else "")
        style = styles["band_whatif"] if result.what_if else styles["band"]
        if last > first:
            sheet.merge_range(1, first, 1, last, band, style)
        else:
            sheet.write_string(1, first, band, style)
        bands[result.regime] = f"{_column_letter(first)}-{_column_letter(last)}"
    sheet.merge_range(1, 0, 1, 6, "The line, as in the BOM", styles["band"])
    top = 2
    sheet.write_row(top, 0, header, styles["head"])
    sheet.set_row(top, 45)
    sheet.bulk_rows(top + 1, columns)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    if rows:
        sheet.autofilter(top, 0, top + len(rows), len(header) - 1)
    sheet.freeze_panes(top + 1, 2)
    _print_setup(sheet, top, styles["page"], "What each line counts", wide=True)
    sheet.repeat_rows(1, top)
    return name, bands


def _assumed(result: Determination, rows: list[int]) -> list[str | None] | None:
    """Per listed line, the codes of the regime's assumptions its figures rest on (None when the
    regime assumed nothing about any line)."""
    assumed: dict[int, list[str]] = {}
    for a in result.assumptions:
        for r in a.rows:
            assumed.setdefault(r, []).append(a.code)
    if not assumed:
        return None
    return [("assumed: " + ", ".join(dict.fromkeys(assumed[r]))) if r in assumed else None for r in rows]


def _column_letter(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col)


GLOSSARY = [
    ("Status", "ELIGIBLE: every requirement passes. NOT ELIGIBLE: at least one fails. NEEDS REVIEW: a fact is missing or "
               "the law leaves it open (named under Assumptions and Review); roo-calc does not guess. For a tariff regime: "
               "DUTY (with the amount per vehicle) or NO DUTY. NOT APPLICABLE: the regime does not apply to this vehicle."),
    ("Requirement status", "PASS / FAIL against its threshold; REVIEW: cannot be decided from the facts given; N/A: does not "
                           "apply (for example waived)."),
    ("Binding requirement", "The requirement that decides the verdict: the worst failing one, else the one closest to its "
                            "threshold."),
    ("Value", "The requirement's figure in percent (regional value content, US content, ...). Rounded toward the verdict: "
              "down for a minimum, up for a maximum, so 74.999% beside a 75% minimum shows as 74.99."),
    ("Threshold", "The legal minimum (>=) or maximum (<=) in force on the date, with its citation. A value exactly at the "
                  "threshold passes."),
    ("Margin", "Percentage points by which the value clears (+) or misses (-) the threshold, rounded down. Where a credit "
               "counts only above a floor (the heavy-truck excess-LVC credit, USMCA UR 18(22)), the points the figure "
               "before credit can lose (+) or must gain (-) before the verdict changes."),
    ("Gap to qualify", "The money that must move (non-originating to originating, non-US to US) for the requirement to "
                       "pass, rounded up to the cent."),
    ("Counted", "On a lines sheet: what the line adds to the requirement's figure (to VNM, to non-US content, to "
                "non-originating core-part or steel value). 0 when it adds nothing."),
    ("Basis", "Why the line counts what it counts, with the provision; blank where it counts nothing and nothing needs "
              "saying."),
    ("Assumed", "The line's figures rest on an assumption (its code is listed; the text, the value at stake and the "
                "citation are on Assumptions and Review). Filter this column to see them."),
    ("What-if", "A regime not in force on the date, or never enacted, evaluated as if it were (marked in amber)."),
    ("Duty exposure", "For a preference regime, the general (MFN) duty the verdict saves or costs per vehicle and per year."),
]


def _glossary(book, styles) -> None:
    sheet = book.add_worksheet("Glossary")
    sheet.write_row(0, 0, ["Term", "Meaning"], styles["head"])
    for i, (term, meaning) in enumerate(GLOSSARY, start=1):
        sheet.set_row(i, 15 * max(1, -(-len(meaning) // 95)))
        sheet.write_string(i, 0, term, styles["bold_top"])
        sheet.write_string(i, 1, meaning, styles["wrap"])
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 100)
    _print_setup(sheet, 0, styles["page"], "Glossary")


def _assumptions(book, styles, bom: Bom, results: list[Determination]) -> None:
    """Every assumption with its lines (the largest first) and the value at stake; what needs
    review; the workbook's warnings.  Long texts wrap in their own columns."""
    from roo_calc.report.text import largest_rows

    sheet = book.add_worksheet("Assumptions and Review")
    headers = ["Regime", "Requirement", "Code", "Assumption", "Lines", "Value at stake", "Rows (largest first)", "Citation"]
    sheet.write_row(0, 0, headers, styles["head"])
    values = dict(zip(bom.lines["row"].tolist(), bom.lines["value_cents"].tolist()))
    row = 1
    for r in results:
        for a in r.assumptions:
            rows = largest_rows(a.rows, values, most=30) if a.rows else ""
            sheet.set_row(row, 15 * max(1, -(-len(a.text) // 70), -(-len(rows) // 48), -(-len(a.citation or "") // 48)))
            sheet.write_string(row, 0, r.regime)
            sheet.write_string(row, 1, a.requirement or "(all)")
            sheet.write_string(row, 2, a.code, styles["wrap"])
            sheet.write_string(row, 3, a.text, styles["wrap"])
            sheet.write_number(row, 4, len(a.rows))
            sheet.write_number(row, 5, _money(a.value_at_stake_cents), styles["money_top"])
            sheet.write_string(row, 6, rows, styles["wrap"])
            sheet.write_string(row, 7, a.citation or "", styles["wrap"])
            row += 1
    if row > 1:
        sheet.autofilter(0, 0, row - 1, len(headers) - 1)
    row += 1
    sheet.write_row(row, 0, ["Regime", "", "", "Needs review; vehicle class"], styles["head"])
    row += 1
    for r in results:
        items = list(r.review) + [f"{q.id}: {q.reason}" for q in r.requirements if q.status == "needs_review" and q.reason]
        items += [f"vehicle class: {note}" for note in r.vehicle_notes]
        for item in dict.fromkeys(items):
            sheet.set_row(row, 15 * max(1, -(-len(item) // 70)))
            sheet.write_string(row, 0, r.regime)
            sheet.write_string(row, 3, item, styles["wrap"])
            row += 1
    row = excel_certified(sheet, styles, row + 1, results, values)
    sheet.write_row(row, 0, ["", "", "", "Workbook warnings"], styles["head"])
    for warning in bom.warnings:
        row += 1
        sheet.set_row(row, 15 * max(1, -(-len(str(warning)) // 70)))
        sheet.write_string(row, 3, str(warning), styles["wrap"])
    for first, last, width in ((0, 0, 20), (1, 1, 12), (2, 2, 24), (3, 3, 75), (4, 5, 12), (6, 7, 50)):
        sheet.set_column(first, last, width, styles["top"])
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)
    _print_setup(sheet, 0, styles["page"], "Assumptions and review")


def rule_file_name(path: str | None) -> str:
    """A rule file named relative to its rules folder (`rules/usmca-2020.toml`), never by an
    absolute path that says where it happened to be installed."""
    if not path:
        return ""
    from roo_calc.rules.loader import default_rules_dir

    file = Path(path)
    try:
        return "rules/" + file.resolve().relative_to(Path(default_rules_dir()).resolve()).as_posix()
    except ValueError:
        return f"{file.parent.name}/{file.name}"


def _inputs(book, styles, bom: Bom, results: list[Determination], as_of: str, regimes: list[Regime],
            generated: str = "", inputs: dict | None = None) -> None:
    sheet = book.add_worksheet("Inputs")
    rows = [("Input workbook", bom.path), ("SHA-256", bom.sha256), ("As of", as_of),
            ("roo-calc version", __version__), ("Vehicle currency", bom.vehicle.currency), ("Generated at", generated)]
    for label, items in (inputs or {}).items():
        rows.extend((label, str(item)) for item in items)
    for i, (label, value) in enumerate(rows):
        sheet.write_string(i, 0, label, styles["bold"])
        sheet.write_string(i, 1, value)
    row = len(rows) + 1
    sheet.write_row(row, 0, ["Regime", "Rule file", "Rule file SHA-256", "Status", "Last verified", "Law applied as on"], styles["head"])
    applied = {r.regime: r.applied_on for r in results}
    for regime in regimes:
        row += 1
        digest = hashlib.sha256(Path(regime.path).read_bytes()).hexdigest() if regime.path and Path(regime.path).exists() else ""
        sheet.write_row(row, 0, [regime.id, rule_file_name(regime.path), digest, regime.status,
                                 regime.last_verified_on.isoformat() if regime.last_verified_on else "",
                                 applied[regime.id].isoformat() if regime.id in applied else ""])
    row = excel_sources(sheet, styles, row + 2, bom)
    sheet.write_row(row, 0, ["FX currency", "Rate", "Date", "Source", "FX sheet row"], styles["head"])
    for fx in bom.fx:
        row += 1
        sheet.write_string(row, 0, fx.currency)
        sheet.write_string(row, 1, str(fx.rate))
        sheet.write_string(row, 2, fx.date or "")
        sheet.write_string(row, 3, fx.source or "")
        sheet.write_number(row, 4, fx.row)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 2, 68)
    sheet.set_column(3, 5, 16)
    _print_setup(sheet, None, styles.get("page"), "Inputs")
