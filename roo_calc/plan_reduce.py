"""The cheapest-plan integer program of `advise`, and how it is made small before the solver, exactly.

A `Program` chooses columns x_j in {0, 1}, at most one per BOM line, so that every row r holds,
sum_j gains[r, j] * x_j >= need[r], at the least cost, and among plans of equal cost with the
fewest columns.  A column is one action (certify or re-source) on one line; gains[r, j] is how
much the action lowers the line's count against row r, and costs are exact non-negative
integers.  Every number is an exact integer: no float decides which rows hold.

`reduce` returns a smaller program over classes of lines, with the same optimum, and `expand`
maps its solution back to (line, action) pairs.  Each step keeps every optimal plan's cost and
action count:

1. **Rows that cannot fail, and columns that cannot help.**  Starting from the rows that fail
   today (need > 0), a column is kept when it has a positive gain on a kept row, and a row is
   kept when the kept columns could make it fail: its need exceeds the sum, over lines, of the
   most negative gain a kept column of the line has on it.  Both sets grow to a fixpoint.  A row
   left out then holds whatever is chosen among the kept columns; a column left out gains
   nothing on any kept row and costs at least 0, so removing it from a plan keeps every kept
   row, costs no more and takes one action fewer.
2. **The dominated action of a line.**  When one action of a line costs no more and gains at
   least as much on every kept row as the line's other action (certify at no cost against
   re-sourcing, typically), the other is dropped: a plan that uses it can use the first on the
   same line instead (still one action per line), at no more cost and with the same count.  On
   a tie, certify is kept.
3. **Interchangeable lines.**  Lines whose kept actions have identical costs and identical gains
   on every kept row (so, too, the same core-part group: a group's row gains only from its own
   lines) form one class, with one integer variable per action, 0 to the class's size, whose sum
   is at most that size.  Any plan gives such counts, and any counts give back a plan with the
   same cost, count and row totals: `expand` gives the class's certify actions to its first
   lines in row order and its re-source actions to the next ones, so the same counts always
   give the same lines.

Dominance across lines is not used: replacing a column by a cheaper, better one on another line
is only possible while that line is free, which depends on the rest of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIONS = ("certify", "re-source")  # column action codes 0 and 1, in the order `expand` assigns them


@dataclass(frozen=True)
class Program:
    """min cost.x  s.t.  gains @ x >= need,  x in {0, 1},  at most one column per line."""

    line: np.ndarray  # (n,) int64: the BOM line (index) each column acts on
    action: np.ndarray  # (n,) int8: 0 certify, 1 re-source
    cost: np.ndarray  # (n,) int64, >= 0
    gains: np.ndarray  # (rows, n) int64
    need: tuple[int, ...]  # per row

    def columns_of(self, chosen: list[tuple[int, int]]) -> np.ndarray:
        """The column of each (line, action) pair of a plan; a pair that is no column, or a line
        used twice, is an error."""
        pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
        if len(np.unique(pairs[:, 0])) != len(pairs):
            raise ValueError("a plan must use existing columns, one per line")
        key = self.line.astype(np.int64) * 2 + self.action
        order = np.argsort(key, kind="stable")
        wanted = pairs[:, 0] * 2 + pairs[:, 1]
        at = np.minimum(np.searchsorted(key[order], wanted), max(len(key) - 1, 0))
        if len(wanted) and (not len(key) or (key[order][at] != wanted).any()):
            raise ValueError("a plan must use existing columns, one per line")
        return order[at] if len(wanted) else np.zeros(0, dtype=np.int64)

    def holds(self, chosen: list[tuple[int, int]]) -> list[int]:
        """The rows a plan [(line, action)] leaves unmet, by exact integer sums (also checks that
        each pair is a column and each line is used once)."""
        columns = self.columns_of(chosen)
        return [r for r in range(len(self.need)) if int(self.gains[r, columns].sum(dtype=object)) < self.need[r]]

    def cost_of(self, chosen: list[tuple[int, int]]) -> int:
        """A plan's exact cost."""
        return int(self.cost[self.columns_of(chosen)].sum(dtype=object))


@dataclass(frozen=True)
class Reduced:
    """The smaller program: one variable per (class, action), 0..size, with each class's
    variables summing to at most its size."""

    rows: np.ndarray  # (k,) int64: which rows of the original program are kept
    var_class: np.ndarray  # (m,) int64
    var_action: np.ndarray  # (m,) int8
    cost: np.ndarray  # (m,) int64, per unit
    gains: np.ndarray  # (k, m) int64, per unit
    need: tuple[int, ...]  # per kept row
    members: tuple[np.ndarray, ...]  # per class: its lines, ascending
    infeasible: bool = False  # some row cannot be met even by every kept column at once

    @property
    def size(self) -> np.ndarray:
        return np.array([len(m) for m in self.members], dtype=np.int64)


def _worst(gains: np.ndarray, line_of: np.ndarray, lines: int, pick: np.ndarray, low: bool) -> list[int]:
    """Per row, the sum over lines of the lowest (or highest) gain of a picked column of the line,
    capped at 0 from above (or below): how far the picked columns can move the row down (up)."""
    out = []
    for row in gains:
        per_line = np.zeros(lines, dtype=np.int64)
        values = np.where(pick, row, 0)
        (np.minimum if low else np.maximum).at(per_line, line_of, values)
        out.append(int(per_line.sum(dtype=object)))
    return out


