"""The cheapest path to qualify: which lines to certify or re-source so that every requirement
passes, with a safety margin if asked.

Two actions per line:
- **certify**: obtain the supplier's certification that a line made in the region is
  originating (the regime's certification column set to Y).  Only for lines made in the region
  with no certification on file; it costs `certification_pct` of the line's value (default 0).
  It is the right action only when the part does qualify: the supplier must be able to certify.
- **re-source**: buy the line from a certified originating supplier in the target country
  (default US) whose plant meets the USMCA high wage rate: origin set to the target, USMCA and
  NAFTA certifications Y, regional content 100%, US content 100% when the target is the US,
  high_wage Y.  It costs the line's premium: its `resourcing_premium_pct` column, else the
  default premium, times its value.  Line values are left unchanged in the re-evaluated BOM (a
  dearer originating part would only raise the figures).

Every requirement that sourcing can move is additive over lines: the engine reports what each
line counts against it (VNM, non-US content, non-originating core or steel value), and each
line's count depends on that line alone.  So the engine is run once with every certifiable
line certified and once with every line re-sourced; each action replaces a line's count by its
count in that run.  "Every requirement passes" is then a set of linear constraints on 0/1
choices, and the cheapest plan a 0/1 integer program, solved exactly by HiGHS
(scipy.optimize.milp); among plans of equal cost, the one with fewest actions.  Core parts pass
by each part or by the super-core: a binary switch with a big-M keeps both options open.
Requirements no line can move (purchase figures from the Vehicle sheet, missing facts) are
named and left out; the others are still planned.  roo-calc then evaluates the changed BOM:
the determination printed is roo-calc's, never the optimizer's arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from roo_calc.bom.model import Bom
from roo_calc.engine.determine import evaluate
from roo_calc.engine.requirements import LINE_ADDITIVE_KINDS
from roo_calc.engine.result import Determination, RequirementResult
from roo_calc.numbers import SHARE_ONE
from roo_calc.plan_reduce import ACTIONS, Program
from roo_calc.plan_solve import Solved, solve
from roo_calc.rules.model import Regime

MOVABLE = LINE_ADDITIVE_KINDS


CERTIFY, RESOURCE = "certify", "re-source"


@dataclass
class PlanLine:
    row: int
    part_number: str
    description: str | None
    hs_code: str
    origin_country: str
    value_cents: int
    premium_e4: int  # % of the line's value, in ten-thousandths of a percent
    cost_cents: Fraction
    action: str = RESOURCE


@dataclass
class Gap:
    """What a requirement lacks, in money (None when it cannot be measured), and in what."""

    requirement: str
    label: str
    cents: Fraction | None
    what: str


@dataclass
class Plan:
    regime: str
    target: str
    before: Determination
    after: Determination | None = None
    lines: list[PlanLine] = field(default_factory=list)
    total_cost_cents: Fraction = Fraction(0)
    method: str = ""
    blocked: list[str] = field(default_factory=list)
    message: str = ""
    margin: Fraction = Fraction(0)
    certification_e4: int = 0
    gaps: list[Gap] = field(default_factory=list)
    duty_before: object | None = None  # engine.duty.DutyExposure
    duty_after: object | None = None
    verified: bool | None = None  # every planned requirement passes in roo-calc's re-evaluation of the changed BOM

    @property
    def duty_saved_cents(self) -> Fraction | None:
        """MFN duty per vehicle the plan saves: owed before, saved after (None when unknown)."""
        b, a = self.duty_before, self.duty_after
        if b is None or a is None or b.per_vehicle_cents is None:
            return None
        if b.effect == "owed" and a.effect == "saved":
            return b.per_vehicle_cents
        if b.effect == a.effect:
            return Fraction(0)
        return None


def resource(bom: Bom, rows: list[int], target: str) -> Bom:
    """The BOM with the given lines re-sourced to certified originating suppliers in `target`."""
    lines = bom.lines.copy()
    mask = lines["row"].isin(rows).to_numpy()
    lines.loc[mask, "origin_country"] = target
    lines.loc[mask, "usmca_originating"] = True
    lines.loc[mask, "nafta_originating"] = True
    lines.loc[mask, "regional_content_e4"] = SHARE_ONE
    lines.loc[mask, "us_content_e4"] = SHARE_ONE if target == "US" else 0
    lines.loc[mask, "nafta_traced_value_cents"] = pd.NA
    lines.loc[mask, "high_wage"] = True
    return bom.model_copy(update={"lines": lines})


def certify(bom: Bom, rows: list[int], certification_field: str) -> Bom:
    """The BOM with the given lines' certification on file (the regime's column set to Y)."""
    lines = bom.lines.copy()
    mask = lines["row"].isin(rows).to_numpy()
    lines.loc[mask, certification_field] = True
    return bom.model_copy(update={"lines": lines})


def certifiable(bom: Bom, regime: Regime) -> np.ndarray:
    """Lines made in the region with no certification on file for the regime."""
    frame = bom.lines
    return (frame["origin_country"].isin(list(regime.region)) & frame[regime.certification_field].isna()).to_numpy(dtype=bool)


def _with_margin(req: RequirementResult, margin: Fraction) -> Fraction:
    """The threshold a plan aims at: `margin` points beyond the requirement's own."""
    t = Fraction(req.threshold)
    return t + margin if req.comparison == "at_least" else t - margin


