"""USMCA automotive requirements beyond vehicle RVC: core parts (UR s.14, s.15), steel and
aluminum purchases (UR s.17) and labor value content (UR s.18).  The law's figures and lists
come from the rule file; the choices made where the BOM cannot carry what the law asks are
stated here and in the rule file's notes."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from roo_calc.codes import HsList
from roo_calc.engine.requirements import EVALUATORS, Context, _drivers, _not_applicable, line_basis
from roo_calc.engine.result import RequirementResult
from roo_calc.display import money as display_money, pct as display_pct
from roo_calc.numbers import SHARE_ONE
from roo_calc.rules.model import Requirement


def _review(rid: str, requirement: Requirement, reason: str) -> RequirementResult:
    return RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="needs_review",
                             citation=requirement.citation, reason=reason)


def _core_group_of(ctx: Context, rid: str, requirement: Requirement, groups: tuple[str, ...]) -> np.ndarray:
    """Each line's Table A.2 column-1 group: declared in core_part_group, else by an HS code that
    belongs wholly to one group; "ex" codes count only when declared."""
    lines = ctx.lines
    series = lines.frame["core_part_group"]
    undeclared = series.isna().to_numpy(dtype=bool)
    group_of = series.where(series.isin(groups), None).to_numpy(dtype=object)
    maybe = np.zeros(len(undeclared), dtype=bool)
    for name in groups:
        spec = requirement.core_part_table[name]
        if spec.hs:
            group_of = np.where(undeclared & (group_of == None) & HsList(spec.hs).match(lines.hs), name, group_of)  # noqa: E711
        if spec.ex_hs:
            maybe |= undeclared & HsList(spec.ex_hs).match(lines.hs)
    maybe &= group_of == None  # noqa: E711
    ctx.assume("core-part-undeclared", rid, maybe,
               "lines whose HS code is only partly a core part (\"ex\" in Table A.2) and whose core_part_group is blank: "
               "not counted as core parts; declare core_part_group where they are", "USMCA UR s.14, Table A.2")
    return group_of


def best_core_option(each_part: Fraction, super_core: Fraction, threshold, allows_super: bool) -> tuple[str, Fraction]:
    """The option used and its figure: each part (UR 14(4)) when the weakest group meets the
    threshold, else the super-core (UR 14(10)) where allowed and enough, else the closer miss."""
    if each_part >= threshold:
        return "each core part (UR 14(4))", each_part
    if allows_super and super_core >= threshold:
        return "super-core: all core parts as one (UR 14(10))", super_core
    return "none meets the threshold", max(each_part, super_core) if allows_super else each_part


def core_parts(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Core parts (UR 14(4)): a passenger vehicle or light truck is originating only if its Table
    A.2 column-1 parts are originating; heavy trucks' principal parts likewise (UR 15(4)).

    The lines of one group make up that core part.  Its RVC is approximated by the net cost
    method over those lines, (V - VNM) / V, with V their value and VNM the value of the
    non-originating ones (roll-up, UR 14(11)); the group's own labor and overhead are not in the
    BOM, and leaving them out can only lower the figure.  A line is originating when certified
    and made in the region, or when its stated regional content meets the threshold.  The
    super-core option (UR 14(10)) treats all groups as one part.  The figure shown is that of
    the better option, and the requirement passes when it meets the threshold.
    """
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    groups = requirement.groups_by_class.get(ctx.vehicle_class, tuple(requirement.core_part_table))
    group_of = _core_group_of(ctx, rid, requirement, groups)
    core = group_of != None  # noqa: E711
    if not core.any():
        return _review(rid, requirement, "no core part identified in the BOM (Table A.2 column 1: "
                       + ", ".join(groups) + "); declare core_part_group on the lines that make them up")
    lines = ctx.lines
    in_region = lines.in_countries(ctx.regime.region)
    certified, _declined = lines.flag(ctx.regime.certification_field)
    rc, rc_stated = lines.pct("regional_content_e4")
    limit_ppm = int(threshold.value * 10_000)
    originating = in_region & (certified | (rc_stated & (rc >= limit_ppm)))
    value = lines.value
    per_group: dict[str, Fraction] = {}
    for name in groups:
        mask = group_of == name
        total = int(value[mask].sum())
        if total:
            per_group[name] = Fraction(total - int(value[mask & ~originating].sum()), total) * 100
    core_total = int(value[core].sum())
    core_non = int(value[core & ~originating].sum())
    if not per_group:
        return _review(rid, requirement, "the BOM's core-part lines have no value")
    super_core = Fraction(core_total - core_non, core_total) * 100
    weakest = min(per_group, key=per_group.get)
    allows_super = ctx.vehicle_class in requirement.super_core_classes
    option, figure = best_core_option(per_group[weakest], super_core, threshold.value, allows_super)
    failing = [g for g, v in per_group.items() if v < threshold.value]
    rows = ctx.lines.frame["row"].to_numpy()
    parts = ctx.lines.frame["part_number"].to_numpy()
    named = []
    for g in failing:
        bad = np.flatnonzero((group_of == g) & ~originating)[:3]
        named.append(f"{g} at {display_pct(per_group[g])}% (" + "; ".join(
            f"row {rows[i]} {parts[i]}, {lines.origin[i]}, {display_money(int(value[i]))}" for i in bad) + ")")
    reason = f"option used: {option}"
    if failing:
        reason += "; core parts under the threshold: " + "; ".join(named)
    figures = {"option": option, "core_parts_value": core_total, "core_parts_non_originating": core_non,
               "super_core_rvc": super_core, **{f"{g}_rvc": v for g, v in per_group.items()}}
    scaled = np.where(core & ~originating, value * SHARE_ONE, 0).astype(np.int64)
    group_text = np.char.add(group_of.astype(str), " (core part)")
    why_not = np.where(~in_region, np.char.add(", made in ", lines.origin.astype(str)),
                       ", no certification and no stated regional content at the threshold")
    basis = line_basis(scaled, np.char.add(np.char.add(group_text, ": non-originating, full value"), why_not),
                       np.where(core & originating, np.char.add(group_text, np.where(
                           certified, ": originating (certified)", ": originating (stated regional content at the threshold)")), ""))
    result = RequirementResult(
        id=rid, title=requirement.title, kind=requirement.kind,
        status="pass" if figure >= threshold.value else "fail", value=figure, threshold=threshold.value,
        threshold_from=threshold.from_, threshold_unconfirmed=threshold.unconfirmed, threshold_note=threshold.note,
        citation=requirement.citation, threshold_citation=threshold.citation, figures=figures,
        drivers=_drivers(ctx, scaled, basis), line_counted=scaled, line_basis=basis, line_groups=group_of,
        reason=reason)
    return result


