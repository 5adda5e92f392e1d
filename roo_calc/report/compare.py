"""Reports for `roo-calc compare`: a regimes x scenarios matrix as text, JSON and Excel.

Each row shows the scenario's status, the requirements that fail, the binding requirement
against its threshold, and the change in net cost and in duty owed per vehicle and per year;
under it, every requirement whose value or status moved, with its threshold.  Changes are taken
from exact values and rounded once."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator

from roo_calc.asof import Source, as_of_text
from roo_calc.atomic import atomic_path
from roo_calc.display import change, money_cell, pct_cell as shown, points, signed_money
from roo_calc.report.json import envelope, json_money_exact, money, pct, requirement_json
from roo_calc.report.text import OFF_THRESHOLD, _pct, _threshold, header
from roo_calc.report.verdict import label, requirement_label, status_code, status_label
from roo_calc.scenarios.apply import LineIndex
from roo_calc.scenarios.compare import Cell, Change, Comparison

BASELINE = "baseline"


def _regime_name(cell: Cell) -> str:
    return cell.regime + (" *" if cell.result.what_if else "")


def _change_text(c: Change) -> str:
    sign = ">=" if c.comparison == "at_least" else "<="
    limit = f" ({sign} {c.threshold}%)" if c.threshold is not None else ""
    before = _pct(c.before, c.comparison) if c.before is not None else "-"
    after = _pct(c.after, c.comparison) if c.after is not None else "-"
    moved = f", {change(c.delta)}" if c.delta is not None else ""
    return (f"{c.requirement}{limit}: {before} {label(c.status_before) if c.status_before not in ('pass', 'fail') else c.status_before.upper()}"
            f" -> {after} {c.status_after.upper() if c.status_after in ('pass', 'fail') else label(c.status_after)}{moved}")


def _money_change(cents) -> str:
    return "?" if cents is None else signed_money(cents)


def _maybe(show: Callable[[Fraction], str], cents: Fraction | None) -> str | None:
    """The amount shown, or None when it cannot be said (a per-year figure without an annual volume)."""
    return None if cents is None else show(cents)


DETAIL_LIMIT = 100  # scenarios shown cell by cell; beyond, a summary and the top changes
TOP_CHANGES = 20  # per regime, in a summary


def _top(comparison: Comparison) -> tuple[list[str], list[str]]:
    """For many scenarios: a status count per regime, and the scenarios shown in full (per regime,
    the first TOP_CHANGES whose status moved against the baseline, in scenario order)."""
    summary = [f"{len(comparison.scenarios) - 1:,} scenarios: a summary, then in full only the first {TOP_CHANGES} per regime "
               "whose status moved against the baseline (every cell: --format json or --output).", ""]
    shown: dict[str, None] = {BASELINE: None}
    for regime in comparison.regimes:
        base, *statuses = comparison.statuses(regime)
        counts = Counter(statuses)
        moved = [name for name, status in zip(comparison.scenarios[1:], statuses) if status != base]
        shown.update(dict.fromkeys(moved[:TOP_CHANGES]))
        summary.append(f"  {regime}: baseline {label(base)}; " + ", ".join(f"{n:,} {label(s)}" for s, n in sorted(counts.items()))
                       + f"; status moved in {len(moved):,}")
    return summary, list(shown)


def render_text(comparison: Comparison, on: date, source: Source = "given") -> str:
    base = comparison.boms[BASELINE]
    cur = base.vehicle.currency
    lines = header(base, on, source) + [""]
    names = comparison.scenarios
    if len(names) - 1 > DETAIL_LIMIT:
        summary, names = _top(comparison)
        lines += summary + [""]
    chosen = set(names)
    for i, name in enumerate(comparison.scenarios[1:], start=1):
        if name in chosen:
            lines.append(f"scenario {i}: {name}")
    rows = [("Regime", "Scenario", "Status", "Failing", "Binding", "Value", "Threshold", "Margin",
             "Net cost chg", "/year", "Duty chg/vehicle", "/year")]
    moved: list[str] = []
    for regime in comparison.regimes:
        for name in comparison.scenarios:
            if name not in chosen:
                continue
            cell = comparison.cell(regime, name)
            d, b = cell.result, cell.result.binding
            failing = ", ".join(r.id for r in d.requirements if r.status == "fail") or "-"
            is_base = name == BASELINE
            rows.append((_regime_name(cell), name, status_label(d), failing, b.id if b else "-",
                         _pct(b.value, b.comparison) if b and b.value is not None else "-", _threshold(b) if b else "-",
                         (points(b.margin) + (" ‡" if b.margin_off_threshold else "")) if b and b.margin is not None else "-",
                         "-" if is_base else signed_money(cell.net_cost_change_cents),
                         "-" if is_base else _maybe(signed_money, cell.per_year(cell.net_cost_change_cents)) or "-",
                         "-" if is_base else _money_change(cell.duty_change_cents),
                         "-" if is_base or not cell.annual_volume else _money_change(cell.per_year(cell.duty_change_cents))))
            if not is_base:
                for c in cell.changes:
                    moved.append(f"  {regime} / {name}: {_change_text(c)}")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    table.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"Money in {cur}; duty owed: the general (MFN) duty when a preference is not met, the tariff's duty for a tariff regime; "
             "per year at the scenario's annual volume; ? = cannot be said (needs review or no rate)."]
    if any(comparison.cell(r, BASELINE).result.what_if for r in comparison.regimes):
        notes.append("* not in force on that date, or never enacted: evaluated as a what-if")
    if any("‡" in row[7] for row in rows[1:]):
        notes.append(f"‡ margin: {OFF_THRESHOLD}")
    out = lines + [""] + table + notes + [""]
    shown = "" if len(chosen) == len(comparison.scenarios) else ", in the scenarios shown"
    out += [f"What moved against the baseline (each requirement, with its threshold){shown}:"] + (moved or ["  nothing"])
    return "\n".join(out) + "\n"


def cell_json(comparison: Comparison, c: Cell) -> dict:
    is_base = c.scenario == BASELINE
    result = c.result  # a batch cell builds its determination when first read
    binding = result.binding
    return {
        "regime": c.regime, "scenario": c.scenario, "status": status_code(result), "what_if": result.what_if,
        "failing": [r.id for r in result.requirements if r.status == "fail"],
        "binding_requirement": binding.id if binding else None,
        "net_cost": money(c.net_cost_cents),
        "net_cost_change": None if is_base else money(c.net_cost_change_cents),
        "net_cost_change_per_year": None if is_base else _maybe(money, c.per_year(c.net_cost_change_cents)),
        "duty_per_vehicle": None if c.duty_cents is None else money(c.duty_cents),
        "duty_change_per_vehicle": None if is_base or c.duty_change_cents is None else money(c.duty_change_cents),
        "duty_change_per_year": None if is_base else _maybe(money, c.per_year(c.duty_change_cents)),
        "duty_change_per_year_exact": None if is_base else _maybe(json_money_exact, c.per_year(c.duty_change_cents)),
        "annual_volume": c.annual_volume,
        "status_change": c.status_change if not is_base else None,
        "changes": [] if is_base else [
            {"requirement": x.requirement, "threshold": None if x.threshold is None else str(x.threshold),
             "value_before": pct(x.before, x.comparison), "value_after": pct(x.after, x.comparison),
             "status_before": x.status_before, "status_after": x.status_after,
             "change": None if x.delta is None else change(x.delta, unit="")} for x in c.changes],
        "requirements": [requirement_json(r) for r in result.requirements],
    }


def to_json(comparison: Comparison, on: date, source: Source = "given") -> dict:
    return {**_head(comparison, on, source), "matrix": [cell_json(comparison, c) for c in comparison.cells]}


def _head(comparison: Comparison, on: date, source: Source) -> dict:
    return {**envelope("compare", comparison.boms[BASELINE], on, source), "scenarios": comparison.scenarios,
            "regimes": comparison.regimes}


def json_text(comparison: Comparison, on: date, source: Source = "given", extra: dict | None = None) -> Iterator[str]:
    """`json.dumps({**to_json(...), **extra})`, indented up to DETAIL_LIMIT scenarios and on one
    line beyond, in pieces: ten thousand scenarios' cells are never all held at once."""
    import json

    if len(comparison.scenarios) - 1 <= DETAIL_LIMIT:
        yield json.dumps({**to_json(comparison, on, source), **(extra or {})}, indent=2)
        return
    mark = "\x00matrix\x00"
    before, after = json.dumps({**_head(comparison, on, source), "matrix": mark, **(extra or {})}).split(json.dumps(mark))
    yield before + "["
    for k, cell in enumerate(comparison.cells):
        yield (", " if k else "") + json.dumps(cell_json(comparison, cell))
    yield "]" + after


