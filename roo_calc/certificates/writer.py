"""Write a certificates workbook (one `Certificates` sheet, contract v2) that `--certificates`
reads.  Written by xlsxwriter with a fixed creation date, so the same certifications always
give the same bytes; every text is written as text, never as a formula."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Mapping

from roo_calc.atomic import atomic_path
from roo_calc.bom import schema

COLUMNS = tuple(c.name for c in schema.CERTIFICATE_COLUMNS)
_NOTES = {c.name: c.note for c in schema.CERTIFICATE_COLUMNS}
_EPOCH = datetime(2000, 1, 1)


def open_book(path: str, created: datetime | None = None):
    """An xlsxwriter workbook that keeps text as text and writes the same bytes for the same content."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    book.set_properties({"created": created or _EPOCH, "author": "roo-calc"})
    return book


def write_certificates(path: str | Path, rows: Iterable[Mapping[str, object]], extra_sheets=None) -> None:
    """Write certification rows (dicts keyed by contract column) atomically.

    `extra_sheets(book, formats)` may add sheets after `Certificates` (collect's report).
    """
    rows = list(rows)
    with atomic_path(path) as temporary:
        book = open_book(temporary)
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        text = book.add_format({"num_format": "@"})
        sheet = book.add_worksheet(schema.SHEET_CERTIFICATES)
        for col, name in enumerate(COLUMNS):
            sheet.write_string(0, col, name, head)
            sheet.write_comment(0, col, _NOTES[name], {"author": "roo-calc"})
            sheet.set_column(col, col, max(14, len(name) + 2), text if name in ("part_number", "supplier", "document") else None)
        for r, row in enumerate(rows, start=1):
            for col, name in enumerate(COLUMNS):
                value = row.get(name)
                if value is None or value == "":
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(r, col, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, bool):
                    sheet.write_string(r, col, "Y" if value else "N")
                elif isinstance(value, (int, Decimal)):
                    sheet.write_number(r, col, float(value))  # a cell holds a double; its shortest text is exact
                else:
                    sheet.write_string(r, col, str(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
        sheet.data_validation(1, COLUMNS.index("agreement"), 10_000, COLUMNS.index("agreement"),
                              {"validate": "list", "source": ["usmca", "nafta"]})
        sheet.data_validation(1, COLUMNS.index("originating"), 10_000, COLUMNS.index("originating"),
                              {"validate": "list", "source": ["Y", "N"]})
        if extra_sheets:
            extra_sheets(book, {"head": head, "day": day})
        book.close()
