"""`LineIndex` answers a selector by look-up exactly as `select` scans the lines: the same mask,
and the same line positions, on a real workbook, for selectors of one field or several, with
values that match, values in lower case (countries), and values that match nothing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import roo_calc
from roo_calc.scenarios.apply import LineIndex, select
from roo_calc.scenarios.model import Selector
from tests.conftest import SAMPLES

BOM = roo_calc.load_bom(SAMPLES / "compact-sedan-mx.xlsx")
INDEX = LineIndex(BOM.lines)


def _values(field: str) -> list[str]:
    column = "hs_code" if field == "hs_prefix" else field
    found = sorted({str(v) for v in BOM.lines[column].dropna().tolist()})
    if field == "hs_prefix":
        found = sorted({v[:4] for v in found}) + found[:3]
    if field == "origin_country":
        found += [v.lower() for v in found]
    return found + ["NO-SUCH-VALUE"]


FIELDS = ["part_number", "hs_prefix", "supplier", "origin_country", "core_part_group", "material"]
selector = st.dictionaries(st.sampled_from(FIELDS), st.just(None), min_size=1, max_size=3).flatmap(
    lambda chosen: st.fixed_dictionaries({f: st.lists(st.sampled_from(_values(f)), min_size=1, max_size=3, unique=True)
                                          for f in chosen}))


@settings(max_examples=200)
@given(selector)
def test_the_index_picks_the_lines_select_picks(fields):
    chosen = Selector.model_validate(fields)
    scanned = select(BOM.lines, chosen)
    assert np.array_equal(INDEX.mask(chosen), scanned)
    assert INDEX.picked(chosen) == np.flatnonzero(scanned).tolist()
