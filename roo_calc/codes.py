"""Code lists: ISO 3166-1 countries, ISO 4217 currencies (from pycountry), HS codes and lists
of them, and the lookup of a vehicle type in a rule file's table by HS code."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache


@cache
def countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


_HS_CLEAN = re.compile(r"[\s.]")
_ROUNDING = Decimal("1e-8")
_HS_FLOAT = re.compile(r"\d{4,}\.\d{8,}")  # more decimals than a code has: a float's rounding (8708.2900000000009)
_FOLDED = ("<wide>", "<narrow>", "<noBreak>")  # compatibility forms NFKC folds to ASCII in a code


def ascii_code(text: str) -> str:
    """A code cell's text (HS, country, currency, Y/N) in ASCII: full-width and half-width
    forms and no-break spaces are folded by NFKC (so "８７０８．２９" is 8708.29); any other
    non-ASCII character is refused with a ValueError naming it (a superscript is a footnote
    mark, not a digit)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if not char.isascii():
            folded = unicodedata.normalize("NFKC", char)
            if not (unicodedata.decomposition(char).startswith(_FOLDED) and folded.isascii()):
                raise ValueError(f"found {text!r}, whose character {char!r} (U+{ord(char):04X} "
                                 f"{unicodedata.name(char, 'unnamed')}) is not allowed in a code: expected ASCII "
                                 "letters and digits")
            char = folded
        out.append(char)
    return "".join(out)


def _float_rounding(raw: str) -> str | None:
    """The code a number cell's binary rounding stands for (8708.2900000000009 and
    8708.2899999999991 -> 8708.29), or None when the text is no such rounding."""
    if not _HS_FLOAT.fullmatch(raw):
        return None
    number = Decimal(raw)
    for places in range(1, 7):  # a code has at most 6 digits after its heading's 4
        near = round(number, places)
        if abs(number - near) < _ROUNDING:
            return str(near)
    return None


def normalize_hs(text: str) -> tuple[str | None, str | None]:
    """Return (digits, note) for an HS code cell, or (None, reason) when it is not one.

    Dots and spaces are optional.  A code typed into a numeric cell loses trailing zeros
    (8708.10 is stored as 8708.1); an odd digit count after a dot is read as that, and the
    note says so.
    """
    try:
        raw = ascii_code(text).strip()
    except ValueError as exc:
        return None, f"expected an HS code of 6 to 10 digits (dots optional, e.g. 8708.29), {exc}"
    digits = _HS_CLEAN.sub("", raw)
    note = None
    short = _float_rounding(raw)
    if short is not None:
        code, _n = normalize_hs(short)
        return None, (f"expected an HS code of 6 to 10 digits (dots optional, e.g. 8708.29), found the number {text!r}, "
                      f"a number cell's binary rounding of {short} (a formula's result, or a code typed as a number): "
                      f"write the HS code as text" + (f", e.g. {hs_display(code)}" if code else ""))
    if not digits.isdigit():
        return None, f"expected an HS code of 6 to 10 digits (dots optional, e.g. 8708.29), found {text!r}"
    if len(digits) % 2 == 1 and "." in raw and 5 <= len(digits) <= 9:
        digits += "0"
        note = f"read HS code {text!r} as {digits} (a numeric cell drops trailing zeros; store HS codes as text)"
    if not 6 <= len(digits) <= 10:
        return None, f"expected an HS code of 6 to 10 digits (dots optional, e.g. 8708.29), found {text!r}"
    if not 1 <= int(digits[:2]) <= 97:
        return None, f"expected an HS code in chapters 01-97, found {text!r}"
    return digits, note


def hs_display(digits: str) -> str:
    """8708290000 -> 8708.29.00.00"""
    parts = [digits[:4], digits[4:6]] + [digits[i : i + 2] for i in range(6, len(digits), 2)]
    return ".".join(p for p in parts if p)


