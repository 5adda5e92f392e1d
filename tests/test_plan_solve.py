"""Each step of the plan solver keeps the optimum exact: on random small programs, against brute
force, the Lagrangian bound never exceeds the cheapest plan, reduced-cost fixing never excludes a
plan at or below the bound given, and the whole solver (forced through the relaxation, the cores
and the fixing, which it otherwise keeps for large programs) returns the brute-force optimum,
cost then actions.  The label depends on work, not time: the same program gets the same answer."""

from __future__ import annotations

import contextlib
import itertools

import numpy as np
from hypothesis import given, settings, strategies as st

import roo_calc.plan_solve as plan_solve
from roo_calc.plan_reduce import Program, reduce
from roo_calc.plan_solve import _Bound, _scale, solve
from tests.test_plan_reduce import brute_force, programs


@contextlib.contextmanager
def forced(**values):
    """Run with plan_solve's size thresholds changed, so that small programs take the large path."""
    saved = {name: getattr(plan_solve, name) for name in values}
    for name, value in values.items():
        setattr(plan_solve, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(plan_solve, name, value)


def reduced_plans(program: Program):
    """(scaled, every plan of the reduced program as counts per variable with its scaled cost)."""
    reduced = reduce(program)
    if reduced.infeasible or not len(reduced.var_class):
        return None, []
    scaled = _scale(reduced)
    sizes = scaled.class_size
    plans = []
    for counts in itertools.product(*[range(int(s) + 1) for s in scaled.size.tolist()]):
        x = np.array(counts, dtype=np.int64)
        if (np.bincount(scaled.var_class, weights=x, minlength=len(sizes)) > sizes).any():
            continue
        if all(int(g @ x) >= n for g, n in zip(scaled.gains, scaled.need, strict=True)):
            plans.append((x, int(scaled.cost @ x)))
    return scaled, plans


multipliers = st.lists(st.floats(0, 5, allow_nan=False, allow_infinity=False), min_size=3, max_size=3)


@settings(max_examples=200)
@given(programs(), multipliers)
def test_the_lagrangian_bound_never_exceeds_the_cheapest_plan(program, y):
    scaled, plans = reduced_plans(program)
    if not plans:
        return
    rows = len(scaled.need)
    bound = _Bound(scaled, scaled.gains, scaled.need, scaled.cost, np.array(y[:rows]))
    assert bound.ceil() <= min(cost for _x, cost in plans)
    expected = brute_force(program)
    assert expected is not None and bound.ceil() * scaled.unit <= expected[0]


@settings(max_examples=200)
@given(programs(), multipliers, st.integers(0, 4))
def test_reduced_cost_fixing_keeps_every_plan_at_or_below_the_bound(program, y, slack):
    scaled, plans = reduced_plans(program)
    if not plans:
        return
    rows = len(scaled.need)
    bound = _Bound(scaled, scaled.gains, scaled.need, scaled.cost, np.array(y[:rows]))
    upper = min(cost for _x, cost in plans) + slack
    free = bound.unfixed(upper)
    fixed = bound.fixed_values()
    for x, cost in plans:
        if cost <= upper:
            assert (x[~free] == fixed[~free]).all(), (x, free, fixed)


@settings(max_examples=150, deadline=None)
@given(programs())
def test_the_large_program_path_finds_the_optimum(program):
    """Relaxation, exact bound, one-variable cores, fixing and the whole search, forced on small programs."""
    expected = brute_force(program)
    with forced(DIRECT_MAX=0, CORES=(1, 2)):
        solved = solve(program)
    if expected is None:
        assert solved is None
    else:
        assert solved is not None and solved.proven and solved.fewest and not solved.unverified
        assert (solved.cost, len(solved.chosen)) == expected


@settings(max_examples=100, deadline=None)
@given(programs())
def test_the_fixing_path_alone_finds_the_optimum(program):
    """No core: the rounded relaxation is the only plan known before fixing and the search."""
    expected = brute_force(program)
    with forced(DIRECT_MAX=0, CORES=()):
        solved = solve(program)
    if expected is None:
        assert solved is None
    else:
        assert solved is not None and solved.proven and solved.fewest
        assert (solved.cost, len(solved.chosen)) == expected


@settings(max_examples=100, deadline=None)
@given(programs())
def test_above_the_fewest_actions_limit_the_cheapest_is_kept_unproven_fewest(program):
    expected = brute_force(program)
    with forced(DIRECT_MAX=0, TIE_FULL_MAX=0):
        solved = solve(program)
    if expected is not None:
        assert solved is not None and solved.proven and solved.cost == expected[0]
        assert len(solved.chosen) >= expected[1]
        assert not solved.fewest or not solved.chosen  # an empty plan is the fewest without a search


def test_a_subset_sum_program_is_proven_by_the_bound_and_labelled_the_same_every_time():
    """Cost proportional to the one row (re-sourcing costs 5% of the value it moves): the bound
    is the need itself, and a core finds lines that sum to it exactly, so the plan is proven the
    cheapest without a branch-and-bound proof; two runs give the same plan and label (the
    fewest-actions search left out, as above its size limit)."""
    rng = np.random.default_rng(7)
    values = rng.integers(100, 40_000, 1500)
    target = int(values.sum()) * 3 // 10
    program = Program(np.arange(1500), np.ones(1500, np.int8), values * 5, values[None, :] * 100, (target * 100,))
    with forced(TIE_FULL_MAX=0):
        first, second = solve(program), solve(program)
    assert first is not None and second is not None
    assert first.proven and first.cost == target * 5 and not first.capped
    assert (first.chosen, first.proven, first.fewest) == (second.chosen, second.proven, second.fewest)


@settings(max_examples=100, deadline=None)
@given(programs())
def test_least_cost_is_a_bound_and_none_only_without_a_plan(program):
    """advise solves the ways to pass in the order of this bound and skips a way whose bound is
    above a proven cost: it must never exceed the cheapest plan."""
    expected = brute_force(program)
    with forced(DIRECT_MAX=0):
        least = plan_solve.least_cost(program)
    if expected is None:
        return
    assert least is not None and least <= expected[0]
