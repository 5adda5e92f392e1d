"""What the engine returns: a `Determination` per regime, with every figure behind it.

Exact values are kept as `Fraction` (ratios, percent) and integer cents; turning them into
text for people or JSON is the reports' job (see `roo_calc.numbers` for the display rules).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, InstanceOf

from roo_calc.certificates.model import CertifiedLine
from roo_calc.engine.linear import LinearForm

# Statuses.  A preference regime (USMCA, NAFTA...) says whether the vehicle qualifies:
# "eligible" / "not_eligible".  A tariff regime (Section 232) says what is owed, never
# "eligible": "duty" (an amount is owed; see the requirements' `duty` figures) / "no_duty".
# Both use "needs_review" when a fact is missing or the law leaves it open (a tariff then shows
# each possible amount), and "not_applicable" when the regime does not cover the vehicle.
DeterminationStatus = Literal["eligible", "not_eligible", "duty", "no_duty", "needs_review", "not_applicable"]
RequirementStatus = Literal["pass", "fail", "duty", "no_duty", "needs_review", "not_applicable"]
TARIFF_STATUSES = ("duty", "no_duty")


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class LineContribution(_Result):
    """One BOM line's part in a requirement's figure."""

    row: int
    part_number: str
    description: str | None
    hs_code: str
    origin_country: str
    value_cents: int
    counted_cents: Fraction  # what the line adds to the figure (e.g. to VNM)
    basis: str  # why it counts that much, with the provision


class Assumption(_Result):
    """A fact the engine had to assume, with the lines and the value that ride on it."""

    code: str
    requirement: str | None
    text: str
    rows: tuple[int, ...]
    value_at_stake_cents: int
    citation: str | None = None


class RequirementResult(_Result):
    id: str
    title: str
    kind: str
    status: RequirementStatus
    comparison: Literal["at_least", "at_most"] = "at_least"
    value: Fraction | None = None  # percent
    threshold: Decimal | None = None  # percent
    threshold_from: date | None = None
    threshold_unconfirmed: bool = False
    threshold_note: str | None = None
    citation: str
    threshold_citation: str | None = None
    figures: dict[str, Fraction | int | str] = {}
    drivers: tuple[LineContribution, ...] = ()
    reason: str | None = None
    # Every line's part in the figure, for line-level reports: scaled cents (cents x 10^6) and why.
    line_counted: object | None = Field(default=None, repr=False, exclude=True)
    line_basis: object | None = Field(default=None, repr=False, exclude=True)
    line_groups: object | None = Field(default=None, repr=False, exclude=True)  # core parts: each line's group
    # How the lines' counts decide the verdict (engine.linear), for requirements that sourcing moves.
    form: InstanceOf[LinearForm] | None = Field(default=None, repr=False, exclude=True)
    # The margin its form's decision gives (engine.linear.Decision), where the form decides it.
    decided_margin: Fraction | None = None

    @property
    def margin(self) -> Fraction | None:
        """Percentage points the value can lose (+) and still meet the requirement, or must gain
        (-) to meet it.  That is the value against the threshold, except where a credit counts
        only above a floor or a minimum binds (USMCA UR 18(22), 18(1)): then the figure before
        credit against the least figure that meets the requirement (`decided_margin`)."""
        return self.decided_margin if self.decided_margin is not None else self._against_threshold()

    @property
    def margin_off_threshold(self) -> bool:
        """Whether the margin is not simply the value against the threshold (see `margin`)."""
        return self.decided_margin is not None and self.decided_margin != self._against_threshold()

    def _against_threshold(self) -> Fraction | None:
        if self.value is None or self.threshold is None:
            return None
        diff = self.value - Fraction(self.threshold)
        return diff if self.comparison == "at_least" else -diff


class Determination(_Result):
    regime: str
    title: str
    regime_status: str
    regime_kind: str = "preference"
    status: DeterminationStatus
    as_of: date
    applied_on: date
    what_if: str | None = None
    condition: str | None = None
    vehicle_class: str | None = None
    vehicle_class_title: str | None = None
    requirements: tuple[RequirementResult, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    review: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # About the vehicle's class: a declared vehicle_type the law's class overrides, or why the regime
    # does not cover the vehicle (status not_applicable).
    vehicle_notes: tuple[str, ...] = ()
    rule_file: str | None = None
    entry_date: date | None = None  # tariff regimes: the entry date the duty keys on (origin keys on `as_of`)
    duty_exposure: object | None = None  # engine.duty.DutyExposure, added by `with_duty_exposure`
    certified_lines: tuple[CertifiedLine, ...] = ()  # lines that took facts from a supplier certification

    @property
    def eligible(self) -> bool:
        return self.status == "eligible"

    @property
    def binding(self) -> RequirementResult | None:
        """The requirement that decides the verdict: the worst failing one, else the tightest."""
        scored = [r for r in self.requirements if r.margin is not None]
        failing = [r for r in self.requirements if r.status == "fail"]
        if failing:
            with_margin = [r for r in failing if r.margin is not None]
            return min(with_margin, key=_margin) if with_margin else failing[0]
        review = [r for r in self.requirements if r.status == "needs_review"]
        if review:
            return review[0]
        floors = [r for r in scored if r.comparison == "at_least"] or scored
        return min(floors, key=_margin) if floors else None


def _margin(requirement: RequirementResult) -> Fraction:
    margin = requirement.margin
    assert margin is not None
    return margin
