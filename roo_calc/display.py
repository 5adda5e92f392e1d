"""Every number roo-calc shows -- in the terminal, JSON, Excel or an explanation string -- is
formatted here, so that no rounded figure can contradict the verdict it sits beside.

The rules:
- a percentage compared with an "at least" threshold is rounded **down**, one compared with an
  "at most" threshold **up**, and margins down: 74.996% beside a 75% minimum shows as 74.99%,
  never 75.00%;
- money is shown to the cent, half to even; an amount still needed ("gap to qualify") is rounded
  **up**, so a gap of a fraction of a cent never shows as 0.00 beside a failure;
- JSON money has a fixed scale of 2 decimals (`json_money`); the exact value, when it is not a
  whole number of cents, is available from `json_money_exact`.

Nothing here feeds a decision: the engine compares exact integers and Fractions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import overload

CENT = Decimal("0.01")


def number(figure: Fraction | int | str) -> Fraction:
    """A requirement figure that holds a number (figures also hold words, such as the VNM method)."""
    if isinstance(figure, str):
        raise TypeError(f"expected a number, found the word {figure!r}")
    return Fraction(figure)


def cents_to_decimal(cents: int | Fraction) -> Decimal:
    """Cents (possibly a Fraction) as a Decimal amount; exact for int, 28 digits for Fractions."""
    if isinstance(cents, int):
        return Decimal(cents).scaleb(-2)
    cents = Fraction(cents)
    return Decimal(cents.numerator) / Decimal(cents.denominator) / 100


def _to_cent(cents: int | Fraction, up: bool = False, down: bool = False) -> Decimal:
    cents = Fraction(cents)
    if up or down:
        whole = -((-cents.numerator) // cents.denominator) if up else cents.numerator // cents.denominator
        return Decimal(whole).scaleb(-2).quantize(CENT)
    return cents_to_decimal(cents).quantize(CENT, rounding=ROUND_HALF_EVEN)


def money(cents: int | Fraction, up: bool = False, down: bool = False) -> str:
    """Money for people: to the cent (half to even, or up, or down), with thousands separators."""
    if type(cents) is int:  # whole cents, nothing to round: the common case, without a Decimal
        whole, part = divmod(abs(cents), 100)
        return f"{'-' if cents < 0 else ''}{whole:,}.{part:02d}"
    return f"{_to_cent(cents, up, down):,.2f}"


def money_needed(cents: int | Fraction) -> str:
    """An amount still needed to qualify, rounded up to the cent (never 0.00 when above zero)."""
    return money(cents, up=True)


def money_cell(cents: int | Fraction, up: bool = False, down: bool = False) -> float:
    """Money for a numeric spreadsheet cell: the amount to the cent, rounded as `money` is."""
    return float(_to_cent(cents, up, down))


def json_money(cents: int | Fraction, up: bool = False, down: bool = False) -> str:
    """Money for JSON: a decimal string with exactly 2 decimals (half to even, or up, or down)."""
    return str(_to_cent(cents, up, down))


def json_money_exact(cents: int | Fraction) -> str:
    """The exact amount as a decimal string (up to 8 decimals, rounded down past them)."""
    value = Fraction(cents) / 100
    if value.denominator == 1 or (100 % value.denominator == 0):
        return str(_to_cent(cents))
    text = decimal_str(value, 8).rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def floor_places(value: Fraction, places: int = 2) -> Decimal:
    """Round a ratio down to `places` decimals, exactly.

    Rounding down never contradicts a verdict against an "at least" threshold written with at
    most that many decimals: a value that fails (x < t) shows below t, one that passes at or
    above t.
    """
    scaled = Fraction(value) * 10**places
    return Decimal(scaled.numerator // scaled.denominator).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def ceil_places(value: Fraction, places: int = 2) -> Decimal:
    """Round up to `places` decimals: for ceilings ("at most"), the mirror of `floor_places`."""
    return -floor_places(-Fraction(value), places)


def _toward(value: Fraction, comparison: str, places: int) -> Decimal:
    return ceil_places(value, places) if comparison == "at_most" else floor_places(value, places)


def pct(value: Fraction, comparison: str = "at_least", places: int = 2) -> str:
    """A percentage (or points) for people, rounded toward the side that keeps the verdict
    visible: down for floors ("at least"), up for ceilings ("at most")."""
    return f"{_toward(value, comparison, places):.{places}f}"


def points(margin: Fraction) -> str:
    """A margin in percentage points, signed, rounded down: "+1.44 pts", "-0.01 pts"."""
    text = pct(margin)
    return ("+" + text if margin >= 0 else text) + " pts"


def pct_cell(value: Fraction, comparison: str = "at_least") -> float:
    """The 2-decimal number a spreadsheet cell should hold for a percentage or margin, rounded
    like `pct`, so that Excel's own display can never contradict the verdict."""
    return float(_toward(value, comparison, 2))


@overload
def json_pct(value: Fraction, comparison: str = ...) -> str: ...
@overload
def json_pct(value: None, comparison: str = ...) -> None: ...
@overload
def json_pct(value: Fraction | None, comparison: str = ...) -> str | None: ...
def json_pct(value: Fraction | None, comparison: str = "at_least") -> str | None:
    """A percentage for JSON: 4 decimals, rounded toward the verdict (None stays None)."""
    return None if value is None else str(_toward(value, comparison, 4))


def decimal_str(value: Fraction, places: int = 6, up: bool = False) -> str:
    """A Fraction as a decimal string, rounded down (or up) to `places` decimals, exactly."""
    return str(ceil_places(value, places) if up else floor_places(value, places))


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """"1 line", "2 lines", "1,000 lines"."""
    return f"{count:,} {noun if count == 1 else (plural_form or noun + 's')}"


def change(delta: Fraction, unit: str = " pts") -> str:
    """A change between two exact values, signed, to 2 decimals half to even: a change is not
    compared with a threshold, so it is rounded to nearest rather than toward a verdict."""
    text = f"{_half_even(abs(Fraction(delta))):.2f}"
    return ("-" if delta < 0 and text != "0.00" else "+") + text + unit


def signed_money(cents: int | Fraction) -> str:
    """A change in money: "+1,234.50", "-0.20", "+0.00"."""
    text = money(abs(Fraction(cents)))
    return ("-" if cents < 0 and text != "0.00" else "+") + text


def _half_even(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_EVEN)
