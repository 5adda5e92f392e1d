"""One function per requirement kind.  Each reads the law from the rule file (thresholds,
lists, derivation choices) and the facts from the BOM, and returns a `RequirementResult`
together with the assumptions it made; a requirement that sourcing moves carries its exact
linear form (`engine.linear`), from which its verdict is computed.  A new regime is a new rule
file; a new *kind* of test (a new legal method) is a new function listed in `engine.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Callable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from roo_calc.bom.model import Vehicle
from roo_calc.codes import HsList
from roo_calc.engine import made_parts
from roo_calc.engine.linear import Decision, Gate, LinearForm, Part
from roo_calc.engine.lines import LineArrays
from roo_calc.engine.result import Assumption, LineContribution, RequirementResult
from roo_calc.display import money as display_money, pct as display_pct
from roo_calc.numbers import PCT_E4, SHARE_ONE, rule_pct_e4
from roo_calc.rules.model import DatedValue, PartOrigin, Regime, Requirement, RvcDeMinimis, cite, value_at

TOP_LINES = 10
FISCAL_YEAR_SLACK_DAYS = 183  # a fiscal year "beginning on the day closest to" a date starts within half a year of it

class CoreUnderThreshold(NamedTuple):
    """Core parts (USMCA UR 14(2), 14(5)): the lines certified Y whose stated content is under the
    threshold, which the requirement counts as non-originating."""

    requirement: str
    lines: np.ndarray  # bool per line
    threshold: str  # as printed: "75%"


@dataclass
class Context:
    """Everything a requirement function may read: the regime, the vehicle, the lines, the date."""

    regime: Regime
    vehicle: Vehicle
    vehicle_class: str
    lines: LineArrays
    on: date
    assumptions: list[Assumption] = field(default_factory=list)
    bom: object = None
    others: object = None
    origin_on: date | None = None  # tariffs: the date origin is judged on (production), when `on` is the entry date
    qualify: Callable[[str], object] | None = None  # tariffs: a preference regime's Determination by id (None: not loaded)
    core_under_threshold: CoreUnderThreshold | None = None  # None: no core-parts test ran
    _originating: np.ndarray | None = None
    _part_reasons: np.ndarray | None = None  # why a `part_origin` rule decided a line; "" where none did
    _origin_reasons: np.ndarray | None = None

    @property
    def net_cost(self) -> int:
        return self.vehicle.net_cost_cents

    def originating(self) -> np.ndarray:
        """Roll-up originating status of each line under this regime (certification-based).

        Certified Y and made in the region: originating.  Certified N, or made outside the
        region: non-originating.  A part whose origin the regime ties to its own RVC for this
        class of vehicle (`part_origin`, e.g. USMCA UR 15(4)) and that has no certification is
        originating when its stated regional content meets that threshold; one certified Y whose
        stated content is under it is non-originating, the law making the part originating
        *only if* it meets it (the stated figure, net cost or transaction value, is under both
        of that provision's thresholds), listed with the value at stake.  Made in the region
        with no certification otherwise: by the rule file's `uncertified_regional` policy,
        listed as an assumption either way.
        """
        if self._originating is not None:
            return self._originating
        certified, declined = self.lines.flag(self.regime.certification_field)
        in_region = self.lines.in_countries(self.regime.region)
        originating = certified & in_region
        reasons = np.full(len(originating), "", dtype=object)
        odd = certified & ~in_region
        if odd.any():
            self.assume("certified-outside-region", None, odd,
                        f"certified {self.regime.certification_field} = Y but made outside "
                        f"{'/'.join(self.regime.region)}; treated as non-originating")
        decided = np.zeros(len(originating), dtype=bool)
        for rule in self.regime.part_origin:
            if self.vehicle_class in rule.classes and rule.bought:
                decided |= self._part_origin(rule, in_region & ~declined & ~decided, originating, reasons)
        undeclared = in_region & ~certified & ~declined & ~decided
        policy = self.regime.uncertified_regional
        if policy == "originating":
            originating = originating | undeclared
        if undeclared.any():
            if policy == "originating":
                text = "made in the region with no certification on file; assumed originating (rule file policy)"
            elif policy == "review":
                text = "made in the region with no certification on file; origin must be established (needs review)"
            else:
                text = "made in the region with no certification on file; treated as non-originating until certified"
            citation = cite(self.regime.uncertified_reference) or None
            self.assume("uncertified-regional", None, undeclared, text, citation)
        self._originating = originating
        self._part_reasons = reasons
        return originating

    def origin_reasons(self) -> np.ndarray:
        """Why each line is (or is not) originating by roll-up, in words true of that line.

        Built once per evaluation, from one text per origin country (a BOM has few), so that it
        costs an index per line rather than a string operation per line."""
        if self._origin_reasons is not None:
            return self._origin_reasons
        field = self.regime.certification_field
        region = "/".join(self.regime.region)
        certified, declined = self.lines.flag(field)
        in_region = self.lines.in_countries(self.regime.region)
        countries, inverse = np.unique(self.lines.origin.astype(str), return_inverse=True)
        policy = self.regime.uncertified_regional
        blank = (f", no {field} certification on file: assumed originating (rule file policy)" if policy == "originating"
                 else f", no {field} certification on file: non-originating until certified")

        def per_line(suffix: str) -> np.ndarray:
            return np.array([f"made in {c}{suffix}" for c in countries], dtype=object)[inverse]

        out = np.where(in_region, per_line(blank), per_line(f", outside {region}: non-originating"))
        out = np.where(in_region & declined, f"supplier declares it non-originating ({field} = N)", out)
        out = np.where(in_region & certified, f"originating (certified, {field} = Y)", out)
        out = np.where(~in_region & certified, per_line(f": certified but made outside {region}, non-originating"), out)
        self.originating()
        part_reasons = self._part_reasons
        assert part_reasons is not None  # set by originating()
        self._origin_reasons = np.where(part_reasons != "", part_reasons, out).astype(object)
        return self._origin_reasons

    def _part_origin(self, rule: PartOrigin, open_: np.ndarray, originating: np.ndarray, reasons: np.ndarray) -> np.ndarray:
        """Decide, in place, the regional lines not certified N that a `part_origin` rule covers
        and that state a regional content; returns which lines it decided.  An uncertified line
        is originating when its content meets the threshold; a line certified Y stays
        originating unless its content is under it (`certified_under_threshold`)."""
        lines = self.lines
        certified, _declined = lines.flag(self.regime.certification_field)
        mask = HsList(rule.hs).match(lines.hs) if rule.hs else np.zeros(len(open_), dtype=bool)
        if rule.ex_hs:
            group = lines.frame["core_part_group"]
            declared = (group.notna() & (group != "none")).to_numpy(dtype=bool)
            mask |= declared & HsList(rule.ex_hs).match(lines.hs)
        if rule.except_hs:
            mask &= ~HsList(rule.except_hs).match(lines.hs)
        rc, stated = lines.pct("regional_content_e4")
        if rule.partial_hs:
            partial = open_ & ~certified & stated & ~mask & HsList(rule.partial_hs).match(lines.hs)
            found = [c for c in rule.partial_hs if partial.any() and (HsList((c,)).match(lines.hs) & partial).any()]
            self.assume("part-origin-partial", None, partial,
                        f"{rule.title}: lines of {', '.join(found)}, subheadings the law lists only in part "
                        f"(8-digit or \"ex\" entries), which the HS code cannot show: their stated regional content is "
                        f"not used, and they count as any uncertified line does ("
                        + ("assumed originating by the rule file's policy" if self.regime.uncertified_regional == "originating"
                           else f"non-originating unless certified, {self.regime.certification_field}") + ")",
                        cite(rule.reference) or None)
        threshold = value_at(rule.threshold, self.on, f"{self.regime.id} part_origin threshold ({rule.title})") \
            if (mask & open_ & stated).any() else None
        if threshold is None:
            return mask & open_ & stated
        low = certified_under_threshold(self, None, mask & open_ & certified, rule_pct_e4(threshold.value),
                                        f"{threshold.value}%", threshold.citation, f"{rule.title}: ")
        originating &= ~low
        reasons[low] = (f"certified {self.regime.certification_field} = Y, but the stated regional content is under "
                        f"{threshold.value}%: non-originating ({threshold.citation})")
        decided = mask & open_ & stated & ~certified
        if not decided.any():
            return decided | low
        meets = decided & (rc >= rule_pct_e4(threshold.value))
        originating |= meets
        reasons[meets] = f"no certification; stated regional content meets {threshold.value}%: originating ({threshold.citation})"
        reasons[decided & ~meets] = (f"no certification; stated regional content under {threshold.value}%: non-originating "
                                     f"({threshold.citation})")
        self.assume("part-origin-by-content", None, decided,
                    f"{rule.title}: no certification on file, so origin is decided by the supplier's stated regional "
                    f"content against {threshold.value}%, taken as a net cost figure (the method of that threshold)",
                    threshold.citation)
        return decided | low

    def assume(self, code: str, requirement: str | None, mask: np.ndarray | None, text: str,
               citation: str | None = None) -> None:
        """Record an assumption about the lines in `mask` (None: about the vehicle as a whole)."""
        if mask is not None and not mask.any():
            return
        if any(a.code == code and a.requirement == requirement for a in self.assumptions):
            return
        rows = () if mask is None else tuple(self.rows(mask))
        at_stake = 0 if mask is None else int(self.lines.value[mask].sum())
        self.assumptions.append(Assumption(code=code, requirement=requirement, text=text, rows=rows,
                                           value_at_stake_cents=at_stake, citation=citation))

    def threshold(self, requirement_id: str, requirement: Requirement) -> DatedValue | None:
        history = requirement.history_for(self.vehicle_class)
        if history is None:
            return None
        return self.dated(history, f"{self.regime.id} {requirement_id} threshold for {self.vehicle_class}", requirement_id)

    def minimum(self, requirement_id: str, requirement: Requirement) -> DatedValue | None:
        history = requirement.minimum.get(self.vehicle_class, requirement.minimum.get("default"))
        if history is None:
            return None
        return self.dated(history, f"{self.regime.id} {requirement_id} minimum for {self.vehicle_class}", requirement_id)

    def dated(self, history: tuple[DatedValue, ...], what: str, requirement_id: str | None) -> DatedValue:
        """The value in force on this date.  A change point the law ties to the producer's fiscal
        year (`fiscal_year = true`, e.g. NAFTA UR s.13(1)) moves with that year, which may begin up
        to half a year either side of the date; within that window the choice is an assumption."""
        for change in history[1:]:
            if change.fiscal_year and abs((self.on - change.from_).days) <= FISCAL_YEAR_SLACK_DAYS:
                self.assume(f"fiscal-year-{change.from_}", requirement_id, None,
                            f"the change points of {change.from_} apply from the producer's fiscal year beginning on "
                            f"the day closest to {change.from_}, which can begin up to six months earlier or later; "
                            f"the workbook gives no fiscal year, so they are applied from {change.from_}",
                            change.citation)
        return value_at(history, self.on, what)

    def rows(self, mask: np.ndarray) -> list[int]:
        return self.lines.frame["row"].to_numpy(dtype=np.int64)[mask].tolist()

    def largest_first(self, mask: np.ndarray) -> np.ndarray:
        """The indices of the lines in `mask`, largest value first (ties by row): the lines that
        matter most come first wherever an explanation lists rows."""
        index = np.flatnonzero(mask)
        rows = self.lines.frame["row"].to_numpy(dtype=np.int64)[index]
        return index[np.lexsort((rows, -self.lines.value[index]))]

    def rows_text(self, mask: np.ndarray, most: int = 12) -> str:
        """"12, 40, ... and 180 more": the rows in `mask`, the largest lines first."""
        order = self.largest_first(mask)
        rows = self.lines.frame["row"].to_numpy()[order[:most]]
        return ", ".join(str(int(r)) for r in rows) + (f" and {len(order) - most} more" if len(order) > most else "")


def certified_under_threshold(ctx: Context, rid: str | None, candidates: np.ndarray, limit_ppm: int, limit: str,
                              citation: str, what: str = "") -> np.ndarray:
    """The lines of `candidates` certified originating (Y) whose stated regional content is under
    the threshold the law sets for that part on the date (a blanket certificate issued before a
    phase-in step, typically).  Such a part is originating *only if* it meets that threshold
    (USMCA UR 14(2), 14(5), 15(4)); the stated figure, read as net cost, is under the
    transaction-value threshold too, which is higher.  The contradiction is resolved as the
    reverse one is (a certified N beside a content that meets it): the side that makes the part
    non-originating is used, and each line is listed with its content, the threshold and the
    value at stake.  Returns that mask."""
    lines = ctx.lines
    certified, _declined = lines.flag(ctx.regime.certification_field)
    rc, stated = lines.pct("regional_content_e4")
    low = candidates & certified & stated & (rc < limit_ppm)
    if low.any():
        frame = lines.frame
        rows, parts = frame["row"].to_numpy(), frame["part_number"].to_numpy()
        listed = [f"row {rows[i]} {parts[i]} states {display_pct(Fraction(int(rc[i]), PCT_E4))}% "
                  f"({display_money(int(lines.value[i]))})" for i in ctx.largest_first(low)[:12]]
        more = int(low.sum()) - len(listed)
        ctx.assume("certified-under-threshold", rid, low,
                   f"{what}certified {ctx.regime.certification_field} = Y, but the stated regional content is under the "
                   f"{limit} the law requires of the part on {ctx.on}: " + "; ".join(listed)
                   + (f" and {more} more" if more > 0 else "")
                   + ": counted as non-originating (the certification may predate that threshold); correct the "
                   "certification or the stated content", citation)
    return low


def _drivers(ctx: Context, scaled: np.ndarray, basis: np.ndarray) -> tuple[LineContribution, ...]:
    """The lines that add most to a scaled figure, largest first."""
    nonzero = np.flatnonzero(scaled)
    if nonzero.size == 0:
        return ()
    order = nonzero[np.argsort(-scaled[nonzero], kind="stable")][:TOP_LINES]
    frame = ctx.lines.frame
    rows, parts, descs = frame["row"].to_numpy(), frame["part_number"].to_numpy(), frame["description"].to_numpy()
    return tuple(
        LineContribution(row=int(rows[i]), part_number=str(parts[i]), description=descs[i], hs_code=str(ctx.lines.hs[i]),
                         origin_country=str(ctx.lines.origin[i]), value_cents=int(ctx.lines.value[i]),
                         counted_cents=Fraction(int(scaled[i]), SHARE_ONE), basis=str(basis[i]))
        for i in order
    )


def line_basis(scaled: np.ndarray, counting, not_counting="") -> np.ndarray:
    """Each line's basis: why it counts where it counts (scaled > 0), else why not (blank when
    nothing needs saying).  So a line that counts 0 never carries a reason for counting.  Lines
    with the same basis share one string: a 100,000-line BOM has a handful of distinct reasons,
    not 100,000 copies of them (about 90 MB over six regimes)."""
    def objects(texts):
        return np.asarray(texts, dtype=object) if isinstance(texts, np.ndarray) else texts

    shared: dict[str, str] = {}
    chosen = np.where(np.asarray(scaled) > 0, objects(counting), objects(not_counting)).tolist()
    out = np.empty(len(chosen), dtype=object)
    out[:] = [shared.setdefault(text, text) for text in chosen]
    return out


def by_wording(columns: Sequence[np.ndarray], build: Callable[[int], str]) -> np.ndarray:
    """Each line's text, `build(i)` for one line i of those with the same values in every column:
    the columns hold whatever the wording depends on, so the text is built once per distinct
    wording (a handful on most BOMs) and shared, not once per line."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, distinct = pd.factorize(np.asarray(column), use_na_sentinel=False)
        key, _seen = pd.factorize(key * len(distinct) + codes)  # renumbered 0..k-1: stays below the line count
    _keys, first = np.unique(key, return_index=True)
    return np.array([build(int(i)) for i in first], dtype=object)[key]


