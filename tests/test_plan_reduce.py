"""The plan program's reduction is exact: on random small programs the reduced optimum (cost,
then number of actions) equals the unreduced one found by brute force, the reduced solution maps
back to a plan of that cost that meets every row, and the solver returns that optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from roo_calc.plan_reduce import Program, expand, reduce
from roo_calc.plan_solve import solve


@st.composite
def programs(draw) -> Program:
    """Up to 6 lines, each with re-source and maybe certify; small integer costs and gains (so
    interchangeable lines and dominated actions are common), some negative; 1 to 3 rows."""
    lines = draw(st.integers(1, 6))
    rows = draw(st.integers(1, 3))
    small = st.integers(-2, 4)
    line, action, cost, gains = [], [], [], []
    for i in range(lines):
        for a in ([0, 1] if draw(st.booleans()) else [1]):
            line.append(i)
            action.append(a)
            cost.append(draw(st.integers(0, 3)))
            gains.append([draw(small) for _ in range(rows)])
    need = tuple(draw(st.integers(-3, 8)) for _ in range(rows))
    return Program(np.array(line, dtype=np.int64), np.array(action, dtype=np.int8), np.array(cost, dtype=np.int64),
                   np.array(gains, dtype=np.int64).T.reshape(rows, len(line)), need)


def brute_force(program: Program) -> tuple[int, int] | None:
    """(cost, actions) of the best plan over every choice of nothing or one column per line."""
    options: dict[int, list[tuple[int, int] | None]] = {}
    for i, a in zip(program.line.tolist(), program.action.tolist(), strict=True):
        options.setdefault(i, [None]).append((i, a))
    best = None
    for choice in itertools.product(*options.values()):
        plan = [c for c in choice if c is not None]
        if not program.holds(plan):
            key = (program.cost_of(plan), len(plan))
            best = key if best is None or key < best else best
    return best


def reduced_brute_force(program: Program):
    """The same optimum searched over the reduced program's integer counts, and its plan."""
    reduced = reduce(program)
    if reduced.infeasible:
        return None, None
    sizes = reduced.size
    best, best_plan = None, None
    ranges = [range(int(sizes[c]) + 1) for c in reduced.var_class.tolist()]
    for counts in itertools.product(*ranges):
        x = np.array(counts, dtype=np.int64)
        per_class = np.bincount(reduced.var_class, weights=x, minlength=len(sizes)) if len(x) else np.zeros(0)
        if (per_class > sizes).any():
            continue
        if any(int(reduced.gains[r] @ x) < need for r, need in enumerate(reduced.need)):
            continue
        key = (int(reduced.cost @ x), int(x.sum()))
        if best is None or key < best:
            best, best_plan = key, expand(reduced, x)
    return best, best_plan


@settings(max_examples=300)
@given(programs())
def test_reduction_keeps_the_optimum(program):
    expected = brute_force(program)
    got, plan = reduced_brute_force(program)
    assert got == expected
    if plan is not None:
        assert program.holds(plan) == []
        assert (program.cost_of(plan), len(plan)) == expected


@settings(max_examples=150)
@given(programs())
def test_solver_finds_the_optimum(program):
    expected = brute_force(program)
    solved = solve(program)
    if expected is None:
        assert solved is None
    else:
        assert solved is not None and solved.proven and not solved.unverified
        assert (solved.cost, len(solved.chosen)) == expected
        assert program.holds(solved.chosen) == []


def test_interchangeable_lines_become_one_variable_and_map_back_in_row_order():
    """Four identical lines, of which two are needed: one variable with bound 4, and the plan takes
    the first two lines, on every run."""
    program = Program(np.arange(4), np.ones(4, np.int8), np.full(4, 5), np.full((1, 4), 10), (20,))
    reduced = reduce(program)
    assert len(reduced.var_class) == 1 and reduced.size.tolist() == [4]
    assert solve(program).chosen == [(0, 1), (1, 1)]


def test_rows_that_cannot_fail_and_columns_that_cannot_help_are_left_out():
    """Row 1 is met with room to spare whatever is chosen; line 2 only helps row 1."""
    gains = np.array([[5, 5, 0], [-1, 0, 3]])
    program = Program(np.arange(3), np.ones(3, np.int8), np.array([1, 2, 1]), gains, (5, -10))
    reduced = reduce(program)
    assert reduced.rows.tolist() == [0] and sorted(np.concatenate(reduced.members).tolist()) == [0, 1]


def test_a_row_that_a_kept_column_could_break_is_kept():
    """Re-sourcing line 0 meets row 0 but breaks row 1 (met today by 1): line 1 must then fix row 1."""
    gains = np.array([[5, 0], [-3, 3]])
    program = Program(np.arange(2), np.ones(2, np.int8), np.array([1, 1]), gains, (5, -1))
    assert reduce(program).rows.tolist() == [0, 1]
    assert solve(program).chosen == [(0, 1), (1, 1)]


def test_negative_costs_are_refused():
    with pytest.raises(ValueError, match="costs of 0 or more"):
        reduce(Program(np.arange(1), np.ones(1, np.int8), np.array([-1]), np.ones((1, 1), np.int64), (1,)))
