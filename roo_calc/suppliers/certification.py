"""The vehicle's own USMCA certification of origin, pre-filled from an eligible determination.

USMCA Article 5.2 lets the importer, exporter or producer certify origin in no prescribed
format, provided the certification holds the minimum data elements of Annex 5-A (USMCA
Chapter 5, Origin Procedures; as summarised in CBP's guidance and in 19 CFR 10.1004(a)(3)-(4),
the US implementation):

 1. whether the certifier is the importer, exporter or producer;
 2. the certifier: name, title, address (with country), telephone, e-mail;
 3. the exporter (if different from the certifier; place of export in a Party);
 4. the producer (if different; "Various" or "Available upon request by the importing
    authorities" allowed);
 5. the importer, if known;
 6. a description of the good, and its HS classification to six digits;
 7. the origin criterion of Article 4.2 the good meets: (A) wholly obtained or produced,
    (B) produced using non-originating materials and meeting the product-specific rule of
    Annex 4-B, (C) produced exclusively from originating materials, (D) the 4.2(d) exception;
 8. the blanket period, for multiple shipments of identical goods, of up to 12 months;
 9. the authorised signature and date, under a statement that the information is true and
    accurate and that the certifier will keep and produce the supporting documents.

Names, addresses, the role and the signature cannot come from a BOM: they are left for the
user and marked.  A vehicle meeting the RVC, core-parts, steel/aluminum and labor value content
requirements of UR ss.13-18 with non-originating materials qualifies under criterion B (Art.
4.2(b)); C would need every material originating.  This is the choice made here, stated on the
certification itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from pydantic import BaseModel

from roo_calc import __version__
from roo_calc.bom.model import Bom
from roo_calc.engine.result import Determination
from roo_calc.errors import RooCalcError
from roo_calc.numbers import display_pct
from roo_calc.report.json import figure
from roo_calc.rules.model import Regime

SOURCES = ("USMCA Art. 5.2 (claims for preferential tariff treatment; certification of origin) and Annex 5-A "
           "(minimum data elements); 19 CFR 10.1004(a)(3)-(4) (US implementation)")
CRITERION_B = ("B", "USMCA Art. 4.2(b): produced entirely in the territory of one or more of the Parties using "
                    "non-originating materials, meeting the product-specific rule of origin (Annex 4-B; for vehicles, "
                    "UR ss.13-18)")
CRITERION_C = ("C", "USMCA Art. 4.2(c): produced entirely in the territory of one or more of the Parties exclusively "
                    "from originating materials")
STATEMENT = ("I certify that the goods described in this document qualify as originating and that the information in "
             "this document is true and accurate. I assume responsibility for proving these representations and will "
             "keep, and present on request or during a verification, the documents that support this certification. "
             "[Use the wording of USMCA Annex 5-A, element 9.]")

# The agreement whose certification of origin this writes (Annex 5-A is USMCA's): a regime whose rule
# file names another `agreement` is refused.
AGREEMENT = "USMCA"


class Refused(Exception):
    """The vehicle cannot be certified; the message says why."""


@dataclass(frozen=True)
class Element:
    number: str
    name: str
    value: str
    source: str  # "BOM", "determination", "for you to complete", "suggested"


def input_hash(bom: Bom, regime: Regime, result: Determination) -> tuple[str, dict]:
    """SHA-256 of what the determination rests on: the BOM, the rule file, the certificate files,
    the date and the version.  The same inputs always give the same hash."""
    rule_sha = hashlib.sha256(Path(regime.path).read_bytes()).hexdigest() if regime.path and Path(regime.path).exists() else ""
    certificates = sorted({(Path(c.file).name, c.sha256) for c in bom.certificates})
    parts = {"bom_sha256": bom.sha256, "regime": regime.id, "rule_file_sha256": rule_sha,
             "certificates": [{"file": f, "sha256": s} for f, s in certificates],
             "as_of": result.as_of.isoformat(), "roo_calc_version": __version__}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest(), parts


def check_eligible(regime: Regime, result: Determination) -> None:
    """Refuse, with the reason, unless the determination is an eligible USMCA one in force."""
    if regime.agreement_name != AGREEMENT or regime.kind != "preference":
        raise Refused(f"{regime.id} is not a USMCA preference regime: a USMCA certification of origin rests on a USMCA "
                      "determination (e.g. --regime usmca-2020)")
    if result.what_if:
        raise Refused(f"{regime.id} on {result.as_of}: {result.what_if}; a what-if cannot be certified")
    if result.status == "not_eligible":
        failing = [r for r in result.requirements if r.status == "fail"]
        reasons = "; ".join(f"{r.id} {display_pct(r.value, r.comparison)}% against {r.threshold}%" if r.value is not None
                            else f"{r.id}: {r.reason}" for r in failing)
        raise Refused(f"the vehicle is not eligible under {regime.id} on {result.as_of}: {reasons}")
    if result.status == "needs_review":
        items = list(result.review) + [f"{r.id}: {r.reason}" for r in result.requirements if r.status == "needs_review"]
        raise Refused(f"the determination under {regime.id} needs review before it can be certified: " + "; ".join(items))


def change_points(regime: Regime) -> list[date]:
    """Every day on which something in the rule file starts or stops applying (a threshold step,
    a dated flag, a deal, the end of the regime), ascending."""
    found: set[date] = set()

    def walk(value: object, name: str = "") -> None:
        if isinstance(value, date):
            found.add(value + timedelta(days=1) if name in ("to", "until") else value)
        elif isinstance(value, BaseModel):
            for field in type(value).model_fields:
                walk(getattr(value, field), field)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, name)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, name)

    walk(regime)
    return sorted(found)


def verdict_change(regime: Regime, start: date, end: date, judge: Callable[[date], Determination]) -> tuple[date, str] | None:
    """The first change point of the rule file after `start` and up to `end` on which the vehicle,
    judged as of that day, is no longer eligible, and why; None if it stays eligible throughout."""
    for day in (d for d in change_points(regime) if start < d <= end):
        try:
            result = judge(day)
        except RooCalcError as error:
            return day, str(error)
        if result.status != "eligible":
            failing = [r for r in result.requirements if r.status in ("fail", "needs_review")]
            reasons = "; ".join(f"{r.id} {display_pct(r.value, r.comparison)}% against {r.threshold}%" if r.value is not None
                                else f"{r.id}: {r.reason}" for r in failing)
            return day, f"{result.status.replace('_', ' ')}" + (f" ({reasons})" if reasons else "")
    return None


def elements(bom: Bom, result: Determination, blanket_from: date, change: tuple[date, str] | None = None, *,
             column: str) -> list[Element]:
    """The Annex 5-A elements, filled where the BOM or the determination says, marked otherwise.
    `column`: the certification column the regime reads (its suppliers' certifications).
    `change`: the first day within 12 months on which the rules in force make the vehicle no longer
    eligible (`verdict_change`); the suggested blanket period ends the day before."""
    v = bom.vehicle
    user = "for you to complete"
    all_originating = bool(bom.lines[column].fillna(False).all())
    letter, criterion = CRITERION_C if all_originating else CRITERION_B
    ends = [u.valid_to for u in result.certified_lines if u.valid_to is not None and column in u.fields]
    limit = year_after(blanket_from)
    end = min([limit, *ends])
    why = (f"the earliest end of a supplier certification this determination relies on ({min(ends)})"
           if ends and min(ends) < limit else "12 months, the longest blanket period (Art. 5.2; Annex 5-A)")
    if change is not None and change[0] <= end:
        end = change[0] - timedelta(days=1)
        why = f"the day before {change[0]}, when the rules then in force make this vehicle {change[1]}"
    description = f"{v.model}" + (f", model year {v.model_year}" if v.model_year else "") + f" ({v.vehicle_type.replace('_', ' ')})"
    producer = ", ".join(x for x in (v.producer, f"plant {v.plant}" if v.plant else None, f"assembled in {v.assembly_country}") if x)
    return [
        Element("1", "Certifier is the importer, exporter or producer", "", user),
        Element("2", "Certifier: name, title, address (with country), telephone, e-mail", "", user),
        Element("3", "Exporter: name, address (with country; the place of export), e-mail, telephone, if different from the certifier", "", user),
        Element("4a", "Producer (from the BOM)", producer, "BOM"),
        Element("4b", "Producer: address (the place of production), e-mail, telephone", "", user),
        Element("5", "Importer, if known: name, address, e-mail, telephone", "", user),
        Element("6a", "Description of the good", description, "BOM"),
        Element("6b", "HS classification (6 digits)", f"{v.hs_code[:4]}.{v.hs_code[4:6]}", "BOM"),
        Element("7", "Origin criterion", f"{letter}: {criterion}", "determination"),
        Element("7b", "Figures behind the criterion", _basis(result), "determination"),
        Element("8", "Blanket period", f"{blanket_from} to {end} (suggested: {why})", "suggested"),
        Element("9a", "Authorised signature", "", user),
        Element("9b", "Name, title and date of signature", "", user),
        Element("9c", "Statement", STATEMENT, "suggested"),
    ]


def figures(result: Determination, currency: str) -> list[tuple[str, str, str]]:
    """(requirement, what it found, the law) for every requirement behind the verdict."""
    out = []
    for r in result.requirements:
        if r.status == "not_applicable":
            continue
        found = (f"{display_pct(r.value, r.comparison)}% ({'at least' if r.comparison == 'at_least' else 'at most'} "
                 f"{r.threshold}%): {r.status}" if r.value is not None else f"{r.status}: {r.reason or ''}")
        numbers = "; ".join(f"{k} {figure(k, v)}" for k, v in r.figures.items())
        law = "; ".join(x for x in (r.threshold_citation, r.citation) if x)
        out.append((f"{r.id}: {r.title}", found + (f" [{numbers}]" if numbers else ""), law))
    return out


def _basis(result: Determination) -> str:
    """Each requirement met, with its value against its threshold and its provision."""
    parts = []
    for r in result.requirements:
        if r.status != "pass" or r.value is None:
            continue
        word = ">=" if r.comparison == "at_least" else "<="
        parts.append(f"{r.id} {display_pct(r.value, r.comparison)}% {word} {r.threshold}% ({r.threshold_citation or r.citation})")
    return "; ".join(parts)


def year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