def worded(*parts) -> np.ndarray:
    """Per line, its parts joined: each part a string or a per-line array of few distinct texts
    (a line's country, its origin reason).  One string per distinct combination, shared."""
    arrays = [p for p in parts if isinstance(p, np.ndarray)]
    return by_wording(arrays, lambda i: "".join(str(p[i]) if isinstance(p, np.ndarray) else p for p in parts))


def decided(rid: str, requirement: Requirement, threshold: DatedValue, form: LinearForm, ctx: Context,
            basis: np.ndarray | None, figures: dict, reason: str | None = None, decision: Decision | None = None,
            threshold_citation: str | None = None, line_groups: np.ndarray | None = None,
            drivers: bool = True) -> RequirementResult:
    """The result of a requirement whose verdict and figure are its linear form's decision."""
    decision = decision or form.decide()
    counted = form.effective()  # a self-produced part's materials count nothing while it is originating
    return RequirementResult(
        id=rid, title=requirement.title, kind=requirement.kind, status="pass" if decision.met else "fail",
        comparison=form.comparison, value=decision.value, threshold=threshold.value, threshold_from=threshold.from_,
        threshold_unconfirmed=threshold.unconfirmed, threshold_note=threshold.note, citation=requirement.citation,
        threshold_citation=threshold_citation or threshold.citation, figures=figures,
        drivers=() if counted is None or basis is None or not drivers else _drivers(ctx, counted, basis),
        line_counted=counted, line_basis=basis if counted is not None else None, line_groups=line_groups,
        reason=reason, form=form, decided_margin=decision.margin)


