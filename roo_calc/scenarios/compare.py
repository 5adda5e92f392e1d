"""Compare regimes across scenarios: the baseline first, then each scenario, each evaluated by
the engine from the edited BOM."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import overload

import numpy as np

from roo_calc.bom.model import Bom
from roo_calc.engine.determine import evaluate
from roo_calc.engine.result import Determination
from roo_calc.rules.model import Regime
from roo_calc.scenarios.apply import apply_scenario
from roo_calc.scenarios.model import Scenario

BASELINE = "baseline"


@dataclass
class Change:
    """How one requirement moved from the baseline to a scenario (exact values)."""

    requirement: str
    comparison: str
    threshold: object | None
    before: Fraction | None
    after: Fraction | None
    status_before: str
    status_after: str

    @property
    def delta(self) -> Fraction | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass
class Cell:
    """One regime under one scenario, and how it differs from the baseline."""

    regime: str
    scenario: str
    result: Determination
    baseline: Determination
    net_cost_cents: int = 0
    baseline_net_cost_cents: int = 0
    annual_volume: int | None = None
    duty_cents: Fraction | None = None  # duty owed per vehicle (MFN for a preference, the tariff for a tariff)
    baseline_duty_cents: Fraction | None = None

    @property
    def status_change(self) -> str | None:
        return None if self.result.status == self.baseline.status else f"{self.baseline.status} -> {self.result.status}"

    @property
    def changes(self) -> list[Change]:
        """Every requirement whose value or status differs from the baseline's."""
        before = {r.id: r for r in self.baseline.requirements}
        out = []
        for req in self.result.requirements:
            old = before.get(req.id)
            if old is None:
                continue
            if old.value != req.value or old.status != req.status:
                out.append(Change(req.id, req.comparison, req.threshold, old.value, req.value, old.status, req.status))
        return out

    @property
    def net_cost_change_cents(self) -> int:
        return self.net_cost_cents - self.baseline_net_cost_cents

    @property
    def duty_change_cents(self) -> Fraction | None:
        """Change in duty owed per vehicle against the baseline (None when either is unknown)."""
        if self.duty_cents is None or self.baseline_duty_cents is None:
            return None
        return self.duty_cents - self.baseline_duty_cents

    def per_year(self, cents: Fraction | int | None) -> Fraction | None:
        return None if cents is None or not self.annual_volume else Fraction(cents) * self.annual_volume

    @property
    def status(self) -> str:
        return self.result.status


class BatchCell(Cell):
    """A cell of a sourcing scenario evaluated in a batch: its status is read from the batch, and
    its determination is built only when first read (ten thousand scenarios need only a few).
    Its fields are set directly: a comparison makes one per regime and scenario."""

    def __init__(self, batch, k: int, regime: str, scenario: str, baseline: Determination, net_cost_cents: int,
                 annual_volume: int | None, duty_cents: Fraction | None, baseline_duty_cents: Fraction | None) -> None:
        self._batch, self._k = batch, k
        self._built: Determination | None = None
        self.regime, self.scenario, self.baseline = regime, scenario, baseline
        self.net_cost_cents = self.baseline_net_cost_cents = net_cost_cents  # sourcing moves no value
        self.annual_volume, self.duty_cents, self.baseline_duty_cents = annual_volume, duty_cents, baseline_duty_cents

    @property
    def result(self) -> Determination:
        if self._built is None:
            self._built = _from_batch(self.baseline, self._batch, self._k)
        return self._built

    @result.setter
    def result(self, value: Determination | None) -> None:
        if value is not None:
            self._built = value

    @property
    def status(self) -> str:
        return str(self._batch.status[self._k])


class ScenarioBoms(Mapping[str, Bom]):
    """The BOM under each scenario by name, the baseline's first.  A sourcing scenario's BOM is
    built only when asked for and not kept: ten thousand copies of a BOM do not fit in memory."""

    def __init__(self, bom: Bom, scenarios: list[Scenario], kept: dict[str, Bom]) -> None:
        self._scenarios = {s.name: s for s in scenarios}
        self._kept = {BASELINE: bom} | kept
        self._bom = bom

    def __getitem__(self, name: str) -> Bom:
        if name in self._kept:
            return self._kept[name]
        return apply_scenario(self._bom, self._scenarios[name])

    def __iter__(self) -> Iterator[str]:
        return iter([BASELINE, *self._scenarios])

    def __len__(self) -> int:
        return 1 + len(self._scenarios)


