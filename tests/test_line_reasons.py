"""Each line's basis on a regime sheet is true of that line.

Property: a line that counts 0 against a requirement never carries a reason for counting, and
a line that counts carries one.  Then the sample sedan's sheets, checked line by line.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from roo_calc.engine.determine import evaluate
from tests.test_invariants import REGIMES, SETTINGS, line_strategy, make_bom

# Words that say a line counts against a requirement (adds to VNM, to non-US or dutiable value...).
COUNTING = re.compile(r"full value|non-originating|non-US|(?<!not )dutiable|the rest|counts|not from a high-wage"
                      r"|not counted as high-wage|traced material imported")

lines_strategy = st.lists(
    st.tuples(line_strategy, st.sampled_from([None, "steel", "aluminum"]), st.sampled_from([True, False, None]),
              st.sampled_from([None, "engine", "transmission", "body", "none"]), st.sampled_from(["870323", "870840", "720851"])),
    min_size=1, max_size=20)


def _bom(lines, extra, assembly):
    base = [dict(line, hs_code=hs if k % 3 == 0 else line["hs_code"]) for k, (line, _m, _h, _g, hs) in enumerate(lines)]
    bom = make_bom(base, extra, assembly)
    frame = bom.lines.copy()
    frame["material"] = pd.Series([m for _l, m, _h, _g, _hs in lines], dtype=object)
    frame["high_wage"] = pd.array([h for _l, _m, h, _g, _hs in lines], dtype="boolean")
    frame["core_part_group"] = pd.Series([g for _l, _m, _h, g, _hs in lines], dtype=object)
    vehicle = bom.vehicle.model_copy(update={"transaction_value_cents": bom.vehicle.net_cost_cents + 100_000})
    return bom.model_copy(update={"lines": frame, "vehicle": vehicle})


def _check(result):
    for req in result.requirements:
        if req.line_counted is None:
            continue
        counted = np.asarray(req.line_counted, dtype=np.int64)
        basis = np.asarray(req.line_basis, dtype=object)
        for c, why in zip(counted, basis):
            if c == 0:
                assert not COUNTING.search(str(why)), (result.regime, req.id, why)
            else:
                assert why, (result.regime, req.id, c)


@SETTINGS
@given(lines_strategy, st.integers(0, 3_000_000), st.sampled_from(["US", "MX", "CA"]))
def test_a_line_that_counts_nothing_gives_no_reason_for_counting(lines, extra, assembly):
    bom = _bom(lines, extra, assembly)
    for regime in REGIMES.values():
        _check(evaluate(bom, regime, datetime.date(2025, 6, 1), REGIMES))


def test_sample_sedan_line_reasons():
    import roo_calc
    from tests.conftest import SAMPLES

    bom = roo_calc.load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    results = {r: evaluate(bom, REGIMES[r], datetime.date(2025, 6, 1), REGIMES)
               for r in ("usmca-2020", "us-section-232-2025")}
    for result in results.values():
        _check(result)
    usmca = {req.id: req for req in results["usmca-2020"].requirements}
    shift = np.asarray(usmca["tariff_shift"].line_basis, dtype=object)
    assert not any("8703" in str(b) for b in shift[np.asarray(usmca["tariff_shift"].line_counted) == 0]
                   if "originating (certified" not in str(b))
    core = np.asarray(usmca["core_parts"].line_basis, dtype=object)
    assert not any("None" in str(b) for b in core)
    origin = bom.lines["origin_country"].to_numpy()
    rvc = np.asarray(usmca["rvc"].line_basis, dtype=object)
    uncertified_us = (origin == "US") & bom.lines["usmca_originating"].isna().to_numpy()
    assert all(str(b).startswith("made in US, no usmca_originating certification on file") for b in rvc[uncertified_us])
