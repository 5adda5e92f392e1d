"""`advise`: plans verified by re-evaluation and, on small BOMs, against brute force."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from roo_calc.advise import advise, resource
from roo_calc.bom.reader import load_bom
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes
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


def _brute_force(bom, regime, on, premium):
    frame = bom.lines
    rows = frame["row"].tolist()
    premiums = frame["resourcing_premium_e4"].fillna(int(premium * 10_000)).tolist()
    values = frame["value_cents"].tolist()
    best = None
    for size in range(len(rows) + 1):
        for subset in itertools.combinations(range(len(rows)), size):
            cost = sum(Fraction(values[i] * premiums[i], 1_000_000) for i in subset)
            if best is not None and cost >= best:
                continue
            if evaluate(resource(bom, [rows[i] for i in subset], "US"), regime, on, REGIMES).status == "eligible":
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
    out = runner.invoke(app, ["advise", str(SAMPLES / "suv-ca.xlsx"), "-r", "usmca-2020"])
    assert out.exit_code == 0
    assert "no plan: steel is measured on the Vehicle sheet's purchase figures" in out.output


def test_sedan_plan_is_verified_by_the_engine():
    out = runner.invoke(app, ["advise", str(SAMPLES / "compact-sedan-mx.xlsx"), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert "the engine's verdict after the change is eligible" in out.output
    assert "proven optimal" in out.output
