"""Runs every table-driven case in tests/cases/*.toml on a real .xlsx BOM.

Each case names the outcome and cites its legal source; see tests/cases/ for the format.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from roo_calc import load_bom
from roo_calc.engine.determine import evaluate
from roo_calc.report.json import determination_json
from roo_calc.rules.loader import load_regimes

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_VEHICLE = {"model": "Case vehicle", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000}


def _cases():
    for file in sorted(CASES_DIR.glob("*.toml")):
        with file.open("rb") as handle:
            for case in tomllib.load(handle, parse_float=Decimal)["case"]:
                yield pytest.param(case, id=f"{file.stem}::{case['name']}")


@pytest.fixture(scope="module")
def regimes():
    return load_regimes()


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case, regimes, make_bom):
    assert case.get("source"), "every case cites its source"
    vehicle = {**DEFAULT_VEHICLE, **case.get("vehicle", {})}
    if "total_cost" in case.get("vehicle", {}) and "net_cost" not in case["vehicle"]:
        del vehicle["net_cost"]  # net cost derived from total cost minus excluded costs
    lines = [{k: (float(v) if isinstance(v, Decimal) else v) for k, v in line.items()} for line in case["lines"]]
    vehicle = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in vehicle.items()}
    bom = load_bom(make_bom(vehicle=vehicle, lines=lines))
    result = evaluate(bom, regimes[case["regime"]], case["as_of"], regimes)
    data = determination_json(result)
    expect = case["expect"]
    context = f"{case['name']}: {data}"
    if "status" in expect:
        assert data["status"] == expect["status"], context
    if "vehicle_class" in expect:
        assert data["vehicle_class"] == expect["vehicle_class"], context
    if "what_if" in expect:
        assert bool(data["what_if"]) == expect["what_if"], context
    requirements = {r["id"]: r for r in data["requirements"]}
    for rid, status in expect.get("requirements", {}).items():
        assert requirements[rid]["status"] == status, context
    for rid, value in expect.get("values", {}).items():
        assert requirements[rid]["value"] == value, context
    for rid, value in expect.get("margins", {}).items():
        assert requirements[rid]["margin"] == value, context
    for rid, value in expect.get("thresholds", {}).items():
        assert requirements[rid]["threshold"] == value, context
    for key, value in expect.get("figures", {}).items():
        rid, name = key.split(".")
        exact = requirements[rid]["figures_exact"].get(name)  # money off the cent: its exact value
        assert (requirements[rid]["figures"][name] == value) or exact == value, context
    for key, texts in expect.get("figures_contain", {}).items():
        rid, name = key.split(".")
        for text in texts:
            assert text in requirements[rid]["figures"][name], context
    for rid in expect.get("unconfirmed_deal", []):
        assert "[UNCONFIRMED]" in (requirements[rid]["reason"] or ""), context
    for rid, text in expect.get("reason", {}).items():
        assert text in (requirements[rid]["reason"] or ""), context
    assumptions = {a["code"]: a for a in data["assumptions"]}
    for code in expect.get("assumptions", []):
        assert code in assumptions, context
    for code in expect.get("no_assumptions", []):
        assert code not in assumptions, context
    for code, stake in expect.get("at_stake", {}).items():
        assert assumptions[code]["value_at_stake"] == stake, context
    for key, value in expect.get("counted", {}).items():  # "rvc.PART": what the line adds ("0.00" if nothing)
        rid, part = key.split(".", 1)
        counted = {line["part_number"]: line["counted"] for line in requirements[rid]["lines"]}
        assert counted.get(part, "0.00") == value, context
    for key, text in expect.get("basis", {}).items():
        rid, part = key.split(".", 1)
        assert any(line["part_number"] == part and text in line["basis"] for line in requirements[rid]["lines"]), context
    for rid in expect.get("unconfirmed", []):
        assert requirements[rid]["threshold_unconfirmed"], context
    for rid in expect.get("confirmed", []):
        assert not requirements[rid]["threshold_unconfirmed"], context
