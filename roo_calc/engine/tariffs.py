"""Tariff regimes, whose result is a duty rather than a preference: US Section 232 (2025-26).

Two requirement kinds:

- `section_232`: the duty on an imported vehicle (Proclamation 10908 cl.(1)-(2); Proclamation
  10984 cl.(1)-(2), (10) for medium and heavy-duty vehicles and buses), with the bilateral terms
  in force on the entry date for the vehicle's country (UK quota, Japan, EU, Korea).
- `section_232_parts`: for a vehicle assembled in the US, the duty on its imported covered parts,
  less the import adjustment offset (Proclamation 10925 cl.(1) as revised by Proclamation 10984
  cl.(11)), per vehicle and per year.

Statuses are tariff statuses ("duty" / "no_duty" / "needs_review" / "not_applicable"; see
`engine.result`).  The duty keys on the entry date (`Context.on`); whether the vehicle is
USMCA-qualifying keys on its production date (`Context.origin_on`).  Money is exact: Fraction
cents.  The law (rates, dates, deals, covered parts, offsets) comes from the rule file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, cast

import numpy as np

from roo_calc.codes import HsList
from roo_calc.display import money
from roo_calc.engine.requirements import Context, _drivers, line_basis
from roo_calc.engine.result import Determination, RequirementResult, RequirementStatus
from roo_calc.errors import NoValueError
from roo_calc.numbers import SHARE_ONE
from roo_calc.rules.model import DatedFlag, Deal, MfnRate, Regime, Requirement, value_at

E4 = SHARE_ONE // 100  # rates held as integer ten-thousandths of a percent


@dataclass(frozen=True)
class Usmca:
    """Whether the vehicle is USMCA-qualifying: "yes", "no" or "review", and why."""

    answer: str
    why: str


def qualifying_regimes(ctx: Context, requirement: Requirement) -> Usmca | list[str]:
    """The part of USMCA qualification the lines do not move: a fixed answer (assembled outside
    the region, a qualifying regime not loaded), else the qualifying regimes to ask, in order.

    A regime with an approved period (the alternative staging regime, UR s.19) counts only for a
    vehicle whose producer's approved period (`asr_approved_through`) covers the origin date.
    """
    v = ctx.vehicle
    if v.assembly_country not in ctx.regime.region:
        return Usmca("no", f"assembled in {v.assembly_country}, outside the USMCA region: not USMCA-qualifying")
    asked: list[str] = []
    others = cast(Mapping[str, Regime], ctx.others or {})
    for regime_id in requirement.qualifying:
        regime = others.get(regime_id)
        if regime is None or ctx.qualify is None:
            return Usmca("review", f"the qualifying regime {regime_id!r} is not loaded")
        if regime.approved_through_field:
            through = getattr(v, regime.approved_through_field)
            if through is None or ctx.origin_on is None or ctx.origin_on > through:
                continue
        asked.append(regime_id)
    return asked


def usmca_answer(statuses: Iterable[str]) -> str:
    """"yes" when any qualifying regime in force finds the vehicle eligible, else "review" when
    any needs review, else "no"."""
    found = set(statuses)
    return "yes" if "eligible" in found else "review" if "needs_review" in found else "no"


def _usmca(ctx: Context, requirement: Requirement) -> Usmca:
    """USMCA qualification on the origin date, under any of the qualifying regimes in force."""
    asked = qualifying_regimes(ctx, requirement)
    if isinstance(asked, Usmca):
        return asked
    qualify = cast(Callable[[str], Determination | None], ctx.qualify)
    verdicts = [d for d in map(qualify, asked) if d is not None and not d.what_if]
    v = ctx.vehicle
    origin = f"as of {ctx.origin_on}"
    answer = usmca_answer(d.status for d in verdicts)
    if answer == "yes":
        via = next(d for d in verdicts if d.status == "eligible")
        extra = (f", approved alternative staging period through {v.asr_approved_through}"
                 if via.condition and v.asr_approved_through and "alternative staging" in via.condition else "")
        return Usmca("yes", f"USMCA-qualifying ({via.regime} {origin}{extra})")
    if answer == "review":
        first = next(d for d in verdicts if d.status == "needs_review")
        open_items = list(first.review) or [f"{r.id}: {r.reason}" for r in first.requirements if r.status == "needs_review"]
        items = "; ".join(open_items[:3]) or "see its result"
        return Usmca("review", f"USMCA qualification needs review ({first.regime} {origin}: {items})")
    if not verdicts:
        return Usmca("no", f"no qualifying regime in force {origin}: not USMCA-qualifying")
    open_readings = [f"{d.regime} fails only on {', '.join(r.id for r in failing)}, whose threshold is UNCONFIRMED"
                     for d in verdicts for failing in [[r for r in d.requirements if r.status == "fail"]]
                     if failing and all(r.threshold_unconfirmed for r in failing)]
    return Usmca("no", "not USMCA-qualifying (" + ", ".join(f"{d.regime}: {d.status}" for d in verdicts) + f" {origin})"
                 + (f"; {'; '.join(open_readings)} (see its result)" if open_readings else ""))


def _mfn(ctx: Context, hs: str) -> MfnRate | None:
    table = ctx.regime.mfn_table
    return table.rate_for(hs, ctx.on) if table is not None else None


def _mfn_lines(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Each line's column 1 rate on the entry date (ten-thousandths of a percent), and whether one
    is on file: of the entries in force, the latest to start; among equals, the first (as
    `MfnTable.rate_for`)."""
    rates = np.zeros(len(ctx.lines.value), dtype=np.int64)
    known = np.zeros(len(ctx.lines.value), dtype=bool)
    table = ctx.regime.mfn_table
    if table is None:
        return rates, known
    in_force = [r for r in table.rates if (r.from_ is None or r.from_ <= ctx.on) and (r.to is None or ctx.on <= r.to)]
    for rate in sorted(in_force, key=lambda r: r.from_ or date.min, reverse=True):  # stable: file order among equals
        hit = HsList(rate.hs).match(ctx.lines.hs) & ~known
        rates[hit] = int(Fraction(rate.rate) * E4)
        known |= hit
    return rates, known


