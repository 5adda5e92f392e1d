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
from pathlib import Path

from roo_calc.bom import merges, xlsx
from roo_calc.bom import reader as bom_reader
from roo_calc.bom.package import PackageError
from roo_calc.bom.reader import parse_date
from roo_calc.bom.schema import CERTIFICATE_COLUMNS, CERTIFICATION_COLUMNS
from roo_calc.certificates.model import Certificate
from roo_calc.certificates.reader import conflicts
from roo_calc.display import plural
from roo_calc.errors import Problem
from roo_calc.numbers import pct_to_e4
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
    problems: list[Problem] = field(default_factory=list)  # errors and warnings

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_returned(path: str | Path, received: date | None = None) -> Returned:
    """One returned request workbook; problems (and warnings) are in `.problems`, never raised."""
    path = Path(path)
    found = Returned(str(path))
    out = bom_reader._Collector(str(path))
    _read(path, found, out, received)
    found.problems = out.finish()
    if found.errors:
        found.status, found.rows = "invalid", []
    return found


def _read(path: Path, found: Returned, out, received: date | None) -> None:
    """Fill `found` from the workbook at `path`; every problem goes to `out`.  The cells are read
    as the BOM's are (`roo_calc.bom.xlsx`): a number as the decimal text stored, a cell
    formatted as % by what it shows."""

    def problem(message: str, sheet: str | None = None, cell: str | None = None, code: str = "bad-value") -> None:
        out.add(code, message, sheet, cell)

    if not path.is_file():
        problem("expected a returned request workbook (.xlsx), found no such file", code="file-not-found")
        return
    try:
        data, book = xlsx.open_workbook(path)
        missing = [s for s in (SHEET_INSTRUCTIONS, SHEET_PARTS, SHEET_CERTIFICATION) if s not in book.sheet_names]
        if missing:
            problem(f"expected the request sheets {SHEET_INSTRUCTIONS}, {SHEET_PARTS}, {SHEET_CERTIFICATION}; found "
                    f"{', '.join(book.sheet_names)} (is this a request workbook written by roo-calc solicit?)",
                    code="missing-sheet")
            return
        sheets = {name: _Cells(book.read_sheet(name)) for name in (SHEET_INSTRUCTIONS, SHEET_PARTS, SHEET_CERTIFICATION)}
    except PackageError as exc:  # not a workbook, or a damaged or hostile one
        problem(str(exc), exc.sheet, exc.cell, code="not-xlsx")
        return
    found.sha256 = hashlib.sha256(data).hexdigest()
    found.received = received or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date()
    bom_reader.check_formulas(book, (SHEET_CERTIFICATION, SHEET_PARTS), out)
    ident = _labelled(sheets[SHEET_INSTRUCTIONS], ID_LABELS)
    found.supplier = ident.get("Supplier", (None, ""))[0]
    found.request = ident.get("Request", (None, ""))[0]
    if not found.supplier:
        problem("expected the supplier's name beside 'Supplier', found none", SHEET_INSTRUCTIONS, ident.get("Supplier", (None, "B4"))[1])
        return
    cert = _labelled(sheets[SHEET_CERTIFICATION], tuple(label for _k, label, _n in CERT_FIELDS))
    answers: dict[str, tuple[str | None, str | None]] = {key: cert.get(label, (None, None)) for key, label, _n in CERT_FIELDS}
    labels = {key: label for key, label, _n in CERT_FIELDS}
    response_text, response_cell = answers["response"]
    response = (response_text or "").lower()
    if response not in RESPONSES:
        problem(f"Response: expected {' or '.join(RESPONSES)}, found {_shown(response_text)}", SHEET_CERTIFICATION, response_cell)
        return
    if response == "declined":
        found.status = "declined"
        found.note = answers["decline_reason"][0] or "no reason given"
        return
    period = {}
    for key in ("valid_from", "valid_to", "signed_on"):
        value, cell = answers[key]
        if value is None:
            if key != "signed_on":
                problem(f"{labels[key]}: expected a date (YYYY-MM-DD), found a blank cell", SHEET_CERTIFICATION, cell)
            continue
        try:
            period[key] = parse_date(value)
        except ValueError as exc:
            problem(f"{labels[key]}: {exc}", SHEET_CERTIFICATION, cell)
    start, end = period.get("valid_from"), period.get("valid_to")
    if start and end:
        if end < start:
            problem(f"Blanket period to: expected a date on or after {start}, found {end}", SHEET_CERTIFICATION, answers["valid_to"][1])
        elif end >= _add_months(start, BLANKET_MONTHS):
            problem(f"Blanket period to: a blanket period covers at most {BLANKET_MONTHS} months (USMCA Art. 5.2; Annex 5-A); "
                    f"expected a date before {_add_months(start, BLANKET_MONTHS)}, found {end}", SHEET_CERTIFICATION, answers["valid_to"][1])
    document = answers["document"][0] or f"request {found.request or path.name} ({found.supplier})"
    base = {"supplier": found.supplier, "valid_from": start, "valid_to": end, "document": document,
            "source_file": path.name, "source_sha256": found.sha256, "received": found.received}
    found.rows = _parts(sheets[SHEET_PARTS], base, out)
    if not found.rows and not out.has_errors:
        problem("Response is 'answered' but no answer was found on the Parts sheet: fill the yellow cells, or choose "
                "'declined'", SHEET_CERTIFICATION, response_cell)
    if not out.has_errors:
        found.status = "answered"
        found.note = plural(len(found.rows), "certification row")


