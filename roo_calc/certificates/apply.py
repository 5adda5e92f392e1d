"""Apply the supplier certifications in force on the determination date to the BOM lines (pure).

For each line with a supplier and each agreement, the certification used is the one for that
supplier and part, else the supplier's blanket certification, among those whose period holds
the date (the latest-starting one when renewals overlap).  It fills the line's blank Y/N column
and stated figures; a line's own value always wins, and a disagreement is reported.  A
certification outside its period counts as not on file: when no other one covers the line, it
is listed as an assumption with its document, period and the value at stake.

Y/N findings concern the regimes that read that agreement's column (`certification_field`);
figures (regional content, US content, traced value) concern every regime.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from roo_calc.bom.model import Bom
from roo_calc.certificates.model import FIELD_OF, PER_PART, Certificate, CertifiedLine, supplier_key
from roo_calc.certificates.reader import conflicts
from roo_calc.certificates.unmatched import unmatched
from roo_calc.engine.result import Assumption, Determination
from roo_calc.errors import BomError, Problem
from roo_calc.numbers import display_money, to_cents
from roo_calc.rules.model import Regime

_FIGURE_COLUMNS = {"regional_content_pct": "regional_content_e4", "us_content_pct": "us_content_e4",
                   "nafta_traced_value": "nafta_traced_value_cents", "steel_content_value": "steel_content_value_cents",
                   "aluminum_content_value": "aluminum_content_value_cents"}


@dataclass(frozen=True)
class Finding:
    """An assumption about certifications, and the certification field it concerns (None: every regime)."""

    field: str | None
    assumption: Assumption


@dataclass
class Application:
    """What applying certifications did: the lines that relied on one, and what to tell."""

    on: date
    certified: list[CertifiedLine] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def for_field(self, certification_field: str | None) -> tuple[tuple[CertifiedLine, ...], tuple[Assumption, ...]]:
        """The certified lines and assumptions that bear on a regime reading `certification_field`."""
        others = {f for f in FIELD_OF.values() if f != certification_field}
        lines = []
        for use in self.certified:
            kept = tuple(f for f in use.fields if f not in others)
            if kept:
                lines.append(use if kept == use.fields else use.model_copy(update={"fields": kept}))
        return tuple(lines), tuple(f.assumption for f in self.findings if f.field is None or f.field == certification_field)


def apply_certificates(bom: Bom, on: date, extra: tuple[Certificate, ...] = ()) -> tuple[Bom, Application]:
    """(The BOM with certified facts filled in, what was done) for a determination dated `on`.

    `extra` are certifications from certificates workbooks, added to the BOM's own sheet.
    Raises `BomError` when certifications contradict each other or state a traced value above
    the line's value. A certification of `extra` that matches no line is a warning on the BOM
    returned (`unmatched`).
    """
    added = tuple(c for c in extra if c not in bom.certificates)
    certificates = bom.certificates + added
    application = Application(on)
    if not certificates:
        return bom, application
    if added:  # the BOM's own sheet was checked when it was read
        bom = bom.model_copy(update={"warnings": bom.warnings + tuple(unmatched(added, bom.lines, bom.path))})
    problems = conflicts(certificates) if extra else []
    lines = bom.lines.copy()
    by_key: dict[tuple, list[Certificate]] = {}
    for cert in certificates:
        by_key.setdefault(cert.key, []).append(cert)
    suppliers = [supplier_key(s) if isinstance(s, str) else None for s in lines["supplier"]]
    parts = lines["part_number"].tolist()
    rows = lines["row"].tolist()
    values = lines["value_cents"].tolist()
    columns = {name: lines[name].tolist() for name in (*FIELD_OF.values(), *_FIGURE_COLUMNS.values())}
    filled_by: dict[tuple[int, str], Certificate] = {}
    stale: dict[tuple[Certificate, str], list[int]] = {}  # (certification, reason) -> line indexes at stake
    overridden: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    for i, key in enumerate(suppliers):
        if key is None:
            continue
        for agreement, flag in FIELD_OF.items():
            candidates = by_key.get((key, parts[i], agreement), []) + by_key.get((key, None, agreement), [])
            if not candidates:
                continue
            valid = [c for c in candidates if c.valid_on(on)]
            if not valid:
                if pd.isna(columns[flag][i]):
                    nearest = min(candidates, key=lambda c: (c.part_number is None, _distance(c, on)))
                    reason = "expired" if nearest.valid_to is not None and nearest.valid_to < on else "not-yet-valid"
                    stale.setdefault((nearest, reason), []).append(i)
                continue
            # The part's own certification before the blanket one; then the latest start.
            cert = min(valid, key=lambda c: (c.part_number is None, -(c.valid_from or date.min).toordinal()))
            taken = []
            own = columns[flag][i]
            if pd.isna(own):
                columns[flag][i] = cert.originating
                taken.append(flag)
            elif bool(own) != cert.originating:
                overridden.setdefault((cert.name, flag), []).append(
                    (i, f"row {rows[i]}: {flag} {'Y' if own else 'N'} on the line, {'Y' if cert.originating else 'N'} on {cert.name}"))
                continue  # a contradicted certification lends the line none of its figures either
            taken += _take_figures(cert, i, columns, rows[i], values[i], filled_by, overridden, problems)
            if taken:
                application.certified.append(CertifiedLine(
                    row=rows[i], part_number=str(parts[i]), supplier=cert.supplier, agreement=agreement, document=cert.name,
                    valid_from=cert.valid_from, valid_to=cert.valid_to, fields=tuple(taken), location=cert.location))
    if problems:
        raise BomError(problems)
    application.findings += _stale_findings(stale, on, rows, values) + _disagreement_findings(overridden, rows, values)
    for flag in FIELD_OF.values():
        lines[flag] = pd.array(columns[flag], dtype="boolean")
    for column in _FIGURE_COLUMNS.values():
        lines[column] = pd.array(columns[column], dtype="Int64")
    return bom.model_copy(update={"lines": lines, "certificates": certificates}), application


def _take_figures(cert: Certificate, i: int, columns: dict[str, list], row: int, value: int,
                  filled_by: dict[tuple[int, str], Certificate], overridden: dict[tuple[str, str | None], list[tuple[int, str]]],
                  problems: list[Problem]) -> list[str]:
    """Fill line `i`'s blank figures from the certification; note figures that disagree with what the
    line already holds, and refuse a traced or content value above the line's value. The figures taken."""
    taken = []
    for figure, column in _FIGURE_COLUMNS.items():
        stated = _stated(cert, figure)
        if stated is None:
            continue
        if figure in PER_PART and stated > value:
            problems.append(Problem("bad-value", f"{figure}: expected at most the value of BOM row {row} "
                                    f"({display_money(value)}), found {display_money(stated)}",
                                    cert.file, cert.sheet, cert.cells.get(figure)))
            continue
        current = columns[column][i]
        if pd.isna(current):
            columns[column][i] = stated
            filled_by[(i, column)] = cert
            taken.append(figure)
        elif current != stated:
            source = filled_by.get((i, column))
            holder = f"{source.name}" if source else "the line"
            overridden.setdefault((cert.name, None), []).append(
                (i, f"row {row}: {figure} {_show(figure, current)} from {holder}, {_show(figure, stated)} on {cert.name}"))
    return taken


