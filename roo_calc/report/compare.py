"""Reports for `roo-calc compare`: a regimes x scenarios matrix as text, JSON and Excel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from roo_calc.atomic import atomic_path
from roo_calc.display import money as display_money, pct_cell as shown
from roo_calc.report.excel import _print_setup
from roo_calc.report.json import money, pct, requirement_json
from roo_calc.display import points
from roo_calc.report.text import _pct, header
from roo_calc.report.verdict import status_code, status_label
from roo_calc.scenarios.compare import Comparison


def render_text(comparison: Comparison, on: date) -> str:
    base = comparison.boms["baseline"]
    lines = header(base, on) + [""]
    for i, name in enumerate(comparison.scenarios[1:], start=1):
        lines.append(f"scenario {i}: {name} (net cost {display_money(comparison.boms[name].vehicle.net_cost_cents)})")
    rows = [("Regime", "Scenario", "Status", "Binding", "Value", "Margin", "Change vs baseline")]
    for regime in comparison.regimes:
        for name in comparison.scenarios:
            cell = comparison.cell(regime, name)
            d = cell.result
            b = d.binding
            change = "-"
            if name != "baseline":
                parts = []
                if cell.status_change:
                    parts.append(cell.status_change.replace("_", " ").upper())
                if cell.delta is not None:
                    parts.append(f"{cell.baseline.binding.id} {points(cell.delta)}")
                change = "; ".join(parts) or "no change"
            rows.append((regime, name, status_label(d), b.id if b else "-", _pct(b.value, b.comparison) if b else "-",
                         points(b.margin) if b and b.margin is not None else "-", change))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    table.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + [""] + table) + "\n"


def to_json(comparison: Comparison, on: date) -> dict:
    base = comparison.boms["baseline"]
    return {
        "input": {"path": base.path, "sha256": base.sha256},
        "as_of": on.isoformat(),
        "scenarios": comparison.scenarios,
        "regimes": comparison.regimes,
        "matrix": [
            {
                "regime": c.regime, "scenario": c.scenario, "status": status_code(c.result),
                "binding_requirement": c.result.binding.id if c.result.binding else None,
                "net_cost": money(comparison.boms[c.scenario].vehicle.net_cost_cents),
                "status_change": c.status_change if c.scenario != "baseline" else None,
                "binding_value_change": pct(c.delta) if c.scenario != "baseline" else None,
                "requirements": [requirement_json(r) for r in c.result.requirements],
            }
            for c in comparison.cells
        ],
    }


def write_excel(path: Path, comparison: Comparison, on: date) -> None:
    """Compare sheet (matrix) and a chart of each regime's RVC across scenarios; atomic write."""
    import xlsxwriter

    with atomic_path(path) as temporary:
        book = xlsxwriter.Workbook(temporary, {"strings_to_formulas": False, "strings_to_urls": False})
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        number = book.add_format({"num_format": "0.00"})
        sheet = book.add_worksheet("Compare")
        sheet.write_string(0, 0, f"roo-calc compare: {comparison.boms['baseline'].vehicle.model}, as of {on}",
                           book.add_format({"bold": True, "font_size": 14}))
        columns = ["Regime", "Scenario", "Status", "Binding requirement", "Value %", "Margin (points)", "Status change",
                   "Change in baseline's binding requirement (points)"]
        sheet.write_row(2, 0, columns, head)
        row = 3
        for cell in comparison.cells:
            d, b = cell.result, cell.result.binding
            sheet.write_string(row, 0, cell.regime)
            sheet.write_string(row, 1, cell.scenario)
            sheet.write_string(row, 2, status_label(d))
            sheet.write_string(row, 3, b.id if b else "")
            if b is not None and b.value is not None:
                sheet.write_number(row, 4, shown(b.value, b.comparison), number)
            if b is not None and b.margin is not None:
                sheet.write_number(row, 5, shown(b.margin), number)
            sheet.write_string(row, 6, cell.status_change or "")
            if cell.scenario != "baseline" and cell.delta is not None:
                sheet.write_number(row, 7, shown(cell.delta), number)
            row += 1
        sheet.autofilter(2, 0, row - 1, len(columns) - 1)
        # RVC of each regime across scenarios, laid out for the chart.
        top = row + 2
        sheet.write_string(top - 1, 0, "Regional value content (%) by scenario", book.add_format({"bold": True}))
        sheet.write_row(top, 0, ["Scenario"] + comparison.regimes, head)
        for i, name in enumerate(comparison.scenarios, start=1):
            sheet.write_string(top + i, 0, name)
            for j, regime in enumerate(comparison.regimes, start=1):
                value = comparison.cell(regime, name).value_of("rvc")
                if value is not None:
                    sheet.write_number(top + i, j, shown(value), number)
        chart = book.add_chart({"type": "column"})
        for j, regime in enumerate(comparison.regimes, start=1):
            if any(comparison.cell(regime, n).value_of("rvc") is not None for n in comparison.scenarios):
                chart.add_series({"name": regime, "categories": ["Compare", top + 1, 0, top + len(comparison.scenarios), 0],
                                  "values": ["Compare", top + 1, j, top + len(comparison.scenarios), j]})
        chart.set_title({"name": "RVC by regime and scenario (%)"})
        chart.set_y_axis({"min": 0, "max": 100})
        sheet.insert_chart(top, len(comparison.regimes) + 2, chart)
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 7, 16)
        _print_setup(sheet, 2)
        book.close()
