"""A supplier certification as read from a `Certificates` sheet, and the record of a BOM line
that relied on one.

A certification covers one supplier's parts under one agreement: every part (a blanket
certification, `part_number` None) or one part.  It is used only for a determination dated
inside its period (`valid_from` to `valid_to`, both days included; a blank end is open).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal
import unicodedata

from pydantic import BaseModel, ConfigDict

from roo_calc.bom.schema import AGREEMENTS, CERTIFICATION_COLUMNS

Agreement = Literal["usmca", "nafta"]
FIELD_OF: dict[str, str] = dict(zip(AGREEMENTS, CERTIFICATION_COLUMNS))
PER_PART = ("nafta_traced_value", "steel_content_value", "aluminum_content_value")  # money of one part: never blanket


def supplier_key(name: str) -> str:
    """Suppliers match ignoring case, character width (NFKC) and every whitespace: "Eng Co" is
    "EngCo". Punctuation and legal suffixes count ("EngCo Ltd" is not "EngCo"): they may tell
    legal persons apart, and a certification is its certifier's own (see `unmatched`)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


@dataclass(frozen=True)
class Certificate:
    supplier: str
    part_number: str | None
    agreement: Agreement
    originating: bool
    regional_content_e4: int | None = None
    us_content_e4: int | None = None
    nafta_traced_value: Decimal | None = None  # in the vehicle's currency
    steel_content_value: Decimal | None = None
    aluminum_content_value: Decimal | None = None
    rvc_method: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    document: str | None = None
    file: str = ""
    sha256: str = ""
    sheet: str = ""
    row: int = 0
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # column -> cell
    source_file: str | None = None
    source_sha256: str | None = None
    received: date | None = None

    @property
    def key(self) -> tuple[str, str | None, str]:
        return supplier_key(self.supplier), self.part_number, self.agreement

    @property
    def location(self) -> str:
        return f"{self.file}:{self.sheet}!A{self.row}"

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    @property
    def period(self) -> str:
        return f"{self.valid_from or 'open'} to {self.valid_to or 'open'}"

    @property
    def name(self) -> str:
        """The document reference, else where the certification is written."""
        return self.document or f"row {self.row} of {self.file}"

    @property
    def scope(self) -> str:
        return f"{self.supplier}, " + (f"part {self.part_number}" if self.part_number else "all parts (blanket)")


class CertifiedLine(BaseModel):
    """A BOM line that took facts from a supplier certification: which fields, from which document."""

    model_config = ConfigDict(frozen=True)

    row: int
    part_number: str
    supplier: str
    agreement: str
    document: str
    valid_from: date | None
    valid_to: date | None
    fields: tuple[str, ...]
    location: str