def _constraints(req: RequirementResult, bom: Bom, margin: Fraction = Fraction(0)) -> list[tuple[np.ndarray, Fraction, str]]:
    """(per-line counts in cents, the most the counted total may be, label) for one requirement."""
    line = np.asarray(req.line_counted, dtype=np.int64)
    t = _with_margin(req, margin) / 100 if req.threshold is not None else None
    f = req.figures
    v = bom.vehicle
    if req.kind == "regional_value_content":
        return [(line, v.net_cost_cents * (1 - t) * SHARE_ONE, req.id)]
    if req.kind == "us_content":
        total = bom.materials_cents + int(f["non_material_net_cost"])
        return [(line, (total - t * v.net_cost_cents) * SHARE_ONE, req.id)]
    if req.kind == "tariff_shift":
        basis = int(f.get("total_cost", f.get("net_cost")))
        return [(line, t * basis * SHARE_ONE, req.id)]
    if req.kind == "purchases":
        return [(line, (1 - t) * int(f["purchases"]) * SHARE_ONE, req.id)]
    if req.kind == "labor_value_content":
        # HWM must reach both the minimum high-wage points and the total less the credits.
        nc = v.net_cost_cents
        need_points = _with_margin(req, margin) - Fraction(f["technology_points"]) - Fraction(f["assembly_points"])
        minimum = f.get("minimum_high_wage_points")
        if minimum not in (None, "-"):
            need_points = max(need_points, Fraction(minimum) + margin)
        needed_hwm = need_points * nc / 100 - int(f["high_wage_labor"])
        return [(line, (bom.materials_cents - needed_hwm) * SHARE_ONE, req.id)]
    if req.kind == "core_parts":
        groups = np.asarray(req.line_groups, dtype=object)
        value = bom.lines["value_cents"].to_numpy(dtype=np.int64)
        out = []
        for g in sorted({g for g in groups if g is not None}):
            member = groups == g
            out.append((np.where(member, line, 0), (1 - t) * int(value[member].sum()) * SHARE_ONE, f"{req.id}:{g}"))
        core = np.array([g is not None for g in groups])
        out.append((line, (1 - t) * int(value[core].sum()) * SHARE_ONE, f"{req.id}:super-core"))
        return out
    return []


