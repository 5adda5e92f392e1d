"""Evaluating many sourcing scenarios at once, over a lines x scenarios matrix.

Every requirement that sourcing moves is a sum over lines (see `roo_calc.advise`): the engine
reports what each line counts (VNM, non-US content, non-originating core or steel value, value
not from high-wage plants).  A sourcing scenario edits a few lines, so a scenario's total is the
baseline total, minus what its edited lines counted, plus what they count once edited.  The
edited lines of every scenario are stacked into one BOM and counted by the engine in a single
vectorised pass; the per-scenario sums are exact int64 reductions; verdicts come from exact
integer comparisons, the same ones the engine makes.

Scope: scenarios that change who supplies a line and what the supplier declares (origin,
certifications, regional and US content, high wage).  Scenarios that change values or the
vehicle, and regimes whose requirements are not such sums (Section 232, a review policy for
uncertified lines), are evaluated one at a time by the engine instead; `batchable` says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from roo_calc.bom.model import Bom
from roo_calc.engine.determine import evaluate
from roo_calc.engine.requirements import LINE_ADDITIVE_KINDS
from roo_calc.engine.usmca_auto import best_core_option
from roo_calc.engine.result import Determination
from roo_calc.numbers import SHARE_ONE, pct_to_e4
from roo_calc.rules.model import Regime
from roo_calc.scenarios.apply import LineIndex, no_match
from roo_calc.scenarios.model import Scenario

EDITABLE = ("origin_country", "supplier", "usmca_originating", "nafta_originating", "high_wage",
            "regional_content_e4", "us_content_e4")


def batchable(regime: Regime) -> bool:
    """Whether every requirement of the regime is a sum over lines the batch can take apart."""
    return regime.uncertified_regional != "review" and all(r.kind in LINE_ADDITIVE_KINDS for r in regime.requirements.values())


def edits_from_scenarios(bom: Bom, scenarios: list[Scenario]) -> pd.DataFrame:
    """The long edit table: one row per (scenario, edited line) with the new field values."""
    parts = []
    index_ = LineIndex(bom.lines)
    for number, scenario in enumerate(scenarios):
        current: dict[int, dict] = {}
        for position, change in enumerate(scenario.change, start=1):
            mask = index_.mask(change.select)
            if not mask.any():
                raise no_match(bom, scenario, position, change)
            for index in np.flatnonzero(mask).tolist():
                row = current.setdefault(index, {})
                edit = change.set
                for field in ("origin_country", "supplier", "usmca_originating", "nafta_originating", "high_wage"):
                    if getattr(edit, field) is not None:
                        row[field] = getattr(edit, field)
                if edit.regional_content_pct is not None:
                    row["regional_content_e4"] = pct_to_e4(edit.regional_content_pct)
                if edit.us_content_pct is not None:
                    row["us_content_e4"] = pct_to_e4(edit.us_content_pct)
        for index, fields in current.items():
            parts.append({"scenario": number, "line": index, **fields})
    return pd.DataFrame(parts, columns=["scenario", "line", *EDITABLE])


@dataclass
class BatchResult:
    """Per scenario: the overall status, each requirement's status, and its exact value (percent),
    kept as integer numerators and denominators and turned into Fractions only when asked."""

    regime: str
    status: np.ndarray  # object: "eligible" | "not_eligible" | "needs_review" | "not_applicable"
    requirement_status: dict[str, np.ndarray]
    thresholds: dict[str, Fraction | None]
    _value: dict[str, object]

    def value(self, requirement: str, scenario: int) -> Fraction | None:
        found = self._value[requirement]
        return found(scenario) if callable(found) else found

    @property
    def values(self) -> dict[str, list[Fraction | None]]:
        return {rid: [self.value(rid, k) for k in range(len(self.status))] for rid in self._value}


def _at_least(numerator: np.ndarray, denominator: np.ndarray, limit: Fraction) -> np.ndarray:
    """numerator / denominator x 100 >= limit, exactly (Python integers, no overflow)."""
    return (numerator.astype(object) * (100 * limit.denominator) >= denominator.astype(object) * limit.numerator).astype(bool)


def _stacked(bom: Bom, edits: pd.DataFrame) -> Bom:
    lines = bom.lines.iloc[edits["line"].to_numpy()].reset_index(drop=True).copy()
    for field in EDITABLE:
        if field not in edits or not edits[field].notna().any():
            continue
        mask = edits[field].notna().to_numpy()
        lines.loc[mask, field] = edits.loc[mask, field].to_numpy()
    return bom.model_copy(update={"lines": lines})


def _distinct(edits: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (line, edit) rows, and for each edit row the position of its distinct row."""
    keys = list(zip(*(edits[c].tolist() for c in ("line", *EDITABLE))))
    first: dict[tuple, int] = {}
    inverse = np.fromiter((first.setdefault(k, len(first)) for k in keys), dtype=np.int64, count=len(keys))
    keep = np.zeros(len(keys), dtype=bool)
    keep[np.unique(inverse, return_index=True)[1]] = True
    return edits[keep].reset_index(drop=True), inverse


