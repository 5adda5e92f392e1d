"""Write the request workbooks of `roo-calc solicit`: one per supplier, and the summary that
ranks suppliers by what their answers could change.

A request has three sheets: Instructions (what is asked and why, and the request's identity),
Parts (one row per part; answer cells unlocked, with drop-downs, only where an answer is asked)
and Certification (the blanket period, the reference and the certifier).  Sheets are protected
without a password: the layout is fixed so `collect` can read the answers back.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from roo_calc.atomic import atomic_path
from roo_calc.bom.model import Bom
from roo_calc.certificates.writer import open_book
from roo_calc.display import plural
from roo_calc.numbers import display_money
from roo_calc.suppliers.layout import (ANSWER_COLUMNS, CERT_FIELDS, HEADER_ROW, INFO_COLUMNS, KEY_ROW, RESPONSES,
                                       RVC_METHODS, SHEET_CERTIFICATION, SHEET_INSTRUCTIONS, SHEET_PARTS, answer_title)
from roo_calc.suppliers.needs import ANSWERS, PartNeed, Solicitation, SupplierNeed

_FIGURE_ANSWERS = ("regional_content_pct", "us_content_pct", "steel_content_value", "aluminum_content_value")


def request_id(bom: Bom, supplier: str, on: date) -> str:
    return hashlib.sha256(f"{bom.sha256}|{supplier.casefold()}|{on}".encode()).hexdigest()[:12].upper()


def file_names(solicitation: Solicitation) -> dict[str, str]:
    """Supplier -> request file name (a slug of the name; numbered when two slugs collide)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for need in solicitation.suppliers:
        slug = re.sub(r"[^a-z0-9]+", "-", need.supplier.casefold()).strip("-") or "supplier"
        name, n = f"request-{slug}.xlsx", 2
        while name in used:
            name, n = f"request-{slug}-{n}.xlsx", n + 1
        used.add(name)
        names[need.supplier] = name
    return names


def input_cells(part: PartNeed, holder: str) -> set[str]:
    """The answer columns a part's row opens: what is asked, the Y/N for a renewal, and the
    Y/N that its figures are certified under (`holder` for most figures, nafta_originating for
    the NAFTA traced value, a contract column of NAFTA tracing)."""
    keys = {a for a in part.answers if a != "renewal"}
    if "renewal" in part.answers:
        keys |= {flag for flag in part.on_file} or {holder}
    if keys & set(_FIGURE_ANSWERS):
        keys.add(holder)
    if "regional_content_pct" in keys:
        keys.add("rvc_method")
    if "nafta_traced_value" in keys:
        keys.add("nafta_originating")
    return keys


def write_request(path: Path, bom: Bom, solicitation: Solicitation, need: SupplierNeed) -> None:
    """One supplier's request workbook, written atomically: Instructions, Parts (the answers asked,
    line by line) and Certification (period, reference, certifier)."""
    opened = [input_cells(p, solicitation.figures_column) for p in need.parts]
    with atomic_path(path) as temporary:
        book = open_book(temporary)
        f = _formats(book)
        _instructions_sheet(book, f, bom, solicitation, need)
        _parts_sheet(book, f, bom, solicitation, need, opened)
        _certification_sheet(book, f)
        book.close()


def _instructions_sheet(book, f: dict, bom: Bom, solicitation: Solicitation, need: SupplierNeed) -> None:
    """Who asks whom about which vehicle, and how to answer."""
    v = bom.vehicle
    on = solicitation.on
    rid = request_id(bom, need.supplier, on)
    sheet = book.add_worksheet(SHEET_INSTRUCTIONS)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, _TEXT_WIDTH, f["wrap"])
    sheet.fit_to_pages(1, 0)
    sheet.write_string(0, 0, f"Request for supplier information: {need.supplier}", f["title"])
    identity = [("Request", rid), ("Supplier", need.supplier), ("Vehicle", f"{v.model} (HS {v.hs_code}), assembled in {v.assembly_country}"),
                ("Producer", v.producer or ""), ("BOM file", Path(bom.path).name), ("BOM SHA-256", bom.sha256),
                ("Determination date", on.isoformat()), ("Next determination", solicitation.next_determination.isoformat()),
                ("Regimes", ", ".join(r.regime for r in solicitation.regimes)), ("Currency", v.currency)]
    for i, (label, value) in enumerate(identity, start=2):
        sheet.write_string(i, 0, label, f["label"])
        sheet.write_string(i, 1, value, f["locked"])
    text = _instructions(need, v.currency, solicitation)
    for i, line in enumerate(text, start=len(identity) + 3):
        sheet.write_string(i, 0, line[0], f["label"] if line[0] else f["locked"])
        sheet.write_string(i, 1, line[1], f["wrap"])
        sheet.set_row(i, 13 * _lines(line[1]))
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    sheet.activate()