GAP_WHAT = {
    "regional_value_content": "of non-originating value to make originating (certify or re-source)",
    "us_content": "of non-US value to make US content",
    "tariff_shift": "of non-originating materials of the vehicle's own heading to make originating",
    "core_parts": "of non-originating core-part value to make originating",
    "purchases": "of non-originating purchases to make originating",
    "labor_value_content": "of materials to move to high-wage plants",
}


def _blocked(req: RequirementResult) -> str | None:
    """Why no BOM line can move this requirement (None when lines can)."""
    if req.status == "needs_review":
        return f"{req.id} needs review ({req.reason}); settle the missing facts first"
    if req.kind == "purchases" and req.line_counted is None:
        return f"{req.id} is measured on the Vehicle sheet's purchase figures, which no BOM line changes"
    if req.kind == "labor_value_content" and req.line_counted is None:
        return (f"{req.id} uses the Vehicle sheet's high-wage materials figure, which no BOM line changes "
                "(leave it blank and mark lines high_wage to let re-sourcing count)")
    if req.kind not in MOVABLE or req.line_counted is None:
        return f"{req.id} does not depend on which lines are certified or re-sourced ({req.reason or req.title})"
    return None


def _short(req: RequirementResult, margin: Fraction) -> bool:
    """Fails, or passes by less than the margin asked for."""
    return req.status == "fail" or (margin > 0 and req.margin is not None and req.margin < margin)


def requirement_gaps(req: RequirementResult, bom: Bom, margin: Fraction = Fraction(0)) -> list[Gap]:
    """The money a failing requirement lacks (to reach its threshold plus `margin`)."""
    what = GAP_WHAT.get(req.kind, "")
    if req.status == "needs_review" or req.threshold is None:
        return [Gap(req.id, req.id, None, f"cannot be measured: {req.reason or 'needs review'}")]
    f = req.figures
    if req.kind == "purchases" and req.line_counted is None:
        need = _with_margin(req, margin) / 100 * int(f["purchases"]) - int(f["originating"])
        return [Gap(req.id, req.id, max(need, Fraction(0)), what + " (Vehicle sheet purchase figures)")]
    if req.kind == "labor_value_content" and req.line_counted is None:
        need_points = _with_margin(req, margin) - Fraction(f["technology_points"]) - Fraction(f["assembly_points"])
        if f.get("minimum_high_wage_points") not in (None, "-"):
            need_points = max(need_points, Fraction(f["minimum_high_wage_points"]) + margin)
        need = need_points * int(f["net_cost"]) / 100 - int(f["high_wage_labor"]) - int(f["high_wage_materials"])
        return [Gap(req.id, req.id, max(need, Fraction(0)), "of high-wage labor or materials to add (Vehicle sheet)")]
    if req.kind not in MOVABLE or req.line_counted is None:
        return [Gap(req.id, req.id, None, req.reason or "not measured in money")]
    gaps = []
    for line, allowed, label in _constraints(req, bom, margin):
        over = Fraction(int(line.sum()), SHARE_ONE) - allowed / SHARE_ONE
        if over > 0:
            name = label.split(":")[1] if ":" in label else None
            if name == "super-core":
                label = f"{req.id} (super-core, all core parts as one: the other way to pass)"
            elif name:
                label = f"{req.id}, {name} (each core part)"
            gaps.append(Gap(req.id, label, over, what))
    return gaps