class _Cells:
    """One sheet's cell texts by (row, column), both 1-based as a spreadsheet numbers them; a
    blank cell is None."""

    def __init__(self, sheet: xlsx.Sheet):
        self.sheet = sheet
        self.texts = {(row, col + 1): text.strip() or None
                      for row, col, text in zip(sheet.rows.tolist(), sheet.cols.tolist(), sheet.texts)}
        self.max_row = max((row for row, _c in self.texts), default=0)
        self.percent = {f"{xlsx.column_letter(col)}{row}" for row, col in sheet.percent}  # cells formatted as %

    def get(self, row: int, col: int) -> str | None:
        return self.texts.get((row, col))


    def row(self, row: int) -> dict[int, str]:
        return {col: text for (r, col), text in self.texts.items() if r == row and text is not None}


def _parts(sheet: _Cells, base: dict, out) -> list[dict]:
    """The certification rows of the Parts sheet: one per part and agreement answered."""
    titles = {title: key for key, title, _kind in ANSWER_COLUMNS}
    kinds = {key: kind for key, _title, kind in ANSWER_COLUMNS}
    columns: dict[str, int] = {}
    part_col = None
    keys = sheet.row(KEY_ROW)  # each answer's key, above its header
    for col, text in sorted(sheet.row(HEADER_ROW).items()):
        key = keys.get(col)
        if key is not None and key in kinds:
            columns[key] = col
        elif text in titles:  # a request written before the key row
            columns[titles[text]] = col
        elif text == "Part number":
            part_col = col
    if part_col is None:
        out.add("bad-value", f"expected the header 'Part number' on row {HEADER_ROW}, found none", SHEET_PARTS,
                f"{HEADER_ROW}:{HEADER_ROW}")
        return []
    read = {part_col - 1: "part_number", **{col - 1: key for key, col in columns.items()}}
    merges.check_table(sheet.sheet, SHEET_PARTS, HEADER_ROW, read, out)
    rows: list[dict] = []
    figures: dict[str, list] = {key: [] for key in _PERCENTAGES if key in columns}
    figure_rows: list[int] = []
    for r in range(HEADER_ROW + 1, sheet.max_row + 1):
        part = sheet.get(r, part_col)
        if not part:
            continue
        given: dict[str, object] = {}
        cells: dict[str, str] = {}
        for key, col in columns.items():
            answer = sheet.get(r, col)
            if answer is None:
                continue
            cells[key] = ref = f"{xlsx.column_letter(col - 1)}{r}"
            try:
                given[key] = _answer(key, kinds[key], answer, ref, sheet, out)
            except ValueError as exc:
                out.add("bad-value", f"{key}: {exc}", SHEET_PARTS, ref)
        figure_rows.append(r)
        for key, values in figures.items():
            values.append(given.get(key))
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
                out.add("bad-value", f"{key}: figures are certified with a Y/N answer; expected one in an 'originating? "
                        f"(Y/N)' column of row {r}, found none", SHEET_PARTS, cells[key])
                continue
            holder[key] = given[key]
        if "regional_content_pct" in given and "rvc_method" not in given and "regional_content_pct" in cells:
            out.add("bad-value", f"rvc_method: expected the method of the regional value content on row {r} "
                    f"({' or '.join(RVC_METHODS)}), found a blank cell", SHEET_PARTS,
                    f"{xlsx.column_letter(columns['rvc_method'] - 1)}{r}" if "rvc_method" in columns else cells["regional_content_pct"])
        if "nafta_traced_value" in given:
            if "nafta_originating" not in by_agreement:
                out.add("bad-value", f"nafta_traced_value: a traced value is stated with the NAFTA Y/N answer; expected "
                        f"one on row {r}, found none", SHEET_PARTS, cells["nafta_traced_value"])
            else:
                by_agreement["nafta_originating"]["nafta_traced_value"] = given["nafta_traced_value"]
        rows.extend(by_agreement.values())
    for key, values in figures.items():
        bom_reader.possible_fractions(key, values, figure_rows, xlsx.column_letter(columns[key] - 1), SHEET_PARTS, out)
    return rows


# The answers read as the certificates sheet reads the same figures (its columns' kinds and checks).
_AS_CERTIFICATE = {column.name: column for column in CERTIFICATE_COLUMNS}
_PERCENTAGES = ("regional_content_pct", "us_content_pct")


def _answer(key: str, kind: str, text: str, ref: str, sheet: _Cells, out) -> object:
    """One answer cell read by the BOM's cell reader: a Y/N as every Y/N cell is, a number as the
    BOM's numbers are ("0,250" refused, "1,500" read as 1500 and warned, a percentage in a cell
    formatted as % read as the % shown); ValueError says what was expected and found."""
    if kind == "method":
        method = text.strip().lower().replace("_", " ")
        if method not in RVC_METHODS:
            raise ValueError(f"expected {' or '.join(RVC_METHODS)}, found {_shown(text)}")
        return method.replace(" ", "_")
    column = _AS_CERTIFICATE["originating" if kind == "yn" else key]
    value = bom_reader.read_cell(column, text, ref, SHEET_PARTS, out, sheet.percent)
    if kind == "pct" and not 0 <= value <= 100:
        raise ValueError(f"expected a percentage from 0 to 100, found {value}")
    if kind == "money" and value < 0:
        raise ValueError(f"expected an amount of 0 or more, found {value}")
    return value


def _labelled(sheet: _Cells, labels: tuple[str, ...]) -> dict[str, tuple[str | None, str]]:
    """label -> (the text beside it in column B, that cell), for labels in column A."""
    wanted = set(labels)
    found: dict[str, tuple[str | None, str]] = {}
    for (row, col), label in sorted(sheet.texts.items()):
        if col == 1 and label in wanted and label not in found:
            found[label] = (sheet.get(row, 2), f"B{row}")
    return found


def _shown(value: str | None) -> str:
    return "a blank cell" if value is None or value.strip() == "" else repr(value)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError(day)


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
