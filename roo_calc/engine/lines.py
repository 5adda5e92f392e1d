"""BOM lines as numpy arrays, prepared once per evaluation for the requirement functions.

Shares are integers in parts per million (``SHARE_ONE`` = 100%); a line's contribution to a
figure such as VNM is ``value_cents * share`` ("scaled cents"), summed exactly in int64 and
divided by ``SHARE_ONE`` only when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from roo_calc.bom.model import Bom
from roo_calc.errors import RooCalcError
from roo_calc.numbers import SHARE_ONE

# Largest total of line values (in cents) whose scaled sums stay exact in int64.
MAX_TOTAL_CENTS = (2**63 - 1) // SHARE_ONE // 4


@dataclass(frozen=True)
class LineArrays:
    """Columns the requirement functions read, as plain numpy arrays."""

    frame: pd.DataFrame
    value: np.ndarray  # int64 cents
    hs: np.ndarray  # object, digit strings
    origin: np.ndarray  # object, ISO alpha-2

    @classmethod
    def of(cls, bom: Bom) -> LineArrays:
        frame = bom.lines
        value = frame["value_cents"].to_numpy(dtype=np.int64)
        if int(np.abs(value).sum()) > MAX_TOTAL_CENTS:
            raise RooCalcError("the BOM's line values are too large to sum exactly (over 2 billion per vehicle)")
        return cls(frame, value, frame["hs_code"].to_numpy(dtype=object), frame["origin_country"].to_numpy(dtype=object))

    def flag(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(is True, is False) for a nullable Y/N column; both False means not declared."""
        def read(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
            return (series == True).fillna(False).to_numpy(dtype=bool), (series == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        return self._read("flag", column, read)

    def pct(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(share in ppm with 0 where blank, is stated) for a nullable percentage column."""
        return self._read("number", column, _number)

    def money(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        return self._read("number", column, _number)

    def _read(self, how: str, column: str, read) -> tuple[np.ndarray, np.ndarray]:
        """A column read once per LineArrays (a per-line report may ask for it per line), its
        arrays read-only so that no caller can change them for the next."""
        cache = self.__dict__.setdefault("_read_columns", {})
        found = cache.get((how, column))
        if found is None:
            found = cache[(how, column)] = read(self.frame[column])
            for array in found:
                array.flags.writeable = False
        return found

    def stated(self, i: int, figure: str) -> str:
        """Line i's content figure (regional, US) in words: "states 68.00%", or, where it is an
        assumption rather than a supplier's statement (`assumed_by`: advise's re-sourced lines),
        "is taken as 100.00% (whose assumption, not a stated figure)"."""
        if "assumed_by" in self.frame.columns:
            who = self.frame["assumed_by"].iat[i]
            if isinstance(who, str) and who:
                return f"is taken as {figure} ({who}, not a stated figure)"
        return f"states {figure}"

    def in_countries(self, countries) -> np.ndarray:
        return np.isin(self.origin, list(countries))

    @cached_property
    def total_cents(self) -> int:
        return int(self.value.sum())


def _number(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(the values with 0 where blank, is given) for a nullable integer column."""
    return series.fillna(0).to_numpy(dtype=np.int64), series.notna().to_numpy(dtype=bool)