def whole(offset: int, basis: int, sign: int = -1) -> tuple[Part, ...]:
    """The one part of a requirement measured over all lines (scaled cents)."""
    return (Part(offset, -1 if sign < 0 else 1, basis),)


# -- VNM methods -------------------------------------------------------------------------------

def vnm_roll_up(ctx: Context, rid: str, requirement: Requirement) -> tuple[np.ndarray, np.ndarray]:
    """Roll-up: a non-originating material counts at its full value, an originating one not at
    all (19 U.S.C. 4531(d)(4)(A); USMCA UR 7(4)(a))."""
    originating = ctx.originating()
    share = np.where(originating, 0, SHARE_ONE).astype(np.int64)
    scaled = ctx.lines.value * share
    why = ctx.origin_reasons()
    return scaled, line_basis(scaled, worded(why, ": full value (roll-up)"), np.where(originating, why, ""))


def _statements(lines: LineArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A supplier's stated figures per line: regional content (ppm) and traced value (cents),
    each with whether it is stated."""
    rc, rc_stated = lines.pct("regional_content_e4")
    traced, traced_stated = lines.money("nafta_traced_value_cents")
    return rc, rc_stated, traced, traced_stated


def _assume_stated_content(ctx: Context, rid: str, mask: np.ndarray) -> None:
    """A stated regional content used as the NAFTA figure: the BOM column does not say under
    which agreement's method the supplier measured it (NAFTA UR s.6(3), net cost)."""
    ctx.assume("stated-content-as-nafta", rid, mask,
               "regional content stated in the BOM used as the material's NAFTA regional value content (net cost "
               "method); the column does not say under which agreement it was measured",
               "NAFTA UR 9(2)(f), 10(1)(d)(ii); s.6(3), 6(6)(d)(ii)")


def _material_rvcr(ctx: Context, rid: str, requirement: Requirement, used: np.ndarray) -> tuple[np.ndarray, str]:
    """Each line's own RVC requirement (ppm) for NAFTA UR 9(2)(g), and the figures applied to
    the lines in `used`.

    Engines and gear boxes take the vehicle's (s.13(1)(a)(ii), (b)(ii)); the goods s.13(1)(b)(iii)
    excepts keep their own (rule file `material_rvc_exceptions`); other Schedule IV goods the
    rule file's `material_rvc_requirement` (s.13(1)(b)(iii)).
    """
    tracing = requirement.tracing
    assert tracing is not None
    hs = ctx.lines.hs
    vehicle = ctx.threshold(rid, requirement)
    assert vehicle is not None  # the RVC has a threshold for this class before its VNM is measured
    material = (ctx.dated(tracing.material_rvc_requirement, "NAFTA material RVC requirement", rid)
                if tracing.material_rvc_requirement else vehicle)
    groups = [(np.ones(len(hs), dtype=bool), material, "Schedule IV goods")]
    groups += [(HsList(e.hs).match(hs), ctx.dated(e.requirement, f"NAFTA RVC requirement for {e.title}", rid), e.title)
               for e in tracing.material_rvc_exceptions]
    if tracing.same_as_vehicle:
        groups.append((HsList(tracing.same_as_vehicle).match(hs), vehicle, "engines and gear boxes (the vehicle's)"))
    ppm = np.zeros(len(hs), dtype=np.int64)
    which = np.zeros(len(hs), dtype=np.int64)
    for index, (mask, point, _title) in enumerate(groups):
        ppm = np.where(mask, rule_pct_e4(point.value), ppm)
        which = np.where(mask, index, which)
    present = set(which[used].tolist())
    summary = ", ".join(f"{point.value}% for {title}" + (" (unconfirmed)" if point.unconfirmed else "")
                        for index, (_mask, point, title) in enumerate(groups) if index in present)
    return ppm, summary


def vnm_tracing(ctx: Context, rid: str, requirement: Requirement) -> tuple[np.ndarray, np.ndarray]:
    """NAFTA light-duty tracing (UR 9(1)): VNM is the value of traced materials -- Schedule IV
    goods made outside NAFTA -- valued per 9(2); imports not listed stay in net cost only
    (9(9)(b)).  A NAFTA-made line is not itself traced (s.9 Example 3); it counts by the
    supplier statement on file: a traced value (9(2)(c)-(e), (h)); an originating statement with
    the regional content (9(2)(f)) or without it (9(2)(g)); none, its full value (9(2)(i))."""
    tracing = requirement.tracing
    assert tracing is not None
    lines = ctx.lines
    value = lines.value
    listed = HsList(tracing.list).match(lines.hs)
    in_region = lines.in_countries(ctx.regime.region)
    certified, declined = lines.flag(ctx.regime.certification_field)
    rc, rc_stated, traced, traced_stated = _statements(lines)
    imported_listed = listed & ~in_region
    regional = in_region & ~traced_stated
    by_rc = regional & certified & rc_stated  # 9(2)(f) needs the statement that it is originating
    by_rvcr = regional & listed & certified & ~rc_stated
    rvcr_ppm, rvcr_summary = _material_rvcr(ctx, rid, requirement, by_rvcr)
    undeclared = regional & ~certified & (listed if tracing.undeclared_regional == "listed" else True)
    stated = in_region & traced_stated

    scaled = np.zeros(len(value), dtype=np.int64)
    basis = np.full(len(value), "imported, not of a Schedule IV provision: not a traced material, in net cost only "
                                "(UR 9(9)(b))", dtype=object)
    basis = np.where(in_region, "NAFTA-made, not of a Schedule IV provision: taken to hold no traced material, adds "
                                "nothing (UR 9(1))", basis)
    scaled = np.where(imported_listed, np.where(traced_stated, traced, value) * SHARE_ONE, scaled)
    basis = np.where(imported_listed, np.where(traced_stated, "traced material, stated customs value and costs "
                                               "(UR 9(2)(a)-(d))", "traced material imported from outside NAFTA: "
                                               "its value (UR 9(2)(a)-(d))"), basis)
    scaled = np.where(undeclared, value * SHARE_ONE, scaled)
    basis = np.where(undeclared & ~declined, "NAFTA-made, no supplier statement: full value (UR 9(2)(i))", basis)
    basis = np.where(undeclared & declined, "NAFTA-made, declared non-originating, no traced value stated: full "
                                            "value (UR 9(2)(i))", basis)
    scaled = np.where(by_rvcr, value * (SHARE_ONE - rvcr_ppm), scaled)
    basis = np.where(by_rvcr, "certified originating, no figures: value x (1 - RVC requirement) (UR 9(2)(g))", basis)
    scaled = np.where(by_rc & listed, value * (SHARE_ONE - rc), scaled)
    basis = np.where(by_rc & listed, "certified originating with stated regional content: value x (1 - RVC) "
                                     "(UR 9(2)(f))", basis)
    scaled = np.where(stated, traced * SHARE_ONE, scaled)
    basis = np.where(stated, "NAFTA-made, supplier's stated traced value (UR 9(2)(c)-(e), (h))", basis)

    counting = imported_listed | undeclared | by_rvcr | (by_rc & listed) | stated
    basis = line_basis(scaled, basis, np.where(counting, "nothing counted in VNM for this line", basis))
    ctx.assume("tracing-import-value", rid, imported_listed & ~traced_stated,
               "Schedule IV materials imported from outside NAFTA, no nafta_traced_value: counted at their BOM value; "
               "9(2)(a)-(d) take the customs value, the costs of transport to the first place of receipt in NAFTA (or "
               "where title is taken) and unrecovered duties and brokerage, which may differ (freight beyond that "
               "place is left out)", "NAFTA UR 9(2)(a)-(d), s.9 Examples 8 and 10")
    ctx.assume("tracing-undeclared", rid, undeclared & ~declined,
               "NAFTA-made materials of a Schedule IV provision with no statement that they are originating and no "
               "traced value: taken to hold a traced material, counted at full value until a supplier statement is "
               "on file" + ("; a stated regional content alone does not allow 9(2)(f)"
                            if (undeclared & ~declined & rc_stated).any() else ""), "NAFTA UR 9(2)(i); 9(2)(f)")
    ctx.assume("tracing-declared-non-originating", rid, undeclared & declined,
               "NAFTA-made materials of a Schedule IV provision declared non-originating, no traced value stated: "
               "taken to hold a traced material, counted at full value (a statement of their traced value, even 0 "
               "when they hold none, would replace it)", "NAFTA UR 9(2)(i); s.9 Example 3")
    ctx.assume("tracing-by-requirement", rid, by_rvcr,
               f"certified NAFTA-originating Schedule IV materials without figures: taken to be subject to a regional "
               f"value-content requirement and counted at value x (1 - that requirement): {rvcr_summary}",
               "NAFTA UR 9(2)(g), s.13(1)")
    _assume_stated_content(ctx, rid, by_rc & listed)
    quiet = in_region & ~listed & ~traced_stated & ~undeclared
    ctx.assume("tracing-unlisted-regional", rid, quiet,
               "NAFTA-made materials outside Schedule IV without a stated traced value: taken to hold no traced "
               "material, adding nothing to VNM (rule file: undeclared_regional = 'listed'); one that does counts "
               "by 9(2)(f), (g) or (i)", "NAFTA UR s.8 (traced material), 9(1), 9(2)(f)-(i); s.9 Example 4")
    if tracing.partial:
        wider = HsList(tracing.partial).match(lines.hs) & (scaled > 0)
        ctx.assume("tracing-partial-provision", rid, wider,
                   "lines counted as Schedule IV although the schedule lists only some tariff items of their "
                   "subheading (or marks it 'ex'): the HS code cannot tell the items apart, so the whole subheading "
                   "is treated as listed", "NAFTA UR Schedule IV")
    ignored = traced_stated & ~in_region & ~listed
    ctx.assume("traced-value-not-used", rid, ignored,
               "a traced value is stated for imported materials outside Schedule IV: they are not traced materials, "
               "so it is not used", "NAFTA UR 9(9)(b)")
    return scaled, basis


def vnm_components(ctx: Context, rid: str, requirement: Requirement) -> tuple[np.ndarray, np.ndarray]:
    """NAFTA heavy-duty VNM (UR 10(1)): non-originating materials at their value ((b)(i), (c),
    (e)(ii), (f)), and each originating automotive component (Schedule V column I: engines, gear
    boxes) at the least the producer may choose under 10(1)(d): the stated value of its
    non-originating materials (i), value x (1 - RVC) (ii), or value x (1 - RVC requirement)
    (iii).  Other originating materials add nothing (s.10 Examples 5 and 7)."""
    components = requirement.components
    assert components is not None
    lines = ctx.lines
    value = lines.value
    component = HsList(components.hs).match(lines.hs)
    in_region = lines.in_countries(ctx.regime.region)
    originating = ctx.originating()
    rc, rc_stated, traced, traced_stated = _statements(lines)
    rvcr = ctx.dated(components.requirement, "NAFTA RVC requirement for automotive components", rid)

    full = value * SHARE_ONE
    by_rvcr = value * (SHARE_ONE - rule_pct_e4(rvcr.value))
    by_rc = np.where(rc_stated, value * (SHARE_ONE - rc), full)
    by_statement = np.where(traced_stated, traced * SHARE_ONE, full)
    best = np.minimum(np.minimum(by_rvcr, by_rc), by_statement)

    orig_component = originating & component
    nafta_component = in_region & ~originating & component & traced_stated
    scaled = np.where(originating, 0, full)
    scaled = np.where(orig_component, best, scaled)
    scaled = np.where(nafta_component, np.minimum(by_statement, full), scaled)

    basis = np.full(len(value), "non-originating: full value (UR 10(1)(b)(i), (e)(ii), (f))", dtype=object)
    basis = np.where(~in_region, "imported from outside NAFTA: full value (UR 10(1)(c), (f))", basis)
    basis = np.where(originating, "originating material other than an engine or gear box: adds nothing (UR 10(1); "
                                  "s.10 Examples 5, 7)", basis)
    chose_statement = orig_component & traced_stated & (best == by_statement)
    chose_rc = orig_component & ~chose_statement & rc_stated & (best == by_rc)
    chose_rvcr = orig_component & ~chose_statement & ~chose_rc
    basis = np.where(chose_statement, "originating engine or gear box, supplier's stated value of its non-originating "
                                      "materials (UR 10(1)(d)(i))", basis)
    basis = np.where(chose_rc, "originating engine or gear box with stated regional content: value x (1 - RVC) "
                               "(UR 10(1)(d)(ii))", basis)
    basis = np.where(chose_rvcr, f"originating engine or gear box: value x (1 - its RVC requirement, {rvcr.value}%) "
                                 "(UR 10(1)(d)(iii))", basis)
    basis = np.where(nafta_component, "non-originating NAFTA-made engine or gear box, supplier's stated value of "
                                      "its non-originating materials (UR 10(1)(e)(i))", basis)

    ctx.assume("components-by-requirement", rid, chose_rvcr,
               f"certified originating engines and gear boxes: counted at value x (1 - their RVC requirement, "
               f"{rvcr.value}%), the least 10(1)(d) allows with the figures on file"
               + (" (requirement unconfirmed)" if rvcr.unconfirmed else ""),
               f"NAFTA UR 10(1)(d)(iii); {rvcr.citation}")
    _assume_stated_content(ctx, rid, chose_rc)
    if components.partial:
        ctx.assume("components-partial-provision", rid, orig_component & HsList(components.partial).match(lines.hs),
                   "originating lines of a subheading that holds both automotive components and their parts (8708.40: "
                   "gear boxes and transmission parts) are counted as components; a part is a listed material, which "
                   "adds nothing when originating", "NAFTA UR s.2 (automotive component, listed material); Schedule V, "
                   "item 2; s.10 Example 5")
    ctx.assume("heavy-duty-originating-material", rid, originating & ~component,
               "originating materials other than engines and gear boxes: taken to be listed materials or other "
               "materials, which add nothing; one that is an automotive component assembly or sub-component (it "
               "incorporates an engine, a gear box or a Schedule V listed material) would count under 10(1)(d)",
               "NAFTA UR 10(1)(d); s.2 (automotive component assembly), s.10 Examples 5 and 7")
    ctx.assume("traced-value-not-used", rid, traced_stated & ~originating & ~nafta_component,
               "non-originating lines counted at full value although a traced value is stated: an import from "
               "outside NAFTA counts at its value (10(1)(c), (f)), and s.10 accepts a statement of non-originating "
               "materials only for NAFTA-made listed materials (10(1)(b)(ii)) and automotive components, assemblies "
               "and sub-components (10(1)(e)(i)), which roo-calc tells from the HS code only for engines and gear "
               "boxes", "NAFTA UR 10(1)(b)(ii), (c), (e)(i), (f); s.10 Example 7")
    return scaled, basis


def _regional_share(ctx: Context, rid: str, requirement: Requirement) -> tuple[np.ndarray, np.ndarray]:
    """Each line's regional share (ppm) and how it was found, for all-traced methods."""
    derivation = requirement.derivation
    assert derivation is not None
    lines = ctx.lines
    in_region = lines.in_countries(ctx.regime.region)
    certified, _declined = lines.flag(ctx.regime.certification_field)
    rc, rc_stated = lines.pct("regional_content_e4")
    certified_ppm = rule_pct_e4(derivation.certified_share)
    undeclared_ppm = rule_pct_e4(derivation.undeclared_regional_share)
    share = np.where(in_region, np.where(certified, certified_ppm, undeclared_ppm), 0)
    share = np.where(rc_stated, rc, share).astype(np.int64)
    how = np.where(in_region, np.where(certified, f"certified, no figure: {derivation.certified_share}% regional assumed",
                                       f"no certification or figure: {derivation.undeclared_regional_share}% regional assumed"),
                   "made outside the region: 0% regional")
    how = np.where(rc_stated, "stated regional content", how)
    ctx.assume("derived-regional-certified", rid, in_region & certified & ~rc_stated,
               f"regional content not stated for certified regional materials: {derivation.certified_share}% assumed",
               cite(derivation.reference))
    ctx.assume("derived-regional-undeclared", rid, in_region & ~certified & ~rc_stated,
               f"regional content not stated for uncertified regional materials: {derivation.undeclared_regional_share}% assumed",
               cite(derivation.undeclared_reference) or None)
    return share, how


def vnm_all_traced(ctx: Context, rid: str, requirement: Requirement) -> tuple[np.ndarray, np.ndarray]:
    """Every component traced: the non-regional share of every material counts in VNM."""
    share, how = _regional_share(ctx, rid, requirement)
    scaled = ctx.lines.value * (SHARE_ONE - share)
    return scaled, line_basis(scaled, worded("non-regional share counts: ", how),
                              np.where(share >= SHARE_ONE, worded("wholly regional: ", how), ""))


# A credit toward the RVC that another requirement earns (USMCA UR 18(22)), given to the RVC
# evaluator by the registry (`engine.kinds`): (ctx, rid, requirement, form) -> (the form with the
# credit, the credit's points, reason, figures).
RvcCredit = Callable[[Context, str, Requirement, LinearForm], tuple[LinearForm, Fraction, str | None, dict]]


VNM_METHODS: dict[str, Callable[[Context, str, Requirement], tuple[np.ndarray, np.ndarray]]] = {
    "roll_up": vnm_roll_up,
    "tracing": vnm_tracing,
    "components": vnm_components,
    "all_traced": vnm_all_traced,
}


# -- Requirement kinds -------------------------------------------------------------------------

def regional_value_content(ctx: Context, rid: str, requirement: Requirement,
                           credits: Mapping[str, RvcCredit] | None = None) -> RequirementResult:
    """RVC by the net cost method: (NC - VNM) / NC x 100 (USMCA UR 7(3); NAFTA UR 6(3)); a
    credit the rule file grants (`lvc_credit`) comes from `credits`."""
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    if requirement.new_plant is not None and ctx.vehicle.new_plant and ctx.vehicle_class not in requirement.new_plant.classes:
        ctx.assume("new-plant-not-used", rid, None,
                   f"new_plant = {ctx.vehicle.new_plant} is not used: the lower requirement for a new or refitted plant is "
                   f"for {', '.join(requirement.new_plant.classes)}, not {ctx.vehicle_class}", cite(requirement.new_plant.reference))
    elif requirement.new_plant is not None and ctx.vehicle.new_plant:
        threshold = _new_plant_threshold(ctx, rid, requirement, threshold)
        if threshold is None:
            return RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="needs_review",
                                     citation=requirement.citation,
                                     reason=f"new_plant = {ctx.vehicle.new_plant} needs first_prototype_date (Vehicle sheet): "
                                            "the lower requirement runs from the first prototype (USMCA UR 20(8))")
    method = requirement.vnm_for(ctx.vehicle_class)
    scaled, basis = VNM_METHODS[method](ctx, rid, requirement)
    gates: tuple[Gate, ...] = ()
    unknown = np.zeros(len(scaled), dtype=bool)
    if method == "roll_up":  # an originating self-produced part's VNM is not the vehicle's (USMCA UR 14(1), 15(1), 20(1))
        gates, basis, unknown = made_parts.gates(ctx, scaled, basis)
    nc_scaled = ctx.net_cost * SHARE_ONE
    form = LinearForm(scaled, whole(nc_scaled, nc_scaled), requirement.comparison, Fraction(threshold.value),
                      shortfall="of non-originating value to make originating (certify or re-source)", gates=gates)
    vnm_scaled = int(scaled.sum()) if not gates else int(np.asarray(form.effective()).sum())
    figures: dict = {}
    reason = None
    credit = Fraction(0)
    if requirement.lvc_credit is not None and credits and "lvc_credit" in credits:
        form, credit, reason, figures = credits["lvc_credit"](ctx, rid, requirement, form)
    decision = form.decide(credit=credit)
    allowed = Fraction(ctx.net_cost) * (1 - form.needed(credit) / 100)  # the VNM at which the RVC just meets it
    if unknown.any() and not decision.met:
        reason = _joined(reason, _turns_on_unknown(form, unknown, credit))
    vnm = Fraction(vnm_scaled, SHARE_ONE)
    figures = {
        "net_cost": ctx.net_cost,
        "vnm": vnm,
        "materials": ctx.lines.total_cents,
        "vnm_method": method,
        "vnm_allowed": allowed,
        "gap_to_qualify": max(Fraction(0), vnm - allowed),
        **figures,
    }
    if requirement.de_minimis is not None and not decision.met:
        _rvc_de_minimis_not_applied(ctx, rid, requirement.de_minimis, vnm_scaled)
    return decided(rid, requirement, threshold, form, ctx, basis, figures, reason=reason, decision=decision)


