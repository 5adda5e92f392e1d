"""A worksheet whose many data rows are written straight into its XML when the workbook closes.

xlsxwriter keeps every cell as a Python object until it closes the workbook, then writes each
through several calls: for a 100,000-line table that is most of the report's time and memory.
Here a table is handed over as whole columns; at close its rows are written as text, each cell
exactly as xlsxwriter writes it (numbers as `%.16G`, text as a shared string, the same style
indices), so the workbook reads the same.  Everything else on the sheet (titles, headers, merged
bands, filters, print setup) goes through xlsxwriter as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

MAX_TEXT = 32_767  # characters in a cell, as xlsxwriter truncates them
CHUNK = 5_000  # rows turned into XML at a time


@dataclass
class BulkColumn:
    """One column of a table: numbers (None for a blank cell), or text (None or "" for a blank
    cell), with an optional cell format."""

    values: list
    style: object | None = None
    text: bool = False
    longest: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if self.text:
            self.values = [None if v is None or v == "" or (isinstance(v, float) and v != v) else str(v)[:MAX_TEXT] for v in self.values]
            self.longest = max((len(v) for v in self.values if v is not None), default=0)


class BulkRowsSheet(Worksheet):
    """A worksheet with one bulk table (`bulk_rows`) below the rows written the usual way."""

    def __init__(self) -> None:
        super().__init__()
        self._bulk: tuple[int, list[BulkColumn]] | None = None
        self._bulk_text: list[bool] = []

    def bulk_rows(self, first_row: int, columns: list[BulkColumn]) -> None:
        """The table's rows from `first_row` down, column 0 first; nothing else may be written
        at or below `first_row`.  Text is added to the shared strings now."""
        count = len(columns[0].values)
        if any(len(c.values) != count for c in columns):
            raise ValueError("every column of a table needs the same number of rows")
        if count:
            self._check_dimensions(first_row + count - 1, len(columns) - 1)
        index = self.str_table._get_shared_string_index
        self._bulk = (first_row, [BulkColumn([None if v is None else index(v) for v in c.values], c.style) if c.text else c
                                  for c in columns])
        self._bulk_text = [c.text for c in columns]

    def _write_rows(self) -> None:
        if self._bulk is None:
            return super()._write_rows()
        first_row, columns = self._bulk
        rowmax: int = self.dim_rowmax  # type: ignore[has-type]  # set by xlsxwriter, untyped
        self.dim_rowmax = min(rowmax, first_row - 1)  # xlsxwriter's own rows: the ones above the table
        try:
            super()._write_rows()
        finally:
            self.dim_rowmax = rowmax
        letters = [xl_col_to_name(j) for j in range(len(columns))]
        count = len(columns[0].values)
        for start in range(0, count, CHUNK):
            stop = min(start + CHUNK, count)
            numbers = [str(r + 1) for r in range(first_row + start, first_row + stop)]
            cells = [self._cells(column, letter, numbers, start, stop, text)
                     for column, letter, text in zip(columns, letters, self._bulk_text)]
            self.fh.write("".join(f'<row r="{n}">' + "".join(row) + "</row>" for n, *row in zip(numbers, *cells)))

    @staticmethod
    def _cells(column: BulkColumn, letter: str, numbers: list[str], start: int, stop: int, text: bool) -> list[str]:
        style = f' s="{column.style._get_xf_index()}"' if column.style is not None else ""  # type: ignore[attr-defined]
        kind = ' t="s"' if text else ""
        values = column.values[start:stop]
        if text:
            return ["" if v is None else f'<c r="{letter}{n}"{style}{kind}><v>{v}</v></c>' for n, v in zip(numbers, values)]
        return ["" if v is None else f'<c r="{letter}{n}"{style}><v>{v:.16G}</v></c>' for n, v in zip(numbers, values)]
