"""`advise`: plans verified by re-evaluation and, on small BOMs, against brute force."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from roo_calc.advise import CERTIFY, RESOURCE, advise, certifiable, certify, resource
from roo_calc import load_bom
from roo_calc.bom.template import write_workbook
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.report.advise import to_json
from roo_calc.report.json import json_money_exact, money as json_money
from roo_calc.report.verdict import duty
from roo_calc.rules.loader import load_mfn_table, load_regimes
from tests.conftest import SAMPLES

REGIMES = load_regimes()
runner = CliRunner()

SMALL_LINES = [
    {"part_number": "ENG", "hs_code": "8407.34", "value": 2500, "origin_country": "JP", "high_wage": "N"},
    {"part_number": "TRN", "hs_code": "8708.40", "value": 1200, "origin_country": "MX", "usmca_originating": "Y", "high_wage": "Y"},
    {"part_number": "BDY", "hs_code": "8707.10", "value": 2000, "origin_country": "US", "usmca_originating": "Y", "high_wage": "Y"},
    {"part_number": "ECU", "hs_code": "8537.10", "value": 400, "origin_country": "CN", "resourcing_premium_pct": 30},
    {"part_number": "DSP", "hs_code": "8528.59", "value": 600, "origin_country": "KR", "resourcing_premium_pct": 2},
    {"part_number": "SEAT", "hs_code": "9401.20", "value": 700, "origin_country": "MX", "high_wage": "N"},
    {"part_number": "GLS", "hs_code": "7007.21", "value": 300, "origin_country": "CN"},
    {"part_number": "STL", "hs_code": "7208.39", "value": 300, "origin_country": "KR", "material": "steel"},
]
SMALL_VEHICLE = {"model": "Small", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000,
                 "aluminum_purchases": 100, "aluminum_purchases_originating": 100, "lvc_high_wage_labor": 1000,
                 "lvc_technology_points": 10, "lvc_assembly_points": 5}


def _brute_force(bom, regime, on, premium, margin=Fraction(0), certification=Fraction(0)):
    """The cheapest cost over every choice of (nothing, certify where possible, re-source) per line."""
    frame = bom.lines
    rows = frame["row"].tolist()
    premiums = frame["resourcing_premium_e4"].fillna(int(premium * 10_000)).tolist()
    values = frame["value_cents"].tolist()
    can = certifiable(bom, regime).tolist()
    options = [[None, RESOURCE] + ([CERTIFY] if can[i] else []) for i in range(len(rows))]
    best = None
    for choice in itertools.product(*options):
        cost = sum(Fraction(values[i] * (premiums[i] if a == RESOURCE else int(certification * 10_000)), 1_000_000)
                   for i, a in enumerate(choice) if a)
        if best is not None and cost >= best:
            continue
        changed = resource(certify(bom, [rows[i] for i, a in enumerate(choice) if a == CERTIFY], regime.certification_field),
                           [rows[i] for i, a in enumerate(choice) if a == RESOURCE], "US",
                           (regime.certification_field,))
        result = evaluate(changed, regime, on, REGIMES)
        if result.status == "eligible" and all(r.margin is None or r.margin >= margin for r in result.requirements):
            best = cost
    return best


@pytest.mark.parametrize("regime_id", ["usmca-2020", "us-proposal-2017", "nafta-1994"])
def test_plan_is_optimal_against_brute_force(make_bom, regime_id):
    bom = load_bom(make_bom(vehicle=SMALL_VEHICLE, lines=SMALL_LINES))
    regime = REGIMES[regime_id]
    on = __import__("datetime").date(2024, 1, 1)
    plan = advise(bom, regime, on, Fraction(5), known=REGIMES)
    best = _brute_force(bom, regime, on, Fraction(5))
    if best is None:
        assert plan.after is None and plan.message.startswith("no plan")
    elif best == 0 and plan.before.status == "eligible":
        assert not plan.lines
    else:
        assert plan.after is not None and plan.after.status == "eligible", plan.message
        assert plan.total_cost_cents == best, (plan.total_cost_cents, best)


def test_no_plan_says_why():
    """Steel on the Vehicle sheet cannot be planned: the rest (core parts) is, and steel is named
    with its gap in money."""
    out = runner.invoke(app, ["advise", str(SAMPLES / "suv-ca.xlsx"), "-r", "usmca-2020"])
    assert out.exit_code == 0
    assert "not planned: steel is measured on the Vehicle sheet's purchase figures" in out.output
    assert "steel: 170.00 USD of non-originating purchases" in out.output
    assert "core_parts, engine (each core part): 2,475.00 USD" in out.output
    assert "re-source 1 line to US" in out.output


def test_sedan_plan_is_verified_by_the_engine():
    out = runner.invoke(app, ["advise", str(SAMPLES / "compact-sedan-mx.xlsx"), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert "roo-calc's determination after the change is eligible" in out.output
    assert "engine's" not in out.output
    assert "proven optimal" in out.output


def test_lines_that_only_lack_a_certificate_are_certified_not_re_sourced():
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    plan = advise(bom, REGIMES["usmca-2020"], bom.vehicle.production_date, Fraction(4), known=REGIMES)
    assert plan.after is not None and plan.after.status == "eligible"
    frame = bom.lines.set_index("row")
    for line in plan.lines:
        in_region = frame.at[line.row, "origin_country"] in ("US", "MX", "CA")
        uncertified = frame.at[line.row, "usmca_originating"] is pd.NA or pd.isna(frame.at[line.row, "usmca_originating"])
        if line.action == RESOURCE:
            assert not (in_region and uncertified), line  # certifying at no cost would do
        else:
            assert in_region and uncertified and line.cost_cents == 0


def test_margin_and_cost_against_duty():
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    plan = advise(bom, REGIMES["usmca-2020"], bom.vehicle.production_date, Fraction(4), known=REGIMES,
                  margin_pts=Fraction(1), certification_pct=Fraction(1, 2), mfn_table=load_mfn_table("US"))
    assert plan.after.status == "eligible"
    assert all(r.margin >= 1 for r in plan.after.requirements if r.margin is not None)
    assert plan.duty_saved_cents == Fraction(bom.vehicle.transaction_value_cents) * Fraction(25, 1000)
    data = to_json(plan, bom, bom.vehicle.production_date)
    volume = bom.vehicle.annual_volume
    exact = (plan.duty_saved_cents - plan.total_cost_cents) * volume / 100
    assert Fraction(data["net_saving_per_year"]) == round(exact, 2) or abs(Fraction(data["net_saving_per_year"]) - exact) <= Fraction(1, 200)
    assert {line["action"] for line in data["lines"]} <= {"certify", "re-source"}


def test_section_232_in_force_is_set_against_the_plan_by_its_own_arithmetic():
    """Proclamation 10908 cl.(2): a USMCA-qualifying vehicle pays the 25% only on its non-US content.
    On 2025-06-01 the sedan (MX, 23,400.00, US content 1,268.69) owes 5,850.00 before the plan; after
    it, 25% of what is not US content, counting the lines the plan re-sources to the US."""
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    on = date(2025, 6, 1)
    plan = advise(bom, REGIMES["usmca-2020"], on, Fraction(4), known=REGIMES, mfn_table=load_mfn_table("US"))
    assert plan.after.status == "eligible"
    [(before, after)] = plan.tariffs
    assert before.regime == after.regime == "us-section-232-2025"
    value = Fraction(bom.vehicle.transaction_value_cents)
    assert duty(before) == value * Fraction(25, 100)
    us_before = Fraction(int(bom.lines.loc[bom.lines["origin_country"] == "US", "value_cents"].sum()))
    moved_to_us = sum(Fraction(p.value_cents) for p in plan.lines if p.action == RESOURCE and p.origin_country != "US")
    assert duty(after) == (value - us_before - moved_to_us) * Fraction(25, 100)
    text = runner.invoke(app, ["advise", str(SAMPLES / "compact-sedan-mx.xlsx"), "-r", "usmca-2020", "--as-of", "2025-06-01",
                                "--premium", "4"]).stdout
    saved = duty(before) - duty(after)
    # Amounts that are added or multiplied are printed exactly (to the cent when whole cents).
    exact = lambda cents: f"{Decimal(json_money_exact(cents)):,}"  # noqa: E731
    assert f"the plan saves {exact(saved)} USD per vehicle under it." in text
    # as printed, the duty before less the duty after is the saving printed
    printed = text.split("(us-section-232-2025): DUTY ")[1]
    before_text, after_text = printed.split(" before the plan, DUTY ")
    after_text, saved_text = after_text.split(" after it: the plan saves ")
    figure = [Decimal(t.replace(",", "")) for t in (before_text, after_text, saved_text.split(" USD")[0])]
    assert figure[0] - figure[1] == figure[2]
    together = text.split("All these duties together:")[1].splitlines()[1]
    assert together.startswith(f"  per vehicle: duty saved {exact(plan.duty_saved_cents + saved)}, plan cost {exact(plan.total_cost_cents)}")
    data = to_json(plan, bom, on)
    assert data["tariffs"] == [{"regime": "us-section-232-2025", "status_before": "duty", "status_after": "duty",
                                "duty_before": json_money(duty(before), up=True), "duty_after": json_money(duty(after), up=True),
                                "duty_saved_per_vehicle": json_money(saved)}]


@pytest.mark.parametrize("margin", [Fraction(0), Fraction(2)])
def test_plan_with_certification_cost_is_optimal(make_bom, margin):
    bom = load_bom(make_bom(vehicle=SMALL_VEHICLE, lines=SMALL_LINES))
    regime = REGIMES["usmca-2020"]
    on = __import__("datetime").date(2024, 1, 1)
    plan = advise(bom, regime, on, Fraction(5), known=REGIMES, margin_pts=margin, certification_pct=Fraction(1))
    best = _brute_force(bom, regime, on, Fraction(5), margin, Fraction(1))
    if best is None:
        assert plan.after is None or plan.after.status != "eligible"
    else:
        assert plan.total_cost_cents == best


def test_a_regime_not_in_force_is_called_a_what_if():
    """NAFTA ended 2020-06-30: 'ELIGIBLE before any change' on a 2024 BOM must say it is a what-if."""
    out = runner.invoke(app, ["advise", str(SAMPLES / "compact-sedan-mx.xlsx"), "-r", "nafta-1994"])
    assert out.exit_code == 0, out.output
    assert "what-if: not in force on 2024-03-15" in out.output


LINE_KINDS = [  # (hs, origin, usmca, nafta, high_wage, material): engine, transmission, body, electronics, steel, glass
    ("8407.34", "JP", None, None, "N", None), ("8407.34", "MX", None, None, "Y", None),
    ("8708.40", "MX", "Y", "Y", "Y", None), ("8708.40", "KR", None, None, "N", None),
    ("8707.10", "US", "Y", "Y", "Y", None), ("8707.10", "CN", None, None, "N", None),
    ("8537.10", "CN", None, None, None, None), ("8537.10", "CA", None, "Y", "Y", None),
    ("7208.39", "KR", None, None, None, "steel"), ("7007.21", "MX", "N", None, "N", None),
]


@st.composite
def small_boms(draw):
    """Four lines of drawn kinds and values (whole dollars, so interchangeable lines occur), with
    drawn premiums, on a vehicle of drawn net cost."""
    lines = []
    for k in range(4):
        hs, origin, usmca, nafta, wage, material = draw(st.sampled_from(LINE_KINDS))
        line = {"part_number": f"P{k}", "hs_code": hs, "value": draw(st.sampled_from([300, 600, 1200, 2500])),
                "origin_country": origin}
        line.update({key: v for key, v in (("usmca_originating", usmca), ("nafta_originating", nafta),
                                           ("high_wage", wage), ("material", material)) if v is not None})
        premium = draw(st.sampled_from([None, 0, 2, 30]))
        if premium is not None:
            line["resourcing_premium_pct"] = premium
        lines.append(line)
    vehicle = {**SMALL_VEHICLE, "net_cost": draw(st.sampled_from([10000, 12000, 16000]))}
    return vehicle, lines, draw(st.sampled_from(["usmca-2020", "us-proposal-2017"])), draw(st.sampled_from([Fraction(0), Fraction(1)]))


@settings(max_examples=8, deadline=None)
@given(small_boms())
def test_every_plan_is_met_by_the_engine_and_as_cheap_as_brute_force(tmp_path_factory, drawn):
    """On random small BOMs the plan, applied to the BOM, makes roo-calc's determination meet every
    planned requirement, and costs what the cheapest of all 3^4 choices costs."""
    vehicle, lines, regime_id, certification = drawn
    path = tmp_path_factory.mktemp("advise") / "bom.xlsx"
    write_workbook(path, vehicle, lines, ())
    bom = load_bom(path)
    regime, on = REGIMES[regime_id], date(2024, 1, 1)
    plan = advise(bom, regime, on, Fraction(5), known=REGIMES, certification_pct=certification)
    best = _brute_force(bom, regime, on, Fraction(5), certification=certification)
    if plan.after is not None:
        assert plan.verified, plan.message
        cert = [p.row for p in plan.lines if p.action == CERTIFY]
        changed = resource(certify(bom, cert, regime.certification_field), [p.row for p in plan.lines if p.action == RESOURCE], "US",
                           (regime.certification_field,))
        again = evaluate(changed, regime, on, REGIMES)
        planned = {r.id for r in plan.before.requirements if r.status in ("pass", "fail")}
        assert all(r.status == "pass" for r in again.requirements if r.id in planned), plan.message
        if again.status == "eligible":
            assert best is not None and plan.total_cost_cents == best
    if best is not None and plan.before.status != "eligible" and not plan.blocked:
        assert plan.after is not None and plan.total_cost_cents == best, plan.message


def test_a_plan_the_engine_does_not_confirm_is_reported_as_failed(monkeypatch):
    """Whatever the solver answers, roo-calc's re-evaluation has the last word: a plan that leaves
    a requirement short is headed as failed, never as a result."""
    import roo_calc.advise as module
    from roo_calc.plan_solve import Solved

    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    monkeypatch.setattr(module, "_solve", lambda *args: Solved(chosen=[]))
    plan = advise(bom, REGIMES["usmca-2020"], bom.vehicle.production_date, Fraction(4), known=REGIMES)
    assert plan.verified is False
    assert plan.message.startswith("PLAN FAILED VERIFICATION: ")
    assert to_json(plan, bom, bom.vehicle.production_date)["verified"] is False


def test_a_solver_that_runs_out_of_time_says_so(monkeypatch):
    import roo_calc.advise as module
    from roo_calc.plan_solve import Unsettled

    def timeout(*args, **kwargs):
        raise Unsettled()

    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    monkeypatch.setattr(module, "solve", timeout)
    plan = advise(bom, REGIMES["usmca-2020"], bom.vehicle.production_date, Fraction(4), known=REGIMES)
    assert plan.after is None and "whether a plan exists is not known" in plan.message


def test_a_solver_run_stopped_by_the_safety_cap_says_so(monkeypatch):
    """The label rests on solver work, not time; when the wall-clock safety cap does stop a run,
    the method line says so, and that another run may label the plan differently."""
    import roo_calc.advise as module
    from roo_calc.plan_solve import Solved

    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    monkeypatch.setattr(module, "_solve", lambda *args: Solved(chosen=[], capped=True))
    plan = advise(bom, REGIMES["usmca-2020"], bom.vehicle.production_date, Fraction(4), known=REGIMES)
    assert "wall-clock safety cap" in plan.method and "may label this plan differently" in plan.method