def infer_vehicle_type(hs_digits: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """The vehicle type of an HS code by a rule file's table of (type, HS entries) rows (USMCA UR
    s.12 definitions, rules/usmca-2020.toml `vehicle_types_by_hs`); a code in no row is "other"
    (s.12's vehicles that are not passenger vehicles, light trucks or heavy trucks)."""
    for vehicle_type, entries in table:
        if HsList(entries).contains(hs_digits):
            return vehicle_type
    return "other"


def hs_span(entry: str) -> tuple[int, int]:
    """The 10-digit codes an HS list entry ("8703.21", "8703.21-8703.24", "87") covers, as an
    inclusive range of integers, to tell whether two entries overlap."""
    low, _, high = entry.partition("-")
    low_d, high_d = low.replace(".", "").strip(), (high or low).replace(".", "").strip()
    scale = 10 ** (10 - len(low_d))
    return int(low_d) * scale, (int(high_d) + 1) * scale - 1


def hs_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str] | None:
    """An entry of `a` and one of `b` that cover a common code (("8704.21", "87.04")), or None."""
    for x in a:
        for y in b:
            (lo1, hi1), (lo2, hi2) = hs_span(x), hs_span(y)
            if lo1 <= hi2 and lo2 <= hi1:
                return x, y
    return None


_HS_CACHE: list = []  # [(weak reference to a column converted, its numbers)], newest last
_HS_CACHE_SIZE = 8


def _hs_numbers(hs_codes):
    """A column of HS digit strings as (the code padded to 10 digits, as int64; its digit count,
    0 where it is not 1 to 10 digits).

    The engine matches the same columns against dozens of lists per evaluation, so the last few
    columns converted are remembered, by identity, through weak references."""
    import weakref

    import numpy as np

    for ref, result in _HS_CACHE:
        if ref() is hs_codes:
            return result
    texts = np.asarray(hs_codes, dtype=str)
    if texts.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    width = np.char.str_len(texts).astype(np.int64)
    valid = np.char.isdigit(texts) & (width <= 10)
    width = np.where(valid, width, 0)
    padded = np.char.ljust(np.where(valid, texts, "0"), 10, "0")
    result = (padded.astype(np.int64), width)
    try:
        _HS_CACHE.append((weakref.ref(hs_codes), result))
        del _HS_CACHE[:-_HS_CACHE_SIZE]
    except TypeError:  # a plain list cannot be weakly referenced: nothing to remember
        pass
    return result


class HsList:
    """A list of HS provisions ("40.09", "8708.29", "8482.10-8482.80") matched against codes.

    Each entry is a prefix of 2 to 10 digits (dots ignored), or a range of two prefixes of the
    same length.  Matching is vectorised over a column of digit strings.
    """

    def __init__(self, entries: tuple[str, ...]):
        self.entries = entries
        self._prefixes: list[str] = []
        self._ranges: list[tuple[int, int, int]] = []
        for entry in entries:
            low, _, high = entry.partition("-")
            low_d = low.replace(".", "").strip()
            if not high:
                self._prefixes.append(low_d)
                continue
            high_d = high.replace(".", "").strip()
            if len(low_d) != len(high_d):
                raise ValueError(f"HS range {entry!r}: both ends need the same number of digits")
            self._ranges.append((len(low_d), int(low_d), int(high_d)))
        self._bounds = [(len(p), int(p), int(p)) for p in self._prefixes if p.isdigit()] + self._ranges

    def match(self, hs_codes):
        """A boolean numpy array: which codes fall under any entry."""
        import numpy as np

        number, width = _hs_numbers(hs_codes)
        found = np.zeros(len(number), dtype=bool)
        for entry_width, low, high in self._bounds:
            head = number // 10 ** (10 - entry_width)
            found |= (width >= entry_width) & (head >= low) & (head <= high)
        return found

    def contains(self, hs_code: str) -> bool:
        return bool(self.match([hs_code])[0])
