"""Text and JSON for `roo-calc advise`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from roo_calc.advise import Plan, Reach, resource_sets
from roo_calc.asof import Source
from roo_calc.bom.model import Bom
from roo_calc.codes import hs_display
from roo_calc.engine.duty import DutyExposure
from roo_calc.engine.result import Determination
from roo_calc.display import as_given, json_pct, money as display_money, money_needed, pct
from roo_calc.report.json import determination_json, envelope, json_money_exact, money
from roo_calc.report.text import detail, exposure_line, header, summary_table
from roo_calc.report.verdict import duty, status_code, status_label


def _exact(cents: int | Fraction) -> str:
    """An amount as printed where it is multiplied or added: to the cent when it is whole cents,
    else with every decimal it has (a plan's costs are value x a percentage with four decimals),
    so that per-vehicle x vehicles and the sum of the lines are the printed totals exactly."""
    return f"{Decimal(json_money_exact(cents)):,}"


def _gap_lines(plan: Plan, cur: str) -> list[str]:
    out = []
    for gap in plan.gaps:
        if gap.reach is not None:
            out.append(f"  {gap.label}: {_beyond(gap.reach, plan.margin, cur)}")
        elif gap.cents is None:
            out.append(f"  {gap.label}: {gap.what}")
        else:
            out.append(f"  {gap.label}: {money_needed(gap.cents)} {cur} {gap.what}")
    return out


def _beyond(reach: Reach, margin: Fraction, cur: str) -> str:
    """A gap no sourcing can close, in figures: what the requirement asks with the margin, and the
    best the lines can give.  The asked figure is rounded away from the best one, so the two never
    print alike."""
    at_least = reach.comparison == "at_least"
    away = "at_most" if at_least else "at_least"
    asked = f"{'at least' if at_least else 'at most'} {pct(reach.asked, away)}%"
    with_margin = f"with the {as_given(margin)}-point margin it asks {asked}" if margin else f"it asks {asked}"
    if reach.movable is None:
        return (f"cannot be met: {with_margin}, and the figure is never {'above' if at_least else 'below'} "
                f"{pct(reach.best, reach.comparison)}%")
    assert reach.counted is not None
    return (f"cannot be met by sourcing alone: {with_margin}, and the {'most' if at_least else 'least'} that certifying "
            f"or re-sourcing every line can give is {pct(reach.best, reach.comparison)}% (they can move "
            f"{display_money(reach.movable, down=True)} {cur} of the {display_money(reach.counted, down=True)} {cur} it counts)")


def _sets_text(sets: dict[str, str]) -> str:
    """"origin_country = US, ..., high_wage = Y and nafta_traced_value blank"."""
    said = [f"{column} = {value}" if value else f"{column} blank" for column, value in sets.items()]
    return ", ".join(said[:-1]) + " and " + said[-1]


def _plan_table(plan: Plan, cur: str) -> list[str]:
    width = max(len("part number"), *(len(p.part_number) for p in plan.lines))
    head = (f"{'row':>6}  {'action':<10} {'part number':<{width}} {'description':<30} {'HS':<12} {'from':<4} "
            f"{'value':>12} {'cost %':>7} {'cost':>12}")
    out = [head]
    for p in plan.lines:
        out.append(f"{p.row:>6}  {p.action:<10} {p.part_number:<{width}} {(p.description or '')[:30]:<30} "
                   f"{hs_display(p.hs_code):<12} {p.origin_country:<4} {display_money(p.value_cents):>12} "
                   f"{pct(Fraction(p.premium_e4, 10_000)) + '%':>7} {_exact(p.cost_cents):>12}")
    return out


def _saving_rows(saved: Fraction, plan: Plan, bom: Bom, cur: str) -> list[str]:
    """Duty saved, plan cost and their difference, per vehicle and per year, each exact."""
    rows = [("per vehicle", saved, plan.total_cost_cents)]
    volume = bom.vehicle.annual_volume
    if volume:
        rows.append((f"per year at {volume:,} vehicles", saved * volume, plan.total_cost_cents * volume))
    return [f"  {label}: duty saved {_exact(duty)}, plan cost {_exact(cost)}, "
            f"{'net saving' if duty >= cost else 'net cost'} {_exact(abs(duty - cost))} {cur}"
            for label, duty, cost in rows]


def _against_duty(plan: Plan, bom: Bom, cur: str) -> list[str]:
    """The plan's cost set against the general duty it saves, per vehicle and per year, exactly;
    then each tariff regime (Section 232) the plan changes, and all the duties together."""
    saved = plan.duty_saved_cents
    exposure = plan.duty_before
    tariff_lines, tariff_saved = _tariff_lines(plan, bom, cur)
    if not isinstance(exposure, DutyExposure):  # None: no general duty to set the cost against
        return tariff_lines
    if saved is None:
        return [f"Duty: {exposure_line(exposure, cur)}",
                "The duty the plan saves cannot be said (see the determination after the change)."] + tariff_lines
    out = [f"Against the duty it saves (import into {exposure.import_into}, general rate {exposure.rate}%"
           f" [{exposure.rate_citation}]):"] + _saving_rows(saved, plan, bom, cur) + tariff_lines
    if tariff_saved:
        out += ["All these duties together:"] + _saving_rows(saved + tariff_saved, plan, bom, cur)
    return out


def _tariff_saved(before: Determination, after: Determination) -> Fraction | None:
    """A tariff regime's duty per vehicle that the plan saves (None when either side cannot be said)."""
    b, a = duty(before), duty(after)
    return None if b is None or a is None else b - a


def _duty_label(result: Determination) -> str:
    """A tariff's duty as the saving beside it is printed (every decimal it has), so that before
    less after is the saving as printed; its status when the duty cannot be said."""
    amount = duty(result)
    if amount is None:
        return status_label(result)
    return f"DUTY {_exact(amount)}" if amount else "NO DUTY"


def _tariff_lines(plan: Plan, bom: Bom, cur: str) -> tuple[list[str], Fraction | None]:
    """Each tariff regime (Section 232) the plan changes, before and after, and the duty per vehicle
    it saves under all of them (None when one cannot be said): qualifying can lower such a duty
    (10908 cl.(2)), so the general duty alone is not the whole saving."""
    out: list[str] = []
    total: Fraction | None = Fraction(0)
    for before, after in plan.tariffs:
        if before.status == "not_applicable" and after.status == "not_applicable":
            continue
        saved = _tariff_saved(before, after)
        line = f"{before.title} ({before.regime}): {_duty_label(before)} before the plan, {_duty_label(after)} after it"
        if saved is None:
            total = None
            out.append(line + f"; what the plan saves under it cannot be said (see `roo-calc evaluate -r {before.regime}`).")
            continue
        total = None if total is None else total + saved
        out.append(line + (f": the plan saves {_exact(saved)} {cur} per vehicle under it." if saved > 0 else
                           f": the plan adds {_exact(-saved)} {cur} per vehicle under it." if saved < 0 else "."))
        if duty(after):
            out.append("  The plan is the cheapest way to qualify, not the one that lowers this duty most: re-sourcing "
                       "other lines to the US may lower it further.")
    return out, total


def render_text(plan: Plan, bom: Bom, on: date, source: Source = "given") -> str:
    cur = bom.vehicle.currency
    out = header(bom, on, source) + ["", f"Regime {plan.regime}: {status_label(plan.before)} before any change."]
    if plan.before.what_if:  # as in evaluate: a regime not in force is never shown as if it were
        out.append(f"what-if: {plan.before.what_if}")
    if plan.margin:
        out.append(f"Asked: every requirement at least {as_given(plan.margin)} points clear of its threshold "
                   "(an \"at least\" figure that much above it, an \"at most\" one that much below).")
    if plan.gaps:
        out.append("What each requirement lacks" + (" (with the margin)" if plan.margin else "") + ":")
        out += _gap_lines(plan, cur)
    out += ["", plan.message]
    if plan.lines:
        out.append(f"Method: {plan.method}. Certify: obtain the supplier's {plan.agreement} certification that the line is "
                   f"originating ({plan.certification_field} = Y; only if the part qualifies), at "
                   f"{pct(Fraction(plan.certification_e4, 10_000))}% of its value. Re-source: buy it from a high-wage "
                   f"supplier in {plan.target} that certifies it originating; the changed BOM takes each re-sourced line as "
                   f"{_sets_text(resource_sets(plan.target, plan.resource_certified))}: the plan's assumptions, which the "
                   "new supplier must state.")
        out += [""] + _plan_table(plan, cur)
        total = f"total cost of the plan: {_exact(plan.total_cost_cents)} {cur} per vehicle"
        if bom.vehicle.annual_volume:
            total += (f", {_exact(plan.total_cost_cents * bom.vehicle.annual_volume)} {cur} a year at "
                      f"{bom.vehicle.annual_volume:,} vehicles")
        out += [total, ""] + _against_duty(plan, bom, cur)
    if plan.after is not None:
        out += ["", "roo-calc's determination after the change, from the changed BOM:", ""]
        out += summary_table([plan.after]) + [""] + detail(plan.after, bom)
    return "\n".join(out) + "\n"


def _optional_money(amount: Fraction | None, up: bool = False) -> str | None:
    return None if amount is None else money(amount, up=up)


def _tariff_json(before: Determination, after: Determination) -> dict:
    return {"regime": before.regime, "status_before": status_code(before), "status_after": status_code(after),
            "duty_before": _optional_money(duty(before), up=True), "duty_after": _optional_money(duty(after), up=True),
            "duty_saved_per_vehicle": _optional_money(_tariff_saved(before, after))}


def _reach_json(reach: Reach) -> dict:
    """A gap no sourcing can close: the figure asked, the best the lines give, what they can move."""
    away = "at_most" if reach.comparison == "at_least" else "at_least"
    return {"comparison": reach.comparison, "asked_pct": json_pct(reach.asked, away),
            "best_pct": json_pct(reach.best, reach.comparison),
            "counted": None if reach.counted is None else money(reach.counted, down=True),
            "movable": None if reach.movable is None else money(reach.movable, down=True)}


def to_json(plan: Plan, bom: Bom, on: date, source: Source = "given") -> dict:
    volume = bom.vehicle.annual_volume
    saved = plan.duty_saved_cents
    return {
        **envelope("advise", bom, on, source),
        "regime": plan.regime,
        "status_before": status_code(plan.before),
        "margin_points": as_given(plan.margin),
        "gaps": [{"requirement": g.requirement, "label": g.label, "gap": None if g.cents is None else money(g.cents, up=True),
                  "gap_exact": None if g.cents is None else json_money_exact(g.cents), "what": g.what,
                  "cannot_be_met": None if g.reach is None else _reach_json(g.reach)} for g in plan.gaps],
        "message": plan.message,
        "blocked": plan.blocked,
        "method": plan.method,
        "verified": plan.verified,
        "target_country": plan.target,
        "certification_cost_pct": str(Fraction(plan.certification_e4, 10_000)),
        "certify": {"agreement": plan.agreement, "sets": {plan.certification_field: "Y"}},
        "re_source_sets": resource_sets(plan.target, plan.resource_certified),
        "lines": [{"row": p.row, "action": p.action, "part_number": p.part_number, "hs_code": p.hs_code,
                   "origin_country": p.origin_country, "value": money(p.value_cents),
                   "cost_pct": str(Fraction(p.premium_e4, 10_000)), "cost": money(p.cost_cents),
                   "cost_exact": json_money_exact(p.cost_cents)}
                  for p in plan.lines],
        "total_cost": money(plan.total_cost_cents),
        "total_cost_exact": json_money_exact(plan.total_cost_cents),
        "total_cost_per_year": money(plan.total_cost_cents * volume) if volume else None,
        "total_cost_per_year_exact": json_money_exact(plan.total_cost_cents * volume) if volume else None,
        "duty_saved_per_vehicle": None if saved is None else money(saved),
        "duty_saved_per_vehicle_exact": None if saved is None else json_money_exact(saved),
        "duty_saved_per_year": None if saved is None or not volume else money(saved * volume),
        "duty_saved_per_year_exact": None if saved is None or not volume else json_money_exact(saved * volume),
        "net_saving_per_vehicle": None if saved is None else money(saved - plan.total_cost_cents),
        "net_saving_per_vehicle_exact": None if saved is None else json_money_exact(saved - plan.total_cost_cents),
        "net_saving_per_year": None if saved is None or not volume else money((saved - plan.total_cost_cents) * volume),
        "net_saving_per_year_exact": (None if saved is None or not volume
                                      else json_money_exact((saved - plan.total_cost_cents) * volume)),
        "tariffs": [_tariff_json(b, a) for b, a in plan.tariffs if not (b.status == a.status == "not_applicable")],
        "after": determination_json(plan.after) if plan.after is not None else None,
    }
