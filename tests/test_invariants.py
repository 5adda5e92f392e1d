"""Legal invariants, checked with hypothesis on generated BOMs.

1. RVC stays within [0, 100] when materials do not exceed net cost (UR 7(3), NAFTA UR 6(3)).
2. The order of BOM lines never changes a determination.
3. Splitting a line into two lines with the same facts never changes a determination.
4. Scaling every amount by the same factor never changes a percentage or a verdict.
5. Making a material originating (certifying it) never lowers RVC (roll-up: 4531(d)(4)(A);
   tracing: UR 9(2)(g) never exceeds 9(2)(i)).
6. Raising a threshold never turns a fail into a pass.
7. A BOM exactly at the threshold passes; one cent more VNM fails.

The engine is pure, so these build validated BOM models directly; the reader is covered by the
.xlsx tests.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from roo_calc.bom.model import Bom, Vehicle
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes

REGIMES = load_regimes()
ON = datetime.date(2024, 1, 1)
HS = ["870840", "870829", "870880", "852859", "731815", "840734", "940120"]
COUNTRIES = ["US", "MX", "CA", "JP", "CN", "DE"]
SETTINGS = settings(max_examples=40, derandomize=True, deadline=None)

line_strategy = st.fixed_dictionaries({
    "hs_code": st.sampled_from(HS),
    "origin_country": st.sampled_from(COUNTRIES),
    "value_cents": st.integers(0, 300_000),
    "certified": st.sampled_from([True, False, None]),
    "rc": st.one_of(st.none(), st.integers(0, 1_000_000)),
    "us": st.one_of(st.none(), st.integers(0, 1_000_000)),
})
boms = st.tuples(st.lists(line_strategy, min_size=1, max_size=25), st.integers(0, 3_000_000), st.sampled_from(["US", "MX", "CA"]))


def make_bom(lines: list[dict], extra_cents: int, assembly: str, scale: int = 1) -> Bom:
    frame = pd.DataFrame({
        "row": pd.array(range(2, len(lines) + 2), dtype="int64"),
        "part_number": pd.Series([f"P{i}" for i in range(len(lines))], dtype=object),
        "description": pd.Series([None] * len(lines), dtype=object),
        "hs_code": pd.Series([l["hs_code"] for l in lines], dtype=object),
        "currency": pd.Series(["USD"] * len(lines), dtype=object),
        "origin_country": pd.Series([l["origin_country"] for l in lines], dtype=object),
        "supplier": pd.Series([None] * len(lines), dtype=object),
        "nafta_originating": pd.array([l["certified"] for l in lines], dtype="boolean"),
        "usmca_originating": pd.array([l["certified"] for l in lines], dtype="boolean"),
        "material": pd.Series([None] * len(lines), dtype=object),
        "high_wage": pd.array([None] * len(lines), dtype="boolean"),
        "core_part_group": pd.Series([None] * len(lines), dtype=object),
        "regional_content_e4": pd.array([l["rc"] for l in lines], dtype="Int64"),
        "us_content_e4": pd.array([l["us"] for l in lines], dtype="Int64"),
        "resourcing_premium_e4": pd.array([None] * len(lines), dtype="Int64"),
        "quantity": pd.Series([1] * len(lines), dtype=object),
        "value_cents": pd.array([l["value_cents"] * scale for l in lines], dtype="int64"),
        "nafta_traced_value_cents": pd.array([None] * len(lines), dtype="Int64"),
        "steel_content_value_cents": pd.array([None] * len(lines), dtype="Int64"),
        "aluminum_content_value_cents": pd.array([None] * len(lines), dtype="Int64"),
    })
    materials = int(frame["value_cents"].sum())
    net_cost = max(materials + extra_cents * scale, 1)
    vehicle = Vehicle(model="generated", hs_code="870323", vehicle_type="passenger_vehicle", assembly_country=assembly,
                      net_cost_cents=net_cost)
    return Bom(path="generated", sha256="-", vehicle=vehicle, lines=frame)


def verdicts(bom: Bom) -> dict:
    out = {}
    for rid, regime in REGIMES.items():
        result = evaluate(bom, regime, ON)
        out[rid] = (result.status, tuple((r.id, r.status, r.value) for r in result.requirements))
    return out


def rvc(bom: Bom, regime: str) -> Fraction:
    return next(r.value for r in evaluate(bom, REGIMES[regime], ON).requirements if r.id == "rvc")


@SETTINGS
@given(boms)
def test_1_rvc_within_bounds(case):
    bom = make_bom(*case)
    for rid, (_status, requirements) in verdicts(bom).items():
        for req_id, _s, value in requirements:
            if req_id in ("rvc", "us_content"):
                assert 0 <= value <= 100, f"{rid}.{req_id} = {value}"


@SETTINGS
@given(boms, st.randoms(use_true_random=False))
def test_2_line_order_does_not_matter(case, rng):
    lines, extra, assembly = case
    shuffled = list(lines)
    rng.shuffle(shuffled)
    assert verdicts(make_bom(lines, extra, assembly)) == verdicts(make_bom(shuffled, extra, assembly))


@SETTINGS
@given(boms, st.data())
def test_3_splitting_a_line_does_not_matter(case, data):
    lines, extra, assembly = case
    index = data.draw(st.integers(0, len(lines) - 1))
    part = data.draw(st.integers(0, lines[index]["value_cents"]))
    first = {**lines[index], "value_cents": part}
    second = {**lines[index], "value_cents": lines[index]["value_cents"] - part}
    split = lines[:index] + [first, second] + lines[index + 1:]
    assert verdicts(make_bom(lines, extra, assembly)) == verdicts(make_bom(split, extra, assembly))


@SETTINGS
@given(boms, st.integers(2, 1000))
def test_4_scaling_all_money_changes_nothing(case, factor):
    lines, extra, assembly = case
    assert verdicts(make_bom(lines, extra, assembly)) == verdicts(make_bom(lines, extra, assembly, scale=factor))


@SETTINGS
@given(boms, st.data())
def test_5_certifying_a_material_never_lowers_rvc(case, data):
    lines, extra, assembly = case
    index = data.draw(st.integers(0, len(lines) - 1))
    better = list(lines)
    better[index] = {**lines[index], "certified": True, "origin_country": data.draw(st.sampled_from(["US", "MX", "CA"]))}
    if lines[index]["origin_country"] not in ("US", "MX", "CA"):
        better[index]["rc"] = None  # a re-sourced part: the old supplier's figure no longer applies
    before, after = make_bom(lines, extra, assembly), make_bom(better, extra, assembly)
    for regime in ("usmca-2020", "nafta-1994"):
        assert rvc(after, regime) >= rvc(before, regime), regime


@SETTINGS
@given(boms, st.integers(1, 30))
def test_6_raising_a_threshold_never_turns_fail_into_pass(case, points):
    bom = make_bom(*case)
    base = REGIMES["usmca-2020"]
    requirement = base.requirements["rvc"]
    raised_history = tuple(p.model_copy(update={"value": min(p.value + points, 100)}) for p in requirement.threshold["passenger_vehicle"])
    raised_req = requirement.model_copy(update={"threshold": {**requirement.threshold, "passenger_vehicle": raised_history}})
    raised = base.model_copy(update={"requirements": {**base.requirements, "rvc": raised_req}})
    before = evaluate(bom, base, ON).requirements[0].status
    after = evaluate(bom, raised, ON).requirements[0].status
    assert not (before == "fail" and after == "pass")


@SETTINGS
@given(st.integers(1, 10_000_000))
def test_7_exactly_at_threshold_passes_one_cent_more_fails(net_cost_units):
    net_cost = net_cost_units * 4  # a quarter of it is a whole number of cents
    vnm = net_cost // 4  # 25% non-originating: RVC exactly 75%
    lines = [{"hs_code": "870840", "origin_country": "JP", "value_cents": vnm, "certified": None, "rc": None, "us": None}]
    at = make_bom(lines, net_cost - vnm, "MX")
    over = make_bom([{**lines[0], "value_cents": vnm + 1}], net_cost - vnm - 1, "MX")
    assert evaluate(at, REGIMES["usmca-2020"], ON).requirements[0].status == "pass"
    assert evaluate(over, REGIMES["usmca-2020"], ON).requirements[0].status == "fail"
