"""Read a BOM workbook (.xlsx) into a validated `Bom`, collecting every problem in one pass.

Cells come from `xlsx` as text: a number as the decimal text stored in the sheet, so it
reaches `Decimal` exactly, and part numbers stay text.  Problems are gathered as values and
raised together as one `BomError`; the input file is read once, and only for reading.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Context, Decimal, localcontext
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from roo_calc import codes
from roo_calc.bom import columns as columns_map
from roo_calc.bom import countries, merges, package, schema, structure, xlsx
from roo_calc.bom.columns import HeaderMapping
from roo_calc.bom.model import Bom, FxRate, MappedColumn, ReaderRules, Vehicle
from roo_calc.display import plural
from roo_calc.errors import BomError, Problem, Severity
from roo_calc.numbers import comma_is_ambiguous, parse_decimal, pct_to_e4, to_cents

MAX_PROBLEMS = 200
# The Y/N readings of the contract, one for every reader (BOM and Certificates sheets, supplier
# answers, scenario files).  A mark such as X or a tick is not one: it can mean "yes" or "no".
_YES = {"y", "yes", "true", "1", "1.0"}
_NO = {"n", "no", "false", "0", "0.0"}


class _Collector:
    """Gathers problems for one file, capping how many are kept."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.dropped = 0

    def add(self, code: str, message: str, sheet: str | None = None, cell: str | None = None,
            severity: Severity = "error", file: str | None = None) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        self.problems.append(Problem(code, message, file or self.file, sheet, cell, severity))

    def warn(self, code: str, message: str, sheet: str | None = None, cell: str | None = None) -> None:
        self.add(code, message, sheet, cell, "warning")

    def reported(self, code: str, sheet: str | None, cell: str | None) -> bool:
        return any(p.code == code and p.sheet == sheet and p.cell == cell for p in self.problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems) or self.dropped > 0

    def finish(self) -> list[Problem]:
        if self.dropped:
            self.problems.append(Problem("too-many-problems", f"{self.dropped} more problems not shown", self.file))
        return self.problems


_YN_EXPECTED = "expected Y or N (also yes/no, true/false, 1/0 or an Excel boolean)"


def parse_yn(text: str) -> bool:
    """Y/N, yes/no, true/false, 1/0 (Excel booleans arrive as true/false); anything else,
    an X included, is a ValueError saying what is accepted."""
    low = text.strip().lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    mark = ": a mark such as X does not say whether it means yes or no" if low == "x" or (len(low) == 1 and not low.isalnum()) else ""
    raise ValueError(f"{_YN_EXPECTED}, found {text!r}{mark}")


def parse_date(text: str) -> date:
    raw = text.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"expected a date (YYYY-MM-DD), found {text!r}")


HEADER_SEARCH_ROWS = 20


def _header_offset(top: pd.DataFrame, contract: tuple[schema.Column, ...], mapped: Iterable[str] = ()) -> int:
    """Rows between the first filled row and the header row: exports often put a title above
    the headers.  The header is the first of the top rows naming two or more contract columns
    (or headers mapped to them)."""
    aliases = set(schema.alias_map(contract)) | set(mapped)
    for offset, row in enumerate(top.head(HEADER_SEARCH_ROWS).itertuples(index=False)):
        if sum(1 for cell in row if isinstance(cell, str) and schema.canonical(cell) in aliases) >= 2:
            return offset
    return 0


def _read_table(reader, sheet: str, contract: tuple[schema.Column, ...],
                mapped: Iterable[str] = ()) -> tuple[pd.DataFrame, list[int], int]:
    """A sheet with a header row: (the rows below the header, named by it; each column's
    absolute index; the header's offset below the first filled row).  The sheet is read once."""
    frame, absolute = _read_strings(reader, sheet)
    offset = _header_offset(frame, contract, mapped) if len(frame) else 0
    names = [str(v) if v is not None else f"__UNNAMED__{i}" for i, v in enumerate(frame.iloc[offset])] if len(frame) else []
    body = frame.iloc[offset + 1:].reset_index(drop=True)
    body.columns = names
    return body, absolute, offset


def _read_strings(reader: xlsx.Workbook, sheet: str) -> tuple[pd.DataFrame, list[int]]:
    """All cells of a sheet as text (None for blank; a number as the decimal text stored in
    the sheet) from its first filled row, and each column's absolute index."""
    return reader.read_sheet(sheet).table()


# Numbers read from a workbook: at most this large (a quadrillion, in any currency), and
# carried with enough precision that quantity x unit value x rate is exact before the one
# rounding to the cent.
MAX_NUMBER = Decimal(10) ** 18
MAX_MONEY = Decimal(10) ** 15  # an amount of money, and a line's value in the vehicle's currency
MAX_DIGITS = 60
_EXACT = Context(prec=4 * MAX_DIGITS, Emin=-999_999, Emax=999_999)


def load_bom(path: str | Path, columns: str | Path | None = None, *, rules: ReaderRules) -> Bom:
    """Read and validate a BOM workbook; raise `BomError` listing every problem found.

    `columns` is a TOML file mapping the workbook's own headers to contract columns (as a
    `Columns` sheet does); the error then carries `proposals`, a mapping for headers that look
    like contract columns.  `rules` (`rules.model.reader_rules` of the loaded regimes) give the
    groups a core_part_group cell may name and the vehicle type a blank vehicle_type is read as."""
    with localcontext(_EXACT):
        return _load_bom(Path(path), columns, rules)


def _load_bom(path: Path, columns: str | Path | None, rules: ReaderRules) -> Bom:
    name = str(path)
    out = _Collector(name)
    try:
        data, book = xlsx.open_workbook(path)  # hashed and parsed: the same bytes
        sha256 = hashlib.sha256(data).hexdigest()
        sheets = _select_sheets(book, out)
        # A missing sheet stops nothing else: every sheet present is read, so that all header
        # problems come out in one pass.
        if any(p.severity == "error" and p.code != "missing-sheet" for p in out.problems):
            raise BomError(out.finish())
        for actual in sheets.values():
            book.read_sheet(actual)
    except package.PackageError as exc:
        raise BomError([Problem(exc.code, str(exc), name, exc.sheet, exc.cell)]) from None
    reader = facts = book
    _note_hidden(book, sheets, out)
    check_formulas(facts, sheets.values(), out)
    headers = _header_mapping(reader, facts, sheets.get(schema.SHEET_COLUMNS), columns, out)
    refused_fx: set[str] = set()  # currencies whose FX row is refused (and reported) already
    fx = _read_fx(reader, facts, sheets.get(schema.SHEET_FX), out, headers, refused_fx)
    vehicle_sheet, bom_sheet = sheets.get(schema.SHEET_VEHICLE), sheets.get(schema.SHEET_BOM)
    vehicle_fields = _read_vehicle(reader, facts, vehicle_sheet, out, headers) if vehicle_sheet else {}
    vehicle = (_build_vehicle(vehicle_fields, vehicle_sheet, out, rules, _percent_refs(book, vehicle_sheet),
                              xlsx.dated_cells(book.read_sheet(vehicle_sheet)))
               if vehicle_sheet else None)
    if vehicle is not None and vehicle.currency in fx:
        _own_currency_rate(fx[vehicle.currency], sheets.get(schema.SHEET_FX) or schema.SHEET_FX, out)
    basis = _quantity_basis(vehicle_fields)
    lines, extra, letters = (_read_lines(reader, facts, bom_sheet, out, headers, rules.core_part_groups, basis)
                             if bom_sheet else (None, [], {}))
    from roo_calc.certificates.reader import read_certificates_sheet

    certificates = read_certificates_sheet(reader, facts, sheets.get(schema.SHEET_CERTIFICATES), out, sha256, headers)
    made, levels = None, 1
    detail_rows: tuple[int, ...] = ()
    if lines is not None and bom_sheet is not None:
        levels = int(lines["level"].max())
        detail = (lines["_kind"] == structure.DETAIL).to_numpy(dtype=bool)
        detail_rows = tuple(int(r) for r in lines["row"][detail])
        # Without a valid Vehicle sheet, still report lines whose currency has no rate.
        currency = vehicle.currency if vehicle is not None else _currency_field(vehicle_fields)
        lines = _convert_currency(lines[~detail].reset_index(drop=True), currency, fx, bom_sheet, letters, out, refused_fx)
        if lines is not None and basis is None and levels > 1:
            _warn_quantity_basis(lines, currency, bom_sheet, out)
        lines, made = _split_made(lines)
        if vehicle is not None:
            _check_totals(vehicle, lines, sheets, out)
    if lines is not None and certificates:
        from roo_calc.certificates.unmatched import unmatched

        for problem in unmatched(certificates, lines, name):
            out.add(problem.code, problem.message, problem.sheet, problem.cell, problem.severity)
    for entry in headers.unused():
        out.warn("unused-mapping", f"the mapping of header {entry.header!r} to {entry.column} ({entry.source}) was not "
                 f"used: sheet {entry.sheet} has no such header")
    if out.has_errors:
        raise BomError(out.finish(), tuple(headers.proposals))
    assert vehicle is not None and lines is not None and made is not None
    return Bom(path=name, sha256=sha256, vehicle=vehicle, lines=lines, fx=tuple(fx.values()),
               warnings=tuple(out.finish()), extra_columns=tuple(extra), made=made, supplier_detail_rows=detail_rows,
               column_mapping=tuple(headers.used), proposed_columns=tuple(headers.proposals), levels=levels,
               certificates=certificates)