def _joined(reason: str | None, note: str | None) -> str | None:
    return note if not reason else reason if not note else f"{reason}; {note}"


def _turns_on_unknown(form: LinearForm, unknown: np.ndarray, credit: Fraction) -> str | None:
    """What a failing RVC would be were the self-produced parts of unknown origin originating:
    a sentence when that would meet it (the verdict turns on that fact), else None."""
    assert form.counted is not None
    without = replace(form, counted=np.where(unknown, 0, form.counted).astype(np.int64)).decide(credit=credit)
    if not without.met:
        return None
    return (f"the verdict turns on self-produced parts whose origin roo-calc cannot tell (their rule is not in the rule "
            f"files): were they originating, their materials would leave the VNM and the RVC would be "
            f"{display_pct(without.value)}%, which meets it (see {made_parts.UNKNOWN})")


def _rvc_de_minimis_not_applied(ctx: Context, rid: str, rule: RvcDeMinimis, vnm_scaled: int) -> None:
    """USMCA UR 5(4): a failing RVC that the law would waive, the VNM being at most the de minimis
    share of the transaction value or the total cost (the larger given; net cost stands in for
    total cost, never more), is listed with the VNM at stake; the verdict is left to the RVC."""
    bases = {"transaction value (UR 5(4)(a)(i))": ctx.vehicle.transaction_value_cents,
             "total cost (UR 5(4)(a)(ii))": ctx.vehicle.total_cost_cents,
             "net cost, standing in for total cost (never more)": ctx.net_cost}
    name, cents = max(((k, v) for k, v in bases.items() if v), key=lambda kv: kv[1], default=(None, 0))
    limit = Fraction(rule.value)
    if name is None or 100 * vnm_scaled > limit * cents * SHARE_ONE:
        return
    vnm = Fraction(vnm_scaled, SHARE_ONE)
    ctx.assumptions.append(Assumption(
        code="rvc-de-minimis-not-applied", requirement=rid, rows=(), value_at_stake_cents=int(vnm),
        citation=rule.citation,
        text=f"the value of all non-originating materials ({display_money(vnm)}) is {display_pct(100 * vnm / cents)}% "
             f"of the {name}, at most {display_pct(limit)}%: under UR 5(4) the vehicle need not satisfy this RVC "
             "(its other requirements stand); roo-calc does not apply 5(4) and shows the RVC's verdict"))


