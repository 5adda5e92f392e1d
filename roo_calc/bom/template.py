"""Write BOM workbooks that follow the contract: the blank template, and filled ones (samples,
tests).  openpyxl writes them; the reader never depends on anything written here beyond the
contract itself."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from roo_calc.atomic import atomic_path
from roo_calc.bom import schema

_HEADER_FILL = "DDEBF7"
_YN = '"Y,N"'


def _choices(column: schema.Column) -> str | None:
    if column.kind == "yn":
        return _YN
    if column.choices:
        return '"' + ",".join(column.choices) + '"'
    return None


def write_workbook(
    path: str | Path,
    vehicle: Mapping[str, object],
    lines: Iterable[Mapping[str, object]],
    fx: Iterable[Mapping[str, object]] = (),
    *,
    bom_columns: Iterable[str] | None = None,
    notes: bool = True,
    optional_sheets: bool = False,
    core_part_groups: tuple[str, ...] = (),
) -> None:
    """Write a BOM workbook atomically (temporary file, then rename).

    `vehicle` maps field names to values (its order is kept; fields of the contract with no
    value are listed blank when `notes` is set); `lines` are dicts keyed by column name; with
    `optional_sheets`, blank Certificates and Columns sheets follow; with `core_part_groups`,
    the core_part_group column gets a drop-down of them and none.
    """
    from openpyxl import Workbook

    lines = list(lines)
    fx = list(fx)
    wanted = list(bom_columns) if bom_columns is not None else [c.name for c in schema.BOM_COLUMNS]
    if len(lines) > 5000:
        _write_fast(Path(path), vehicle, lines, fx, wanted)
        return
    book = Workbook()
    _vehicle_sheet(book, vehicle, notes)
    _bom_sheet(book, lines, wanted, notes, core_part_groups)
    _table_sheet(book, schema.SHEET_FX, schema.FX_COLUMNS, fx, notes)
    if optional_sheets:
        _optional_sheets(book, notes)
    save_atomically(book, Path(path))


def _list_check(sheet, choices: str, cells) -> None:
    """A drop-down of `choices` (a quoted, comma-separated list) on `cells` (a cell or a range)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    check = DataValidation(type="list", formula1=choices, allow_blank=True)
    sheet.add_data_validation(check)
    check.add(cells)


def _header_cell(sheet, col: int, name: str, column: schema.Column | None, notes: bool):
    """A header cell: bold, filled, with the contract's note on the column (when asked) and a width to fit."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    cell = sheet.cell(1, col, name)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
    if column is not None and notes:
        cell.comment = Comment(("Required. " if column.required else "") + column.note, "roo-calc")
    sheet.column_dimensions[cell.column_letter].width = max(12, len(name) + 2)
    return cell


def _vehicle_sheet(book, vehicle: Mapping[str, object], notes: bool) -> None:
    """Field names in column A, values in B and, with `notes`, the contract's note in C."""
    from openpyxl.styles import Font

    sheet = book.active
    sheet.title = schema.SHEET_VEHICLE
    fields = {c.name: c for c in schema.VEHICLE_FIELDS}
    names = list(vehicle) + ([n for n in fields if n not in vehicle] if notes else [])
    for row, name in enumerate(names, start=1):
        sheet.cell(row, 1, name).font = Font(bold=True)
        value = vehicle.get(name)
        if value is not None:
            sheet.cell(row, 2, value)
        if notes and name in fields:
            column = fields[name]
            sheet.cell(row, 3, ("required: " if column.required else "") + column.note)
            choices = _choices(column)
            if choices:
                _list_check(sheet, choices, sheet.cell(row, 2))
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 80


