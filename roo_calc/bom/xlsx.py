"""Read an .xlsx workbook's cells exactly: every cell as its text, a number as the decimal
text stored in the sheet, never through a binary float.

The workbook is parsed as XML (`safexml`): the package relationships name the workbook part,
its relationships name the sheets, shared strings and styles, whatever the producer called
them, and both the transitional and the strict OOXML namespaces are read, under any prefix.
Beside the cell texts each sheet keeps the facts the contract needs: cells formatted as
percentages, formulas saved without a value, Excel error values, hidden rows.  Dates (numbers
in a date format) become ISO text, as a spreadsheet app shows them.  Merged ranges are kept
too: only a merge's top-left cell holds its value, the others are blank in the file although a
spreadsheet shows the value beside each of them.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime, timedelta
from typing import IO, NoReturn

import numpy as np
import pandas as pd

from roo_calc.bom import safexml
from roo_calc.bom.package import Package, PackageError, parse, read_once, sniff

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",  # transitional
           "http://purl.oclc.org/ooxml/spreadsheetml/main")  # strict
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!")
MAX_ROW, MAX_COL = 1_048_576, 16_384
_PERCENT_BUILTIN = frozenset({9, 10})
_DATE_BUILTIN = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_DIGITS = "0123456789"
_NUMBER_CHARS = "0123456789.eE+-"


def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters to a 0-based column index (A -> 0); ValueError when they are not letters."""
    index = 0
    for char in letters:
        if not "A" <= char <= "Z":
            raise ValueError(letters)
        index = index * 26 + ord(char) - 64
    if not 1 <= index <= MAX_COL:
        raise ValueError(letters)
    return index - 1


class _Columns(dict):
    """Letters -> index, computed once per distinct letters."""

    def __missing__(self, letters: str) -> int:
        self[letters] = index = column_index(letters)
        return index


@dataclass
class Styles:
    """Which cell formats (indexes into cellXfs) show percentages, and which show dates."""

    percent: frozenset[int] = frozenset()
    date: frozenset[int] = frozenset()


def _format_kind(code: str) -> str | None:
    """'percent', 'date' or None for a number format code; quoted text, escaped characters
    and [bracketed] parts (colours, locales, conditions) say nothing about the kind."""
    plain, quoted, bracket, escaped = [], False, False, False
    for char in code:
        if escaped:
            escaped = False
        elif quoted:
            quoted = char != '"'
        elif bracket:
            bracket = char != "]"
        elif char == '"':
            quoted = True
        elif char == "[":
            bracket = True
        elif char in "\\_*":
            escaped = True
        else:
            plain.append(char.lower())
    text = "".join(plain)
    if "%" in text:
        return "percent"
    if text != "general" and any(c in text for c in "ymdhs"):
        return "date"
    return None


def _styles(root: safexml.Node | None) -> Styles:
    if root is None:
        return Styles()
    kinds: dict[int, str | None] = {i: "percent" for i in _PERCENT_BUILTIN}
    kinds.update({i: "date" for i in _DATE_BUILTIN})
    formats = root.find("numFmts")
    for fmt in formats.findall("numFmt") if formats else []:
        try:
            fmt_id = int(fmt.attr("numFmtId") or "")
        except ValueError:
            continue
        kinds[fmt_id] = _format_kind(fmt.attr("formatCode") or "")
    percent, date = set(), set()
    xfs = root.find("cellXfs")
    for index, xf in enumerate(xfs.findall("xf") if xfs else []):
        try:
            kind = kinds.get(int(xf.attr("numFmtId") or "0"))
        except ValueError:
            continue
        if kind == "percent":
            percent.add(index)
        elif kind == "date":
            date.add(index)
    return Styles(frozenset(percent), frozenset(date))


def _shared_strings(stream: IO[bytes]) -> list[str]:
    """Each shared string's text: its runs joined, phonetic guides (rPh) left out."""
    strings: list[str] = []
    parts: list[str] = []
    depth_rph = 0
    in_t = False

    def start(name: str, _attrs) -> None:
        nonlocal depth_rph, in_t, parts
        loc = name.rpartition(" ")[2]
        if loc == "si":
            parts = []
        elif loc == "rPh":
            depth_rph += 1
        elif loc == "t" and not depth_rph:
            in_t = True

    def end(name: str) -> None:
        nonlocal depth_rph, in_t
        loc = name.rpartition(" ")[2]
        if loc == "si":
            strings.append(unescape_xstring("".join(parts)))
        elif loc == "rPh":
            depth_rph -= 1
        elif loc == "t":
            in_t = False

    def chars(data: str) -> None:
        if in_t:
            parts.append(data)

    safexml.run(safexml.make_parser(start, end, chars), stream)
    return strings


