"""Merged cells over cells that are read: refused, naming the range.

A spreadsheet shows a merged value beside every row (or column) of the merge, but the file holds
it in the top-left cell only; the other cells are blank.  Read as they are stored, a currency
merged over three lines would give two of them the vehicle's currency, a merged quantity would
make the other lines quantity 1, a merged Y would leave the others uncertified.  Filling the
value down would be a guess about what the person who merged meant (a merged header over a
group, a value per block), and the columns read decide money, currency and certification, so a
merge that covers a cell that is read is an error: unmerge the range and fill each cell.
Merges that cover only cells nobody reads (a title above the header, an ignored column) pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

from roo_calc.bom.package import PackageError
from roo_calc.bom.xlsx import Merge, Sheet, column_letter
from roo_calc.errors import Problem

CODE = "merged-cells"


class _Out(Protocol):
    def add(self, code: str, message: str, sheet: str | None = None, cell: str | None = None) -> None: ...


def _anchor_text(sheet: Sheet, merge: Merge) -> tuple[str | None, bool]:
    """The text the merge shows (its top-left cell's), and whether another of its cells holds a
    value of its own in the file (a program can write one; a spreadsheet hides it)."""
    inside = ((sheet.rows >= merge.first) & (sheet.rows <= merge.last)
              & (sheet.cols >= merge.left) & (sheet.cols <= merge.right))
    anchor = inside & (sheet.rows == merge.first) & (sheet.cols == merge.left)
    at = np.flatnonzero(anchor)
    return (sheet.texts[int(at[0])] if len(at) else None), bool((inside & ~anchor).any())


def describe(merge: Merge, text: object, what: str, header_row: int | None = None, others_filled: bool = False) -> str:
    """The error for a merge over read cells: what the merge shows and what the file holds.  A
    merge in the header row (`header_row` given) is a group title over several columns: the fix
    is each column's own name, not the title copied into each cell."""
    anchor = f"{column_letter(merge.left)}{merge.first}"
    if text is None:
        shown = f"the merge is blank (its top-left cell {anchor}, which holds a merge's value, is empty)"
    else:
        shown = f"a spreadsheet shows {text!r} across the merge, but the file holds it in {anchor} only"
    if others_filled:
        shown += "; the other cells hold values of their own that a spreadsheet hides under the merge"
    elif text is not None:
        shown += " and the other cells are blank"
    fix = (f"expected one name per column: unmerge {merge.ref} and write each column's own name in header row "
           f"{header_row}" if header_row is not None else
           f"expected one value per cell: unmerge {merge.ref} and write each cell's own value")
    return f"{what}: cells {merge.ref} are merged: {shown}; {fix}"


def _report(sheet: Sheet, name: str, merge: Merge, what: str, out: _Out, header_row: int | None = None) -> None:
    text, others_filled = _anchor_text(sheet, merge)
    out.add(CODE, describe(merge, text, what, header_row, others_filled), name, merge.ref)


def _count(low: int, high: int) -> int:
    return max(0, high - low + 1)


def check_table(sheet: Sheet, name: str, header_row: int, read: dict[int, str], out: _Out) -> None:
    """A sheet read as a table below `header_row`: `read` maps each column read (0-based
    absolute index) to what it holds.  A merge is an error when it covers, besides its
    top-left cell, a cell of a read column below the header (down to the last filled row), or
    a header cell whose column holds values below it (that column would be read without its header)."""
    if not sheet.merges:
        return
    filled_cols: set[int] | None = None
    last_row = int(sheet.rows.max()) if len(sheet.rows) else header_row
    for merge in sorted(sheet.merges, key=lambda m: (m.first, m.left)):
        cols = [c for c in read if merge.left <= c <= merge.right]
        low = max(merge.first, header_row + 1)
        covered = _count(low, min(merge.last, last_row)) * len(cols)
        if low == merge.first and merge.left in cols:
            covered -= 1  # the top-left cell holds the value
        if covered > 0:
            _report(sheet, name, merge, ", ".join(read[c] for c in sorted(cols)), out)
            continue
        if merge.first <= header_row <= merge.last and merge.right > merge.left:
            if filled_cols is None:
                below = sheet.rows > header_row
                filled_cols = set(np.unique(sheet.cols[below]).tolist())
            hidden = [c for c in range(merge.left, merge.right + 1)
                      if c in filled_cols and not (c == merge.left and merge.first == header_row)]
            if hidden:
                letters = ", ".join(column_letter(c) for c in hidden)
                plural = len(hidden) > 1
                _report(sheet, name, merge, f"header row {header_row} (column{'s' * plural} {letters} "
                        f"hold{'' if plural else 's'} values below a merged header)", out, header_row)


def check_fields(sheet: Sheet, name: str, cells: Iterable[tuple[int, int, str]], out: _Out) -> None:
    """A sheet read cell by cell (the Vehicle sheet's fields): `cells` are the (row, column,
    what it holds) read; a merge covering one of them besides its top-left cell is an error."""
    if not sheet.merges:
        return
    read = list(cells)
    for merge in sorted(sheet.merges, key=lambda m: (m.first, m.left)):
        hit = [what for row, col, what in read
               if merge.first <= row <= merge.last and merge.left <= col <= merge.right
               and (row, col) != (merge.first, merge.left)]
        if hit:
            _report(sheet, name, merge, ", ".join(dict.fromkeys(hit)), out)


def sheet_problems(path: Path, sheet: str, header_row: int, read: dict[int, str]) -> list[Problem]:
    """The merged-cell problems of one table sheet of a workbook read by another reader (the
    Fleet sheet), located in `path`."""
    from roo_calc.bom.xlsx import open_workbook

    found: list[Problem] = []

    class _Found:
        def add(self, code: str, message: str, sheet: str | None = None, cell: str | None = None) -> None:
            found.append(Problem(code, message, str(path), sheet, cell))

    try:
        _data, book = open_workbook(path)
        check_table(book.read_sheet(sheet), sheet, header_row, read, _Found())
    except PackageError:
        return []  # the reader that opened it says what is wrong with the file
    return found