MATRIX_COLUMNS = [("Regime", 22), ("What-if", 9), ("Scenario", 30), ("Status", 16), ("Failing requirements", 22),
                  ("Binding requirement", 14), ("Value %", 9), ("Threshold %", 11), ("Margin (points)", 10),
                  ("Net cost change", 14), ("Duty owed per vehicle", 14), ("Duty change per vehicle", 14),
                  ("Duty change per year", 16), ("Net cost change per year", 16)]


def write_excel(path: Path, comparison: Comparison, on: date, paper: str = "letter", inputs: dict | None = None,
                source: Source = "given") -> None:
    """Compare sheet (matrix, and a chart of each cell's binding margin coloured by its status),
    Requirements sheet (every requirement per scenario, with threshold and change); atomic."""
    import xlsxwriter

    from roo_calc.report.excel import Page  # xlsxwriter is imported only to write a workbook

    with atomic_path(path) as temporary:
        book = xlsxwriter.Workbook(temporary, {"strings_to_formulas": False, "strings_to_urls": False})
        styles = {"head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
                  "number": book.add_format({"num_format": "0.00"}), "money": book.add_format({"num_format": "#,##0.00"}),
                  "wrap": book.add_format({"text_wrap": True, "valign": "top"}), "bold": book.add_format({"bold": True}),
                  "title": book.add_format({"bold": True, "font_size": 14})}
        base = comparison.boms[BASELINE]
        styles["page"] = Page(paper, f"{base.vehicle.model} ({Path(base.path).name})",
                              datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        styles["scenario_width"] = min(max(len(n) for n in comparison.scenarios) + 2, 60)
        _matrix_sheet(book, styles, comparison, on)
        _requirements_sheet(book, styles, comparison)
        _inputs_sheet(book, styles, comparison, as_of_text(on, source), inputs or {})
        book.close()


def _matrix_sheet(book, styles, comparison: Comparison, on: date) -> None:
    from roo_calc.report.excel import _print_setup, write_binding

    sheet = book.add_worksheet("Compare")
    base = comparison.boms[BASELINE]
    sheet.write_string(0, 0, f"roo-calc compare: {base.vehicle.model}, as of {on} (money in {base.vehicle.currency})", styles["title"])
    top = 2
    sheet.write_row(top, 0, [c for c, _w in MATRIX_COLUMNS], styles["head"])
    sheet.set_row(top, 30)
    for col, (_c, width) in enumerate(MATRIX_COLUMNS):
        sheet.set_column(col, col, styles["scenario_width"] if col == 2 else width)
    row = top + 1
    for cell in comparison.cells:
        d, b = cell.result, cell.result.binding
        is_base = cell.scenario == BASELINE
        sheet.write_string(row, 0, cell.regime)
        sheet.write_string(row, 1, "what-if" if d.what_if else "")
        sheet.write_string(row, 2, cell.scenario)
        sheet.write_string(row, 3, status_label(d))
        sheet.write_string(row, 4, ", ".join(r.id for r in d.requirements if r.status == "fail"), styles["wrap"])
        sheet.write_string(row, 5, b.id if b else "")
        write_binding(sheet, row, 6, b, styles["number"])
        if not is_base:
            sheet.write_number(row, 9, money_cell(cell.net_cost_change_cents), styles["money"])
        if cell.duty_cents is not None:
            sheet.write_number(row, 10, money_cell(cell.duty_cents), styles["money"])
        if not is_base and cell.duty_change_cents is not None:
            sheet.write_number(row, 11, money_cell(cell.duty_change_cents), styles["money"])
        for col, yearly in ((12, cell.per_year(cell.duty_change_cents)), (13, cell.per_year(cell.net_cost_change_cents))):
            if not is_base and yearly is not None:
                sheet.write_number(row, col, money_cell(yearly), styles["money"])
        row += 1
    last = row - 1
    sheet.autofilter(top, 0, last, len(MATRIX_COLUMNS) - 1)
    from roo_calc.report.excel import _status_formats

    _status_formats(sheet, {"bad": book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
                            "good": book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
                            "warn": book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})},
                    f"D{top + 2}:D{last + 1}")
    sheet.freeze_panes(top + 1, 3)
    sheet.write_string(last + 2, 0, "Margin: points by which the binding requirement clears (+) or misses (-) its threshold (under a credit usable only "
                       "above a floor, UR 18(22): the points the figure before credit can lose or must gain). "
                       "Duty owed: the general (MFN) duty when a preference is not met; a tariff regime's own duty.")
    _margin_chart(book, sheet, comparison, top, last)
    _print_setup(sheet, top, styles["page"], "Compare")


