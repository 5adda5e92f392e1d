"""The cheapest path to qualify: which lines to certify or re-source so that every requirement
passes, with a safety margin if asked.

Two actions per line:
- **certify**: obtain the supplier's certification that a line made in the region is
  originating (the regime's certification column set to Y).  Only for lines made in the region
  with no certification on file; it costs `certification_pct` of the line's value (default 0).
  It is the right action only when the part does qualify: the supplier must be able to certify.
- **re-source**: buy the line from a certified originating supplier in the target country
  (default US) whose plant meets the USMCA high wage rate: origin set to the target, the
  certification column of every loaded regime Y (each rule file's `certification_field`),
  regional content 100%, US content 100% when the target is the US, high_wage Y, its steel melted
  and poured in the region (USMCA UR 17(5)(b)).  It costs the line's premium: its
  `resourcing_premium_pct` column, else the default premium, times its value.  Line values are left unchanged in the re-evaluated BOM (a
  dearer originating part would only raise the figures).

Every requirement that sourcing can move is additive over lines: the engine returns its exact
linear form (`roo_calc.engine.linear`): what each line counts against it (VNM, non-US content,
non-originating core or steel value), each line's count depending on that line alone, and the
most each sum may be for the requirement to pass.  So the engine is run once with every certifiable
line certified and once with every line re-sourced; each action replaces a line's count by its
count in that run.  "Every requirement passes" is then a set of linear constraints on 0/1
choices, and the cheapest plan a 0/1 integer program, solved exactly by HiGHS
(scipy.optimize.milp); among plans of equal cost, the one with fewest actions.  A requirement
with two ways to pass is solved once per way and the cheapest kept: core parts by each part or
by the super-core, and the heavy-truck RVC by itself or with the excess-LVC credit it earns from
the LVC (USMCA UR 18(22); `LinearForm.credit_way` states that way's bounds, one of them on the
VNM and the value not from high-wage plants together).  A self-produced part not originating now
(a `Gate` of the RVC's form, USMCA UR 14(1), 15(1), 20(1)) is another way: made originating, its
materials leave the VNM, and its own sum must meet its bound; one originating now stays so under
any plan, so its materials count nothing.
Requirements no line can move (purchase figures from the Vehicle sheet, missing facts) are
named and left out; the others are still planned.  roo-calc then evaluates the changed BOM:
the determination printed is roo-calc's, never the optimizer's arithmetic.
"""

from __future__ import annotations

import math
from itertools import combinations
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from roo_calc.bom.model import Bom, LineRef
from roo_calc.engine.determine import evaluate
from roo_calc.engine.linear import Decision, LinearForm, Part, decide_all
from roo_calc.display import money
from roo_calc.engine.result import Determination, RequirementResult
from roo_calc.numbers import SHARE_ONE, option_pct_e4
from roo_calc.plan_reduce import ACTIONS, Program
from roo_calc.plan_solve import NODE_LIMIT, SAFETY_S, Solved, Unsettled, least_cost, solve
from roo_calc.rules.certifications import certification_fields
from roo_calc.rules.model import Regime

if TYPE_CHECKING:
    from roo_calc.engine.duty import DutyExposure

CERTIFY, RESOURCE = "certify", "re-source"


@dataclass
class PlanLine(LineRef):
    """A line the plan changes: how, and at what cost."""

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
    duty_before: DutyExposure | None = None
    duty_after: DutyExposure | None = None
    verified: bool | None = None  # every planned requirement passes in roo-calc's re-evaluation of the changed BOM
    predicted: dict[str, Decision] = field(default_factory=dict)  # each planned requirement, decided by its form
    agreement: str = ""  # the agreement whose certification a certify action obtains (the regime's rule file)
    certification_field: str = ""  # the BOM column a certify action sets to Y
    resource_certified: tuple[str, ...] = ()  # the BOM columns a re-source action sets to Y
    # Tariff regimes (Section 232) on imports into the same country, decided before and after the
    # plan: qualifying can lower them (10908 cl.(2)), and re-sourcing to the US raises US content.
    tariffs: list[tuple[Determination, Determination]] = field(default_factory=list)

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


def resource(bom: Bom, rows: list[int], target: str, certified: tuple[str, ...]) -> Bom:
    """The BOM with the given lines re-sourced to suppliers in `target` certifying them
    originating in each of the `certified` columns."""
    lines = bom.lines.copy()
    mask = lines["row"].isin(rows).to_numpy()
    lines.loc[mask, "origin_country"] = target
    for column in certified:
        lines.loc[mask, column] = True
    lines.loc[mask, "regional_content_e4"] = SHARE_ONE
    lines.loc[mask, "us_content_e4"] = SHARE_ONE if target == "US" else 0
    lines.loc[mask, "nafta_traced_value_cents"] = pd.NA
    lines.loc[mask, "high_wage"] = True
    lines.loc[mask, "steel_melted_poured"] = True
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


