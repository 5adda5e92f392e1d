"""Section 232 under many sourcing scenarios at once (roo_calc.scenarios.tariff_batch) equals the
engine on each changed BOM: every status, value and figure, on random BOMs, on fixed BOMs that
reach every way the duty moves (so each is compared in every run, whatever the examples drawn),
and in cited cases.

Varied: line values, origins (the region, Japan, the EU, Korea, China), USMCA certification and
stated content; the vehicle's code, assembly country (the US: the parts tariff; elsewhere: the
vehicle duty), transaction value, MSRP, annual volume, tariff-rate quota and dates (before the
duty, the 10908 and 10984 periods).  The `ci` profile draws the same examples on every run;
HYPOTHESIS_PROFILE=long draws fresh ones.
"""

from __future__ import annotations

import datetime
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roo_calc
from roo_calc.engine.determine import evaluate
from roo_calc.report.verdict import duty
from roo_calc.rules.loader import load_regimes
from roo_calc.scenarios.apply import apply_scenario
from roo_calc.scenarios.batch import batchable, evaluate_batch
from roo_calc.scenarios.compare import compare
from roo_calc.scenarios.model import Scenario
from tests.test_forms_agree import changed_bom, edit_table, line, make_bom

REGIMES = load_regimes()
TARIFF = REGIMES["us-section-232-2025"]
COUNTRIES = ["US", "MX", "CA", "JP", "DE", "KR", "CN"]
SETTINGS = settings(max_examples=settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 60,
                    suppress_health_check=[HealthCheck.too_slow])

flag = st.sampled_from([None, True, False])
vehicle = st.fixed_dictionaries({
    "hs_code": st.sampled_from(["870323", "870380", "870421", "870423"]),
    "assembly_country": st.sampled_from(["US", "US", "MX", "CA", "JP", "DE", "KR", "GB"]),
    "extra_cents": st.integers(0, 3_000_000),
    "on": st.sampled_from([datetime.date(2024, 3, 1), datetime.date(2025, 6, 1), datetime.date(2026, 6, 1),
                           datetime.date(2026, 6, 1)]),
    "lvc_high_wage_labor_cents": st.one_of(st.none(), st.integers(0, 1_500_000)),
    "lvc_high_wage_materials_cents": st.none(),
    "lvc_technology_points_e4": st.none(),
    "lvc_assembly_points_e4": st.none(),
    "steel_purchases": st.none(),
    "make": st.none(),
    "transaction_value_cents": st.one_of(st.integers(1, 6_000_000), st.integers(1, 6_000_000), st.none()),
    "msrp_cents": st.one_of(st.integers(1, 100_000), st.integers(1, 8_000_000), st.none()),
    "annual_volume": st.one_of(st.none(), st.integers(1, 200_000)),
    "tariff_rate_quota": st.sampled_from([None, "in", "out"]),
})
edit = st.fixed_dictionaries({
    "line": st.integers(0, 11),
    "origin_country": st.sampled_from([None, *COUNTRIES]),
    "usmca_originating": flag,
    "nafta_originating": flag,
    "high_wage": flag,
    "regional_content_e4": st.one_of(st.none(), st.integers(0, 1_000_000)),
    "us_content_e4": st.none(),
})


def _bom(lines: list[dict], facts: dict):
    bom = make_bom([{**entry, "origin_country": COUNTRIES[i % len(COUNTRIES)] if entry["origin_country"] == "CN" else
                     entry["origin_country"]} for i, entry in enumerate(lines)], facts)
    car = bom.vehicle.model_copy(update={k: facts[k] for k in ("transaction_value_cents", "msrp_cents", "annual_volume",
                                                                 "tariff_rate_quota")})
    return bom.model_copy(update={"vehicle": car})


def test_section_232_is_batchable_with_its_qualifying_regimes():
    assert batchable(TARIFF, REGIMES)
    assert not batchable(TARIFF, {
        **REGIMES, "usmca-2020": REGIMES["usmca-2020"].model_copy(update={"uncertified_regional": "review"})})


def _agree(lines: list[dict], facts: dict, scenarios: list[list[dict]]) -> list:
    """Every scenario's batch verdict equals the engine's on the changed BOM (status, each
    requirement's status, value and figures); the engine's determinations."""
    bom = _bom(lines, facts)
    on = facts["on"]
    edits = edit_table(scenarios, len(lines))
    batch = evaluate_batch(bom, TARIFF, on, edits, len(scenarios), REGIMES)
    alone = []
    for s in range(len(scenarios)):
        alone.append(result := evaluate(changed_bom(bom, edits, s), TARIFF, on, REGIMES))
        where = f"scenario {s}"
        assert batch.status[s] == result.status, where
        for req in result.requirements:
            assert batch.requirement_status[req.id][s] == req.status, f"{where}: {req.id}"
            assert batch.value(req.id, s) == req.value, f"{where}: {req.id}"
            assert batch.built[req.id](s).figures == req.figures, f"{where}: {req.id}"
    return alone


