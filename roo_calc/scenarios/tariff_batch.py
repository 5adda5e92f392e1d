"""Section 232 under many sourcing scenarios at once.

A sourcing scenario changes who supplies lines and what the supplier declares, never the
vehicle, a value or a date, so the Section 232 duty moves only through sums over lines and
through USMCA qualification:

- the duty on an imported vehicle (Proclamation 10908 cl.(2), 10984 cl.(2)) through its US
  content, the value of the lines made in the US, and whether the vehicle is USMCA-qualifying,
  which the batch of each qualifying regime decides per scenario;
- the parts tariff on a US-assembled vehicle (10908 cl.(1), (4); 10984 cl.(11)) through each
  line's own liability (its rate follows its origin, deal and certification) and the value of the
  imported and dutiable covered parts.

Each sum per scenario is the baseline's, less what the scenario's edited lines counted, plus what
they count once edited (exact int64, as in `roo_calc.scenarios.batch`).  The engine's own
functions (`vehicle_duty`, `parts_duty`) then build the result once per distinct input, so a
scenario's duty is the engine's to the cent.  What the batch leaves out: the drivers, the lines'
bases and the assumptions (run `evaluate` on an edited workbook for them), and the notes of the
parts tariff, which name the deals of the dutiable lines' countries (the reason says it
was evaluated in a batch).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import partial
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from roo_calc.bom.model import Bom
from roo_calc.engine.determine import context, evaluate, spared_result, tariff_status
from roo_calc.engine.requirements import Context
from roo_calc.engine.result import Determination, RequirementResult
from roo_calc.engine.tariffs import (PartsTerms, Usmca, VehicleTerms, parts_duty, parts_figures, parts_lines, parts_terms,
                                     qualifying_regimes, us_content_lines, usmca_answer, vehicle_duty, vehicle_terms)
from roo_calc.rules.model import Regime, Requirement

TARIFF_KINDS = frozenset({"section_232", "section_232_parts"})
BATCHED = "evaluated in a batch of sourcing scenarios (the duty and its figures exact; for the lines, evaluate the edited workbook)"


def batchable_tariff(regime: Regime, known: Mapping[str, Regime] | None) -> bool:
    """Whether every requirement is a Section 232 kind and every qualifying regime it asks about is
    batchable (a qualifying regime that is not loaded is a fixed answer: needs review)."""
    from roo_calc.scenarios.batch import batchable

    known = known or {}
    return regime.kind == "tariff" and all(
        r.kind in TARIFF_KINDS and all(q not in known or batchable(known[q]) for q in r.qualifying)
        for r in regime.requirements.values())


class _Sums:
    """Per-scenario sums of per-line vectors, from the baseline's vectors and the edited lines'."""

    def __init__(self, edits: pd.DataFrame, inverse: np.ndarray, count: int) -> None:
        self.scenario = edits["scenario"].to_numpy(dtype=np.int64)
        self.line = edits["line"].to_numpy(dtype=np.int64)
        self.inverse, self.count = inverse, count

    def __call__(self, base: np.ndarray, edited: np.ndarray) -> np.ndarray:
        """`base` per line of the BOM, `edited` per distinct edited line (see batch.edited_lines)."""
        out = np.full(self.count, int(base.sum()), dtype=np.int64)
        if len(self.line):
            delta = edited[self.inverse].astype(np.int64) - base[self.line].astype(np.int64)
            np.add.at(out, self.scenario, delta)
        return out


def evaluate_tariff_batch(bom: Bom, regime: Regime, on: date, edits: pd.DataFrame, count: int,
                          known: Mapping[str, Regime] | None, base: Determination, batches: dict[str, Any]):
    """A BatchResult for a Section 232 regime over `count` sourcing scenarios (see the module)."""
    from roo_calc.scenarios.batch import BatchResult, edited_lines

    known = known or {}
    built: dict[str, tuple[list[RequirementResult], np.ndarray]] = {}
    if base.vehicle_class is not None and len(edits):
        stacked, inverse = edited_lines(bom, edits)
        ctx = context(bom, regime, on, known, base.vehicle_class, base.applied_on)
        edited = context(stacked, regime, on, known, base.vehicle_class, base.applied_on)
        sums = _Sums(edits, inverse, count)
        for req in base.requirements:
            requirement = regime.requirements.get(req.id)
            if requirement is None or spared_result(regime, req.id, bom.vehicle) is not None:
                continue
            if requirement.kind == "section_232":
                terms = vehicle_terms(ctx, req.id, requirement)
                if isinstance(terms, VehicleTerms):
                    built[req.id] = _vehicles(ctx, edited, requirement, terms, sums, bom, on, known, edits, batches)
            elif requirement.kind == "section_232_parts":
                found = parts_terms(ctx, req.id, requirement)
                if isinstance(found, PartsTerms):
                    built[req.id] = _parts(ctx, edited, req.id, requirement, found, sums)
    statuses: dict[str, np.ndarray] = {}
    values: dict[str, Any] = {}
    groups = np.zeros(count, dtype=np.int64)
    picked: dict[str, Callable[[int], RequirementResult]] = {}
    for req in base.requirements:
        if req.id in built:
            results, group = built[req.id]
            picked[req.id] = partial(_pick, results, group)
            statuses[req.id] = np.array([r.status for r in results], dtype=object)[group]
            values[req.id] = partial(_pick_value, results, group)
            groups = groups * len(results) + group  # scenarios alike in every requirement share one group
            groups = np.unique(groups, return_inverse=True)[1].astype(np.int64)
        else:  # the lines cannot move it: the baseline's result, whole
            picked[req.id] = partial(_pick, [req], np.zeros(count, dtype=np.int64))
            statuses[req.id] = np.full(count, req.status, dtype=object)
            values[req.id] = req.value
    first = np.unique(groups, return_index=True)[1]
    status_of_group = [tariff_status({str(s[k]) for s in statuses.values()}, list(base.review)) for k in first]
    status = np.array(status_of_group, dtype=object)[groups] if count else np.zeros(0, dtype=object)
    thresholds = {r.id: Fraction(r.threshold) if r.threshold is not None else None for r in base.requirements}
    return BatchResult(regime.id, status, statuses, thresholds, values, same_as=groups, built=picked)


def _pick(results: list[RequirementResult], group: np.ndarray, k: int) -> RequirementResult:
    return results[group[k]]


def _pick_value(results: list[RequirementResult], group: np.ndarray, k: int) -> Fraction | None:
    return results[group[k]].value


def _grouped(keys: list[tuple], build: Callable[[tuple], RequirementResult]) -> tuple[list[RequirementResult], np.ndarray]:
    """The result for each distinct key, built once, and each scenario's index into them."""
    index: dict[tuple, int] = {}
    group = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys))
    return [build(k) for k in index], group


