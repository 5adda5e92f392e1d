"""`evaluate`: apply one regime to one BOM on one date and explain the verdict."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import numpy as np

from roo_calc.bom.model import Bom, Vehicle
from roo_calc.codes import HsList
from roo_calc.engine.lines import LineArrays
from roo_calc.engine.kinds import KINDS, SETTLE
from roo_calc.engine.requirements import Context
from roo_calc.engine.result import Determination, DeterminationStatus, RequirementResult
from roo_calc.errors import NoValueError
from roo_calc.rules.model import Regime, cite


def covers(regime: Regime, vehicle: Vehicle) -> bool:
    """Whether any of the regime's classes can take this vehicle: its HS code is the class's, and
    a declared vehicle_type does not take it out of the class's legal definition (a vehicle
    declared `other` under 8703 is no passenger vehicle, UR s.12; an 8704.60 truck declared
    heavy is no light truck).  A vehicle a regime does not cover is `not_applicable` there."""
    declared = None if vehicle.vehicle_type_inferred else vehicle.vehicle_type
    for c in regime.classes.values():
        if declared is not None and declared in c.unless_declared:
            continue
        if HsList(c.hs).contains(vehicle.hs_code):
            return True
        if HsList(c.hs_if_declared).contains(vehicle.hs_code) and declared in (None, c.law_type):
            return True
    return False


def classify(regime: Regime, vehicle: Vehicle) -> tuple[list[str], str]:
    """The regime's vehicle classes that the vehicle falls in, and how the vehicle was described.

    A class that follows a legal definition (`law_type`) is decided by the HS code; a declared
    vehicle_type only tells what the code cannot (`hs_if_declared`, `when_declared`,
    `unless_declared`).  A class with `vehicle_types` filters on the type, declared or inferred.
    """
    declared = None if vehicle.vehicle_type_inferred else vehicle.vehicle_type
    matches = []
    for name, vehicle_class in regime.classes.items():
        by_code = bool(vehicle_class.hs) and HsList(vehicle_class.hs).contains(vehicle.hs_code)
        by_declaration = bool(vehicle_class.hs_if_declared) and HsList(vehicle_class.hs_if_declared).contains(vehicle.hs_code)
        if not by_code and not (by_declaration and declared is not None and declared == vehicle_class.law_type):
            continue
        if vehicle_class.vehicle_types and vehicle.vehicle_type not in vehicle_class.vehicle_types:
            continue
        if vehicle_class.when_declared and declared not in vehicle_class.when_declared:
            continue
        if vehicle_class.unless_declared and declared in vehicle_class.unless_declared:
            continue
        persons = vehicle.persons
        if vehicle_class.persons_at_least is not None and (persons is None or persons < vehicle_class.persons_at_least):
            continue
        if vehicle_class.persons_at_most is not None and persons is not None and persons > vehicle_class.persons_at_most:
            continue
        matches.append(name)
    described = f"HS {vehicle.hs_code}, vehicle type {vehicle.vehicle_type}" + (" (inferred)" if vehicle.vehicle_type_inferred else "")
    return matches, described


def _classes_by_declared_type(regime: Regime, vehicle: Vehicle) -> list[str]:
    """For a code whose class only a declared vehicle_type decides (e.g. an 87.06 chassis, UR s.13):
    "vehicle_type = T: class (title)" for each class the code could take."""
    out = []
    for name, c in regime.classes.items():
        types = (c.when_declared if HsList(c.hs).contains(vehicle.hs_code) and c.when_declared else
                 (c.law_type,) if c.law_type and HsList(c.hs_if_declared).contains(vehicle.hs_code) else ())
        if types:
            out.append(f"vehicle_type = {' or '.join(types)}: {name} ({cite(c.reference)})")
    return out


def class_warning(regime: Regime, vehicle: Vehicle, vehicle_class: str) -> str | None:
    """A declared vehicle_type that the law's class contradicts, naming both."""
    law_type = regime.classes[vehicle_class].law_type
    if vehicle.vehicle_type_inferred or law_type is None or vehicle.vehicle_type == law_type:
        return None
    cited = "; ".join(r.pinpoint for r in regime.classes[vehicle_class].reference)
    return (f"the workbook declares vehicle_type {vehicle.vehicle_type!r}, but HS {vehicle.hs_code} is, by definition, "
            f"{law_type!r} ({cited}): evaluated as {vehicle_class}")