_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_xstring(text: str) -> str:
    """Decode OOXML's escapes of characters XML cannot hold ("_x001B_" is ESC, "_x005F_" an
    underscore), as spreadsheet apps do (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).  This reads
    cell text, after the XML parser is done with it."""
    return _XSTRING_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _serial_to_iso(text: str, date1904: bool) -> str:
    """A date serial number as ISO text (the 1900 system counts the phantom 29 Feb 1900)."""
    try:
        serial = float(text)
    except ValueError:
        return text
    if not 0 <= serial < 2_958_466:
        return text
    days = int(serial)
    seconds = round((serial - days) * 86400)
    if date1904:
        base = datetime(1904, 1, 1)
    else:
        base = datetime(1899, 12, 30) if serial >= 61 else datetime(1899, 12, 31)
    moment = base + timedelta(days=days, seconds=seconds)
    return moment.strftime("%Y-%m-%d") if not seconds else moment.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Merge:
    """A merged range: rows first..last (1-based) and columns left..right (0-based), both ends
    included; only the top-left cell holds the value."""

    first: int
    left: int
    last: int
    right: int

    @property
    def ref(self) -> str:
        return f"{column_letter(self.left)}{self.first}:{column_letter(self.right)}{self.last}"


def parse_merge(ref: str) -> Merge | None:
    """A mergeCell's ref ("E2:E4") as a Merge, None when it is not a range of cells."""
    first, _, last = ref.strip().partition(":")
    try:
        columns = _Columns()
        (r1, c1), (r2, c2) = (_split_ref(first, columns), _split_ref(last or first, columns))
    except ValueError:
        return None
    return Merge(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _split_ref(ref: str, columns: _Columns) -> tuple[int, int]:
    letters = ref.rstrip(_DIGITS)
    col = columns[letters.replace("$", "")]
    row = int(ref[len(letters):])
    if not 0 < row <= MAX_ROW:
        raise ValueError(ref)
    return row, col


@dataclass
class Sheet:
    """One sheet's cells and facts; rows are absolute (1-based), columns 0-based."""

    name: str
    part: str
    state: str = "visible"  # visible, hidden or veryHidden
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    texts: list[str] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)
    dated: dict[tuple[int, int], str] = field(default_factory=dict)  # number cells in a date format: the number held
    formulas_without_value: list[str] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # 0-based inclusive ranges (<col hidden>)
    merges: list[Merge] = field(default_factory=list)

    @property
    def first_row(self) -> int | None:
        return int(self.rows.min()) if len(self.rows) else None

    def table(self) -> tuple[pd.DataFrame, list[int]]:
        """The cell texts (None for blank) from the first filled row to the last, across the
        filled columns, and each column's absolute index."""
        if not len(self.rows):
            return pd.DataFrame(), []
        first, last = int(self.rows.min()), int(self.rows.max())
        low, high = int(self.cols.min()), int(self.cols.max())
        grid = np.full((last - first + 1, high - low + 1), None, dtype=object)
        values = np.empty(len(self.texts), dtype=object)
        values[:] = self.texts
        grid[self.rows - first, self.cols - low] = values
        return pd.DataFrame(grid, dtype=object), list(range(low, high + 1))

    def hidden_rows_with_values(self) -> list[int]:
        if not self.hidden_rows:
            return []
        return sorted(self.hidden_rows & set(np.unique(self.rows).tolist()))

    def text_at(self, row: int, col: int) -> str | None:
        """The text of one cell (None when blank)."""
        at = np.flatnonzero((self.rows == row) & (self.cols == col))
        return self.texts[int(at[0])] if len(at) else None

    def hidden_columns_with_values(self, below: int = 0) -> dict[int, int]:
        """Hidden columns holding values below row `below`: column -> how many cells hold one."""
        if not self.hidden_columns:
            return {}
        filled = self.rows > below
        hidden = np.zeros(len(self.cols), dtype=bool)
        for low, high in self.hidden_columns:
            hidden |= (self.cols >= low) & (self.cols <= high)
        cols, counts = np.unique(self.cols[filled & hidden], return_counts=True)
        return dict(zip(cols.tolist(), counts.tolist()))


