"""Write .xlsx files part by part, the way other producers do: prefixed namespaces (as the
OpenXML SDK writes them), strict OOXML, single-quoted attributes, character references, inline
and shared strings with rich-text runs, shared formulas, numbers stored as any decimal text.

Test helper (and the generator of some fixtures): each workbook is a real zip that a
spreadsheet app opens.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from roo_calc.bom.xlsx import column_letter

MAIN = {False: "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        True: "http://purl.oclc.org/ooxml/spreadsheetml/main"}
REL = {False: "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       True: "http://purl.oclc.org/ooxml/officeDocument/relationships"}
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLE_PCT, STYLE_DATE, STYLE_PCT_CUSTOM = 1, 2, 3


@dataclass
class Num:
    """A numeric cell holding this exact text; style: None, 'pct', 'pct-custom' or 'date'."""

    text: str
    style: str | None = None


@dataclass
class Formula:
    """A formula cell; cached None means saved without a value.  shared: 'master' or 'child'."""

    formula: str
    cached: str | None
    shared: str | None = None
    text_result: bool = False


@dataclass
class Err:
    value: str


@dataclass
class Rich:
    """A shared string made of runs (and a phonetic guide that is not part of the text)."""

    runs: tuple[str, ...]


class _Writer:
    def __init__(self, prefix: str, strict: bool, quote: str, charrefs: bool, shared_strings: bool):
        self.p = f"{prefix}:" if prefix else ""
        self.prefix = prefix
        self.strict = strict
        self.q = quote
        self.charrefs = charrefs
        self.shared_strings = shared_strings
        self.strings: list[str] = []

    def attr(self, name: str, value: str) -> str:
        text = escape(value, {'"': "&quot;", "'": "&apos;"})
        if self.charrefs:
            text = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text)
        return f" {name}={self.q}{text}{self.q}"

    def xmlns(self) -> str:
        ns = MAIN[self.strict]
        return self.attr(f"xmlns:{self.prefix}" if self.prefix else "xmlns", ns) + self.attr("xmlns:r", REL[self.strict])

    def el(self, name: str) -> str:
        return self.p + name

    def shared(self, item: str | Rich) -> int:
        self.strings.append(item)  # type: ignore[arg-type]
        return len(self.strings) - 1

    def cell(self, ref: str, value) -> str:
        c, v, f = self.el("c"), self.el("v"), self.el("f")
        if value is None:
            return ""
        if isinstance(value, Num):
            style = {None: "", "pct": self.attr("s", str(STYLE_PCT)), "date": self.attr("s", str(STYLE_DATE)),
                     "pct-custom": self.attr("s", str(STYLE_PCT_CUSTOM))}[value.style]
            return f"<{c}{self.attr('r', ref)}{style}><{v}>{value.text}</{v}></{c}>"
        if isinstance(value, bool):
            return f"<{c}{self.attr('r', ref)}{self.attr('t', 'b')}><{v}>{int(value)}</{v}></{c}>"
        if isinstance(value, (int, float)):
            return f"<{c}{self.attr('r', ref)}><{v}>{value!r}</{v}></{c}>"
        if isinstance(value, Err):
            return f"<{c}{self.attr('r', ref)}{self.attr('t', 'e')}><{f}>1/0</{f}><{v}>{escape(value.value)}</{v}></{c}>"
        if isinstance(value, Formula):
            kind = self.attr("t", "str") if value.text_result else ""
            if value.shared == "master":
                formula = f"<{f}{self.attr('t', 'shared')}{self.attr('ref', ref + ':' + ref[0] + '1048576')}{self.attr('si', '0')}>{escape(value.formula)}</{f}>"
            elif value.shared == "child":
                formula = f"<{f}{self.attr('t', 'shared')}{self.attr('si', '0')}/>"
            else:
                formula = f"<{f}>{escape(value.formula)}</{f}>"
            cached = f"<{v}>{escape(value.cached)}</{v}>" if value.cached is not None else ""
            return f"<{c}{self.attr('r', ref)}{kind}>{formula}{cached}</{c}>"
        if isinstance(value, Rich) or self.shared_strings:
            return f"<{c}{self.attr('r', ref)}{self.attr('t', 's')}><{v}>{self.shared(value)}</{v}></{c}>"
        t, is_ = self.el("t"), self.el("is")
        return f"<{c}{self.attr('r', ref)}{self.attr('t', 'inlineStr')}><{is_}><{t}{self.attr('xml:space', 'preserve')}>{escape(value)}</{t}></{is_}></{c}>"

    def sheet(self, rows: list[list], hidden_rows: set[int], doctype: str, merges: tuple[str, ...] = ()) -> str:
        body = []
        for r, values in enumerate(rows, start=1):
            cells = "".join(self.cell(f"{column_letter(i)}{r}", v) for i, v in enumerate(values))
            hidden = self.attr("hidden", "1") if r in hidden_rows else ""
            body.append(f"<{self.el('row')}{self.attr('r', str(r))}{hidden}>{cells}</{self.el('row')}>")
        return (f"<?xml version={self.q}1.0{self.q} encoding={self.q}UTF-8{self.q}?>{doctype}"
                f"<{self.el('worksheet')}{self.xmlns()}><{self.el('sheetData')}>{''.join(body)}"
                f"</{self.el('sheetData')}>{self.merge_cells(merges)}</{self.el('worksheet')}>")

    def merge_cells(self, merges: tuple[str, ...]) -> str:
        """The <mergeCells> element, after sheetData as the schema orders it."""
        if not merges:
            return ""
        cells = "".join(f"<{self.el('mergeCell')}{self.attr('ref', ref)}/>" for ref in merges)
        return f"<{self.el('mergeCells')}{self.attr('count', str(len(merges)))}>{cells}</{self.el('mergeCells')}>"

    def shared_part(self) -> str:
        items = []
        for item in self.strings:
            if isinstance(item, Rich):
                runs = "".join(f"<{self.el('r')}><{self.el('rPr')}><{self.el('b')}/></{self.el('rPr')}><{self.el('t')}"
                               f"{self.attr('xml:space', 'preserve')}>{escape(run)}</{self.el('t')}></{self.el('r')}>"
                               for run in item.runs)
                phonetic = (f"<{self.el('rPh')}{self.attr('sb', '0')}{self.attr('eb', '1')}><{self.el('t')}>ふりがな"
                            f"</{self.el('t')}></{self.el('rPh')}>")
                items.append(f"<{self.el('si')}>{runs}{phonetic}</{self.el('si')}>")
            else:
                items.append(f"<{self.el('si')}><{self.el('t')}>{escape(item)}</{self.el('t')}></{self.el('si')}>")
        return (f"<{self.el('sst')}{self.xmlns()}{self.attr('count', str(len(items)))}>{''.join(items)}"
                f"</{self.el('sst')}>")

    def styles(self) -> str:
        e = self.el
        return (f"<{e('styleSheet')}{self.xmlns()}><{e('numFmts')}{self.attr('count', '1')}>"
                f"<{e('numFmt')}{self.attr('numFmtId', '164')}{self.attr('formatCode', '0.0%')}/></{e('numFmts')}>"
                f"<{e('cellXfs')}{self.attr('count', '4')}><{e('xf')}{self.attr('numFmtId', '0')}/>"
                f"<{e('xf')}{self.attr('numFmtId', '9')}{self.attr('applyNumberFormat', '1')}/>"
                f"<{e('xf')}{self.attr('numFmtId', '14')}{self.attr('applyNumberFormat', '1')}/>"
                f"<{e('xf')}{self.attr('numFmtId', '164')}{self.attr('applyNumberFormat', '1')}/>"
                f"</{e('cellXfs')}></{e('styleSheet')}>")


def build(sheets: dict[str, list[list]], *, prefix: str = "", strict: bool = False, quote: str = '"',
          charrefs: bool = False, shared_strings: bool = False, hidden_sheets: tuple[str, ...] = (),
          hidden_rows: dict[str, set[int]] | None = None, doctype: dict[str, str] | None = None,
          sheet_targets: dict[str, str] | None = None, merges: dict[str, tuple[str, ...]] | None = None) -> bytes:
    """The bytes of an .xlsx holding these sheets (name -> rows of cell values)."""
    w = _Writer(prefix, strict, quote, charrefs, shared_strings)
    rel_ns = REL[strict]
    kind = (lambda k: f"{rel_ns}/{k}")
    parts: dict[str, str] = {}
    sheet_entries, rels = [], []
    for i, (name, rows) in enumerate(sheets.items(), start=1):
        target = (sheet_targets or {}).get(name, f"worksheets/sheet{i}.xml")
        parts[f"xl/worksheets/sheet{i}.xml"] = w.sheet(rows, (hidden_rows or {}).get(name, set()),
                                                       (doctype or {}).get(name, ""), (merges or {}).get(name, ()))
        state = w.attr("state", "hidden") if name in hidden_sheets else ""
        sheet_entries.append(f"<{w.el('sheet')}{w.attr('name', name)}{w.attr('sheetId', str(i))}{state}"
                             f"{w.attr('r:id', f'rId{i}')}/>")
        rels.append(f"<Relationship{w.attr('Id', f'rId{i}')}{w.attr('Type', kind('worksheet'))}{w.attr('Target', target)}/>")
    n = len(sheets)
    rels.append(f"<Relationship{w.attr('Id', f'rId{n + 1}')}{w.attr('Type', kind('styles'))}{w.attr('Target', 'styles.xml')}/>")
    parts["xl/styles.xml"] = w.styles()
    if w.strings:
        rels.append(f"<Relationship{w.attr('Id', f'rId{n + 2}')}{w.attr('Type', kind('sharedStrings'))}"
                    f"{w.attr('Target', 'sharedStrings.xml')}/>")
        parts["xl/sharedStrings.xml"] = w.shared_part()
    parts["xl/workbook.xml"] = (f"<{w.el('workbook')}{w.xmlns()}><{w.el('sheets')}>{''.join(sheet_entries)}"
                                f"</{w.el('sheets')}></{w.el('workbook')}>")
    parts["xl/_rels/workbook.xml.rels"] = f"<Relationships{w.attr('xmlns', PKG)}>{''.join(rels)}</Relationships>"
    parts["_rels/.rels"] = (f"<Relationships{w.attr('xmlns', PKG)}><Relationship{w.attr('Id', 'rId1')}"
                            f"{w.attr('Type', kind('officeDocument'))}{w.attr('Target', 'xl/workbook.xml')}/></Relationships>")
    main_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{main_type}.worksheet+xml"/>'
                        for i in range(1, n + 1))
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}.sheet.main+xml"/>{overrides}'
        f'<Override PartName="/xl/styles.xml" ContentType="{main_type}.styles+xml"/>'
        + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{main_type}.sharedStrings+xml"/>' if w.strings else "")
        + "</Types>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("[Content_Types].xml", "_rels/.rels", *sorted(k for k in parts if k not in ("[Content_Types].xml", "_rels/.rels"))):
            archive.writestr(name, parts[name])
    return buffer.getvalue()


def bom_sheets(vehicle: list[tuple[str, object]], header: list[str], lines: list[list], fx: list[list] | None = None) -> dict:
    """Sheets of a BOM workbook: Vehicle (field, value rows), BOM (header and lines), FX."""
    sheets = {"Vehicle": [[k, v] for k, v in vehicle], "BOM": [header, *lines]}
    if fx is not None:
        sheets["FX"] = [["currency", "rate", "date", "source"], *fx]
    return sheets