def _deal_rate(deal: Deal, base: Fraction, mfn: Fraction) -> Fraction:
    """The Section 232 rate under an all-in deal: all_in minus the column 1 rate, never below 0."""
    return max(Fraction(deal.all_in) - mfn, Fraction(0)) if deal.all_in is not None else base


def _dates(ctx: Context) -> dict[str, Any]:
    """The entry date the duty keys on and, when it differs, the date origin is judged on and where
    that date came from (the production_date, or the date evaluated when none is given)."""
    out = {"entry_date": ctx.on.isoformat()}
    if ctx.origin_on and ctx.origin_on != ctx.on:
        out["origin_date"] = ctx.origin_on.isoformat()
        made = ctx.vehicle.production_date
        out["origin_date_source"] = ("production_date" if made == ctx.origin_on else
                                     "the date evaluated: the workbook gives no production_date" if made is None else
                                     f"the date evaluated, not the production_date {made}")
    return out


def _assume_origin_date(ctx: Context, rid: str, usmca: Usmca, us: np.ndarray) -> None:
    """No production_date: USMCA origin is judged as of the date evaluated, an assumption that the
    dutiable value rides on (non-US content if qualifying, the full value if not: the US content)."""
    if ctx.vehicle.production_date is not None or ctx.origin_on is None or ctx.vehicle.assembly_country not in ctx.regime.region:
        return
    after = f", which is after the entry on {ctx.on}" if ctx.origin_on > ctx.on else ""
    ctx.assume("origin-date-not-given", rid, us if us.any() else None,
               f"production_date not given: USMCA origin judged as of {ctx.origin_on} (the date evaluated){after}; "
               f"the rules in force when the vehicle was made decide whether it is USMCA-qualifying (here: {usmca.answer}), "
               "and with it whether the US content of these lines is deducted from the dutiable value; give production_date")


def _stacking(ctx: Context, requirement: Requirement) -> str | None:
    rules = [s for s in requirement.stacking if s.applies(ctx.vehicle.assembly_country, ctx.on)]
    if not rules:
        return None
    return "; ".join(f"{'added' if s.effect == 'added' else 'not added'}: {s.measure} [{s.citation}]" for s in rules)


@dataclass(frozen=True)
class Age:
    """Whether Proclamation 10984 cl.(10) excludes the vehicle ("manufactured in a year at least 25
    years prior to the date of entry"): "yes", "no", "review" (the year of manufacture is not
    known and the answer depends on it) or "unknown" (no year at all: taken as not excluded), with
    the facts it was decided on, and the last year of manufacture that is excluded."""

    answer: str
    why: str = ""
    last_excluded: int = 0


