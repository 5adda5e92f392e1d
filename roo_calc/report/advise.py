"""Text and JSON for `roo-calc advise`."""

from __future__ import annotations

from datetime import date

from roo_calc.advise import Plan
from roo_calc.bom.model import Bom
from roo_calc.codes import hs_display
from roo_calc.display import money as display_money
from roo_calc.report.json import determination_json, money
from roo_calc.report.text import detail, header, summary_table


def render_text(plan: Plan, bom: Bom, on: date) -> str:
    cur = bom.vehicle.currency
    out = header(bom, on) + ["", f"Regime {plan.regime}: {plan.before.status.replace('_', ' ').upper()} before any change."]
    gaps = [(r.id, r.figures.get("gap_to_qualify")) for r in plan.before.requirements if r.status == "fail"]
    for rid, gap in gaps:
        if gap:
            out.append(f"  {rid}: {display_money(gap)} {cur} of value must move (non-originating to originating, or non-US to US)")
        else:
            out.append(f"  {rid}: fails ({next(r.reason or '' for r in plan.before.requirements if r.id == rid)})")
    out.append("")
    out.append(plan.message)
    if plan.lines:
        out.append(f"Method: {plan.method}. Re-sourced lines go to certified, high-wage suppliers in {plan.target}.")
        out.append("")
        out.append(f"{'row':>6}  {'part number':<16} {'description':<30} {'HS':<12} {'from':<4} {'value':>12} {'premium':>8} {'cost':>12}")
        for p in plan.lines:
            out.append(f"{p.row:>6}  {p.part_number:<16.16} {(p.description or '')[:30]:<30} {hs_display(p.hs_code):<12} "
                       f"{p.origin_country:<4} {display_money(p.value_cents):>12} {p.premium_e4 / 10_000:>7.2f}% {display_money(p.cost_cents):>12}")
        out.append(f"{'total cost of the plan':>83} {display_money(plan.total_cost_cents):>12} {cur} per vehicle")
        if bom.vehicle.annual_volume:
            out.append(f"{'per year at ' + format(bom.vehicle.annual_volume, ',') + ' vehicles':>83} "
                       f"{display_money(plan.total_cost_cents * bom.vehicle.annual_volume):>12} {cur}")
    if plan.after is not None:
        out += ["", "The determination after the change, recomputed by the engine from the changed BOM:", ""]
        out += summary_table([plan.after]) + [""] + detail(plan.after, bom)
    return "\n".join(out) + "\n"


def to_json(plan: Plan, bom: Bom, on: date) -> dict:
    return {
        "input": {"path": bom.path, "sha256": bom.sha256},
        "as_of": on.isoformat(),
        "regime": plan.regime,
        "status_before": plan.before.status,
        "message": plan.message,
        "blocked": plan.blocked,
        "method": plan.method,
        "target_country": plan.target,
        "lines": [{"row": p.row, "part_number": p.part_number, "hs_code": p.hs_code, "origin_country": p.origin_country,
                   "value": money(p.value_cents), "premium_pct": str(p.premium_e4 / 10_000), "cost": money(p.cost_cents)}
                  for p in plan.lines],
        "total_cost": money(plan.total_cost_cents),
        "after": determination_json(plan.after) if plan.after is not None else None,
    }