@SETTINGS
@given(st.lists(line, min_size=1, max_size=12), vehicle,
       st.lists(st.lists(edit, min_size=1, max_size=4, unique_by=lambda e: e["line"]), min_size=1, max_size=4))
def test_every_section_232_batch_scenario_equals_the_engine_on_the_changed_bom(lines, facts, scenarios):
    _agree(lines, facts, scenarios)


# Fixed BOMs that reach every way the duty moves, so that each is compared in every run whatever
# the examples drawn above: (what, lines, vehicle facts, scenarios, the ways their scenarios reach).
# A way is (kind, status, the usmca_qualifying figure).
_BLANK_LINE = {"usmca_originating": None, "nafta_originating": None, "regional_content_e4": None, "us_content_e4": None,
               "nafta_traced_value_cents": None, "high_wage": None, "core_part_group": None, "material": None,
               "steel_content_value_cents": None, "aluminum_content_value_cents": None}
_BLANK_FACTS = {"hs_code": "870323", "extra_cents": 1_000_000, "on": datetime.date(2025, 6, 1),
                "lvc_high_wage_labor_cents": None, "lvc_high_wage_materials_cents": None, "lvc_technology_points_e4": None,
                "lvc_assembly_points_e4": None, "steel_purchases": None, "make": None, "transaction_value_cents": 3_000_000,
                "msrp_cents": None, "annual_volume": None, "tariff_rate_quota": None}
_BLANK_EDIT = {"origin_country": None, "usmca_originating": None, "nafta_originating": None, "high_wage": None,
               "regional_content_e4": None, "us_content_e4": None}


def _line(hs: str, origin: str, cents: int, **facts) -> dict:
    return {**_BLANK_LINE, "hs_code": hs, "origin_country": origin, "value_cents": cents, **facts}


def _edit(line: int, **change) -> list[dict]:
    return [{**_BLANK_EDIT, "line": line, **change}]


ENGINE, BODY_PART, SEAT = "840734", "870829", "940120"
OWED_NOT_QUALIFYING = ("section_232", "duty", "no")
OPEN_QUALIFYING = ("section_232", "needs_review", "review")
PARTS_OWED = ("section_232_parts", "duty", None)
PARTS_NONE = ("section_232_parts", "no_duty", None)
WAYS = [
    ("Proclamation 10908 cl.(1): a vehicle assembled in Japan pays on its full value, wherever its parts are from",
     [_line(ENGINE, "JP", 500_000), _line(BODY_PART, "MX", 300_000, usmca_originating=True)],
     {**_BLANK_FACTS, "assembly_country": "JP"},
     [_edit(0, origin_country="MX", usmca_originating=True), _edit(1, origin_country="KR")],
     {OWED_NOT_QUALIFYING}),
    ("Proclamation 10908 cl.(1), (2): a vehicle assembled in Mexico whose USMCA qualification is open (no steel, aluminum "
     "or LVC facts) leaves the duty open; with its engine from Japan it cannot qualify and pays on its full value",
     [_line(ENGINE, "MX", 500_000, usmca_originating=True, regional_content_e4=800_000), _line(SEAT, "US", 300_000)],
     {**_BLANK_FACTS, "assembly_country": "MX"},
     [_edit(1, origin_country="MX"), _edit(0, origin_country="JP", usmca_originating=False)],
     {OPEN_QUALIFYING, OWED_NOT_QUALIFYING}),
    ("Proclamation 10908 cl.(1), (4): a vehicle assembled in the US pays the parts tariff on an engine from Korea, "
     "none on one made in Mexico and certified USMCA",
     [_line(ENGINE, "JP", 500_000), _line(BODY_PART, "US", 300_000)],
     {**_BLANK_FACTS, "assembly_country": "US", "msrp_cents": 3_000_000},
     [_edit(0, origin_country="KR"), _edit(0, origin_country="MX", usmca_originating=True)],
     {PARTS_OWED, PARTS_NONE}),
]


@pytest.mark.parametrize("what, lines, facts, scenarios, ways", WAYS, ids=[w[0][:50] for w in WAYS])
def test_fixed_boms_reach_each_way_the_duty_moves_and_the_batch_agrees(what, lines, facts, scenarios, ways):
    """Each way the duty moves is compared batch against engine in every run: the vehicle duty
    owed on a non-qualifying vehicle and open on an undecided one, and the parts tariff owed and
    offset to nothing (a qualifying vehicle is in the cited cases below)."""
    reached = {(req.kind, req.status, req.figures.get("usmca_qualifying"))
               for result in _agree(lines, facts, scenarios) for req in result.requirements}
    assert ways <= reached, (what, reached)


