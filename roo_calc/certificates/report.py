"""How reports show supplier certifications: the document behind every certified line, the
files they came from, and (for `validate`) the ones expiring soon or out of their period."""

from __future__ import annotations

from datetime import date

from roo_calc.certificates.apply import Application, expiring
from roo_calc.certificates.model import CertifiedLine
from roo_calc.display import plural


def _rows(rows: list[int], most: int = 12) -> str:
    """"12, 40, ... and 180 more" (the caller orders the rows)."""
    return ", ".join(str(r) for r in rows[:most]) + (f" and {len(rows) - most} more" if len(rows) > most else "")


def _period(start: date | None, end: date | None) -> str:
    return f"valid {start or 'open'} to {end or 'open'}"


def certified_text(lines: tuple[CertifiedLine, ...], indent: str = "  ") -> list[str]:
    """One line per document: the BOM rows that took facts from it, and which facts."""
    if not lines:
        return []
    groups: dict[tuple, list[CertifiedLine]] = {}
    for line in lines:
        groups.setdefault((line.document, line.agreement, line.supplier, line.valid_from, line.valid_to, line.location),
                          []).append(line)
    out = [f"{indent}supplier certifications relied on ({plural(len({l.row for l in lines}), 'line')}):"]
    for (document, agreement, supplier, start, end, location), members in groups.items():
        fields = sorted({f for m in members for f in m.fields})
        out.append(f"{indent}  - {document} ({agreement.upper()}, {supplier}, {_period(start, end)}; {location}): "
                   f"{'row' if len({m.row for m in members}) == 1 else 'rows'} {_rows(sorted(m.row for m in members))} took {', '.join(fields)}")
    return out


def certified_json(lines: tuple[CertifiedLine, ...]) -> list[dict]:
    return [{"row": line.row, "part_number": line.part_number, "supplier": line.supplier, "agreement": line.agreement,
             "document": line.document, "valid_from": line.valid_from.isoformat() if line.valid_from else None,
             "valid_to": line.valid_to.isoformat() if line.valid_to else None, "fields": list(line.fields),
             "location": line.location} for line in lines]


def sources_json(bom) -> list[dict]:
    """The files the certifications came from, with their SHA-256 (the BOM itself for its own sheet)."""
    seen: dict[str, str] = {}
    for cert in bom.certificates:
        seen.setdefault(cert.file, cert.sha256)
    return [{"path": path, "sha256": sha} for path, sha in seen.items()]


def validity_lines(bom, applied: Application, days: int) -> list[str]:
    """`validate`: the certifications on file, those expiring within `days` of the determination
    date, and those out of their period on it."""
    on = applied.on
    certs = bom.certificates
    valid = [c for c in certs if c.valid_on(on)]
    out = ["", f"Supplier certifications: {len(certs)} on file ({len(valid)} valid on {on}, the determination date); "
               f"{plural(len({l.row for l in applied.certified}), 'BOM line')} took facts from them"]
    soon = expiring(certs, on, days)
    if soon:
        out.append(f"Expiring within {days} days of {on}:")
        out += [f"  - {c.name} ({c.agreement.upper()}, {c.scope}) valid to {end}, in {(end - on).days} days "
                f"[{c.location}]" for c, end in soon]
    else:
        out.append(f"None expires within {days} days of {on}.")
    stale = [c for c in certs if not c.valid_on(on)]
    if stale:
        out.append(f"Out of their period on {on} (counted as not on file):")
        out += [f"  - {c.name} ({c.agreement.upper()}, {c.scope}) period {c.period} [{c.location}]" for c in stale]
    for finding in applied.findings:
        a = finding.assumption
        out.append(f"  note: {a.text} (rows {_rows(list(a.rows))})")
    return out


def notes_for(applied: Application, regimes) -> list:
    """The certification findings (expired, not yet valid, disagreeing with the line) that bear
    on any of `regimes`, once each: what evaluate lists among each regime's assumptions."""
    notes = []
    for regime in regimes:
        for a in applied.for_field(regime.certification_field)[1]:
            if a not in notes:
                notes.append(a)
    return notes


def notes_text(notes, bom) -> list[str]:
    """compare/advise: the certification findings, as evaluate shows its assumptions."""
    if not notes:
        return []
    from roo_calc.display import money, plural
    from roo_calc.report.text import largest_rows

    values = dict(zip(bom.lines["row"].tolist(), bom.lines["value_cents"].tolist()))
    currency = bom.vehicle.currency
    return ["", "Supplier certification notes:"] + [
        f"  - {a.text}" + (f" [{a.citation}]" if a.citation else "") + f": {plural(len(a.rows), 'line')}, value at stake "
        f"{money(a.value_at_stake_cents)} {currency} ({largest_rows(a.rows, values)})" for a in notes]


def notes_json(notes) -> list[dict]:
    from roo_calc.display import json_money

    return [{"code": a.code, "requirement": a.requirement, "text": a.text, "lines": len(a.rows), "rows": list(a.rows),
             "value_at_stake": json_money(a.value_at_stake_cents), "citation": a.citation} for a in notes]


def excel_certified(sheet, styles, row: int, results, values: dict[int, int] | None = None) -> int:
    """The Excel report's block of supplier certifications relied on, one row per regime and
    document (from `row`), its BOM rows the largest lines first (`values`: each row's value in
    cents) and a count; returns the next free row."""
    values = values or {}
    sheet.write_row(row, 0, ["Regime", "Supplier certification relied on", "Agreement", "Supplier", "Period",
                             "BOM rows", "Took", "Where"], styles["head"])
    for result in results:
        groups: dict[tuple, list] = {}
        for line in result.certified_lines:
            groups.setdefault((line.document, line.agreement, line.supplier, line.valid_from, line.valid_to, line.location),
                              []).append(line)
        for (document, agreement, supplier, start, end, location), members in groups.items():
            row += 1
            sheet.write_row(row, 0, [result.regime, document, agreement.upper(), supplier, _period(start, end),
                                     _rows(sorted({m.row for m in members}, key=lambda r: (-values.get(r, 0), r))),
                                     ", ".join(sorted({f for m in members for f in m.fields})), location])
    return row + 2


def excel_sources(sheet, styles, row: int, bom) -> int:
    """The Excel report's Inputs rows for the certificate files; returns the next free row."""
    sources = sources_json(bom)
    if not sources:
        return row
    sheet.write_row(row, 0, ["Certificates file", "SHA-256"], styles["head"])
    for source in sources:
        row += 1
        sheet.write_row(row, 0, [source["path"], source["sha256"]])
    return row + 2
