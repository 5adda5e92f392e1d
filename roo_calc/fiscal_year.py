"""The period a fleet average may cover: the producer's fiscal year (USMCA UR 16(1), 16(8); NAFTA
UR 11(1)(a), 11(9)) and the longer first period from the agreement's entry into force (USMCA UR
16(4), 16(12); NAFTA UR 11(3)).  Pure date arithmetic; the fleet module decides what follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_DAY = timedelta(days=1)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def year_after(day: date) -> date:
    """The same day a year later (February 29 becomes March 1)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def year_before(day: date) -> date:
    """The same day a year earlier (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return date(day.year - 1, 2, 28)


@dataclass(frozen=True)
class FiscalYearStart:
    """The month and day the producer's fiscal year begins each year."""

    month: int
    day: int

    @classmethod
    def parse(cls, value: object) -> FiscalYearStart:
        """From a date (its month and day), 'MM-DD' or 'YYYY-MM-DD'; ValueError saying what was expected."""
        if isinstance(value, (date, datetime)):
            month, day = value.month, value.day
        else:
            text = str(value).strip()
            match = re.fullmatch(r"(?:\d{4}-)?(\d{1,2})-(\d{1,2})", text)
            if not match:
                raise ValueError(f"expected the first day of the producer's fiscal year as MM-DD (such as 01-01 or "
                                 f"10-01) or a date, found {value!r}")
            month, day = int(match[1]), int(match[2])
        if (month, day) == (2, 29):
            raise ValueError("expected a day that begins every fiscal year, found February 29 (not in every year)")
        try:
            date(2001, month, day)
        except ValueError:
            raise ValueError(f"expected a day of the year as MM-DD, found {value!r} (no such day)") from None
        return cls(month, day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def words(self) -> str:
        return f"{_MONTHS[self.month - 1]} {self.day}"

    def year_of(self, on: date) -> tuple[date, date]:
        """First and last day of the fiscal year holding `on`."""
        start = date(on.year, self.month, self.day)
        if start > on:
            start = date(on.year - 1, self.month, self.day)
        return start, date(start.year + 1, self.month, self.day) - _DAY


@dataclass(frozen=True)
class Period:
    """An averaging period.  `first`: the long first period (from the entry into force to the end of
    the fiscal year that begins within a year after it); `split`: that fiscal year's first day, which
    divides the first period when the producer does not elect it."""

    start: date
    end: date
    first: bool = False
    split: date | None = None

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def period_of(on: date, fiscal_year: FiscalYearStart, first_from: date | None) -> Period:
    """The averaging period holding a vehicle made on `on`: the long first period when the fiscal year
    begins within a year after `first_from` and `on` falls before the end of that year, else the
    fiscal year (always, when there is no first period: `first_from` None)."""
    if first_from is not None and first_from <= on and fiscal_year.year_of(first_from)[0] != first_from:
        split = fiscal_year.year_of(first_from)[1] + _DAY
        end = fiscal_year.year_of(split)[1]
        if on <= end:
            return Period(first_from, end, True, split)
    return Period(*fiscal_year.year_of(on))


@dataclass(frozen=True)
class Span:
    """What can be known of the period of vehicles made from `low` to `high` when the fiscal year is
    not stated: `fit` is "same-day" (one day: any fiscal year holds them), "one-year" (some fiscal
    year beginning from `starts[0]` to `starts[1]` holds them all), "first-period" (only the long
    first period can, with a fiscal year beginning from `starts[0]` to `starts[1]`) or "none"."""

    low: date
    high: date
    fit: str
    starts: tuple[date, date] | None = None

    @property
    def months(self) -> int:
        """Whole months from the first to the last date."""
        months = (self.high.year - self.low.year) * 12 + self.high.month - self.low.month
        return months - (self.high.day < self.low.day)


def span_of(dates: list[date], first_from: date | None) -> Span:
    """Whether one fiscal year (or the long first period) can hold every date (see `Span`)."""
    low, high = min(dates), max(dates)
    if low == high:
        return Span(low, high, "same-day")
    if high < year_after(low):  # a year beginning after `high` a year earlier, on or before `low`
        return Span(low, high, "one-year", (year_before(high) + _DAY, low))
    if first_from is None:
        return Span(low, high, "none")
    latest_start = year_after(first_from) - _DAY  # the fiscal year must begin before a year after first_from
    earliest_start = max(first_from + _DAY, year_before(high) + _DAY)
    if first_from <= low and earliest_start <= latest_start:
        return Span(low, high, "first-period", (earliest_start, latest_start))
    return Span(low, high, "none")


def starts_text(starts: tuple[date, date]) -> str:
    """'a day from July 2 to June 30' (month and day only: the year follows from the dates)."""
    first, last = (FiscalYearStart(d.month, d.day) if (d.month, d.day) != (2, 29) else FiscalYearStart(3, 1)
                   for d in starts)
    return first.words() if first == last else f"a day from {first.words()} to {last.words()}"