def _header_mapping(reader, facts, sheet: str | None, file: str | Path | None, out: _Collector) -> HeaderMapping:
    """The header mappings of the workbook's Columns sheet, then of the --columns file."""
    mapping = HeaderMapping()
    problems: list[Problem] = []
    if sheet is not None:
        frame, absolute, offset = _read_table(reader, sheet, schema.COLUMNS_SHEET_COLUMNS)
        header_row = (xlsx.first_row_with_values(facts.read_sheet(sheet)) or 1) + offset
        found = _map_headers(frame, absolute, schema.COLUMNS_SHEET_COLUMNS, sheet, header_row, out) or {}
        _check_read_columns(facts, sheet, header_row, found, absolute, out)
        for i in range(len(frame)) if found else ():
            row = header_row + 1 + i
            raw = {name: frame.iat[i, pos] for name, (pos, _letter) in found.items()}
            if all(v is None for v in raw.values()):
                continue
            entry, bad, reason = columns_map.check_entry(raw.get("sheet"), raw.get("header"), raw.get("column"))
            if entry is None:
                letter = found[bad][1] if bad in found else found["header"][1]
                out.add("bad-mapping", reason, sheet, f"{letter}{row}")
                continue
            mapping.add(MappedColumn(entry.sheet, entry.header, entry.column, f"{sheet} sheet row {row}"), problems, out.file,
                        sheet, f"{found['header'][1]}{row}")
    if file is not None:
        columns_map.load_file(file, mapping, problems)
    for problem in problems:
        out.add(problem.code, problem.message, problem.sheet, problem.cell, problem.severity, problem.file)
    return mapping


def _quantity_basis(fields: dict[str, tuple[str | None, str]]) -> str | None:
    """The Vehicle sheet's declared quantity_basis, or None when it is blank, absent or not
    one of the bases (that last is reported by the Vehicle sheet's checks)."""
    text = fields.get("quantity_basis", (None, ""))[0]
    column = next(c for c in schema.VEHICLE_FIELDS if c.name == "quantity_basis")
    try:
        return _convert(column, text) if text is not None else None
    except ValueError:
        return None


def _warn_quantity_basis(lines: pd.DataFrame, currency: str, sheet: str, out: _Collector) -> None:
    """A multi-level BOM read per parent unit because nothing declared otherwise: say so, with
    what the counted materials would be if the export's quantities were already exploded."""
    counted = (lines["_kind"] == structure.MATERIAL).to_numpy(dtype=bool)
    stake = lines["stake_cents"][counted].dropna()
    stake = stake[stake != 0]
    total = sum(lines["value_cents"][counted].tolist())

    def money(cents: int) -> str:
        return f"{Decimal(cents).scaleb(-2):,} {currency}"

    if len(stake):
        at_stake = sum(stake.tolist())
        effect = (f"{len(stake)} counted line{'s' * (len(stake) > 1)} below level 1 {'are' if len(stake) > 1 else 'is'} multiplied "
                  f"by {'their' if len(stake) > 1 else 'its'} parents' quantities: the materials are {money(total)}, read as "
                  f"exploded they would be {money(total - at_stake)} ({money(abs(at_stake))} {'less' if at_stake > 0 else 'more'})")
    else:
        effect = "no counted line has a parent quantity other than 1, so both bases give the same values"
    out.warn("quantity-basis", "quantity_basis: not declared, so this multi-level BOM is read per_parent (the default): each "
             f"line's quantity and value are per unit of its parent line; {effect}. If the export prints quantities already "
             "multiplied down to the vehicle, declare quantity_basis = exploded on the Vehicle sheet (per_parent to confirm)",
             sheet)


def _split_made(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the counted materials, the self-produced lines), each with its level and the row of
    its make parent."""
    lines = lines.drop(columns=["stake_cents"])
    lines["level"] = lines["level"].astype("int64")
    lines["parent_row"] = pd.array(lines["parent_row"].tolist(), dtype="Int64")
    made = (lines["_kind"] == structure.MADE).to_numpy(dtype=bool)
    lines = lines.drop(columns=["_kind"])
    return lines[~made].reset_index(drop=True), lines[made].reset_index(drop=True)


def _select_sheets(book: xlsx.Workbook, out: _Collector) -> dict[str, str]:
    """Contract sheet name -> the workbook's sheet; two sheets for one contract sheet are an
    error naming both (never pick one silently), and a hidden sheet that is read a warning."""
    matches: dict[str, list[str]] = {}
    for actual in book.sheet_names:
        key = schema.canonical(actual)
        if key in schema.SHEET_ALIASES:
            matches.setdefault(schema.SHEET_ALIASES[key], []).append(actual)
    sheets = {}
    for contract, actuals in matches.items():
        sheets[contract] = actuals[0]
        if len(actuals) > 1:
            named = ", ".join(f"{a!r}" + ("" if book.sheets[a].state == "visible" else " (hidden)") for a in actuals)
            out.add("duplicate-sheet", f"expected one sheet for {contract!r}, found {len(actuals)}: {named}; delete or "
                    "rename all but one", actuals[1])
        elif book.sheets[actuals[0]].state != "visible":
            out.warn("hidden-sheet", f"sheet {actuals[0]!r} is hidden in the workbook; it is read as the "
                     f"{contract} sheet", actuals[0])
    found = ", ".join(repr(s) for s in book.sheet_names) or "none"
    fleet = next((s for s in book.sheet_names if schema.canonical(s) == "fleet"), None)
    if fleet is not None and not {schema.SHEET_VEHICLE, schema.SHEET_BOM} & sheets.keys():  # a fleet workbook given where one BOM is read
        out.add("fleet-workbook", f"expected one BOM workbook (sheets 'Vehicle' and 'BOM'), found a fleet workbook (sheet "
                f"{fleet!r} listing BOM files): roo-calc evaluate and roo-calc validate take a fleet workbook; here give "
                "one BOM workbook, e.g. one its bom_file column lists", fleet)
        return sheets
    for required in (schema.SHEET_VEHICLE, schema.SHEET_BOM):
        if required not in sheets:
            out.add("missing-sheet", f"expected a sheet named {required!r}, found sheets {found}", required)
    return sheets


def _note_hidden(book: xlsx.Workbook, sheets: dict[str, str], out: _Collector) -> None:
    """Hidden rows holding values are read like any other: say so, since nobody sees them."""
    for actual in sheets.values():
        hidden = book.read_sheet(actual).hidden_rows_with_values()
        if hidden:
            _warn_hidden("row", [str(r) for r in hidden], actual, f"{hidden[0]}:{hidden[0]}", out)


def _note_hidden_columns(xml: xlsx.Sheet, sheet: str, header_row: int | None, read: dict[int, str], out: _Collector) -> None:
    """Hidden columns that are read and hold values (below the header row, if the sheet has one):
    said as hidden rows are, with each column's letter, header and how many of its cells hold a value."""
    filled = {col: count for col, count in xml.hidden_columns_with_values(header_row or 0).items() if col in read}
    if not filled:
        return
    shown = []
    for col, count in sorted(filled.items()):
        header = xml.text_at(header_row, col) if header_row is not None else None
        named = (f"({read[col]})" if header_row is None else f"{header!r}" if header is not None and schema.canonical(header) == read[col]
                 else f"{header!r} (read as {read[col]})")
        shown.append(f"{xlsx.column_letter(col)} {named}, {plural(count, 'cell')} with values")
    first = min(filled)
    _warn_hidden("column", shown, sheet, f"{xlsx.column_letter(first)}{header_row or xml.first_row or 1}", out)


def _warn_hidden(noun: str, items: list[str], sheet: str, cell: str, out: _Collector, most: int = 20) -> None:
    """ "2 hidden rows holding values are read like any other: rows 4, 9" (rows or columns)."""
    count = len(items)
    shown = ", ".join(items[:most]) + (f" and {count - most} more" if count > most else "")
    out.warn(f"hidden-{noun}s", f"{plural(count, 'hidden ' + noun)} holding values {'is' if count == 1 else 'are'} "
             f"read like any other: {noun}{'' if count == 1 else 's'} {shown}", sheet, cell)


def _currency_field(fields: dict[str, tuple[str | None, str]]) -> str:
    text = (fields.get("currency") or (None, ""))[0]
    code = (text or "USD").strip().upper()
    return code if code in codes.currencies() else "USD"


def check_formulas(facts: xlsx.Workbook, sheets: Iterable[str], out: _Collector) -> None:
    """Cells of the named sheets holding a formula saved without its value would read as blank: an error each."""
    for actual in sheets:
        for cell in xlsx.formula_cells_without_value(facts.read_sheet(actual)):
            out.add("formula-without-value",
                    "expected a value, found a formula whose result was never calculated (the file "
                    "was written by a program, not saved by a spreadsheet app): open the workbook in "
                    "Excel or LibreOffice and save it, so each formula's value is stored",
                    actual, cell)


