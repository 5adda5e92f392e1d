"""Small promises the CLI keeps so that its output can be trusted: it says which date the law was
applied on and where that date came from, refuses what it cannot do, and ends cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_VEHICLE, SAMPLES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _excel_as_of(path) -> str:
    sheet = openpyxl.load_workbook(path, read_only=True)["Summary"]
    return next(str(row[1]) for row in sheet.iter_rows(values_only=True) if row and row[0] == "As of")


@pytest.mark.parametrize("vehicle, as_of, shown, source", [
    (BASE_VEHICLE, None, "2024-05-01 (the workbook's production_date", "production_date"),
    (BASE_VEHICLE, "2024-05-01", "2024-05-01 (from --as-of)", "as-of"),
    ({k: v for k, v in BASE_VEHICLE.items() if k != "production_date"}, None,
     f"{date.today().isoformat()} (today: the workbook gives no production_date", "today"),
], ids=["production-date", "as-of-equal-to-it", "today"])
def test_the_date_and_where_it_came_from_in_text_json_and_excel(make_bom, tmp_path, vehicle, as_of, shown, source):
    path = make_bom(vehicle=vehicle)
    extra = ["--as-of", as_of] if as_of else []
    out = tmp_path / "report.xlsx"
    text = run("evaluate", path, "-r", "usmca-2020", "--output", out, *extra)
    assert text.exit_code == 0, text.output
    assert f"As of {shown}" in text.output
    data = json.loads(run("evaluate", path, "-r", "usmca-2020", "--format", "json", *extra).output)
    assert (data["as_of"], data["as_of_source"]) == (shown[:10], source)
    assert _excel_as_of(out).startswith(shown)


def test_import_into_a_country_without_rates_is_refused_naming_those_with_rates(tmp_path):
    out = tmp_path / "report.xlsx"
    for args in (["evaluate", SAMPLES / "suv-ca.xlsx", "-o", out], ["compare", SAMPLES / "suv-ca.xlsx"],
                 ["advise", SAMPLES / "suv-ca.xlsx", "-r", "usmca-2020"]):
        result = run(*args, "--import-into", "FR")
        assert result.exit_code == 2, (args, result.output)
        assert "no general (MFN) duty rates for FR; expected one of CA, MX, US" in result.output
    assert not out.exists()


@pytest.mark.parametrize("args", [["evaluate", SAMPLES / "suv-ca.xlsx", "--format", "json", "--all-lines"],
                                  ["regimes"]], ids=["evaluate", "regimes"])
def test_a_reader_that_stops_early_ends_the_command_quietly(args):
    """`roo-calc evaluate ... | head -1`: the closed pipe ends it like any Unix filter (128 + SIGPIPE,
    as a shell reports it), without a traceback or an internal-error message."""
    command = Path(sys.executable).parent / "roo-calc"
    if not command.exists():
        pytest.skip("the roo-calc command is not installed beside this Python")
    process = subprocess.Popen([str(command), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the first line is written
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 128 + signal.SIGPIPE
    assert err == b""


def test_the_certifications_determination_sheet_counts_the_rows_it_does_not_list(tmp_path):
    """An assumption over 130 lines lists 20 rows on the Determination sheet and says how many more."""
    out = tmp_path / "certification.xlsx"
    result = run("certify", SAMPLES / "fullsize-pickup-us.xlsx", "-r", "usmca-2020", "-o", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out, read_only=True)["Determination"]
    listed = [str(row[1]) for row in sheet.iter_rows(values_only=True) if row[1] and " (rows " in str(row[1])]
    assert listed
    assert any(" and 110 more)" in text for text in listed)