def _new_plant_threshold(ctx: Context, rid: str, requirement: Requirement, threshold: DatedValue) -> DatedValue | None:
    """USMCA UR 20(8): the requirement in force for a vehicle the producer states is assembled in a
    new plant (for `years_new` after the first prototype) or after a refit (`years_refit`); the
    ordinary one after that.  None when the prototype's date is missing."""
    rule = requirement.new_plant
    assert rule is not None
    start = ctx.vehicle.first_prototype_date
    if start is None:
        return None
    years = rule.years_new if ctx.vehicle.new_plant == "new" else rule.years_refit
    first, last = new_plant_period(start, years)
    period = f"{rule.value}% from {first} through {last} ({years} years after the first prototype, {start}"
    period += "; reading marked unconfirmed in the rule file)" if rule.unconfirmed else ")"
    if not first <= ctx.on <= last:
        ctx.assume("new-plant-outside-period", rid, None,
                   f"new_plant = {ctx.vehicle.new_plant}: {period}; on {ctx.on} the vehicle is outside that period, so "
                   f"the ordinary {threshold.value}% applies", cite(rule.reference))
        return threshold
    ctx.assume("new-plant-statement", rid, None,
               f"the producer's statement that the vehicle is assembled in a {'new plant' if ctx.vehicle.new_plant == 'new' else 'refitted plant'} "
               f"meeting UR 20(8) is taken as given: {period}", cite(rule.reference))
    return DatedValue.model_validate({"from": first, "value": rule.value, "reference": rule.reference, "note": rule.note,
                                      "unconfirmed": rule.unconfirmed})


