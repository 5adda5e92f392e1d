"""Header mappings: a workbook's own headers read as contract columns (contract v2).

A mapping comes from the workbook's `Columns` sheet (sheet, header, column) or from a
``--columns`` TOML file, one table per contract sheet::

    [BOM]
    "USMCA Cert (Y/N)" = "usmca_originating"
    "Component" = "part_number"

Top-level keys belong to the BOM sheet.  A header mapped in both places is read as the file
says, with a warning.  This module also says which unused headers look like contract columns
(`resembles`), so that `evaluate` warns about them and `validate` proposes a mapping.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from roo_calc.bom import schema
from roo_calc.bom.model import MappedColumn
from roo_calc.errors import Problem


@dataclass
class HeaderMapping:
    """Contract sheet -> canonical header -> the mapping; `used` collects those applied."""

    entries: dict[str, dict[str, MappedColumn]] = field(default_factory=dict)
    used: list[MappedColumn] = field(default_factory=list)
    proposals: list[MappedColumn] = field(default_factory=list)  # for headers that look like contract columns

    def for_sheet(self, sheet: str) -> dict[str, MappedColumn]:
        return self.entries.get(sheet, {})

    def add(self, entry: MappedColumn, problems: list[Problem], file: str, where: str | None = None,
            cell: str | None = None) -> None:
        """Add one mapping (`where`/`cell`: the Columns sheet and cell it was read from). One header
        mapped to two columns by the same source (two Columns sheet rows, or one --columns file) is
        an error naming both: the lines would depend on the order of the rows.  A --columns file
        mapping a header the Columns sheet maps too wins, with a warning (the file is given for
        this run)."""
        sheet = self.entries.setdefault(entry.sheet, {})
        key = schema.canonical(entry.header)
        earlier = sheet.get(key)
        if earlier is not None and earlier.column != entry.column:
            both = (f"header {entry.header!r} on sheet {entry.sheet} is mapped to {earlier.column} ({earlier.source}"
                    f"{'' if earlier.header == entry.header else f', as {earlier.header!r}'}) and to {entry.column} "
                    f"({entry.source})")
            if _origin(earlier.source) == _origin(entry.source):
                problems.append(Problem("mapping-conflict", f"expected one column per header, found {both}: "
                                        "delete the wrong one", file, where, cell))
                return
            problems.append(Problem("mapping-overridden", f"{both}; reading it as {entry.column}", file, severity="warning"))
        sheet[key] = entry

    def use(self, entry: MappedColumn) -> None:
        if entry not in self.used:
            self.used.append(entry)

    def unused(self) -> list[MappedColumn]:
        return [e for sheet in self.entries.values() for e in sheet.values() if e not in self.used]

    def propose(self, sheet: str, header: str, column: str) -> None:
        if not any(p.sheet == sheet and p.header == header for p in self.proposals) and \
                not any(p.sheet == sheet and p.column == column for p in self.proposals):
            self.proposals.append(MappedColumn(sheet, header, column, "proposed"))


def _origin(source: str) -> str:
    """Where a mapping comes from, without its row: 'Columns sheet row 3' -> 'Columns sheet'."""
    return source.rsplit(" row ", 1)[0]


def contract_column(sheet: str, name: object) -> str | None:
    """The contract column a name (or one of its aliases) stands for on a sheet, or None."""
    column = schema.alias_map(schema.SHEET_CONTRACTS.get(sheet, ())).get(schema.canonical(name))
    return column.name if column else None


def check_entry(sheet_text: object, header: object, column: object) -> tuple[MappedColumn | None, str, str]:
    """(sheet, header, column) as written -> (a mapping without a source, or None; the part that
    is wrong: sheet, header or column; the reason)."""
    sheet = schema.SHEET_BOM if sheet_text in (None, "") else schema.sheet_name(sheet_text)
    if sheet not in schema.SHEET_CONTRACTS:
        known = ", ".join(schema.SHEET_CONTRACTS)
        return None, "sheet", f"expected a contract sheet ({known}; blank = BOM), found {sheet_text!r}"
    if not isinstance(header, str) or not header.strip():
        return None, "header", f"expected the header as it appears on sheet {sheet}, found {header!r}"
    name = contract_column(sheet, column) if isinstance(column, str) else None
    if name is None:
        known = ", ".join(c.name for c in schema.SHEET_CONTRACTS[sheet])
        return None, "column", f"expected a {sheet} contract column ({known}), found {column!r}"
    return MappedColumn(sheet, header.strip(), name, ""), "", ""


def load_file(path: str | Path, mapping: HeaderMapping, problems: list[Problem]) -> None:
    """Add the mappings of a --columns TOML file; its problems are located by file and key."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        found = "a directory" if path.is_dir() else "no such file" if not path.exists() else "not a regular file"
        problems.append(Problem("bad-columns-file", f"expected a TOML file of header mappings, found {found}", name))
        return
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        problems.append(Problem("bad-columns-file", f"expected a UTF-8 TOML file of header mappings, could not read it ({reason})", name))
        return
    for key, value in data.items():
        table = value if isinstance(value, dict) else {key: value}
        sheet_text = key if isinstance(value, dict) else None
        for header, column in table.items():
            entry, _part, reason = check_entry(sheet_text, header, column)
            where = f"[{key}] " if isinstance(value, dict) else ""
            if entry is None:
                problems.append(Problem("bad-mapping", f"{where}{header!r}: {reason}", name))
                continue
            mapping.add(MappedColumn(entry.sheet, entry.header, entry.column, f"--columns {path.name}"), problems, name)


