"""A core part certified Y beside a stated content under the core-part threshold, in the
vehicle's RVC (USMCA UR 14(2), 14(5), 14(12), 14(13)(d): 75% NC from 2023-07-01).

Such a part is originating only if core parts pass by averaging (by category or as a
super-core, 14(12)); the RVC counts it as originating (its linear form is unchanged), and says
why when core parts pass, or lists `certified-core-part-rests-on-core-parts` with the RVC the
lines would give counted as non-originating when they do not.  Steel and aluminum purchases from BOM lines count the metal of such a part of
8708.29/8708.99 (UR 17(2)) and say the same.  Real .xlsx workbooks throughout.
"""

from __future__ import annotations

import datetime

import numpy as np
import openpyxl
import pytest

from roo_calc import load_bom
from roo_calc.engine.core_origin import RESTS_ON_CORE_PARTS
from roo_calc.engine.determine import evaluate
from roo_calc.numbers import SHARE_ONE
from roo_calc.report.excel import write_report
from roo_calc.report.json import determination_json
from roo_calc.rules.loader import load_regimes

ON = datetime.date(2024, 3, 15)
VEHICLE = {"model": "Core test car", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-03-15",
           "net_cost": 10000, "steel_purchases": 100, "steel_purchases_originating": 100, "aluminum_purchases": 100,
           "aluminum_purchases_originating": 100, "lvc_high_wage_labor": 1000, "lvc_high_wage_materials": 3000}
ENGINE = {"part_number": "ENG", "hs_code": "8407.34", "value": 3000, "origin_country": "MX", "usmca_originating": "Y",
          "regional_content_pct": 70}
BODY = {"part_number": "BODY", "hs_code": "8707.10", "value": 3000, "origin_country": "MX", "usmca_originating": "Y",
        "regional_content_pct": 90}
IMPORT = {"part_number": "RADIO", "hs_code": "8527.21", "value": 2000, "origin_country": "CN"}
GEARBOX_JP = {"part_number": "GB", "hs_code": "8708.40", "value": 2000, "origin_country": "JP"}


@pytest.fixture(scope="module")
def regimes():
    return load_regimes()


def _usmca(make_bom, regimes, lines, vehicle=None):
    bom = load_bom(make_bom(vehicle={**VEHICLE, **(vehicle or {})}, lines=lines))
    result = evaluate(bom, regimes["usmca-2020"], ON, regimes)
    by_id = {r.id: r for r in result.requirements}
    rows = bom.lines["part_number"].tolist()
    return result, by_id, lambda rid, part: str(np.asarray(by_id[rid].line_basis, dtype=object)[rows.index(part)])


def test_core_parts_passing_by_the_super_core_make_the_engine_originating_and_the_reason_says_so(make_bom, regimes):
    # Engine group 70% (under 75%); super-core (6,000 - 900 - 300) / 6,000 = 80%: passes by 14(10), and
    # 14(12) makes every part averaged originating.  RVC: (10,000 - 2,000) / 10,000 = 80%.
    result, req, basis = _usmca(make_bom, regimes, [ENGINE, BODY, IMPORT])
    assert req["core_parts"].status == "pass"
    assert req["core_parts"].figures["option"].startswith("super-core")
    assert req["rvc"].status == "pass" and req["rvc"].value == 80
    assert basis("rvc", "ENG") == ("originating: core parts pass by the super-core, 80.00% (UR 14(10), 14(12)); "
                                   "it states 70.00%, under the 75% threshold, on its own")
    assert "row 2 ENG (70.00%): certified usmca_originating = Y under the 75% core-part threshold, counted as " \
           "originating because core parts pass (UR 14(12))" in req["rvc"].reason
    assert RESTS_ON_CORE_PARTS not in {a.code for a in result.assumptions}
    assert basis("rvc", "BODY") == "originating (certified, usmca_originating = Y)"  # 90% meets 75%: untouched
    assert result.status == "eligible"