def _per_scenario(values: np.ndarray, scenario: np.ndarray, count: int) -> np.ndarray:
    """Exact int64 sums of `values` per scenario id."""
    out = np.zeros(count, dtype=np.int64)
    np.add.at(out, scenario, values.astype(np.int64))
    return out


def evaluate_batch(bom: Bom, regime: Regime, on: date, edits: pd.DataFrame, count: int,
                   known: dict[str, Regime] | None = None, base: Determination | None = None) -> BatchResult:
    """Verdicts for `count` scenarios given as an edit table (see `edits_from_scenarios`)."""
    base = base or evaluate(bom, regime, on, known)
    scen = edits["scenario"].to_numpy(dtype=np.int64)
    line = edits["line"].to_numpy(dtype=np.int64)
    # Scenarios often make the same edit to the same line: each distinct edited line is counted once.
    distinct, inverse = _distinct(edits)
    stacked = evaluate(_stacked(bom, distinct), regime, on, known) if len(edits) else base
    counted = {r.id: None if r.line_counted is None else np.asarray(r.line_counted, dtype=np.int64)[inverse]
               for r in stacked.requirements}
    v = bom.vehicle
    nc = v.net_cost_cents * SHARE_ONE
    statuses: dict[str, np.ndarray] = {}
    values: dict[str, object] = {}
    thresholds: dict[str, Fraction | None] = {}
    for req in base.requirements:
        thresholds[req.id] = t = Fraction(req.threshold) if req.threshold is not None else None
        moved = req.line_counted is not None and req.status in ("pass", "fail")
        new = counted.get(req.id)
        if not moved or (len(edits) and new is None):
            statuses[req.id] = np.full(count, req.status, dtype=object)
            values[req.id] = req.value
            continue
        base_lines = np.asarray(req.line_counted, dtype=np.int64)
        delta = np.zeros(count, dtype=np.int64)
        if len(edits):
            delta = _per_scenario(new, scen, count) - \
                _per_scenario(base_lines[line], scen, count)
        f = req.figures
        if req.kind == "core_parts":
            value, ok = _core_parts(req, new, base_lines, line, scen, count, bom, regime, base.vehicle_class, t)
        else:
            total = int(base_lines.sum()) + delta  # per scenario, scaled cents
            num, den = _ratio(req.kind, f, total, nc, bom)
            value = _lazy(num, den)
            if req.kind == "tariff_shift":
                ok = ~_at_least(num, den, t) | _equal(num, den, t)
            elif req.kind == "labor_value_content":
                extra = Fraction(f["technology_points"]) + Fraction(f["assembly_points"])
                ok = _at_least(num, den, t - extra)
                minimum = f.get("minimum_high_wage_points")
                if minimum not in (None, "-"):
                    ok &= _at_least(num, den, Fraction(minimum))
                value = _lazy(num, den, extra)
            elif req.kind == "regional_value_content" and f.get("excess_lvc_points") is not None:
                # USMCA UR 18(22): the heavy-truck credit applies where the RVC itself is not below the floor.
                credit, floor = Fraction(f["excess_lvc_points"]), Fraction(f["excess_lvc_rvc_floor"])
                usable = _at_least(num, den, floor)
                ok = _at_least(num, den, t) | (usable & _at_least(num, den, t - credit))
                value = (lambda n, d, u, c: (lambda k: Fraction(int(n[k]) * 100, int(d[k])) + (c if u[k] else 0)))(num, den, usable, credit)
            else:
                ok = _at_least(num, den, t)
        statuses[req.id] = np.where(ok, "pass", "fail").astype(object)
        values[req.id] = value
    stack = np.vstack(list(statuses.values())) if statuses else np.zeros((0, count), dtype=object)
    failing = (stack == "fail").any(axis=0)
    review = (stack == "needs_review").any(axis=0) | bool(base.review)
    status = np.where(failing, "not_eligible", np.where(review, "needs_review", "eligible")).astype(object)
    if base.status == "not_applicable":  # the regime does not cover the vehicle: no sourcing changes that
        status = np.full(count, "not_applicable", dtype=object)
    return BatchResult(regime.id, status, statuses, thresholds, values)