def _bom_sheet(book, lines: list[Mapping[str, object]], wanted: list[str], notes: bool,
               core_part_groups: tuple[str, ...]) -> None:
    """The BOM sheet: the `wanted` columns' headers, one row per line, drop-downs down to row 1000 at least
    (core_part_group's only when `core_part_groups` are given)."""
    bom = book.create_sheet(schema.SHEET_BOM)
    by_name = {c.name: c for c in schema.BOM_COLUMNS}
    by_name["core_part_group"] = replace(by_name["core_part_group"],  # a drop-down only when the groups are given
                                         choices=(*core_part_groups, schema.NOT_A_CORE_PART) if core_part_groups else ())
    for col, name in enumerate(wanted, start=1):
        spec = by_name.get(name)
        cell = _header_cell(bom, col, name, spec, notes)
        if spec and spec.kind in ("text", "hs"):
            bom.column_dimensions[cell.column_letter].number_format = "@"
    for row, line in enumerate(lines, start=2):
        for col, name in enumerate(wanted, start=1):
            value = line.get(name)
            if value is not None:
                cell = bom.cell(row, col, value)
                if isinstance(value, str):
                    cell.data_type = "s"
    last = max(len(lines) + 1, 1000)
    for col, name in enumerate(wanted, start=1):
        spec = by_name.get(name)
        choices = _choices(spec) if spec else None
        if choices:
            letter = bom.cell(1, col).column_letter
            _list_check(bom, choices, f"{letter}2:{letter}{last}")
    bom.freeze_panes = "A2"


def _optional_sheets(book, notes: bool) -> None:
    """Blank Certificates and Columns sheets (the template's)."""
    certificates = tuple(c for c in schema.CERTIFICATE_COLUMNS if not c.note.startswith("Written by roo-calc"))
    _table_sheet(book, schema.SHEET_CERTIFICATES, certificates, (), notes)
    columns = _table_sheet(book, schema.SHEET_COLUMNS, schema.COLUMNS_SHEET_COLUMNS, (), notes)
    _list_check(columns, '"' + ",".join(schema.SHEET_CONTRACTS) + '"', "A2:A200")
    columns.column_dimensions["B"].width = 32
    columns.column_dimensions["C"].width = 28


def _table_sheet(book, name: str, columns: tuple[schema.Column, ...], rows: Iterable[Mapping[str, object]], notes: bool):
    """A sheet with a header row (bold, filled, a note per column) and the given rows."""
    sheet = book.create_sheet(name)
    for col, column in enumerate(columns, start=1):
        cell = _header_cell(sheet, col, column.name, column, notes)
        choices = _choices(column)
        if choices and notes:
            _list_check(sheet, choices, f"{cell.column_letter}2:{cell.column_letter}1000")
    for row, values in enumerate(rows, start=2):
        for col, column in enumerate(columns, start=1):
            if values.get(column.name) is not None:
                sheet.cell(row, col, values[column.name])
    return sheet


def _write_fast(path: Path, vehicle: Mapping[str, object], lines: list[Mapping[str, object]],
                fx: list[Mapping[str, object]], wanted: list[str]) -> None:
    """Large workbooks (benchmarks): openpyxl's streaming mode, without notes or drop-downs."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(schema.SHEET_VEHICLE)
    for name, value in vehicle.items():
        sheet.append([name, value])
    bom = book.create_sheet(schema.SHEET_BOM)
    bom.append(wanted)
    for line in lines:
        bom.append([line.get(name) for name in wanted])
    rates = book.create_sheet(schema.SHEET_FX)
    rates.append([c.name for c in schema.FX_COLUMNS])
    for rate in fx:
        rates.append([rate.get(c.name) for c in schema.FX_COLUMNS])
    save_atomically(book, path)


def save_atomically(book, path: Path) -> None:
    """Save an openpyxl workbook atomically (see `roo_calc.atomic`)."""
    with atomic_path(path) as temporary:
        book.save(temporary)


def write_template(path: str | Path, core_part_groups: tuple[str, ...] = ()) -> None:
    """The blank workbook of `roo-calc template`: every sheet, header, note and drop-down
    (core_part_group's lists `core_part_groups`, the groups of the rules' core-part tables)."""
    write_workbook(path, {}, [], notes=True, optional_sheets=True, core_part_groups=core_part_groups)
