"""USMCA automotive requirements beyond vehicle RVC: core parts (UR s.14, s.15), steel and
aluminum purchases (UR s.17) and labor value content (UR s.18).  The law's figures and lists
come from the rule file; the choices made where the BOM cannot carry what the law asks are
stated here and in the rule file's notes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from roo_calc.bom.schema import NOT_A_CORE_PART
from roo_calc.codes import HsList
from roo_calc.engine.linear import Decision, EarnedCredit, LinearForm, Part
from roo_calc.engine.made_parts import owner_of
from roo_calc.engine.requirements import (Context, CoreUnderThreshold, _not_applicable, by_wording, certified_under_threshold,
                                          decided, line_basis, whole, worded)
from roo_calc.engine.result import Assumption, RequirementResult
from roo_calc.display import money as display_money, pct as display_pct
from roo_calc.numbers import PCT_E4, SHARE_ONE, rule_pct_e4
from roo_calc.rules.model import MeltAndPour, Requirement


def _review(rid: str, requirement: Requirement, reason: str) -> RequirementResult:
    return RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="needs_review",
                             citation=requirement.citation, reason=reason)


def _core_group_of(ctx: Context, rid: str, requirement: Requirement, groups: tuple[str, ...],
                   owned: np.ndarray | None = None) -> np.ndarray:
    """Each line's Table A.2 column-1 group: declared in core_part_group ("none" declares a line
    not a core part), else by an HS code that belongs wholly to one group.  An "ex" code counts
    only when declared, except a `default_hs` code, whose default follows the vehicle's HS code
    (a propulsion battery of 8507.60 in an electrified vehicle); every default is an assumption."""
    lines = ctx.lines
    series = lines.frame["core_part_group"]
    undeclared = series.isna().to_numpy(dtype=bool)
    group_of = series.where(series.isin(groups), None).to_numpy(dtype=object)
    maybe = np.zeros(len(undeclared), dtype=bool)
    for name in groups:
        spec = requirement.core_part_table[name]
        if spec.hs:
            group_of = np.where(undeclared & (group_of == None) & HsList(spec.hs).match(lines.hs), name, group_of)  # noqa: E711
        defaulted = undeclared & (group_of == None) & HsList(spec.default_hs).match(lines.hs) if spec.default_hs else None  # noqa: E711
        if defaulted is not None and defaulted.any():
            cited = "; ".join(f"{r.title}, {r.pinpoint}" for r in spec.reference) or requirement.core_part_source
            if HsList(spec.default_for_vehicles).contains(ctx.vehicle.hs_code):
                group_of = np.where(defaulted, name, group_of)
                ctx.assume(f"core-part-default-{name}", rid, defaulted,
                           f"lines of {', '.join(spec.default_hs)} with a blank core_part_group in a vehicle of HS "
                           f"{ctx.vehicle.hs_code} (electrified): taken as {name} core parts (propulsion); declare "
                           f"core_part_group = none for any that is not", cited)
            else:
                ctx.assume(f"core-part-default-{name}", rid, defaulted,
                           f"lines of {', '.join(spec.default_hs)} with a blank core_part_group in a vehicle of HS "
                           f"{ctx.vehicle.hs_code} (not electrified): taken as not {name} core parts; declare "
                           f"core_part_group = {name} for a propulsion battery", cited)
            undeclared = undeclared & ~defaulted
        if spec.ex_hs:
            maybe |= undeclared & HsList(spec.ex_hs).match(lines.hs)
    maybe &= group_of == None  # noqa: E711
    if owned is not None:  # materials of a self-produced core part count with it (UR 14(7)(a)), whatever their own code
        maybe &= ~owned
    foreign = (series.notna() & series.ne(NOT_A_CORE_PART)).to_numpy(dtype=bool) & (group_of == None)  # noqa: E711
    if foreign.any():
        named = ", ".join(sorted(set(series[foreign].tolist())))
        ctx.assume("core-part-group-not-here", rid, foreign,
                   f"lines whose core_part_group ({named}) is not a group of this regime's core-part table "
                   f"for {ctx.vehicle_class} ({', '.join(groups)}): not counted as core parts here",
                   "USMCA UR s.14, Table A.2")
    ctx.assume("core-part-undeclared", rid, maybe,
               f"lines whose HS code is only partly a core part (\"ex\" in {requirement.core_part_source}) and whose "
               "core_part_group is blank: not counted as core parts; declare core_part_group where they are",
               requirement.core_part_source)
    return group_of


def core_part_originating(ctx: Context, rid: str, limit_ppm: int, core: np.ndarray,
                          citation: str = "USMCA UR 14(4), 14(5), 14(13)") -> np.ndarray:
    """Whether each line counts as originating for the core-parts test.

    A supplier's certification decides, except where the content stated beside it contradicts it
    in the direction that makes the part non-originating: Y made in the region is originating
    unless its stated content is under the threshold (the part is originating *only if* it
    meets it, UR 14(2), 14(5), 14(13): `certified_under_threshold`); N is non-originating
    whatever content is stated.  A line with no certification on file may show its origin by a
    stated regional content meeting the threshold (UR 14(4)-(5)); the figure is read as a net
    cost one, the only method modelled.
    """
    lines = ctx.lines
    in_region = lines.in_countries(ctx.regime.region)
    certified, declined = lines.flag(ctx.regime.certification_field)
    rc, rc_stated = lines.pct("regional_content_e4")
    limit = f"{Decimal(limit_ppm).scaleb(-4).normalize():f}%"
    low = certified_under_threshold(ctx, rid, in_region & certified & core, limit_ppm, f"{limit} core-part threshold",
                                    citation, "core-part lines ")
    ctx.core_under_threshold = CoreUnderThreshold(rid, low, limit)  # what the vehicle RVC's count rests on (engine.core_origin)
    by_content = in_region & ~certified & ~declined & rc_stated
    ctx.assume("core-part-by-content", rid, by_content,
               "core-part lines with no certification on file: origin taken from the supplier's stated regional content "
               "against the core-part threshold, read as a net cost figure", citation)
    ctx.assume("core-part-declined-with-content", rid, declined & rc_stated & (rc >= limit_ppm),
               "certified non-originating (N) although the stated regional content meets the threshold: the "
               "certification is used", citation)
    return in_region & ~declined & ~low & (certified | (by_content & (rc >= limit_ppm)))


def _made_core_parts(ctx: Context, requirement: Requirement, groups: tuple[str, ...]) -> tuple[dict[int, tuple[str, int]], np.ndarray]:
    """Self-produced (`make`) core parts and the counted lines that are their materials.

    A make line is a core part when its core_part_group names a group, or, left blank, when its
    HS code belongs wholly to one.  It is measured as a part (UR 14(4): the net cost of a part by
    s.7; 14(7)(a): the VNM used in its production): its net cost is the make line's value, its
    VNM the non-originating materials below it.  A core part made inside another is measured
    with the outer one.  Returns {make row: (group, net cost cents)} and, per counted line, the
    row of the core part it goes into (0 where none)."""
    owner = np.zeros(len(ctx.lines.value), dtype=np.int64)
    made = getattr(ctx.bom, "made", None)
    if made is None or not len(made):
        return {}, owner
    declared = made["core_part_group"].to_numpy(dtype=object)
    hs = made["hs_code"].to_numpy(dtype=object)
    group = np.array([d if d in groups else None for d in declared], dtype=object)
    blank = made["core_part_group"].isna().to_numpy(dtype=bool)
    for name in groups:
        codes = requirement.core_part_table[name].hs
        if codes:
            group = np.where(blank & (group == None) & HsList(codes).match(hs), name, group)  # noqa: E711
    outer: dict[int, int] = {}  # make row -> outermost core make at or above it (0: none)
    parts: dict[int, tuple[str, int]] = {}
    order = np.argsort(made["row"].to_numpy(dtype=np.int64), kind="stable")
    rows = made["row"].to_numpy(dtype=np.int64)
    parents = made["parent_row"].to_numpy(dtype=object)
    values = made["value_cents"].to_numpy(dtype=np.int64)
    for i in order:
        parent = parents[i]
        above = 0 if pd.isna(parent) else outer.get(int(parent), 0)
        outer[int(rows[i])] = above or (int(rows[i]) if group[i] is not None else 0)
        if not above and group[i] is not None:
            parts[int(rows[i])] = (str(group[i]), int(values[i]))
    if "parent_row" in ctx.lines.frame:
        owner = owner_of(ctx.lines.frame["parent_row"], outer)
    return parts, owner


# The ways to meet the core-parts test, in the order tried (the form's options): each core part
# (UR 14(4)) when the weakest group meets the threshold, else the super-core (UR 14(10)) where allowed.
CORE_OPTIONS = ("each core part (UR 14(4))", "super-core: all core parts as one (UR 14(10))")


def core_parts(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Core parts (UR 14(4)): a passenger vehicle or light truck is originating only if its Table
    A.2 column-1 parts are originating.  Heavy trucks have no such vehicle-level condition: UR
    15(4) decides their engines', gear boxes' and chassis' origin part by part (`part_origin`).

    The lines of one group make up that core part.  Its RVC is approximated by the net cost
    method over those lines, (V - VNM) / V, with V their value and VNM what each counts as
    non-originating (`_core_counted`: a stated regional content is the line's own, else roll-up,
    UR 14(1), 14(11)); the group's own labor and overhead are not in the BOM, and leaving them
    out can only lower the figure.  The super-core option (UR 14(10)) treats all groups as one
    part, with the same per-line figures.  Origin per line: see `core_part_originating`.  The
    figure shown is that of the better option, and the requirement passes when it meets the
    threshold; a pass that averages in a line not originating on its own needs review
    (`_passing_by_averaging`).
    """
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    groups = requirement.groups_by_class.get(ctx.vehicle_class, tuple(requirement.core_part_table))
    made_parts, owner = _made_core_parts(ctx, requirement, groups)
    owned = owner > 0
    group_of = _core_group_of(ctx, rid, requirement, groups, owned)
    if owned.any():
        group_of = group_of.copy()
        for row, (made_group, _cost) in made_parts.items():
            group_of[owner == row] = made_group
    core = group_of != None  # noqa: E711
    if not core.any() and not made_parts:
        return _review(rid, requirement, f"no core part identified in the BOM ({requirement.core_part_source}: "
                       + ", ".join(groups) + "); declare core_part_group on the lines that make them up")
    lines = ctx.lines
    originating = core_part_originating(ctx, rid, rule_pct_e4(threshold.value), core, requirement.citation)
    value = lines.value
    zero = [row for row, (_g, cost) in made_parts.items() if cost <= 0]
    if zero:
        return _review(rid, requirement, f"self-produced core parts at rows {', '.join(map(str, zero))} have no cost of "
                       "production: give the make line's value, the part's own net cost (UR 14(4), s.7)")
    scaled, own_share = _core_counted(ctx, rid, core, owned, originating)
    per_group: dict[str, Fraction] = {}
    totals: dict[str, int] = {}
    for name in groups:
        mask = group_of == name
        total = int(value[mask & ~owned].sum()) + sum(cost for g, cost in made_parts.values() if g == name)
        if total:
            totals[name] = total
            per_group[name] = Fraction(total * SHARE_ONE - int(scaled[mask].sum()), total * SHARE_ONE) * 100
    core_total = sum(totals.values())
    core_non = Fraction(int(scaled[core].sum()), SHARE_ONE)
    if not per_group:
        return _review(rid, requirement, "the BOM's core-part lines have no value")
    super_core = (core_total - core_non) / core_total * 100
    allows_super = ctx.vehicle_class in requirement.super_core_classes
    names = sorted(totals)
    parts = tuple(Part(totals[g] * SHARE_ONE, -1, totals[g] * SHARE_ONE, group_of == g, f", {g} (each core part)")
                  for g in names)
    parts += (Part(core_total * SHARE_ONE, -1, core_total * SHARE_ONE, core,
                   " (super-core, all core parts as one: the other way to pass)"),)
    form = LinearForm(scaled, parts, "at_least", Fraction(threshold.value),
                      options=(tuple(range(len(names))),) + (((len(names),),) if allows_super else ()),
                      shortfall="of non-originating core-part value to make originating")
    decision = form.decide()
    option = ("none meets the threshold" if decision.option is None else
              CORE_OPTIONS[decision.option] if allows_super else "each core part")  # 14(4)/(10) only where s.14 applies
    if allows_super and decision.option == 1:  # the super-core option decided the pass
        ctx.assume("super-core-certified-no-content", rid, core & ~owned & originating & ~own_share,
                   "core-part lines certified originating with no stated regional content count no non-originating "
                   "materials in the super-core, though 14(10)(a) counts those used in producing each part; give their "
                   "regional_content_pct to count them", "USMCA UR 14(10)(a)")
    failing = [g for g, v in per_group.items() if v < threshold.value]
    rows = ctx.lines.frame["row"].to_numpy()
    parts = ctx.lines.frame["part_number"].to_numpy()
    rc, _stated_ = ctx.lines.pct("regional_content_e4")
    named = []
    for g in failing:
        bad = ctx.largest_first((group_of == g) & ~originating)[:3]
        named.append(f"{g} at {display_pct(per_group[g])}% (" + "; ".join(
            f"row {rows[i]} {parts[i]}, {lines.origin[i]}, {display_money(int(value[i]))}"
            + (f", stating {_stated(rc, i)}%" if own_share[i] else "") for i in bad) + ")")
    reason = f"option used: {option}"
    if failing:
        reason += "; core parts under the threshold: " + "; ".join(named)
    if own_share.any():
        reason += ("; a line made in the region that states a regional content (and is not certified N) counts "
                   "the non-originating share of its value, 100% less that content (UR 14(10)(a): the non-originating "
                   "materials used in producing the part; 14(4)-(5): the part's own RVC); " + _own_share_text(ctx, own_share, scaled))
    figures = {"option": option, "core_parts_value": core_total, "core_parts_non_originating": core_non,
               **({"super_core_rvc": super_core} if allows_super else {}), **{f"{g}_rvc": v for g, v in per_group.items()}}
    if made_parts:
        figures.update({f"{g}_net_cost": totals[g] for g in {g for g, _c in made_parts.values()} if g in totals})
        reason += "; self-produced core parts measured by their own net cost (the make line's value) against the " \
                  "non-originating materials below them (UR 14(4), 14(7)(a), s.7): " + ", ".join(
                      f"row {row} {g} {display_money(cost)}" for row, (g, cost) in made_parts.items())
    averaged = _passing_by_averaging(ctx, rid, requirement, decision, per_group, threshold.value, group_of,
                                     core & ~owned & ~originating, scaled)
    if averaged:
        reason += "; UNCONFIRMED: " + averaged
    basis = _core_basis(ctx, core, originating, scaled, group_of, owner, own_share)
    return decided(rid, requirement, threshold, form, ctx, basis, figures, reason=reason, decision=decision,
                   line_groups=group_of)