def _margin_chart(book, sheet, comparison: Comparison, top: int, last: int) -> None:
    """Each cell's binding margin: a bar right of 0 clears, left of 0 misses; each bar coloured
    by the determination (red not eligible, amber needs review, green eligible), so a failing
    scenario never looks like a pass."""
    colours = {"eligible": "#70AD47", "no_duty": "#70AD47", "not_eligible": "#C00000", "duty": "#C00000"}
    points, any_value = [], False
    for cell in comparison.cells:
        b = cell.result.binding
        any_value |= b is not None and b.margin is not None
        points.append({"fill": {"color": colours.get(cell.result.status, "#FFC000")}})
    if not any_value:
        return
    label_col = len(MATRIX_COLUMNS) + 1
    sheet.write_string(top, label_col, "Chart label", book.add_format({"bold": True}))
    for i, cell in enumerate(comparison.cells, start=top + 1):
        sheet.write_string(i, label_col, f"{cell.regime} / {cell.scenario} ({label(cell.result.status)})")
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"name": "Binding margin (points)", "categories": ["Compare", top + 1, label_col, last, label_col],
                      "values": ["Compare", top + 1, 8, last, 8], "points": points})
    chart.set_title({"name": "Binding requirement's margin (points): below 0 fails; red = not eligible"})
    chart.set_y_axis({"reverse": True, "label_position": "low"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 1000, "height": max(360, 30 * len(comparison.cells) + 120)})
    sheet.insert_chart(last + 4, 0, chart)


