"""Exact numbers: parsing cell text into Decimal, and the one place where input is rounded.

Money is held as integer **cents of the vehicle's currency** (int64 in the engine).  Each BOM
line's extended value (quantity x unit value x FX rate) is computed exactly in Decimal and rounded
once, half to even, to the cent by `to_cents`.  Percentages are held as integers in **ten-
thousandths of a percent** (``pct_e4``: 62.5% -> 625000), rounded once by `pct_to_e4`.  These two
functions are the only rounding of input; everything after them -- sums, VNM, ratios, threshold
comparisons -- is exact integer or Fraction arithmetic.

Display rounding is separate (`display_pct`, `display_money`) and never feeds a decision.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

CENT = Decimal("0.01")
PCT_E4 = 10_000  # ten-thousandths of a percent per percent
SHARE_ONE = 100 * PCT_E4  # a share of 100%, in pct_e4 units (i.e. parts per million)

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_decimal(text: str) -> Decimal:
    """Read a number written in a cell; raises ValueError with what was found.

    Accepts plain decimals and scientific notation as Excel stores them, and thousands
    separators in the US style ("1,234.50").  Rejects NaN and infinities.
    """
    raw = text.strip()
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"found text {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"found {text!r}")
    return value


def to_cents(amount: Decimal) -> int:
    """Round a money amount to integer cents, half to even (the single money rounding point)."""
    return int(amount.quantize(CENT, rounding=ROUND_HALF_EVEN).scaleb(2))


def pct_to_e4(pct: Decimal) -> int:
    """Round a percentage (0-100) to integer ten-thousandths of a percent, half to even."""
    return int(pct.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).scaleb(4))


def cents_to_decimal(cents: int | Fraction) -> Decimal:
    """Cents (possibly a Fraction) as a Decimal amount; exact for int, 6 decimals for Fractions."""
    if isinstance(cents, int):
        return Decimal(cents).scaleb(-2)
    return Decimal(cents.numerator) / Decimal(cents.denominator) / 100


def display_money(cents: int | Fraction) -> str:
    """Money for people: to the cent, half to even, with thousands separators."""
    amount = cents_to_decimal(cents).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return f"{amount:,.2f}"


def floor_2(value: Fraction) -> Decimal:
    """Round a ratio down to 2 decimals.

    Rounding down never contradicts a verdict against a threshold written with at most two
    decimals: a value that fails (x < t) shows below t, and one that passes (x >= t) shows at
    or above t.  So 62.4999 shows as 62.49 beside "fail", never 62.50.
    """
    scaled = value * 100
    floored = scaled.numerator // scaled.denominator
    return Decimal(floored).scaleb(-2)


def ceil_2(value: Fraction) -> Decimal:
    """Round up to 2 decimals: for ceilings ("at most"), the mirror of `floor_2`."""
    return -floor_2(-value)


def display_pct(value: Fraction, comparison: str = "at_least") -> str:
    """A percentage for people, rounded toward the side that keeps the verdict visible:
    down for floors ("at least"), up for ceilings ("at most")."""
    return f"{(ceil_2(value) if comparison == 'at_most' else floor_2(value)):.2f}"


def decimal_str(value: Fraction, places: int = 6, up: bool = False) -> str:
    """A Fraction as a decimal string for JSON, rounded down (or up) to `places` decimals, exactly."""
    scaled = value * 10**places
    whole = -((-scaled.numerator) // scaled.denominator) if up else scaled.numerator // scaled.denominator
    return str(Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places)))


def shown(value: Fraction, comparison: str = "at_least") -> float:
    """The 2-decimal number a spreadsheet cell should hold for a percentage or margin, rounded
    like `display_pct`, so that Excel's own display can never contradict the verdict."""
    return float(ceil_2(value) if comparison == "at_most" else floor_2(value))