def _age(ctx: Context, requirement: Requirement) -> Age:
    """The age exclusion from the year of manufacture: production_date's year; without it, the
    years a vehicle of its model year may have been made in (the rule file's
    `excluded_age_model_years`), excluded only when every one of them is.  A duty charged on that
    reading is listed as an assumption only when a year more outside it would exclude the vehicle:
    for a recent model year nothing rides on the reading."""
    years = requirement.excluded_age_years
    if years is None or ctx.vehicle_class not in requirement.excluded_age_classes:
        return Age("no")
    last = ctx.on.year - years
    clause = f"made in {last} or earlier (at least {years} years before entry in {ctx.on.year}) it is excluded (Proclamation 10984 cl.(10))"
    if ctx.vehicle.production_date is not None:
        made = ctx.vehicle.production_date.year
        return Age("yes" if made <= last else "no", f"made in {made} (production_date)", last)
    model_year = (ctx.vehicle.model_year or "").strip()
    if not model_year.isdigit():
        return Age("unknown", f"production_date not given, nor model_year: the year of manufacture is unknown; {clause}",
                   last)
    first, final = (int(model_year) + offset for offset in requirement.excluded_age_model_years)
    span = str(first) if first == final else f"{first} to {final}"
    reading = (f"model year {model_year} taken as made in {span}"
               + (f" ({requirement.excluded_age_note})" if requirement.excluded_age_note else ""))
    if final <= last:
        return Age("yes", f"production_date not given: {reading}", last)
    if first - 1 > last:  # made even a year before the reading's first year, it would still pay: nothing rides on it
        return Age("no")
    if first > last:  # made a year earlier than read, it would be excluded: the reading is listed as an assumption
        return Age("no", f"production_date not given: {reading}; {clause}, later it is not", last)
    return Age("review", f"missing fact: production_date (the year of manufacture): {reading}; {clause}, later it is not",
               last)


@dataclass(frozen=True)
class VehicleTerms:
    """What the Section 232 duty on an imported vehicle takes from the vehicle and the dates alone:
    the rate options, the transaction value, the column 1 rate, the notes so far.  The lines move
    the duty only through the US content and USMCA qualification (`vehicle_duty`), so sourcing
    scenarios share one VehicleTerms (roo_calc.scenarios.tariff_batch)."""

    base: dict[str, Any]
    cited: dict[str, Any]
    figures: dict[str, Any]
    notes: tuple[str, ...]
    options: tuple[tuple[str, Fraction], ...]
    transaction_value: int
    mfn: MfnRate | None
    non_us_content_class: bool  # 10908 cl.(2), 10984 cl.(2): the class pays on non-US content when qualifying
    asks_origin: bool  # whether USMCA qualification is asked (for the value, or for the column 1 duty)
    clause: str
    on: date
    age_assumed: tuple[str, str] | None = None  # cl.(10) could exclude the vehicle: taken as not, on no year or a model year


