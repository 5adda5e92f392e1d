"""compare and advise show the certification notes evaluate shows (an expired certification,
a line that disagrees with its certification), in text and JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from roo_calc.certificates.writer import write_certificates
from roo_calc.cli.main import app
from tests.test_certificates import CERT, LINES, VEHICLE

runner = CliRunner()


@pytest.fixture
def args(make_bom, tmp_path):
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [CERT])  # valid to 2024-05-01: expired on 2024-06-01
    return [str(make_bom(VEHICLE, LINES)), "-r", "usmca-2020", "--certificates", str(certs), "--as-of", "2024-06-01"]


@pytest.mark.parametrize("command", [["compare"], ["advise"]])
def test_compare_and_advise_show_certificate_notes(args, command):
    evaluated = runner.invoke(app, ["evaluate", *args])
    assert evaluated.exit_code == 0, evaluated.output
    note = "USMCA certification ACME-USMCA-2024"
    assert note in evaluated.output and "is expired" in evaluated.output
    text = runner.invoke(app, [*command, *args])
    assert text.exit_code == 0, text.output
    assert "Supplier certification notes:" in text.output
    line = next(x for x in text.output.splitlines() if note in x)
    assert "is expired" in line and "1 line, value at stake 3,000.00" in line
    data = json.loads(runner.invoke(app, [*command, *args, "-f", "json"]).output)
    [found] = data["certificate_notes"]
    assert found["code"] == "certificate-expired" and found["rows"] == [2] and found["value_at_stake"] == "3000.00"