def _vehicles(ctx: Context, edited: Context, requirement: Requirement, terms: VehicleTerms, sums: _Sums, bom: Bom,
              on: date, known: Mapping[str, Regime], edits: pd.DataFrame, batches: dict[str, Any]):
    """The duty on an imported vehicle per scenario: its US content summed, its qualification from
    the statuses of the qualifying regimes in their batches (`tariffs.usmca_answer`)."""
    us = sums(us_content_lines(ctx, requirement), us_content_lines(edited, requirement))
    asked = qualifying_regimes(ctx, requirement) if terms.asks_origin else None
    verdicts: list[tuple[tuple[str, str], ...]] = [()]
    which = np.zeros(sums.count, dtype=np.int64)
    if isinstance(asked, list):
        verdicts, which = _verdicts(asked, bom, on, known, edits, sums.count, batches)

    def build(key: tuple) -> RequirementResult:
        found, us_content = key
        origin = asked if isinstance(asked, Usmca) else None if asked is None else _usmca(verdicts[found], on)
        result = vehicle_duty(terms, origin, us_content, ctx.vehicle_class)
        return result.model_copy(update={"reason": f"{result.reason}; {BATCHED}"})

    return _grouped(list(zip(which.tolist(), us.tolist())), build)


def _verdicts(asked: list[str], bom: Bom, on: date, known: Mapping[str, Regime], edits: pd.DataFrame, count: int,
              batches: dict[str, Any]) -> tuple[list[tuple[tuple[str, str], ...]], np.ndarray]:
    """The distinct verdicts of the qualifying regimes in force (a what-if regime does not count,
    as in `tariffs._usmca`), each as (regime, status) pairs, and each scenario's index into them."""
    from roo_calc.scenarios.batch import evaluate_batch

    ids, columns = [], []
    for regime_id in asked:
        if regime_id not in batches:
            regime_base = evaluate(bom, known[regime_id], on, known)
            batches[regime_id] = (regime_base, evaluate_batch(bom, known[regime_id], on, edits, count, known, regime_base))
        regime_base, batch = batches[regime_id]
        if not regime_base.what_if:
            ids.append(regime_id)
            columns.append(batch.status.astype(str))
    if not columns:
        return [()], np.zeros(count, dtype=np.int64)
    combos, inverse = np.unique(np.vstack(columns).T, axis=0, return_inverse=True)
    return [tuple(zip(ids, row.tolist())) for row in combos], inverse.reshape(-1).astype(np.int64)


