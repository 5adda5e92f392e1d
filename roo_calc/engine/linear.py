"""A requirement's exact linear form: what each BOM line counts, and how the sums decide.

Every requirement that sourcing can move is a sum over lines.  Its evaluator states, per line,
the amount the line counts (VNM, non-US content, non-originating core-part or Table S value,
value not from high-wage plants) in scaled cents (cents x SHARE_ONE, exact integers).  A
`Part` turns the sum S over its lines into a figure in percent:

    100 x (offset - S) / basis     (sign -1: what a line counts lowers the figure)
    100 x S / basis                (sign +1: it raises the figure, e.g. a de minimis share)

The requirement is met when every part of some option meets the limit ("at least" / "at
most"): one option of one part for most kinds; for core parts, each group, or the super-core
(USMCA UR 14(4), 14(10)).  Credit points may be added to the figure: fixed ones (LVC
technology and assembly credits), with a floor the figure must reach first, or earned from
another requirement's figure (USMCA UR 18(22), `EarnedCredit`).

A self-produced part whose origin rests on its own RVC is a `Gate`: its materials count in the
form's sums only while the part is not originating, which is itself a bound on what they count
(USMCA UR 14(1), 15(1), 20(1): the VNM used to produce an originating material is not the
vehicle's).  A gate's sum is one more sum of the form (`summed`), so the batch path sums it per
scenario like any part; `settled` gives the plain linear form with each part's origin as it
stands, which `advise` plans with.

The engine computes its own verdict from the form (`LinearForm.decide`), `advise` turns it into
bounds on the sums (`LinearForm.most`), and the batch path decides many sums at once
(`decide_all`): one formula, so the three cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np

Comparison = Literal["at_least", "at_most"]
ZERO = Fraction(0)


@dataclass(frozen=True)
class Part:
    """One figure of a requirement over the lines in `members` (None: every line)."""

    offset: int  # scaled cents
    sign: Literal[-1, 1]
    basis: int  # scaled cents, > 0
    members: np.ndarray | None = None  # bool per line
    label: str | None = None  # a core-part group, or "super-core"; None: the requirement as a whole

    def total(self, counted: np.ndarray | None) -> int:
        """The sum S of what the part's lines count (0 when no line counts)."""
        if counted is None:
            return 0
        return int(counted.sum() if self.members is None else counted[self.members].sum())

    def figure(self, total: int) -> Fraction:
        return Fraction(100 * (self.offset + self.sign * total), self.basis)

    def most(self, limit: Fraction, comparison: Comparison) -> Fraction:
        """The largest sum S (scaled cents) at which the figure still meets `limit`."""
        if comparison == "at_least" and self.sign == -1:
            return self.offset - limit * self.basis / 100
        if comparison == "at_most" and self.sign == 1:
            return limit * self.basis / 100
        raise ValueError(f"a sign {self.sign} part cannot be bounded {comparison}")


@dataclass(frozen=True)
class Gate:
    """A self-produced part measured by its own RVC: originating while the sum of what its
    materials (`members`) count stays at most `most` (scaled cents), and while it is, they leave
    every part's sum.  Only in forms whose parts count every line."""

    members: np.ndarray  # bool per line: the materials below the make line
    most: int  # the largest sum at which the part meets its threshold (scaled cents)
    label: str = ""  # "row 12 ENG (engine, self-produced)"

    def part(self) -> Part:
        """The gate's sum as a part of the form (for code that sums parts: totals, the batch)."""
        return Part(0, -1, 1, self.members, self.label)


@dataclass(frozen=True)
class EarnedCredit:
    """Points a requirement earns from another one's figure: USMCA UR 18(22), the heavy-truck
    high-wage points above `points_above` of an LVC above `figure_above` count toward the RVC,
    the LVC requirement itself being met."""

    source: str  # the requirement whose decision earns it
    points_above: Fraction
    figure_above: Fraction

    def points(self, source: Decision) -> Fraction:
        if not source.met or source.value <= self.figure_above or source.points <= self.points_above:
            return ZERO
        return source.points - self.points_above