def test_the_fixed_boms_cover_every_way():
    assert set().union(*(w[-1] for w in WAYS)) == {OWED_NOT_QUALIFYING, OPEN_QUALIFYING, PARTS_OWED, PARTS_NONE}


def _scenario(name: str, part: str, **edit) -> Scenario:
    return Scenario.model_validate({"name": name, "change": [{"select": {"part_number": part}, "set": edit}]})


# A car that qualifies under usmca-2020 (all its materials originating, its LVC facts given).
CAR = {"model": "Case", "hs_code": "8703.23", "production_date": "2026-05-01", "net_cost": 12000, "transaction_value": 40000,
       "lvc_high_wage_labor": 3000, "lvc_high_wage_materials": 3000, "steel_purchases": 1000,
       "steel_purchases_originating": 1000, "aluminum_purchases": 100, "aluminum_purchases_originating": 100}
BODY = {"part_number": "A", "hs_code": "8708.29", "value": 8000, "origin_country": "MX", "usmca_originating": "Y",
        "regional_content_pct": 100, "core_part_group": "body_chassis"}
GEARS = {"part_number": "B", "hs_code": "8708.40", "origin_country": "MX", "usmca_originating": "Y",
         "regional_content_pct": 100, "core_part_group": "transmission"}
CASES = [
    # (citation, vehicle, lines, the scenario's change, the duty per vehicle under it in dollars, and at the baseline)
    ("Proclamation 10908 cl.(2): a USMCA-qualifying vehicle pays on its non-US content; a line moved to the US "
     "is US content: 25% of (40,000 - 1,000)",
     {"assembly_country": "MX"}, [BODY, {**GEARS, "value": 1000}],
     ("B", {"origin_country": "US"}), "9750", "10000"),
    ("Proclamation 10908 cl.(1), (2): a vehicle that stops qualifying pays on its full value, US content and all",
     {"assembly_country": "MX"}, [BODY, {**GEARS, "value": 1000, "origin_country": "US"}],
     ("A", {"origin_country": "CN", "usmca_originating": "N"}), "10000", "9750"),
    ("Proclamation 10908 cl.(4): a covered part made in Mexico and certified USMCA is exempt from the parts tariff; "
     "10984 cl.(11)(a): the offset, 3.75% of MSRP 1,000, then applies to nothing",
     {"assembly_country": "US", "msrp": 1000}, [BODY, {**GEARS, "value": 3000, "origin_country": "CN", "usmca_originating": "N"}],
     ("B", {"origin_country": "MX", "usmca_originating": "Y"}), "0", "712.5"),
    ("Proclamation 10984 cl.(11)(a), (e): the offset (3.75% of MSRP 10,000 = 375) is capped at the liability (25% of 1,000)",
     {"assembly_country": "US", "msrp": 10000}, [BODY, {**GEARS, "value": 1000}],
     ("B", {"origin_country": "CN", "usmca_originating": "N"}), "0", "0"),
    ("Japan EO s.4(a): a part of Japan pays the all-in 15% less its column 1 rate (2.5%, HTSUS 8708): "
     "12.5% of 3,000, less the offset 37.50",
     {"assembly_country": "US", "msrp": 1000}, [BODY, {**GEARS, "value": 3000, "origin_country": "CN", "usmca_originating": "N"}],
     ("B", {"origin_country": "JP"}), "337.5", "712.5"),
]


@pytest.mark.parametrize("citation, car, lines, change, owed, before", CASES, ids=[c[0][:40] for c in CASES])
def test_cited_cases_compare_in_a_batch_as_one_at_a_time(make_bom, citation, car, lines, change, owed, before):
    bom = roo_calc.load_bom(make_bom(vehicle={**CAR, **car}, lines=lines))
    on = datetime.date(2026, 6, 1)
    part, edit = change
    scenarios = [_scenario("moved", part, **edit), _scenario("certified", part, usmca_originating="Y")]
    result = compare(bom, scenarios, [TARIFF], on, REGIMES)
    for scenario in scenarios:
        cell = result.cell(TARIFF.id, scenario.name)
        alone = evaluate(apply_scenario(bom, scenario), TARIFF, on, REGIMES)
        assert cell.status == alone.status, citation
        assert cell.duty_cents == duty(cell.result) == duty(alone), citation
        for got, want in zip(cell.result.requirements, alone.requirements, strict=True):
            assert (got.status, got.value, got.figures) == (want.status, want.value, want.figures), citation
    assert result.cell(TARIFF.id, "baseline").duty_cents == Fraction(before) * 100, citation
    assert result.cell(TARIFF.id, "moved").duty_cents == Fraction(owed) * 100, citation