def _within(counted: np.ndarray, part: Part) -> np.ndarray:
    """What each line counts toward one part of a form (0 outside it)."""
    return counted if part.members is None else np.where(part.members, counted, 0)


def _constraints(form: LinearForm, label: str, margin: Fraction = Fraction(0),
                 forms: dict[str, LinearForm] | None = None) -> list[tuple[np.ndarray, Fraction, str]]:
    """(per-line counts in scaled cents, the most their total may be, label) for each part of a
    requirement's form: the requirement passes, by `margin` points, when they all hold (or,
    for a form with two options, every part of one of them).  A credit the form earns from a
    requirement no line moves (`forms`) is counted at its value; from one lines move, it is a
    second way to pass (`_credit_way`)."""
    assert form.counted is not None
    return [(_within(form.counted, part), bound, label + (part.label or ""))
            for part, bound in zip(form.parts, _most(form, margin, forms or {}))]


def _most(form: LinearForm, margin: Fraction, forms: dict[str, LinearForm]) -> list[Fraction]:
    """`LinearForm.most`, with a credit the form earns from a requirement no line moves counted."""
    source = forms.get(form.earned.source) if form.earned is not None else None
    return form.most_with_fixed_credit(source, margin) if source is not None and source.counted is None else form.most(margin)


def _credit_way(rid: str, form: LinearForm, forms: dict[str, LinearForm], states: dict[str, Determination],
                moved: dict[str, np.ndarray], margin: Fraction) -> list:
    """The constraints under which a requirement passes with the credit it earns from another one
    whose lines move (USMCA UR 18(22): the heavy-truck RVC with the excess-LVC credit), as rows
    like `_constraints`'s with what each action leaves counted; [] when the form earns none."""
    source = forms.get(form.earned.source) if form.earned is not None else None
    if source is None or source.counted is None:
        return []
    assert form.earned is not None and form.counted is not None
    bounds = form.credit_way(source, margin)
    if bounds is None:
        raise NotImplementedError(f"{rid}: a credit earned from {form.earned.source} in a form of another shape")
    theirs = {action: _moved(result, form.earned.source, source) for action, result in states.items()}
    return [(b.counted(form.counted, source.counted), {a: b.counted(moved[a], theirs[a]) for a in moved}, b.most,
             rid + b.label) for b in bounds]


def _switch(form: LinearForm) -> bool:
    """Whether the form has a second way to pass (core parts: the super-core, UR 14(10)) that the
    program solves as a second way: its options are all parts but the last, or the last."""
    if len(form.options) == 1:
        return False
    last = len(form.parts) - 1
    if form.options != (tuple(range(last)), (last,)):
        raise NotImplementedError(f"options {form.options}: only 'all parts but the last, or the last' is planned")
    return True


def _blocked(req: RequirementResult) -> str | None:
    """Why no BOM line can move this requirement (None when lines can)."""
    if req.status == "needs_review":
        return f"{req.id} needs review ({req.reason}); settle the missing facts first"
    if req.form is None:
        return f"{req.id} does not depend on which lines are certified or re-sourced ({req.reason or req.title})"
    if req.form.counted is None:
        return f"{req.id} {req.form.fixed or 'is not measured on BOM lines'}"
    return None


def _short(req: RequirementResult, margin: Fraction) -> bool:
    """Fails, or passes by less than the margin asked for: by its figure, and, where the form has
    another way to pass (the super-core), by that way too."""
    if req.status == "fail":
        return True
    if margin <= 0 or req.margin is None or req.margin >= margin:
        return False
    form = req.form
    if form is None or len(form.options) == 1 or req.value is None:
        return True
    return not form.clears(margin, credit=req.value - form.decide().points)