def reduce(program: Program) -> Reduced:
    """The exact reduction described in the module docstring."""
    if (program.cost < 0).any():
        raise ValueError("the reduction needs costs of 0 or more")
    gains, need = program.gains, np.array(program.need, dtype=object)
    lines, line_of = np.unique(program.line, return_inverse=True)
    rows = np.array([n > 0 for n in program.need], dtype=bool)
    while True:  # step 1: grow kept rows and columns to a fixpoint
        cols = (gains[rows] > 0).any(axis=0) if rows.any() else np.zeros(gains.shape[1], dtype=bool)
        worst = np.array(_worst(gains, line_of, len(lines), cols, low=True), dtype=object)
        grown = rows | (need > worst)
        if (grown == rows).all():
            break
        rows = grown
    best = _worst(gains[rows], line_of, len(lines), cols, low=False)
    infeasible = any(b < n for b, n in zip(best, need[rows].tolist(), strict=True))
    kept = np.flatnonzero(cols)
    g = gains[np.ix_(rows, kept)]
    cost, action, owner = program.cost[kept], program.action[kept], line_of[kept]
    keep = _undominated(g, cost, action, owner)  # step 2
    g, cost, action, owner = g[:, keep], cost[keep], action[keep], owner[keep]
    return _classes(program, np.flatnonzero(rows), g, cost, action, owner, lines,
                    tuple(int(n) for n in need[rows]), infeasible)


def _undominated(g: np.ndarray, cost: np.ndarray, action: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Mask of columns kept by step 2 (a line's action that the line's other action dominates is dropped)."""
    keep = np.ones(len(cost), dtype=bool)
    order = np.lexsort((action, owner))
    o = owner[order]
    pairs = np.flatnonzero(o[:-1] == o[1:])  # a line's two columns are adjacent, certify first
    for p in pairs.tolist():
        c, r = order[p], order[p + 1]
        if cost[c] <= cost[r] and (g[:, c] >= g[:, r]).all():
            keep[r] = False
        elif cost[r] <= cost[c] and (g[:, r] >= g[:, c]).all():
            keep[c] = False
    return keep


def _classes(program: Program, rows: np.ndarray, g: np.ndarray, cost: np.ndarray, action: np.ndarray,
             owner: np.ndarray, lines: np.ndarray, need: tuple[int, ...], infeasible: bool) -> Reduced:
    """Step 3: lines with identical (action, cost, gains) columns become one class."""
    k = g.shape[0]
    width = 2 + k  # per action: present flag, cost, gains
    signature = np.zeros((len(lines), 2 * width), dtype=np.int64)
    for a in (0, 1):
        mine = action == a
        base = a * width
        signature[owner[mine], base] = 1
        signature[owner[mine], base + 1] = cost[mine]
        signature[owner[mine], base + 2: base + 2 + k] = g[:, mine].T
    used = np.zeros(len(lines), dtype=bool)
    used[owner] = True
    used_lines = np.flatnonzero(used)
    if not len(used_lines):
        return Reduced(rows, np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64),
                       np.zeros((k, 0), np.int64), need, (), infeasible)
    unique, first, inverse = _unique_rows(signature[used_lines])
    order = np.argsort(first, kind="stable")  # classes in the order of their first line: deterministic
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    unique, cls = unique[order], rank[inverse]
    by_class = np.lexsort((lines[used_lines], cls))  # each class's lines, ascending, classes in order
    members = tuple(np.split(lines[used_lines][by_class], np.flatnonzero(np.diff(cls[by_class])) + 1))
    var_class, var_action, var_cost, var_gains = [], [], [], []
    for c, sig in enumerate(unique):
        for a in (0, 1):
            base = a * width
            if sig[base]:
                var_class.append(c)
                var_action.append(a)
                var_cost.append(sig[base + 1])
                var_gains.append(sig[base + 2: base + 2 + k])
    gains = np.array(var_gains, dtype=np.int64).T.reshape(k, len(var_class))
    return Reduced(rows, np.array(var_class, dtype=np.int64), np.array(var_action, dtype=np.int8),
                   np.array(var_cost, dtype=np.int64), gains, need, members, infeasible)


def _unique_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(table, axis=0, return_index=True, return_inverse=True), by one lexsort of the
    columns (np.unique sorts the rows as opaque bytes, several times slower)."""
    order = np.lexsort(table.T[::-1])
    ordered = table[order]
    new = np.ones(len(table), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(len(table), dtype=np.int64)
    inverse[order] = group
    first = np.full(int(new.sum()), len(table), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(table)))
    return ordered[new], first, inverse


def expand(reduced: Reduced, counts: np.ndarray) -> list[tuple[int, int]]:
    """The plan [(line, action)] for integer counts per variable, lines ascending: in each class
    the first lines get the certify actions, the next ones the re-source actions."""
    taken: dict[int, int] = {}
    out = []
    for j in np.argsort(reduced.var_action, kind="stable").tolist():  # certify variables first
        c, n = int(reduced.var_class[j]), int(counts[j])
        if n < 0 or taken.get(c, 0) + n > len(reduced.members[c]):
            raise ValueError(f"class {c}: {n} actions exceed its {len(reduced.members[c])} lines")
        start = taken.get(c, 0)
        out += [(int(i), int(reduced.var_action[j])) for i in reduced.members[c][start:start + n]]
        taken[c] = start + n
    return sorted(out)
