"""The USMCA rule file against the Uniform Regulations' text (SOR/2020-155): pinpoints, Table S,
and the vehicle class the law gives when a declared vehicle_type says otherwise."""

from __future__ import annotations

import datetime

import pytest

from roo_calc import load_bom
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes


@pytest.fixture(scope="module")
def usmca():
    return load_regimes()["usmca-2020"]


def _citations(history):
    return [point.citation for point in history]


def test_lvc_thresholds_cite_18_1_and_18_2(usmca):
    """UR 18(1): passenger vehicles; 18(2): light and heavy trucks (18(3) lists what the LVC includes)."""
    lvc = usmca.requirements["lvc"]
    assert all("18(1)" in c for c in _citations(lvc.threshold["passenger_vehicle"]))
    for vehicle_class in ("light_truck", "heavy_truck"):
        assert all("18(2)" in c for c in _citations(lvc.threshold[vehicle_class]) + _citations(lvc.minimum[vehicle_class]))
    assert "18(3)" not in lvc.citation


def test_heavy_truck_parts_cite_table_d_at_15_2(usmca):
    """UR 15(4): an engine, gear box or chassis for a heavy truck is originating only if it meets
    15(2) (Table D: 60/64/70%); 15(3) is Table E."""
    (rule,) = [r for r in usmca.part_origin if r.classes == ("heavy_truck",)]
    assert [(p.from_, p.value) for p in rule.threshold] == [
        (datetime.date(2020, 7, 1), 60), (datetime.date(2024, 7, 1), 64), (datetime.date(2027, 7, 1), 70)]
    assert all("15(2)" in c and "15(4)" in c for c in _citations(rule.threshold))
    assert "heavy_truck" not in usmca.requirements["core_parts"].classes


def test_table_s_is_the_regulations_list(usmca):
    """Table S, steel and aluminum, exactly as listed (6-digit subheadings; the "ex" parts apart)."""
    steel = {"7208.25", "7208.26", "7208.27", "7208.36", "7208.37", "7208.38", "7208.39", "7208.51", "7208.52",
             "7208.53", "7208.54", "7209.15", "7209.16", "7209.17", "7209.18", "7209.25", "7209.26", "7209.27",
             "7209.28", "7209.90", "7210.30", "7210.49", "7210.69", "7210.90", "7211.14", "7211.19", "7211.23",
             "7212.20", "7212.30", "7213.20", "7213.99", "7214.30", "7214.91", "7214.99", "7225.30", "7225.40",
             "7225.50", "7225.91", "7225.92", "7225.99", "7226.91", "7226.92", "7226.99", "7227.20", "7227.90",
             "7228.10", "7228.20", "7228.30", "7228.60", "7306.30", "7306.50", "7306.61", "7306.69", "7306.90"}
    assert set(usmca.requirements["steel"].table_s) == steel
    assert set(usmca.requirements["aluminum"].table_s) == {"76.01", "76.02", "76.04", "76.05", "76.06", "76.08"}
    for material in ("steel", "aluminum"):
        assert set(usmca.requirements[material].table_s_parts) == {"8708.29", "8708.99"}


def test_a_declared_type_the_code_contradicts_is_reported_and_the_law_wins(usmca, make_bom):
    """UR s.12: a vehicle with a compression-ignition engine of 8703.31-8703.33 is not a passenger
    vehicle; declared as one, it is evaluated as an other vehicle (20(2)(b)) and the report says so."""
    vehicle = {"model": "Diesel", "hs_code": "8703.32", "vehicle_type": "passenger_vehicle", "assembly_country": "MX",
               "net_cost": 10000}
    bom = load_bom(make_bom(vehicle=vehicle, lines=[{"part_number": "E", "hs_code": "8408.20", "value": 100,
                                                     "origin_country": "DE"}]))
    result = evaluate(bom, usmca, datetime.date(2024, 1, 1))
    assert result.vehicle_class == "other_vehicle"
    (warning,) = result.vehicle_notes
    assert "'passenger_vehicle'" in warning and "'other'" in warning and "other_vehicle" in warning
    assert {r.id for r in result.requirements} == {"rvc", "tariff_shift"}


def test_a_vehicle_outside_the_regime_is_not_applicable_in_every_report(usmca, make_bom):
    """USMCA Part 6 covers 87.01-87.08: a motorcycle of 87.11 gets not_applicable, which every
    report prints as such."""
    from roo_calc.report.json import determination_json
    from roo_calc.report.text import status_label

    vehicle = {"model": "Bike", "hs_code": "8711.20", "assembly_country": "MX", "net_cost": 1000}
    bom = load_bom(make_bom(vehicle=vehicle, lines=[{"part_number": "F", "hs_code": "8714.10", "value": 10,
                                                     "origin_country": "JP"}]))
    result = evaluate(bom, usmca, datetime.date(2024, 1, 1))
    assert result.status == "not_applicable" and not result.review
    assert "does not cover this vehicle" in result.vehicle_notes[0]
    assert determination_json(result)["status"] == "not_applicable"
    assert status_label(result) == "NOT APPLICABLE"


@pytest.mark.parametrize("claimed, status", [(5, "pass"), (0, "fail"), (3, "needs_review")])
def test_the_assembly_credit_is_whole_or_none_as_the_rule_file_sets_it(usmca, make_bom, claimed, status):
    """UR 18(12)-(14): the high-wage assembly credit (assembly_credit = 5 in the rule file) is
    claimed whole or not at all; any other figure is a located needs_review, not a guess."""
    vehicle = {"model": "LVC", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000,
               "lvc_high_wage_labor": 3500, "lvc_high_wage_materials": 0, "lvc_technology_points": 0,
               "lvc_assembly_points": claimed}
    bom = load_bom(make_bom(vehicle=vehicle, lines=[{"part_number": "P", "hs_code": "8708.99", "value": 100,
                                                     "origin_country": "MX"}]))
    (lvc,) = [r for r in evaluate(bom, usmca, datetime.date(2024, 1, 1)).requirements if r.id == "lvc"]
    assert lvc.status == status, lvc.reason
    if status == "needs_review":
        assert "lvc_assembly_points (Vehicle sheet, cell B" in lvc.reason and "expected 0 or 5" in lvc.reason
        assert "found 3" in lvc.reason