def requirement_gaps(req: RequirementResult, margin: Fraction = Fraction(0),
                     forms: dict[str, LinearForm] | None = None) -> list[Gap]:
    """The money a failing requirement lacks (to reach its threshold plus `margin`), per part of
    its form: what its lines count beyond the most they may (or, for figures no line moves, what
    the figure lacks).  A credit earned from another requirement (`forms`) counts at its value
    when no line moves that one; when lines do, the gap is the requirement's by itself, and says so."""
    form = req.form.settled() if req.form is not None else None
    if req.status == "needs_review" or req.threshold is None:
        return [Gap(req.id, req.id, None, f"cannot be measured: {req.reason or 'needs review'}")]
    if form is None:
        return [Gap(req.id, req.id, None, req.reason or "not measured in money")]
    gaps = []
    forms = forms or {}
    earned = form.earned.source if form.earned is not None else None
    source = forms.get(earned) if earned is not None else None
    what = form.shortfall if source is None or source.counted is None else \
        f"{form.shortfall}, by itself (less with the credit it earns from {earned})"
    for part, most in zip(form.parts, _most(form, margin, forms)):
        over = (part.total(form.counted) - most) / SHARE_ONE
        if over > 0:
            gaps.append(Gap(req.id, req.id + (part.label or ""), over, what))
    return gaps


def _tariffs(bom: Bom, changed: Bom, on: date, known: dict[str, Regime],
             import_into: str) -> list[tuple[Determination, Determination]]:
    """Each tariff regime on imports into `import_into`, decided on the BOM before and after the
    plan (a tariff asks whether the vehicle qualifies, so the plan can change its duty)."""
    tariffs = [r for r in known.values()
               if r.kind == "tariff" and any(q.imported_into == import_into for q in r.requirements.values())]
    return [(evaluate(bom, r, on, known), evaluate(changed, r, on, known)) for r in sorted(tariffs, key=lambda r: r.id)]


def advise(bom: Bom, regime: Regime, on: date, premium_pct: Fraction, target: str = "US",
           known: dict[str, Regime] | None = None, margin_pts: Fraction = Fraction(0),
           certification_pct: Fraction = Fraction(0), mfn_table=None, import_into: str = "US") -> Plan:
    """The cheapest set of actions (certify or re-source lines) so that every requirement of
    `regime` that lines can move passes, by `margin_pts` points if asked."""
    from roo_calc.engine.duty import duty_exposure

    before = evaluate(bom, regime, on, known)
    plan = Plan(regime.id, target, before, margin=margin_pts, certification_e4=option_pct_e4(certification_pct),
                agreement=regime.agreement_name, certification_field=regime.certification_field,
                resource_certified=certification_fields([regime, *(known or {}).values()]))
    plan.duty_before = duty_exposure(bom, before, mfn_table, import_into)
    short = [r for r in before.requirements if _short(r, margin_pts) or r.status == "needs_review"]
    for req in short:
        plan.gaps.extend(requirement_gaps(req, margin_pts, {r.id: r.form for r in before.requirements if r.form is not None}))
        why = _blocked(req)
        if why:
            plan.blocked.append(why)
    plan.blocked.extend(before.review)
    if regime.kind == "tariff":  # a duty, not a verdict: nothing here to make eligible
        plan.message = (f"{regime.id} is a tariff: its result is a duty owed or not, not an eligibility, so there is no "
                        "plan to reach under it; plan for a preference regime instead (e.g. -r usmca-2020), whose "
                        "qualification may lower the duty")
        return plan
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
    fields = plan.resource_certified
    states = {CERTIFY: evaluate(certify(bom, rows[can_certify].tolist(), regime.certification_field), regime, on, known),
              RESOURCE: evaluate(resource(bom, rows.tolist(), target, fields), regime, on, known)}
    constraints: list = []
    ways: list[list[list[int]]] = []  # requirements with several ways to pass: the rows of each
    forms = {r.id: r.form for r in before.requirements if r.form is not None}
    as_it_stands = []  # requirements planned with a self-produced part's origin as it stands
    for req in movable:
        assert req.form is not None and req.form.counted is not None
        gated, form = req.form, req.form.settled()
        built = _constraints(form, req.id, margin_pts, forms)
        moved = {action: _settled(gated, _moved(result, req.id, gated)) for action, result in states.items()}
        first = len(constraints)
        if _switch(form):
            ways.append([list(range(first, first + len(built) - 1)), [first + len(built) - 1]])
        for part, (line, allowed, label) in zip(form.parts, built):
            constraints.append((line, {a: _within(m, part) for a, m in moved.items()}, allowed, label))
        credit = _credit_way(req.id, form, forms, states, moved, margin_pts)
        if credit:
            ways.append([list(range(first, len(constraints))), list(range(len(constraints), len(constraints) + len(credit)))])
            constraints += credit
        made = _made_ways(req.id, gated, built, moved, first, len(constraints)) if not credit else None
        if made is not None:
            alternatives, extra, whole = made
            ways.append(alternatives)
            constraints += extra
            if not whole:
                as_it_stands.append(req.id)
        elif any(not o for o in gated.originating()):
            as_it_stands.append(req.id)
    try:
        solved = _solve(bom, constraints, ways, can_certify, premium_pct, certification_pct)
    except Unsettled:
        plan.message = (f"no plan found: the solver stopped at its limit ({NODE_LIMIT:,} branch-and-bound nodes per run, "
                        f"or {SAFETY_S:g} s of wall-clock time) before finding one; whether a plan exists is not known")
        return plan
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
        f"the best plan found within the solver's limit ({NODE_LIMIT:,} branch-and-bound nodes per run), NOT proven the "
        f"cheapest: no plan costs less than {money(Fraction(solved.lower_bound or 0, SHARE_ONE), down=True)} "
        f"{bom.vehicle.currency}") + (
        f"; a solver run was stopped by the {SAFETY_S:g} s wall-clock safety cap, so another run may label this plan "
        "differently" if solved.capped else "") + (
        f"; NOT proven the cheapest for {', '.join(as_it_stands)}: a self-produced part not originating now was planned "
        "as it stands, and a plan that makes it originating (its materials then leave the VNM) may cost less"
        if as_it_stands else "")
    chosen = [(i, ACTIONS[a]) for i, a in solved.chosen]
    value = frame["value_cents"].to_numpy(dtype=np.int64)
    premium = frame["resourcing_premium_e4"].fillna(option_pct_e4(premium_pct)).to_numpy(dtype=np.int64)
    cert_rows = [int(rows[i]) for i, action in chosen if action == CERTIFY]
    res_rows = [int(rows[i]) for i, action in chosen if action == RESOURCE]
    pct = [int(premium[i]) if action == RESOURCE else plan.certification_e4 for i, action in chosen]
    owed = [int(value[i]) * p for (i, _action), p in zip(chosen, pct, strict=True)]  # cost in cents times SHARE_ONE
    order = sorted(range(len(chosen)), key=lambda k: (chosen[k][1] != CERTIFY, -owed[k], int(rows[chosen[k][0]])))
    plan.lines = PlanLine.of_lines(frame, [chosen[k][0] for k in order], premium_e4=[pct[k] for k in order],
                                   cost_cents=[Fraction(owed[k], SHARE_ONE) for k in order],
                                   action=[chosen[k][1] for k in order])
    plan.total_cost_cents = Fraction(sum(owed), SHARE_ONE)
    changed = resource(certify(bom, cert_rows, regime.certification_field), res_rows, target, fields)
    after = evaluate(changed, regime, on, known)
    plan.after = after
    plan.predicted = _predicted(before, movable, states, chosen)
    plan.duty_after = duty_exposure(bom, after, mfn_table, import_into)
    plan.tariffs = _tariffs(bom, changed, on, known or {}, import_into)
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


