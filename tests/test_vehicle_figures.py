"""Vehicle-sheet figures the law cannot take: a transaction value or MSRP of 0 (a blank cell is
"not given"; 0 is a typed value and never a vehicle's customs value or retail price), high-wage
labor and materials above the net cost USMCA UR 18(6)(a) divides them by, and an MSRP below the
transaction value (warned: the Section 232 parts offset is 3.75% of it, Proclamation 10984
cl.(11)).  Each on real .xlsx files, through `validate` and `evaluate` alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from roo_calc.scenarios.apply import vehicle_problems
from roo_calc.scenarios.model import Scenario
from roo_calc import load_bom

runner = CliRunner()
CAR = {"model": "Test car", "hs_code": "8703.23", "production_date": "2025-06-01", "net_cost": 20000}
LINES = [
    {"part_number": "E-1", "description": "engine", "hs_code": "8407.34", "value": 4000, "origin_country": "JP",
     "usmca_originating": "N"},
    {"part_number": "B-1", "description": "body", "hs_code": "8708.29", "value": 3000, "origin_country": "MX",
     "usmca_originating": "N"},
]


def _refused(path: Path, *, command: str = "evaluate") -> str:
    """`command` exits 2 with the errors on stderr and nothing on stdout."""
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr


@pytest.mark.parametrize("field, cell", [("transaction_value", "B6"), ("msrp", "B6")])
@pytest.mark.parametrize("command", ["evaluate", "validate"])
def test_a_transaction_value_or_msrp_of_0_is_refused_at_its_cell(make_bom, field, cell, command):
    """0 used to read as a value: an MX car not USMCA-qualifying showed Section 232 NO DUTY and
    "duty owed 0.00" (transaction value 0); a US car's parts offset was 0.00 (MSRP 0)."""
    path = make_bom(vehicle={**CAR, "assembly_country": "MX", field: 0}, lines=LINES)
    err = _refused(path, command=command)
    assert f"Vehicle!{cell}: {field}: expected an amount above 0" in err and "found 0" in err
    assert "leave the cell blank if it is not known" in err


def test_a_blank_transaction_value_is_not_given_and_30000_is_charged(make_bom):
    """The neighbours of 0: blank is a needs_review naming the fact, 30,000 the 25% duty."""
    blank = json.loads(runner.invoke(app, ["evaluate", str(make_bom(vehicle={**CAR, "assembly_country": "MX"}, lines=LINES)),
                                           "--regime", "us-section-232-2025", "--format", "json"]).stdout)
    assert blank["results"][0]["status"] == "needs_review"
    given = runner.invoke(app, ["evaluate", str(make_bom(vehicle={**CAR, "assembly_country": "MX", "transaction_value": 30000},
                                                         lines=LINES)), "--regime", "us-section-232-2025"])
    assert given.exit_code == 0 and "DUTY 7,500.00" in given.stdout


