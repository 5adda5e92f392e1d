"""The cheapest path to qualify: which lines to re-source so that every requirement passes.

Re-sourcing a line means buying it from a certified originating supplier in the target country
(default US) whose plant meets the USMCA high wage rate: origin set to the target, USMCA and
NAFTA certifications Y, regional content 100%, US content 100% when the target is the US,
high_wage Y.  It costs the line's premium: its
`resourcing_premium_pct` column, else the default premium, times its value.  Line values are
left unchanged in the re-evaluated BOM (a dearer originating part would only raise the figures).

Every requirement that sourcing can move is additive over lines: the engine reports what each
line counts against it (VNM, non-US content, non-originating core or steel value).  Re-sourcing
a line takes its count to zero.  So "every requirement passes" is a set of linear constraints
on 0/1 choices, and the cheapest plan is a 0/1 integer program, solved exactly by HiGHS
(scipy.optimize.milp).  Core parts pass by each part or by the super-core: a binary switch with
a big-M keeps both options open.  The engine then re-evaluates the changed BOM; the verdict
printed is the engine's, never the optimizer's arithmetic.
"""

from __future__ import annotations

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
from roo_calc.rules.model import Regime

MOVABLE = LINE_ADDITIVE_KINDS


@dataclass
class PlanLine:
    row: int
    part_number: str
    description: str | None
    hs_code: str
    origin_country: str
    value_cents: int
    premium_e4: int
    cost_cents: Fraction


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


def _constraints(req: RequirementResult, bom: Bom) -> list[tuple[np.ndarray, Fraction, str]]:
    """(per-line counts in cents, the most the counted total may be, label) for one requirement."""
    line = np.asarray(req.line_counted, dtype=np.int64)
    t = Fraction(req.threshold) / 100 if req.threshold is not None else None
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
        need_points = Fraction(req.threshold) - Fraction(f["technology_points"]) - Fraction(f["assembly_points"])
        minimum = f.get("minimum_high_wage_points")
        if minimum not in (None, "-"):
            need_points = max(need_points, Fraction(minimum))
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


def advise(bom: Bom, regime: Regime, on: date, premium_pct: Fraction, target: str = "US",
           known: dict[str, Regime] | None = None) -> Plan:
    """The cheapest set of lines to re-source so that every requirement of `regime` passes."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    before = evaluate(bom, regime, on, known)
    plan = Plan(regime.id, target, before)
    if before.status == "eligible":
        plan.message = "already eligible: nothing to re-source"
        return plan
    for req in before.requirements:
        if req.status == "needs_review":
            plan.blocked.append(f"{req.id} needs review ({req.reason}); settle the missing facts first")
        elif req.status == "fail" and req.kind == "purchases" and not str(req.figures.get("source", "")).startswith("BOM"):
            plan.blocked.append(f"{req.id} is measured on the Vehicle sheet's purchase figures, which no BOM line changes")
        elif req.status == "fail" and req.kind == "labor_value_content" and req.line_counted is None:
            plan.blocked.append(f"{req.id} uses the Vehicle sheet's high-wage materials figure, which no BOM line changes "
                                "(leave it blank and mark lines high_wage to let re-sourcing count)")
        elif req.status == "fail" and (req.kind not in MOVABLE or req.line_counted is None):
            plan.blocked.append(f"{req.id} does not depend on which lines are re-sourced ({req.reason or req.title})")
    if before.review:
        plan.blocked.extend(before.review)
    if plan.blocked:
        plan.message = "no plan: " + "; ".join(plan.blocked)
        return plan

    constraints = []
    core_super = None
    for req in before.requirements:
        if req.kind not in MOVABLE or req.line_counted is None or req.status == "not_applicable":
            continue
        if req.kind == "purchases" and not str(req.figures.get("source", "")).startswith("BOM"):
            continue
        built = _constraints(req, bom)
        if req.kind == "core_parts":
            super_ok = before.vehicle_class in regime.requirements[req.id].super_core_classes
            core_super = (len(constraints), len(built), super_ok)
        constraints.extend(built)
    if not constraints:
        plan.message = "no plan: no requirement that sourcing can move"
        return plan
    counts = np.vstack([c[0] for c in constraints])  # scaled cents, requirements x lines
    candidate = np.flatnonzero(counts.sum(axis=0) > 0)
    frame = bom.lines
    value = frame["value_cents"].to_numpy(dtype=np.int64)
    premium = frame["resourcing_premium_e4"].fillna(int(premium_pct * 10_000)).to_numpy(dtype=np.int64)
    n = len(candidate)
    use_switch = core_super is not None and core_super[2]
    width = n + (1 if use_switch else 0)
    cost = np.zeros(width)
    cost[:n] = value[candidate] * premium[candidate] / SHARE_ONE  # cents
    rows_a, upper = [], []
    for k, (line, allowed, _label) in enumerate(constraints):
        a = np.zeros(width)
        a[:n] = -line[candidate] / SHARE_ONE  # cents removed from the counted total
        slack = float((allowed - int(line.sum())) / SHARE_ONE)  # cents; negative = must remove this much
        if use_switch:
            start, count, _ = core_super
            big = float(value.sum()) * 2
            if start <= k < start + count - 1:  # each-part rows: active when z = 1
                a[n] = big
                slack += big
            elif k == start + count - 1:  # super-core row: active when z = 0
                a[n] = -big
        elif core_super is not None and k == core_super[0] + core_super[1] - 1:
            continue  # no super-core option for this class
        rows_a.append(a)
        upper.append(slack)
    result = milp(cost, constraints=LinearConstraint(np.array(rows_a), -np.inf, np.array(upper)),
                  integrality=np.ones(width), bounds=Bounds(0, 1), options={"mip_rel_gap": 0})
    if not result.success:
        plan.message = ("no plan: even re-sourcing every contributing line cannot make every requirement pass "
                        f"({result.message})")
        return plan
    chosen = candidate[np.round(result.x[:n]).astype(bool)]
    rows = frame["row"].to_numpy()[chosen].tolist()
    after = evaluate(resource(bom, rows, target), regime, on, known)
    plan.after = after
    plan.method = "exact 0/1 integer program (HiGHS via scipy.optimize.milp), proven optimal"
    for i in chosen:
        line_cost = Fraction(int(value[i]) * int(premium[i]), SHARE_ONE)
        plan.lines.append(PlanLine(int(frame["row"].iat[i]), str(frame["part_number"].iat[i]), frame["description"].iat[i],
                                   str(frame["hs_code"].iat[i]), str(frame["origin_country"].iat[i]), int(value[i]),
                                   int(premium[i]), line_cost))
    plan.lines.sort(key=lambda p: -p.cost_cents)
    plan.total_cost_cents = sum((p.cost_cents for p in plan.lines), Fraction(0))
    plan.message = (f"re-source {len(plan.lines)} lines to {target}: the engine's verdict after the change is "
                    f"{after.status.replace('_', ' ')}")
    return plan