def advise(bom: Bom, regime: Regime, on: date, premium_pct: Fraction, target: str = "US",
           known: dict[str, Regime] | None = None, margin_pts: Fraction = Fraction(0),
           certification_pct: Fraction = Fraction(0), mfn_table=None, import_into: str = "US") -> Plan:
    """The cheapest set of actions (certify or re-source lines) so that every requirement of
    `regime` that lines can move passes, by `margin_pts` points if asked."""
    from roo_calc.engine.duty import duty_exposure

    before = evaluate(bom, regime, on, known)
    plan = Plan(regime.id, target, before, margin=margin_pts, certification_e4=int(certification_pct * 10_000))
    plan.duty_before = duty_exposure(bom, before, mfn_table, import_into)
    short = [r for r in before.requirements if _short(r, margin_pts) or r.status == "needs_review"]
    for req in short:
        plan.gaps.extend(requirement_gaps(req, bom, margin_pts))
        why = _blocked(req)
        if why:
            plan.blocked.append(why)
    plan.blocked.extend(before.review)
    if not short and not before.review:
        plan.message = ("already eligible" + (f" with every requirement at least {margin_pts} points clear" if margin_pts else "")
                        + ": nothing to change")
        return plan
    movable = [r for r in before.requirements if _blocked(r) is None and r.status != "not_applicable"]
    if not any(_short(r, margin_pts) for r in movable):
        plan.message = "no plan: " + ("; ".join(plan.blocked) or "no requirement that sourcing can move")
        return plan

    frame = bom.lines
    rows = frame["row"].to_numpy()
    can_certify = certifiable(bom, regime)
    states = {CERTIFY: evaluate(certify(bom, rows[can_certify].tolist(), regime.certification_field), regime, on, known),
              RESOURCE: evaluate(resource(bom, rows.tolist(), target), regime, on, known)}
    constraints, core_super = [], None
    for req in movable:
        built = _constraints(req, bom, margin_pts)
        moved = {}
        for action, result in states.items():
            other = next((r for r in result.requirements if r.id == req.id and r.line_counted is not None), None)
            moved[action] = [c[0] for c in _constraints(other, bom, margin_pts)] if other is not None else [c[0] for c in built]
        if req.kind == "core_parts":
            super_ok = before.vehicle_class in regime.requirements[req.id].super_core_classes
            core_super = (len(constraints), len(built), super_ok)
        for k, (line, allowed, label) in enumerate(built):
            constraints.append((line, {a: m[k] for a, m in moved.items()}, allowed, label))
    solved = _solve(bom, constraints, core_super, can_certify, premium_pct, certification_pct)
    if solved is None:
        plan.message = ("no plan: even certifying and re-sourcing every contributing line cannot make every requirement "
                        "that lines move pass" + (f" by {margin_pts} points" if margin_pts else ""))
        return plan
    if solved.unverified:
        plan.message = ("no plan: the solver's answer does not pass every requirement by exact arithmetic; "
                        "this is a defect in roo-calc, please report it with the BOM")
        return plan
    plan.method = "exact 0/1 integer program (HiGHS via scipy.optimize.milp), " + (
        ("proven optimal" if solved.fewest else "proven the cheapest (not proven the fewest actions among plans of that cost)")
        if solved.proven else
        f"the best plan found in the time allowed, NOT proven the cheapest: no plan costs less than "
        f"{Fraction(solved.lower_bound or 0, SHARE_ONE)} cents")
    chosen = [(i, ACTIONS[a]) for i, a in solved.chosen]
    value = frame["value_cents"].to_numpy(dtype=np.int64)
    premium = frame["resourcing_premium_e4"].fillna(int(premium_pct * 10_000)).to_numpy(dtype=np.int64)
    cert_rows, res_rows = [], []
    for i, action in chosen:
        pct_e4 = int(premium[i]) if action == RESOURCE else plan.certification_e4
        (res_rows if action == RESOURCE else cert_rows).append(int(rows[i]))
        plan.lines.append(PlanLine(int(rows[i]), str(frame["part_number"].iat[i]), frame["description"].iat[i],
                                   str(frame["hs_code"].iat[i]), str(frame["origin_country"].iat[i]), int(value[i]),
                                   pct_e4, Fraction(int(value[i]) * pct_e4, SHARE_ONE), action))
    plan.lines.sort(key=lambda p: (p.action != CERTIFY, -p.cost_cents, p.row))
    plan.total_cost_cents = sum((p.cost_cents for p in plan.lines), Fraction(0))
    after = evaluate(resource(certify(bom, cert_rows, regime.certification_field), res_rows, target), regime, on, known)
    plan.after = after
    plan.duty_after = duty_exposure(bom, after, mfn_table, import_into)
    actions = [f"certify {len(cert_rows)} line{'s' if len(cert_rows) != 1 else ''}" if cert_rows else "",
               f"re-source {len(res_rows)} line{'s' if len(res_rows) != 1 else ''} to {target}" if res_rows else ""]
    plan.message = (" and ".join(a for a in actions if a) or "no line needs to change") + \
        f": roo-calc's determination after the change is {after.status.replace('_', ' ')}"
    planned = {r.id for r in movable}
    still_short = [r.id for r in after.requirements if r.id in planned and _short(r, margin_pts)]
    plan.verified = not still_short
    if still_short:  # the engine, not the optimizer, has the last word
        plan.message = ("PLAN FAILED VERIFICATION: roo-calc's determination of the changed BOM still finds "
                        + ", ".join(still_short) + " short" + (f" of {margin_pts} points' margin" if margin_pts else "")
                        + "; do not act on it (a defect in roo-calc: please report it with the BOM). " + plan.message)
    if plan.blocked:
        plan.message += "; not planned: " + "; ".join(plan.blocked)
    return plan