class Workbook:
    """An .xlsx package's sheets by name, read on demand and kept."""

    def __init__(self, data: bytes):
        self.package = Package(data)
        root_rels = self.package.relationships("")
        office = [target for kind, target in root_rels.values() if kind.endswith("/officeDocument")]
        part = office[0] if office else "xl/workbook.xml"
        if not self.package.has(part):
            raise PackageError("the zip holds no workbook part (xl/workbook.xml): it is not an .xlsx workbook")
        workbook = self.package.tree(part)
        if workbook.ns not in MAIN_NS or workbook.name != "workbook":
            raise PackageError(f"expected a SpreadsheetML workbook in {part!r}, found <{workbook.name}> "
                               f"in namespace {workbook.ns or 'none'!r}")
        rels = self.package.relationships(part)
        pr = workbook.find("workbookPr")
        self.date1904 = pr is not None and (pr.attr("date1904") or "").lower() in ("1", "true")
        self.sheets: dict[str, Sheet] = {}
        self._kinds: dict[str, str] = {}
        sheets = workbook.find("sheets")
        for node in sheets.findall("sheet") if sheets else []:
            name, rid = node.attr("name"), node.attr("id")
            if name is None or rid is None or rid not in rels:
                raise PackageError(f"sheet {name!r} in {part!r} names no part of the workbook (relationship {rid!r})")
            kind, target = rels[rid]
            if name in self.sheets:
                raise PackageError(f"two sheets are both named {name!r}")
            self.sheets[name] = Sheet(name, target, node.attr("state") or "visible")
            self._kinds[name] = kind.rpartition("/")[2]
        by_kind = {kind.rpartition("/")[2]: target for kind, target in rels.values()}
        self.styles = _styles(self.package.tree(by_kind["styles"]) if "styles" in by_kind else None)
        self._strings_part = by_kind.get("sharedStrings")
        self._strings: list[str] | None = None
        self._read: set[str] = set()

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    @property
    def sheet_xml(self) -> dict[str, str]:
        """Sheet name -> its part in the zip."""
        return {name: sheet.part for name, sheet in self.sheets.items()}

    @property
    def percent_styles(self) -> frozenset[int]:
        return self.styles.percent

    def strings(self) -> list[str]:
        if self._strings is None:
            part = self._strings_part
            self._strings = parse(self.package, part, _shared_strings) if part and self.package.has(part) else []
        return self._strings

    def read_sheet(self, name: str) -> Sheet:
        """The sheet with its cells read (once)."""
        sheet = self.sheets[name]
        if name not in self._read:
            if self._kinds[name] == "worksheet":
                _SheetReader(sheet, self).read()
            self._read.add(name)
        return sheet


XlsxFacts = Workbook  # the name the readers of other sheets knew it by


def open_workbook(path: Path) -> tuple[bytes, Workbook]:
    """A workbook file read once: (its bytes, for the hash; the workbook parsed from them).
    Raises PackageError saying why the file is not a readable workbook."""
    data = read_once(path)
    reason = sniff(data)
    if reason:
        raise PackageError(reason)
    return data, Workbook(data)


def _refuse(message: str) -> NoReturn:
    """Stop the read: the sheet's XML is not a worksheet roo-calc can trust."""
    raise safexml.XmlRefused(message)


def _element_names(name: str, interned: dict[str, str]) -> tuple[str, ...]:
    """The worksheet's cell, value, text, inline-string, row, formula, phonetic, merged-range and column element names
    as the parser's own interned strings, checked once at the root so the handlers compare by
    identity."""
    ns, loc = safexml.local(name)
    if ns not in MAIN_NS or loc not in ("worksheet", "dialogsheet", "macrosheet"):
        _refuse(f"expected a SpreadsheetML worksheet, found <{loc}> in namespace {ns or 'none'!r}")
    names = [ns + safexml.SEP + t for t in ("c", "v", "t", "is", "row", "f", "rPh", "mergeCell", "col")]
    for tag in names:  # from now on expat returns these very objects for these names
        interned.setdefault(tag, tag)
    return tuple(interned[tag] for tag in names)


def _column_span(attrs: dict[str, str]) -> tuple[int, int]:
    """A <col> element's columns, 0-based and inclusive (min and max are 1-based)."""
    try:
        low, high = int(attrs.get("min", "")), int(attrs.get("max", attrs.get("min", "")))
    except ValueError:
        _refuse(f"column range {attrs.get('min')!r} to {attrs.get('max')!r} is not a pair of column numbers")
    if not 0 < low <= high:
        _refuse(f"column range {low} to {high} is not a range of columns")
    return low - 1, high - 1


