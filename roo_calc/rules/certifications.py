"""The BOM's certification columns as the loaded regimes name them: which agreement each column's
Y certifies the part originating under, for the texts that ask suppliers for it (`solicit`) and
the actions that set it (`advise`).  A rule file gives them (`certification_field`, `agreement`,
`certification_basis`); nothing here knows an agreement by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from roo_calc.bom.schema import CERTIFICATION_COLUMNS
from roo_calc.rules.model import Regime


@dataclass(frozen=True)
class Certification:
    """One certification column and the agreements whose certification it holds."""

    column: str
    agreement: str  # e.g. "USMCA"; two agreements reading one column: "NAFTA and Pact"
    basis: str  # what a Y certifies the part originating under, with its provision

    @property
    def question(self) -> str:
        return f"Y if the part is originating under {self.basis}; N if it is not."


def certifications(chosen: Iterable[Regime], known: Iterable[Regime] = ()) -> dict[str, Certification]:
    """Every certification column, named by the chosen regimes that read it, else by the other
    loaded ones, else by its own agreement prefix (a column no loaded regime reads)."""
    chosen, known = list(chosen), list(known)
    out = {}
    for column in CERTIFICATION_COLUMNS:
        readers = [r for r in chosen if r.certification_field == column] or \
                  [r for r in known if r.certification_field == column]
        names = list(dict.fromkeys(r.agreement_name for r in readers)) or [column.removesuffix("_originating").upper()]
        bases = list(dict.fromkeys(r.certified_as for r in readers)) or names
        out[column] = Certification(column, " and ".join(names), " and under ".join(bases))
    return out


def figures_column(chosen: Iterable[Regime]) -> str:
    """The certification column a supplier's figures (regional content, US content, steel and
    aluminum) are certified with: that of the chosen regime most recently in force (a regime not
    in force counts as oldest), the first chosen on a tie."""
    ranked = sorted(enumerate(chosen), key=lambda ir: (-(ir[1].in_force.from_ or date.min).toordinal(), ir[0]))
    return ranked[0][1].certification_field if ranked else CERTIFICATION_COLUMNS[0]


def certification_fields(regimes: Iterable[Regime]) -> tuple[str, ...]:
    """The certification columns the regimes read, in the BOM's column order."""
    read = {r.certification_field for r in regimes}
    return tuple(c for c in CERTIFICATION_COLUMNS if c in read)
