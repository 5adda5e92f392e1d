"""Which supplier answers the determinations are waiting on, and what each answer could change
(pure: no I/O).

A part needs an answer when a determination made an assumption about its line that the supplier
can settle: a missing or expired certification, an unstated regional content, traced value, US
content or steel/aluminum content.  A certification that expires before the next determination
date needs a renewal.  A supplier's certification *flips* a regime when re-evaluating with that
supplier's undeclared regional lines certified turns the verdict eligible; nothing else counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

import pandas as pd

from roo_calc.bom.model import Bom, LineRef
from roo_calc.bom.schema import CERTIFICATION_COLUMNS
from roo_calc.certificates.apply import Application, annotate, apply_certificates
from roo_calc.certificates.model import supplier_key
from roo_calc.engine.determine import evaluate
from roo_calc.engine.result import Determination
from roo_calc.rules.certifications import Certification, certifications, figures_column
from roo_calc.rules.model import Regime

# Answers a request can ask for, in the order they appear on a request workbook: first the
# certification columns (named by the agreement the loaded regimes give them, `answer_label`).
ANSWERS: dict[str, str] = {
    **{column: "certification of origin (Y/N)" for column in CERTIFICATION_COLUMNS},
    "regional_content_pct": "regional value content, % (with the method used)",
    "nafta_traced_value": "NAFTA traced value (value of non-originating traced materials, per vehicle)",
    "us_content_pct": "US content, %",
    "steel_content_value": "value of the steel in the part, per vehicle",
    "aluminum_content_value": "value of the aluminum in the part, per vehicle",
    "renewal": "renewal of a certification that expires before the next determination date",
}
FLAGS = CERTIFICATION_COLUMNS

# Assumption codes -> the answers that settle them ("{field}" = the regime's certification column).
_SETTLES: dict[str, tuple[str, ...]] = {
    "uncertified-regional": ("{field}",),
    "certificate-expired": ("{field}", "renewal"),
    "certificate-not-yet-valid": ("{field}",),
    "tracing-undeclared": ("{field}", "nafta_traced_value"),
    "tracing-by-requirement": ("nafta_traced_value",),
    "tracing-declared-non-originating": ("nafta_traced_value",),
    "components-by-requirement": ("nafta_traced_value",),
    "uncertified-usmca-part": ("{field}",),
    "derived-regional-certified": ("regional_content_pct",),
    "derived-regional-undeclared": ("{field}", "regional_content_pct"),
    "derived-us-content": ("us_content_pct",),
    "steel-from-bom": ("steel_content_value",),
    "aluminum-from-bom": ("aluminum_content_value",),
}
_BLANK_COLUMN = {**{column: column for column in CERTIFICATION_COLUMNS},
                 "regional_content_pct": "regional_content_e4", "nafta_traced_value": "nafta_traced_value_cents",
                 "us_content_pct": "us_content_e4", "steel_content_value": "steel_content_value_cents",
                 "aluminum_content_value": "aluminum_content_value_cents"}


@dataclass
class PartNeed(LineRef):
    """One BOM line of a supplier and the answers it needs."""

    answers: list[str] = field(default_factory=list)  # keys of ANSWERS, in that order
    regimes: dict[str, str] = field(default_factory=dict)  # regime id -> its status now, for those that depend on it
    on_file: dict[str, str] = field(default_factory=dict)  # what is on file now, e.g. usmca_originating -> "Y (DOC)"
    expires: date | None = None  # the certification on file that ends before the next determination


@dataclass
class SupplierNeed:
    supplier: str
    parts: list[PartNeed] = field(default_factory=list)
    flips: dict[str, str] = field(default_factory=dict)  # regime id -> "not_eligible -> eligible"

    @property
    def value_at_stake_cents(self) -> int:
        return sum(p.value_cents for p in self.parts)


@dataclass
class Solicitation:
    on: date
    next_determination: date
    regimes: list[Determination]
    suppliers: list[SupplierNeed]  # ranked: most flips first, then value at stake
    all_together: dict[str, str]  # regime id -> flip when every supplier certifies
    unnamed_rows: list[int]  # lines needing an answer but naming no supplier
    unnamed_cents: int
    certifications: dict[str, Certification]  # certification column -> the agreement the regimes read it as
    figures_column: str  # the certification column a supplier's figures are certified with
    reads: dict[str, str]  # regime id -> the certification column it reads

    def answer_label(self, key: str) -> str:
        """What an answer asks for, as a request and the summary name it."""
        if key in self.certifications:
            return f"{self.certifications[key].agreement} {ANSWERS[key]}"
        return ANSWERS[key]


def solicit(bom: Bom, regimes: list[Regime], on: date, next_determination: date,
            known: Mapping[str, Regime] | None = None) -> Solicitation:
    """What to ask each supplier, ranked by what their answers could change."""
    known = known or {}
    certified, application = apply_certificates(bom, on)
    results = [annotate(evaluate(certified, r, on, known), application, r) for r in regimes]
    frame = certified.lines
    index_of = {int(r): i for i, r in enumerate(frame["row"])}
    needs: dict[int, PartNeed] = {}
    for regime, result in zip(regimes, results):
        for assumption in result.assumptions:
            settles = _SETTLES.get(assumption.code)
            if not settles:
                continue
            answers = [s.replace("{field}", regime.certification_field) for s in settles]
            for row in assumption.rows:
                i = index_of.get(row)
                if i is None:
                    continue
                need = needs.get(row) or needs.setdefault(row, PartNeed.of_line(frame, i))
                wanted = [a for a in answers if a == "renewal" or pd.isna(frame[_BLANK_COLUMN[a]].iat[i])]
                if wanted:
                    need.answers = _ordered(need.answers + wanted)
                    need.regimes[regime.id] = result.status
    _renewals(certified, application, next_determination, frame, index_of, needs, regimes, results)
    by_supplier: dict[str, SupplierNeed] = {}
    unnamed = []
    for row, need in sorted(needs.items()):
        supplier = frame["supplier"].iat[index_of[row]]
        if not isinstance(supplier, str) or not supplier.strip():
            unnamed.append(row)
            continue
        _on_file(need, frame, index_of[row], application)
        key = supplier_key(supplier)
        by_supplier.setdefault(key, SupplierNeed(supplier.strip())).parts.append(need)
    status = {r.regime: r.status for r in results}
    for entry in by_supplier.values():
        entry.flips = _flips(certified, regimes, on, known, status, {supplier_key(entry.supplier)})
    together = _flips(certified, regimes, on, known, status, set(by_supplier)) if by_supplier else {}
    ranked = sorted(by_supplier.values(), key=lambda s: (-len(s.flips), -s.value_at_stake_cents, s.supplier.casefold()))
    unnamed_cents = int(sum(frame["value_cents"].iat[index_of[r]] for r in unnamed))
    return Solicitation(on, next_determination, results, ranked, together, unnamed, unnamed_cents,
                        certifications(regimes, known.values()), figures_column(regimes),
                        {r.id: r.certification_field for r in regimes})


def _ordered(answers: list[str]) -> list[str]:
    return [a for a in ANSWERS if a in answers]


def _renewals(bom, application: Application, next_date: date, frame, index_of, needs, regimes, results) -> None:
    """Lines relying on a certification that ends before the next determination date."""
    by_row: dict[int, date] = {}
    for use in application.certified:
        if any(flag in use.fields for flag in FLAGS):
            if use.valid_to is not None and use.valid_to < next_date:
                by_row[use.row] = min(by_row.get(use.row, use.valid_to), use.valid_to)
    for row, end in by_row.items():
        i = index_of[row]
        need = needs.get(row) or needs.setdefault(row, PartNeed.of_line(frame, i))
        need.answers = _ordered(need.answers + ["renewal"])
        need.expires = end
        for regime, result in zip(regimes, results):
            if any(u.row == row for u in result.certified_lines):
                need.regimes.setdefault(regime.id, result.status)


def _on_file(need: PartNeed, frame: pd.DataFrame, i: int, application: Application) -> None:
    documents = {(u.row, f): u.document for u in application.certified if u.row == need.row for f in u.fields}
    for flag in FLAGS:
        value = frame[flag].iat[i]
        if not pd.isna(value):
            source = documents.get((need.row, flag))
            need.on_file[flag] = ("Y" if value else "N") + (f" ({source})" if source else " (BOM line)")


def _flips(bom: Bom, regimes: list[Regime], on: date, known, status: Mapping[str, str], suppliers: set[str]) -> dict[str, str]:
    """Regimes whose verdict turns eligible when these suppliers certify their undeclared
    regional lines (re-evaluated, not estimated)."""
    frame = bom.lines
    theirs = frame["supplier"].map(lambda s: isinstance(s, str) and supplier_key(s) in suppliers).to_numpy(dtype=bool)
    flips = {}
    for regime in regimes:
        if status[regime.id] == "eligible":
            continue
        column = regime.certification_field
        blank = frame[column].isna().to_numpy(dtype=bool)
        mask = theirs & frame["origin_country"].isin(regime.region).to_numpy(dtype=bool) & blank
        if not mask.any():
            continue
        lines = frame.copy()
        lines.loc[mask, column] = True
        after = evaluate(bom.model_copy(update={"lines": lines}), regime, on, known).status
        if after == "eligible":
            flips[regime.id] = f"{status[regime.id]} -> eligible"
    return flips
