"""`advise` and the heavy-truck excess-LVC credit (USMCA UR 18(22)): "For the period ending July 1,
2027, if a producer certifies an LVC for a heavy truck that is higher than 45% by increasing the
amount of high wage material and manufacturing expenditures above 30 percentage points, the
producer may use the points above 30 percentage points as a credit towards the RVC percentages
under section 13, provided that the RVC percentage is not below 60%."

Re-sourcing a line to a high-wage plant in the region raises both the RVC and the high-wage
points, so with the credit one line can do the work of two.  The plan program counts the credit
exactly (`LinearForm.credit_way`): plans equal the cheapest of every choice, found by brute force,
and the engine's determination of the changed BOM confirms each one."""

from __future__ import annotations

import os
from datetime import date
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from roo_calc import load_bom
from roo_calc.advise import RESOURCE, advise
from roo_calc.bom.template import write_workbook
from tests.test_advise import REGIMES, _brute_force

ON = date(2025, 6, 1)  # heavy-truck RVC 64% (UR s.13, July 1 2024 - June 30 2027); the credit is open
TRUCK = {"model": "Tractor", "hs_code": "8704.23", "assembly_country": "US", "net_cost": 100000, "production_date": "2025-06-01",
         "steel_purchases": 1000, "steel_purchases_originating": 1000, "aluminum_purchases": 100,
         "aluminum_purchases_originating": 100, "lvc_high_wage_labor": 20000, "lvc_technology_points": 10,
         "lvc_assembly_points": 5}
# RVC (100,000 - 42,000) / 100,000 = 58%; high-wage points (20,000 labor + 10,000 FRM) / 100,000 = 30,
# LVC 30 + 10 + 5 = 45%: met, but not above 45%, so no credit yet.
TRUCK_LINES = [
    {"part_number": "SEAT", "hs_code": "9401.20", "value": 3000, "origin_country": "JP", "high_wage": "N"},
    {"part_number": "HVAC", "hs_code": "8415.20", "value": 3000, "origin_country": "JP", "high_wage": "N"},
    {"part_number": "WIRE", "hs_code": "8544.30", "value": 36000, "origin_country": "JP", "high_wage": "N",
     "resourcing_premium_pct": 40},
    {"part_number": "FRM", "hs_code": "7308.90", "value": 10000, "origin_country": "US", "usmca_originating": "Y",
     "high_wage": "Y"},
]


FRAME = {"part_number": "FRM", "hs_code": "7308.90", "value": 10000, "origin_country": "US", "usmca_originating": "Y",
         "high_wage": "Y"}


def _jp(part: str, value: int, **more) -> dict:
    return {"part_number": part, "hs_code": "9401.20", "value": value, "origin_country": "JP", "high_wage": "N", **more}


def _planned(make_bom, vehicle: dict, lines: list[dict], parts: list[str], cost_cents: int):
    """The plan for the truck: it re-sources exactly `parts` at that cost, which brute force confirms
    is the cheapest, and the engine confirms on the changed BOM; returns (plan, rvc before, rvc after)."""
    bom = load_bom(make_bom(vehicle, lines))
    regime = REGIMES["usmca-2020"]
    plan = advise(bom, regime, ON, Fraction(5), known=REGIMES)
    assert [(p.part_number, p.action) for p in plan.lines] == [(p, RESOURCE) for p in parts], plan.message
    assert plan.total_cost_cents == cost_cents and plan.verified
    assert plan.total_cost_cents == _brute_force(bom, regime, ON, Fraction(5))
    rvc = [next(r for r in d.requirements if r.id == "rvc") for d in (plan.before, plan.after)]
    return plan, rvc[0], rvc[1]


def test_the_credit_makes_a_cheaper_plan(make_bom):
    """Without the credit the RVC needs 6,000 of VNM made originating (SEAT and HVAC, 300.00 at 5%).
    Re-sourcing SEAT alone to a US high-wage plant gives RVC 61% and high-wage points 33 (LVC 48%,
    above 45%): 3 points of credit, 61 + 3 = 64%, and 61% is not below 60%.  150.00."""
    plan, before, after = _planned(make_bom, TRUCK, TRUCK_LINES, ["SEAT"], 15000)  # the first of two equal lines
    assert before.status == "fail" and after.status == "pass" and after.value == 64
    assert after.figures["rvc_before_credit"] == 61 and after.figures["excess_lvc_credit"] == 3
    assert [(g.requirement, g.cents, g.what) for g in plan.gaps] == [
        ("rvc", 600_000, "of non-originating value to make originating (certify or re-source), by itself "
                         "(less with the credit it earns from lvc)")]


def test_a_credit_from_the_vehicle_sheets_lvc_is_counted_in_the_bound(make_bom):
    """High-wage materials stated on the Vehicle sheet (15,000): no line moves the LVC, whose
    high-wage points are 35 (LVC 50%), a credit of 5.  The RVC of 58% needs max(60, 64 - 5) = 60%:
    2,000 of VNM, re-sourcing SEAT (150.00), where 64% by itself needs 6,000."""
    plan, before, after = _planned(make_bom, {**TRUCK, "lvc_high_wage_materials": 15000}, TRUCK_LINES, ["SEAT"], 15000)
    assert before.status == "fail" and after.figures["excess_lvc_credit"] == 5 and after.value == 66
    assert [(g.requirement, g.cents) for g in plan.gaps] == [("rvc", 200_000)]