def test_core_parts_passing_by_the_category_average_name_it_with_the_unconfirmed_reading(make_bom, regimes):
    # The engine group holds the 70% engine (3,000) and a 95% head (3,000): 82.5% >= 75% by category.
    head = {"part_number": "HEAD", "hs_code": "8409.91", "value": 3000, "origin_country": "MX", "usmca_originating": "Y",
            "regional_content_pct": 95, "core_part_group": "engine"}
    result, req, basis = _usmca(make_bom, regimes, [ENGINE, head, BODY, IMPORT], vehicle={"net_cost": 12000})
    assert req["core_parts"].status == "pass" and req["core_parts"].figures["option"].startswith("each core part")
    assert basis("rvc", "ENG") == ("originating: core parts pass by the engine category's average, 82.50% (UR 14(12); "
                                   "UNCONFIRMED, see core-part-lines-averaged); it states 70.00%, under the 75% "
                                   "threshold, on its own")
    assert RESTS_ON_CORE_PARTS not in {a.code for a in result.assumptions}


def test_core_parts_failing_list_the_assumption_with_the_rvc_the_engine_would_give(make_bom, regimes):
    # Core parts: engine 70%, transmission 0% (JP), super-core (5,000 - 900 - 2,000) / 5,000 = 42%: fail.
    # RVC counts the certified engine as originating: (10,000 - 2,000) / 10,000 = 80%; counted as
    # non-originating, (10,000 - 5,000) / 10,000 = 50%, under 75%.
    result, req, basis = _usmca(make_bom, regimes, [ENGINE, GEARBOX_JP, dict(BODY, regional_content_pct=None)])
    assert req["core_parts"].status == "fail"
    assert req["rvc"].status == "pass" and req["rvc"].value == 80  # the form is unchanged
    assert result.status == "not_eligible"  # 14(4): core parts fail the vehicle
    [assumption] = [a for a in result.assumptions if a.code == RESTS_ON_CORE_PARTS]
    assert assumption.requirement == "rvc"
    assert assumption.rows == (2,) and assumption.value_at_stake_cents == 300_000
    assert "row 2 ENG states 70.00% (3,000.00)" in assumption.text
    assert assumption.text.endswith("Core parts (core_parts) fail here, so the vehicle is not originating whatever its "
                                    "RVC; counted as non-originating, the RVC would be 50.00%, which fails the 75%")
    assert "by averaging, by category or as a super-core" in assumption.text
    assert assumption.citation.startswith("USMCA UR 14(2), 14(5), 14(12); core_parts: UR 14(4)")
    assert basis("rvc", "ENG") == ("counted as originating (certified usmca_originating = Y), which holds only if core "
                                   "parts pass: it states 70.00%, under the 75% core-part threshold (UR 14(2), 14(12)); "
                                   f"core parts fail (see {RESTS_ON_CORE_PARTS})")
    assert req["rvc"].reason == (
        "rests on core parts: counts 1 line certified usmca_originating = Y under the 75% core-part threshold as "
        "originating, which holds only if core parts pass (UR 14(2), 14(12)); they fail; counted as non-originating "
        f"the RVC would be 50.00%, which fails the 75% (see {RESTS_ON_CORE_PARTS})")


def test_the_assumption_says_when_the_rvc_would_still_pass(make_bom, regimes):
    # Net cost 20,000: RVC 90% as counted, (20,000 - 5,000) / 20,000 = 75% with the engine non-originating.
    result, req, _basis = _usmca(make_bom, regimes, [ENGINE, GEARBOX_JP], vehicle={"net_cost": 20000})
    [assumption] = [a for a in result.assumptions if a.code == RESTS_ON_CORE_PARTS]
    assert assumption.text.endswith("the RVC would be 75.00%, which still meets the 75%")


def test_a_stated_content_exactly_at_the_threshold_is_originating_with_nothing_to_say(make_bom, regimes):
    result, req, basis = _usmca(make_bom, regimes, [dict(ENGINE, regional_content_pct=75), GEARBOX_JP])
    codes = {a.code for a in result.assumptions}
    assert "certified-under-threshold" not in codes and RESTS_ON_CORE_PARTS not in codes
    assert basis("rvc", "ENG") == "originating (certified, usmca_originating = Y)"
    assert req["rvc"].reason is None