MADE_WAYS = 4  # self-produced parts not originating now, each offered as made originating (2^4 ways at most)


def _settled(form: LinearForm, counted: np.ndarray) -> np.ndarray:
    """`counted` with the materials of each self-produced part originating on the form's own sums
    counting nothing (`LinearForm.settled`: no action can make such a part non-originating)."""
    out = counted.copy()
    for gate, originating in zip(form.gates, form.originating()):
        if originating:
            out[gate.members] = 0
    return out


def _made_ways(rid: str, form: LinearForm, built: list, moved: dict[str, np.ndarray], first: int,
               end: int) -> tuple[list[list[int]], list, bool] | None:
    """The ways to pass a form with self-produced parts not originating now (`Gate`): as they
    stand (the rows already built, `first`..`end`), or with some of them made originating: their
    materials then count nothing in the form, and each such part's own sum must meet its bound.
    Returns the alternatives (row numbers), the new rows, and whether every combination is
    offered (above `MADE_WAYS` parts, only all of them at once); None when there is nothing to offer."""
    failing = [g for g, o in zip(form.gates, form.originating()) if not o]
    if not failing or len(form.parts) != 1 or form.options != ((0,),) or end - first != 1:
        return None
    assert form.counted is not None
    line, allowed, label = built[0]
    whole = len(failing) <= MADE_WAYS
    subsets = [s for n in range(1, len(failing) + 1) for s in combinations(failing, n)] if whole else [tuple(failing)]
    alternatives: list[list[int]] = [[first]]
    rows: list = []
    for subset in subsets:
        start = end + len(rows)
        leave = np.zeros(len(line), dtype=bool)
        for gate in subset:
            leave |= gate.members
        rows.append((np.where(leave, 0, line), {a: np.where(leave, 0, m) for a, m in moved.items()}, allowed,
                     label + " (with " + ", ".join(g.label.strip(" ()") for g in subset) + ")"))
        for gate in subset:
            rows.append((np.where(gate.members, form.counted, 0), {a: np.where(gate.members, m, 0) for a, m in moved.items()},
                         Fraction(gate.most), rid + gate.label))
        alternatives.append(list(range(start, end + len(rows))))
    return alternatives, rows, whole


