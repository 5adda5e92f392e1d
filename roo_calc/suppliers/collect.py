"""Read returned request workbooks (`roo-calc collect`) into certification rows for a
certificates workbook.

Each file is read on its own: its problems are located (file:sheet!cell) and collected in one
pass, and a bad file is reported without stopping the others.  Files are only ever opened for
reading.  Every answer carries where it came from: the file's name, its SHA-256 and the date it
was received (its modification date unless given).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from roo_calc.bom.merges import CODE as MERGED
from roo_calc.bom.merges import describe
from roo_calc.bom.reader import parse_date, parse_yn
from roo_calc.bom.xlsx import Merge
from roo_calc.bom.schema import CERTIFICATION_COLUMNS
from roo_calc.certificates.reader import conflicts
from roo_calc.certificates.model import Certificate
from roo_calc.errors import Problem
from roo_calc.numbers import parse_decimal, pct_to_e4
from roo_calc.suppliers.layout import (ANSWER_COLUMNS, CERT_FIELDS, HEADER_ROW, ID_LABELS, KEY_ROW, RESPONSES,
                                       RVC_METHODS, SHEET_CERTIFICATION, SHEET_INSTRUCTIONS, SHEET_PARTS)

BLANKET_MONTHS = 12  # USMCA Art. 5.2 and Annex 5-A: a blanket period of up to 12 months
_HOLDERS = CERTIFICATION_COLUMNS


@dataclass
class Returned:
    """One returned request: its status, the certification rows it gives, its problems."""

    path: str
    sha256: str = ""
    received: date | None = None
    supplier: str | None = None
    request: str | None = None
    status: str = "invalid"  # answered, declined, invalid
    note: str = ""
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_returned(path: str | Path, received: date | None = None) -> Returned:
    """One returned request workbook; problems are in `.problems`, never raised."""
    path = Path(path)
    found = Returned(str(path))

    def problem(message: str, sheet: str | None = None, cell: str | None = None, code: str = "bad-value") -> None:
        found.problems.append(Problem(code, message, str(path), sheet, cell))

    if not path.is_file():
        problem("expected a returned request workbook (.xlsx), found no such file", code="file-not-found")
        return found
    data = path.read_bytes()
    found.sha256 = hashlib.sha256(data).hexdigest()
    found.received = received or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date()
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # not a workbook, or a damaged one
        problem(f"expected an .xlsx workbook, could not read it ({type(exc).__name__})", code="not-xlsx")
        return found
    missing = [s for s in (SHEET_INSTRUCTIONS, SHEET_PARTS, SHEET_CERTIFICATION) if s not in book.sheetnames]
    if missing:
        problem(f"expected the request sheets {SHEET_INSTRUCTIONS}, {SHEET_PARTS}, {SHEET_CERTIFICATION}; found "
                f"{', '.join(book.sheetnames)} (is this a request workbook written by roo-calc solicit?)", code="missing-sheet")
        return found
    ident = _labelled(book[SHEET_INSTRUCTIONS], ID_LABELS)
    found.supplier = _text(ident.get("Supplier", (None, ""))[0])
    found.request = _text(ident.get("Request", (None, ""))[0])
    if not found.supplier:
        problem("expected the supplier's name beside 'Supplier', found none", SHEET_INSTRUCTIONS, ident.get("Supplier", (None, "B4"))[1])
        return found
    cert = _labelled(book[SHEET_CERTIFICATION], tuple(label for _k, label, _n in CERT_FIELDS))
    answers = {key: cert.get(label, (None, None)) for key, label, _note in CERT_FIELDS}
    response_text, response_cell = answers["response"]
    response = (_text(response_text) or "").lower()
    if response not in RESPONSES:
        problem(f"Response: expected {' or '.join(RESPONSES)}, found {_shown(response_text)}", SHEET_CERTIFICATION, response_cell)
        return found
    if response == "declined":
        found.status = "declined"
        found.note = _text(answers["decline_reason"][0]) or "no reason given"
        return found
    period = {}
    for key in ("valid_from", "valid_to", "signed_on"):
        value, cell = answers[key]
        if value is None:
            if key != "signed_on":
                problem(f"{dict((k, l) for k, l, _n in CERT_FIELDS)[key]}: expected a date (YYYY-MM-DD), found a blank cell",
                        SHEET_CERTIFICATION, cell)
            continue
        try:
            period[key] = _date(value)
        except ValueError as exc:
            problem(f"{dict((k, l) for k, l, _n in CERT_FIELDS)[key]}: {exc}", SHEET_CERTIFICATION, cell)
    start, end = period.get("valid_from"), period.get("valid_to")
    if start and end:
        if end < start:
            problem(f"Blanket period to: expected a date on or after {start}, found {end}", SHEET_CERTIFICATION, answers["valid_to"][1])
        elif end >= _add_months(start, BLANKET_MONTHS):
            problem(f"Blanket period to: a blanket period covers at most {BLANKET_MONTHS} months (USMCA Art. 5.2; Annex 5-A); "
                    f"expected a date before {_add_months(start, BLANKET_MONTHS)}, found {end}", SHEET_CERTIFICATION, answers["valid_to"][1])
    document = _text(answers["document"][0]) or f"request {found.request or path.name} ({found.supplier})"
    base = {"supplier": found.supplier, "valid_from": start, "valid_to": end, "document": document,
            "source_file": path.name, "source_sha256": found.sha256, "received": found.received}
    found.rows = _parts(book[SHEET_PARTS], base, problem)
    if not found.rows and not found.problems:
        problem("Response is 'answered' but no answer was found on the Parts sheet: fill the yellow cells, or choose "
                "'declined'", SHEET_CERTIFICATION, response_cell)
    if found.problems:
        found.rows = []
        return found
    found.status = "answered"
    found.note = f"{len(found.rows)} certification rows"
    return found


def _parts(sheet, base: dict, problem) -> list[dict]:
    """The certification rows of the Parts sheet: one per part and agreement answered."""
    titles = {title: key for key, title, _kind in ANSWER_COLUMNS}
    kinds = {key: kind for key, _title, kind in ANSWER_COLUMNS}
    columns: dict[str, int] = {}
    part_col = None
    for cell in sheet[HEADER_ROW]:
        text = _text(cell.value)
        key = _text(sheet.cell(KEY_ROW, cell.column).value)  # the answer's key, above its header
        if key is not None and key in kinds:
            columns[key] = cell.column
        elif text in titles:  # a request written before the key row
            columns[titles[text]] = cell.column
        elif text == "Part number":
            part_col = cell.column
    if part_col is None:
        problem(f"expected the header 'Part number' on row {HEADER_ROW}, found none", SHEET_PARTS, f"{HEADER_ROW}:{HEADER_ROW}")
        return []
    _merged_answers(sheet, {part_col: "part_number", **{col: key for key, col in columns.items()}}, problem)
    rows: list[dict] = []
    for r in range(HEADER_ROW + 1, sheet.max_row + 1):
        part = _text(sheet.cell(r, part_col).value)
        if not part:
            continue
        given: dict[str, object] = {}
        cells: dict[str, str] = {}
        for key, col in columns.items():
            cell = sheet.cell(r, col)
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            cells[key] = cell.coordinate
            try:
                given[key] = _convert(kinds[key], cell.value)
            except ValueError as exc:
                problem(f"{key}: {exc}", SHEET_PARTS, cell.coordinate)
        if not given:
            continue
        by_agreement: dict[str, dict] = {}
        for flag in _HOLDERS:
            if flag in given:
                by_agreement[flag] = {**base, "part_number": part, "agreement": flag.split("_")[0], "originating": given[flag]}
        for key in ("regional_content_pct", "us_content_pct", "steel_content_value", "aluminum_content_value", "rvc_method"):
            if key not in given:
                continue
            holder = next((by_agreement[f] for f in _HOLDERS if f in by_agreement), None)
            if holder is None:
                problem(f"{key}: figures are certified with a Y/N answer; expected one in an 'originating? (Y/N)' "
                        f"column of row {r}, found none", SHEET_PARTS, cells[key])
                continue
            holder[key] = given[key]
        if "regional_content_pct" in given and "rvc_method" not in given and "regional_content_pct" in cells:
            problem(f"rvc_method: expected the method of the regional value content on row {r} "
                    f"({' or '.join(RVC_METHODS)}), found a blank cell", SHEET_PARTS,
                    f"{_letter(sheet, columns['rvc_method'])}{r}" if "rvc_method" in columns else cells["regional_content_pct"])
        if "nafta_traced_value" in given:
            if "nafta_originating" not in by_agreement:
                problem(f"nafta_traced_value: a traced value is stated with the NAFTA Y/N answer; expected one on row {r}, "
                        "found none", SHEET_PARTS, cells["nafta_traced_value"])
            else:
                by_agreement["nafta_originating"]["nafta_traced_value"] = given["nafta_traced_value"]
        rows.extend(by_agreement.values())
    return rows


def _merged_answers(sheet, read: dict[int, str], problem) -> None:
    """A merged range over the part numbers or answers below the header (a Y merged over a block
    of parts) leaves all but its top-left cell blank in the file: an error naming the range."""
    for cells in sorted(sheet.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        merge = Merge(cells.min_row, cells.min_col - 1, cells.max_row, cells.max_col - 1)
        below = cells.max_row - max(cells.min_row, HEADER_ROW + 1) + 1  # rows of the merge below the header
        hit = [key for col, key in sorted(read.items()) if cells.min_col <= col <= cells.max_col
               and below - (col == cells.min_col and cells.min_row > HEADER_ROW) > 0]
        if hit:
            problem(describe(merge, sheet.cell(cells.min_row, cells.min_col).value, ", ".join(hit)), SHEET_PARTS, merge.ref,
                    code=MERGED)


def _convert(kind: str, value: object) -> object:
    if kind == "yn":
        if isinstance(value, bool):
            return value
        return parse_yn(str(value))
    if kind == "method":
        text = str(value).strip().lower().replace("_", " ")
        if text not in RVC_METHODS:
            raise ValueError(f"expected {' or '.join(RVC_METHODS)}, found {_shown(value)}")
        return text.replace(" ", "_")
    try:
        number = parse_decimal(str(value)) if not isinstance(value, (int, float)) else Decimal(repr(value))
    except (ValueError, ArithmeticError):
        raise ValueError(f"expected a number, found {_shown(value)}") from None
    if kind == "pct" and not 0 <= number <= 100:
        raise ValueError(f"expected a percentage from 0 to 100, found {number}")
    if number < 0:
        raise ValueError(f"expected an amount of 0 or more, found {number}")
    return number


def _labelled(sheet, labels: tuple[str, ...]) -> dict[str, tuple[object, str]]:
    """label -> (the value beside it in column B, that cell), for labels in column A."""
    wanted = set(labels)
    found = {}
    for row in sheet.iter_rows(min_col=1, max_col=2):
        label = _text(row[0].value)
        if label in wanted and label not in found:
            found[label] = (row[1].value, row[1].coordinate)
    return found


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _shown(value: object) -> str:
    return "a blank cell" if value is None or str(value).strip() == "" else repr(str(value))


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError(day)


def _letter(sheet, col: int) -> str:
    return sheet.cell(1, col).column_letter


def collect(paths, received: date | None = None) -> list[Returned]:
    """Read every returned request; answers that contradict another file's are an error in the later file."""
    results = [read_returned(p, received) for p in paths]
    seen: list[tuple[Returned, Certificate]] = []
    for result in results:
        if result.status != "answered":
            continue
        mine = [(result, _as_certificate(row, result.path, i)) for i, row in enumerate(result.rows)]
        clash = conflicts([c for _r, c in seen] + [c for _r, c in mine])
        if clash:
            for p in clash:
                result.problems.append(Problem("conflicting-answers", "answers contradict those collected before for an "
                                               f"overlapping period: {p.message}", result.path, SHEET_PARTS))
            result.status, result.rows = "invalid", []
            continue
        seen.extend(mine)
    return results


def _as_certificate(row: dict, path: str, index: int) -> Certificate:
    return Certificate(supplier=row["supplier"], part_number=row["part_number"], agreement=row["agreement"],
                       originating=row["originating"],
                       regional_content_e4=pct_to_e4(row["regional_content_pct"]) if "regional_content_pct" in row else None,
                       us_content_e4=pct_to_e4(row["us_content_pct"]) if "us_content_pct" in row else None,
                       nafta_traced_value=row.get("nafta_traced_value"), valid_from=row["valid_from"], valid_to=row["valid_to"],
                       document=row["document"], file=path, sheet=SHEET_PARTS, row=index)
