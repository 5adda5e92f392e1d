"""Evaluating many sourcing scenarios at once, over a lines x scenarios matrix.

Every requirement that sourcing moves is a sum over lines: the engine returns its linear form
(`roo_calc.engine.linear`), what each line counts (VNM, non-US content, non-originating core or
steel value, value not from high-wage plants) and how the sums decide.  A sourcing scenario
edits a few lines, so each of its sums is the baseline's, minus what its edited lines counted,
plus what they count once edited.  The edited lines of every scenario are stacked into one BOM
and counted by the engine in a single vectorised pass; the per-scenario sums are exact int64
reductions; the verdicts are the form's decisions, the very ones the engine makes.

Scope: scenarios that change who supplies a line and what the supplier declares (origin,
certifications, regional and US content, high wage).  Scenarios that change values or the
vehicle, and regimes whose requirements are not such sums (a review policy for uncertified
lines), are evaluated one at a time by the engine instead; `batchable` says which.  Section 232
is decided by such sums and by the batches of its qualifying regimes (`tariff_batch`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from roo_calc.bom.model import Bom
from roo_calc.engine.determine import evaluate
from roo_calc.engine.kinds import LINEAR_KINDS
from roo_calc.engine.linear import LinearForm, Part, decide_all
from roo_calc.engine.result import Determination, RequirementResult
from roo_calc.numbers import pct_to_e4
from roo_calc.rules.model import Regime
from roo_calc.scenarios.apply import LineIndex, no_match
from roo_calc.scenarios.model import Scenario

EDITABLE = ("origin_country", "supplier", "usmca_originating", "nafta_originating", "high_wage",
            "regional_content_e4", "us_content_e4")


def batchable(regime: Regime, known: Mapping[str, Regime] | None = None) -> bool:
    """Whether every requirement of the regime is a sum over lines the batch can take apart, or
    (a Section 232 regime) is decided by such sums and by batchable qualifying regimes
    (`roo_calc.scenarios.tariff_batch`)."""
    if regime.kind == "tariff":
        from roo_calc.scenarios.tariff_batch import batchable_tariff

        return batchable_tariff(regime, known)
    return regime.uncertified_regional != "review" and all(r.kind in LINEAR_KINDS for r in regime.requirements.values())


def edits_from_scenarios(bom: Bom, scenarios: list[Scenario]) -> pd.DataFrame:
    """The long edit table: one row per (scenario, edited line) with the new field values, in
    the order the scenario's changes first reach each line; a line reached by several changes of
    one scenario takes each field from the last change that sets it.  A selector or an edit shared
    by many scenarios (the loader shares equal ones) is resolved once, and the table is built
    column by column from the distinct edits."""
    index_ = LineIndex(bom.lines)
    lines_of: dict[int, list[int]] = {}  # by id() of a selector
    edit_of: dict[int, int] = {}  # by id() of an edit: its position in `values`
    values: list[dict] = []
    numbers: list[int] = []
    edits: list[int] = []
    picked: list[list[int]] = []
    for number, scenario in enumerate(scenarios):
        for position, change in enumerate(scenario.change, start=1):
            lines = lines_of.get(id(change.select))
            if lines is None:
                lines = lines_of[id(change.select)] = index_.picked(change.select)
            if not lines:
                raise no_match(bom, scenario, position, change)
            edit = edit_of.get(id(change.set))
            if edit is None:
                edit = edit_of[id(change.set)] = len(values)
                values.append(_edited_fields(change.set))
            numbers.append(number)
            edits.append(edit)
            picked.append(lines)
    counts = np.fromiter(map(len, picked), dtype=np.int64, count=len(picked))
    rows = _merged(np.repeat(np.array(numbers, dtype=np.int64), counts),
                   np.fromiter(itertools.chain.from_iterable(picked), dtype=np.int64, count=int(counts.sum())),
                   np.repeat(np.array(edits, dtype=np.int64), counts), values, len(bom.lines))
    columns = {"scenario": pd.Series(rows[0], dtype=np.int64), "line": pd.Series(rows[1], dtype=np.int64)}
    for name in EDITABLE:
        column = np.empty(len(values), dtype=object)
        column[:] = [v.get(name) for v in values]
        columns[name] = pd.Series(column[rows[2]], dtype=object)
    return pd.DataFrame(columns)


def _merged(scenario: np.ndarray, line: np.ndarray, edit: np.ndarray, values: list[dict],
            lines: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (scenario, line), where it first appears; a line edited by several changes of
    one scenario gets their edits merged in order (a new entry of `values`)."""
    key = scenario * lines + line
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    if len(first) == len(key):
        return scenario, line, edit
    inverse = inverse.reshape(-1)
    kept = np.sort(first)
    combined = edit[kept].copy()
    members: dict[int, list[int]] = {}  # by key, the edits of its rows in order
    repeated = np.flatnonzero(counts[inverse] > 1)
    for k, e in zip(inverse[repeated].tolist(), edit[repeated].tolist()):
        members.setdefault(k, []).append(e)
    merged: dict[tuple[int, ...], int] = {}
    for k, edits in members.items():
        if tuple(edits) not in merged:
            merged[tuple(edits)] = len(values)
            values.append({name: value for e in edits for name, value in values[e].items()})
        combined[np.searchsorted(kept, first[k])] = merged[tuple(edits)]
    return scenario[kept], line[kept], combined


