"""The structure of a multi-level BOM: which line is a component of which, and which lines count.

Contract v2: a line at level n+1 is a component of the nearest line above it at level n.  A
bought (``buy``) line is a material of its parent; a self-produced (``make``) line is not a
material itself, its children are.  The children of a bought line are the supplier's own
sub-BOM, kept for information and never counted, since the bought line's value already holds
them.  A ``make`` line with no children is refused: its materials are unknown, and counting it
as a purchase or as nothing would each be a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MATERIAL, MADE, DETAIL = "material", "made", "detail"

_DOTTED = re.compile(r"(\.*)\s*(\d*)")


def parse_level(text: str) -> int:
    """'2', '.2', '..3' (indented exports: the number is the level) or '...' (dots only: their
    count) -> the level; ValueError says what was found."""
    raw = text.strip()
    match = _DOTTED.fullmatch(raw)
    if match and (match.group(1) or match.group(2)):
        level = int(match.group(2)) if match.group(2) else len(match.group(1))
    else:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(f"expected a whole level number (1, 2, ...; indented .2, ..3), found {text!r}")
        level = int(number)
    if level < 1:
        raise ValueError(f"expected a level of 1 or more (1 = directly in the vehicle; the vehicle has no row of its own), found {text!r}")
    return level


_CHILDLESS_MAKE = ("a make (self-produced) line needs its materials listed below it at the next level, found none; "
                   "list them, or say buy if the part is purchased")


@dataclass
class Tree:
    """Per line (in sheet order): its direct parent's index, and whether it is a counted
    material, a self-produced line, or a supplier's detail line."""

    parent: list[int | None] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line index, column, message)


def build(levels: list[int], make: list[bool], rows: list[int]) -> Tree:
    """Link each line to its parent and classify it; level jumps and childless make lines are
    problems (the line keeps its place under the deepest line open above it)."""
    tree = Tree()
    if all(level == 1 for level in levels):  # a flat BOM (the usual case): no line has a parent
        tree.parent = [None] * len(levels)
        tree.kind = [MADE if m else MATERIAL for m in make]
        tree.problems = [(i, "procurement", _CHILDLESS_MAKE) for i, m in enumerate(make) if m]
        return tree
    path: list[int] = []
    has_child: set[int] = set()
    for i, level in enumerate(levels):
        if level > len(path) + 1:
            above = f"the line above at level {len(path)} (row {rows[path[-1]]})" if path else "no line above it"
            tree.problems.append((i, "level", f"expected level {len(path) + 1} at most, found {level}: a line at level n+1 "
                                              f"is a component of the nearest line above at level n, and there is {above}"))
            level = len(path) + 1
        del path[level - 1:]
        parent = path[-1] if path else None
        path.append(i)
        tree.parent.append(parent)
        if parent is None:
            tree.kind.append(MADE if make[i] else MATERIAL)
        else:
            has_child.add(parent)
            tree.kind.append(DETAIL if tree.kind[parent] != MADE else MADE if make[i] else MATERIAL)
    for i, kind in enumerate(tree.kind):
        if kind == MADE and i not in has_child:
            tree.problems.append((i, "procurement", _CHILDLESS_MAKE))
    return tree
