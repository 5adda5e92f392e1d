"""What the vehicle's RVC says of a core part certified originating under its threshold.

A part of Table A.1 or of column 1 of Table A.2 is originating only if it meets its RVC
threshold (USMCA UR 14(2), 14(5), 14(13)), or once the core parts' average, by category or as
a super-core, meets the threshold: "all parts used to calculate this average are considered
originating" (14(12)).  The core-parts test counts a line certified Y whose stated content is
under the threshold as non-originating (`certified_under_threshold`); the vehicle's RVC counts
it as certified, originating.  That is right exactly when core parts pass.

The RVC's linear form is left as it is: `advise` and the compare batch decide by it, and every
plan that makes the vehicle qualify makes core parts pass (14(4)), which makes such a part
originating.  The verdict needs no change either: while core parts fail the vehicle is not
originating (14(4)) whatever its RVC, and while they need review so does the vehicle.  What
changes is what the RVC says: when core parts pass, each such line's reason names the way they
pass; when they do not, the RVC lists `certified-core-part-rests-on-core-parts` with the lines,
the fact and the RVC they would give counted as non-originating, and its note says so beside
the figure.

Steel and aluminum purchases taken from BOM lines count a part of 8708.29 or 8708.99 for the
metal in it, taking the part's originating status (UR 17(2)): a body or chassis stamping
certified under the threshold is in the same case, restated the same way, its value at stake
the metal it would count as non-originating.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from roo_calc.display import money as display_money, pct as display_pct, plural
from roo_calc.engine.requirements import Context, CoreUnderThreshold
from roo_calc.engine.result import Assumption, RequirementResult
from roo_calc.engine.usmca_auto import material_lines
from roo_calc.numbers import PCT_E4, SHARE_ONE

RESTS_ON_CORE_PARTS = "certified-core-part-rests-on-core-parts"
LISTED = 12  # lines named in an assumption; the rest are counted


def rvc_rests_on_core_parts(ctx: Context, results: list[RequirementResult]) -> list[RequirementResult]:
    """The regime's results, each vehicle RVC restated for the core-part lines certified under
    the threshold that it counts as originating (see the module doc); unchanged when none."""
    return _settled(ctx, results, "regional_value_content")


def purchases_rest_on_core_parts(ctx: Context, results: list[RequirementResult]) -> list[RequirementResult]:
    """The regime's results, each steel or aluminum purchases requirement measured from BOM lines
    restated for the core-part lines certified under the threshold whose metal it counts as
    originating (UR 17(2), 14(2), 14(12)); unchanged when none."""
    return _settled(ctx, results, "purchases")


def _settled(ctx: Context, results: list[RequirementResult], kind: str) -> list[RequirementResult]:
    under = ctx.core_under_threshold
    core = None if under is None else next((r for r in results if r.id == under.requirement), None)
    if under is None or core is None or not under.lines.any():
        return results
    return [_restated(ctx, r, core, under) if r.kind == kind and r.form is not None
            and r.line_counted is not None else r for r in results]


def _restated(ctx: Context, result: RequirementResult, core: RequirementResult, under: CoreUnderThreshold) -> RequirementResult:
    counted = np.asarray(result.line_counted, dtype=np.int64)
    if result.kind == "purchases":  # the metal of a part of 8708.29 or 8708.99 (UR 17(2))
        requirement = ctx.regime.requirements[result.id]
        material = requirement.material
        value, _counts, _missing = material_lines(ctx, result.id, requirement)
        subject, figure = f"{material} purchases", f"the {material} purchases would be {{}} originating"
        prefix, counts, shown = (f"{material} content of a part (UR 17(2)): ",
                                 f"{material} purchases count as originating the {material} of", f"{material} ")
    else:
        value = ctx.lines.value
        subject, figure, prefix, counts, shown = "RVC", "the RVC would be {}", "", "the RVC counts as originating", ""
    lines = under.lines & (counted == 0) & (value > 0)  # those it counts as originating
    if not lines.any():
        return result
    assert result.form is not None
    field = ctx.regime.certification_field
    limit = under.threshold
    rc, _stated = ctx.lines.pct("regional_content_e4")
    frame = ctx.lines.frame
    rows, parts = frame["row"].to_numpy(), frame["part_number"].to_numpy()
    order = ctx.largest_first(lines)

    def states(i: int) -> str:
        return f"{display_pct(Fraction(int(rc[i]), PCT_E4))}%"

    basis = np.asarray(result.line_basis, dtype=object).copy()
    if core.status == "pass":
        averaged = _averaged_rows(ctx, core.id)
        super_core = core.form is not None and core.form.decide().option == 1  # CORE_OPTIONS: 0 each part, 1 super-core
        for i in order.tolist():
            unconfirmed = "; UNCONFIRMED, see core-part-lines-averaged" if int(rows[i]) in averaged else ""
            way, cited = _way(core, i, super_core)
            basis[i] = (f"{prefix}originating: core parts pass by {way} ({cited}{unconfirmed}); it states "
                        f"{states(i)}, under the {limit} threshold, on its own")
        named = ", ".join(f"row {rows[i]} {parts[i]} ({states(i)})" for i in order[:LISTED].tolist())
        more = f" and {len(order) - LISTED} more" if len(order) > LISTED else ""
        note = (f"{named}{more}: certified {field} = Y under the {limit} core-part threshold, counted as originating "
                f"because core parts pass (UR 14(12))")
        return result.model_copy(update={"line_basis": basis, "reason": _joined(result.reason, note)})

    credit = Fraction(result.figures.get("excess_lvc_points", 0))
    moved = replace(result.form, counted=counted + np.where(lines, value * SHARE_ONE, 0).astype(np.int64))
    decision = moved.decide(credit=credit)
    threshold = f"{result.threshold.normalize():f}%" if result.threshold is not None else "threshold"
    would = (figure.format(f"{display_pct(decision.value)}%") + ", which " + ("still meets" if decision.met else "fails")
             + f" the {threshold}")
    state = "fail" if core.status == "fail" else f"are not decided ({core.status.replace('_', ' ')})"
    consequence = ("so the vehicle is not originating whatever its " + subject if core.status == "fail" else
                   "and the vehicle's verdict waits on them")
    ways = ("by category or as a super-core" if ctx.vehicle_class in ctx.regime.requirements[core.id].super_core_classes
            else "by category")
    for i in order.tolist():
        basis[i] = (f"{prefix}counted as originating (certified {field} = Y), which holds only if core parts pass: it states "
                    f"{states(i)}, under the {limit} core-part threshold (UR 14(2), 14(12)); core parts {state} "
                    f"(see {RESTS_ON_CORE_PARTS})")
    listed = "; ".join(f"row {rows[i]} {parts[i]} states {states(i)} ({shown}{display_money(int(value[i]))})"
                       for i in order[:LISTED].tolist())
    more = f" and {len(order) - LISTED} more" if len(order) > LISTED else ""
    cited = "USMCA UR 17(2), 14(2), 14(5), 14(12)" if result.kind == "purchases" else "USMCA UR 14(2), 14(5), 14(12)"
    ctx.assumptions.append(Assumption(
        code=RESTS_ON_CORE_PARTS, requirement=result.id, rows=tuple(ctx.rows(lines)),
        value_at_stake_cents=int(value[lines].sum()),
        text=f"{counts} core-part lines certified {field} = Y whose stated regional content is under the {limit} "
             f"core-part threshold: {listed}{more}. Such a part is originating only if core parts pass by averaging, "
             f"{ways} (a part under the threshold is not originating on its own, UR 14(2), 14(5); once the average "
             f"meets it, every part averaged is, 14(12)). Core parts ({core.id}) {state} here, {consequence}; counted "
             f"as non-originating, {would}",
        citation=f"{cited}; {core.id}: {core.citation}"))
    note = (f"rests on core parts: counts {plural(len(order), 'line')} certified {field} = Y under the {limit} core-part "
            f"threshold as originating, which holds only if core parts pass (UR 14(2), 14(12)); they {state}; counted "
            f"as non-originating {would} (see {RESTS_ON_CORE_PARTS})")
    return result.model_copy(update={"line_basis": basis, "reason": _joined(result.reason, note)})


def _way(core: RequirementResult, i: int, super_core: bool) -> tuple[str, str]:
    """How core parts pass, for line i: the super-core, or the average of the line's category;
    and the provisions."""
    figures = core.figures
    if super_core:
        return f"the super-core, {display_pct(Fraction(figures['super_core_rvc']))}%", "UR 14(10), 14(12)"
    group = str(np.asarray(core.line_groups, dtype=object)[i])
    return f"the {group} category's average, {display_pct(Fraction(figures[f'{group}_rvc']))}%", "UR 14(12)"


def _averaged_rows(ctx: Context, core_id: str) -> set[int]:
    """The rows an each-part pass of core parts averages in without their meeting the threshold
    on their own (`core-part-lines-averaged`, a reading marked unconfirmed)."""
    return {r for a in ctx.assumptions if a.code == "core-part-lines-averaged" and a.requirement == core_id for r in a.rows}


def _joined(reason: str | None, note: str) -> str:
    return f"{reason}; {note}" if reason else note
