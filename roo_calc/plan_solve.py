"""Solving a plan program (`roo_calc.plan_reduce.Program`): HiGHS on the reduced program, each
answer checked by exact integer arithmetic on the original one.

HiGHS computes in binary floating point.  So that no float decides the answer silently, every
row is divided by the greatest common divisor of its gains (exact integers, the need rounded up)
and the costs by theirs; the cheapest plan is solved for, then, among plans of that cost, the one with the fewest
actions (a second solve bounded by that cost, kept only if its exact cost is no higher).  A
cost is called proven the least only when HiGHS proves it and every cost total is exact in a
float (below 2**53).  Whatever
HiGHS returns is mapped back to lines and checked exactly: every row must hold by integer sums,
else the answer is `Solved.unverified`, never a plan.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np

from roo_calc.plan_reduce import Program, Reduced, expand, reduce

EXACT_FLOAT = 2 ** 53
INFEASIBLE = 2  # scipy.optimize.milp's status for a program with no solution
TIME_LIMIT_S = 60.0  # for the cheapest plan; one found but not proven the cheapest by then is reported as such
TIE_LIMIT_S = 10.0  # for the fewest actions among plans of that cost; else the plan is not called the fewest


class Unsettled(Exception):
    """HiGHS stopped at its time limit with no plan: whether one exists is not known."""

    def __init__(self, lower_bound: int | None = None) -> None:
        super().__init__("no plan found within the solver's time limit")
        self.lower_bound = lower_bound


@dataclass
class Solved:
    """A plan [(line, action code)], its exact cost, and whether HiGHS proved it the cheapest."""

    chosen: list[tuple[int, int]] = field(default_factory=list)
    cost: int = 0
    proven: bool = True
    fewest: bool = True  # proven the fewest actions among plans of its cost
    lower_bound: int | None = None  # the least any plan can cost, when not proven
    unverified: list[int] | None = None  # rows the solver's plan leaves unmet by exact sums
    columns: int = 0  # size of the program HiGHS saw (variables), for the method line
    original: int = 0


def solve(program: Program, time_limit: float = TIME_LIMIT_S, cutoff: int | None = None) -> Solved | None:
    """The cheapest plan (fewest actions among equals), or None when no plan meets every row (at
    a cost of `cutoff` or less, when given: the cost of a plan found another way).  Raises
    `Unsettled` when the time ran out before any plan was found."""
    reduced = reduce(program)
    if reduced.infeasible:
        return None
    if not len(reduced.var_class):
        return Solved(columns=0, original=len(program.cost)) if not any(n > 0 for n in reduced.need) else None
    answer = _milp(reduced, time_limit, cutoff)
    if answer is None:
        return None
    counts, proven, fewest, bound = answer
    chosen = expand(reduced, counts)
    return Solved(chosen, program.cost_of(chosen), proven, fewest, None if proven else bound,
                  program.holds(chosen) or None, len(reduced.var_class), len(program.cost))


def _rows(reduced: Reduced) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(matrix, lower, upper) for HiGHS: gain rows over their gcd, then one row per class with
    two actions (at most one action per line)."""
    from scipy.sparse import coo_array, vstack

    blocks, lower, upper = [], [], []
    for r, need in enumerate(reduced.need):
        g = reduced.gains[r]
        d = int(np.gcd.reduce(np.abs(g[g != 0]))) if (g != 0).any() else 1
        blocks.append((g // d).astype(np.float64)[None, :])
        lower.append(float(-(-need // d)))
        upper.append(np.inf)
    matrix = coo_array(np.vstack(blocks)) if blocks else coo_array((0, len(reduced.var_class)))
    classes, first, counts = np.unique(reduced.var_class, return_index=True, return_counts=True)
    twin = classes[counts > 1]
    if len(twin):
        pick = np.isin(reduced.var_class, twin)
        cols = np.flatnonzero(pick)
        row_of = np.searchsorted(twin, reduced.var_class[pick])
        coupling = coo_array((np.ones(len(cols)), (row_of, cols)), shape=(len(twin), len(reduced.var_class)))
        matrix = vstack([matrix, coupling])
        lower += [-np.inf] * len(twin)
        upper += [float(s) for s in reduced.size[twin]]
    return matrix.tocsr(), np.array(lower), np.array(upper)


def _milp(reduced: Reduced, time_limit: float, cutoff: int | None) -> tuple[np.ndarray, bool, bool, int | None] | None:
    """Integer counts per variable; whether proven the cheapest; whether proven the fewest actions
    among the cheapest; and, when not proven, a lower bound on the cost."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    matrix, lower, upper = _rows(reduced)
    size = reduced.size[reduced.var_class].astype(np.float64)
    nonzero = reduced.cost[reduced.cost != 0]
    unit = int(np.gcd.reduce(nonzero)) if len(nonzero) else 1
    cost = [int(c) // unit for c in reduced.cost.tolist()]
    constraints = [LinearConstraint(matrix, lower, upper)]
    # HiGHS's own presolve compares columns pairwise (minutes on 100k lines); `reduce` has done the exact part.
    options = {"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": False}
    bounds, integrality = Bounds(0, size), np.ones(len(cost))

    def run(objective, extra=(), seconds=TIE_LIMIT_S):
        with _quiet_stdout():
            return milp(np.array(objective, dtype=np.float64), constraints=constraints + list(extra),
                        integrality=integrality, bounds=bounds, options={**options, "time_limit": seconds})

    def exact_cost(x: np.ndarray) -> int:
        return sum(c * int(n) for c, n in zip(cost, x.tolist(), strict=True))

    if cutoff is not None:  # the relaxation's bound first: may this program match or beat the cutoff?
        with _quiet_stdout():
            relaxed = milp(np.array(cost, dtype=np.float64), constraints=constraints, bounds=bounds, options=options)
        if relaxed.x is None and relaxed.status != INFEASIBLE:
            raise Unsettled()
        if relaxed.x is None or math.ceil(relaxed.fun - 1e-7) * unit > cutoff:
            return None
        if math.ceil(relaxed.fun - 1e-7) * unit == cutoff:  # at best a tie: only fewer actions could win
            time_limit = min(time_limit, TIE_LIMIT_S)
    first = run(cost, seconds=time_limit)
    bound = getattr(first, "mip_dual_bound", None)
    low = None if bound is None or not math.isfinite(bound) else max(0, math.ceil(bound - 1e-7)) * unit
    if first.x is None:
        if first.status == INFEASIBLE:
            return None
        raise Unsettled(low)
    counts = np.round(first.x).astype(np.int64)
    proven = first.status == 0 and sum(c * int(s) for c, s in zip(cost, size.tolist(), strict=True)) < EXACT_FLOAT
    fewest = False
    if proven:  # among plans of this cost, the fewest actions (certification is often free)
        best = exact_cost(counts)
        tie = run([1.0] * len(cost), [LinearConstraint(np.array([cost], dtype=np.float64), -np.inf, best + 0.5)],
                  min(time_limit, TIE_LIMIT_S))
        if tie.x is not None:
            fewer = np.round(tie.x).astype(np.int64)
            if exact_cost(fewer) <= best and fewer.sum() <= counts.sum():
                counts, fewest = fewer, tie.status == 0
    return counts, proven, fewest, low


@contextlib.contextmanager
def _quiet_stdout():
    """HiGHS may print progress lines on the process's stdout; keep them out of the report."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