def _usmca(verdicts: tuple[tuple[str, str], ...], on: date) -> Usmca:
    """USMCA qualification from the qualifying regimes' statuses in one scenario."""
    answer = usmca_answer(status for _, status in verdicts)
    listed = ", ".join(f"{regime}: {status}" for regime, status in verdicts)
    return Usmca(answer, {"yes": "USMCA-qualifying", "review": "USMCA qualification needs review",
                          "no": "not USMCA-qualifying"}[answer] + (f" ({listed} as of {on})" if listed else f" (no qualifying regime in force as of {on})"))


def _parts(ctx: Context, edited: Context, rid: str, requirement: Requirement, terms: PartsTerms, sums: _Sums):
    """The parts tariff per scenario: the lines' liability and the figures' value sums, each summed
    per scenario, then `parts_duty` once per distinct set of sums."""
    before, after = parts_lines(ctx, rid, requirement, terms), parts_lines(edited, rid, requirement, terms)
    rates = sorted({int(r) for r in before.rate_e4[before.dutiable]} | {int(r) for r in after.rate_e4[after.dutiable]})
    columns = {"liability": sums(before.counted, after.counted),
               "imported": sums(ctx.lines.value * before.imported, edited.lines.value * after.imported),
               "dutiable": sums(ctx.lines.value * before.dutiable, edited.lines.value * after.dutiable)}
    for r in rates:
        at, at_edited = before.dutiable & (before.rate_e4 == r), after.dutiable & (after.rate_e4 == r)
        columns[f"lines_at_{r}"] = sums(at.astype(np.int64), at_edited.astype(np.int64))
        columns[f"value_at_{r}"] = sums(ctx.lines.value * at, edited.lines.value * at_edited)
    names = list(columns)
    keys = list(zip(*(columns[n].tolist() for n in names)))

    def build(key: tuple) -> RequirementResult:
        found = dict(zip(names, key))
        at_rate = {r: found[f"value_at_{r}"] for r in rates if found[f"lines_at_{r}"]}
        figures = parts_figures(terms, found["imported"], found["dutiable"], at_rate)
        result = parts_duty(ctx, requirement, terms, figures, (), found["liability"])
        return result.model_copy(update={"reason": f"{result.reason}; {BATCHED}" if result.reason else BATCHED})

    return _grouped(keys, build)