def _check_read_columns(facts: xlsx.Workbook, sheet: str, header_row: int, columns: dict[str, tuple[int, str]],
                        absolute: list[int], out: _Collector) -> None:
    """The read columns of a table sheet: merged ranges over them are errors naming the range
    (`merges`), and hidden ones holding values a warning."""
    xml = facts.read_sheet(sheet)
    read = {absolute[pos]: name for name, (pos, _l) in columns.items()}
    merges.check_table(xml, sheet, header_row, read, out)
    _note_hidden_columns(xml, sheet, header_row, read, out)


# -- Vehicle sheet -----------------------------------------------------------------------------

def _read_vehicle(reader, facts, sheet: str, out: _Collector, headers: HeaderMapping) -> dict[str, tuple[str | None, str]]:
    """field name -> (text value, cell reference of the value)."""
    frame, absolute = _read_strings(reader, sheet)
    first = xlsx.first_row_with_values(facts.read_sheet(sheet)) or 1
    if frame.shape[1] < 2:
        out.add("vehicle-layout", "expected field names in column A and values in column B", sheet, "A1")
        return {}
    aliases = schema.alias_map(schema.VEHICLE_FIELDS)
    value_col = xlsx.column_letter(absolute[1])
    name_col = xlsx.column_letter(absolute[0])
    by_name = {c.name: c for c in schema.VEHICLE_FIELDS}
    mapped = headers.for_sheet(schema.SHEET_VEHICLE)
    fields: dict[str, tuple[str | None, str]] = {}
    unknown: list[tuple[str, str]] = []
    for i, (label, value) in enumerate(zip(frame.iloc[:, 0], frame.iloc[:, 1])):
        row = first + i
        if label is None:
            continue
        entry = mapped.get(schema.canonical(label))
        if entry is not None:
            headers.use(entry)
        column = by_name[entry.column] if entry is not None else aliases.get(schema.canonical(label))
        if column is None:
            unknown.append((label, f"{name_col}{row}"))
            continue
        if column.name in fields:
            out.add("duplicate-field", f"field {column.name!r} is given twice (first at {fields[column.name][1]})",
                    sheet, f"{name_col}{row}")
            continue
        fields[column.name] = (value, f"{value_col}{row}")
    _vehicle_merges(facts.read_sheet(sheet), sheet, frame, first, absolute, fields, out)
    _note_hidden_columns(facts.read_sheet(sheet), sheet, None, {absolute[0]: "the field names", absolute[1]: "the field values"}, out)
    for label, cell in unknown:
        like = _resembling(label, schema.SHEET_VEHICLE, set(fields), headers)
        out.warn("unused-column" if like else "unknown-field", f"field {label!r} is not part of the contract; ignored" + like, sheet, cell)
    return fields


def _vehicle_merges(xml: xlsx.Sheet, sheet: str, frame: pd.DataFrame, first: int, absolute: list[int],
                    fields: dict[str, tuple[str | None, str]], out: _Collector) -> None:
    """A merge over a field's name or value (besides its top-left cell) is an error naming the range:
    the covered cell is blank in the file, though the sheet shows the merged text beside it."""
    if not xml.merges:
        return
    name_col, value_col = absolute[0], absolute[1]
    cells = [(int(cell[len(cell.rstrip("0123456789")):]), col, name) for name, (_v, cell) in fields.items()
             for col in (name_col, value_col)]
    cells += [(first + i, name_col, f"the field name of row {first + i}")
              for i, (label, value) in enumerate(zip(frame.iloc[:, 0], frame.iloc[:, 1])) if label is None and value is not None]
    merges.check_fields(xml, sheet, cells, out)


def _percent_refs(book: xlsx.Workbook, sheet: str) -> set[str]:
    """The sheet's cells formatted as percentages, by reference ("B12")."""
    return {f"{xlsx.column_letter(col)}{row}" for row, col in book.read_sheet(sheet).percent}


def _build_vehicle(fields: dict[str, tuple[str | None, str]], sheet: str, out: _Collector,
                   rules: ReaderRules, percent: set[str], dated: dict[str, str]) -> Vehicle | None:
    """The Vehicle from the sheet's fields, or None after reporting every problem found; a blank
    vehicle_type is read from the HS code by the rules' `vehicle_types_by_hs`; `percent` are the
    cells formatted as percentages (a points field there showing 8% holds 0.08 and is read as 8)."""
    cells = {name: cell for name, (_v, cell) in fields.items()}
    values, ok = _vehicle_values(fields, sheet, out, percent, dated)
    # Every check runs on the fields that could be read, so all problems are reported in one pass.
    money = {k: v for k, v in values.items() if isinstance(v, Decimal) and k in _MONEY_FIELDS}
    excluded = {k: to_cents(money[k]) for k in _EXCLUDED_COSTS if k in money}
    ok = _no_negative_money(money, cells, sheet, out) and ok
    unreadable = any(fields.get(k, (None, ""))[0] is not None and k not in values for k in ("net_cost", "total_cost", *_EXCLUDED_COSTS))
    net = None if unreadable else _net_cost(money, excluded, cells, sheet, out)  # an unreadable cost is reported already
    ok = _check_vehicle_ranges(values, money, cells, sheet, out) and ok
    ok = _check_assembly_points(values.get("lvc_assembly_points"), rules.assembly_credits, sheet, cells, out) and ok
    if net is not None:
        ok = _check_against_net_cost(money, net[0], cells, sheet, out) and ok
    if net is None or not ok:
        return None
    net_cents, derived = net
    hs_code = str(values["hs_code"])
    vehicle_type = values.get("vehicle_type") or codes.infer_vehicle_type(hs_code, rules.vehicle_types_by_hs)
    volume, persons = values.get("annual_volume"), values.get("persons")
    fields_out: dict[str, Any] = {name: values.get(name) for name in _PLAIN_VEHICLE_FIELDS if name in values}
    fields_out.update({f"{name}_cents": to_cents(money[name]) for name in _CENTS_VEHICLE_FIELDS if name in money})
    fields_out.update({f"{name}_e4": pct_to_e4(value) for name in ("lvc_technology_points", "lvc_assembly_points")
                       if isinstance(value := values.get(name), Decimal)})
    # pydantic validates each field's type here, as the keyword constructor would.
    return Vehicle.model_validate({
        **fields_out, "model": str(values["model"]), "hs_code": hs_code, "vehicle_type": vehicle_type,
        "vehicle_type_inferred": "vehicle_type" not in values, "net_cost_cents": net_cents,
        "excluded_costs_cents": excluded, "net_cost_derived": derived,
        "annual_volume": int(volume) if isinstance(volume, Decimal) else None,
        "persons": int(persons) if isinstance(persons, Decimal) else None, "cells": cells,
    })


_EXCLUDED_COSTS = ("sales_promotion_costs", "royalties", "shipping_packing_costs", "nonallowable_interest")
# Vehicle fields taken as read; money fields reach the Vehicle as `<name>_cents`.
_PLAIN_VEHICLE_FIELDS = ("assembly_country", "production_date", "entry_date", "tariff_rate_quota",
                         "asr_approved_through", "new_plant", "first_prototype_date", "currency", "plant", "producer",
                         "model_year", "quantity_basis")
_CENTS_VEHICLE_FIELDS = ("msrp", "total_cost", "transaction_value", "steel_purchases", "steel_purchases_originating",
                         "aluminum_purchases", "aluminum_purchases_originating", "lvc_high_wage_labor",
                         "lvc_high_wage_materials")


def _vehicle_values(fields: dict[str, tuple[str | None, str]], sheet: str, out: _Collector,
                    percent: set[str], dated: dict[str, str]) -> tuple[dict[str, object], bool]:
    """Each field that could be read, converted to its kind's value; and False when a required one
    is missing or any is unreadable (each reported). A percentage or points field in a cell
    formatted as % is read as the % shown."""
    values: dict[str, object] = {}
    ok = True
    for column in schema.VEHICLE_FIELDS:
        text, cell = fields.get(column.name, (None, None))
        if text is None:
            if column.required:
                where = f"expected the field {column.name!r} ({column.note}) in column A with its value in column B"
                out.add("missing-field", where + (", found it blank" if cell else ", found no such row"), sheet, cell or "A1")
                ok = False
            continue
        try:
            values[column.name] = read_cell(column, text, str(cell), sheet, out, percent)
        except ValueError as exc:
            out.add("bad-value", f"{column.name}: {_number_shown_as_date(column, text, dated.get(str(cell))) or exc}", sheet, cell)
            ok = False
    country, cell = fields.get("assembly_country", (None, ""))
    if country is not None and values.get("assembly_country") not in (None, country.strip().upper()):
        out.warn("country-name", f"assembly_country: read {country.strip()!r} as {values['assembly_country']}", sheet, cell)
    hs_text, cell = fields.get("hs_code", (None, ""))
    if hs_text is not None:
        digits, note = codes.normalize_hs(hs_text)
        if note and digits:
            out.warn("hs-note", note, sheet, cell)
    return values, ok