def evaluate(bom: Bom, regime: Regime, as_of: date, others: Mapping[str, Regime] | None = None) -> Determination:
    """Apply `regime` to `bom` as the law stood on `as_of` (pure: no I/O, no clock).

    A tariff regime keys on the vehicle's entry date (`entry_date`, else `as_of`), while the
    origin it asks about keys on `as_of` (production).  `others` resolves the regimes a
    requirement refers to (Section 232 asks whether the vehicle is USMCA-qualifying).
    """
    others = others or {}
    approved = getattr(bom.vehicle, regime.approved_through_field) if regime.approved_through_field else None
    entry = (bom.vehicle.entry_date or as_of) if regime.kind == "tariff" else None
    applied_on, what_if = regime.applies_on(entry or as_of, approved)
    condition = regime.condition
    if approved:
        condition = (f"only for vehicles of a producer with an approved alternative staging period; the Vehicle sheet "
                     f"gives {regime.approved_through_field} = {approved} (UR 19(2)); roo-calc cannot check the approval")
    base: dict[str, Any] = dict(regime=regime.id, title=regime.title, regime_status=regime.status, regime_kind=regime.kind,
                as_of=as_of, applied_on=applied_on, entry_date=entry,
                what_if=what_if, condition=condition, notes=regime.notes, rule_file=regime.path)
    classes, described = classify(regime, bom.vehicle)
    if not covers(regime, bom.vehicle):
        why = (f"{regime.title} does not cover this vehicle ({described}); its classes: "
               + ", ".join(f"{k} ({v.title})" for k, v in regime.classes.items()))
        return Determination(**base, status="not_applicable", vehicle_notes=(why,))
    if len(classes) != 1:
        by_type = _classes_by_declared_type(regime, bom.vehicle)
        if not classes and by_type and bom.vehicle.vehicle_type_inferred:
            why = (f"the class of HS {bom.vehicle.hs_code} depends on a fact the code does not show: "
                   f"vehicle_type (Vehicle sheet) not given; " + "; ".join(by_type))
        else:
            why = (f"the vehicle ({described}) is in none of this regime's classes: "
                   + ", ".join(f"{k} ({v.title})" for k, v in regime.classes.items())
                   if not classes else f"the vehicle ({described}) matches several classes: {', '.join(classes)}")
        return Determination(**base, status="needs_review", review=(why + "; set vehicle_type or check hs_code",))
    vehicle_class = classes[0]
    warning = class_warning(regime, bom.vehicle, vehicle_class)
    if warning:
        base["vehicle_notes"] = (warning,)
    ctx = context(bom, regime, as_of, others, vehicle_class, applied_on)
    _assume_persons(ctx, regime, vehicle_class)
    results: list[RequirementResult] = []
    review: list[str] = []
    for rid, requirement in regime.requirements.items():
        if requirement.classes and vehicle_class not in requirement.classes:
            continue
        spared = spared_result(regime, rid, bom.vehicle)
        if spared is not None:
            results.append(spared)
            continue
        try:
            results.append(KINDS[requirement.kind].evaluate(ctx, rid, requirement))
        except NoValueError as exc:
            results.append(RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="needs_review",
                                             citation=requirement.citation, reason=str(exc)))
            review.append(f"{rid}: {exc}")
    for settle in SETTLE:
        results = settle(ctx, results)
    for rid, why in regime.waived.items():
        if rid not in regime.requirements:
            results.append(RequirementResult(id=rid, title=rid.replace("_", " "), kind="waived", status="not_applicable",
                                             citation=why, reason=f"waived: {why}"))
    if regime.uncertified_regional == "review":
        row_numbers = ctx.lines.frame["row"].to_numpy(dtype=np.int64)
        for assumption in ctx.assumptions:
            if assumption.code == "uncertified-regional":
                review.append(f"{len(assumption.rows)} lines made in the region lack a {regime.certification_field} "
                              f"certification (rows {ctx.rows_text(np.isin(row_numbers, assumption.rows))})")
    statuses: set[str] = {r.status for r in results}
    status: DeterminationStatus
    if regime.kind == "tariff":
        status = tariff_status(statuses, review)
    elif "fail" in statuses:
        status = "not_eligible"
    elif "needs_review" in statuses or review:
        status = "needs_review"
    else:
        status = "eligible"
    return Determination(**base, status=status, vehicle_class=vehicle_class,
                         vehicle_class_title=regime.classes[vehicle_class].title, requirements=tuple(results),
                         assumptions=tuple(ctx.assumptions), review=tuple(review))