def _moved(result: Determination, rid: str, form: LinearForm) -> np.ndarray:
    """What each line counts toward requirement `rid` once its action is taken (the engine's count
    in the BOM with that action taken on every line; the baseline's where it has none)."""
    other = next((r.form for r in result.requirements if r.id == rid and r.form is not None), None)
    counted = other.counted if other is not None and other.counted is not None else form.counted
    assert counted is not None
    return counted


def _predicted(before: Determination, movable: list[RequirementResult], states: dict[str, Determination],
               chosen: list[tuple[int, str]]) -> dict[str, Decision]:
    """Each planned requirement's decision by its linear form once the chosen actions are taken:
    what the plan counts on; the engine's determination of the changed BOM must say the same."""
    forms = {r.id: r.form for r in before.requirements if r.form is not None}
    sums = {}
    for req in movable:
        form = forms[req.id]
        assert form.counted is not None
        counted = form.counted.copy()
        for action in states:
            index = np.array([i for i, a in chosen if a == action], dtype=np.int64)
            counted[index] = _moved(states[action], req.id, form)[index]
        sums[req.id] = [np.array([part.total(counted)], dtype=np.int64) for part in form.summed()]
    return {rid: decision(0) for rid, (_met, decision) in decide_all(forms, sums, 1).items() if rid in sums}


def _solve(bom: Bom, constraints, ways: list[list[list[int]]], can_certify: np.ndarray, premium_pct: Fraction,
           certification_pct: Fraction) -> Solved | None:
    """The cheapest actions, fewest among equals, or None if none can do.  A requirement with two
    ways to pass (`ways`: the rows of each; core parts by each part or by the super-core, the
    heavy-truck RVC without or with the excess-LVC credit) is solved once per way, every
    combination of ways apart, and the cheapest kept (the first ways on a tie)."""
    options = [list(range(len(constraints)))]
    for alternatives in ways:
        grouped = {r for alternative in alternatives for r in alternative}
        options = [[r for r in o if r not in grouped or r in alternative] for alternative in alternatives for o in options]
    programs = [_program(bom, [constraints[r] for r in option], can_certify, premium_pct, certification_pct)
                for option in options]
    least = [least_cost(p) for p in programs] if len(programs) > 1 else [0]
    found: list[tuple[int, Solved]] = []
    unsettled: list[Solved] = []
    # the way with the least bound first: its cost then often rules the others out by their bound alone
    for k in sorted((k for k, low in enumerate(least) if low is not None), key=lambda k: (least[k], k)):
        cutoff = min((s.cost for _k, s in found if s.proven), default=None)
        try:
            solved = solve(programs[k], cutoff=cutoff)
        except Unsettled as timeout:
            unsettled.append(Solved(proven=False, lower_bound=timeout.lower_bound))
            continue
        if solved is not None:
            found.append((k, solved))
    if not found:
        if unsettled:
            raise Unsettled()
        return None
    best = min(found, key=lambda ks: (ks[1].cost, len(ks[1].chosen), ks[0]))[1]  # the first way on a tie
    others = [s for _k, s in found if s is not best] + unsettled
    best.capped = any(s.capped for s in others) or best.capped
    for other in others:
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
    premium = frame["resourcing_premium_e4"].fillna(option_pct_e4(premium_pct)).to_numpy(dtype=np.int64)
    cert = np.flatnonzero(can_certify)
    everyone = np.arange(len(frame))
    gains = np.array([np.concatenate([(line - moved[CERTIFY])[cert], line - moved[RESOURCE]])
                      for line, moved, _allowed, _label in constraints], dtype=np.int64).reshape(len(constraints), -1)
    need = tuple(math.ceil(int(line.sum(dtype=object)) - allowed) for line, _moved, allowed, _label in constraints)
    return Program(line=np.concatenate([cert, everyone]),
                   action=np.concatenate([np.zeros(len(cert), np.int8), np.ones(len(everyone), np.int8)]),
                   cost=np.concatenate([value[cert] * option_pct_e4(certification_pct), value * premium]),
                   gains=gains, need=need)