def _requirements_sheet(book, styles, comparison: Comparison) -> None:
    """Every requirement of every cell against the baseline's, one row each (for ten thousand
    scenarios, about 200,000 rows: written as whole columns, `roo_calc.report.bulk`)."""
    from roo_calc.report.bulk import BulkColumn, BulkRowsSheet
    from roo_calc.report.excel import _print_setup

    sheet = book.add_worksheet("Requirements", worksheet_class=BulkRowsSheet)
    headers = [("Regime", 22), ("Scenario", 30), ("Requirement", 14), ("Status", 10), ("Value %", 9), ("Threshold %", 11),
               ("Margin (points)", 10), ("Baseline value %", 11), ("Change (points)", 10), ("Status at baseline", 12)]
    sheet.write_row(0, 0, [h for h, _w in headers], styles["head"])
    sheet.set_row(0, 30)
    for col, (_h, width) in enumerate(headers):
        sheet.set_column(col, col, styles["scenario_width"] if col == 1 else width)
    columns: list[list] = [[] for _ in headers]
    for cell in comparison.cells:
        base = {r.id: r for r in cell.baseline.requirements}
        result = cell.result
        for req in result.requirements:
            old = base.get(req.id)
            then = old.value if old is not None else None
            for column, value in zip(columns, (
                    cell.regime + (" (what-if)" if result.what_if else ""), cell.scenario, req.id, requirement_label(req),
                    None if req.value is None else shown(req.value, req.comparison),
                    None if req.threshold is None else float(req.threshold),
                    None if req.margin is None else shown(req.margin),
                    None if then is None else shown(then, old.comparison),  # type: ignore[union-attr]
                    None if then is None or req.value is None else float(change(req.value - then, unit="")),
                    None if old is None else requirement_label(old))):
                column.append(value)
    number = styles["number"]
    sheet.bulk_rows(1, [BulkColumn(values, None if col in (0, 1, 2, 3, 9) else number, text=col in (0, 1, 2, 3, 9))
                        for col, values in enumerate(columns)])
    rows = len(columns[0])
    if rows:
        sheet.autofilter(0, 0, rows, len(headers) - 1)
    sheet.freeze_panes(1, 3)
    _print_setup(sheet, 0, styles["page"], "Requirements")