def _solve(bom: Bom, constraints, core_super, can_certify: np.ndarray, premium_pct: Fraction,
           certification_pct: Fraction) -> Solved | None:
    """The cheapest actions, fewest among equals, or None if none can do.  Core parts pass by each
    part or by the super-core: the two ways are solved apart and the cheaper kept (each part on a tie)."""
    rows = list(range(len(constraints)))
    options = [rows]
    if core_super is not None:
        start, count, super_ok = core_super
        each, whole = rows[start:start + count - 1], start + count - 1
        options = [[r for r in rows if r != whole]] + ([[r for r in rows if r not in each]] if super_ok else [])
    found = []
    for option in options:
        cutoff = min((s.cost for s in found if s.proven), default=None)
        program = _program(bom, [constraints[r] for r in option], can_certify, premium_pct, certification_pct)
        solved = solve(program, cutoff=cutoff)
        if solved is not None:
            found.append(solved)
    if not found:
        return None
    best = min(found, key=lambda s: (s.cost, len(s.chosen)))  # the first way on a tie
    for other in (s for s in found if s is not best):
        if not other.proven and (other.lower_bound or 0) < best.cost:
            best.proven = False
            best.lower_bound = min(other.lower_bound or 0, best.lower_bound if best.lower_bound is not None else best.cost)
        could_tie = other.cost == best.cost or (not other.proven and (other.lower_bound or 0) <= best.cost)
        if could_tie and not (other.proven and other.fewest):
            best.fewest = False
    return best


def _program(bom: Bom, constraints, can_certify: np.ndarray, premium_pct: Fraction, certification_pct: Fraction) -> Program:
    """The plan program over every line's possible actions: each constraint's need is its counted
    total less what it allows, rounded up (the gains are whole count units)."""
    frame = bom.lines
    value = frame["value_cents"].to_numpy(dtype=np.int64)
    premium = frame["resourcing_premium_e4"].fillna(int(premium_pct * 10_000)).to_numpy(dtype=np.int64)
    cert = np.flatnonzero(can_certify)
    everyone = np.arange(len(frame))
    gains = np.array([np.concatenate([(line - moved[CERTIFY])[cert], line - moved[RESOURCE]])
                      for line, moved, _allowed, _label in constraints], dtype=np.int64).reshape(len(constraints), -1)
    need = tuple(math.ceil(int(line.sum(dtype=object)) - allowed) for line, _moved, allowed, _label in constraints)
    return Program(line=np.concatenate([cert, everyone]),
                   action=np.concatenate([np.zeros(len(cert), np.int8), np.ones(len(everyone), np.int8)]),
                   cost=np.concatenate([value[cert] * int(certification_pct * 10_000), value * premium]),
                   gains=gains, need=need)
