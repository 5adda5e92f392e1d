"""Read supplier certifications: the `Certificates` sheet of a BOM workbook, or a certificates
workbook given with `--certificates` (contract v2).  Every problem is located
(file:sheet!cell) and all are collected in one pass, as for the BOM itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

from roo_calc.bom import reader as bom_reader
from roo_calc.bom import schema, xlsx
from roo_calc.bom.package import PackageError
from roo_calc.certificates.model import PER_PART, Certificate, supplier_key
from roo_calc.errors import BomError, Problem
from roo_calc.numbers import pct_to_e4


def read_certificates_sheet(reader, facts: xlsx.XlsxFacts, sheet: str | None, out, sha256: str = "",
                            headers=None) -> tuple[Certificate, ...]:
    """The certifications on `sheet` (None: the workbook has no such sheet); problems go to `out`
    (the BOM reader's collector); `headers` maps the workbook's own headers (Columns sheet)."""
    if sheet is None:
        return ()
    mapped = headers.for_sheet(schema.SHEET_CERTIFICATES) if headers is not None else {}
    frame, absolute, offset = bom_reader._read_table(reader, sheet, schema.CERTIFICATE_COLUMNS, mapped)
    xml = facts.read_sheet(sheet)
    header_row = (xlsx.first_row_with_values(xml) or 1) + offset
    if frame.shape[0] == 0 and frame.shape[1] == 0:
        return ()
    columns = bom_reader._map_headers(frame, absolute, schema.CERTIFICATE_COLUMNS, sheet, header_row, out, headers)
    if columns is None:
        return ()
    bom_reader._check_read_columns(facts, sheet, header_row, columns, absolute, out)
    pct_letters = {columns[c.name][1] for c in schema.CERTIFICATE_COLUMNS if c.kind == "pct" and c.name in columns}
    percent = xlsx.percent_cells(xml, facts.percent_styles, pct_letters)
    found: list[Certificate] = []
    for i in range(len(frame)):
        row = header_row + 1 + i
        raw = {name: frame.iat[i, pos] for name, (pos, _letter) in columns.items()}
        if all(v is None for v in raw.values()):
            continue
        cells = {name: f"{letter}{row}" for name, (_pos, letter) in columns.items()}
        values, ok = {}, True
        for column in schema.CERTIFICATE_COLUMNS:
            text = raw.get(column.name)
            if text is None:
                if column.required:
                    where = cells.get(column.name, f"A{row}")
                    out.add("missing-value", f"{column.name}: expected {column.note.lower()}, found a blank cell", sheet, where)
                    ok = False
                continue
            try:
                value = bom_reader.read_cell(column, text, cells[column.name], sheet, out, percent)
            except ValueError as exc:
                out.add("bad-value", f"{column.name}: {exc}", sheet, cells[column.name])
                ok = False
                continue
            if column.kind == "pct":
                if not 0 <= value <= 100:
                    out.add("bad-value", f"{column.name}: expected a percentage from 0 to 100, found {value}", sheet, cells[column.name])
                    ok = False
                    continue
            if column.kind == "money" and value < 0:
                out.add("bad-value", f"{column.name}: expected an amount of 0 or more, found {value}", sheet, cells[column.name])
                ok = False
                continue
            values[column.name] = value
        if not ok:
            continue
        start, end = values.get("valid_from"), values.get("valid_to")
        if start and end and end < start:
            out.add("bad-value", f"valid_to: expected a date on or after valid_from {start}, found {end}", sheet, cells["valid_to"])
            continue
        blanket_money = [n for n in PER_PART if values.get(n) is not None and not values.get("part_number")]
        if blanket_money:
            out.add("bad-value", f"{blanket_money[0]}: an amount per vehicle is stated per part; expected a part_number on "
                    "this row, found a blanket certification", sheet, cells[blanket_money[0]])
            continue
        if values.get("nafta_traced_value") is not None and values["agreement"] != "nafta":
            out.add("bad-value", f"nafta_traced_value: expected it on a nafta certification, found agreement "
                    f"{values['agreement']!r}", sheet, cells["nafta_traced_value"])
            continue
        found.append(Certificate(
            supplier=values["supplier"], part_number=values.get("part_number"), agreement=values["agreement"],
            originating=values["originating"],
            regional_content_e4=pct_to_e4(values["regional_content_pct"]) if "regional_content_pct" in values else None,
            us_content_e4=pct_to_e4(values["us_content_pct"]) if "us_content_pct" in values else None,
            nafta_traced_value=values.get("nafta_traced_value"), steel_content_value=values.get("steel_content_value"),
            aluminum_content_value=values.get("aluminum_content_value"), rvc_method=values.get("rvc_method"),
            valid_from=start, valid_to=end,
            document=values.get("document"), file=out.file, sha256=sha256, sheet=sheet, row=row, cells=cells,
            source_file=values.get("source_file"), source_sha256=values.get("source_sha256"), received=values.get("received")))
    for problem in conflicts(found):
        out.add(problem.code, problem.message, problem.sheet, problem.cell)
    return tuple(found)


def conflicts(certificates) -> list[Problem]:
    """Two certifications of the same supplier, part and agreement whose periods overlap and
    whose answers differ: which one holds cannot be decided, so it is an error at the later one."""
    by_key: dict[tuple, list[Certificate]] = {}
    for cert in certificates:
        by_key.setdefault(cert.key, []).append(cert)
    problems = []
    for group in by_key.values():
        for i, later in enumerate(group):
            for earlier in group[:i]:
                if _overlap(earlier, later) and _answers(earlier) != _answers(later):
                    problems.append(Problem(
                        "conflicting-certificates",
                        f"expected one answer for {later.scope} under {later.agreement.upper()} in any period, found this "
                        f"certification ({later.period}) overlapping {earlier.name} at {earlier.location} ({earlier.period}) "
                        "with different answers", later.file, later.sheet, f"A{later.row}"))
                    break
    return problems


def _overlap(a: Certificate, b: Certificate) -> bool:
    starts_before_b_ends = a.valid_from is None or b.valid_to is None or a.valid_from <= b.valid_to
    b_starts_before_a_ends = b.valid_from is None or a.valid_to is None or b.valid_from <= a.valid_to
    return starts_before_b_ends and b_starts_before_a_ends


def _answers(cert: Certificate) -> tuple:
    return (cert.originating, cert.regional_content_e4, cert.us_content_e4, cert.nafta_traced_value,
            cert.steel_content_value, cert.aluminum_content_value)


def load_certificates(path: str | Path) -> tuple[Certificate, ...]:
    """Read a certificates workbook (a `Certificates` sheet); raise `BomError` listing every problem."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise BomError([Problem("file-not-found", "expected a certificates workbook (.xlsx), found no such file", name)])
    try:
        data, reader = xlsx.open_workbook(path)
        facts = reader
        sheet = next((s for s in facts.sheet_xml if schema.SHEET_ALIASES.get(schema.canonical(s)) == schema.SHEET_CERTIFICATES), None)
        if sheet is None:
            found = ", ".join(repr(s) for s in facts.sheet_xml) or "none"
            raise BomError([Problem("missing-sheet", f"expected a sheet named 'Certificates', found sheets {found}", name)])
        reader.read_sheet(sheet)
    except PackageError as exc:  # a zip that is not a workbook, a damaged or hostile one
        raise BomError([Problem(exc.code, str(exc), name, exc.sheet, exc.cell)]) from None
    out = bom_reader._Collector(name)
    bom_reader.check_formulas(facts, [sheet], out)
    certificates = read_certificates_sheet(reader, facts, sheet, out, hashlib.sha256(data).hexdigest())
    if out.has_errors:
        raise BomError(out.finish())
    return certificates


__all__ = ["load_certificates", "read_certificates_sheet", "conflicts", "supplier_key"]


def load_certificate_files(paths) -> tuple[Certificate, ...]:
    """Every certification of several certificates workbooks; problems of all files in one `BomError`."""
    found: list[Certificate] = []
    problems: list[Problem] = []
    for path in paths or ():
        try:
            found.extend(load_certificates(path))
        except BomError as error:
            problems.extend(error.problems)
    if any(p.severity == "error" for p in problems):
        raise BomError(problems)
    return tuple(found)
