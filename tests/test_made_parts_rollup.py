"""Self-produced parts in the vehicle's VNM (USMCA UR 14(1), 14(2), 14(13)): `advise` and the
compare batch decide a make part's origin from the same sums as the engine (a `Gate` of the RVC's
linear form), on real .xlsx BOMs."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pandas as pd

from roo_calc import load_bom
from roo_calc.advise import CERTIFY, advise
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes
from roo_calc.scenarios.batch import EDITABLE, evaluate_batch

ON = date(2024, 1, 1)
VEHICLE = {"model": "Gate", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000}
# The engine (8,000) counts 1,500 + 600 of non-originating materials: 73.75%, under its 75%
# core-part threshold (14(13)(d)).  Certified, the uncertified Mexican casting leaves 1,500:
# 81.25%, originating, and every material of the engine leaves the car's VNM (14(1)).
LINES = [
    {"part_number": "ENG", "hs_code": "8407.34", "value": 8000, "origin_country": "MX", "procurement": "make", "level": 1},
    {"part_number": "ENG-CN", "hs_code": "8409.91", "value": 1500, "origin_country": "CN", "level": 2},
    {"part_number": "ENG-MX", "hs_code": "8409.91", "value": 600, "origin_country": "MX", "level": 2},
    {"part_number": "IMP", "hs_code": "8708.99", "value": 2000, "origin_country": "CN", "core_part_group": "none", "level": 1},
]


def _rvc(determination):
    return next(r for r in determination.requirements if r.id == "rvc")


def test_advise_makes_the_engine_originating_when_that_is_the_cheapest_way(make_bom):
    """Certifying the 600 casting alone makes the engine originating: VNM 2,000, RVC 80%.  Counted
    line by line it would leave 3,500 (65%) and need re-sourcing besides (UR 14(1), 14(2))."""
    regimes = load_regimes()
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=LINES))
    before = evaluate(bom, regimes["usmca-2020"], ON, regimes)
    assert _rvc(before).status == "fail" and _rvc(before).value == Fraction(59)
    plan = advise(bom, regimes["usmca-2020"], ON, Fraction(5), known=regimes)
    assert [(line.part_number, line.action) for line in plan.lines] == [("ENG-MX", CERTIFY)]
    assert plan.total_cost_cents == 0 and plan.verified, plan.message
    assert "NOT proven" not in plan.method
    after = _rvc(plan.after)
    assert after.status == "pass" and after.value == Fraction(80) == plan.predicted["rvc"].value


def test_a_scenario_that_decertifies_a_material_of_an_originating_engine_flips_it(make_bom):
    """The batch sums the engine's materials per scenario: a scenario moving the Mexican casting to
    China leaves the engine at 73.75%, not originating, and its materials back in the VNM, as the
    engine finds on the changed BOM (UR 14(2): originating only if it meets the threshold)."""
    regimes = load_regimes()
    lines = [dict(LINES[0]), dict(LINES[1]), {**LINES[2], "usmca_originating": "Y"}, LINES[3]]
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=lines))
    regime = regimes["usmca-2020"]
    edits = pd.DataFrame([{"scenario": 0, "line": 1, **{f: None for f in EDITABLE}, "origin_country": "CN"},
                          {"scenario": 1, "line": 2, **{f: None for f in EDITABLE}, "origin_country": "US"}],
                         columns=["scenario", "line", *EDITABLE])
    batch = evaluate_batch(bom, regime, ON, edits, 2, regimes)
    for k in range(2):
        changed = bom.lines.copy()
        row = edits.iloc[k]
        changed.loc[changed.index[int(row["line"])], "origin_country"] = row["origin_country"]
        alone = _rvc(evaluate(bom.model_copy(update={"lines": changed}), regime, ON, regimes))
        assert (batch.requirement_status["rvc"][k], batch.value("rvc", k)) == (alone.status, alone.value)
    assert _rvc(evaluate(bom, regime, ON, regimes)).value == Fraction(80)  # the engine originating: VNM 2,000
    assert batch.value("rvc", 0) == Fraction(59)  # the casting from China: VNM 1,500 + 600 + 2,000