def _edited_fields(edit) -> dict:
    """The line fields an edit sets, as the BOM holds them (percentages in ten-thousandths)."""
    row = {field: getattr(edit, field) for field in ("origin_country", "supplier", "usmca_originating", "nafta_originating",
                                                     "high_wage") if getattr(edit, field) is not None}
    if edit.regional_content_pct is not None:
        row["regional_content_e4"] = pct_to_e4(edit.regional_content_pct)
    if edit.us_content_pct is not None:
        row["us_content_e4"] = pct_to_e4(edit.us_content_pct)
    return row


@dataclass
class BatchResult:
    """Per scenario: the overall status, each requirement's status, and its exact value (percent),
    kept as integer numerators and denominators and turned into Fractions only when asked."""

    regime: str
    status: np.ndarray  # object: "eligible" | "not_eligible" | "needs_review" | "not_applicable"
    requirement_status: dict[str, np.ndarray]
    thresholds: dict[str, Fraction | None]
    _value: dict[str, Callable[[int], Fraction | None] | Fraction | None]
    # Scenarios in one group have the same determination and duty (None: those of one status do).
    same_as: np.ndarray | None = None
    # A requirement's whole result per scenario, where the batch builds it (Section 232: its figures).
    built: dict[str, Callable[[int], RequirementResult]] = dataclasses.field(default_factory=dict)
    # Each requirement's margin (RequirementResult.margin) where it is not the value against the threshold.
    _margin: dict[str, Callable[[int], Fraction | None] | Fraction | None] = dataclasses.field(default_factory=dict)

    def value(self, requirement: str, scenario: int) -> Fraction | None:
        found = self._value[requirement]
        return found(scenario) if callable(found) else found

    def margin(self, requirement: str, scenario: int) -> Fraction | None:
        """The margin decided by the requirement's form (None: the value against the threshold)."""
        found = self._margin.get(requirement)
        return found(scenario) if callable(found) else found

    @property
    def values(self) -> dict[str, list[Fraction | None]]:
        return {rid: [self.value(rid, k) for k in range(len(self.status))] for rid in self._value}


def _stacked(bom: Bom, edits: pd.DataFrame) -> Bom:
    lines = bom.lines.iloc[edits["line"].to_numpy()].reset_index(drop=True).copy()
    for field in EDITABLE:
        if field not in edits or not edits[field].notna().any():
            continue
        mask = edits[field].notna().to_numpy()
        lines.loc[mask, field] = edits.loc[mask, field].to_numpy()
    return bom.model_copy(update={"lines": lines})


