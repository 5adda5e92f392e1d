"""Compare regimes across scenarios: the baseline first, then each scenario, each evaluated by
the engine from the edited BOM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from roo_calc.bom.model import Bom
from roo_calc.engine.determine import evaluate
from roo_calc.engine.result import Determination
from roo_calc.rules.model import Regime
from roo_calc.scenarios.apply import apply_scenario
from roo_calc.scenarios.model import Scenario

BASELINE = "baseline"


@dataclass
class Cell:
    """One regime under one scenario, and how it differs from the baseline."""

    regime: str
    scenario: str
    result: Determination
    baseline: Determination

    @property
    def status_change(self) -> str | None:
        return None if self.result.status == self.baseline.status else f"{self.baseline.status} -> {self.result.status}"

    def value_of(self, requirement: str, result: Determination | None = None) -> Fraction | None:
        for req in (result or self.result).requirements:
            if req.id == requirement:
                return req.value
        return None

    @property
    def delta(self) -> Fraction | None:
        """Change in the baseline's binding requirement, in points."""
        b = self.baseline.binding
        if b is None or b.value is None:
            return None
        now = self.value_of(b.id)
        return None if now is None else now - b.value


@dataclass
class Comparison:
    scenarios: list[str]
    regimes: list[str]
    cells: list[Cell] = field(default_factory=list)
    boms: dict[str, Bom] = field(default_factory=dict)

    def cell(self, regime: str, scenario: str) -> Cell:
        return next(c for c in self.cells if c.regime == regime and c.scenario == scenario)


def compare(bom: Bom, scenarios: list[Scenario], regimes: list[Regime], on: date,
            known: dict[str, Regime] | None = None) -> Comparison:
    """Every regime under every scenario.  Sourcing scenarios are evaluated together in one
    batch (`roo_calc.scenarios.batch`); scenarios that change values or the vehicle, and
    regimes the batch cannot sum, are evaluated one at a time from the edited BOM."""
    from roo_calc.scenarios.batch import batchable, edits_from_scenarios, evaluate_batch

    names = [BASELINE] + [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError("scenario names must be unique (and not 'baseline')")
    boms = {BASELINE: bom} | {s.name: apply_scenario(bom, s) for s in scenarios}
    comparison = Comparison(names, [r.id for r in regimes], boms=boms)
    in_batch = [k for k, s in enumerate(scenarios) if batchable_scenario(s)]
    edits = edits_from_scenarios(bom, [scenarios[k] for k in in_batch]) if in_batch else None
    for regime in regimes:
        base = evaluate(bom, regime, on, known)
        batch = None
        if in_batch and batchable(regime):
            batch = evaluate_batch(bom, regime, on, edits, len(in_batch), known, base)
        comparison.cells.append(Cell(regime.id, BASELINE, base, base))
        for k, scenario in enumerate(scenarios):
            if batch is not None and k in in_batch:
                result = _from_batch(base, batch, in_batch.index(k))
            else:
                result = evaluate(boms[scenario.name], regime, on, known)
            comparison.cells.append(Cell(regime.id, scenario.name, result, base))
    return comparison


def batchable_scenario(scenario: Scenario) -> bool:
    """A pure sourcing scenario: it changes no value and nothing about the vehicle."""
    return scenario.vehicle is None and all(c.set.value is None and c.set.price_change_pct is None for c in scenario.change)


def _from_batch(base: Determination, batch, k: int) -> Determination:
    """A determination for scenario k from the batch: each requirement's status and exact value
    (the baseline's figures and lines do not apply to it and are left out)."""
    requirements = tuple(
        req.model_copy(update={"status": batch.requirement_status[req.id][k], "value": batch.value(req.id, k),
                               "figures": {}, "drivers": (), "line_counted": None, "line_basis": None,
                               "line_groups": None, "reason": "evaluated in a batch of sourcing scenarios"})
        for req in base.requirements)
    return base.model_copy(update={"status": batch.status[k], "requirements": requirements, "assumptions": (),
                                   "duty_exposure": None})