def test_the_reports_carry_the_assumption_beside_the_rvc(make_bom, regimes, tmp_path):
    from roo_calc.report.text import detail

    bom = load_bom(make_bom(vehicle=VEHICLE, lines=[ENGINE, GEARBOX_JP]))
    result = evaluate(bom, regimes["usmca-2020"], ON, regimes)
    text = "\n".join(detail(result, bom))
    rvc_block = text.split("[PASS] rvc:")[1].split("\n  [")[0]
    assert "note: rests on core parts" in rvc_block
    data = determination_json(result)
    assert [a["requirement"] for a in data["assumptions"] if a["code"] == RESTS_ON_CORE_PARTS] == ["rvc"]
    assert next(r for r in data["requirements"] if r["id"] == "rvc")["reason"].startswith("rests on core parts")
    report = tmp_path / "report.xlsx"
    write_report(report, bom, [result], ON, [regimes["usmca-2020"]])
    book = openpyxl.load_workbook(report, read_only=True)
    rvc_row = next(r for r in book["usmca-2020"].iter_rows(values_only=True) if r[0] == "rvc")
    assert rvc_row[9].startswith("rests on core parts")  # the Note column beside the RVC
    listed = [r for r in book["Assumptions and Review"].iter_rows(values_only=True) if r[2] == RESTS_ON_CORE_PARTS]
    assert [(r[0], r[1], r[4], r[5]) for r in listed] == [("usmca-2020", "rvc", 1, 3000)]


def test_a_heavy_truck_engine_is_decided_by_15_4_alone_in_the_rvc(make_bom, regimes):
    # UR 15(4), 15(2)(b): 64% from 2024-07-01; no vehicle-level core-parts test for heavy trucks (14(4)).
    bom = load_bom(make_bom(vehicle={**VEHICLE, "hs_code": "8704.32", "vehicle_type": "heavy_truck"},
                            lines=[dict(ENGINE, hs_code="8408.20", regional_content_pct=62), BODY]))
    result = evaluate(bom, regimes["usmca-2020"], datetime.date(2024, 7, 1), regimes)
    req = {r.id: r for r in result.requirements}
    assert "core_parts" not in req or req["core_parts"].status == "not_applicable"
    counted = np.asarray(req["rvc"].line_counted, dtype=np.int64)
    assert counted[0] == 300_000 * SHARE_ONE  # non-originating: its full value (3,000.00), scaled
    assert str(req["rvc"].line_basis[0]).startswith("certified usmca_originating = Y, but the stated regional content is under 64%")
    codes = {a.code for a in result.assumptions}
    assert "certified-under-threshold" in codes and RESTS_ON_CORE_PARTS not in codes


def test_core_parts_not_decided_leave_the_rvc_waiting_on_them(make_bom, regimes):
    """A core-parts result of needs_review (e.g. a self-produced core part without a cost): the
    assumption says the verdict waits on them, with the same RVC figure."""
    from roo_calc.engine.core_origin import rvc_rests_on_core_parts
    from roo_calc.engine.determine import context
    from roo_calc.engine.kinds import KINDS
    from roo_calc.engine.result import RequirementResult

    bom = load_bom(make_bom(vehicle=VEHICLE, lines=[ENGINE, GEARBOX_JP]))
    regime = regimes["usmca-2020"]
    ctx = context(bom, regime, ON, regimes, "passenger_vehicle", ON)
    results = [KINDS[regime.requirements[rid].kind].evaluate(ctx, rid, regime.requirements[rid]) for rid in ("rvc", "core_parts")]
    results[1] = RequirementResult(id="core_parts", title="Core parts", kind="core_parts", status="needs_review",
                                   citation="UR 14(4)", reason="a self-produced core part has no cost of production")
    rvc = rvc_rests_on_core_parts(ctx, results)[0]
    assert "they are not decided (needs review); counted as non-originating the RVC would be 50.00%" in rvc.reason
    [assumption] = [a for a in ctx.assumptions if a.code == RESTS_ON_CORE_PARTS]
    assert "Core parts (core_parts) are not decided (needs review) here, and the vehicle's verdict waits on them" in assumption.text
    assert "by averaging, by category or as a super-core" in assumption.text


# Steel and aluminum purchases from BOM lines: a body/chassis stamping of 8708.29 counts for its
# metal, taking the part's originating status (UR 17(2)); certified Y under the 75% threshold it
# is originating only if core parts pass (14(2), 14(12)).  No purchase figures on the Vehicle sheet.
BOM_METAL = {"steel_purchases": None, "steel_purchases_originating": None, "aluminum_purchases": None,
             "aluminum_purchases_originating": None}
