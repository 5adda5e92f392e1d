"""The CLI as users run it: every sample BOM, JSON shape, exit codes, broken input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import SAMPLE_FILES, SAMPLES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_validate_passes_every_sample(path):
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "Workbook is valid" in result.output


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_evaluate_every_sample_as_table_and_json(path):
    table = run("evaluate", path)
    assert table.exit_code == 0, table.output
    assert "nafta-1994" in table.output and "usmca-2020" in table.output
    data = json.loads(run("evaluate", path, "--format", "json").output)
    assert set(data) >= {"input", "vehicle", "as_of", "results"}
    assert set(data["input"]) >= {"path", "sha256"} and len(data["input"]["sha256"]) == 64
    for result in data["results"]:
        assert set(result) >= {"regime", "title", "status", "eligible", "requirements", "assumptions", "review"}
        tariff = result["regime"].startswith("us-section-232")
        assert result["status"] in (("duty", "no_duty", "needs_review", "not_applicable") if tariff
                                    else ("eligible", "not_eligible", "needs_review", "not_applicable"))
        for req in result["requirements"]:
            assert set(req) >= {"id", "status", "value", "threshold", "margin", "citation", "figures"}
            assert req["value"] is None or isinstance(req["value"], str)
            if req["id"] == "rvc":
                assert isinstance(req["value"], str) and isinstance(req["threshold"], str)
                assert {"net_cost", "vnm"} <= set(req["figures"])


def _status(path, regime):
    data = json.loads(run("evaluate", SAMPLES / path, "--format", "json", "--regime", regime).output)
    return data["results"][0]["status"]


def test_sample_contrasts():
    """The samples show what users ask about (sample_boms/README.md)."""
    assert _status("compact-sedan-mx.xlsx", "nafta-1994") == "eligible"
    assert _status("compact-sedan-mx.xlsx", "us-proposal-2017") == "not_eligible"
    for regime in ("nafta-1994", "us-proposal-2017", "usmca-2020"):
        assert _status("fullsize-pickup-us.xlsx", regime) == "eligible", regime


def test_as_of_and_regime_selection():
    data = json.loads(run("evaluate", SAMPLES / "compact-sedan-mx.xlsx", "--format", "json", "-r", "usmca-2020",
                          "--as-of", "2021-01-01").output)
    assert data["as_of"] == "2021-01-01"
    assert [r["regime"] for r in data["results"]] == ["usmca-2020"]
    assert data["results"][0]["requirements"][0]["threshold"] == "66"


def test_unknown_regime_and_bad_date_exit_2():
    result = run("evaluate", SAMPLES / "compact-sedan-mx.xlsx", "--regime", "gatt-1947")
    assert result.exit_code == 2 and "unknown regime gatt-1947" in result.output
    assert run("evaluate", SAMPLES / "compact-sedan-mx.xlsx", "--as-of", "01/02/2024").exit_code == 2


def test_broken_workbook_exits_2_with_located_messages_and_writes_nothing(make_bom, tmp_path):
    path = make_bom(lines=[{"part_number": "A", "hs_code": "8708.40", "value": "lots", "origin_country": "JP"}])
    out = tmp_path / "report.xlsx"
    result = run("evaluate", path, "--output", out)
    assert result.exit_code == 2
    assert f"{path}:BOM!F2: value: expected a number, found text 'lots'" in result.output
    assert not out.exists()
    assert run("validate", path).exit_code == 2


def test_user_rules_and_regimes_show(tmp_path):
    listing = run("regimes")
    assert listing.exit_code == 0 and "usmca-2020-at-80" in listing.output
    shown = run("regimes", "show", "usmca-2020", "--as-of", "2022-01-01")
    assert shown.exit_code == 0
    assert "passenger_vehicle: >= 69% (from 2021-07-01)" in shown.output and "s.13" in shown.output
    custom = tmp_path / "my-usmca-90.toml"
    custom.write_text('id = "my-usmca-90"\nextends = "usmca-2020"\ntitle = "USMCA at 90%"\nstatus = "what-if"\n'
                      '[[requirements.rvc.threshold.passenger_vehicle]]\nfrom = 2020-07-01\nvalue = 90\n'
                      'reference = [{ title = "what-if", pinpoint = "90%" }]\n')
    data = json.loads(run("evaluate", SAMPLES / "suv-ca.xlsx", "--rules", custom, "-r", "my-usmca-90", "-f", "json").output)
    assert data["results"][0]["requirements"][0]["threshold"] == "90"


def test_import_into_is_a_country_code_not_a_path():
    """--import-into names a table in rules/mfn/; a path out of that folder is refused, exit 2."""
    result = run("evaluate", SAMPLES / "compact-sedan-mx.xlsx", "-r", "usmca-2020", "--import-into", "../usmca-2020")
    assert result.exit_code == 2, result.output
    assert "--import-into: expected an ISO alpha-2 country code" in result.output
