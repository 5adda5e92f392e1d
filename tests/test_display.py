"""No rounded figure contradicts its verdict: display rules, and the explanation strings built
from them (core-part groups, LVC high-wage points), on values just under a threshold."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from roo_calc import display
from roo_calc.engine.determine import evaluate
from tests.test_invariants import REGIMES, SETTINGS, make_bom

ON = datetime.date(2024, 1, 1)


def test_percentages_round_toward_the_verdict():
    assert display.pct(Fraction(74996, 1000)) == "74.99"
    assert display.pct(Fraction(100001, 10000), "at_most") == "10.01"
    assert display.points(Fraction(-1, 10**6)) == "-0.01 pts"
    assert display.json_pct(Fraction(249999999, 10**7)) == "24.9999"


def test_money_needed_never_shows_zero_and_json_money_has_two_decimals():
    assert display.money_needed(Fraction(1, 3)) == "0.01"
    assert display.money(Fraction(1, 3)) == "0.00"
    assert display.json_money(123456) == "1234.56"
    assert display.json_money(Fraction(1, 3)) == "0.00"
    assert display.json_money_exact(Fraction(1, 3)) == "0.00333333"
    assert display.money(123456789) == "1,234,567.89"


@SETTINGS
@given(st.fractions(min_value=0, max_value=100), st.sampled_from([Fraction(25), Fraction(625, 10), Fraction(75)]))
def test_shown_percentages_never_contradict_a_threshold(value, threshold):
    shown_floor = Fraction(display.pct(value))
    assert (shown_floor >= threshold) == (value >= threshold)
    shown_ceil = Fraction(display.pct(value, "at_most"))
    assert (shown_ceil <= threshold) == (value <= threshold)
    assert (Fraction(display.json_pct(value)) >= threshold) == (value >= threshold)


def test_core_part_reason_just_under_the_threshold():
    """An engine group at 74.996% beside a 75% threshold is never shown as 75.00%."""
    lines = [{"hs_code": "840734", "origin_country": "MX", "value_cents": 74_996, "certified": True, "rc": None, "us": None},
             {"hs_code": "840734", "origin_country": "JP", "value_cents": 25_004, "certified": None, "rc": None, "us": None}]
    bom = make_bom(lines, 10_000_000, "MX")
    frame = bom.lines.copy()
    frame["core_part_group"] = pd.Series(["engine", "engine"], dtype=object)
    bom = bom.model_copy(update={"lines": frame})
    result = evaluate(bom, REGIMES["usmca-2020"], ON)
    core = next(r for r in result.requirements if r.id == "core_parts")
    assert core.status == "fail"
    assert "engine at 74.99%" in core.reason and "75.00" not in core.reason


def test_lvc_reason_just_under_the_minimum():
    """High-wage points of 24.99999 under a minimum of 25 are never shown as 25.0000."""
    lines = [{"hs_code": "870840", "origin_country": "MX", "value_cents": 100, "certified": True, "rc": None, "us": None}]
    bom = make_bom(lines, 0, "MX")
    vehicle = bom.vehicle.model_copy(update={"net_cost_cents": 10_000_000, "lvc_high_wage_labor_cents": 2_499_999,
                                             "lvc_high_wage_materials_cents": 0, "lvc_technology_points_e4": 100_000,
                                             "lvc_assembly_points_e4": 50_000})
    result = evaluate(bom.model_copy(update={"vehicle": vehicle}), REGIMES["usmca-2020"], ON)
    lvc = next(r for r in result.requirements if r.id == "lvc")
    assert lvc.status == "fail"
    assert "24.99" in lvc.reason and "25.00" not in lvc.reason.split("minimum")[0]
