"""The determination date (the law in force on it applies) and where it came from, so that every
report can say which date it used and why: --as-of, the workbook's production_date, or today."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # kept out of the import so that the CLI starts fast
    from roo_calc.bom.model import Bom

Source = Literal["as-of", "production_date", "today", "vehicles", "given"]

_DESCRIBED: dict[str, str] = {
    "as-of": "from --as-of",
    "production_date": "the workbook's production_date; set another date with --as-of",
    "today": "today: the workbook gives no production_date; set the date with --as-of",
    "vehicles": "the latest of the vehicles' dates (each one's production_date, else today); set one with --as-of",
    "given": "as given",
}


def determination_date(as_of: date | None, bom: Bom, today: date | None = None) -> tuple[date, Source]:
    """--as-of when given, else the workbook's production_date, else today; with where it came from."""
    if as_of is not None:
        return as_of, "as-of"
    if bom.vehicle.production_date is not None:
        return bom.vehicle.production_date, "production_date"
    return today or date.today(), "today"


def describe(source: Source) -> str:
    """Where the date came from, in words for a report header."""
    return _DESCRIBED[source]


def as_of_text(on: date, source: Source) -> str:
    """'2024-05-01 (from --as-of)': the date and where it came from."""
    return f"{on.isoformat()} ({describe(source)})"