class Column:
    """One regime's cells, the baseline's first, then one per scenario in order.  A batched
    scenario's cell is made from the batch only when it is read (a text report of ten thousand
    scenarios reads about twenty), then kept; its status is read from the batch as a whole."""

    def __init__(self, regime: str, names: list[str], base: Cell) -> None:
        self.regime, self.names, self.base = regime, names, base
        self.status = np.full(len(names), base.status, dtype=object)  # by position, the baseline at 0
        self._cells: dict[int, Cell] = {0: base}
        self._batch: tuple | None = None

    def add(self, position: int, cell: Cell) -> None:
        """A cell evaluated on its own (a scenario the batch does not take)."""
        self._cells[position] = cell
        self.status[position] = cell.status

    def batched(self, positions: np.ndarray, batch, duty: np.ndarray, net_cost_cents: int, annual_volume: int | None) -> None:
        """The scenarios at `positions` are the batch's 0, 1, ...; `duty` is each one's duty owed."""
        at = np.full(len(self.names), -1, dtype=np.int64)
        at[positions] = np.arange(len(positions))
        self.status[positions] = batch.status
        self._batch = (batch, at, duty, net_cost_cents, annual_volume)

    def cell(self, position: int) -> Cell:
        found = self._cells.get(position)
        if found is None:
            if self._batch is None:
                raise IndexError(position)
            batch, at, duty, cost, volume = self._batch
            k = int(at[position])
            found = self._cells[position] = BatchCell(batch, k, self.regime, self.names[position], self.base.result, cost,
                                                      volume, duty[k], self.base.duty_cents)
        return found


class Cells(Sequence[Cell]):
    """Every cell, regime by regime, each regime's baseline first (as `Comparison.cells`)."""

    def __init__(self, columns: list[Column], count: int) -> None:
        self._columns, self._count = columns, count

    def __len__(self) -> int:
        return len(self._columns) * self._count

    @overload
    def __getitem__(self, index: int) -> Cell: ...

    @overload
    def __getitem__(self, index: slice) -> list[Cell]: ...

    def __getitem__(self, index: int | slice) -> Cell | list[Cell]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        regime, position = divmod(index % len(self), self._count)
        return self._columns[regime].cell(position)

    def __iter__(self) -> Iterator[Cell]:
        for column in self._columns:
            for position in range(self._count):
                yield column.cell(position)


@dataclass
class Comparison:
    scenarios: list[str]
    regimes: list[str]
    columns: list[Column] = field(default_factory=list)
    boms: Mapping[str, Bom] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def cells(self) -> Cells:
        return Cells(self.columns, len(self.scenarios))

    def cell(self, regime: str, scenario: str) -> Cell:
        if not self._position:
            self._position = {name: k for k, name in enumerate(self.scenarios)}
        return self.columns[self.regimes.index(regime)].cell(self._position[scenario])

    def statuses(self, regime: str) -> list[str]:
        """Each scenario's status under the regime, the baseline's first (no cell is made)."""
        return self.columns[self.regimes.index(regime)].status.tolist()