def vehicle_terms(ctx: Context, rid: str, requirement: Requirement) -> VehicleTerms | RequirementResult:
    """The vehicle-and-date part of `section_232`, or its whole result when the lines cannot move it
    (no rate for the class, before the first rate, not an import, too old, no transaction value,
    no column 1 rate under an all-in deal)."""
    v = ctx.vehicle
    base: dict[str, Any] = dict(id=rid, title=requirement.title, kind=requirement.kind, citation=requirement.citation,
                                comparison="at_most")
    dates = _dates(ctx)
    history = requirement.history_for(ctx.vehicle_class)
    if history is None:
        return RequirementResult(**base, status="not_applicable", figures=dates, reason=f"no rate for vehicle class {ctx.vehicle_class!r}")
    try:
        point = value_at(history, ctx.on, f"{ctx.regime.id} rate for {ctx.vehicle_class}")
    except NoValueError:
        first = history[0]
        return RequirementResult(**base, status="no_duty", value=Fraction(0), figures={"duty": 0, "rate": "0", **dates},
                                 reason=f"no Section 232 duty on vehicles entered before {first.from_} ({first.citation})")
    cited: dict[str, Any] = dict(threshold_from=point.from_, threshold_unconfirmed=point.unconfirmed, threshold_note=point.note,
                 threshold_citation=point.citation)
    if requirement.imported_into and v.assembly_country == requirement.imported_into:
        return RequirementResult(**base, status="not_applicable", figures=dates,
                                 reason=f"assembled in {requirement.imported_into}: not an import (its imported parts are a separate figure)")
    age = _age(ctx, requirement)
    if age.answer == "yes":
        if v.production_date is None:
            tv_cents = v.transaction_value_cents
            stake = ("; the Section 232 duty at stake if it was made later: up to "
                     + (f"{money(Fraction(tv_cents) * Fraction(point.value) / 100)} ({point.value}% of the transaction "
                        f"value {money(tv_cents)})" if tv_cents else f"{point.value}% of the transaction value"))
            ctx.assume("manufacture-year-from-model-year", rid, None, f"{age.why}{stake}; give production_date",
                       "Proclamation 10984 cl.(10)")
        return RequirementResult(**base, status="no_duty", value=Fraction(0), figures={"duty": 0, "rate": "0", **dates}, **cited,
                                 reason=f"{age.why}: made at least {requirement.excluded_age_years} years before entry, "
                                        "excluded (Proclamation 10984 cl.(10))")
    tv = v.transaction_value_cents
    if tv is None:
        return RequirementResult(**base, status="needs_review", figures=dates, **cited,
                                 reason="missing fact: transaction_value (Vehicle sheet), the value the duty is assessed on")
    rate = Fraction(point.value)
    figures: dict = {"transaction_value": tv, "base_rate": str(point.value), **dates}
    notes: list[str] = []

    # The rate: the class's own, or a bilateral term's.
    options = [("", rate)]
    deal_found = requirement.deal_for(v.assembly_country, ctx.vehicle_class, v.hs_code, ctx.on)
    mfn = _mfn(ctx, v.hs_code)
    if mfn is not None:
        figures["mfn_rate"] = str(mfn.rate)
    if deal_found:
        key, deal = deal_found
        figures["deal"] = key
        flag = " [UNCONFIRMED]" if deal.unconfirmed else ""
        notes.append(f"{deal.title} (from {deal.from_}){flag} [{deal.citation}]" + (f"; {deal.note.rstrip('.')}" if deal.note else ""))
        if deal.all_in is not None:
            if mfn is None:
                return RequirementResult(**base, status="needs_review", figures=figures, **cited,
                                         reason=f"{notes[0]}; missing fact: the column 1 (MFN) rate for HS {v.hs_code} "
                                                f"(rules/mfn/): the Section 232 rate is {deal.all_in}% minus it")
            options = [("", _deal_rate(deal, rate, Fraction(mfn.rate)))]
        elif v.tariff_rate_quota == "in" and deal.in_quota_rate is not None:
            options = [("", Fraction(deal.in_quota_rate))]
        elif v.tariff_rate_quota == "out":
            notes.append(f"out of the {deal.quota:,}-vehicle quota: the full rate")
        elif deal.in_quota_rate is not None:
            options = [("in_quota", Fraction(deal.in_quota_rate)), ("out_of_quota", rate)]
            notes.append(f"missing fact: tariff_rate_quota (Vehicle sheet): in the {deal.quota:,}-vehicle quota "
                         f"{deal.in_quota_rate}%, out of it {point.value}%")

    if v.tariff_rate_quota and not (deal_found and deal_found[1].quota):
        notes.append(f"tariff_rate_quota = {v.tariff_rate_quota} is not used: no quota applies to this vehicle on {ctx.on}")
    if age.answer == "review":  # each amount: excluded (nothing) or not (the rate)
        options = [(_joined(f"made_by_{age.last_excluded}", key), Fraction(0)) for key, _ in options] + \
                  [(_joined(f"made_from_{age.last_excluded + 1}", key), r) for key, r in options]
        notes.append(age.why)
    stacking = _stacking(ctx, requirement)
    if stacking:
        figures["stacking"] = stacking
    non_us_class = ctx.vehicle_class in requirement.non_us_content_classes
    clauses = requirement.non_us_content_clause
    return VehicleTerms(base, cited, figures, tuple(notes), tuple(options), tv, mfn, non_us_class,
                        asks_origin=non_us_class or mfn is not None,
                        clause=clauses.get(ctx.vehicle_class, clauses.get("default", "the rule file's non-US-content treatment")),
                        on=ctx.on, age_assumed=_age_assumed(age, v.production_date is None))


