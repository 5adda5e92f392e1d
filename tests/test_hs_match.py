"""HS provision lists (`codes.HsList`) match exactly as the plain reading of each entry says:
a prefix matches the codes that start with it, a range the codes whose leading digits fall
between its ends (both included).  The vectorised matcher is checked against that reading."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from roo_calc.codes import HsList

digits = st.text("0123456789", min_size=2, max_size=10)
codes = st.lists(st.text("0123456789", min_size=6, max_size=10).filter(lambda t: len(t) in (6, 8, 10)), max_size=30)


def _reference(entries: list[str], code: str) -> bool:
    for entry in entries:
        low, _, high = entry.partition("-")
        if not high:
            if code.startswith(low):
                return True
        elif len(code) >= len(low) and int(low) <= int(code[: len(low)]) <= int(high):
            return True
    return False


@st.composite
def entries(draw):
    out = []
    for _ in range(draw(st.integers(0, 5))):
        low = draw(digits)
        if draw(st.booleans()):
            high = draw(st.text("0123456789", min_size=len(low), max_size=len(low)))
            low, high = min(low, high), max(low, high)
            out.append(f"{low}-{high}")
        else:
            out.append(low)
    return out


@given(entries(), codes)
def test_match_agrees_with_the_plain_reading(entry_list, code_list):
    column = np.array(code_list, dtype=object)
    found = HsList(tuple(entry_list)).match(column)
    assert found.tolist() == [_reference(entry_list, c) for c in code_list]
    # A second call on the same column (served from the cache) gives the same answer.
    assert HsList(tuple(entry_list)).match(column).tolist() == found.tolist()


def test_dotted_entries_and_short_codes():
    hs = HsList(("8708.40", "8482.10-8482.80", "40.09"))
    column = np.array(["870840", "87084010", "848250", "848291", "400912", "870899"], dtype=object)
    assert hs.match(column).tolist() == [True, True, True, False, True, False]
    assert not HsList(("87084010",)).match(np.array(["870840"], dtype=object))[0]  # a 6-digit code is not under an 8-digit entry
