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
    names = [BASELINE] + [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError("scenario names must be unique (and not 'baseline')")
    boms = {BASELINE: bom} | {s.name: apply_scenario(bom, s) for s in scenarios}
    comparison = Comparison(names, [r.id for r in regimes], boms=boms)
    for regime in regimes:
        base = evaluate(bom, regime, on, known)
        for name in names:
            result = base if name == BASELINE else evaluate(boms[name], regime, on, known)
            comparison.cells.append(Cell(regime.id, name, result, base))
    return comparison