def _parts_sheet(book, f: dict, bom: Bom, solicitation: Solicitation, need: SupplierNeed, opened: list[set[str]]) -> None:
    """One row per part: what it is and what is on file (locked), and a yellow cell per answer asked.
    A certification column's header names its agreement; the hidden row above the headers holds
    each answer column's key, which `collect` reads back."""
    v = bom.vehicle
    named = solicitation.certifications
    columns = [(key, answer_title(named[key].agreement) if key in named else title, kind)
               for key, title, kind in ANSWER_COLUMNS if any(key in keys for keys in opened)]
    parts = book.add_worksheet(SHEET_PARTS)
    parts.write_string(0, 0, f"{need.supplier}: parts of {v.model} that need your answer", f["title"])
    parts.write_string(1, 0, "Answer in the yellow cells only; grey cells are not asked. Values are per vehicle, in "
                       f"{v.currency}. Return this file unchanged otherwise.", f["note"])
    header = HEADER_ROW - 1
    widths = {"row": 8, "part_number": 14, "description": 28, "hs_code": 10, "origin_country": 7, "value": 13,
              "regimes": 30, "asked": 40, "on_file": 18}
    for col, (key, title) in enumerate(INFO_COLUMNS):
        parts.write_string(header, col, title, f["head"])
        parts.set_column(col, col, widths[key])
    first_answer = len(INFO_COLUMNS)
    for j, (key, title, _kind) in enumerate(columns):
        parts.write_string(KEY_ROW - 1, first_answer + j, key)
        parts.write_string(header, first_answer + j, title, f["head_input"])
        parts.set_column(first_answer + j, first_answer + j, 16)
    parts.set_row(header, 45)
    parts.set_row(KEY_ROW - 1, None, None, {"hidden": True})
    for r, (part, keys) in enumerate(zip(need.parts, opened), start=header + 1):
        info = {"row": part.row, "part_number": part.part_number, "description": part.description or "",
                "hs_code": part.hs_code, "origin_country": part.origin_country, "value": None,
                "regimes": "; ".join(f"{k} ({s.replace('_', ' ')})" for k, s in part.regimes.items()),
                "asked": "; ".join(solicitation.answer_label(a) + (f" (ends {part.expires})" if a == "renewal" and part.expires else "")
                                   for a in part.answers),
                "on_file": "; ".join(f"{named[k].agreement} {v}" for k, v in part.on_file.items())}
        parts.set_row(r, 13 * max(_lines(str(info[k]), widths[k]) for k in ("description", "regimes", "asked", "on_file")))
        for col, (key, _title) in enumerate(INFO_COLUMNS):
            if key == "row":
                parts.write_number(r, col, part.row, f["locked"])
            elif key == "value":
                parts.write_number(r, col, part.value_cents / 100, f["money_locked"])
            else:
                parts.write_string(r, col, str(info[key]), f["locked_wrap"])
        for j, (key, _title, kind) in enumerate(columns):
            col = first_answer + j
            if key in keys:
                parts.write_blank(r, col, None, f["input"])
                _validate(parts, r, col, kind)
            else:
                parts.write_string(r, col, "", f["not_asked"])
    last = header + len(need.parts)
    parts.freeze_panes(header + 1, 2)
    parts.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                       "format_rows": True})
    parts.set_landscape()
    parts.fit_to_pages(1, 0)
    parts.repeat_rows(header)
    parts.print_area(0, 0, max(last, header), first_answer + len(columns) - 1)


def _certification_sheet(book, f: dict) -> None:
    """The certification's period, reference and certifier, to fill in."""
    cert = book.add_worksheet(SHEET_CERTIFICATION)
    cert.set_column(0, 0, 40)
    cert.set_column(1, 1, 36)
    cert.set_column(2, 2, 70)
    cert.write_string(0, 0, "Your certification: period, reference and certifier", f["title"])
    cert.write_string(1, 0, "Field", f["head"])
    cert.write_string(1, 1, "Your answer", f["head_input"])
    cert.write_string(1, 2, "Note", f["head"])
    for i, (key, label, note) in enumerate(CERT_FIELDS, start=2):
        cert.write_string(i, 0, label, f["label"])
        cert.write_string(i, 2, note, f["locked_wrap"])
        if key in ("valid_from", "valid_to", "signed_on"):
            cert.write_blank(i, 1, None, f["input_date"])
            cert.data_validation(i, 1, i, 1, {"validate": "date", "criteria": ">=", "value": date(2000, 1, 1),
                                              "error_message": "A date (YYYY-MM-DD)"})
        elif key == "response":
            cert.write_blank(i, 1, None, f["input"])
            cert.data_validation(i, 1, i, 1, {"validate": "list", "source": list(RESPONSES)})
        else:
            cert.write_blank(i, 1, None, f["input"])
    cert.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    cert.fit_to_pages(1, 0)