def _equal(numerator: np.ndarray, denominator: np.ndarray, limit: Fraction) -> np.ndarray:
    return (numerator.astype(object) * (100 * limit.denominator) == denominator.astype(object) * limit.numerator).astype(bool)


def _lazy(numerator: np.ndarray, denominator: np.ndarray, extra: Fraction = Fraction(0)):
    return lambda k: Fraction(int(numerator[k]) * 100, int(denominator[k])) + extra


def _ratio(kind: str, f: dict, total: np.ndarray, nc: int, bom: Bom) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) of each requirement's percentage / 100, per scenario, exact."""
    count = len(total)
    if kind == "regional_value_content":
        return nc - total, np.full(count, nc, dtype=np.int64)
    if kind == "us_content":
        ceiling = (bom.materials_cents + int(f["non_material_net_cost"])) * SHARE_ONE
        return ceiling - total, np.full(count, nc, dtype=np.int64)
    if kind == "tariff_shift":
        basis = int(f.get("total_cost", f.get("net_cost"))) * SHARE_ONE
        return total, np.full(count, basis, dtype=np.int64)
    if kind == "purchases":
        purchases = int(f["purchases"]) * SHARE_ONE
        return purchases - total, np.full(count, purchases, dtype=np.int64)
    if kind == "labor_value_content":  # high-wage points: (HWLC + HWM) / NC, HWM = materials - not high-wage
        numerator = (int(f["high_wage_labor"]) + bom.materials_cents) * SHARE_ONE - total
        return numerator, np.full(count, nc, dtype=np.int64)
    raise ValueError(kind)


def _core_parts(req, new, base_lines, line, scen, count, bom, regime, vehicle_class, t):
    """Core parts per scenario: each group's RVC, the super-core, and the better option."""
    groups = np.asarray(req.line_groups, dtype=object)
    value = bom.lines["value_cents"].to_numpy(dtype=np.int64)
    names = sorted({g for g in groups if g is not None})
    new_lines = new if new is not None else np.zeros(0, np.int64)
    edited_groups = groups[line] if len(line) else np.zeros(0, dtype=object)
    parts = []  # (originating numerator, total) per group, per scenario
    for g in names:
        member = groups == g
        # A self-produced core part's total is its own net cost, not its materials' (USMCA UR 14(4)).
        total_g = int(req.figures.get(f"{g}_net_cost", value[member].sum())) * SHARE_ONE
        if total_g == 0:
            continue
        in_g = edited_groups == g
        non = int(base_lines[member].sum()) + _per_scenario(new_lines[in_g], scen[in_g], count) - \
            _per_scenario(base_lines[line][in_g], scen[in_g], count)
        parts.append((total_g - non, np.full(count, total_g, dtype=np.int64)))
    core = np.array([g is not None for g in groups])
    total = int(req.figures.get("core_parts_value", value[core].sum())) * SHARE_ONE
    delta = _per_scenario(new_lines, scen, count) - _per_scenario(base_lines[line], scen, count) if len(line) else np.zeros(count, np.int64)
    super_num = total - (int(base_lines[core].sum()) + delta)
    super_den = np.full(count, total, dtype=np.int64)
    each_ok = np.logical_and.reduce([_at_least(n, d, t) for n, d in parts])
    allows_super = vehicle_class in regime.requirements[req.id].super_core_classes
    ok = each_ok | (_at_least(super_num, super_den, t) if allows_super else False)

    def value_of(k: int) -> Fraction:
        each = min(Fraction(int(n[k]) * 100, int(d[k])) for n, d in parts)
        return best_core_option(each, Fraction(int(super_num[k]) * 100, total), t, allows_super)[1]

    return value_of, ok