def _cell_at(ref: str, columns: _Columns) -> tuple[int, int]:
    """Row and column of a cell reference ("AB12"), for references the fast path in the cell
    handler does not recognise."""
    letters = ref.rstrip(_DIGITS)
    try:
        col = columns[letters]
        row = int(ref[len(letters):])
    except ValueError:
        _refuse(f"cell reference {ref!r} is not a cell (expected letters then a row number)")
    if not 0 < row <= MAX_ROW:
        _refuse(f"cell reference {ref!r} is outside the sheet")
    return row, col


class _SheetReader:
    """Streams one worksheet part and fills its Sheet; the handlers are the reader's hot loop,
    so they keep their state in closure variables and compare names by identity: the parser's
    intern table is seeded with the element names of the sheet's namespace, so expat hands over
    those very strings."""

    def __init__(self, sheet: Sheet, workbook: Workbook):
        self.sheet = sheet
        self.workbook = workbook

    def read(self) -> None:  # noqa: C901 - one streaming state machine
        sheet, workbook = self.sheet, self.workbook
        rows = array("q")  # 8 bytes a cell, not a Python int object each: the read's peak memory
        cols = array("q")
        texts: list[str] = []
        add_row, add_col, add_text = rows.append, cols.append, texts.append
        percent_styles, date_styles = workbook.styles.percent, workbook.styles.date
        date1904 = workbook.date1904
        columns = _Columns()
        tag_c = tag_v = tag_t = tag_is = tag_row = tag_f = tag_rph = tag_merge = tag_col = ""
        row = 0
        row_text = ""  # the row element's r when it is plain digits: a cell reference ends with it
        row_number = 0  # and its number
        col = -1
        ref = ""
        kind: str | None = None
        style: str | None = None
        formula = False
        text: str | None = None
        collect = False
        rph = 0
        parts: list[str] = []
        strings: list[str] | None = None

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, col, ref, kind, style, formula, text, collect, rph, row_text, row_number
            nonlocal tag_c, tag_v, tag_t, tag_is, tag_row, tag_f, tag_rph, tag_merge, tag_col
            if name is tag_c:
                ref = attrs.get("r", "")
                if ref:
                    # the usual case, a reference in its row ("AB12" in row 12), without parsing
                    # the number again; anything else goes the long way
                    if row_text and ref.endswith(row_text) and (letters := ref[:-len(row_text)]) in columns:
                        col = columns[letters]
                        row = row_number
                    else:
                        row, col = _cell_at(ref, columns)
                else:
                    col += 1
                    ref = f"{column_letter(col)}{row}"
                kind = attrs.get("t")
                style = attrs.get("s")
                formula = False
                text = None
                rph = 0
                parts.clear()  # an empty <c t="inlineStr"/> must not inherit the last cell's text
            elif name is tag_t:
                collect = not rph
            elif name is tag_is:
                parts.clear()
            elif name is tag_v:
                collect = True
                parts.clear()
            elif name is tag_row:
                r = attrs.get("r")
                try:
                    row = int(r) if r else row + 1
                except ValueError:
                    _refuse(f"row number {r!r} is not a number")
                row_text = r if r and r.isascii() and r.isdigit() and 0 < row <= MAX_ROW else ""
                row_number = row
                col = -1
                if attrs.get("hidden") in ("1", "true"):
                    sheet.hidden_rows.add(row)
            elif name is tag_f:
                formula = True
            elif name is tag_rph:
                rph += 1
            elif name is tag_merge:  # after sheetData: the cells are all read by now
                merge_ref = attrs.get("ref", "")
                merge = parse_merge(merge_ref)
                if merge is None:
                    _refuse(f"merged range {merge_ref!r} is not a range of cells (expected e.g. E2:E4)")
                sheet.merges.append(merge)
            elif name is tag_col:  # before sheetData: a range of columns' width and visibility
                if attrs.get("hidden") in ("1", "true"):
                    sheet.hidden_columns.append(_column_span(attrs))
            elif not tag_c:
                tag_c, tag_v, tag_t, tag_is, tag_row, tag_f, tag_rph, tag_merge, tag_col = _element_names(name, interned)

        def end(name: str) -> None:
            nonlocal text, collect, rph
            if name is tag_c:
                cell_end()
            elif name is tag_t:
                collect = False
            elif name is tag_v:
                text = "".join(parts)
                collect = False
            elif name is tag_rph:
                rph -= 1

        def chars(data: str) -> None:
            if collect:
                parts.append(data)

        def cell_end() -> None:
            nonlocal strings
            value = text
            if formula and not value and kind not in ("inlineStr", "str"):
                sheet.formulas_without_value.append(ref)
            if kind is None or kind == "n":
                if not value or value.isspace():
                    return
                value = value.strip()
                if value.strip(_NUMBER_CHARS):  # NaN, Infinity, 1_000: nothing Excel writes
                    _refuse(f"cell {ref} is a number cell holding {value!r}, which is not a decimal number")
                if style is not None:
                    index = int(style) if style.isdigit() else -1
                    if index in date_styles:
                        sheet.dated[(row, col)] = value
                        value = _serial_to_iso(value, date1904)
                    elif index in percent_styles:
                        sheet.percent.add((row, col))
                add_row(row)
                add_col(col)
                add_text(value)
                return
            if kind == "s":
                if strings is None:
                    strings = workbook.strings()
                try:
                    value = strings[int(value)]  # type: ignore[arg-type]  # no index (None): TypeError, refused below
                except (TypeError, ValueError, IndexError):
                    _refuse(f"cell {ref} names shared string {value!r}, which the workbook does not hold")
            elif kind == "inlineStr":
                value = "".join(parts) if value is None else value
                if "_x" in value:
                    value = unescape_xstring(value)
            elif kind == "str":
                if value and "_x" in value:
                    value = unescape_xstring(value)
            elif kind == "b":
                value = None if value is None else ("true" if value.strip() in ("1", "true") else "false")
            elif kind == "e":
                value = (value or "").strip() or "#N/A"
                sheet.errors[(row, col)] = value
            elif kind != "d":
                _refuse(f"cell {ref} has an unknown type {kind!r}")
            if not value or value.isspace():
                return
            if style is not None and style.isdigit() and int(style) in percent_styles:
                sheet.percent.add((row, col))
            add_row(row)
            add_col(col)
            add_text(value)

        parser = safexml.make_parser(start, end, chars)
        interned: dict[str, str] = parser.intern
        try:
            parse(workbook.package, sheet.part, lambda stream: safexml.run(parser, stream))
        except PackageError as exc:
            raise PackageError(str(exc), exc.code, sheet.name, ref or None) from None
        self._store(rows, cols, texts)

    def _store(self, rows: array, cols: array, texts: list[str]) -> None:
        """Hand the streamed cells to the Sheet as arrays (no copy of the row and column
        buffers), then check the sheet's shape."""
        sheet = self.sheet
        sheet.rows = np.frombuffer(rows, dtype=np.int64) if rows else np.zeros(0, dtype=np.int64)
        sheet.cols = np.frombuffer(cols, dtype=np.int64) if cols else np.zeros(0, dtype=np.int64)
        sheet.texts = texts
        self._check_shape()

    def _check_shape(self) -> None:
        sheet = self.sheet
        if not len(sheet.rows):
            return
        keys = sheet.rows * MAX_COL + sheet.cols
        unique, counts = np.unique(keys, return_counts=True)
        if len(unique) != len(keys):
            twice = int(unique[counts > 1][0])
            cell = f"{column_letter(twice % MAX_COL)}{twice // MAX_COL}"
            raise PackageError(f"the sheet holds cell {cell} twice; expected each cell once (the file is damaged)",
                               sheet=sheet.name, cell=cell)
        height = int(sheet.rows.max() - sheet.rows.min() + 1)
        width = int(sheet.cols.max() - sheet.cols.min() + 1)
        if height * width > 20 * len(keys) + 1_000_000:
            raise PackageError(f"the sheet spans {column_letter(int(sheet.cols.min()))}{int(sheet.rows.min())}:"
                               f"{column_letter(int(sheet.cols.max()))}{int(sheet.rows.max())} but holds only "
                               f"{len(keys):,} values; expected a compact table (delete the stray cells far from it)",
                               sheet=sheet.name)


# -- the facts the BOM reader asks for (kept with their old names for its call sites) ------------

def first_row_with_values(sheet: Sheet) -> int | None:
    """The absolute (1-based) row number of the first row holding any value."""
    return sheet.first_row


def formula_cells_without_value(sheet: Sheet) -> list[str]:
    """Cells holding a formula whose result was never calculated and saved (e.g. written by a
    script): the reader would see them as blank."""
    return sheet.formulas_without_value


def dated_cells(sheet: Sheet) -> dict[str, str]:
    """Number cells formatted as dates (read as the date they show), by reference: the number each holds."""
    return {f"{column_letter(col)}{row}": number for (row, col), number in sheet.dated.items()}


def percent_cells(sheet: Sheet, _styles: object, columns: set[str]) -> set[str]:
    """Cells in the given columns (letters) whose format shows a percentage (so 0.55 means 55%)."""
    if not sheet.percent or not columns:
        return set()
    wanted = {column_index(letter) for letter in columns}
    return {f"{column_letter(col)}{row}" for row, col in sheet.percent if col in wanted}