_LAST: list = []  # (bom, edits, result) of the last call: compare asks it of one edit table per regime


def edited_lines(bom: Bom, edits: pd.DataFrame) -> tuple[Bom, np.ndarray]:
    """The distinct edited lines stacked into one BOM (each (line, edit) once), and for each row
    of the edit table the position of its line there.  Neither the BOM nor the edit table is ever
    changed in place, so the last answer is kept for the next regime."""
    if _LAST and _LAST[0] is bom and _LAST[1] is edits:
        return _LAST[2]
    distinct, inverse = _distinct_rows(edits)
    found = (_stacked(bom, distinct), inverse)
    _LAST[:] = [bom, edits, found]
    return found


def _distinct_rows(edits: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (line, edit) rows, and for each edit row the position of its distinct row."""
    if not len(edits):
        return edits.reset_index(drop=True), np.zeros(0, dtype=np.int64)
    factorized = [pd.factorize(edits[c], use_na_sentinel=True) for c in ("line", *EDITABLE)]
    if math.prod(len(uniques) + 1 for _, uniques in factorized) < 2**62:
        # One int64 per row, in the rows' own order (codes from 0, a blank as 0): sorted as the rows are.
        codes = np.zeros(len(edits), dtype=np.int64)
        for found, uniques in factorized:
            codes = codes * (len(uniques) + 1) + (found + 1)
    else:
        codes = np.column_stack([found for found, _ in factorized])
    _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
    return edits.iloc[first].reset_index(drop=True), inverse.reshape(-1).astype(np.int64)


def _per_scenario(values: np.ndarray, scenario: np.ndarray, count: int) -> np.ndarray:
    """Exact int64 sums of `values` per scenario id."""
    out = np.zeros(count, dtype=np.int64)
    np.add.at(out, scenario, values.astype(np.int64))
    return out


def evaluate_batch(bom: Bom, regime: Regime, on: date, edits: pd.DataFrame, count: int,
                   known: Mapping[str, Regime] | None = None, base: Determination | None = None,
                   batches: dict[str, Any] | None = None) -> BatchResult:
    """Verdicts for `count` scenarios given as an edit table (see `edits_from_scenarios`).
    `batches` keeps, by regime id, (baseline, batch) of the regimes a tariff asks about."""
    base = base or evaluate(bom, regime, on, known)
    if regime.kind == "tariff":
        from roo_calc.scenarios.tariff_batch import evaluate_tariff_batch

        return evaluate_tariff_batch(bom, regime, on, edits, count, known, base, {} if batches is None else batches)
    scen = edits["scenario"].to_numpy(dtype=np.int64)
    line = edits["line"].to_numpy(dtype=np.int64)
    # Scenarios often make the same edit to the same line: each distinct edited line is counted once.
    edited, inverse = edited_lines(bom, edits)
    stacked = evaluate(edited, regime, on, known) if len(edits) else base
    if any(r.form is not None for r in stacked.requirements if r.id in _undecided(base)):
        # An edit makes measurable what the baseline cannot measure (e.g. the first line declared
        # high_wage): the scenarios' verdicts are not the baseline's plus a change in sums.
        return _one_at_a_time(bom, regime, on, edits, count, known)
    counted = {r.id: r.form.counted[inverse] for r in stacked.requirements if r.form is not None and r.form.counted is not None}
    forms: dict[str, LinearForm] = {r.id: r.form for r in base.requirements if r.form is not None}
    sums: dict[str, list[np.ndarray]] = {}
    for req in base.requirements:
        form = req.form
        if form is None or form.counted is None or req.status not in ("pass", "fail") or (len(edits) and req.id not in counted):
            continue
        new = counted.get(req.id, np.zeros(0, dtype=np.int64))
        old = form.counted[line]
        sums[req.id] = [_part_sums(part, form.counted, new, old, line, scen, count) for part in form.summed()]
    decided = decide_all(forms, sums, count)
    statuses: dict[str, np.ndarray] = {}
    values: dict[str, Callable[[int], Fraction | None] | Fraction | None] = {}
    margins: dict[str, Callable[[int], Fraction | None] | Fraction | None] = {}
    thresholds: dict[str, Fraction | None] = {}
    for req in base.requirements:
        thresholds[req.id] = Fraction(req.threshold) if req.threshold is not None else None
        if req.id in sums:
            met, decision = decided[req.id]
            statuses[req.id] = np.where(met, "pass", "fail").astype(object)
            values[req.id] = (lambda d: lambda k: d(k).value)(decision)
            margins[req.id] = (lambda d: lambda k: d(k).margin)(decision)
        else:
            statuses[req.id] = np.full(count, req.status, dtype=object)
            values[req.id] = req.value
            margins[req.id] = req.decided_margin
    stack = np.vstack(list(statuses.values())) if statuses else np.zeros((0, count), dtype=object)
    failing = (stack == "fail").any(axis=0)
    review = (stack == "needs_review").any(axis=0) | bool(base.review)
    status = np.where(failing, "not_eligible", np.where(review, "needs_review", "eligible")).astype(object)
    if base.status == "not_applicable":  # the regime does not cover the vehicle: no sourcing changes that
        status = np.full(count, "not_applicable", dtype=object)
    return BatchResult(regime.id, status, statuses, thresholds, values, _margin=margins)


def _undecided(base: Determination) -> set[str]:
    """The baseline's requirements of a linear kind that it could not decide (needs review)."""
    return {r.id for r in base.requirements if r.form is None and r.kind in LINEAR_KINDS and r.status == "needs_review"}


def _one_at_a_time(bom: Bom, regime: Regime, on: date, edits: pd.DataFrame, count: int,
                   known: Mapping[str, Regime] | None) -> BatchResult:
    """Each scenario evaluated by the engine on its own edited BOM."""
    results = []
    scenario = edits["scenario"].to_numpy(dtype=np.int64)
    for k in range(count):
        mine = edits[scenario == k]
        lines = bom.lines.copy()
        edited = _stacked(bom, mine).lines
        positions = mine["line"].to_numpy(dtype=np.int64)
        for field in EDITABLE:
            lines.iloc[positions, lines.columns.get_loc(field)] = edited[field].to_numpy()
        results.append(evaluate(bom.model_copy(update={"lines": lines}), regime, on, known))
    ids = [r.id for r in results[0].requirements] if results else []
    statuses = {rid: np.array([next(r.status for r in d.requirements if r.id == rid) for d in results], dtype=object)
                for rid in ids}
    found = {rid: [next(r.value for r in d.requirements if r.id == rid) for d in results] for rid in ids}
    values: dict[str, Callable[[int], Fraction | None] | Fraction | None] = {rid: found[rid].__getitem__ for rid in ids}
    decided = {rid: [next(r.decided_margin for r in d.requirements if r.id == rid) for d in results] for rid in ids}
    margins: dict[str, Callable[[int], Fraction | None] | Fraction | None] = {rid: decided[rid].__getitem__ for rid in ids}
    thresholds = {r.id: Fraction(r.threshold) if r.threshold is not None else None for r in results[0].requirements} \
        if results else {}
    return BatchResult(regime.id, np.array([d.status for d in results], dtype=object), statuses, thresholds, values,
                       _margin=margins)


def _part_sums(part: Part, counted: np.ndarray, new: np.ndarray, old: np.ndarray, line: np.ndarray, scen: np.ndarray,
               count: int) -> np.ndarray:
    """A part's sum per scenario: the baseline's, less what its edited lines counted, plus what
    they count once edited (exact int64)."""
    base = np.full(count, part.total(counted), dtype=np.int64)
    if not len(line):
        return base
    inside = np.ones(len(line), dtype=bool) if part.members is None else part.members[line]
    return base + _per_scenario(new[inside], scen[inside], count) - _per_scenario(old[inside], scen[inside], count)