def _net_cost(money: dict[str, Decimal], excluded: dict[str, int], cells: dict[str, str], sheet: str,
              out: _Collector) -> tuple[int, bool] | None:
    """(net cost in cents, whether it was derived from total cost minus the excluded costs), or None if unusable."""
    net, total = money.get("net_cost"), money.get("total_cost")
    if net is None and total is None:
        where = cells.get("net_cost") or cells.get("total_cost")
        out.add("missing-field", "expected net_cost or total_cost (net cost = total cost minus excluded costs), found "
                + ("both blank" if "net_cost" in cells and "total_cost" in cells else "it blank" if where else "neither row"),
                sheet, where or "A1")
        return None
    ok = True
    if net is None:
        assert total is not None
        net_cents, derived = to_cents(total) - sum(excluded.values()), True
    else:
        net_cents, derived = to_cents(net), False
        if total is not None and to_cents(total) - sum(excluded.values()) != net_cents:
            out.add("net-cost-mismatch",
                    f"net_cost {net} disagrees with total_cost {total} minus excluded costs "
                    f"{Decimal(sum(excluded.values())).scaleb(-2)}; give one of them, or make them agree",
                    sheet, cells["net_cost"])
            ok = False
    if net_cents <= 0:
        out.add("bad-value", f"net cost must be more than 0, found {Decimal(net_cents).scaleb(-2)}",
                sheet, cells.get("net_cost") or cells.get("total_cost"))
        ok = False
    return (net_cents, derived) if ok else None


# Vehicle amounts the law needs above 0 (0 is not "not given": a blank cell is), and why.
_POSITIVE_MONEY = {
    "transaction_value": "a vehicle's customs value is never 0: Section 232 and the general duty are assessed on it",
    "msrp": "a vehicle's retail price is never 0: offsets measured on MSRP, as Section 232's for automobiles, are a share of it",
}


def _no_negative_money(money: dict[str, Decimal], cells: dict[str, str], sheet: str, out: _Collector) -> bool:
    """Report each negative money amount, and each 0 where the law needs more (`_POSITIVE_MONEY`);
    True if there is none."""
    ok = True
    for k, v in money.items():
        if v < 0:
            out.add("negative-value", f"{k}: expected an amount of 0 or more, found {v}", sheet, cells[k])
            ok = False
        elif k in _POSITIVE_MONEY and to_cents(v) <= 0:
            out.add("bad-value", f"{k}: expected an amount above 0 ({_POSITIVE_MONEY[k]}), found {v}; leave the cell "
                    "blank if it is not known", sheet, cells[k])
            ok = False
    return ok


def _check_against_net_cost(money: dict[str, Decimal], net_cents: int, cells: dict[str, str], sheet: str,
                            out: _Collector) -> bool:
    """Report high-wage labor plus high-wage materials above the net cost, the base USMCA UR 18(6)(a)
    divides them by (both are costs within it, so they cannot exceed it: a yearly or plant figure
    typed for a per-vehicle one); True if they fit.  An MSRP below the transaction value (or, without
    it, the net cost) is warned: implausible for a retail price, and offsets measured on MSRP are a share of it."""
    net = Decimal(net_cents).scaleb(-2)
    msrp, floor = money.get("msrp"), money.get("transaction_value")
    below = "transaction_value" if floor is not None else "net cost"
    floor = floor if floor is not None else net
    if msrp is not None and 0 < msrp < floor:
        where = f", {cells['transaction_value']}" if below == "transaction_value" else ""
        out.warn("implausible-msrp", f"msrp: {_cents_text(msrp)} is below the {below} ({_cents_text(floor)}{where}): implausible for a "
                 "retail price; offsets measured on MSRP, as Section 232's for automobiles, are a share of it, so check "
                 "the cell", sheet, cells["msrp"])
    labor, materials = money.get("lvc_high_wage_labor"), money.get("lvc_high_wage_materials")
    given = [name for name, amount in (("lvc_high_wage_labor", labor), ("lvc_high_wage_materials", materials)) if amount is not None]
    high_wage = (labor or Decimal(0)) + (materials or Decimal(0))
    if not given or to_cents(high_wage) <= net_cents:
        return True
    _high_wage_above_net_cost(" + ".join(given), Decimal(to_cents(high_wage)).scaleb(-2), net, sheet, cells[given[0]], out)
    return False


def _check_vehicle_ranges(values: dict[str, object], money: dict[str, Decimal], cells: dict[str, str], sheet: str,
                          out: _Collector) -> bool:
    """Report amounts out of range (points outside 0-100, a volume not a whole number above 0, originating
    purchases above the purchases); True if none."""
    ok = True
    tech = values.get("lvc_technology_points")
    if isinstance(tech, Decimal) and not 0 <= tech <= 100:
        out.add("bad-value", f"lvc_technology_points: expected 0 to 100 points, found {tech}", sheet, cells["lvc_technology_points"])
        ok = False
    volume = values.get("annual_volume")
    if isinstance(volume, Decimal) and (volume != int(volume) or volume <= 0):
        out.add("bad-value", f"annual_volume: expected a whole number of vehicles above 0, found {volume}", sheet, cells["annual_volume"])
        ok = False
    for metal in ("steel", "aluminum"):  # USMCA UR 17(1): originating purchases are a part of the purchases
        bought, originating = money.get(f"{metal}_purchases"), money.get(f"{metal}_purchases_originating")
        if bought is not None and originating is not None and originating > bought:
            out.add("bad-value", f"{metal}_purchases_originating: expected at most {metal}_purchases ({bought}), "
                    f"found {originating}", sheet, cells[f"{metal}_purchases_originating"])
            ok = False
    made, entered = values.get("production_date"), values.get("entry_date")
    if isinstance(made, date) and isinstance(entered, date) and entered < made:  # a vehicle enters after it is made
        out.add("bad-value", f"entry_date: expected on or after production_date ({made}, {cells['production_date']}), "
                f"found {entered}", sheet, cells["entry_date"])
        ok = False
    persons = values.get("persons")
    if isinstance(persons, Decimal) and (persons != int(persons) or persons <= 0):
        out.add("bad-value", f"persons: expected a whole number of persons above 0, found {persons}", sheet, cells["persons"])
        ok = False
    prototype, produced = values.get("first_prototype_date"), values.get("production_date")
    if isinstance(prototype, date) and isinstance(produced, date) and prototype > produced:  # USMCA UR 20(8): the prototype comes first
        out.add("bad-value", f"first_prototype_date: expected on or before production_date ({produced}), found {prototype}",
                sheet, cells["first_prototype_date"])
        ok = False
    return ok


def _check_assembly_points(points: object, credits: tuple[Decimal, ...], sheet: str, cells: dict[str, str],
                           out: _Collector) -> bool:
    """The high-wage assembly credit is claimed whole or not at all (USMCA UR 18(12)-(14)): 0 or a
    loaded rule file's `assembly_credit`, else an error; True if it is one of them (or not given)."""
    if not isinstance(points, Decimal) or not credits or points == 0 or points in credits:
        return True
    allowed = " or ".join(f"{c.normalize():f}" for c in (Decimal(0), *credits))
    out.add("bad-value", f"lvc_assembly_points: expected {allowed} (the high-wage assembly credit is claimed whole or "
            f"not at all, USMCA UR 18(12)-(14)), found {points.normalize():f}", sheet, cells["lvc_assembly_points"])
    return False


_MONEY_FIELDS = {c.name for c in schema.VEHICLE_FIELDS if c.kind == "money"}


def read_cell(column: schema.Column, text: str, cell: str, sheet: str, out: _Collector, percent: set[str]):
    """One cell read on its own (a Vehicle field, a certification, a supplier's answer) by its
    column's kind, as the BOM's lines are read: "0,250" refused, "1,500" read as 1500 and warned,
    and a percentage in a cell formatted as % (`percent`, by reference) read as the % shown (75%
    is stored as 0.75 and read as 75).  ValueError says what was expected and what was found."""
    value = _convert(column, text)
    if column.kind in _NUMBER_KINDS and comma_is_ambiguous(text):
        warn_commas(column.name, [cell], sheet, out)
    return value * 100 if column.kind == "pct" and cell in percent else value


def _convert(column: schema.Column, text: str):
    """One cell's text to its typed value, by the column's kind; ValueError says what was found."""
    kind = column.kind
    if text.strip() in xlsx.ERROR_VALUES:
        raise ValueError(f"expected a value, found the Excel error value {text.strip()} (a formula that failed, "
                         "or a value pasted from one): fix the formula or type the value")
    if kind == "text":
        return text.strip()
    if kind == "hs":
        digits, note = codes.normalize_hs(text)
        if digits is None:
            raise ValueError(note)
        return digits
    if kind in ("number", "money", "pct"):
        try:
            return _bounded(parse_decimal(text), text, kind)
        except ValueError as exc:
            raise ValueError(f"expected a number, {exc}") from None
    if kind == "country":
        try:
            text = codes.ascii_code(text)
        except ValueError:
            pass  # a country name may be accented (Côte d'Ivoire); to_alpha2 refuses anything unknown
        return countries.to_alpha2(text)[0]
    if kind in ("currency", "yn"):
        try:
            text = codes.ascii_code(text)
        except ValueError as exc:
            if kind == "yn":  # a tick or a cross: say what a Y/N cell accepts, and which character is not one
                raise ValueError(f"{_YN_EXPECTED}, {exc}") from None
            raise
    if kind == "currency":
        code = text.strip().upper()
        if code not in codes.currencies():
            raise ValueError(f"expected an ISO 4217 currency code (e.g. USD, CAD, MXN), found {text!r}")
        return code
    if kind == "choice":
        value = schema.canonical(text)
        if value == "aluminium":
            value = "aluminum"
        if value not in column.choices:
            whence = " (the groups of the loaded rules' core_part_table, or none)" if column.name == "core_part_group" else ""
            raise ValueError(f"expected one of {', '.join(column.choices)}{whence}, found {text!r}")
        return value
    if kind == "yn":
        return parse_yn(text)
    if kind == "date":
        return parse_date(text)
    if kind == "level":
        return structure.parse_level(text)
    if kind == "procurement":
        procurement = schema.PROCUREMENT_VALUES.get(schema.canonical(text))
        if procurement is None:
            both = " (X, both, does not say which this line is)" if schema.canonical(text) == "x" else ""
            raise ValueError(f"expected buy or make (also purchased/in-house, SAP's F/E), found {text!r}{both}")
        return procurement
    raise AssertionError(kind)