def _inputs_sheet(book, styles, comparison: Comparison, as_of: str, inputs: dict) -> None:
    """What went in: the BOM and its hash, the date, the version, each scenario file with its
    hash and each scenario's changes with the lines they touched, and the rule files."""
    from roo_calc.report.excel import _print_setup

    import hashlib

    from roo_calc import __version__

    sheet = book.add_worksheet("Scenarios and inputs")
    base = comparison.boms[BASELINE]
    rows = [("Input workbook", base.path), ("SHA-256", base.sha256), ("As of", as_of),
            ("roo-calc version", __version__), ("Generated at", styles["page"].generated)]
    for name, items in inputs.items():
        if name != "scenarios":
            rows.extend((name, str(item)) for item in items)
    for i, (name, value) in enumerate(rows):
        sheet.write_string(i, 0, name, styles["bold"])
        sheet.write_string(i, 1, value)
    row = len(rows) + 1
    # Above DETAIL_LIMIT scenarios, the lines each scenario's changes select (found by look-up),
    # not the lines whose facts it changed (that takes each scenario's BOM, built one by one).
    many = len(comparison.scenarios) - 1 > DETAIL_LIMIT
    index = LineIndex(base.lines) if many else None
    sheet.write_row(row, 0, ["Scenario", "File", "File SHA-256", "Change (as in the scenario file)",
                             "Lines it selects in the BOM as given (rows)" if many else "Lines it changed (rows)"],
                    styles["head"])
    digests: dict[str, str] = {}
    for scenario, file in inputs.get("scenarios", []):
        if file not in digests:
            digests[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest() if file and Path(file).exists() else ""
        entries = [(_describe(c), _selected(base, index, c) if index is not None else rows_changed)
                   for c, rows_changed in zip(scenario.change, _changed_by_each(base, scenario, many))]
        if scenario.vehicle is not None:
            entries.append(("[vehicle]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in
                                                       scenario.vehicle.model_dump(exclude_none=True).items()),
                            "none (the vehicle's figures)"))
        for text, rows_text in entries:
            row += 1
            sheet.write_string(row, 0, scenario.name)
            sheet.write_string(row, 1, str(file))
            sheet.write_string(row, 2, digests[file])
            sheet.set_row(row, 15 * max(text.count("\n") + 1, -(-len(text) // 65), -(-len(rows_text) // 45)))
            sheet.write_string(row, 3, text, styles["wrap"])
            sheet.write_string(row, 4, rows_text, styles["wrap"])
    top = book.add_format({"valign": "top"})
    for col, width in enumerate((styles["scenario_width"], 40, 66, 70, 50)):
        sheet.set_column(col, col, width, top)
    _print_setup(sheet, None, styles["page"], "Scenarios and inputs")


def _describe(change_) -> str:
    """A change as a person writes it in a scenario file: `select = { ... }` and `set = { ... }`."""
    select = change_.select.model_dump(exclude_none=True) if hasattr(change_.select, "model_dump") else change_.select
    values = change_.set.model_dump(exclude_none=True) if hasattr(change_.set, "model_dump") else change_.set
    return f"select = {_toml_table(select)}\nset = {_toml_table(values)}"


def _toml_table(table: dict) -> str:
    return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in table.items()) + " }"


def _toml_value(value) -> str:
    """One value as TOML writes it: Y/N for a flag (as the workbook's cells), a number as given,
    text quoted, a list of several values in brackets."""
    import json

    if isinstance(value, (list, tuple)):
        return _toml_value(value[0]) if len(value) == 1 else "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return '"Y"' if value else '"N"'
    if isinstance(value, (int, Decimal)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _changed_by_each(base, scenario, many: bool) -> list[str]:
    """Per change, the rows whose facts it changed, each change applied to the lines as the
    changes before it left them (as `apply_scenario` applies them); not computed above
    DETAIL_LIMIT scenarios (the selected rows are shown there)."""
    from roo_calc.errors import ScenarioError
    from roo_calc.scenarios.apply import apply_scenario

    if many:
        return [""] * len(scenario.change)
    out = []
    before = base
    for k in range(1, len(scenario.change) + 1):
        try:
            after = apply_scenario(base, scenario.model_copy(update={"change": scenario.change[:k], "vehicle": None}))
        except ScenarioError as error:
            out.append(f"not applied: {error}")
            continue
        out.append(_touched(before, after))
        before = after
    return out


def _touched(base, edited) -> str:
    """The rows whose facts the scenario changed."""
    if edited is None:
        return ""
    a, b = base.lines.reset_index(drop=True), edited.lines.reset_index(drop=True)
    if len(a) != len(b):
        return "the lines themselves"
    import numpy as np

    differs = np.zeros(len(a), dtype=bool)
    for c in (c for c in a.columns if c in b.columns):
        same = (a[c] == b[c]).fillna(False).to_numpy(dtype=bool) | (a[c].isna() & b[c].isna()).to_numpy(dtype=bool)
        differs |= ~same
    return _rows_text(a.loc[differs, "row"].tolist())


def _selected(base, index, change_) -> str:
    """The rows a change's selector matches in the BOM as given."""
    return _rows_text(base.lines.loc[index.mask(change_.select), "row"].tolist())


def _rows_text(rows: list) -> str:
    text = ", ".join(str(r) for r in rows[:60]) + (f" and {len(rows) - 60} more" if len(rows) > 60 else "")
    return f"{len(rows)} line{'s' if len(rows) != 1 else ''}: {text}" if rows else "none"
