"""Tariff regimes, whose result is a duty rather than a preference: Section 232 (2025)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from roo_calc.engine.requirements import EVALUATORS, Context, _drivers, line_basis
from roo_calc.engine.result import RequirementResult
from roo_calc.errors import NoValueError
from roo_calc.numbers import SHARE_ONE
from roo_calc.rules.model import Requirement, value_at


def section_232(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Section 232 duty on vehicles (Proclamation 10908, cl.(1)-(2)): the rate on the full value,
    or, for a USMCA-qualifying vehicle, only on its non-US content: value minus the value of parts
    wholly obtained, produced entirely or substantially transformed in the United States.

    US content is taken as the value of BOM lines made in the US (origin_country US).
    """
    history = requirement.history_for(ctx.vehicle_class)
    base = dict(id=rid, title=requirement.title, kind=requirement.kind, citation=requirement.citation, comparison="at_most")
    try:
        rate = value_at(history, ctx.on, f"{ctx.regime.id} rate for {ctx.vehicle_class}") if history else None
    except NoValueError:
        first = history[0]
        return RequirementResult(**base, status="pass", value=Fraction(0), figures={"duty": 0, "rate": "0"},
                                 reason=f"no Section 232 duty on entries before {first.from_} ({first.citation})")
    if rate is None:
        return RequirementResult(**base, status="not_applicable", reason=f"no rate for vehicle class {ctx.vehicle_class!r}")
    if requirement.imported_into and ctx.vehicle.assembly_country == requirement.imported_into:
        return RequirementResult(**base, status="pass", value=Fraction(0), figures={"duty": 0, "rate": str(rate.value)},
                                 threshold_citation=rate.citation, threshold_from=rate.from_,
                                 reason=f"assembled in {requirement.imported_into}: not an import, no duty")
    tv = ctx.vehicle.transaction_value_cents
    if tv is None:
        return RequirementResult(**base, status="needs_review", reason="missing fact: transaction_value (Vehicle sheet), the value the duty is assessed on")
    made_in_us = ctx.lines.in_countries(("US",))
    us_content = int(ctx.lines.value[made_in_us].sum())
    qualifying = None
    if requirement.qualifying_regime:
        regime = (ctx.others or {}).get(requirement.qualifying_regime)
        if regime is None:
            return RequirementResult(**base, status="needs_review",
                                     reason=f"the qualifying regime {requirement.qualifying_regime!r} is not loaded")
        from roo_calc.engine.determine import evaluate

        qualifying = evaluate(ctx.bom, regime, ctx.on, ctx.others)
    usmca = qualifying is not None and qualifying.status == "eligible"
    dutiable = max(tv - us_content, 0) if usmca else tv
    duty = Fraction(dutiable) * Fraction(rate.value) / 100
    effective = Fraction(duty * 100, tv) if tv else Fraction(0)
    if qualifying is None:
        why = "no qualifying regime named: duty on the full value"
    elif usmca:
        why = f"USMCA-qualifying ({qualifying.regime}): duty on non-US content only (transaction value minus US content)"
    else:
        why = f"not USMCA-qualifying ({qualifying.regime}: {qualifying.status}): duty on the full value"
    figures = {"duty": duty, "dutiable_value": dutiable, "us_content": us_content, "transaction_value": tv,
               "rate": str(rate.value), "usmca_qualifying": "yes" if usmca else "no"}
    scaled = np.where(~made_in_us, ctx.lines.value * SHARE_ONE, 0).astype(np.int64)
    if usmca:
        basis = line_basis(scaled, np.char.add(np.char.add("made in ", ctx.lines.origin.astype(str)), ": non-US content, dutiable"),
                           np.where(made_in_us, "US-made: not dutiable", ""))
    else:  # the duty is on the full transaction value: no line adds or removes anything
        scaled, basis = None, None
    return RequirementResult(**base, status="pass" if duty == 0 else "fail", value=effective, threshold=None,
                             threshold_from=rate.from_, threshold_unconfirmed=rate.unconfirmed, threshold_note=rate.note,
                             threshold_citation=rate.citation, figures=figures, drivers=() if scaled is None else _drivers(ctx, scaled, basis),
                             line_counted=scaled, line_basis=basis,
                             reason=why)


EVALUATORS["section_232"] = section_232