_YN_MAP = {**{k: True for k in _YES}, **{k: False for k in _NO}}


def _bounded(number: Decimal, text: str, kind: str = "number") -> Decimal:
    """A number within what the reader carries exactly; ValueError says what was found."""
    limit = MAX_MONEY if kind == "money" else MAX_NUMBER
    if abs(number) >= limit:
        raise ValueError(f"found {text.strip()!r}, beyond the largest {'amount' if kind == 'money' else 'number'} "
                         f"read ({limit:,})")
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(f"found {text.strip()!r}, with more than {MAX_DIGITS} significant digits")
    return number


def _fast_convert(column: schema.Column, texts: pd.Series) -> tuple[list, np.ndarray]:
    """Convert the plainly valid cells of a column at once; (values of the valid ones, valid mask).

    Cells that fail here go through `_convert` one by one, which says what is wrong.
    """
    kind = column.kind
    if texts.empty:
        return [], np.zeros(0, dtype=bool)
    strings = texts.astype(str)
    if kind == "text":
        stripped = strings.str.strip()
        ok = ~stripped.isin(xlsx.ERROR_VALUES).to_numpy(dtype=bool)
        return stripped[ok].tolist(), ok
    if kind == "hs":
        digits = strings.str.replace(r"[\s.]", "", regex=True)
        chapter = pd.to_numeric(digits.str[:2], errors="coerce").to_numpy()
        ok = (digits.str.fullmatch(r"[0-9]{6}|[0-9]{8}|[0-9]{10}").fillna(False).to_numpy(dtype=bool)
              & (chapter >= 1) & (chapter <= 97))
        return digits[ok].tolist(), ok
    if kind in ("country", "currency"):
        upper = strings.str.strip().str.upper()
        valid = codes.countries() if kind == "country" else codes.currencies()
        ok = upper.isin(valid).to_numpy(dtype=bool)
        return upper[ok].tolist(), ok
    if kind == "yn":
        mapped = strings.str.strip().str.lower().map(_YN_MAP)
        ok = mapped.notna().to_numpy(dtype=bool)
        return [bool(v) for v in mapped[ok]], ok
    if kind == "choice":
        canon = strings.map(schema.canonical).replace({"aluminium": "aluminum"})
        ok = canon.isin(column.choices).to_numpy(dtype=bool)
        return canon[ok].tolist(), ok
    if kind in ("number", "money", "pct"):
        # Decimal(text) is exact; cells it refuses, and numbers out of bounds, go the slow way.
        values, ok = [], np.ones(len(texts), dtype=bool)
        limit = MAX_MONEY if kind == "money" else MAX_NUMBER
        for i, text in enumerate(strings.tolist()):
            try:
                number = Decimal(text)
                if (number.is_finite() and abs(number) < limit
                        and (len(text) <= MAX_DIGITS or len(number.as_tuple().digits) <= MAX_DIGITS)):
                    values.append(number)
                    continue
            except ArithmeticError:
                pass
            ok[i] = False
        return values, ok
    return [], np.zeros(len(texts), dtype=bool)


# -- FX sheet ----------------------------------------------------------------------------------

def _read_fx(reader, facts, sheet: str | None, out: _Collector, headers: HeaderMapping,
             refused: set[str]) -> dict[str, FxRate]:
    """The FX sheet's rates by currency; `refused` gets each currency whose rate row is an error."""
    if sheet is None:
        return {}
    frame, absolute, offset = _read_table(reader, sheet, schema.FX_COLUMNS, headers.for_sheet(schema.SHEET_FX))
    header_row = (xlsx.first_row_with_values(facts.read_sheet(sheet)) or 1) + offset
    columns = _map_headers(frame, absolute, schema.FX_COLUMNS, sheet, header_row, out, headers)
    if columns is None:
        return {}
    _check_read_columns(facts, sheet, header_row, columns, absolute, out)
    rates: dict[str, FxRate] = {}
    for i in range(len(frame)):
        row = header_row + 1 + i
        raw = {name: frame.iat[i, pos] for name, (pos, _letter) in columns.items()}
        if all(v is None for v in raw.values()):
            continue
        parsed = {}
        for column in schema.FX_COLUMNS:
            if column.name not in columns:
                continue
            text = raw[column.name]
            cell = f"{columns[column.name][1]}{row}"
            if text is None:
                if column.required:
                    out.add("missing-value", f"{column.name}: expected a value, found a blank cell", sheet, cell)
                continue
            try:
                parsed[column.name] = read_cell(column, text, cell, sheet, out, set()) if column.kind != "date" else text.split(" ")[0]
            except ValueError as exc:
                out.add("bad-value", f"{column.name}: {exc}", sheet, cell)
        if "currency" in parsed and "rate" not in parsed:
            refused.add(parsed["currency"])
        if "currency" in parsed and "rate" in parsed:
            if parsed["rate"] <= 0:
                out.add("bad-value", f"rate: expected a rate above 0, found {parsed['rate']}", sheet, f"{columns['rate'][1]}{row}")
                refused.add(parsed["currency"])
                continue
            if parsed["currency"] in rates:
                out.add("duplicate-rate", f"a second rate for {parsed['currency']} (first on row {rates[parsed['currency']].row})",
                        sheet, f"{columns['currency'][1]}{row}")
                continue
            rates[parsed["currency"]] = FxRate(row=row, **parsed)
    return rates


def possible_fractions(name: str, values: list, rows: list[int], letter: str, sheet: str, out: _Collector) -> None:
    """Percentages are written 0-100: a column whose every value is 1 or less (not all 0) may hold
    fractions (0.55 meaning 55%) typed into cells not formatted as %; they are read as written, and said."""
    given = [(rows[i], v) for i, v in enumerate(values) if v is not None]
    if not given or any(v > 1 for _r, v in given) or not any(v > 0 for _r, v in given):
        return
    cells = ", ".join(f"{letter}{r}" for r, _v in given[:8]) + (f" and {len(given) - 8} more" if len(given) > 8 else "")
    out.warn("possible-fraction", f"{name}: every value is 1 or less ({cells}); read as percentages (0.55 is 0.55%); "
             "if they are fractions (0.55 meaning 55%), write them 0-100 or format the cells as %", sheet, f"{letter}{given[0][0]}")


def _own_currency_rate(rate: FxRate, sheet: str, out: _Collector) -> None:
    """A rate for the vehicle's own currency converts nothing (amounts in it are taken as they are):
    a warning when it is 1, an error when it is not (the sheet says something the figures do not)."""
    where = f"{rate.row}:{rate.row}"
    if rate.rate == 1:
        out.warn("own-currency-rate", f"a rate for {rate.currency}, the vehicle's own currency, is not used: amounts in "
                 f"{rate.currency} are taken as they are", sheet, where)
    else:
        out.add("own-currency-rate", f"rate: {rate.currency} is the vehicle's own currency, so its rate is 1 (its amounts "
                f"are not converted), found {rate.rate}; remove the row or set the vehicle's currency", sheet, where)