def context(bom: Bom, regime: Regime, as_of: date, others: Mapping[str, Regime], vehicle_class: str,
            applied_on: date) -> Context:
    """What the requirement functions read for this BOM under this regime (see `evaluate`)."""
    return Context(regime, bom.vehicle, vehicle_class, LineArrays.of(bom), applied_on, bom=bom, others=others,
                   origin_on=as_of, qualify=_qualifier(bom, as_of, others) if regime.kind == "tariff" else None)


def spared_result(regime: Regime, rid: str, vehicle: Vehicle) -> RequirementResult | None:
    """A requirement the law spares this vehicle's code (`not_for_hs`) or the regime waives:
    not applicable, with the reason; None when it applies."""
    requirement = regime.requirements[rid]
    if requirement.not_for_hs and HsList(requirement.not_for_hs).contains(vehicle.hs_code):
        return RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="not_applicable",
                                 citation=requirement.citation, reason=requirement.not_for_hs_reason)
    if rid in regime.waived:
        return RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="not_applicable",
                                 citation=requirement.citation, reason=f"waived: {regime.waived[rid]}")
    return None


def _assume_persons(ctx: Context, regime: Regime, vehicle_class: str) -> None:
    """A class for at most N persons taken for a vehicle whose `persons` is not given (heading
    87.02: USMCA UR 20(2)(a), 15 or fewer at 62.5%, the stricter; 20(3)(a)(ii), 16 or more at 60%)."""
    chosen = regime.classes[vehicle_class]
    persons = ctx.vehicle.persons
    if chosen.persons_at_least is not None and persons == chosen.persons_at_least:
        ctx.assume("persons-with-driver", None, None,
                   f"persons {persons} counts the driver, as the Vehicle sheet asks; the texts do not say whether the "
                   f"law's count does (UNCONFIRMED), and without the driver this vehicle would be for {persons - 1} "
                   f"persons and not {vehicle_class}", cite(chosen.reference))
    if chosen.persons_at_most is None or persons is not None:
        return
    others = [k for k, c in regime.classes.items()
              if c.persons_at_least is not None and set(c.hs) & set(chosen.hs)]
    ctx.assume("persons-not-given", None, None,
               f"persons (Vehicle sheet) not given: the vehicle is taken as one for {chosen.persons_at_most} or fewer "
               f"persons ({vehicle_class}: {chosen.title})"
               + (f"; with more it would be {', '.join(others)}" if others else "")
               + "; give persons to decide", cite(chosen.reference))


def _qualifier(bom: Bom, as_of: date, others: Mapping[str, Regime]):
    """Evaluates (once each) the preference regimes a tariff asks about, on the origin date."""
    seen: dict[str, Determination | None] = {}

    def qualify(regime_id: str) -> Determination | None:
        if regime_id not in seen:
            regime = others.get(regime_id)
            seen[regime_id] = None if regime is None else evaluate(bom, regime, as_of, others)
        return seen[regime_id]

    return qualify


def tariff_status(statuses: set[str], review: list[str]) -> DeterminationStatus:
    """A tariff's verdict: what is owed, never "eligible" (see engine.result)."""
    if "needs_review" in statuses or review:
        return "needs_review"
    if "duty" in statuses:
        return "duty"
    return "no_duty" if "no_duty" in statuses else "not_applicable"

