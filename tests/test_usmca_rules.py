"""The USMCA rule file against the Uniform Regulations' text (SOR/2020-155): pinpoints, Table S,
and the vehicle class the law gives when a declared vehicle_type says otherwise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from roo_calc import load_bom
from roo_calc.errors import BomError
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
    (rule,) = [r for r in usmca.part_origin if r.classes == ("heavy_truck",) and r.bought]
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


@pytest.mark.parametrize("claimed, status", [(5, "pass"), (0, "fail"), (3, "refused")])
def test_the_assembly_credit_is_whole_or_none_as_the_rule_file_sets_it(usmca, make_bom, claimed, status):
    """UR 18(12)-(14): the high-wage assembly credit (assembly_credit = 5 in the rule file) is
    claimed whole or not at all; any other figure is a located error of the workbook (as validate
    says too), and, should a Vehicle reach the engine with one, a located needs_review, not a guess."""
    vehicle = {"model": "LVC", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000,
               "lvc_high_wage_labor": 3500, "lvc_high_wage_materials": 0, "lvc_technology_points": 0,
               "lvc_assembly_points": 5 if status == "refused" else claimed}
    lines = [{"part_number": "P", "hs_code": "8708.99", "value": 100, "origin_country": "MX"}]
    bom = load_bom(make_bom(vehicle=vehicle, lines=lines))
    if status == "refused":
        with pytest.raises(BomError) as refused:
            load_bom(make_bom(vehicle={**vehicle, "lvc_assembly_points": claimed}, lines=lines))
        assert "Vehicle!B8: lvc_assembly_points: expected 0 or 5 " in str(refused.value) and "found 3" in str(refused.value)
        bom = bom.model_copy(update={"vehicle": bom.vehicle.model_copy(update={"lvc_assembly_points_e4": claimed * 10_000})})
        status = "needs_review"
    (lvc,) = [r for r in evaluate(bom, usmca, datetime.date(2024, 1, 1)).requirements if r.id == "lvc"]
    assert lvc.status == status, lvc.reason
    if status == "needs_review":
        assert "lvc_assembly_points (Vehicle sheet, cell B" in lvc.reason and "expected 0 or 5" in lvc.reason
        assert "found 3" in lvc.reason


def test_a_high_wage_material_made_outside_north_america_does_not_count(usmca, make_bom):
    """UR s.12: a "high-wage material" is one produced in a qualifying wage-rate production plant,
    and such a plant is "located in the territory of a CUSMA country" (also 18(4)).  A Japanese
    part marked high_wage = Y is not high-wage material: it adds nothing to the LVC, and the line
    and an assumption say why."""
    vehicle = {"model": "LVC", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000,
               "lvc_high_wage_labor": 1000, "lvc_technology_points": 10, "lvc_assembly_points": 5}
    lines = [{"part_number": "US", "hs_code": "8708.99", "value": 1500, "origin_country": "US", "high_wage": "Y"},
             {"part_number": "JP", "hs_code": "8544.30", "value": 2500, "origin_country": "JP", "high_wage": "Y"}]
    result = evaluate(load_bom(make_bom(vehicle=vehicle, lines=lines)), usmca, datetime.date(2024, 1, 1))
    (lvc,) = [r for r in result.requirements if r.id == "lvc"]
    assert lvc.figures["high_wage_materials"] == 150000  # the US line only
    assert lvc.value == 40 and lvc.status == "pass"  # (1,000 + 1,500) / 10,000 = 25 points + 10 + 5: exactly 40%
    assert "made outside US/CA/MX" in lvc.reason
    assert "high_wage = Y but made outside US/CA/MX" in lvc.line_basis[1] and "UR s.12" in lvc.line_basis[1]
    (abroad,) = [a for a in result.assumptions if a.code == "lvc-high-wage-abroad"]
    assert abroad.value_at_stake_cents == 250000 and "CUSMA country" in abroad.text and "s.12" in abroad.citation


CHASSIS = {"model": "Chassis", "hs_code": "8706.00", "assembly_country": "MX", "net_cost": 10000,
           "lvc_high_wage_labor": 2000, "lvc_high_wage_materials": 1000}
CHASSIS_LINES = [{"part_number": "E", "hs_code": "8407.34", "value": 3000, "origin_country": "US", "usmca_originating": "Y"},
                 {"part_number": "X", "hs_code": "8544.30", "value": 3400, "origin_country": "CN"}]


@pytest.mark.parametrize("vehicle_type, vehicle_class, threshold", [
    ("passenger_vehicle", "chassis_pv_lt", 75), ("light_truck", "chassis_pv_lt", 75),
    ("heavy_truck", "heavy_truck", 64), ("other", "other_heavy_vehicle", 60)])
def test_a_chassis_takes_the_rule_for_the_vehicle_it_is_for(usmca, make_bom, vehicle_type, vehicle_class, threshold):
    """UR s.13, heading 87.06: (1) for use in a passenger vehicle or light truck, 75% NC from
    July 1 2023; (2) in a heavy truck (s.12: a chassis "for use in" such a vehicle), 64% from July 1
    2024; (3) any other, 60% (also 20(3)(a)(vi)).  The code does not say which: vehicle_type does.
    Rules (1)-(3) require no change in tariff classification."""
    bom = load_bom(make_bom(vehicle={**CHASSIS, "vehicle_type": vehicle_type}, lines=CHASSIS_LINES))
    result = evaluate(bom, usmca, datetime.date(2025, 9, 1))
    assert result.vehicle_class == vehicle_class and not result.vehicle_notes
    (rvc,) = [r for r in result.requirements if r.id == "rvc"]
    assert (rvc.value, rvc.threshold) == (66, threshold)
    if vehicle_class == "chassis_pv_lt":
        assert {r.id for r in result.requirements} == {"rvc"} and result.status == "not_eligible"
        assert "87.06 (1)(d)" in rvc.threshold_citation


def test_a_chassis_without_vehicle_type_needs_review_naming_the_fact(usmca, make_bom):
    """UR s.13, heading 87.06 (1)-(3): with vehicle_type blank the class is open; the result names
    the fact and what each answer would mean, instead of taking the heavy-truck rule."""
    result = evaluate(load_bom(make_bom(vehicle=CHASSIS, lines=CHASSIS_LINES)), usmca, datetime.date(2025, 9, 1))
    assert result.status == "needs_review" and not result.requirements
    (why,) = result.review
    assert "vehicle_type (Vehicle sheet) not given" in why
    for option in ("vehicle_type = heavy_truck: heavy_truck", "vehicle_type = passenger_vehicle or light_truck: chassis_pv_lt",
                   "vehicle_type = other: other_heavy_vehicle", "87.06 (1)"):
        assert option in why


ASR_VEHICLE = {"model": "ASR", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000, "transaction_value": 20000,
               "production_date": "2025-09-01", "entry_date": "2025-11-05", "asr_approved_through": "2026-12-31",
               "steel_purchases": 1000, "steel_purchases_originating": 700, "aluminum_purchases": 1000,
               "aluminum_purchases_originating": 700, "lvc_high_wage_labor": 1000, "lvc_high_wage_materials": 1500,
               "lvc_technology_points": 10, "lvc_assembly_points": 5}


@pytest.mark.parametrize("engine, status", [
    ({"origin_country": "JP", "usmca_originating": "N"}, "not_eligible"),
    ({"origin_country": "MX", "regional_content_pct": 62.5}, "eligible"),  # exactly at 62.5% passes
    ({"origin_country": "MX", "regional_content_pct": 62.4}, "not_eligible")])
def test_the_alternative_staging_regime_tests_table_a1_parts_at_62_5(make_bom, engine, status):
    """UR 19(4)(b)(i): eligible vehicles are originating if, among others, the parts listed in
    Table A.1 (8407.34 engines) have an RVC of not less than 62.5% under the net cost method.  Read
    as a condition on the vehicle, marked UNCONFIRMED and printed; Section 232 says so too."""
    from roo_calc.rules.loader import load_regimes as load
    regimes = load()
    lines = [{"part_number": "E", "hs_code": "8407.34", "value": 3000, **engine},
             {"part_number": "U", "hs_code": "8708.99", "value": 1000, "origin_country": "US", "usmca_originating": "Y"},
             {"part_number": "X", "hs_code": "8544.30", "value": 500, "origin_country": "CN"}]
    bom = load_bom(make_bom(vehicle=ASR_VEHICLE, lines=lines))
    result = evaluate(bom, regimes["usmca-2020-asr"], datetime.date(2025, 9, 1))
    assert result.status == status
    (table_a1,) = [r for r in result.requirements if r.id == "table_a1"]
    assert table_a1.threshold == Decimal("62.5") and table_a1.threshold_unconfirmed and "19(4)(b)" in table_a1.threshold_citation
    assert "super_core_rvc" not in table_a1.figures  # 19(5): s.14's options are not these vehicles'
    if status == "not_eligible":
        duty = evaluate(bom, regimes["us-section-232-2025"], datetime.date(2025, 9, 1), regimes).requirements[0]
        assert duty.figures["usmca_qualifying"] == "no"
        assert "usmca-2020-asr fails only on table_a1, whose threshold is UNCONFIRMED" in duty.reason


def test_the_vehicle_type_table_reads_every_class_code_as_its_class(usmca):
    """One source of truth: a blank vehicle_type is read from the HS code by vehicle_types_by_hs
    (UR s.12), and must give each class's own codes that class's type (the HS 2022 successors
    8704.41/.51 are light trucks, 8704.42/.43/.52 heavy trucks, as the classes read them)."""
    from roo_calc.codes import infer_vehicle_type
    table = tuple((row.type, row.hs) for row in usmca.vehicle_types_by_hs)
    for name, vehicle_class in usmca.classes.items():
        if vehicle_class.law_type is None:
            continue
        for entry in vehicle_class.hs:
            for end in entry.split("-"):
                assert infer_vehicle_type(end.replace(".", ""), table) == vehicle_class.law_type, (name, entry)


@pytest.mark.parametrize("hs, declared, expected", [
    ("8704.41", None, "light_truck"), ("8704.51", None, "light_truck"), ("8704.42", None, "heavy_truck"),
    ("8704.22", "light_truck", "heavy_truck"), ("8704.60", "light_truck", "light_truck"),
    ("8704.60", "heavy_truck", "heavy_truck"), ("8703.23", None, "passenger_vehicle")])
def test_usmca_and_section_232_give_a_truck_the_same_class(make_bom, hs, declared, expected):
    """UR s.12 (light truck 8704.21/.31, heavy truck 8704.22/.23/.32/.90, HS 2022 successors) and
    Proclamations 10908 recital 1 (light trucks) / 10984 cl.(1) (MHDVs): the same code gives the same
    class in both regimes, a declared type the code contradicts is corrected in both with a warning,
    and a blank type is read as the type the classes use."""
    regimes = load_regimes()
    vehicle = {"model": "T", "hs_code": hs, "assembly_country": "MX", "net_cost": 10000, "transaction_value": 20000,
               **({"vehicle_type": declared} if declared else {})}
    bom = load_bom(make_bom(vehicle=vehicle, lines=[{"part_number": "P", "hs_code": "8708.99", "value": 100,
                                                     "origin_country": "JP"}]))
    on = datetime.date(2025, 12, 1)
    usmca = evaluate(bom, regimes["usmca-2020"], on)
    tariff = evaluate(bom, regimes["us-section-232-2025"], on, regimes)
    assert usmca.vehicle_class == tariff.vehicle_class == expected
    assert bool(usmca.vehicle_notes) == bool(tariff.vehicle_notes) == (declared not in (None, expected))
    if declared is None:
        assert bom.vehicle.vehicle_type == expected


def test_snowmobiles_and_golf_carts_take_their_own_rule(usmca, make_bom):
    """UR s.13, rule for 8703.10: a change from any other heading and an RVC of 60% (transaction
    value) or 50% (net cost).  Not a passenger vehicle (s.12: 8703.21-8703.90): no core parts,
    LVC or steel; the untested transaction-value option is said beside the threshold."""
    vehicle = {"model": "Golf", "hs_code": "8703.10", "assembly_country": "MX", "net_cost": 10000}
    lines = [{"part_number": "M", "hs_code": "8501.31", "value": 5000, "origin_country": "CN"}]
    result = evaluate(load_bom(make_bom(vehicle=vehicle, lines=lines)), usmca, datetime.date(2025, 9, 1))
    assert result.status == "eligible" and result.vehicle_class == "snow_golf"
    assert {r.id for r in result.requirements} == {"rvc", "tariff_shift"}
    (rvc,) = [r for r in result.requirements if r.id == "rvc"]
    assert (rvc.value, rvc.threshold) == (50, 50)  # exactly at the threshold passes
    assert "8703.10" in rvc.threshold_citation and "transaction value" in rvc.threshold_note


def test_a_technology_credit_over_its_cap_is_said_to_be_capped(usmca, make_bom):
    """UR 18(1): "no more than 10 percentage points of technology expenditures": 15 given counts
    as 10, and the result says so."""
    vehicle = {"model": "LVC", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000,
               "lvc_high_wage_labor": 2500, "lvc_high_wage_materials": 0, "lvc_technology_points": 15,
               "lvc_assembly_points": 5}
    bom = load_bom(make_bom(vehicle=vehicle, lines=[{"part_number": "P", "hs_code": "8708.99", "value": 100,
                                                     "origin_country": "MX"}]))
    (lvc,) = [r for r in evaluate(bom, usmca, datetime.date(2024, 1, 1)).requirements if r.id == "lvc"]
    assert lvc.value == 40 and "lvc_technology_points 15.00 given, counted as 10" in lvc.reason


def test_new_plant_on_a_passenger_vehicle_is_said_not_to_apply(usmca, make_bom):
    """UR 20(8): the 50% for a new or refitted plant is for the vehicles of 20(2)-(3) only; a
    passenger vehicle's new_plant is reported as not used, not silently dropped."""
    vehicle = {"model": "PV", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000, "new_plant": "new",
               "first_prototype_date": "2024-01-01", "production_date": "2024-06-01"}
    bom = load_bom(make_bom(vehicle=vehicle, lines=[{"part_number": "P", "hs_code": "8708.99", "value": 100,
                                                     "origin_country": "MX"}]))
    result = evaluate(bom, usmca, datetime.date(2024, 6, 1))
    (note,) = [a for a in result.assumptions if a.code == "new-plant-not-used"]
    assert "not passenger_vehicle" in note.text and "20(8)" in note.citation


def test_a_first_prototype_after_production_is_a_located_error(make_bom):
    """UR 20(8) counts the years from the first motor vehicle prototype, which comes before
    production: a later date is a located error (exit 2), nothing evaluated."""
    from typer.testing import CliRunner

    from roo_calc.cli.main import app
    vehicle = {"model": "Bus", "hs_code": "8702.10", "assembly_country": "MX", "net_cost": 10000, "new_plant": "new",
               "first_prototype_date": "2026-01-01", "production_date": "2025-09-01"}
    path = make_bom(vehicle=vehicle, lines=[{"part_number": "P", "hs_code": "8708.99", "value": 100, "origin_country": "MX"}])
    done = CliRunner().invoke(app, ["evaluate", str(path), "-r", "usmca-2020"])
    assert done.exit_code == 2
    assert "Vehicle!B" in done.output and "first_prototype_date: expected on or before production_date (2025-09-01), found 2026-01-01" in done.output
