"""Exact numbers: parsing cell text into Decimal, and the one place where input is rounded.

Money is held as integer **cents of the vehicle's currency** (int64 in the engine).  Each BOM
line's extended value (quantity x unit value x FX rate) is computed exactly in Decimal and rounded
once, half to even, to the cent by `to_cents`.  Percentages are held as integers in **ten-
thousandths of a percent** (``pct_e4``: 62.5% -> 625000), rounded once by `pct_to_e4`.  These two
functions are the only rounding of input; everything after them -- sums, VNM, ratios, threshold
comparisons -- is exact integer or Fraction arithmetic.

Display rounding is separate (`roo_calc.display`) and never feeds a decision.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

CENT = Decimal("0.01")
PCT_E4 = 10_000  # ten-thousandths of a percent per percent
SHARE_ONE = 100 * PCT_E4  # a share of 100%, in pct_e4 units (i.e. parts per million)

# US thousands: a first group of 1-3 digits not starting with 0 ("0,250" is a decimal comma).
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
# One comma group and no point: "1,500" is 1500 in US style and 1.5 with a decimal comma.
_EITHER_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


def parse_decimal(text: str) -> Decimal:
    """Read a number written in a cell; raises ValueError with what was found.

    Accepts plain decimals and scientific notation as Excel stores them, and thousands
    separators in the US style ("1,234.50"); a first group of 0 ("0,250") is no thousands
    group but a decimal comma, and is refused rather than read as 250.  Rejects NaN and
    infinities.  `comma_is_ambiguous` tells which accepted texts a decimal comma could also mean.
    """
    raw = text.strip()
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    elif _DECIMAL_COMMA.match(raw):
        raise ValueError(f"found text {text!r}, which is no US thousands number (a thousands group has 3 digits and "
                         f"follows no 0) and reads as a decimal comma: write it with a point ({raw.replace(',', '.')}) "
                         "or as a number cell")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"found text {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"found {text!r}")
    return value


def comma_is_ambiguous(text: str) -> bool:
    """Text read with a thousands comma that a decimal comma could equally mean ("1,500": 1500
    or 1.5); the readers say so, naming the cells."""
    return bool(_EITHER_COMMA.match(text.strip()))


def to_cents(amount: Decimal) -> int:
    """Round a money amount to integer cents, half to even (the single money rounding point)."""
    return int(amount.quantize(CENT, rounding=ROUND_HALF_EVEN).scaleb(2))


def pct_to_e4(pct: Decimal) -> int:
    """Round a percentage (0-100) to integer ten-thousandths of a percent, half to even."""
    return int(pct.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).scaleb(4))


def rule_pct_e4(pct: Decimal) -> int:
    """A rule file's percentage in ten-thousandths of a percent, exactly.  Rule files are checked at
    load to hold at most four decimals (`exact_e4`), so nothing is truncated here; a finer value
    would be a ValueError, never a silently lowered threshold."""
    scaled = Fraction(pct) * PCT_E4
    if scaled.denominator != 1:
        raise ValueError(f"{pct} has more than four decimals (ten-thousandths of a percent)")
    return int(scaled)


def exact_e4(pct: Decimal) -> Decimal:
    """Load-time check for a rule file's percentage: at most four decimals."""
    rule_pct_e4(pct)
    return pct


def option_pct_e4(pct: Fraction | Decimal) -> int:
    """A user's option percentage (a re-sourcing premium, a certification cost) in ten-thousandths
    of a percent, rounded half to even: these price a plan, they decide no eligibility."""
    return round(Fraction(pct) * PCT_E4)


_MOVED_TO_DISPLAY = {"display_money": "money", "display_pct": "pct", "shown": "pct_cell", "decimal_str": "decimal_str",
                     "cents_to_decimal": "cents_to_decimal"}


def __getattr__(name: str):
    """Display helpers live in `roo_calc.display`; the old names here forward to them."""
    if name in _MOVED_TO_DISPLAY:
        from roo_calc import display

        return getattr(display, _MOVED_TO_DISPLAY[name])
    raise AttributeError(name)