STAMPING = {"part_number": "STAMP", "hs_code": "8708.29", "value": 1000, "origin_country": "MX", "usmca_originating": "Y",
            "regional_content_pct": 70, "core_part_group": "body_chassis", "material": "steel", "steel_content_value": 600}
COIL_CN = {"part_number": "COIL-CN", "hs_code": "7208.25", "value": 200, "origin_country": "CN"}


def test_steel_from_bom_lines_counts_a_stamping_under_the_threshold_only_with_core_parts_failing_listed(make_bom, regimes):
    # Core parts fail (JP gear box).  Steel: (800 - 200) / 800 = 75% as counted; with the stamping's
    # 600.00 of steel non-originating, (800 - 800) / 800 = 0%.
    result, req, basis = _usmca(make_bom, regimes, [dict(ENGINE, regional_content_pct=80), GEARBOX_JP, STAMPING, COIL_CN],
                                vehicle=BOM_METAL)
    assert req["core_parts"].status == "fail"
    assert req["steel"].status == "pass" and req["steel"].value == 75  # the form is unchanged
    [assumption] = [a for a in result.assumptions if a.code == RESTS_ON_CORE_PARTS and a.requirement == "steel"]
    assert assumption.rows == (4,) and assumption.value_at_stake_cents == 60_000  # the steel, not the part's value
    assert "row 4 STAMP states 70.00% (steel 600.00)" in assumption.text
    assert assumption.text.endswith("counted as non-originating, the steel purchases would be 0.00% originating, which "
                                    "fails the 70%")
    assert assumption.citation.startswith("USMCA UR 17(2), 14(2), 14(5), 14(12); core_parts:")
    assert basis("steel", "STAMP") == ("steel content of a part (UR 17(2)): counted as originating (certified "
                                       "usmca_originating = Y), which holds only if core parts pass: it states 70.00%, "
                                       "under the 75% core-part threshold (UR 14(2), 14(12)); core parts fail "
                                       f"(see {RESTS_ON_CORE_PARTS})")
    assert "counted as non-originating the steel purchases would be 0.00% originating, which fails the 70%" in req["steel"].reason


def test_steel_from_bom_lines_says_the_stamping_is_originating_when_core_parts_pass(make_bom, regimes):
    result, req, basis = _usmca(make_bom, regimes, [dict(ENGINE, regional_content_pct=80), STAMPING, COIL_CN],
                                vehicle=BOM_METAL)
    assert req["core_parts"].status == "pass" and req["steel"].value == 75
    assert basis("steel", "STAMP") == ("steel content of a part (UR 17(2)): originating: core parts pass by the "
                                       "super-core, 77.50% (UR 14(10), 14(12)); it states 70.00%, under the 75% "
                                       "threshold, on its own")
    assert "row 3 STAMP (70.00%): certified usmca_originating = Y under the 75% core-part threshold, counted as " \
           "originating because core parts pass (UR 14(12))" in req["steel"].reason
    assert RESTS_ON_CORE_PARTS not in {a.code for a in result.assumptions}


def test_aluminum_from_bom_lines_says_whether_it_would_still_pass(make_bom, regimes):
    # Aluminum: a 76.06 sheet from MX (certified, 900) and the stamping's 100.00 of aluminum: 100% as
    # counted, 90% with the stamping non-originating, which still meets 70%.
    sheet = {"part_number": "SHEET", "hs_code": "7606.12", "value": 900, "origin_country": "MX", "usmca_originating": "Y"}
    stamping = dict(STAMPING, material="aluminum", steel_content_value=None, aluminum_content_value=100)
    result, req, _basis = _usmca(make_bom, regimes, [dict(ENGINE, regional_content_pct=80), GEARBOX_JP, stamping, sheet],
                                 vehicle=BOM_METAL)
    assert req["aluminum"].value == 100
    [assumption] = [a for a in result.assumptions if a.code == RESTS_ON_CORE_PARTS and a.requirement == "aluminum"]
    assert assumption.value_at_stake_cents == 10_000
    assert assumption.text.endswith("the aluminum purchases would be 90.00% originating, which still meets the 70%")