def _map_headers(frame: pd.DataFrame, absolute: list[int], contract: tuple[schema.Column, ...], sheet: str,
                 header_row: int, out: _Collector, headers: HeaderMapping | None = None,
                 one_of: tuple[str, ...] = ()) -> dict[str, tuple[int, str]] | None:
    """Contract column name -> (position in frame, column letter); None when required ones are
    missing.  A header mapped by the Columns sheet or --columns file is read as that column;
    an unused header that looks like a contract column is a warning, with a proposed mapping."""
    aliases = schema.alias_map(contract)
    by_name = {c.name: c for c in contract}
    contract_sheet = schema.sheet_name(sheet) or sheet
    mapped_by = headers.for_sheet(contract_sheet) if headers is not None else {}
    mapped: dict[str, tuple[int, str]] = {}
    unused: list[tuple[str, str]] = []
    for pos, header in enumerate(frame.columns):
        if str(header).startswith("__UNNAMED__"):
            continue
        letter = xlsx.column_letter(absolute[pos])
        entry = mapped_by.get(schema.canonical(header))
        if entry is not None and headers is not None:
            headers.use(entry)
        column = by_name[entry.column] if entry is not None else aliases.get(schema.canonical(header))
        if column is None:
            unused.append((str(header), letter))
            continue
        if column.name in mapped:
            out.add("duplicate-column", f"expected one column {column.name!r}, found a second one, {header!r} "
                    f"(the first is in column {mapped[column.name][1]})", sheet, f"{letter}{header_row}")
            continue
        mapped[column.name] = (pos, letter)
    if headers is not None:
        titles = _check_header_shape(frame, absolute, contract, contract_sheet, sheet, header_row, out)
        for header, letter in unused:
            like = "" if header in titles else _resembling(header, contract_sheet, set(mapped), headers)
            if like:
                out.warn("unused-column", f"column {header!r} is not a contract column and is ignored{like}", sheet, f"{letter}{header_row}")
    headers_text = ", ".join(repr(h) for h in frame.columns if not str(h).startswith("__UNNAMED__")) or "none"
    missing = False
    for column in contract:
        if column.required and column.name not in mapped:
            alias_text = f" (or {', '.join(column.aliases)})" if column.aliases else ""
            out.add("missing-column", f"expected a column {column.name!r}{alias_text} in the header row, found {headers_text}"
                    + _holder(column.name, frame.columns, contract_sheet, mapped, headers),
                    sheet, f"{header_row}:{header_row}")
            missing = True
    if one_of and not any(name in mapped for name in one_of):
        hints = "".join(_holder(name, frame.columns, contract_sheet, mapped, headers) for name in one_of)
        out.add("missing-column", f"expected a column {' or '.join(repr(n) for n in one_of)} in the header row, found neither" + hints,
                sheet, f"{header_row}:{header_row}")
        missing = True
    return None if missing else mapped


def _check_header_shape(frame: pd.DataFrame, absolute: list[int], contract: tuple[schema.Column, ...], contract_sheet: str,
                        sheet: str, header_row: int, out: _Collector) -> set[str]:
    """Columns the header row does not name: values under a blank header cell are not read (a
    warning naming them), and a row directly under the header holding only header-like text is a
    second header row (an error: its columns, e.g. 'USMCA' | 'NAFTA' under a merged title, would
    be ignored and every line read as uncertified).  Returns the headers above such a second row
    (group titles, not columns to propose a mapping for)."""
    for pos, header in enumerate(frame.columns):
        if not str(header).startswith("__UNNAMED__"):
            continue
        filled = frame.iloc[:, pos].dropna()
        filled = filled[filled.astype(str).str.strip() != ""]
        if len(filled):
            letter = xlsx.column_letter(absolute[pos])
            shown = ", ".join(f"{letter}{header_row + 1 + int(i)} {str(v)!r}" for i, v in filled.head(3).items())
            out.warn("unnamed-column", f"column {letter} holds values in {len(filled)} row(s) ({shown}"
                     f"{', ...' if len(filled) > 3 else ''}) under a blank header cell: they are not read; if the column "
                     "holds a contract column, write its name in the header cell", sheet, f"{letter}{header_row}")
    if not len(frame):
        return set()
    cells = [(pos, str(v).strip()) for pos, v in enumerate(frame.iloc[0]) if v is not None and str(v).strip()]
    aliases = schema.alias_map(contract)
    looks = [(pos, text, aliases[schema.canonical(text)].name if schema.canonical(text) in aliases
              else next(iter(columns_map.resembles(text, contract_sheet, set())), None)) for pos, text in cells]
    if not looks or any(_is_number(text) for _pos, text in cells) or any(like is None for _p, _t, like in looks):
        return set()
    if len(looks) == 1 and schema.canonical(looks[0][1]) not in aliases:  # one word ('Steel parts') may be a section title
        return set()
    listed = ", ".join(f"{text!r} in {xlsx.column_letter(absolute[pos])}{header_row + 1} (like {like})" for pos, text, like in looks)
    out.add("two-row-header", f"expected one header row (row {header_row}) with the lines below it, found a second "
            f"row of header-like text: {listed}; roo-calc reads one header row, so these columns would be ignored: "
            f"write each column's name in row {header_row} (a contract name, or one mapped in a Columns sheet) and "
            f"delete row {header_row + 1}", sheet, f"{header_row + 1}:{header_row + 1}")
    return {str(frame.columns[pos]) for pos, _text, _like in looks}


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", ""))
    except ArithmeticError:
        return False
    return True


def _resembling(header: str, sheet: str, taken: set[str], headers: HeaderMapping) -> str:
    """', but it looks like X: ...' for a header that resembles a contract column (and the
    proposal recorded), else ''."""
    like = columns_map.resembles(header, sheet, taken)
    if not like:
        return ""
    headers.propose(sheet, header, like[0])
    return (f", but it looks like {' or '.join(like[:2])}: if it holds that, map it in a Columns sheet or a --columns file "
            f"(roo-calc validate prints the mapping to paste)")


def _holder(name: str, names, sheet: str, mapped: dict[str, tuple[int, str]], headers: HeaderMapping | None) -> str:
    """For a missing required column, the header that may hold it: an unused one that looks
    like it, or one read as another column that it looks like more (SAP's 'Material' is the
    part number, not the contract's steel/aluminum 'material')."""
    if headers is None:
        return ""
    read_as = {pos: column for column, (pos, _letter) in mapped.items()}
    for pos, header in enumerate(names):
        if str(header).startswith("__UNNAMED__"):
            continue
        found = columns_map.scores(header, sheet)
        if found.get(name, 0) > max(found.values(), default=0) - 1e-9 and found.get(name, 0) > found.get(read_as.get(pos, ""), 0):
            headers.propose(sheet, str(header), name)
            return f"; {str(header)!r} may hold it: map it in a Columns sheet or a --columns file (roo-calc validate prints the mapping)"
    return ""


# -- BOM sheet ---------------------------------------------------------------------------------

_OUTPUT_DTYPES = {
    **{column: "boolean" for column in schema.CERTIFICATION_COLUMNS}, "high_wage": "boolean", "steel_melted_poured": "boolean",
    "regional_content_e4": "Int64", "us_content_e4": "Int64", "resourcing_premium_e4": "Int64",
}


@dataclass
class _LineTable:
    """The BOM sheet's lines as read, with their located columns, and the rows found wrong so far
    (shared while converting column by column, so later checks skip lines already in error)."""
    frame: pd.DataFrame
    columns: dict[str, tuple[int, str]]
    rows: list[int]
    header_row: int
    sheet: str
    out: _Collector
    by_name: dict[str, schema.Column]
    percent_cells: set[str]
    dated_cells: dict[str, str] = field(default_factory=dict)  # number cells formatted as dates -> the number held
    bad_rows: set[int] = field(default_factory=set)
    detail: set[int] = field(default_factory=set)  # indexes of a supplier's sub-BOM lines: blanks there are no error
    absolute: list[int] = field(default_factory=list)  # each frame column's index in the sheet


def _read_lines(reader, facts, sheet: str, out: _Collector, headers: HeaderMapping,
                core_part_groups: tuple[str, ...],
                basis: str | None = None) -> tuple[pd.DataFrame | None, list[str], dict[str, str]]:
    """The BOM sheet's lines; in a multi-level BOM a line's quantity and values are multiplied
    by its ancestors' quantities unless `basis` declares them exploded (already per vehicle)."""
    table, extra, letters = _line_table(reader, facts, sheet, out, headers, core_part_groups)
    if table is None:
        return None, extra, letters
    rows = table.rows
    result: dict[str, list] = {"row": rows}
    levels = [level or 1 for level in _convert_column(table, "level")]
    make = [p == "make" for p in _convert_column(table, "procurement")]
    if "procurement" not in table.columns and max(levels, default=1) > 1:
        _warn_make_buy_values(table)
    tree = structure.build(levels, make, rows)
    for i, name, message in tree.problems:
        out.add("bom-structure", f"{name}: {message}", sheet, f"{letters.get(name, letters['part_number'])}{rows[i]}")
        table.bad_rows.add(rows[i])
    table.detail.update(i for i, kind in enumerate(tree.kind) if kind == structure.DETAIL)

    for name in ("part_number", "description", "hs_code", "currency", "origin_country", "supplier",
                 *schema.CERTIFICATION_COLUMNS, "material", "high_wage", "core_part_group", "steel_melted_poured"):
        result[name] = _convert_column(table, name)
    quantity = _convert_column(table, "quantity", _positive)
    unit_value = _convert_column(table, "unit_value", _non_negative)
    value = _convert_column(table, "value", _non_negative)
    parts = {name: _convert_column(table, name, _non_negative)
             for name in ("nafta_traced_value", "steel_content_value", "aluminum_content_value")}
    for name in ("regional_content_pct", "us_content_pct", "resourcing_premium_pct"):
        result[name.replace("_pct", "_e4")] = [None if v is None else pct_to_e4(v) for v in _convert_column(table, name, _percentage)]

    amounts, stakes = _line_amounts(table, tree, quantity, unit_value, value, parts, basis == schema.EXPLODED)

    counted = [i for i, kind in enumerate(tree.kind) if kind == structure.MATERIAL]
    _warn_duplicates([result["part_number"][i] for i in counted], [rows[i] for i in counted], table.columns["part_number"][1], sheet, out)
    result["quantity"] = quantity
    result["amount"] = amounts
    result["stake_amount"] = [stakes.get(i) for i in range(len(rows))]
    result["traced_amount"] = parts["nafta_traced_value"]
    result["steel_amount"] = parts["steel_content_value"]
    result["aluminum_amount"] = parts["aluminum_content_value"]
    result["level"] = levels
    result["parent_row"] = [rows[p] if p is not None else None for p in tree.parent]
    result["_kind"] = tree.kind
    lines = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in result.items()})
    return lines, extra, letters