def purchases(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Steel or aluminum (UR 17(1)): at least 70% by value of the producer's purchases of Table S
    steel (or, separately, aluminum) must be originating.  Uses the Vehicle sheet's purchase
    figures when given; otherwise the BOM's lines of that material (the `material` column, or a
    Table S code), which stand in for the producer's corporate-level purchases."""
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    material = requirement.material
    assert material is not None
    vehicle = ctx.vehicle
    total = getattr(vehicle, f"{material}_purchases_cents")
    originating_total = getattr(vehicle, f"{material}_purchases_originating_cents")
    scaled = np.zeros(len(ctx.lines.value), dtype=np.int64)
    basis = np.full(len(scaled), "", dtype=object)
    if total is not None and originating_total is not None:
        source = "Vehicle sheet purchase figures"
    else:
        lines = ctx.lines
        declared = lines.frame["material"].to_numpy(dtype=object)
        blank = np.array([m is None for m in declared], dtype=bool)
        mask = (declared == material) | (blank & HsList(requirement.table_s).match(lines.hs))
        if not mask.any():
            return _review(rid, requirement, f"no {material} purchase figures: give {material}_purchases and "
                           f"{material}_purchases_originating on the Vehicle sheet, or mark {material} lines in the material column")
        originating = ctx.originating()
        total = int(lines.value[mask].sum())
        originating_total = int(lines.value[mask & originating].sum())
        source = f"BOM lines of {material} ({int(mask.sum())} lines: the material column or Table S codes)"
        scaled = np.where(mask & ~originating, lines.value * SHARE_ONE, 0).astype(np.int64)
        why = ctx.origin_reasons().astype(str)
        basis = line_basis(scaled, np.char.add(f"{material}: ", why), np.where(mask & originating, np.char.add(f"{material}: ", why), ""))
        ctx.assume(f"{material}-from-bom", rid, mask,
                   f"{material} purchases taken from the BOM's {material} lines, standing in for the producer's "
                   f"corporate-level purchases (UR 17(3))", "USMCA UR s.17")
    if total == 0:
        return _review(rid, requirement, f"{material} purchases are 0: nothing to measure")
    value = Fraction(originating_total, total) * 100
    figures = {"purchases": total, "originating": originating_total, "source": source}
    result = RequirementResult(
        id=rid, title=requirement.title, kind=requirement.kind,
        status="pass" if value >= threshold.value else "fail", value=value, threshold=threshold.value,
        threshold_from=threshold.from_, threshold_unconfirmed=threshold.unconfirmed, threshold_note=threshold.note,
        citation=requirement.citation, threshold_citation=threshold.citation, figures=figures,
        drivers=_drivers(ctx, scaled, basis), reason=f"from {source}",
        line_counted=scaled if source.startswith("BOM") else None, line_basis=basis if source.startswith("BOM") else None)
    return result


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
    source = "Vehicle sheet"
    counted = None
    if materials is None:
        high, _low = ctx.lines.flag("high_wage")
        declared = ctx.lines.frame["high_wage"].notna().to_numpy(dtype=bool)
        if declared.any():
            materials = int(ctx.lines.value[high].sum())
            source = f"BOM lines with high_wage = Y ({int(high.sum())} lines)"
            counted = np.where(high, 0, ctx.lines.value * SHARE_ONE).astype(np.int64)  # value not yet high-wage
            ctx.assume("lvc-materials-from-bom", rid, high,
                       "high-wage materials taken as the BOM lines marked high_wage = Y (their full value, UR 18(21))",
                       "USMCA UR 18(7), 18(21)")
        else:
            missing.append("lvc_high_wage_materials (Vehicle sheet) or the BOM's high_wage column")
    if missing:
        return _review(rid, requirement, "missing facts: " + "; ".join(missing))
    points = {}
    for name, cap in (("technology", requirement.technology_cap), ("assembly", requirement.assembly_credit)):
        raw = getattr(vehicle, f"lvc_{name}_points_e4")
        if raw is None:
            points[name] = Fraction(0)
            ctx.assume(f"lvc-{name}-points", rid, None,
                       f"lvc_{name}_points not given: no {name} credit claimed", "USMCA UR s.18")
        else:
            given = Fraction(raw, 10_000)
            points[name] = min(given, Fraction(cap)) if cap is not None else given
    high_wage_points = Fraction(labor + materials, vehicle.net_cost_cents) * 100
    total = high_wage_points + points["technology"] + points["assembly"]
    ok_total = total >= threshold.value
    ok_minimum = minimum is None or high_wage_points >= minimum.value
    reason = (f"high-wage materials from {source}; high-wage points {display_pct(high_wage_points)}"
              + (f" (minimum {minimum.value})" if minimum else ""))
    if not ok_minimum:
        reason += f"; the high-wage part is under its minimum of {minimum.value} points"
    figures = {"high_wage_labor": labor, "high_wage_materials": materials, "high_wage_materials_source": source,
               "net_cost": vehicle.net_cost_cents,
               "high_wage_points": high_wage_points, "minimum_high_wage_points": str(minimum.value) if minimum else "-",
               "technology_points": points["technology"], "assembly_points": points["assembly"]}
    return RequirementResult(
        id=rid, title=requirement.title, kind=requirement.kind, status="pass" if ok_total and ok_minimum else "fail",
        value=total, threshold=threshold.value, threshold_from=threshold.from_,
        threshold_unconfirmed=threshold.unconfirmed, threshold_note=threshold.note, citation=requirement.citation,
        threshold_citation=threshold.citation + (f"; minimum: {minimum.citation}" if minimum else ""),
        figures=figures, reason=reason, line_counted=counted,
        line_basis=None if counted is None else line_basis(
            counted, np.where(ctx.lines.flag("high_wage")[1], "not from a high-wage plant (high_wage = N)",
                              "high_wage not stated: not counted as high-wage"),
            np.where(ctx.lines.flag("high_wage")[0], "high-wage material (high_wage = Y)", "")))


EVALUATORS.update({"core_parts": core_parts, "purchases": purchases, "labor_value_content": labor_value_content})