def test_the_credit_does_not_lift_an_rvc_below_60(make_bom):
    """RVC 55% and high-wage points 40 (LVC 55%): 10 points of credit would give 65%, but the RVC
    is below 60%, so the credit is not usable and the RVC fails.  The cheapest plan brings the RVC
    to 60% exactly (re-source A, 5,000: 250.00); without the credit it would need 64%."""
    lines = [_jp("A", 5000), _jp("B", 4000), _jp("C", 36000, resourcing_premium_pct=40), FRAME]
    _plan, before, after = _planned(make_bom, {**TRUCK, "lvc_high_wage_labor": 30000}, lines, ["A"], 25000)
    assert before.status == "fail" and after.figures["rvc_before_credit"] == 60 and after.value == 75


def test_no_credit_at_an_lvc_of_exactly_45(make_bom):
    """High-wage points 35 with 5 technology and 5 assembly points: LVC exactly 45%, not "higher
    than 45%", so the 5 points above 30 are no credit and the RVC of 62% fails.  Any line moved
    to a high-wage plant lifts the LVC above 45% and opens the credit: the cheapest such line is
    enough (TRIM, 500 at 5%: 25.00), where 2 points of RVC without the credit would cost more."""
    trim = {"part_number": "TRIM", "hs_code": "9401.20", "value": 500, "origin_country": "US", "usmca_originating": "Y",
            "high_wage": "N"}
    lines = [trim, _jp("SEAT", 2000), _jp("WIRE", 36000, resourcing_premium_pct=40), FRAME]
    plan, before, after = _planned(make_bom, {**TRUCK, "lvc_high_wage_labor": 25000, "lvc_technology_points": 5}, lines,
                                   ["TRIM"], 2500)
    assert next(r for r in plan.before.requirements if r.id == "lvc").value == 45
    assert before.status == "fail" and before.value == 62
    assert after.figures["excess_lvc_credit"] == Fraction(11, 2) and after.value == Fraction(135, 2)


KINDS = [  # (hs, origin, usmca, high_wage): non-originating, certifiable, originating but not high-wage, "high-wage" abroad
    ("9401.20", "JP", None, "N"), ("8415.20", "CN", None, "N"), ("8544.30", "MX", None, "N"), ("9401.20", "US", "Y", "N"),
    ("8544.30", "KR", None, "Y"),
]
USED_CREDIT: list[bool] = []


@st.composite
def trucks(draw):
    lines = []
    for k in range(4):
        hs, origin, usmca, wage = draw(st.sampled_from(KINDS))
        line = {"part_number": f"P{k}", "hs_code": hs, "origin_country": origin, "high_wage": wage,
                "value": draw(st.sampled_from([800, 1000, 1200, 1500]))}
        if usmca:
            line["usmca_originating"] = usmca
        premium = draw(st.sampled_from([None, 2, 30]))
        if premium is not None:
            line["resourcing_premium_pct"] = premium
        lines.append(line)
    # RVC and high-wage points drawn around the 64% threshold and the 30 points the credit starts at.
    vehicle = {**TRUCK, "net_cost": 8000, "lvc_high_wage_labor": draw(st.sampled_from([2200, 2400, 2600])),
               "lvc_technology_points": draw(st.sampled_from([5, 10])), "lvc_assembly_points": draw(st.sampled_from([0, 5]))}
    return vehicle, lines, draw(st.sampled_from([Fraction(0), Fraction(1)])), draw(st.sampled_from([Fraction(0), Fraction(1, 2)]))


@settings(max_examples=300 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 25, deadline=None)
@given(trucks())
def test_heavy_truck_plans_equal_brute_force_and_the_engine(tmp_path_factory, drawn):
    """Random heavy trucks of four lines: the plan costs what the cheapest of all 3^4 choices
    costs (margin and certification cost drawn too), and the engine's determination of the
    changed BOM equals the plan's prediction for every planned requirement."""
    vehicle, lines, margin, certification = drawn
    path = tmp_path_factory.mktemp("credit") / "truck.xlsx"
    write_workbook(path, vehicle, lines, ())
    bom = load_bom(path)
    regime = REGIMES["usmca-2020"]
    plan = advise(bom, regime, ON, Fraction(5), known=REGIMES, margin_pts=margin, certification_pct=certification)
    best = _brute_force(bom, regime, ON, Fraction(5), margin=margin, certification=certification)
    if plan.before.status == "eligible" and not plan.lines:
        return
    assert not plan.blocked, plan.blocked
    if best is None:
        assert plan.after is None and plan.message.startswith("no plan"), plan.message
        return
    assert plan.after is not None and plan.verified, plan.message
    assert plan.total_cost_cents == best, (plan.total_cost_cents, best, plan.message)
    after = {r.id: r for r in plan.after.requirements}
    for rid, decision in plan.predicted.items():
        assert after[rid].value == decision.value and after[rid].status == "pass", rid
    USED_CREDIT.append("excess_lvc_credit" in after["rvc"].figures)


def test_the_random_trucks_include_plans_that_use_the_credit():
    """Runs after the property above (file order): some of its plans rest on the credit."""
    if not USED_CREDIT:
        test_heavy_truck_plans_equal_brute_force_and_the_engine()
    assert any(USED_CREDIT), USED_CREDIT
