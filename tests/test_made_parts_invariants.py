"""Invariants of self-produced parts of other vehicles (USMCA UR 20(1), 20(3)(b), 20(4)), checked
with hypothesis on generated two-level BOMs: a self-produced engine of a dumper (8704.10, UR
20(3)(a)(iii)) with bought materials below it, and bought lines beside it.

1. Measuring the engine as a part never lowers the vehicle's RVC below plain roll-up of its
   materials (20(1) only removes VNM).
2. Certifying one of the engine's materials never lowers the vehicle's RVC (it lowers the
   engine's VNM, which can only make the engine originating).
3. The engine's own RVC exactly at 60% makes its materials originating; one cent more VNM does not.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from roo_calc.bom.model import Bom, Vehicle, empty_made
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes
from tests.test_invariants import make_bom as flat_bom

USMCA = load_regimes()["usmca-2020"]
ON = datetime.date(2024, 1, 1)
SETTINGS = settings(max_examples=30, derandomize=True, deadline=None)

child = st.fixed_dictionaries({
    "hs_code": st.sampled_from(["840999", "841330", "848310", "731815"]),
    "origin_country": st.sampled_from(["MX", "US", "CN", "DE"]),
    "value_cents": st.integers(0, 200_000),
    "certified": st.sampled_from([True, False, None]),
    "rc": st.none(),
    "us": st.none(),
})
cases = st.tuples(st.lists(child, min_size=1, max_size=8), st.lists(child, min_size=0, max_size=4),
                  st.integers(0, 400_000), st.integers(0, 1_000_000))


def bom(children: list[dict], beside: list[dict], engine_extra: int, vehicle_extra: int, made: bool = True) -> Bom:
    """Rows 3.. are the engine's materials (parent row 2, the make line) when `made`, then the lines beside it."""
    flat = flat_bom(children + beside, 0, "MX")
    lines = flat.lines.copy()
    lines["row"] = pd.array(range(3, len(lines) + 3), dtype="int64")
    lines["level"] = pd.array([2] * len(children) + [1] * len(beside), dtype="int64")
    lines["parent_row"] = pd.array([2 if made else None] * len(children) + [None] * len(beside), dtype="Int64")
    engine_value = sum(c["value_cents"] for c in children) + engine_extra
    made_frame = empty_made() if not made else pd.DataFrame({
        "row": pd.array([2], dtype="int64"), "part_number": pd.Series(["ENGINE"], dtype=object),
        "description": pd.Series([None], dtype=object), "hs_code": pd.Series(["840820"], dtype=object),
        "origin_country": pd.Series(["MX"], dtype=object), "value_cents": pd.array([engine_value], dtype="int64"),
        "level": pd.array([1], dtype="int64"), "parent_row": pd.array([None], dtype="Int64"),
        "core_part_group": pd.Series([None], dtype=object)})
    net_cost = max(int(lines["value_cents"].sum()) + engine_extra + vehicle_extra, 1)
    vehicle = Vehicle(model="generated", hs_code="870410", vehicle_type="other", assembly_country="MX",
                      net_cost_cents=net_cost)
    return Bom(path="generated", sha256="-", vehicle=vehicle, lines=lines, made=made_frame)


def rvc(b: Bom) -> Fraction:
    result = evaluate(b, USMCA, ON)
    assert result.vehicle_class == "other_heavy_vehicle"
    return next(r.value for r in result.requirements if r.id == "rvc")


@SETTINGS
@given(cases)
def test_1_measuring_the_engine_never_lowers_the_vehicle_rvc(case):
    assert rvc(bom(*case)) >= rvc(bom(*case, made=False))


@SETTINGS
@given(cases, st.data())
def test_2_certifying_an_engine_material_never_lowers_the_vehicle_rvc(case, data):
    children, beside, engine_extra, vehicle_extra = case
    i = data.draw(st.integers(0, len(children) - 1))
    certified = [dict(c) for c in children]
    certified[i].update(origin_country="MX", certified=True)
    assert rvc(bom(certified, beside, engine_extra, vehicle_extra)) >= rvc(bom(children, beside, engine_extra, vehicle_extra))


def test_3_the_engine_exactly_at_60_percent_is_originating_one_cent_more_is_not():
    at = [{"hs_code": "840999", "origin_country": "CN", "value_cents": 200_000, "certified": None, "rc": None, "us": None}]
    over = [{**at[0], "value_cents": 200_001}]
    # engine net cost 500,000 cents: 200,000 of VNM is exactly 60% (UR 20(3)(b)); the vehicle adds 500,000 of its own
    assert rvc(bom(at, [], 300_000, 500_000)) == 100
    assert rvc(bom(over, [], 299_999, 500_000)) == Fraction(1_000_000 - 200_001, 1_000_000) * 100