def _age_assumed(age: Age, no_production_date: bool) -> tuple[str, str] | None:
    """The assumption code and facts when cl.(10) is taken not to exclude the vehicle without a
    production_date: no year at all, or a model year read as made too late."""
    if age.answer == "unknown":
        return "manufacture-year-not-given", age.why
    if age.answer == "no" and age.why and no_production_date:
        return "manufacture-year-from-model-year", age.why
    return None


def _joined(*keys: str) -> str:
    return "_".join(k for k in keys if k)


def vehicle_duty(terms: VehicleTerms, origin: Usmca | None, us_content: int, vehicle_class: str) -> RequirementResult:
    """The Section 232 duty on an imported vehicle from its terms, its USMCA qualification (None
    when not asked) and its US content in cents: the non-US content is dutiable for a
    USMCA-qualifying vehicle of a class with that treatment, else the full value; both amounts
    when qualification is open.  Without drivers (see `section_232`)."""
    tv = terms.transaction_value
    notes = list(terms.notes)
    figures = dict(terms.figures)
    if terms.non_us_content_class:
        usmca = cast(Usmca, origin)
    else:  # the value basis is the full value whatever the origin; the origin is still the vehicle's own
        usmca = Usmca("no", f"vehicle class {vehicle_class}: no non-US-content treatment (duty on the full value)")
        if origin is not None:
            notes.append(f"column 1 duty follows origin: {origin.why}")
    notes.insert(0, usmca.why)
    values = {"yes": [("non_us_content", max(tv - us_content, 0))], "no": [("full_value", tv)],
              "review": [("non_us_content", max(tv - us_content, 0)), ("full_value", tv)]}[usmca.answer]
    figures["us_content"] = us_content
    if origin is not None:  # whether the vehicle is USMCA-qualifying, true of it whatever its class's value basis
        figures["usmca_qualifying"] = origin.answer
    if "stacking" in figures:  # after the US content, as the figures have always been listed
        figures["stacking"] = figures.pop("stacking")
    options = terms.options
    amounts = {"_".join(p for p in ("duty", vk, rk) if p): Fraction(value) * r / 100 for vk, value in values for rk, r in options}
    if len(amounts) > 1:
        figures.update(amounts)
        figures["rates"] = ", ".join(f"{rk or 'rate'} {_pct(r)}" for rk, r in options)
        return RequirementResult(**terms.base, status="needs_review", figures=figures, **terms.cited,
                                 reason="; ".join(notes) + "; the duty depends on this: each amount is shown")
    (_, dutiable), (_, r) = values[0], options[0]
    duty = Fraction(dutiable) * r / 100
    figures.update(rate=_pct(r), dutiable_value=dutiable, duty=duty)
    status: RequirementStatus = "duty" if duty else "no_duty"
    mfn = terms.mfn
    if mfn is not None and origin is not None:  # EO 14289 s.4(b): column 1 duties still apply; an originating vehicle enters free
        full_mfn = Fraction(tv) * Fraction(mfn.rate) / 100
        if origin.answer == "review":
            figures.update(mfn_duty_if_originating=Fraction(0), mfn_duty_if_not=full_mfn)
            notes.append(f"the column 1 duty depends on origin: 0 if USMCA-originating, {money(full_mfn)} if not")
            status = "needs_review"
        else:
            mfn_duty = Fraction(0) if origin.answer == "yes" else full_mfn
            figures.update(mfn_duty=mfn_duty, total_duty=duty + mfn_duty, mfn_free=origin.answer == "yes")
    return RequirementResult(**terms.base, status=status, value=Fraction(duty * 100, tv) if tv else Fraction(0),
                             figures=figures, **terms.cited, reason="; ".join(notes))


def us_content_lines(ctx: Context, requirement: Requirement) -> np.ndarray:
    """Each line's US content in cents: its value when made in the importing country (10908 cl.(2))."""
    return np.where(ctx.lines.in_countries((requirement.imported_into,)), ctx.lines.value, 0).astype(np.int64)


