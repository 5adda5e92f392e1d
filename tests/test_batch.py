"""The batch path (lines x scenarios) agrees exactly with evaluating each edited BOM alone."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from roo_calc.bom.reader import load_bom
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes
from roo_calc.scenarios.batch import EDITABLE, _stacked, batchable, evaluate_batch
from tests.conftest import SAMPLES

REGIMES = load_regimes()
BOM = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
ON = BOM.vehicle.production_date
BATCHABLE = [r for r in REGIMES.values() if batchable(r)]

edit_row = st.fixed_dictionaries({
    "line": st.integers(0, len(BOM.lines) - 1),
    "origin_country": st.sampled_from([None, "US", "MX", "CA", "JP", "CN"]),
    "usmca_originating": st.sampled_from([None, True, False]),
    "nafta_originating": st.sampled_from([None, True, False]),
    "high_wage": st.sampled_from([None, True, False]),
    "regional_content_e4": st.one_of(st.none(), st.integers(0, 1_000_000)),
    "us_content_e4": st.one_of(st.none(), st.integers(0, 1_000_000)),
})


@settings(max_examples=15, derandomize=True, deadline=None)
@given(st.lists(st.lists(edit_row, min_size=1, max_size=6, unique_by=lambda r: r["line"]), min_size=1, max_size=4))
def test_batch_equals_one_at_a_time(scenarios):
    rows = [{"scenario": s, **edit} for s, edits in enumerate(scenarios) for edit in edits]
    edits = pd.DataFrame(rows, columns=["scenario", "line", *EDITABLE])
    edits["supplier"] = None
    for regime in BATCHABLE:
        batch = evaluate_batch(BOM, regime, ON, edits, len(scenarios), REGIMES)
        for s in range(len(scenarios)):
            mine = edits[edits["scenario"] == s]
            lines = BOM.lines.copy()
            alone_bom = _stacked(BOM, mine.assign(line=mine["line"]))  # the edited lines
            for k, index in enumerate(mine["line"].tolist()):
                lines.iloc[index] = alone_bom.lines.iloc[k]
            alone = evaluate(BOM.model_copy(update={"lines": lines}), regime, ON, REGIMES)
            context = f"{regime.id}, scenario {s}"
            assert batch.status[s] == alone.status, context
            for req in alone.requirements:
                assert batch.requirement_status[req.id][s] == req.status, f"{context}: {req.id}"
                assert batch.values[req.id][s] == req.value, f"{context}: {req.id}"


def test_sample_batch_is_quick_and_exact_for_many_scenarios():
    count = 200
    rng = np.random.default_rng(0)
    lines = rng.integers(0, len(BOM.lines), count)
    edits = pd.DataFrame({"scenario": np.arange(count), "line": lines, "origin_country": "MX", "usmca_originating": True,
                          "nafta_originating": True, "high_wage": None, "regional_content_e4": 1_000_000,
                          "us_content_e4": None, "supplier": None})
    batch = evaluate_batch(BOM, REGIMES["usmca-2020"], ON, edits, count, REGIMES)
    assert len(batch.status) == count
    assert set(batch.status) <= {"eligible", "not_eligible", "needs_review", "not_applicable"}
    assert datetime.date(2024, 3, 15) == ON