# Word stems in a header, and the contract columns they suggest (the first most strongly).
_HINTS: dict[str, tuple[str, ...]] = {
    "usmca": ("usmca_originating",), "cusma": ("usmca_originating",), "tmec": ("usmca_originating",),
    "nafta": ("nafta_originating", "nafta_traced_value"),
    "cert": ("usmca_originating", "nafta_originating"), "originating": ("usmca_originating", "nafta_originating"),
    "preferen": ("usmca_originating", "nafta_originating"),
    "origin": ("origin_country",), "coo": ("origin_country",), "country": ("origin_country", "assembly_country"),
    "made": ("origin_country",),
    "hs": ("hs_code",), "hts": ("hs_code",), "tariff": ("hs_code",), "commodity": ("hs_code",), "customs": ("hs_code",),
    "classification": ("hs_code",),
    "price": ("unit_value", "value"), "cost": ("unit_value", "value", "net_cost", "total_cost"),
    "value": ("value", "unit_value", "transaction_value"), "amount": ("value",), "extended": ("value",),
    "vendor": ("supplier",), "supplier": ("supplier",), "manufacturer": ("supplier", "producer"),
    "qty": ("quantity",), "quantity": ("quantity",), "usage": ("quantity",),
    "part": ("part_number",), "component": ("part_number",), "material": ("part_number", "material"),
    "sku": ("part_number",),
    "currency": ("currency",), "curr": ("currency",), "crcy": ("currency",), "ccy": ("currency",),
    "description": ("description",), "desc": ("description",),
    "rvc": ("regional_content_pct",), "regional": ("regional_content_pct",),
    "level": ("level",), "lvl": ("level",), "procurement": ("procurement",), "make": ("procurement",),
    "buy": ("procurement",), "sourcing": ("procurement",),
    "steel": ("material", "steel_content_value"), "aluminum": ("material", "aluminum_content_value"),
    "aluminium": ("material", "aluminum_content_value"), "wage": ("high_wage",), "core": ("core_part_group",),
    "melted": ("steel_melted_poured",), "melt": ("steel_melted_poured",), "poured": ("steel_melted_poured",),
    "traced": ("nafta_traced_value",), "rate": ("rate",), "fx": ("rate",),
    # ERP abbreviations and SAP field names (MATNR/IDNRK material, MENGE quantity, BESKZ procurement
    # type, HERKL country of origin, STPRS standard price)
    "proc": ("procurement",), "beskz": ("procurement",), "matnr": ("part_number",), "idnrk": ("part_number",),
    "matl": ("part_number",), "menge": ("quantity",), "qnty": ("quantity",),
    "herkl": ("origin_country",), "ctry": ("origin_country",), "cntry": ("origin_country",), "orig": ("origin_country",),
    "vend": ("supplier",), "vndr": ("supplier",), "amt": ("value",),
    "stprs": ("unit_value",), "descr": ("description",), "comm": ("hs_code",), "hsn": ("hs_code",),
    "htsus": ("hs_code",), "ext": ("value",),
}
_SHORT = {"hs", "coo", "qty", "ccy", "crcy", "rvc", "lvl", "fx", "sku", "made", "make", "buy", "curr", "desc", "part",
          "proc", "matl", "qnty", "ctry", "cntry", "orig", "vend", "vndr", "amt", "descr", "comm", "hsn",
          "ext"}


def scores(header: object, sheet: str) -> dict[str, float]:
    """How strongly a header suggests each contract column of `sheet` (by the words in it)."""
    allowed = {c.name for c in schema.SHEET_CONTRACTS.get(sheet, ())}
    found: dict[str, float] = {}
    tokens = [t for t in schema.canonical(header).replace("%", "").replace("#", "").split("_") if t]
    for position, token in enumerate(tokens):
        for stem, suggested in _HINTS.items():
            if token == stem or (stem not in _SHORT and len(token) > len(stem) and token.startswith(stem)):
                for rank, name in enumerate(suggested):
                    if name in allowed:  # the last word names the thing ('Material Description' is a description)
                        last = 0.25 if position == len(tokens) - 1 and rank == 0 else 0
                        found[name] = found.get(name, 0) + (1 if rank == 0 else 0.5) + last
    return found


def resembles(header: object, sheet: str, taken: set[str]) -> list[str]:
    """Contract columns of `sheet` (not in `taken`) that an unused header looks like, best first."""
    found = {name: score for name, score in scores(header, sheet).items() if name not in taken}
    return sorted(found, key=lambda n: -found[n])


def proposal_text(proposals: list[MappedColumn]) -> str:
    """A ready-to-paste Columns sheet (tab-separated, so it pastes into cells) and TOML file."""
    out = ["Proposed header mapping (check each line): paste these rows into a sheet named Columns,",
           "", "sheet\theader\tcolumn"]
    out += [f"{p.sheet}\t{p.header}\t{p.column}" for p in proposals]
    out += ["", "or save these lines as columns.toml and add --columns columns.toml:", ""]
    for sheet in dict.fromkeys(p.sheet for p in proposals):
        out.append(f"[{sheet}]")
        out += [f"{_toml_key(p.header)} = \"{p.column}\"" for p in proposals if p.sheet == sheet]
    return "\n".join(out)


def _toml_key(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string