def _warn_make_buy_values(table: _LineTable) -> None:
    """A multi-level BOM with no procurement column reads every line as bought: a self-produced
    part then counts as a purchased material and its components as a supplier's. An unmapped
    column holding only SAP procurement types (E in-house, F external, X both) is most likely the
    make/buy column under a header not recognised: warn, naming it."""
    used = {pos for pos, _letter in table.columns.values()}
    for pos, header in enumerate(table.frame.columns):
        if pos in used:
            continue
        values = {str(v).strip().upper() for v in table.frame.iloc[:, pos].dropna()} - {""}
        if "E" in values and values <= {"E", "F", "X"}:
            name = "a blank header" if str(header).startswith("__UNNAMED__") else repr(str(header))
            letter = xlsx.column_letter(table.absolute[pos])
            table.out.warn("make-buy-values", f"column {letter} ({name}) holds only E/F values, as SAP's procurement type "
                           "does (E in-house production = make, F external procurement = buy), and this multi-level BOM "
                           "has no procurement column, so every line is read as bought: a self-produced part counts as a "
                           "purchased material and its components are not counted; if the column is the make/buy one, "
                           "name it 'procurement' or map it in a Columns sheet", table.sheet, f"{letter}{table.header_row}")


def _line_table(reader, facts, sheet: str, out: _Collector, headers: HeaderMapping,
                core_part_groups: tuple[str, ...]) -> tuple[_LineTable | None, list[str], dict[str, str]]:
    """Locate the BOM sheet's header, columns and non-blank lines (with the unmapped extra headers
    and column letters), so conversion can report every cell by its address; None when unusable."""
    mapped = headers.for_sheet(schema.SHEET_BOM)
    frame, absolute, offset = _read_table(reader, sheet, schema.BOM_COLUMNS, mapped)
    xml = facts.read_sheet(sheet)
    header_row = (xlsx.first_row_with_values(xml) or 1) + offset
    columns = _map_headers(frame, absolute, schema.BOM_COLUMNS, sheet, header_row, out, headers, ("value", "unit_value"))
    contract = schema.alias_map(schema.BOM_COLUMNS)
    extra = [str(h) for h in frame.columns
             if schema.canonical(h) not in contract and schema.canonical(h) not in mapped and not str(h).startswith("__UNNAMED__")]
    if columns is None:
        return None, extra, {}
    _check_read_columns(facts, sheet, header_row, columns, absolute, out)
    letters = {name: letter for name, (_pos, letter) in columns.items()}
    present = frame.iloc[:, [pos for pos, _l in columns.values()]].notna().any(axis=1)
    frame = frame[present]
    rows = (frame.index.to_numpy() + header_row + 1).tolist()
    if not rows:
        out.add("empty-bom", "expected at least one BOM line below the header row, found none", sheet, f"A{header_row + 1}")
        return None, extra, letters

    by_name = {c.name: c for c in schema.BOM_COLUMNS}
    by_name["core_part_group"] = replace(by_name["core_part_group"], choices=(*core_part_groups, schema.NOT_A_CORE_PART))
    pct_columns = {columns[c.name][1] for c in schema.BOM_COLUMNS if c.kind == "pct" and c.name in columns}
    percent_cells = xlsx.percent_cells(xml, facts.percent_styles, pct_columns)
    return _LineTable(frame, columns, rows, header_row, sheet, out, by_name, percent_cells, xlsx.dated_cells(xml),
                      absolute=absolute), extra, letters