def new_plant_period(prototype: date, years: int) -> tuple[date, date]:
    """The first and last days of USMCA UR 20(8)'s "for N years after the date on which the first
    motor vehicle prototype is produced": from the next day, for N years, so through the Nth
    anniversary of the prototype's day (a 29 February prototype: through 28 February)."""
    first = prototype + timedelta(days=1)
    try:
        after = first.replace(year=first.year + years)
    except ValueError:  # from 29 February
        after = first.replace(year=first.year + years, month=3, day=1)
    return first, after - timedelta(days=1)


def us_content(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Domestic content (US proposal 2017): (the share of materials made in the requirement's
    `country` + non-material net cost if assembled there) / NC.  The country is rule data."""
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    lines = ctx.lines
    regional, how = _regional_share(ctx, rid, requirement)
    us_stated_ppm, us_stated = lines.pct("us_content_e4")
    country = requirement.country
    made_in_us = lines.in_countries((country,))
    share = np.where(us_stated, us_stated_ppm, np.where(made_in_us, regional, 0)).astype(np.int64)
    ctx.assume("derived-us-content", rid, made_in_us & ~us_stated,
               f"{country} content not stated for {country}-made materials: taken equal to their regional share",
               cite(requirement.derivation.reference) if requirement.derivation else None)
    scaled = lines.value * share
    materials_us = int(scaled.sum())
    assembled_in_us = ctx.vehicle.assembly_country == country
    non_material = ctx.net_cost - lines.total_cents
    numerator = materials_us + (non_material * SHARE_ONE if assembled_in_us else 0)
    needed = Fraction(ctx.net_cost) * Fraction(threshold.value) / 100
    us_value = Fraction(numerator, SHARE_ONE)
    figures = {
        "net_cost": ctx.net_cost,
        "us_content": us_value,
        "us_materials": Fraction(materials_us, SHARE_ONE),
        "non_material_net_cost": non_material if assembled_in_us else 0,
        "gap_to_qualify": max(Fraction(0), needed - us_value),
    }
    non_us = lines.value * (SHARE_ONE - share)
    ceiling = (lines.total_cents + (non_material if assembled_in_us else 0)) * SHARE_ONE  # numerator = ceiling - non-US
    form = LinearForm(non_us, whole(ceiling, ctx.net_cost * SHARE_ONE), requirement.comparison,
                      Fraction(threshold.value), shortfall=f"of non-{country} value to make {country} content")
    basis = line_basis(
        non_us,
        np.where(us_stated, f"stated {country} content: the rest is non-{country}",
                 np.where(made_in_us, f"{country}-made: {country} content taken as its regional share, the rest is non-{country}",
                          worded("made in ", lines.origin, f": non-{country} content"))),
        np.where(us_stated, f"stated {country} content: 100% {country}", np.where(made_in_us, f"{country}-made: wholly {country} content", "")))
    return decided(rid, requirement, threshold, form, ctx, basis, figures,
                   reason=None if assembled_in_us else f"assembled outside the {country}: assembly value is not {country} content")


DE_MINIMIS_BASES = {"transaction_value": "transaction value (UR 5(1)(a)(i))", "total_cost": "total cost (UR 5(1)(a)(ii))",
                    "net_cost": "net cost"}


def _de_minimis_bases(ctx: Context, requirement: Requirement) -> tuple[dict[str, int], str | None]:
    """The de minimis bases the rule file allows that the Vehicle sheet gives, in cents, and why
    a base the law allows is not used (None when nothing needs saying).  Without transaction value
    and total cost, net cost stands in: it is never more than total cost, so the test is stricter."""
    given = {"transaction_value": ctx.vehicle.transaction_value_cents, "total_cost": ctx.vehicle.total_cost_cents,
             "net_cost": ctx.net_cost}
    bases: dict[str, int] = {name: cents for name in requirement.basis if (cents := given[name]) is not None}
    missing = [name for name in requirement.basis if name not in bases]
    if not bases:
        return {"net_cost": ctx.net_cost}, (f"{' and '.join(missing).replace('_', ' ')} not given (Vehicle sheet): de minimis "
                                            "measured against net cost, which is never more than total cost, so stricter")
    return bases, (f"{' and '.join(missing).replace('_', ' ')} not given (Vehicle sheet): the "
                   f"{' and '.join(DE_MINIMIS_BASES[m] for m in missing)} basis was not available" if missing else None)


def tariff_shift(ctx: Context, rid: str, requirement: Requirement) -> RequirementResult:
    """Change of heading: non-originating materials of the vehicle's own heading (or
    subheading) may not exceed the de minimis share of any base the law allows (USMCA UR
    5(1)(a): (i) the transaction value, (ii) the total cost).  The same sum decides on every
    base, so it is met on one exactly when it is met on the largest: that is the base used."""
    threshold = ctx.threshold(rid, requirement)
    if threshold is None:
        return _not_applicable(rid, requirement, ctx)
    width = 4 if requirement.level == "heading" else 6
    own = ctx.vehicle.hs_code[:width]
    same = HsList((own,)).match(ctx.lines.hs)
    failing = same & ~ctx.originating()
    total = int(ctx.lines.value[failing].sum())
    bases, unavailable = _de_minimis_bases(ctx, requirement)
    basis_name = max(bases, key=lambda name: (bases[name], name == "total_cost"))  # a tie: the total cost, no assumption
    basis_cents = bases[basis_name]
    figures = {"non_originating_same_heading": total, **bases, "heading": own, "de_minimis_basis": basis_name}
    scaled = np.where(failing, ctx.lines.value * SHARE_ONE, 0).astype(np.int64)
    form = LinearForm(scaled, whole(0, basis_cents * SHARE_ONE, sign=+1), requirement.comparison, Fraction(threshold.value),
                      shortfall=f"of non-originating materials of the vehicle's own {requirement.level} to make originating")
    decision = form.decide()
    note = unavailable if unavailable and (not decision.met or "net cost" in unavailable) else None
    if basis_name == "transaction_value" and total:
        others = ", ".join(f"{display_pct(Fraction(100 * total, cents))}% of {DE_MINIMIS_BASES[name]}"
                           for name, cents in bases.items() if name != basis_name)
        ctx.assume("de-minimis-transaction-value", rid, None,
                   "de minimis measured against the Vehicle sheet's transaction_value, the larger base, taken as "
                   "determined under Schedule 3 and adjusted to exclude the costs of the vehicle's international "
                   "shipment (UR 5(1)(a)(i))" + (f"; the same materials are {others}" if others else ""),
                   "USMCA UR 5(1)(a)(i)")
    # Only lines of the vehicle's own heading have anything to say here (they are few).
    basis = np.full(len(scaled), "", dtype=object)
    said = same & ((scaled > 0) | ctx.originating())  # a line of no value counts nothing
    basis[said] = worded(ctx.origin_reasons()[said], f"; of the vehicle's own {requirement.level} {own}")
    return decided(rid, requirement, threshold, form, ctx, basis, figures, reason=note, decision=decision)


def _not_applicable(rid: str, requirement: Requirement, ctx: Context) -> RequirementResult:
    return RequirementResult(id=rid, title=requirement.title, kind=requirement.kind, status="not_applicable",
                             citation=requirement.citation,
                             reason=f"no threshold for vehicle class {ctx.vehicle_class!r} in this rule file")