_TEXT_WIDTH = 90


def _lines(text: str, width: int = _TEXT_WIDTH) -> int:
    """Rows a wrapped text needs in a column of `width` characters (spreadsheets do not grow a
    row written by a program)."""
    return max(1, -(-len(text) * 11 // (width * 10)))


def _validate(sheet, row: int, col: int, kind: str) -> None:
    if kind == "yn":
        sheet.data_validation(row, col, row, col, {"validate": "list", "source": ["Y", "N"]})
    elif kind == "method":
        sheet.data_validation(row, col, row, col, {"validate": "list", "source": list(RVC_METHODS)})
    elif kind == "pct":
        sheet.data_validation(row, col, row, col, {"validate": "decimal", "criteria": "between", "minimum": 0,
                                                   "maximum": 100, "error_message": "A percentage from 0 to 100"})
    else:
        sheet.data_validation(row, col, row, col, {"validate": "decimal", "criteria": ">=", "value": 0,
                                                   "error_message": "An amount of 0 or more"})


def _instructions(need: SupplierNeed, currency: str, solicitation: Solicitation) -> list[tuple[str, str]]:
    asked = sorted({a for p in need.parts for a in p.answers}, key=list(ANSWERS).index)
    named = solicitation.certifications
    holder_name = named[solicitation.figures_column].agreement
    out = [
        ("What we ask", f"The parts you supply for this vehicle need the answers below so that the producer can determine "
                        f"the vehicle's origin on {solicitation.on}. {plural(len(need.parts), 'part')}, value "
                        f"{display_money(need.value_at_stake_cents)} {currency} per vehicle."),
        ("How to answer", "On the Parts sheet, fill the yellow cells (drop-downs show the allowed values); leave a cell "
                          "blank if you cannot answer it. On the Certification sheet, choose 'answered' (or 'declined'), "
                          "give the blanket period your answers hold for, your reference and the certifier. Return "
                          "this workbook as it is: do not rename sheets or move columns."),
    ]
    notes = {
        **{column: (c.agreement, c.question) for column, c in named.items()},
        "regional_content_pct": ("Regional content", "The part's regional value content, 0-100, and the method used "
                                                     "(net cost or transaction value; USMCA UR s.7)."),
        "nafta_traced_value": ("Traced value", f"The value, in {currency} per vehicle, of the non-originating traced "
                                               "materials in the part (NAFTA UR s.9)."),
        "us_content_pct": ("US content", "The share of the part's value that is US content, 0-100."),
        "steel_content_value": ("Steel content", f"The value of the steel in the part, {currency} per vehicle (USMCA UR 17(2))."),
        "aluminum_content_value": ("Aluminum content", f"The value of the aluminum in the part, {currency} per vehicle (USMCA UR 17(2))."),
        "renewal": ("Renewal", f"Your certification on file ends before {solicitation.next_determination}: answer "
                               "again for a new blanket period."),
    }
    out += [notes[a] for a in asked]
    if any(a in _FIGURE_ANSWERS for a in asked):
        out.append(("Figures", f"Figures are certified with your {holder_name} Y/N answer on the same row: give it too."))
    out.append(("Why it matters", "Each part shows the verdicts that depend on it (regime and its status now). Without "
                                  "an answer the producer must treat the part as not certified."))
    return out


def _formats(book) -> dict:
    base = {"valign": "top", "font_size": 10}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 13}),
        "note": book.add_format({**base, "italic": True}),
        "label": book.add_format({**base, "bold": True, "locked": True}),
        "locked": book.add_format({**base, "locked": True}),
        "wrap": book.add_format({**base, "text_wrap": True, "locked": True}),
        "locked_wrap": book.add_format({**base, "text_wrap": True, "locked": True}),
        "money_locked": book.add_format({**base, "num_format": "#,##0.00", "locked": True}),
        "head": book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "head_input": book.add_format({**base, "bold": True, "bg_color": "#FFE699", "border": 1, "text_wrap": True}),
        "input": book.add_format({**base, "bg_color": "#FFF2CC", "border": 1, "locked": False}),
        "input_date": book.add_format({**base, "bg_color": "#FFF2CC", "border": 1, "locked": False, "num_format": "yyyy-mm-dd"}),
        "not_asked": book.add_format({**base, "bg_color": "#E7E6E6", "border": 1, "locked": True}),
    }