def _convert_column(table: _LineTable, name: str, check: Callable[[object, int, str], str | None] | None = None) -> list:
    """Convert one column: vectorised for the cells that are plainly right, cell by cell
    (with located messages) for the rest."""
    column = table.by_name[name]
    rows, sheet, out, bad_rows = table.rows, table.sheet, table.out, table.bad_rows
    if name not in table.columns:
        return [None] * len(rows)
    pos, letter = table.columns[name]
    raw = table.frame.iloc[:, pos]
    present = raw.notna().to_numpy()
    values: list = [None] * len(rows)
    texts = raw.tolist()
    fast, ok = _fast_convert(column, raw[present])
    present_index = np.flatnonzero(present)
    slow = set(present_index[~ok].tolist())
    if len(fast) == len(rows):  # every cell filled and plainly right
        values = list(fast)
    else:
        for i, value in zip(present_index[ok].tolist(), fast):
            values[i] = value
    if column.required:
        for i in np.flatnonzero(~present).tolist():
            if i in table.detail:
                continue
            out.add("missing-value", f"{name}: expected a value, found a blank cell", sheet, f"{letter}{rows[i]}")
            bad_rows.add(rows[i])
    converted: dict[str, list[int]] = {}  # country names read as codes: text -> line indexes
    failures: list[tuple[int, str]] = []
    commas: list[str] = []  # cells of text like "1,500", read as thousands though a decimal comma could mean it
    for i in sorted(slow):
        row, cell = rows[i], f"{letter}{rows[i]}"
        try:
            value = _convert(column, texts[i])
            if column.kind == "hs":
                _d, note = codes.normalize_hs(texts[i])
                if note:
                    out.warn("hs-note", note, sheet, cell)
            if column.kind == "country" and value != texts[i].strip().upper():
                converted.setdefault(texts[i].strip(), []).append(i)
            if column.kind in _NUMBER_KINDS and comma_is_ambiguous(texts[i]):
                commas.append(cell)
            values[i] = value
        except ValueError as exc:
            failures.append((i, _number_shown_as_date(column, texts[i], table.dated_cells.get(cell)) or str(exc)))
            bad_rows.add(row)
            values[i] = None
            continue
    _report_failures(failures, column, table.frame.columns[pos], texts, rows, letter, table.header_row, sheet, out)
    warn_commas(name, commas, sheet, out)
    for text, found in converted.items():
        listed = ", ".join(str(rows[i]) for i in found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
        counted = f"{len(found)} lines: rows" if len(found) > 1 else "row"
        out.warn("country-name", f"{name}: read {text!r} as {values[found[0]]} ({counted} {listed})",
                 sheet, f"{letter}{rows[found[0]]}")
    if column.kind == "pct" and table.percent_cells:
        for i, row in enumerate(rows):
            if values[i] is not None and f"{letter}{row}" in table.percent_cells:
                values[i] = values[i] * 100
    if name in ("regional_content_pct", "us_content_pct"):
        possible_fractions(name, values, rows, letter, sheet, out)
    # The checks are ranges: when the least and the greatest value pass, every value does.
    filled = [v for v in values if v is not None] if check else []
    if check and filled and (check(min(filled), 0, "") or check(max(filled), 0, "")):
        for i, value in enumerate(values):
            if value is None:
                continue
            problem = check(value, rows[i], "")
            if problem:
                out.add("bad-value", f"{name}: {problem}", sheet, f"{letter}{rows[i]}")
                bad_rows.add(rows[i])
                values[i] = None
    return values


_NUMBER_KINDS = ("number", "money", "pct")


def _number_shown_as_date(column: schema.Column, shown: str, held: str | None) -> str | None:
    """Why a number column refuses a number cell formatted as a date (it reads as the date it
    shows), or None when the cell is not one: the message says what the cell holds."""
    if held is None or column.kind not in _NUMBER_KINDS:
        return None
    return (f"expected a number, found a number cell formatted as a date: it holds {held}, shown as {shown}; "
            "format the cell as a number")


def warn_commas(name: str, cells: list[str], sheet: str, out: _Collector) -> None:
    """Number cells holding text like '1,500' are read as US thousands (1500); a decimal comma
    (1.5) would read the same text: say so, naming the cells."""
    if not cells:
        return
    listed = ", ".join(cells[:8]) + (f" and {len(cells) - 8} more" if len(cells) > 8 else "")
    out.warn("ambiguous-comma", f"{name}: text with one comma and three digits after it ({listed}) is read as US "
             "thousands ('1,500' as 1500); if the comma is a decimal comma ('1,500' meaning 1.5), write the numbers with "
             "a point or as number cells", sheet, cells[0])


def _positive(value, _row, _cell):
    """A quantity must be above zero: a zero-quantity line would silently count nothing."""
    return None if value > 0 else f"expected a quantity above 0, found {value}"


def _non_negative(value, _row, _cell):
    """An amount may be zero (a free part) but never negative."""
    return None if value >= 0 else f"expected an amount of 0 or more, found {value}"


def _percentage(value, _row, _cell):
    """A content percentage lies from 0 to 100."""
    return None if 0 <= value <= 100 else f"expected a percentage from 0 to 100, found {value}"


def _line_amounts(table: _LineTable, tree: structure.Tree, quantity: list, unit_value: list, value: list,
                  parts: dict[str, list], exploded: bool) -> tuple[list[Decimal | None], dict[int, Decimal]]:
    """Each line's amount per vehicle (its value, or quantity x unit_value, times its ancestors'
    quantities unless `exploded`), checked against its parts; scales `quantity` and `parts` in
    place. Also each scaled line's stake: its amount read per_parent minus read exploded."""
    rows, columns, sheet, out, bad_rows = table.rows, table.columns, table.sheet, table.out, table.bad_rows
    amounts: list[Decimal | None] = []
    stakes: dict[int, Decimal] = {}  # line index -> its amount read per_parent minus read exploded
    per_vehicle: list[Decimal] = []  # the line's quantity for one vehicle: its own times its ancestors'
    one = Decimal(1)
    for i, row in enumerate(rows):
        qty = quantity[i] if quantity[i] is not None else one
        parent = tree.parent[i]
        scale = per_vehicle[parent] if parent is not None and not exploded else one
        quantity[i] = qty if scale is one else qty * scale
        per_vehicle.append(quantity[i])
        unit, total = unit_value[i], value[i]
        if row in bad_rows or i in table.detail:
            amounts.append(None)
            continue
        if total is None and unit is None:
            which = " or ".join(n for n in ("value", "unit_value") if n in columns)
            cell = f"{columns['value' if 'value' in columns else 'unit_value'][1]}{row}"
            what = "the make line's own cost of production" if tree.kind[i] == structure.MADE else "the line's value"
            if not out.reported("formula-without-value", sheet, cell):  # a formula is not a blank cell
                out.add("missing-value", f"{which}: expected {what}, found a blank cell", sheet, cell)
            bad_rows.add(row)
            amounts.append(None)
            continue
        if total is not None and unit is not None and to_cents(qty * unit) != to_cents(total):
            out.add("value-mismatch", f"value: expected quantity x unit_value = {qty} x {unit} = {qty * unit}, found {total}",
                    sheet, f"{columns['value'][1]}{row}")
            bad_rows.add(row)
            amounts.append(None)
            continue
        amount = total if total is not None else qty * unit
        for name, part in parts.items():
            if part[i] is not None and part[i] > amount:
                out.add("bad-value", f"{name}: expected at most the line's value {amount}, found {part[i]}",
                        sheet, f"{columns[name][1]}{row}")
                bad_rows.add(row)
            if part[i] is not None and scale is not one:
                part[i] = part[i] * scale
        if scale is one:
            amounts.append(amount)
        else:
            amounts.append(amount * scale)
            stakes[i] = amount * scale - amount
    return amounts, stakes


def _report_failures(failures: list[tuple[int, str]], column: schema.Column, header: object, texts: list, rows: list[int],
                     letter: str, header_row: int, sheet: str, out: _Collector) -> None:
    """Each cell that failed to convert, located; but an optional column none of whose values
    fits (three or more) is one error at its header: it most likely holds something else (SAP
    calls the part number 'Material', which is the contract's steel/aluminum column)."""
    if (len(failures) >= 3 and not column.required and len(failures) == (present := sum(t is not None for t in texts))
            and not any(str(texts[i]).strip() in xlsx.ERROR_VALUES for i, _ in failures)):
        first, reason = failures[0]
        out.add("column-mismatch", f"{column.name}: column {str(header)!r} is read as the contract column {column.name} "
                f"({column.note}), but none of its {present} values fits (row {rows[first]}: {reason}); if it holds something "
                "else, map it to its contract column in a Columns sheet or a --columns file", sheet, f"{letter}{header_row}")
        return
    for i, reason in failures:
        out.add("bad-value", f"{column.name}: {reason}", sheet, f"{letter}{rows[i]}")


def _warn_duplicates(parts: list, rows: list[int], letter: str, sheet: str, out: _Collector) -> None:
    first: dict[str, int] = {}
    for part, row in zip(parts, rows):
        if part is None:
            continue
        if part in first:
            out.warn("duplicate-part", f"part_number {part!r} appears again (first on row {first[part]}); both lines count",
                     sheet, f"{letter}{row}")
        else:
            first[part] = row


def _convert_currency(lines: pd.DataFrame, currency: str, fx: dict[str, FxRate], sheet: str,
                      letters: dict[str, str], out: _Collector, refused: set[str]) -> pd.DataFrame | None:
    """Turn each line's amount into integer cents of the vehicle's currency (the one rounding);
    a currency in `refused` (its FX row is an error already) is not reported again."""
    line_currency = [c or currency for c in lines["currency"]]
    value_cents: list[int] = []
    part_cents: dict[str, list[int | None]] = {"traced": [], "steel": [], "aluminum": [], "stake": []}
    missing: dict[str, int] = {}
    parts = {key: lines[f"{key}_amount"].tolist() for key in part_cents}
    given = {key: values for key, values in parts.items() if any(v is not None for v in values)}
    for key in part_cents.keys() - given.keys():
        part_cents[key] = [None] * len(lines)
    one, limit = Decimal(1), int(MAX_MONEY * 100)
    for i, (amount, cur, row) in enumerate(zip(lines["amount"], line_currency, lines["row"])):
        if cur == currency:
            rate: Decimal | None = one
        elif cur in fx:
            rate = fx[cur].rate
        else:
            missing.setdefault(cur, row)
            rate = None
        if amount is None or rate is None:
            line_cents = 0
        else:
            line_cents = to_cents(amount if rate is one else amount * rate)
        if abs(line_cents) >= limit:
            out.add("bad-value", f"value: expected a line value below {MAX_MONEY:,} {currency}, found "
                    f"{Decimal(line_cents).scaleb(-2):,}", sheet, f"{letters.get('value', letters.get('unit_value', 'A'))}{row}")
            line_cents, rate = 0, None
        value_cents.append(line_cents)
        for key, values in given.items():
            part = values[i]
            part_cents[key].append(to_cents(part * rate) if part is not None and rate is not None else None)
    for cur, row in missing.items():
        if cur in refused:
            continue  # its FX row is reported already: the line's currency is not the error
        out.add("missing-fx", f"currency: line currency {cur} differs from the vehicle's {currency}; expected a rate "
                f"for {cur} on the FX sheet, found none", sheet, f"{letters.get('currency', 'A')}{row}")
    lines = lines.drop(columns=["amount", "traced_amount", "steel_amount", "aluminum_amount", "stake_amount", "regional_content_pct",
                                "us_content_pct", "resourcing_premium_pct"], errors="ignore")
    lines["currency"] = line_currency
    lines["value_cents"] = pd.array(value_cents, dtype="int64")
    lines["nafta_traced_value_cents"] = pd.array(part_cents["traced"], dtype="Int64")
    lines["steel_content_value_cents"] = pd.array(part_cents["steel"], dtype="Int64")
    lines["aluminum_content_value_cents"] = pd.array(part_cents["aluminum"], dtype="Int64")
    lines["stake_cents"] = pd.array(part_cents["stake"], dtype="Int64")
    for name, dtype in _OUTPUT_DTYPES.items():
        lines[name] = pd.array(lines[name].tolist(), dtype=dtype)
    lines["row"] = lines["row"].astype("int64")
    return lines


def _cents_text(amount: Decimal) -> str:
    """An amount as a report prints money: to the cent, with thousands separators."""
    return f"{Decimal(to_cents(amount)).scaleb(-2):,}"


def _high_wage_above_net_cost(named: str, high_wage: Decimal, net: Decimal, sheet: str, cell: str, out: _Collector) -> None:
    """The error for high-wage labor and materials above the net cost they are divided by (UR 18(6)(a))."""
    out.add("bad-value", f"{named}: expected at most the net cost ({net:,}), the base USMCA UR 18(6)(a) divides "
            f"high-wage labor and materials by, found {high_wage:,} ({high_wage / net:.2%} of it); give per-vehicle figures",
            sheet, cell)


def _check_totals(vehicle: Vehicle, lines: pd.DataFrame, sheets: dict[str, str], out: _Collector) -> None:
    materials = sum(lines["value_cents"].tolist())  # exact: an int64 sum could wrap
    if materials > vehicle.net_cost_cents:
        field = "net_cost" if "net_cost" in vehicle.cells else "total_cost"
        out.add("materials-exceed-net-cost",
                f"{field}: expected the BOM's materials ({Decimal(materials).scaleb(-2):,}) to be at most the net cost "
                f"({Decimal(vehicle.net_cost_cents).scaleb(-2):,}), found them {Decimal(materials - vehicle.net_cost_cents).scaleb(-2):,} more",
                sheets[schema.SHEET_VEHICLE], vehicle.cells.get(field))
    labor = vehicle.lvc_high_wage_labor_cents
    if labor is not None and vehicle.lvc_high_wage_materials_cents is None and "high_wage" in lines:
        # Without the Vehicle sheet's figure, the high-wage materials are the lines marked high_wage = Y.
        marked = lines["high_wage"].fillna(False).to_numpy(dtype=bool)
        high_wage = labor + sum(lines["value_cents"][marked].tolist())
        if high_wage > vehicle.net_cost_cents:
            _high_wage_above_net_cost(f"lvc_high_wage_labor + the BOM lines marked high_wage = Y ({int(marked.sum())})",
                                      Decimal(high_wage).scaleb(-2), Decimal(vehicle.net_cost_cents).scaleb(-2),
                                      sheets[schema.SHEET_VEHICLE], vehicle.cells["lvc_high_wage_labor"], out)
