"""Write the pre-filled USMCA certification of origin (`roo-calc certify`): the Annex 5-A
elements, with the fields the user must complete unlocked and marked, and the determination
behind it (requirements, figures, citations, assumptions, supplier documents, input hash)."""

from __future__ import annotations

from pathlib import Path

from roo_calc.atomic import atomic_path
from roo_calc.bom.model import Bom
from roo_calc.certificates.writer import open_book
from roo_calc.engine.result import Determination
from roo_calc.numbers import display_money
from roo_calc.suppliers.certification import SOURCES, Element, figures

_ROLES = ["Importer", "Exporter", "Producer"]


def write_certification(path: Path, bom: Bom, result: Determination, items: list[Element], digest: str,
                        parts: dict) -> None:
    """The certification workbook, atomically: the Certification of Origin sheet (the data elements,
    pre-filled or to complete) and the Determination sheet behind it."""
    with atomic_path(path) as temporary:
        book = open_book(temporary)
        fmt = _formats(book)
        _certification_sheet(book, fmt, bom, result, items, digest)
        _determination_sheet(book, fmt, bom, result, digest, parts)
        book.close()


def _formats(book) -> dict:
    base = {"valign": "top", "font_size": 10, "text_wrap": True}
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({**base, "border": 1})
    bold = book.add_format({**base, "bold": True, "border": 1})
    todo = book.add_format({**base, "border": 1, "bg_color": "#FFF2CC", "locked": False})
    mark = book.add_format({**base, "border": 1, "bold": True, "font_color": "#9C5700"})
    note = book.add_format({**base, "italic": True})
    return {"title": title, "head": head, "text": text, "bold": bold, "todo": todo, "mark": mark, "note": note}


_STYLES = ("title", "head", "text", "bold", "todo", "mark", "note")


def _worksheet(book, name: str, widths: tuple[int, ...]):
    """A new sheet with its columns' widths, left to right."""
    sheet = book.add_worksheet(name)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    return sheet


def _certification_sheet(book, fmt: dict, bom: Bom, result: Determination, items: list[Element], digest: str) -> None:
    """The minimum data elements, each with where its value came from; yellow cells to complete."""
    v = bom.vehicle
    title, head, text, bold, todo, mark, note = (fmt[k] for k in _STYLES)
    sheet = _worksheet(book, "Certification of Origin", (5, 34, 70, 16))
    sheet.write_string(0, 0, f"USMCA certification of origin: {v.model} (HS {v.hs_code[:6]})", title)
    sheet.merge_range(1, 0, 1, 3, f"Minimum data elements of {SOURCES}. Pre-filled by roo-calc from the determination "
                                  f"under {result.regime} as of {result.as_of}; yellow cells are for you to complete.", note)
    sheet.set_row(1, 28)
    for col, name in enumerate(["#", "Element", "Value", "Source"]):
        sheet.write_string(3, col, name, head)
    for r, item in enumerate(items, start=4):
        sheet.write_string(r, 0, item.number, bold)
        sheet.write_string(r, 1, item.name, bold)
        if item.source == "for you to complete":
            sheet.write_blank(r, 2, None, todo)
            sheet.write_string(r, 3, "TO COMPLETE", mark)
            if item.number == "1":
                sheet.data_validation(r, 2, r, 2, {"validate": "list", "source": _ROLES})
        else:
            sheet.write_string(r, 2, item.value, todo if item.source == "suggested" else text)
            sheet.write_string(r, 3, "suggested: check" if item.source == "suggested" else f"from the {item.source}",
                               mark if item.source == "suggested" else text)

        sheet.set_row(r, 13 * max(2, -(-len(item.value) * 11 // 700), -(-len(item.name) * 11 // 340)))
    last = 4 + len(items)
    sheet.write_string(last + 1, 1, "Determination input hash (SHA-256)", bold)
    sheet.write_string(last + 1, 2, digest, text)
    sheet.set_row(last + 2, 26)
    sheet.write_string(last + 2, 1, "Determination", bold)
    sheet.write_string(last + 2, 2, f"{result.regime}: {result.status.replace('_', ' ')} as of {result.as_of} "
                                    f"(law applied as on {result.applied_on}); see the sheet Determination", text)
    if result.condition:
        sheet.write_string(last + 3, 1, "Condition roo-calc cannot check", bold)
        sheet.write_string(last + 3, 2, result.condition, mark)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True,
                       "format_columns": True})


def _determination_sheet(book, fmt: dict, bom: Bom, result: Determination, digest: str, parts: dict) -> None:
    """The figures, assumptions, certifications relied on and hashed inputs behind the certification."""
    v = bom.vehicle
    title, head, text, bold, todo, mark, note = (fmt[k] for k in _STYLES)
    det = _worksheet(book, "Determination", (40, 80, 60))
    det.write_string(0, 0, f"The determination behind the certification: {result.regime}, {result.status.replace('_', ' ')}", title)
    row = 2
    for col, name in enumerate(["Requirement", "Found (figures)", "Law"]):
        det.write_string(row, col, name, head)
    for req, found, law in figures(result, v.currency):
        row += 1
        det.write_string(row, 0, req, text)
        det.write_string(row, 1, found, text)
        det.write_string(row, 2, law, text)
        det.set_row(row, 13 * max(1, -(-len(found) * 11 // 800), -(-len(law) * 11 // 600)))
    row += 2
    det.write_string(row, 0, "Assumptions", head)
    det.write_string(row, 1, "", head)
    det.write_string(row, 2, "Value at stake", head)
    for a in result.assumptions:
        row += 1
        det.write_string(row, 0, a.code, text)
        det.write_string(row, 1, a.text + (f" [{a.citation}]" if a.citation else "") + f" (rows {', '.join(map(str, a.rows[:20]))}" + (f" and {len(a.rows) - 20} more" if len(a.rows) > 20 else "") + ")", text)
        det.write_string(row, 2, f"{display_money(a.value_at_stake_cents)} {v.currency}", text)
        det.set_row(row, 13 * max(1, -(-len(a.text) * 11 // 800)))
    row += 2
    det.write_string(row, 0, "Supplier certifications relied on", head)
    det.write_string(row, 1, "BOM rows", head)
    det.write_string(row, 2, "Period", head)
    docs: dict[tuple, list[int]] = {}
    for u in result.certified_lines:
        docs.setdefault((u.document, u.supplier, u.valid_from, u.valid_to), []).append(u.row)
    for (document, supplier, start, end), rows in docs.items():
        row += 1
        det.write_string(row, 0, f"{document} ({supplier})", text)
        det.write_string(row, 1, ", ".join(map(str, rows)), text)
        det.write_string(row, 2, f"{start or 'open'} to {end or 'open'}", text)
    row += 2
    det.write_string(row, 0, "Inputs (hashed)", head)
    det.write_string(row, 1, "", head)
    det.write_string(row, 2, "", head)
    for key, value in parts.items():
        row += 1
        det.write_string(row, 0, key, text)
        det.write_string(row, 1, value if isinstance(value, str) else "; ".join(f"{c['file']} {c['sha256']}" for c in value) or "none", text)
    det.write_string(row + 1, 0, "input hash", bold)
    det.write_string(row + 1, 1, digest, bold)
    det.write_string(row + 2, 0, "BOM file", text)
    det.write_string(row + 2, 1, Path(bom.path).name, text)
    det.set_landscape()
    det.fit_to_pages(1, 0)
