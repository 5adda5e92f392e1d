"""Sentences a report prints are true of what they sit beside: core-part assumptions and the
self-produced parts they would contradict, advise under a tariff, regimes show on a dated credit."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_VEHICLE
from tests.fixtures import erp_export

runner = CliRunner()


def test_materials_of_a_self_produced_core_part_are_not_said_to_be_uncounted(tmp_path):
    """UR 14(7)(a): the engine made in the plant is measured by the materials below it; those lines
    (8409.91, only partly a core part by their own code) count with it, so no assumption may say they
    are "not counted as core parts" (the review's erp.py)."""
    path = erp_export.write(tmp_path / "cs12.xlsx", columns_sheet=True)
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "-f", "json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)["results"][0]
    core = next(r for r in result["requirements"] if r["id"] == "core_parts")
    below_engine = {line["row"] for line in core["lines"] if "material of the self-produced core part" in line["basis"]}
    assert below_engine
    for assumption in result["assumptions"]:
        if "not counted as core parts" in assumption["text"]:
            assert not set(assumption["rows"]) & below_engine, assumption


def test_advise_under_a_tariff_says_it_is_a_duty_not_an_eligibility(make_bom):
    bom = make_bom(vehicle={**BASE_VEHICLE, "production_date": "2025-09-01", "transaction_value": 20000},
                   lines=[{"part_number": "X1", "hs_code": "8544.30", "value": 2500, "origin_country": "CN"}])
    out = runner.invoke(app, ["advise", str(bom), "-r", "us-section-232-2025"])
    assert "already eligible" not in out.output and "nothing to change" not in out.output
    assert "us-section-232-2025 is a tariff: its result is a duty" in out.output


def test_regimes_show_says_until_when_a_dated_credit_runs_and_its_state_on_the_date_shown():
    out = runner.invoke(app, ["regimes", "show", "usmca-2020", "--as-of", "2027-06-30"])
    assert "until 2027-07-01 inclusive; on 2027-06-30: available" in out.output and "(available on" not in out.output
    out = runner.invoke(app, ["regimes", "show", "usmca-2020", "--as-of", "2027-07-02"])
    assert "until 2027-07-01 inclusive; on 2027-07-02: ended" in out.output