def _stale_findings(stale: dict[tuple[Certificate, str], list[int]], on: date, rows: list, values: list) -> list[Finding]:
    """Certifications on file for lines but expired or not yet valid on the date: the lines count as uncertified."""
    out = []
    for (cert, reason), indexes in stale.items():
        when = f"expired (valid to {cert.valid_to})" if reason == "expired" else f"not yet valid (valid from {cert.valid_from})"
        out.append(Finding(FIELD_OF[cert.agreement], Assumption(
            code=f"certificate-{reason}", requirement=None,
            text=(f"{cert.agreement.upper()} certification {cert.name} ({cert.scope}; period {cert.period}) is {when}, "
                  f"outside the determination date {on}: counted as not on file for these lines"),
            rows=tuple(rows[i] for i in indexes), value_at_stake_cents=sum(values[i] for i in indexes),
            citation=cert.location)))
    return out


def _disagreement_findings(overridden: dict[tuple[str, str | None], list[tuple[int, str]]], rows: list,
                           values: list) -> list[Finding]:
    """Certifications that disagree with what a line already says: the line's answer or figure is kept."""
    out = []
    for (document, concerned), items in overridden.items():
        indexes = sorted({i for i, _t in items})
        what = (f"the line's own {concerned} differs from certification {document}: the line's answer is used, and none of "
                "that certification's figures" if concerned else
                f"a figure already on the line differs from certification {document}: the line's figure is kept")
        out.append(Finding(concerned, Assumption(
            code="certificate-disagrees", requirement=None,
            text=what + " (" + "; ".join(t for _i, t in items[:5]) + (f"; and {len(items) - 5} more" if len(items) > 5 else "") + ")",
            rows=tuple(rows[i] for i in indexes), value_at_stake_cents=sum(values[i] for i in indexes))))
    return out


def annotate(result: Determination, application: Application, regime: Regime) -> Determination:
    """The determination with the certified lines it relied on and the certification findings.
    None for a tariff not in force on the entry date (`applied_on`; a preference regime out of
    force is applied as a what-if, on a date `Regime.applies_on` chooses, and keeps them): no
    verdict rests on a certification there, and a value at stake would be false (such as Section
    232 on a vehicle entered before it took effect)."""
    if regime.kind == "tariff" and not regime.in_force_on(result.applied_on):
        return result
    certified, assumptions = application.for_field(regime.certification_field)
    if not certified and not assumptions:
        return result
    return result.model_copy(update={"certified_lines": certified, "assumptions": result.assumptions + assumptions})


def expiring(certificates: tuple[Certificate, ...], on: date, days: int) -> list[tuple[Certificate, date]]:
    """Certifications valid on `on` whose period ends within `days` days of it, each with its last day, soonest first."""
    last = on + timedelta(days=days)
    ending = [(c, c.valid_to) for c in certificates if c.valid_on(on) and c.valid_to is not None and c.valid_to <= last]
    return sorted(ending, key=lambda pair: (pair[1], pair[0].supplier, pair[0].part_number or "", pair[0].agreement))


def _stated(cert: Certificate, figure: str) -> int | None:
    if figure == "regional_content_pct":
        return cert.regional_content_e4
    if figure == "us_content_pct":
        return cert.us_content_e4
    amount = getattr(cert, figure)
    return None if amount is None else to_cents(amount)


def _show(figure: str, value: int) -> str:
    return display_money(int(value)) if figure in PER_PART else f"{int(value) / 10_000:g}%"


def _distance(cert: Certificate, on: date) -> int:
    end = cert.valid_to if cert.valid_to is not None and cert.valid_to < on else cert.valid_from
    return abs((on - end).days) if end else 0
