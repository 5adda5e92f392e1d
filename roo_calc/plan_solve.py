"""Solving a plan program (`roo_calc.plan_reduce.Program`): an exact bound from the linear
relaxation, a search for a plan that meets it, and HiGHS's branch and bound only where the bound
does not settle it; every answer is checked by exact integer arithmetic on the original program.

HiGHS computes in binary floating point, so no float of it decides what is called proven:
1. Every row is divided by the greatest common divisor of its gains (the need rounded up) and the
   costs by theirs, so that HiGHS sees whole numbers.
2. **An exact lower bound.**  HiGHS solves the linear relaxation; its row duals y (any y >= 0
   would do) give, in exact rational arithmetic, the Lagrangian bound
   L(y) = y.need + sum over classes of size * min(0, each variable's reduced cost c_j - y.g_j),
   which no plan can cost less than (cost = c.x >= c.x - y.(Gx - need) >= L(y) for every plan x).
   A plan whose exact cost is ceil(L) is proven the cheapest by this alone.
3. **A core first.**  From the relaxation rounded down, the variables with the smallest reduced
   costs that help the rows it leaves short (a few hundred, then a few thousand) are left free
   and the others fixed; HiGHS solves that small program.  On the synthetic 100k-line BOMs this
   meets the bound exactly (cost is proportional to the largest row, a subset-sum-like program
   with many plans at the bound).
4. **Exact reduced-cost fixing.**  Otherwise, with the best plan found costing U, a variable
   whose forced use would raise the bound above U (L + its reduced cost less its class's least >
   U) is 0 in every plan costing U or less, and one whose forced reduction would is at its
   class's size: both are fixed, and HiGHS's branch and bound runs on what is left, bounded by U.
5. Among plans of the cheapest cost, the fewest actions: the same steps with "number of actions"
   as the objective and "cost at most the cheapest" as one more row, for programs of at most
   TIE_FULL_MAX variables (above, the cheapest plan is kept and not called the fewest: on the
   100k-line BOMs that search cost seconds and proved nothing).

What decides "proven" is the exact bound, or HiGHS's own proof within a number of
branch-and-bound nodes (NODE_LIMIT), never a wall-clock time, so the same program always gets
the same plan and the same label.  A wall-clock cap (SAFETY_S per HiGHS run) guards against a
machine far slower than expected; a run it stops is reported as stopped by it (`Solved.capped`).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from roo_calc.plan_reduce import Program, Reduced, expand, reduce

EXACT_FLOAT = 2 ** 53
INFEASIBLE = 2  # scipy's status for a program with no solution
NODE_LIMIT = 2000  # branch-and-bound nodes per HiGHS run: the bound on work that decides "proven"
SAFETY_S = 60.0  # wall-clock seconds per HiGHS run, a safety net only; a run it stops is reported
CORES = (500, 1000, 2000, 8000)  # free variables of the cores searched before the whole program
CORE_NODE_LIMIT = 500  # branch-and-bound nodes per core: a core only looks for a plan at the bound
PRESOLVE_MAX = 10_000  # HiGHS's presolve compares columns pairwise (minutes on 100k lines): off above this
DIRECT_MAX = 1_000  # a program of at most this many variables goes straight to HiGHS's branch and bound
TIE_FULL_MAX = 2_000  # the fewest-actions search takes the whole program only up to this many variables


class Unsettled(Exception):
    """HiGHS stopped at its limits with no plan: whether one exists is not known."""

    def __init__(self, lower_bound: int | None = None) -> None:
        super().__init__("no plan found within the solver's limits")
        self.lower_bound = lower_bound


@dataclass
class Solved:
    """A plan [(line, action code)], its exact cost, and whether it is proven the cheapest."""

    chosen: list[tuple[int, int]] = field(default_factory=list)
    cost: int = 0
    proven: bool = True
    fewest: bool = True  # proven the fewest actions among plans of its cost
    lower_bound: int | None = None  # the least any plan can cost, when not proven
    unverified: list[int] | None = None  # rows the solver's plan leaves unmet by exact sums
    columns: int = 0  # size of the program HiGHS saw (variables), for the method line
    original: int = 0
    capped: bool = False  # a HiGHS run was stopped by the wall-clock safety cap (SAFETY_S)


@dataclass(frozen=True)
class _Scaled:
    """The reduced program in whole numbers: rows over their gcd (need rounded up), costs over theirs."""

    gains: np.ndarray  # (k, m) int64
    need: list[int]
    cost: np.ndarray  # (m,) int64
    unit: int  # the costs' gcd
    var_class: np.ndarray  # (m,)
    class_size: np.ndarray  # per class

    @property
    def size(self) -> np.ndarray:
        return self.class_size[self.var_class]


@dataclass
class _Found:
    """The best counts a search found for an objective, its exact value, and what is proven."""

    x: np.ndarray | None
    value: int | None
    proven: bool
    lower: int  # no plan's objective is below this (exact)
    capped: bool = False
    free: int = 0  # variables the last HiGHS run saw


def solve(program: Program, cutoff: int | None = None) -> Solved | None:
    """The cheapest plan (fewest actions among equals), or None when no plan meets every row (at
    a cost of `cutoff` or less, when given: the cost of a plan found another way).  Raises
    `Unsettled` when the solver's limits were reached before any plan was found."""
    reduced = reduce(program)
    if reduced.infeasible:
        return None
    if not len(reduced.var_class):
        return Solved(columns=0, original=len(program.cost)) if not any(n > 0 for n in reduced.need) else None
    scaled = _scale(reduced)
    cost = _search(scaled, scaled.cost, None, None, cutoff=None if cutoff is None else cutoff // scaled.unit)
    if cost is None:
        return None
    if cost.x is None:
        raise Unsettled(cost.lower * scaled.unit)
    counts, fewest, capped = cost.x, False, cost.capped
    if cost.proven and int(scaled.cost.astype(object) @ scaled.size.astype(object)) < EXACT_FLOAT:
        best = int(cost.value or 0)
        tie = _fewest(scaled, counts, best)
        if tie is not None and tie.x is not None:
            counts, fewest, capped = tie.x, tie.proven, capped or tie.capped
    chosen = expand(reduced, counts)
    exact = program.cost_of(chosen)
    proven = cost.proven and exact == (cost.value or 0) * scaled.unit
    return Solved(chosen, exact, proven, fewest and proven, None if proven else cost.lower * scaled.unit,
                  program.holds(chosen) or None, cost.free, len(program.cost), capped)


def least_cost(program: Program) -> int | None:
    """A whole number no plan of `program` costs less than, exactly (0 for a program of at most
    DIRECT_MAX variables, where the bound is not worth its relaxation); None when no plan exists."""
    reduced = reduce(program)
    if reduced.infeasible:
        return None
    if len(reduced.var_class) <= DIRECT_MAX:
        return 0
    scaled = _scale(reduced)
    relaxed = _relax(scaled, scaled.gains, scaled.need, scaled.cost)
    if relaxed is None:
        return None
    return _Bound(scaled, scaled.gains, scaled.need, scaled.cost, relaxed[1]).ceil() * scaled.unit


def _scale(reduced: Reduced) -> _Scaled:
    gains, need = [], []
    for r, n in enumerate(reduced.need):
        g = reduced.gains[r]
        d = int(np.gcd.reduce(np.abs(g[g != 0]))) if (g != 0).any() else 1
        gains.append(g // d)
        need.append(-(-n // d))
    nonzero = reduced.cost[reduced.cost != 0]
    unit = int(np.gcd.reduce(nonzero)) if len(nonzero) else 1
    return _Scaled(np.array(gains, dtype=np.int64).reshape(len(need), -1), need, reduced.cost // unit, unit,
                   reduced.var_class, reduced.size)


def _search(scaled: _Scaled, objective: np.ndarray, extra: tuple[np.ndarray, int] | None, incumbent: np.ndarray | None,
            cutoff: int | None = None, cores: tuple[int, ...] | None = None, whole: bool = True) -> _Found | None:
    """The least `objective` over plans (meeting the rows, and `extra` = (gains, need) when
    given), by the steps of the module docstring (a program of at most DIRECT_MAX variables goes
    straight to HiGHS; `cores` instead of CORES; without the `whole` search when it is False);
    None when no plan exists (or none at `cutoff` or less)."""
    gains, need = scaled.gains, list(scaled.need)
    if extra is not None:
        gains, need = np.vstack([gains, extra[0][None, :]]), need + [extra[1]]
    found = _Found(None, None, False, 0)
    exact_obj = objective.astype(object)

    def offer(x: np.ndarray | None) -> None:
        if x is None or not _holds(gains, need, x):
            return
        value = int(exact_obj @ x.astype(object))
        if found.value is None or value < found.value:
            found.x, found.value = x, value

    offer(incumbent)
    free, fixed = np.ones(len(objective), dtype=bool), np.zeros(len(objective), dtype=np.int64)
    if len(objective) > DIRECT_MAX:
        relaxed = _relax(scaled, gains, need, objective)
        if relaxed is None:
            return None
        x_lp, y, found.capped = relaxed
        bound = _Bound(scaled, gains, need, objective, y)
        found.lower = bound.ceil()
        if cutoff is not None and found.lower > cutoff:
            return None
        floor = np.clip(np.floor(x_lp + 1e-9), 0, scaled.size).astype(np.int64)
        offer(floor)
        for core in CORES if cores is None else cores:
            if found.value is not None and found.value <= found.lower:
                break
            loose = _core(scaled, gains, need, floor, x_lp, bound, core)
            if loose.sum() >= len(objective):
                break
            x, _status, capped, _dual = _mip(scaled, gains, need, objective, floor, loose, found.value, CORE_NODE_LIMIT)
            found.capped |= capped
            offer(x)
        if found.value is not None and found.value <= found.lower:
            found.proven = True
            return found
        if found.value is not None:
            free = bound.unfixed(found.value)
            fixed = bound.fixed_values()
    found.free = int(free.sum())
    if not whole:
        return found
    x, status, capped, dual = _mip(scaled, gains, need, objective, fixed, free,
                                   found.value if found.value is not None else cutoff)
    found.capped |= capped
    offer(x)
    if found.value is None:
        if status == INFEASIBLE:
            return None
        if dual is not None and math.isfinite(dual):
            found.lower = max(found.lower, math.ceil(dual - 1e-6))
        return found
    if status == 0 and _float_exact(scaled, objective):
        found.proven = True
        found.lower = found.value
    elif dual is not None and math.isfinite(dual):
        found.lower = max(found.lower, math.ceil(dual - 1e-6))
    return found


def _fewest(scaled: _Scaled, counts: np.ndarray, best: int) -> _Found | None:
    """Among plans costing at most `best` (the cheapest's cost), the fewest actions, starting from
    the cheapest plan `counts`, by the whole search up to TIE_FULL_MAX variables (None above: the
    cheapest plan is kept, not proven the fewest)."""
    ones = np.ones(len(scaled.cost), np.int64)
    extra = (-scaled.cost, -best)
    if len(ones) <= TIE_FULL_MAX:
        return _search(scaled, ones, extra, counts)
    return None


def _float_exact(scaled: _Scaled, objective: np.ndarray) -> bool:
    """Whether every objective total and row sum is a whole number a float holds exactly."""
    size = scaled.size.astype(object)
    return (int(np.abs(objective).astype(object) @ size) < EXACT_FLOAT
            and all(int(np.abs(g).astype(object) @ size) < EXACT_FLOAT for g in scaled.gains))


def _holds(gains: np.ndarray, need: list[int], x: np.ndarray) -> bool:
    xo = x.astype(object)
    return all(int(g.astype(object) @ xo) >= n for g, n in zip(gains, need, strict=True))


class _Bound:
    """The exact Lagrangian bound of the module docstring for row multipliers y, with each
    variable's reduced cost (times a common denominator) and each class's least."""

    def __init__(self, scaled: _Scaled, gains: np.ndarray, need: list[int], objective: np.ndarray, y: np.ndarray) -> None:
        ys = [Fraction(float(v)) if v > 0 else Fraction(0) for v in y.tolist()]
        den = math.lcm(*(f.denominator for f in ys)) if ys else 1
        a = [int(f * den) for f in ys]
        reduced = objective.astype(object) * den
        for r, ar in enumerate(a):
            if ar:
                reduced = reduced - gains[r].astype(object) * ar
        least: dict[int, int] = {}
        for c, d in zip(scaled.var_class.tolist(), reduced.tolist(), strict=True):
            least[c] = min(least.get(c, 0), d)
        self.scaled, self.den, self.reduced = scaled, den, reduced
        self._full = np.zeros(len(scaled.var_class), dtype=bool)
        self.least = np.array([least.get(c, 0) for c in range(len(scaled.class_size))], dtype=object)
        self.value = sum(ar * n for ar, n in zip(a, need, strict=True)) + int(
            scaled.class_size.astype(object) @ self.least)  # L(y) times den

    def ceil(self) -> int:
        return -(-self.value // self.den)

    def approx(self) -> np.ndarray:
        """Reduced costs as floats, to rank variables (never to decide)."""
        return (self.reduced / self.den).astype(np.float64)

    def unfixed(self, upper: int) -> np.ndarray:
        """Variables that exact reduced-cost fixing leaves free, every plan of objective at most
        `upper` (a whole number) agreeing with the fixed ones."""
        gap = upper * self.den - self.value
        var_class = self.scaled.var_class
        least = self.least[var_class]
        free = (self.reduced - least) <= gap  # forcing one unit raises the bound by at least this
        other = _other_reduced(var_class, self.reduced)
        at_least = (self.reduced == least) & (least < 0)
        drop = np.array([min(0, o) for o in other.tolist()], dtype=object) - least  # one unit fewer raises it by this
        full = at_least & (drop > gap)
        self._full = full.astype(bool)
        return free.astype(bool) & ~self._full

    def fixed_values(self) -> np.ndarray:
        """The values of the variables `unfixed` fixed: a class's size or 0."""
        return np.where(self._full, self.scaled.size, 0).astype(np.int64)


def _other_reduced(var_class: np.ndarray, reduced: np.ndarray) -> np.ndarray:
    """Per variable, the reduced cost of its class's other variable (0 when it has none: leaving
    a unit unused costs nothing)."""
    other = np.zeros(len(var_class), dtype=object)
    order = np.argsort(var_class, kind="stable")
    vc = var_class[order]
    pair = np.flatnonzero(vc[:-1] == vc[1:])
    first, second = order[pair], order[pair + 1]
    other[first] = reduced[second]
    other[second] = reduced[first]
    return other


def _core(scaled: _Scaled, gains: np.ndarray, need: list[int], floor: np.ndarray, x_lp: np.ndarray,
          bound: _Bound, count: int) -> np.ndarray:
    """The variables left free in a core: the relaxation's fractional ones, and up to `count` that
    can still rise and help a row the rounded-down relaxation leaves short, least reduced cost
    first, then most help per unit of cost."""
    short = np.array([n - int(g.astype(object) @ floor.astype(object)) for g, n in zip(gains, need, strict=True)],
                     dtype=np.float64)
    weight = np.where(short > 0, 1.0 / np.maximum(short, 1.0), 0.0)
    helps = weight @ np.maximum(gains, 0).astype(np.float64)
    can_rise = (floor < scaled.size) & (helps > 0)
    order = np.lexsort((np.arange(len(floor)), -helps / np.maximum(np.abs(scaled.cost), 1), bound.approx()))
    order = order[can_rise[order]][:count]
    free = np.zeros(len(floor), dtype=bool)
    free[order] = True
    free |= np.abs(x_lp - np.round(x_lp)) > 1e-9
    return free


def _relax(scaled: _Scaled, gains: np.ndarray, need: list[int],
           objective: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """The linear relaxation's solution, its row multipliers (>= 0), and whether the safety cap
    stopped it (the bound then rests on y = 0); None when it has no solution (nor then has the
    integer program)."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_array, vstack

    coupling, limit = _coupling(scaled.var_class, np.flatnonzero(np.ones(len(objective), bool)), scaled.class_size)
    matrix = vstack([csr_array(-gains.astype(np.float64)), coupling]) if coupling.shape[0] else csr_array(-gains.astype(np.float64))
    rhs = np.concatenate([-np.array(need, dtype=np.float64), limit])
    with _quiet_stdout():
        lp = linprog(objective.astype(np.float64), A_ub=matrix, b_ub=rhs,
                     bounds=np.c_[np.zeros(len(objective)), scaled.size.astype(np.float64)],
                     method="highs", options={"time_limit": SAFETY_S})
    if lp.status == INFEASIBLE:
        return None
    if lp.x is None:  # stopped by the safety cap
        return np.zeros(len(objective)), np.zeros(len(need)), True
    return lp.x, np.maximum(-np.asarray(lp.ineqlin.marginals[:len(need)]), 0.0), False


def _coupling(var_class: np.ndarray, columns: np.ndarray, room: np.ndarray):
    """One row per class with two of `columns`: their sum is at most the class's `room`."""
    from scipy.sparse import coo_array

    classes = var_class[columns]
    unique, counts = np.unique(classes, return_counts=True)
    twin = unique[counts > 1]
    pick = np.flatnonzero(np.isin(classes, twin))
    row_of = np.searchsorted(twin, classes[pick])
    matrix = coo_array((np.ones(len(pick)), (row_of, pick)), shape=(len(twin), len(columns))).tocsr()
    return matrix, room[twin].astype(np.float64)


def _mip(scaled: _Scaled, gains: np.ndarray, need: list[int], objective: np.ndarray, fixed: np.ndarray,
         free: np.ndarray, upper: int | None, nodes: int = NODE_LIMIT) -> tuple[np.ndarray | None, int, bool, float | None]:
    """HiGHS on the `free` variables, the others at `fixed`, objective at most `upper` when given:
    (counts or None, scipy status, whether the safety cap stopped it, HiGHS's dual bound)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array, vstack

    columns = np.flatnonzero(free)
    base = np.where(free, 0, fixed).astype(np.int64)
    room = scaled.class_size - np.bincount(scaled.var_class, weights=base, minlength=len(scaled.class_size)).astype(np.int64)
    rows = [g[columns] for g in gains]
    lower = [n - int(g.astype(object) @ base.astype(object)) for g, n in zip(gains, need, strict=True)]
    obj = objective[columns]
    if upper is not None:
        rows.append(-obj)
        lower.append(-(upper - int(objective.astype(object) @ base.astype(object))))
    if not len(columns):
        return (base, 0, False, None) if all(v <= 0 for v in lower) else (None, INFEASIBLE, False, None)
    coupling, limit = _coupling(scaled.var_class, columns, room)
    matrix = vstack([csr_array(np.array(rows, dtype=np.float64)), coupling])
    lows = np.concatenate([np.array(lower, dtype=np.float64), np.full(len(limit), -np.inf)])
    highs = np.concatenate([np.full(len(lower), np.inf), limit])
    options = {"mip_rel_gap": 0.0, "time_limit": SAFETY_S, "node_limit": nodes, "presolve": len(columns) <= PRESOLVE_MAX}
    start = time.monotonic()
    with _quiet_stdout():
        res = milp(obj.astype(np.float64), constraints=[LinearConstraint(matrix, lows, highs)],
                   integrality=np.ones(len(columns)), bounds=Bounds(0, room[scaled.var_class[columns]].astype(np.float64)),
                   options=options)
    capped = "Status 13" in str(res.message) or time.monotonic() - start >= SAFETY_S
    dual = getattr(res, "mip_dual_bound", None)
    if dual is not None:
        dual += float(objective.astype(object) @ base.astype(object))
    if res.x is None:
        return None, res.status, capped, dual
    x = base.copy()
    x[columns] = np.round(res.x).astype(np.int64)
    return x, res.status, capped, dual


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