def _parts_232(path: Path) -> tuple[dict, list]:
    result = runner.invoke(app, ["evaluate", str(path), "--regime", "us-section-232-2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (parts,) = [r for r in report["results"][0]["requirements"] if r["id"] == "parts_232"]
    return parts, report["warnings"]


def test_an_msrp_below_the_transaction_value_is_warned_and_the_report_names_the_msrp_used(make_bom):
    """Proclamation 10984 cl.(11)(a): the offset is 3.75 percent of the aggregate MSRP; per vehicle,
    3.75% of this vehicle's MSRP.  An MSRP of 100 beside a 30,000 transaction value is implausible:
    the offset is still computed on it, and both the warning and the derivation say so."""
    path = make_bom(vehicle={**CAR, "assembly_country": "US", "transaction_value": 30000, "msrp": 100}, lines=LINES)
    parts, warnings = _parts_232(path)
    assert parts["figures"]["offset_measure"] == "100.00" and parts["figures"]["offset_applied"] == "3.75"
    (warning,) = [w for w in warnings if "msrp" in w]
    assert "Vehicle!B7: warning: msrp: 100.00 is below the transaction_value (30,000.00, B6)" in warning
    text = runner.invoke(app, ["evaluate", str(path), "--regime", "us-section-232-2025"])
    assert "offset 3.75% x MSRP 100.00 = 3.75 accrued, applied 3.75" in text.stdout
    assert "Vehicle!B7: warning: msrp: 100.00 is below the transaction_value (30,000.00, B6): implausible for a retail price" in runner.invoke(app, ["validate", str(path)]).output


def test_an_msrp_below_the_net_cost_is_warned_without_a_transaction_value(make_bom):
    path = make_bom(vehicle={**CAR, "assembly_country": "US", "msrp": 15000}, lines=LINES)
    _parts, warnings = _parts_232(path)
    assert [w.split(": warning: ")[1] for w in warnings if "msrp" in w] == [
        "msrp: 15,000.00 is below the net cost (20,000.00): implausible for a retail price; offsets measured on "
        "MSRP, as Section 232's for automobiles, are a share of it, so check the cell"]


def test_a_plausible_msrp_gives_no_warning(make_bom):
    _parts, warnings = _parts_232(make_bom(vehicle={**CAR, "assembly_country": "US", "transaction_value": 30000,
                                                    "msrp": 40000}, lines=LINES))
    assert not [w for w in warnings if "msrp" in w]


@pytest.mark.parametrize("labor, materials, named, found", [
    (30000, 3000, "lvc_high_wage_labor + lvc_high_wage_materials", "33,000.00 (165.00% of it)"),
    (30000, None, "lvc_high_wage_labor", "30,000.00 (150.00% of it)"),
    (None, 20000.01, "lvc_high_wage_materials", "20,000.01 (100.00% of it)"),
])
@pytest.mark.parametrize("command", ["evaluate", "validate"])
def test_high_wage_labor_and_materials_above_the_net_cost_are_refused(make_bom, labor, materials, named, found, command):
    """UR 18(6)(a): LVC = (HWLC + HWM) / NC x 100 + credits.  Both are costs within the net cost,
    so more than it is a yearly or plant figure typed for a per-vehicle one: it used to PASS at
    165.00%.  A located error naming the figures, as originating steel above the steel is."""
    given = {k: v for k, v in (("lvc_high_wage_labor", labor), ("lvc_high_wage_materials", materials)) if v is not None}
    err = _refused(make_bom(vehicle={**CAR, "assembly_country": "MX", **given}, lines=LINES), command=command)
    assert f"Vehicle!B6: {named}" in err and "expected at most the net cost (20,000.00), the base USMCA UR 18(6)(a)" in err
    assert f"found {found}" in err and err.count("error(s)") == 1


def test_high_wage_labor_and_materials_exactly_at_the_net_cost_are_read(make_bom):
    path = make_bom(vehicle={**CAR, "assembly_country": "MX", "lvc_high_wage_labor": 15000, "lvc_high_wage_materials": 5000},
                    lines=LINES)
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_high_wage_labor_and_the_bom_lines_marked_high_wage_above_the_net_cost_are_refused(make_bom):
    """Without lvc_high_wage_materials, the high-wage materials are the lines marked high_wage = Y."""
    lines = [{**line, "high_wage": "Y"} for line in LINES]
    err = _refused(make_bom(vehicle={**CAR, "assembly_country": "MX", "lvc_high_wage_labor": 15000}, lines=lines))
    assert "Vehicle!B6: lvc_high_wage_labor + the BOM lines marked high_wage = Y (2): expected at most the net cost" in err
    assert "found 22,000.00 (110.00% of it)" in err


def test_a_scenario_raising_high_wage_labor_above_the_net_cost_is_refused(make_bom):
    bom = load_bom(make_bom(vehicle={**CAR, "assembly_country": "MX", "lvc_high_wage_labor": 5000}, lines=LINES))
    scenario = Scenario.model_validate({"name": "plant figure", "vehicle": {"lvc_high_wage_labor": 30000}})
    (problem,) = vehicle_problems(bom, scenario)
    assert "scenario 'plant figure', [vehicle] lvc_high_wage_labor: expected at most the net cost (20,000.00" in problem
    assert "found 30,000.00" in problem