@dataclass(frozen=True)
class Bound:
    """One linear bound of `LinearForm.credit_way`: weight x S + source_weight x S' <= most, S the
    sum of this form's part `part`, S' that of the credit's source form (scaled cents)."""

    part: int
    most: Fraction
    label: str = ""
    weight: int = 1
    source_weight: int = 0

    def counted(self, mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
        """What each line counts against the bound, given what it counts in each form."""
        return (self.weight * mine + self.source_weight * theirs).astype(np.int64)


@dataclass(frozen=True)
class Decision:
    """A form decided on one set of sums: met or not, the figure with its credit (percent), the
    figure before credit, the option used (None when none meets the limit), and the margin: the
    points by which the figure before credit clears (+) or misses (-) the least figure that meets
    the form with the credit offered (`LinearForm.needed`), so that a figure that much lower still
    meets it and any lower does not."""

    met: bool
    value: Fraction
    points: Fraction
    option: int | None
    margin: Fraction = ZERO


Limit = Fraction | np.ndarray  # one limit, or one per scenario (an object array of Fractions)


@dataclass(frozen=True)
class LinearForm:
    """What a requirement counts per line and how the sums decide it (see the module doc)."""

    counted: np.ndarray | None  # int64 scaled cents per line; None: no BOM line moves it
    parts: tuple[Part, ...]
    comparison: Comparison
    limit: Fraction
    options: tuple[tuple[int, ...], ...] = ((0,),)  # met when every part of some option meets the limit
    credit: Fraction = ZERO  # points added to the figure
    credit_floor: Fraction | None = None  # the credit counts only where the figure is at least this
    earned: EarnedCredit | None = None  # the credit is earned from another requirement (see `decide_all`)
    minimum: Fraction | None = None  # the figure before credit must reach this too
    shortfall: str = ""  # what a gap in the sums is, in words: "of non-originating value to make originating"
    fixed: str | None = None  # why no BOM line moves it (when `counted` is None)
    gates: tuple[Gate, ...] = ()  # self-produced parts whose materials leave the sums while originating

    def __post_init__(self) -> None:
        if self.gates and any(p.members is not None for p in self.parts):
            raise ValueError("a form with gates counts every line in each part")

    def summed(self) -> tuple[Part, ...]:
        """Every sum the form is decided on, in order: its parts, then one per gate."""
        return self.parts + tuple(g.part() for g in self.gates)

    def totals(self) -> list[int]:
        return [p.total(self.counted) for p in self.summed()]

    def originating(self, totals: Sequence[int] | None = None) -> list[bool]:
        """Whether each gate's part is originating on these sums (default: the form's own)."""
        sums = self.totals() if totals is None else totals
        return [int(sums[len(self.parts) + k]) <= g.most for k, g in enumerate(self.gates)]

    def settled(self) -> LinearForm:
        """The plain linear form with each gate's part as it stands on the form's own sums: the
        materials of an originating one count nothing, those of the others count as they are.
        Certifying or re-sourcing a line only lowers what it counts, so a part originating now
        stays so under any plan; one that is not may become so (`advise` offers that as a way)."""
        if not self.gates or self.counted is None:
            return self
        counted = self.counted.copy()
        for gate, originating in zip(self.gates, self.originating()):
            if originating:
                counted[gate.members] = 0
        return replace(self, counted=counted, gates=())

    def effective(self) -> np.ndarray | None:
        """What each line counts once the gates are settled (the form's own counts if none)."""
        return self.settled().counted

    def decide(self, totals: Sequence[int] | None = None, credit: Fraction | None = None) -> Decision:
        """The decision on these sums (default: the form's own)."""
        sums = [np.array([t], dtype=np.int64) for t in (self.totals() if totals is None else totals)]
        return self.decide_many(sums, self.credit if credit is None else credit)[1](0)

    def decide_many(self, totals: Sequence[np.ndarray], credit: Limit) -> tuple[np.ndarray, Callable[[int], Decision]]:
        """Whether the form is met for each scenario's sums (one array per part, exact integer
        comparisons), and each scenario's decision on demand."""
        needed = (np.array([self.needed(c) for c in credit.tolist()], dtype=object) if isinstance(credit, np.ndarray)
                  else self.needed(credit))
        totals = self._gated(totals)
        met = self._options_meet(totals, needed)

        def decision(k: int) -> Decision:
            return _decision(self, [int(t[k]) for t in totals], credit[k] if isinstance(credit, np.ndarray) else credit,
                             bool(met[k]))

        return met, decision

    def _gated(self, totals: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The parts' sums less the sums of the gates whose part is originating in each scenario."""
        n = len(self.parts)
        out = [np.asarray(t, dtype=np.int64) for t in totals[:n]]
        for k, gate in enumerate(self.gates):
            gate_sum = np.asarray(totals[n + k], dtype=np.int64)
            leaves = np.where(gate_sum <= gate.most, gate_sum, 0)
            out = [t - leaves for t in out]
        return out

    def needed(self, credit: Fraction | None = None) -> Fraction:
        """The figure before credit at which the form is just met with `credit` points offered
        (default: its own): the limit less the credit, but not below the credit's floor while the
        credit is needed to reach the limit (USMCA UR 18(22): the credit counts only while the
        RVC is at least 60%), nor below the minimum.  The one formula the verdict, the margin and
        the money to qualify are all taken from."""
        credit = self.credit if credit is None else credit
        if self.comparison == "at_most":  # no at-most form has a floor or a minimum
            return self.limit - credit
        needed = self.limit - credit
        if self.credit_floor is not None:
            needed = max(needed, min(self.credit_floor, self.limit))
        if self.minimum is not None:
            needed = max(needed, self.minimum)
        return needed

    def shifted(self, margin: Fraction) -> LinearForm:
        """The form asking `margin` points more of each of its limits (the credit's floor and the
        minimum too): met exactly where this one's margin (`Decision.margin`) is at least `margin`."""
        at_least = self.comparison == "at_least"
        return replace(self, limit=self.limit + margin if at_least else self.limit - margin,
                       minimum=None if self.minimum is None else self.minimum + margin,
                       credit_floor=None if self.credit_floor is None else self.credit_floor + margin)

    def clears(self, margin: Fraction, credit: Fraction | None = None) -> bool:
        """Whether the form is met with `margin` points to spare on each of its limits, on its own
        sums: what a plan with a safety margin aims at.  With several options one must clear it,
        which the figure shown (that of the first option that passes) need not."""
        return self.shifted(margin).decide(credit=credit).met

    def most(self, margin: Fraction = ZERO) -> list[Fraction]:
        """Per part, the largest sum with which the requirement is met by `margin` points more
        than asked.  A credit with a floor or earned from another requirement is left out (the
        bound is then safe, not tight: `most_with_fixed_credit` and `credit_way` count an earned
        one exactly); a fixed credit is counted."""
        if self.comparison == "at_most":
            target = self.limit - margin
        else:
            target = self.limit + margin - (self.credit if self.credit_floor is None and self.earned is None else 0)
            if self.minimum is not None:
                target = max(target, self.minimum + margin)
        return [p.most(target, self.comparison) for p in self.parts]

    def most_with_fixed_credit(self, source: LinearForm, margin: Fraction = ZERO) -> list[Fraction]:
        """`most`, counting exactly a credit earned from a `source` form that no line moves (its sums
        fixed): met by `margin` either without the credit, or with it and at least the credit's
        floor plus the margin (``figure >= max(floor, limit - credit) + margin``, `shifted`, `needed`)."""
        assert self.earned is not None and self.comparison == "at_least" and source.counted is None
        target = self.shifted(margin).needed(self.earned.points(source.decide()))
        return [p.most(target, self.comparison) for p in self.parts]

    def credit_way(self, source: LinearForm, margin: Fraction = ZERO) -> list[Bound] | None:
        """The linear bounds under which this form is met by `margin` points using the credit it
        earns from `source` (whose lines move): the source met, its figure above the credit's
        `figure_above` (strictly) and its points at least `points_above`, this figure at least the
        credit's floor plus the margin (a dollar past the floor loses the whole credit), and this figure plus the credit (source points - points_above) at least
        the limit plus the margin.  The form is met by `margin` exactly when `most(margin)` holds
        or these all do (USMCA UR 18(22)).  None when either form is not of the one-part,
        lines-lower-the-figure shape this is derived for."""
        earned = self.earned
        if earned is None or source.counted is None or self.counted is None:
            return None
        if any(len(f.parts) != 1 or f.parts[0].sign != -1 or f.parts[0].members is not None or f.options != ((0,),)
               or f.comparison != "at_least" or f.credit_floor is not None or f.earned is not None
               for f in (replace(self, credit_floor=None, earned=None), source)) or self.credit:
            return None
        mine, theirs = self.parts[0], source.parts[0]
        bounds = [Bound(0, most, label=" (source met)", source_weight=1, weight=0) for most in source.most()]
        # Source figure + its fixed credit > figure_above: its sum below a bound, strictly (integer sums).
        above = theirs.offset - (earned.figure_above - source.credit) * theirs.basis / 100
        bounds.append(Bound(0, Fraction(math.ceil(above) - 1), label=" (credit: source figure above)", source_weight=1,
                            weight=0))
        bounds.append(Bound(0, theirs.most(earned.points_above, "at_least"), label=" (credit: source points)",
                            source_weight=1, weight=0))
        if self.credit_floor is not None:
            bounds.append(Bound(0, mine.most(self.credit_floor + margin, "at_least"), label=" (credit floor)"))
        # 100 (oR - S) / bR + 100 (oL - S') / bL - points_above >= limit + margin, times bR bL / (100 g):
        g = math.gcd(mine.basis, theirs.basis)
        weight, source_weight = theirs.basis // g, mine.basis // g
        most = (weight * mine.offset + source_weight * theirs.offset
                - (self.limit + margin + earned.points_above) * mine.basis * theirs.basis / (100 * g))
        bounds.append(Bound(0, most, label=" (with the credit)", weight=weight, source_weight=source_weight))
        return bounds

    def _meets(self, index: int, total: np.ndarray, limit: Limit) -> np.ndarray:
        part = self.parts[index]
        numerator, denominator = _terms(limit)
        right = numerator * part.basis
        exact: type = object
        if not isinstance(limit, np.ndarray):  # one limit: int64 when no product can overflow
            largest = (abs(part.offset) + int(np.abs(total).max(initial=0))) * 100 * denominator
            exact = np.int64 if max(largest, abs(right)) < 2**62 else object
        left = (part.offset + part.sign * total.astype(exact)) * 100 * denominator
        return np.asarray(left >= right if self.comparison == "at_least" else left <= right, dtype=bool)

    def _options_meet(self, totals: Sequence[np.ndarray], limit: Limit) -> np.ndarray:
        met = np.zeros(len(totals[0]) if totals else 0, dtype=bool)
        for option in self.options:
            every = np.ones(len(met), dtype=bool)
            for index in option:
                every &= self._meets(index, totals[index], limit)
            met |= every
        return met


def _decision(form: LinearForm, totals: Sequence[int], credit: Fraction, met: bool) -> Decision:
    """The figure of the option used (the first that meets the limit, else the best miss), plus
    the credit where it counts."""
    figures = [p.figure(t) for p, t in zip(form.parts, totals)]
    worst = min if form.comparison == "at_least" else max
    best = max if form.comparison == "at_least" else min
    per_option = [worst(figures[i] for i in option) for option in form.options]
    option = next((k for k, f in enumerate(per_option)
                   if (f >= form.limit if form.comparison == "at_least" else f <= form.limit)), None)
    points = per_option[option] if option is not None else best(per_option)
    usable = form.credit_floor is None or points >= form.credit_floor
    margin = points - form.needed(credit) if form.comparison == "at_least" else form.needed(credit) - points
    return Decision(met, points + (credit if usable else 0), points, option, margin)


def _terms(limit: Limit) -> tuple[Any, Any]:
    """A limit's numerator and denominator (Python integers, or object arrays of them)."""
    if isinstance(limit, np.ndarray):
        return (np.array([f.numerator for f in limit.tolist()], dtype=object),
                np.array([f.denominator for f in limit.tolist()], dtype=object))
    return limit.numerator, limit.denominator


def decide_all(forms: Mapping[str, LinearForm], sums: Mapping[str, Sequence[np.ndarray]],
               count: int) -> dict[str, tuple[np.ndarray, Callable[[int], Decision]]]:
    """Every form decided on `count` scenarios' sums (`sums[id]`: one array per part; a form
    without sums keeps its own in every scenario), a credit earned from another requirement
    taken from that requirement's decision in the same scenario."""
    out: dict[str, tuple[np.ndarray, Callable[[int], Decision]]] = {}

    def resolve(rid: str) -> tuple[np.ndarray, Callable[[int], Decision]]:
        if rid not in out:
            form = forms[rid]
            totals = sums.get(rid) or [np.full(count, t, dtype=np.int64) for t in form.totals()]
            credit: Limit = form.credit
            if form.earned is not None and form.earned.source in forms:
                _met, source = resolve(form.earned.source)
                credit = np.array([form.earned.points(source(k)) for k in range(count)], dtype=object)
            out[rid] = form.decide_many(totals, credit)
        return out[rid]

    for rid in forms:
        resolve(rid)
    return out