def _stated(rc: np.ndarray, i: int) -> str:
    """Line i's stated regional content, as printed (`rc`: the column read once per requirement,
    not once per line)."""
    return display_pct(Fraction(int(rc[i]), PCT_E4))


def _own_share_text(ctx: Context, mask: np.ndarray, scaled: np.ndarray) -> str:
    """The lines counted by their stated content, largest first: what each states and counts."""
    frame = ctx.lines.frame
    rows, parts = frame["row"].to_numpy(), frame["part_number"].to_numpy()
    order = ctx.largest_first(mask)
    rc, _stated_ = ctx.lines.pct("regional_content_e4")
    listed = "; ".join(f"row {rows[i]} {parts[i]} states {_stated(rc, i)}%, counts "
                       f"{display_money(Fraction(int(scaled[i]), SHARE_ONE))} of {display_money(int(ctx.lines.value[i]))}"
                       for i in order[:6])
    return listed + (f" and {len(order) - 6} more" if len(order) > 6 else "")


def _core_counted(ctx: Context, rid: str, core: np.ndarray, owned: np.ndarray,
                  originating: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What each core-part line counts as non-originating, in scaled cents, and which lines count
    by their own stated content.

    A line bought whole (not a material of a self-produced core part) made in the region and not
    certified N that states a regional content counts 100% less that content of its value: the
    non-originating materials used in producing it (UR 14(10)(a)), its value standing for its net
    cost (14(4), s.7), the figure read as net cost.  So a group made of one such line has the
    line's own RVC, the each-part test and the super-core use the same figure, and a stated 70%
    is never shown as 0%.  Whether the line is originating is still decided against the
    threshold (`core_part_originating`).  Any other line counts 0 when originating (roll-up,
    14(1), 14(11)) and its full value when not.  A material of a self-produced core part counts
    by roll-up too: its own content is not the part's."""
    lines = ctx.lines
    rc, stated = lines.pct("regional_content_e4")
    _certified, declined = lines.flag(ctx.regime.certification_field)
    own_share = core & ~owned & stated & ~declined & lines.in_countries(ctx.regime.region)
    scaled = np.where(own_share, lines.value * (SHARE_ONE - rc),
                      np.where(core & ~originating, lines.value * SHARE_ONE, 0)).astype(np.int64)
    return scaled, own_share


def _passing_by_averaging(ctx: Context, rid: str, requirement: Requirement, decision: Decision,
                          per_group: dict[str, Fraction], limit, group_of: np.ndarray, short: np.ndarray,
                          scaled: np.ndarray) -> str | None:
    """What a pass by the each-part option rests on when it averages in lines that do not meet the
    threshold on their own, listed as an assumption with the value at stake; None when it does not.

    A group's figure is taken over its bought lines, as if they were the materials of one part.
    A flat BOM cannot show whether a line is that, or a part of the table bought whole, which must
    itself meet the threshold (UR 14(2), 14(4)-(5); 19(4)(b): "for parts listed in Table A.1").
    The super-core (14(10)) does average, so a pass by it rests on no such fact.  A status of
    needs_review would not follow from the requirement's linear form, which advise and compare
    decide by, so the verdict stays the form's and the fact is named instead."""
    if not decision.met or decision.option != 0:
        return None
    lines = ctx.lines
    value = lines.value
    frame = lines.frame
    rows, parts = frame["row"].to_numpy(), frame["part_number"].to_numpy()
    found = []
    mask_all = np.zeros(len(short), dtype=bool)
    for g in [g for g, v in per_group.items() if v >= limit]:
        mask = (group_of == g) & short
        if not mask.any():
            continue
        mask_all |= mask
        order = ctx.largest_first(mask)
        own = [Fraction(int(value[i]) * SHARE_ONE - int(scaled[i]), int(value[i]) * SHARE_ONE) * 100 if value[i] else Fraction(0)
               for i in order[:4]]
        found.append(f"{g} at {display_pct(per_group[g])}% over its lines, with " + "; ".join(
            f"row {rows[i]} {parts[i]} ({lines.origin[i]}, {display_money(int(value[i]))}) at {display_pct(o)}% on its own"
            for i, o in zip(order[:4], own)) + (f" and {len(order) - 4} more" if len(order) > 4 else ""))
    if not found:
        return None
    text = ("the pass averages in lines that do not meet the threshold on their own: " + "; ".join(found)
            + f". The BOM does not show which these lines are: a part listed in {requirement.core_part_source} "
            "bought whole must meet the threshold itself, and the vehicle then fails; a material of a part the "
            "producer makes belongs under that part's make line, and the part's own figure then decides")
    ctx.assume("core-part-lines-averaged", rid, mask_all, text, requirement.citation)
    return text


def _core_basis(ctx: Context, core: np.ndarray, originating: np.ndarray, scaled: np.ndarray, group_of: np.ndarray,
                owner: np.ndarray, own_share: np.ndarray) -> np.ndarray:
    """Each line's reason under the core-parts test, true of that line: blank for a line that is
    no core part.  Built once per distinct wording, not once per line (on a large BOM half the
    lines can be core parts): the wording depends on what the line says (`kind`), its group, the
    core part it goes into, and for some kinds its stated content, the cents it counts or its
    country; lines alike in all of these share one string."""
    lines = ctx.lines
    field = ctx.regime.certification_field
    in_region = lines.in_countries(ctx.regime.region)
    certified, declined = lines.flag(field)
    rc, rc_stated = lines.pct("regional_content_e4")
    counts = scaled > 0
    by_share = core & own_share & counts  # counts 100% less its stated content
    full = core & ~by_share & counts  # counts its full value
    held = core & ~counts & originating  # originating, counts nothing
    # A full-value line made in the region and not certified N is under the threshold by its stated
    # content (certified or not: a material of a self-produced core part), or states none.
    kind = np.select([by_share & originating & certified, by_share & originating, by_share & certified, by_share,
                      full & ~in_region, full & declined, full & certified, full & rc_stated, full,
                      held & certified, held], list(range(1, 12)), 0)
    at = np.flatnonzero(kind)
    basis = np.full(len(core), "", dtype=object)
    if not at.size:
        return basis
    kind, group, row, shared = kind[at], group_of[at], owner[at], by_share[at]
    content = np.where(shared, rc[at], 0)
    cents = np.where(shared, _half_even(scaled[at], SHARE_ONE), 0)
    country = np.where(kind == 5, lines.origin[at], "")
    stated = {int(v): display_pct(Fraction(int(v), PCT_E4)) for v in np.unique(content[shared])}

    def text(i: int) -> str:  # the reason; for a line counted by its stated content, up to its cents
        named = (f"{group[i]} (material of the self-produced core part at row {row[i]})" if row[i] > 0
                 else f"{group[i]} (core part)")
        k = kind[i]
        if k <= 4:
            status = ("originating (certified) and ", "originating by its stated content and ",
                      f"non-originating on its own ({field} = Y, but its stated content is under the threshold) and ",
                      "non-originating on its own (no certification, stated content under the threshold) and ")[k - 1]
            return f"{named}: {status}states {stated[int(content[i])]}% regional content: counts the rest, "
        if k <= 9:
            why = (f", made in {country[i]}", f", certified non-originating ({field} = N)",
                   f", certified {field} = Y but its stated content is under the threshold",
                   ", no certification and its stated content under the threshold",
                   ", no certification and no stated regional content")[k - 5]
            return f"{named}: non-originating, full value{why}"
        return named + (": originating (certified)" if k == 10 else ": originating by its stated content")

    reasons = by_wording([kind, group, row, content, country], text)
    by_content = np.flatnonzero(shared)  # their cents differ line by line: joined once per (text, cents)
    lead, owed = reasons[by_content], cents[by_content]
    reasons[by_content] = by_wording([lead, owed], lambda i: f"{lead[i]}{display_money(int(owed[i]))}, as non-originating "
                                                             "materials (UR 14(10)(a); stated content read as net cost)")
    basis[at] = reasons
    return basis


def _half_even(scaled: np.ndarray, scale: int) -> np.ndarray:
    """scaled / scale rounded half to even, exactly in integers (as `display.money` rounds a
    Fraction of cents): the cents a line's reason prints."""
    whole, rest = np.divmod(scaled.astype(np.int64), scale)
    return whole + ((2 * rest > scale) | ((2 * rest == scale) & (whole % 2 == 1)))


def material_lines(ctx: Context, rid: str, requirement: Requirement) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What each BOM line counts as Table S purchases of the requirement's material (UR 17(1)-(2)):
    (cents counted, counted?, content missing?).  A Table S code counts at its full value; a part
    of a Table S "ex" subheading (8708.29, 8708.99) only for its stated steel (aluminum) content,
    and when it is marked as that material but states no content, the figure is missing."""
    material = requirement.material
    lines = ctx.lines
    full = HsList(requirement.table_s).match(lines.hs)
    part = HsList(requirement.table_s_parts).match(lines.hs) & ~full if requirement.table_s_parts else np.zeros(len(full), bool)
    content, stated = lines.money(f"{material}_content_value_cents")
    declared = (lines.frame["material"].to_numpy(dtype=object) == material)
    by_content = part & stated
    missing = part & declared & ~stated
    counted = np.where(full, lines.value, np.where(by_content, content, 0)).astype(np.int64)
    other = declared & ~full & ~part
    ctx.assume(f"{material}-not-table-s", rid, other,
               f"lines marked {material} whose HS code is not in Table S: not counted ({requirement.title}; UR 17(1) "
               f"covers the Table S goods only)", "USMCA UR 17(1), Table S")
    return counted, full | by_content, missing


def purchases(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Steel or aluminum (UR 17(1)): at least 70% by value of the producer's purchases of Table S
    steel (or, separately, aluminum) must be originating.  Uses the Vehicle sheet's purchase
    figures when given; otherwise the BOM's Table S lines, which stand in for the producer's
    corporate-level purchases: a Table S code at its full value, a part of 8708.29 or 8708.99
    only for the steel in it (UR 17(2)), taking the part's originating status."""
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    material = requirement.material
    assert material is not None
    vehicle = ctx.vehicle
    total = getattr(vehicle, f"{material}_purchases_cents")
    originating_total = getattr(vehicle, f"{material}_purchases_originating_cents")
    scaled: np.ndarray | None = None
    basis = None
    from_bom = total is None or originating_total is None
    given = vehicle.source_of(f"{material}_purchases", f"{material}_purchases_originating")
    figures_of = "Vehicle sheet purchase figures" if given == "Vehicle sheet" else f"purchase figures of {given}"
    melt = requirement.melt_and_pour if requirement.melt_and_pour and requirement.melt_and_pour.from_ <= ctx.on else None
    region = "/".join(ctx.regime.region)
    if not from_bom:
        source = figures_of
        if melt is not None:
            assert originating_total is not None
            ctx.assumptions.append(Assumption(
                code="steel-melt-pour-figures", requirement=rid, rows=(), value_at_stake_cents=originating_total,
                text=f"steel_purchases_originating ({display_money(originating_total)}, {figures_of}) is taken as counting "
                     f"only steel whose manufacturing processes all took place in {region}, which the law asks from "
                     f"{melt.from_}; roo-calc cannot check the producer's figure",
                citation="USMCA UR 17(5)(b)"))
    else:
        lines = ctx.lines
        counted, mask, missing = material_lines(ctx, rid, requirement)
        if missing.any():
            return _review(rid, requirement,
                           f"{material} content missing: rows {ctx.rows_text(missing)} are parts of "
                           f"{', '.join(requirement.table_s_parts)} marked {material}, and only the {material} in them counts "
                           f"(UR 17(2)); give {material}_content_value on those lines (value at stake "
                           f"{display_money(int(lines.value[missing].sum()))}), or {material}_purchases and "
                           f"{material}_purchases_originating on the Vehicle sheet")
        if not mask.any():
            return _review(rid, requirement, f"no {material} purchase figures: give {material}_purchases and "
                           f"{material}_purchases_originating on the Vehicle sheet, or BOM lines of Table S {material} "
                           f"(parts of {', '.join(requirement.table_s_parts)} with {material}_content_value)")
        originating = ctx.originating()
        why = ctx.origin_reasons()
        if melt is not None:
            originating, why = _melted_and_poured(ctx, rid, melt, mask, counted, originating, why)
        total = int(counted[mask].sum())
        originating_total = int(counted[mask & originating].sum())
        source = f"BOM lines of Table S {material} ({int(mask.sum())} lines; parts count only their {material} content)"
        scaled = np.where(mask & ~originating, counted * SHARE_ONE, 0).astype(np.int64)
        part = mask & ~HsList(requirement.table_s).match(lines.hs)
        what = np.where(part, f"{material} content of a part counts (UR 17(2)): ", f"Table S {material}, full value: ")
        kind = np.where(part, f"{material} content of a part (UR 17(2)): ", f"Table S {material}: ")
        basis = line_basis(scaled, worded(what, why), np.where(mask & originating, worded(kind, why), ""))
        ctx.assume(f"{material}-from-bom", rid, mask,
                   f"{material} purchases taken from the BOM's Table S {material} lines, standing in for the producer's "
                   f"corporate-level purchases (UR 17(3)); the {material} in a part takes the part's originating status",
                   "USMCA UR 17(1)-(3)")
    if total == 0:
        return _review(rid, requirement, f"{material} purchases are 0: nothing to measure")
    figures = {"purchases": total, "originating": originating_total, "source": source}
    # Originating share = (purchases - non-originating counted) / purchases; from the Vehicle
    # sheet nothing is counted per line and the originating figure is the offset.
    offset = (total if from_bom else originating_total) * SHARE_ONE
    form = LinearForm(scaled, whole(offset, total * SHARE_ONE), "at_least", Fraction(threshold.value),
                      shortfall="of non-originating purchases to make originating"
                                + ("" if from_bom else f" ({figures_of})"),
                      fixed=None if from_bom else "is measured on the " + (
                          "Vehicle sheet's purchase figures" if given == "Vehicle sheet" else figures_of) + ", which no BOM line changes")
    reason = f"from {source}"
    if melt is not None:
        reason += (f"; from {melt.from_} steel counts as originating only if melted and poured in {region} (UR 17(5)(b)): "
                   + ("the producer's originating figure is taken as measured so" if not from_bom
                      else f"a line counts as originating only if also stated {melt.column} = Y"))
    return decided(rid, requirement, threshold, form, ctx, basis, figures, reason=reason)


def _lines_word(mask: np.ndarray) -> str:
    return "line" if int(mask.sum()) == 1 else "lines"


def _melted_and_poured(ctx: Context, rid: str, melt: MeltAndPour, mask: np.ndarray, counted: np.ndarray,
                       originating: np.ndarray, why: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UR 17(5)(b): from `melt.from_` a Table S steel line counts as originating only if it is
    originating as before and stated melted and poured in the region (`steel_melted_poured` = Y).
    Stated N it is non-originating; blank, it is counted as non-originating too (a certification
    does not attest the test), and listed with the steel value at stake.  A line stated Y that is
    not originating by its certification stays non-originating (the reading marked unconfirmed
    in the rule file), and is listed.  Returns the lines' originating status and reasons."""
    region = "/".join(ctx.regime.region)
    column = melt.column
    poured, not_poured = ctx.lines.flag(column)
    denied = mask & originating & not_poured
    unstated = mask & originating & ~poured & ~not_poured
    uncertified = mask & ~originating & poured & ctx.lines.in_countries(ctx.regime.region)
    rows = ctx.lines.frame["row"].to_numpy()
    unconfirmed = "USMCA UR 17(5)(b)" + (" (reading unconfirmed in the rule file)" if melt.unconfirmed else "")
    for code, lines, citation, text in (
            ("steel-melt-pour-unstated", unstated, "USMCA UR 17(5)(b)",
             f"{_lines_word(unstated)} {ctx.rows_text(unstated)}: originating by certification, but {column} is blank; from "
             f"{melt.from_} the steel is originating only if all steel manufacturing processes took place in "
             f"{region}, which a certification does not attest: counted as non-originating; state {column} = Y "
             "where the steel was melted and poured there"),
            ("steel-melted-not-originating", uncertified, unconfirmed,
             f"{_lines_word(uncertified)} {ctx.rows_text(uncertified)}: stated {column} = Y but not originating by certification: "
             f"counted as non-originating (17(5)(b) asks that the good also meet the Regulations' other requirements, "
             f"read as its certification)")):
        if lines.any():
            ctx.assumptions.append(Assumption(code=code, requirement=rid, rows=tuple(int(r) for r in rows[lines]),
                                              value_at_stake_cents=int(counted[lines].sum()), text=text, citation=citation))
    why = np.where(denied, f"not melted and poured in {region} ({column} = N): non-originating from {melt.from_} (UR 17(5)(b))", why)
    why = np.where(unstated, f"{column} not stated: non-originating from {melt.from_} unless melted and poured in "
                             f"{region} (UR 17(5)(b))", why)
    why = np.where(mask & originating & poured, worded(why, f", melted and poured in {region} ({column} = Y)"), why)
    return originating & ~denied & ~unstated, why


def _made_high_wage(ctx: Context, rid: str) -> tuple[int, np.ndarray, list[str], bool]:
    """Self-produced (make) parts marked high_wage = Y, made in the region: high-wage materials at
    their net cost, the make line's value (UR 18(7)(a): "a self-produced high-wage material",
    valued by 18(4); 18(21): at full value).  Returns their total (cents), the counted lines below
    them (inside that net cost, so not counted again), the parts as printed, and whether any make
    line declares high_wage.  A part made inside another high-wage one counts with the outer."""
    lines = ctx.lines
    covered = np.zeros(len(lines.value), dtype=bool)
    made = getattr(ctx.bom, "made", None)
    if made is None or not len(made) or "high_wage" not in made or "parent_row" not in lines.frame:
        return 0, covered, [], False
    flag = made["high_wage"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    declared = bool(made["high_wage"].notna().any())
    in_region = made["origin_country"].isin(list(ctx.regime.region)).to_numpy(dtype=bool)
    rows = made["row"].to_numpy(dtype=np.int64)
    parents = made["parent_row"].to_numpy(dtype=object)
    values = made["value_cents"].to_numpy(dtype=np.int64)
    parts = made["part_number"].to_numpy(dtype=object)
    outer: dict[int, int] = {}  # make row -> the outermost high-wage make at or above it (0: none)
    total, named, abroad = 0, [], []
    for i in np.argsort(rows, kind="stable").tolist():
        parent = parents[i]
        above = 0 if pd.isna(parent) else outer.get(int(parent), 0)
        high = bool(flag[i])
        outer[int(rows[i])] = above or (int(rows[i]) if high and in_region[i] else 0)
        if high and not above and not in_region[i]:
            abroad.append(f"row {rows[i]} {parts[i]} ({made['origin_country'].iat[i]})")
        elif high and not above:
            total += int(values[i])
            named.append(f"row {rows[i]} {parts[i]} {display_money(int(values[i]))}")
    covered = owner_of(lines.frame["parent_row"], outer) > 0
    if abroad:
        ctx.assumptions.append(Assumption(
            code="lvc-made-high-wage-abroad", requirement=rid, rows=(), value_at_stake_cents=0,
            text=f"self-produced parts marked high_wage = Y but made outside {'/'.join(ctx.regime.region)}: "
                 + "; ".join(abroad) + ": not counted as high-wage material (a qualifying wage-rate production plant "
                 "is in the territory of a CUSMA country)", citation="USMCA UR s.12, 18(4), 18(7)(a)"))
    return total, covered, named, declared


def labor_value_content(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Labor value content, net cost basis (UR 18(6)):
    LVC = (HWLC + HWM) / NC x 100 + technology credit (capped) + assembly credit, and the
    high-wage part alone must reach its own minimum."""
    threshold = ctx.threshold(rid, requirement)
    minimum = ctx.minimum(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    vehicle = ctx.vehicle
    missing = []
    labor = vehicle.lvc_high_wage_labor_cents
    if labor is None:
        missing.append("lvc_high_wage_labor (Vehicle sheet)")
    materials = vehicle.lvc_high_wage_materials_cents
    source = vehicle.source_of("lvc_high_wage_materials")
    counted = None
    high, low = ctx.lines.flag("high_wage")
    abroad = high & ~ctx.lines.in_countries(ctx.regime.region)  # UR s.12: a high-wage plant is in a CUSMA country
    high = high & ~abroad
    made_total, covered = 0, np.zeros(len(high), dtype=bool)
    made_named: list[str] = []
    if materials is None:
        made_total, covered, made_named, made_declared = _made_high_wage(ctx, rid)
        high &= ~covered
        declared = ctx.lines.frame["high_wage"].notna().to_numpy(dtype=bool) | made_declared
        if abroad.any():
            ctx.assume("lvc-high-wage-abroad", rid, abroad,
                       f"marked high_wage = Y but made outside {'/'.join(ctx.regime.region)}: not counted as high-wage "
                       "material, which must be produced in a qualifying wage-rate production plant located in the "
                       "territory of a CUSMA country", "USMCA UR s.12 (qualifying wage-rate production plant), 18(4)")
        if declared.any():
            materials = int(ctx.lines.value[high].sum()) + made_total
            source = f"BOM lines with high_wage = Y ({int(high.sum())} lines)" + (
                f"; {int(abroad.sum())} more marked Y but made outside {'/'.join(ctx.regime.region)}, not counted"
                if abroad.any() else "") + (
                "; self-produced high-wage parts at their net cost, the make line's value (UR 18(4), 18(7)(a)): "
                + ", ".join(made_named) + (", their materials counted within it" if covered.any() else "")
                if made_named else "")
            counted = np.where(high | covered, 0, ctx.lines.value * SHARE_ONE).astype(np.int64)  # value not yet high-wage
            ctx.assume("lvc-materials-from-bom", rid, high,
                       "high-wage materials taken as the BOM lines marked high_wage = Y (their full value, UR 18(21))",
                       "USMCA UR 18(7), 18(21)")
            if made_named:
                ctx.assumptions.append(Assumption(
                    code="lvc-made-high-wage", requirement=rid, rows=(), value_at_stake_cents=made_total,
                    text="self-produced parts marked high_wage = Y taken as produced in a qualifying wage-rate production "
                         "plant and counted as high-wage materials at their net cost, the make line's value, non-originating "
                         "materials included (" + ", ".join(made_named) + "); the BOM lines below them are inside that "
                         "cost and are not counted again", citation="USMCA UR 18(4), 18(7)(a), 18(21)"))
        else:
            missing.append("lvc_high_wage_materials (Vehicle sheet) or the BOM's high_wage column")
    if missing:
        return _review(rid, requirement, "missing facts: " + "; ".join(missing))
    assert labor is not None and materials is not None
    credit, claimed = requirement.assembly_credit, vehicle.lvc_assembly_points_e4
    if credit is not None and claimed is not None and Fraction(claimed, 10_000) not in (0, credit):
        # The high-wage assembly credit is all or nothing (USMCA UR 18(12)-(14)); its amount is rule data.
        return _review(rid, requirement, f"lvc_assembly_points ({vehicle.source_of('lvc_assembly_points')}): expected 0 or {credit.normalize():f} "
                       f"(the assembly credit is claimed whole or not at all), found {Decimal(claimed).scaleb(-4).normalize():f}")
    points = {}
    capped: list[str] = []
    for name, cap in (("technology", requirement.technology_cap), ("assembly", requirement.assembly_credit)):
        raw = getattr(vehicle, f"lvc_{name}_points_e4")
        if raw is None:
            points[name] = Fraction(0)
            ctx.assume(f"lvc-{name}-points", rid, None,
                       f"lvc_{name}_points not given: no {name} credit claimed", "USMCA UR s.18")
        else:
            given = Fraction(raw, 10_000)
            points[name] = min(given, Fraction(cap)) if cap is not None else given
            if points[name] < given:
                capped.append(f"lvc_{name}_points {display_pct(given)} given, counted as {cap}")
    nc_scaled = vehicle.net_cost_cents * SHARE_ONE
    # High-wage points = (HWLC + HWM) / NC, HWM = the lines' value less what is not high-wage.
    # Lines below a self-produced high-wage part count within its net cost (`_made_high_wage`), not on their own.
    offset = (labor + (ctx.lines.total_cents - int(ctx.lines.value[covered].sum()) + made_total
                       if counted is not None else materials)) * SHARE_ONE
    form = LinearForm(
        counted, whole(offset, nc_scaled), "at_least", Fraction(threshold.value),
        credit=points["technology"] + points["assembly"], minimum=Fraction(minimum.value) if minimum else None,
        shortfall="of materials to move to high-wage plants" if counted is not None
        else "of high-wage labor or materials to add (Vehicle sheet)",
        fixed=None if counted is not None else (
            f"uses the high-wage materials figure of {source}, which no BOM line changes"
            if "lvc_high_wage_materials" in vehicle.given_by else
            "uses the Vehicle sheet's high-wage materials figure, which no BOM line "
            "changes (leave it blank and mark lines high_wage to let re-sourcing count)"))
    decision = form.decide()
    high_wage_points = decision.points
    reason = (f"high-wage materials from {source}; high-wage points {display_pct(high_wage_points)}"
              + (f" (minimum {minimum.value})" if minimum else ""))
    if minimum is not None and high_wage_points < minimum.value:
        reason += f"; the high-wage part is under its minimum of {minimum.value} points"
    if capped:
        reason += "; " + "; ".join(capped) + " (the LVC counts no more than that, see the threshold's provision)"
    figures = {"high_wage_labor": labor, "high_wage_materials": materials, "high_wage_materials_source": source,
               "net_cost": vehicle.net_cost_cents,
               "high_wage_points": high_wage_points, "minimum_high_wage_points": str(minimum.value) if minimum else "-",
               "technology_points": points["technology"], "assembly_points": points["assembly"]}
    basis = None if counted is None else line_basis(
        counted, np.select([abroad, low],
                           [f"high_wage = Y but made outside {'/'.join(ctx.regime.region)}: not high-wage material "
                            "(UR s.12: a qualifying wage-rate production plant is in a CUSMA country)",
                            "not from a high-wage plant (high_wage = N)"],
                           "high_wage not stated: not counted as high-wage"),
        np.where(high, "high-wage material (high_wage = Y)",
                 np.where(covered, "material of a self-produced high-wage part: counted within that part's net cost "
                                   "(UR 18(4), 18(7)(a))", "")))
    return decided(rid, requirement, threshold, form, ctx, basis, figures, reason=reason, decision=decision,
                   threshold_citation=threshold.citation + (f"; minimum: {minimum.citation}" if minimum else ""),
                   drivers=False)


def excess_lvc_credit(ctx: Context, rid: str, requirement: Requirement,
                      form: LinearForm) -> tuple[LinearForm, Fraction, str | None, dict]:
    """Heavy-truck excess LVC (UR 18(22)): through the rule file's date, the high-wage points above
    30 of a truck whose LVC is above 45% count as a credit toward the RVC, provided the RVC is
    not below 60%.  The LVC is measured as its own requirement measures it; without its facts
    there is no credit, and the result says why.  Returns the RVC's form with the credit (earned
    from the LVC's form, so that a change in high-wage sourcing moves it), the credit's points,
    the reason and the figures."""
    credit = requirement.lvc_credit
    assert credit is not None
    if ctx.vehicle_class not in credit.classes:
        return form, Fraction(0), None, {}
    if ctx.on > credit.through:
        return form, Fraction(0), None, {}
    lvc_requirement = ctx.regime.requirements.get(credit.lvc_requirement)
    if lvc_requirement is None:
        return form, Fraction(0), None, {}
    lvc = labor_value_content(ctx, credit.lvc_requirement, lvc_requirement)
    if lvc.form is not None:
        earned = EarnedCredit(credit.lvc_requirement, Fraction(credit.points_above), Fraction(credit.lvc_above))
        form = replace(form, earned=earned, credit_floor=Fraction(credit.rvc_floor))
    unconfirmed = " (reading marked unconfirmed in the rule file)" if credit.unconfirmed else ""
    if lvc.status != "pass" or lvc.value is None or lvc.form is None:
        return form, Fraction(0), f"no excess-LVC credit (UR 18(22)): the LVC requirement is not met ({lvc.status}){unconfirmed}", {}
    decision = lvc.form.decide()
    points = decision.points
    available = form.earned.points(decision) if form.earned is not None else Fraction(0)
    if not available:
        return form, Fraction(0), (f"no excess-LVC credit (UR 18(22)): needs an LVC above {credit.lvc_above}% with high-wage "
                                   f"points above {credit.points_above}; LVC {display_pct(decision.value)}%, high-wage points "
                                   f"{display_pct(points)}"), {}
    figures = {"excess_lvc_points": available, "excess_lvc_rvc_floor": Fraction(credit.rvc_floor)}
    rvc = form.decide(credit=Fraction(0)).points
    needed = form.needed(available)
    # The margin and the VNM allowed are measured against `needed`, not the threshold less the credit.
    against = (f"; with the credit, the RVC before credit needs {display_pct(needed)}% (the threshold less the credit, "
               f"and at least {credit.rvc_floor}% for the credit to count): the margin is measured on it")
    if rvc < Fraction(credit.rvc_floor):
        return form, available, (f"excess-LVC credit of {display_pct(available)} points not usable: the RVC of "
                                 f"{display_pct(rvc)}% is below {credit.rvc_floor}% (UR 18(22)){against}{unconfirmed}"), figures
    figures.update({"rvc_before_credit": rvc, "excess_lvc_credit": available})
    return form, available, (f"RVC {display_pct(rvc)}% + excess-LVC credit {display_pct(available)} points (high-wage points "
                             f"{display_pct(points)} above {credit.points_above}; {credit.citation}){against}{unconfirmed}"), figures