def compare(bom: Bom, scenarios: list[Scenario], regimes: list[Regime], on: date,
            known: dict[str, Regime] | None = None, mfn_table=None, import_into: str = "US") -> Comparison:
    """Every regime under every scenario.  Sourcing scenarios are evaluated together in one
    batch (`roo_calc.scenarios.batch`); scenarios that change values or the vehicle, and
    regimes the batch cannot sum, are evaluated one at a time from the edited BOM."""
    from roo_calc.scenarios.batch import BatchResult, batchable, edits_from_scenarios, evaluate_batch

    names = [BASELINE] + [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError("scenario names must be unique (and not 'baseline')")
    # A sourcing scenario changes no value and nothing about the vehicle: its net cost, volume and
    # duty basis are the baseline's, and its BOM is never copied (the batch edits lines in place).
    sourcing = [batchable_scenario(s) for s in scenarios]
    in_batch = [k for k, plain in enumerate(sourcing) if plain]
    alone = [k for k, plain in enumerate(sourcing) if not plain]
    edits = edits_from_scenarios(bom, [scenarios[k] for k in in_batch]) if in_batch else None
    boms = ScenarioBoms(bom, scenarios, {scenarios[k].name: apply_scenario(bom, scenarios[k]) for k in alone})
    comparison = Comparison(names, [r.id for r in regimes], boms=boms)
    batches: dict[str, tuple[Determination, BatchResult]] = {}  # by regime id, shared with Section 232's qualification
    positions = np.array(in_batch, dtype=np.int64) + 1
    for regime in regimes:
        shared = (known or {}).get(regime.id) is regime
        base, batch = batches[regime.id] if shared and regime.id in batches else (evaluate(bom, regime, on, known), None)
        if batch is None and in_batch and batchable(regime, known):
            batch = evaluate_batch(bom, regime, on, edits, len(in_batch), known, base, batches)
            if shared:
                batches[regime.id] = (base, batch)
        base_duty = duty_owed(bom, base, mfn_table, import_into)
        column = Column(regime.id, names, _cell(regime.id, BASELINE, base, base, bom, bom, base_duty, base_duty))
        comparison.columns.append(column)
        if batch is not None:
            # Scenarios alike in their determination owe the same duty: it is worked out once per group.
            groups = batch.status if batch.same_as is None else batch.same_as
            distinct, first, group = np.unique(groups, return_index=True, return_inverse=True)
            owed = [duty_owed(bom, _from_batch(base, batch, int(k)), mfn_table, import_into) for k in first]
            duty = np.empty(len(distinct), dtype=object)
            duty[:] = owed
            column.batched(positions, batch, duty[group.reshape(-1)], bom.vehicle.net_cost_cents, bom.vehicle.annual_volume)
        for k in (alone if batch is not None else range(len(scenarios))):
            edited = boms[scenarios[k].name]
            result = evaluate(edited, regime, on, known)
            owed_k = duty_owed(edited, result, mfn_table, import_into)
            column.add(k + 1, _cell(regime.id, scenarios[k].name, result, base, edited, bom, owed_k, base_duty))
    return comparison


def _cell(regime: str, scenario: str, result: Determination, base: Determination, bom: Bom, base_bom: Bom,
          owed: Fraction | None, base_owed: Fraction | None) -> Cell:
    return Cell(regime, scenario, result, base, bom.vehicle.net_cost_cents, base_bom.vehicle.net_cost_cents,
                bom.vehicle.annual_volume, owed, base_owed)


def duty_owed(bom: Bom, result: Determination, mfn_table, import_into: str) -> Fraction | None:
    """Duty owed per vehicle under this determination: a tariff regime's duty, or for a
    preference the general (MFN) duty when the vehicle does not qualify, 0 when it does; None
    when it cannot be said (needs review, no rate or transaction value)."""
    from roo_calc.engine.duty import duty_exposure
    from roo_calc.report.verdict import duty, is_tariff

    if is_tariff(result):
        return duty(result)
    exposure = duty_exposure(bom, result, mfn_table, import_into)
    if exposure is None or exposure.per_vehicle_cents is None or exposure.effect is None:
        return Fraction(0) if exposure is not None and exposure.note and "not an import" in exposure.note else None
    return exposure.per_vehicle_cents if exposure.effect == "owed" else Fraction(0)


def batchable_scenario(scenario: Scenario) -> bool:
    """A pure sourcing scenario: it changes no value and nothing about the vehicle."""
    return scenario.vehicle is None and all(c.set.value is None and c.set.price_change_pct is None for c in scenario.change)


def _from_batch(base: Determination, batch, k: int) -> Determination:
    """A determination for scenario k from the batch: each requirement's status and exact value
    (the baseline's figures and lines do not apply to it and are left out)."""
    requirements = tuple(
        batch.built[req.id](k) if req.id in batch.built else
        req.model_copy(update={"status": batch.requirement_status[req.id][k], "value": batch.value(req.id, k),
                               "decided_margin": batch.margin(req.id, k),
                               "figures": {}, "drivers": (), "line_counted": None, "line_basis": None,
                               "line_groups": None, "form": None, "reason": "evaluated in a batch of sourcing scenarios"})
        for req in base.requirements)
    return base.model_copy(update={"status": batch.status[k], "requirements": requirements, "assumptions": (),
                                   "duty_exposure": None})
