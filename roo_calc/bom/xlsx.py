"""Low-level facts about an .xlsx file that the fast cell reader does not expose.

The cell values come from calamine (through fastexcel); this module looks into the zip itself
for what calamine hides: whether the file is an xlsx at all (or a legacy .xls, or an encrypted
workbook, which are both OLE compound files), which sheet XML holds which sheet, the absolute row
of the header, cells styled as percentages, and formula cells saved without a cached value.
Every scan is skipped when a cheap byte test shows there is nothing to find.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")

_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', re.S)
_SHEET_ALT = re.compile(rb'<sheet\b[^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"', re.S)
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"', re.S)
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_STYLE_ATTR = re.compile(rb'\ss="(\d+)"')
_ROW = re.compile(rb"<row\b[^>]*?\sr=\"(\d+)\"[^>]*>(.*?)</row>", re.S)
_VALUE = re.compile(rb"<v>[^<]+</v>|<is>", re.S)
_NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', re.S)
_CELLXFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(rb"<xf\b([^>]*)", re.S)
_NUMFMT_ID = re.compile(rb'numFmtId="(\d+)"')
_PERCENT_BUILTIN = {9, 10}


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def sniff(path: Path) -> str | None:
    """Say why a file is not a readable xlsx, or None when it is a zip we can open."""
    with path.open("rb") as handle:
        head = handle.read(8)
        if head == OLE_MAGIC:
            rest = handle.read(1 << 20)
            if _ENCRYPTION_INFO in rest:
                return (
                    "the workbook is encrypted (password-protected); expected an unencrypted "
                    ".xlsx: open it in a spreadsheet app, remove the password and save again"
                )
            return (
                "this is a legacy Excel 97-2003 .xls workbook; expected .xlsx: open it in a "
                "spreadsheet app and save it as Excel Workbook (.xlsx)"
            )
    if not zipfile.is_zipfile(path):
        found = "an empty file" if head == b"" else f"a file starting with {head[:4]!r}"
        return f"expected an .xlsx workbook (a zip file), found {found}"
    return None


@dataclass
class XlsxFacts:
    """What roo-calc needs from the zip beyond cell values."""

    path: Path
    sheet_xml: dict[str, str] = field(default_factory=dict)  # sheet name -> part name
    percent_styles: frozenset[int] = frozenset()

    @classmethod
    def open(cls, path: Path) -> XlsxFacts:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise ValueError("the zip holds no xl/workbook.xml: it is not an .xlsx workbook")
            workbook = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
            styles = archive.read("xl/styles.xml") if "xl/styles.xml" in names else b""
        targets = {rid: target for rid, target in _REL.findall(rels)}
        targets.update({rid: target for target, rid in _REL_ALT.findall(rels)})
        pairs = list(_SHEET.findall(workbook)) + [(n, r) for r, n in _SHEET_ALT.findall(workbook)]
        sheet_xml = {}
        for name, rid in pairs:
            target = targets.get(rid, b"").decode()
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            sheet_xml[_unescape(name)] = part
        return cls(path, sheet_xml, _percent_styles(styles))

    _xml: dict[str, bytes] = field(default_factory=dict, repr=False)

    def read_sheet(self, sheet: str) -> bytes:
        """The sheet's XML, decompressed once."""
        if sheet not in self._xml:
            with zipfile.ZipFile(self.path) as archive:
                self._xml[sheet] = archive.read(self.sheet_xml[sheet])
        return self._xml[sheet]


def _percent_styles(styles: bytes) -> frozenset[int]:
    """Indexes of cell formats (cellXfs) whose number format shows a percentage."""
    if b"%" not in styles and not any(f'numFmtId="{i}"'.encode() in styles for i in _PERCENT_BUILTIN):
        return frozenset()
    percent_fmts = set(_PERCENT_BUILTIN)
    for fmt_id, code in _NUMFMT.findall(styles):
        if b"%" in code.replace(b'\\%', b"").replace(b'"%"', b""):
            percent_fmts.add(int(fmt_id))
    block = _CELLXFS.search(styles)
    if not block:
        return frozenset()
    found = set()
    for index, attrs in enumerate(_XF.findall(block.group(1))):
        fmt = _NUMFMT_ID.search(attrs)
        if fmt and int(fmt.group(1)) in percent_fmts:
            found.add(index)
    return frozenset(found)


def first_row_with_values(xml: bytes) -> int | None:
    """The absolute (1-based) row number of the first row holding any value."""
    for match in _ROW.finditer(xml):
        if _VALUE.search(match.group(2)):
            return int(match.group(1))
    return None


def formula_cells_without_value(xml: bytes) -> list[str]:
    """Cells holding a formula whose result was never calculated and saved (e.g. written by a
    script): the reader would see them as blank."""
    if b"<f" not in xml:
        return []
    missing = []
    for col, row, _attrs, body in _CELL.findall(xml):
        if body and b"<f" in body and not _VALUE.search(body):
            missing.append(f"{col.decode()}{row.decode()}")
    return missing


def percent_cells(xml: bytes, styles: frozenset[int], columns: set[str]) -> set[str]:
    """Cells in the given columns whose format shows a percentage (so 0.55 means 55%)."""
    if not styles or not columns:
        return set()
    found = set()
    for col, row, attrs, _body in _CELL.findall(xml):
        letter = col.decode()
        if letter in columns:
            style = _STYLE_ATTR.search(attrs)
            if style and int(style.group(1)) in styles:
                found.add(f"{letter}{row.decode()}")
    return found


def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