def section_232(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Section 232 duty on an imported vehicle, on the entry date.

    Rate: the class's rate (25%; buses 10%), or the bilateral term for the vehicle's country
    (taken as its assembly country) in force on that date.  Value: the full transaction value,
    or, for a USMCA-qualifying vehicle of a class with non-US-content treatment, the value minus
    its US content (10908 cl.(2); 10984 cl.(2), not buses).  US content is taken as the value of
    BOM lines made in the US.  When USMCA qualification or the quota status is open, the result
    needs review and shows each amount.
    """
    terms = vehicle_terms(ctx, rid, requirement)
    if isinstance(terms, RequirementResult):
        return terms
    us = ctx.lines.in_countries((requirement.imported_into,))
    # Origin decides the column 1 duty for every class (an originating good enters free of it);
    # only the classes the proclamations name get the non-US-content value (10984 cl.(2): not buses).
    origin = _usmca(ctx, requirement) if terms.asks_origin else None
    if terms.non_us_content_class:
        _assume_origin_date(ctx, rid, cast(Usmca, origin), us)
    result = vehicle_duty(terms, origin, int(us_content_lines(ctx, requirement).sum()), ctx.vehicle_class)
    if terms.age_assumed:
        code, why = terms.age_assumed
        duty = result.figures.get("duty")
        shown = f"the duty shown ({money(Fraction(duty))})" if duty is not None else "each duty shown"
        ctx.assume(code, rid, None, f"{why}; taken as made later: {shown} rides on it; "
                   "give production_date", "Proclamation 10984 cl.(10)")
    if "dutiable_value" not in result.figures or result.figures.get("usmca_qualifying") != "yes" or not terms.non_us_content_class:
        return result
    counted = np.where(~us, ctx.lines.value * SHARE_ONE, 0).astype(np.int64)
    basis = line_basis(counted, f"non-US content (dutiable, {terms.clause})", np.where(~us, "", "US content: not dutiable"))
    return result.model_copy(update={"drivers": _drivers(ctx, counted, basis), "line_counted": counted, "line_basis": basis})


def _pct(r: Fraction) -> str:
    """A rate as text: 12.5, 7.5, 25 (rates come from decimals in the rule files, so exact)."""
    text = format(Decimal(r.numerator) / Decimal(r.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _flag_at(points: tuple[DatedFlag, ...], on: date) -> DatedFlag | None:
    current = None
    for p in points:
        if p.from_ <= on:
            current = p
    return current


@dataclass(frozen=True)
class PartsTerms:
    """What the parts tariff takes from the vehicle and the dates alone (see `section_232_parts`)."""

    base: dict[str, Any]
    cited: dict[str, Any]
    dates: dict[str, Any]
    rate: Decimal


@dataclass(frozen=True)
class PartsLines:
    """The parts tariff line by line: each line's liability (cents x SHARE_ONE) and why, which
    lines are imported covered parts and which of them are dutiable, at what rate, and the notes."""

    counted: np.ndarray
    basis: np.ndarray
    imported: np.ndarray
    dutiable: np.ndarray
    rate_e4: np.ndarray
    notes: tuple[str, ...]


def parts_terms(ctx: Context, rid: str, requirement: Requirement) -> PartsTerms | RequirementResult:
    """The vehicle-and-date part of `section_232_parts`, or its whole result when the lines cannot
    move it (not assembled in the US, no parts rate for the class, before the first rate)."""
    v = ctx.vehicle
    base: dict[str, Any] = dict(id=rid, title=requirement.title, kind=requirement.kind, citation=requirement.citation,
                                comparison="at_most")
    dates = _dates(ctx)
    into = requirement.imported_into
    if v.assembly_country != into:
        return RequirementResult(**base, status="not_applicable", figures=dates,
                                 reason=f"assembled in {v.assembly_country}: the parts tariff is on parts imported for assembly in {into}")
    history = requirement.history_for(ctx.vehicle_class)
    if history is None or requirement.covered_parts is None:
        return RequirementResult(**base, status="not_applicable", figures=dates, reason=f"no parts tariff for vehicle class {ctx.vehicle_class!r}")
    try:
        point = value_at(history, ctx.on, f"{ctx.regime.id} parts rate for {ctx.vehicle_class}")
    except NoValueError:
        return RequirementResult(**base, status="no_duty", figures={"duty": 0, **dates},
                                 reason=f"no parts tariff on parts entered before {history[0].from_} ({history[0].citation})")
    cited: dict[str, Any] = dict(threshold_from=point.from_, threshold_unconfirmed=point.unconfirmed,
                 threshold_note=point.note, threshold_citation=point.citation)
    return PartsTerms(base, cited, dates, point.value)


def parts_lines(ctx: Context, rid: str, requirement: Requirement, terms: PartsTerms) -> PartsLines:
    """Each line's parts-tariff liability: the rate on an imported covered part (the all-in
    bilateral rate for parts of Japan, the EU and Korea, less the part's column 1 rate), nothing
    on a USMCA-qualifying part while the rule file exempts them (10908 cl.(4)).  A line's liability
    depends on that line alone."""
    lines = ctx.lines
    into = requirement.imported_into
    covered_parts = cast(Any, requirement.covered_parts)
    covered = HsList(covered_parts.hs).match(lines.hs)
    imported = covered & ~lines.in_countries((into,))
    certified, declined = lines.flag(ctx.regime.certification_field)
    usmca_made = lines.in_countries(tuple(c for c in ctx.regime.region if c != into))
    exemption = _flag_at(requirement.usmca_parts_exempt, ctx.on)
    notes = [f"covered parts: the rule file's HS list{' [UNCONFIRMED]' if covered_parts.unconfirmed else ''} ({covered_parts.citation})"]
    dutiable = imported.copy()
    if exemption is not None and exemption.value:
        exempt = imported & usmca_made & certified
        dutiable &= ~exempt
        notes.append(f"USMCA-qualifying parts exempt [{exemption.citation}]")
        ctx.assume("uncertified-usmca-part", rid, imported & usmca_made & ~certified & ~declined,
                   "covered part made in CA/MX with no USMCA certification on file: counted as dutiable, "
                   "not shown to qualify for the USMCA parts exemption", exemption.citation)
    rate_e4 = np.zeros(len(lines.value), dtype=np.int64)
    rate_e4[dutiable] = int(Fraction(terms.rate) * E4)
    basis = np.where(dutiable, f"imported covered part: {terms.rate}%", "").astype(object)
    mfn: tuple[np.ndarray, np.ndarray] | None = None
    for country in sorted({str(c) for c in lines.origin[dutiable]}):
        found = requirement.deal_for(country, ctx.vehicle_class, "", ctx.on)
        if not found:
            continue
        key, deal = found
        mask = dutiable & (lines.origin == country)
        mfn = mfn or _mfn_lines(ctx)
        mfn_e4, mfn_known = mfn
        if deal.all_in is not None:  # all-in minus each part's column 1 rate (0 where none is on file), never below 0
            rate_e4[mask] = np.maximum(int(Fraction(deal.all_in) * E4) - mfn_e4[mask], 0)
            ctx.assume(f"deal-mfn-{key}", rid, mask & ~mfn_known,
                       f"no column 1 rate on file for these parts of {country}: the all-in {deal.all_in}% is taken as "
                       "all Section 232 (an upper bound; it overstates by the part's column 1 rate)")
        rates, which = np.unique(rate_e4[mask], return_inverse=True)  # one text per rate, not per line
        basis[mask] = np.array([f"covered part of {country}: {_pct(Fraction(r, E4))}% (deal {key})" for r in rates.tolist()],
                               dtype=object)[which.reshape(-1)]
        notes.append(f"{deal.title} (from {deal.from_}){' [UNCONFIRMED]' if deal.unconfirmed else ''} [{deal.citation}]")
    counted = lines.value * rate_e4  # cents x rate in ten-thousandths of a percent = duty in scaled cents (SHARE_ONE = 100 x E4)
    return PartsLines(counted, line_basis(counted, basis), imported, dutiable, rate_e4, tuple(notes))


def parts_duty(ctx: Context, requirement: Requirement, terms: PartsTerms, figures: dict[str, Any], notes: tuple[str, ...],
               liability_scaled: int) -> RequirementResult:
    """The parts tariff from the lines' summed liability (cents x SHARE_ONE): less the offset, a
    share of MSRP for vehicles assembled in its period (10984 cl.(11)), usable only against
    parts-tariff liability, so capped at it.  `figures` holds the line sums (covered_imported,
    dutiable_parts, ...).  Without drivers (see `section_232_parts`)."""
    v = ctx.vehicle
    base, cited = terms.base, terms.cited
    notes_ = list(notes)
    liability = Fraction(liability_scaled, 100 * E4)
    figures = {**figures, "liability": liability, **terms.dates}
    offset_history = requirement.offset.get(ctx.vehicle_class, requirement.offset.get("default"))
    offset_basis = requirement.offset_basis.get(ctx.vehicle_class, requirement.offset_basis.get("default", "msrp"))
    accrued, offset_note = Fraction(0), None
    when = ctx.origin_on or ctx.on
    if offset_history:
        try:
            offset_point = value_at(offset_history, when, f"{ctx.regime.id} offset for {ctx.vehicle_class}")
        except NoValueError:
            offset_point = None
            offset_note = f"no offset for vehicles assembled before {offset_history[0].from_}"
        if offset_point is not None and offset_point.value:
            measure = v.msrp_cents if offset_basis == "msrp" else v.transaction_value_cents
            if measure is None:
                field = "msrp" if offset_basis == "msrp" else "transaction_value"
                figures.update(offset_rate=str(offset_point.value))
                return RequirementResult(**base, status="needs_review", figures=figures, **cited,
                                         reason=f"missing fact: {field} (Vehicle sheet): the offset is {offset_point.value}% of it "
                                                f"[{offset_point.citation}]; liability before the offset is shown")
            accrued = Fraction(measure) * Fraction(offset_point.value) / 100
            figures.update(offset_rate=str(offset_point.value), offset_basis=offset_basis, offset_measure=measure)
            notes_.append(f"offset {offset_point.value}% of {offset_basis.replace('_', ' ')} for vehicles assembled on {when}, "
                          f"capped at the parts-tariff liability [{offset_point.citation}]")
        elif offset_point is not None:
            offset_note = f"no offset for vehicles assembled on {when} [{offset_point.citation}]"
    if offset_note:
        notes_.append(offset_note)
    applied = min(accrued, liability)
    net = liability - applied
    figures.update(offset_accrued=accrued, offset_applied=applied, duty=net)
    if accrued > applied:
        figures["offset_excess"] = accrued - applied
        clauses = requirement.offset_cap_clause
        clause = clauses.get(ctx.vehicle_class, clauses.get("default", "the rule file's offset"))
        notes_.append("the offset is the manufacturer's, usable against the parts-tariff liability of all its vehicles "
                      f"({clause}): the excess over this vehicle's liability is shown, not netted here")
    if v.annual_volume:
        n = v.annual_volume
        figures.update(annual_volume=str(n), liability_per_year=liability * n, offset_applied_per_year=applied * n,
                       duty_per_year=net * n)
    return RequirementResult(**base, status="duty" if net else "no_duty",
                             value=None, figures=figures, **cited, reason="; ".join(notes_) or None)


def parts_figures(terms: PartsTerms, covered_imported: int, dutiable_parts: int, at_rate: Mapping[int, int]) -> dict[str, Any]:
    """The line sums the parts tariff shows: the value of imported covered parts, of the dutiable
    ones, and of the dutiable ones at each rate (ten-thousandths of a percent), highest first."""
    figures: dict[str, Any] = {"covered_imported": covered_imported, "dutiable_parts": dutiable_parts,
                               "base_rate": str(terms.rate), "rate": str(terms.rate)}
    for r in sorted(at_rate, reverse=True):
        figures[f"dutiable_at_{_pct(Fraction(r, E4))}"] = at_rate[r]
    return figures


def section_232_parts(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """The parts tariff on a US-assembled vehicle's imported covered parts, and the offset.

    Liability: the rate on each imported covered part (the all-in bilateral rate for parts of
    Japan, the EU and Korea), USMCA-qualifying parts exempt while the rule file says so (10908
    cl.(4)).  Offset: a share of MSRP for vehicles assembled in its period (10984 cl.(11)),
    usable only against parts-tariff liability, so capped at it.  Per vehicle, and per year at
    `annual_volume`, exactly.
    """
    terms = parts_terms(ctx, rid, requirement)
    if isinstance(terms, RequirementResult):
        return terms
    lines = parts_lines(ctx, rid, requirement, terms)
    value = ctx.lines.value
    at_rate = {r: int(value[lines.dutiable & (lines.rate_e4 == r)].sum()) for r in {int(r) for r in lines.rate_e4[lines.dutiable]}}
    figures = parts_figures(terms, int(value[lines.imported].sum()), int(value[lines.dutiable].sum()), at_rate)
    result = parts_duty(ctx, requirement, terms, figures, lines.notes, int(lines.counted.sum()))
    update: dict[str, Any] = {"drivers": _drivers(ctx, lines.counted, lines.basis)}
    if result.status != "needs_review":
        update.update(line_counted=lines.counted, line_basis=lines.basis)
    return result.model_copy(update=update)
