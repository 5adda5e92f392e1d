"""Control characters from a workbook (ESC, BEL, CR, bidirectional overrides) reach the terminal
escaped: in reports, in validate, and in error messages on stderr."""

from __future__ import annotations

import re

import pytest
import xlsxwriter
from typer.testing import CliRunner

from roo_calc.cli.main import app
from roo_calc.terminal import printable

runner = CliRunner()
HOSTILE = "\x1b[2J\x1b]0;owned\x07\rX\u202e\x9b"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_printable_escapes_what_acts_on_a_terminal_and_keeps_lines():
    assert printable("a\x1b[31mb\x07\rc\u202ed\x9be") == "a\\x1b[31mb\\x07\\x0dc\\u202ed\\x9be"
    assert printable("line 1\n\tline 2 café 名") == "line 1\n\tline 2 café 名"


def _hostile_workbook(path, country: str = "JP"):
    """Written with xlsxwriter, which stores control characters (openpyxl refuses them)."""
    book = xlsxwriter.Workbook(str(path))
    vehicle = book.add_worksheet("Vehicle")
    for row, (key, value) in enumerate([("model", "Car" + HOSTILE), ("hs_code", "8703.23"), ("assembly_country", "MX"),
                                        ("production_date", "2024-05-01"), ("net_cost", 10000)]):
        vehicle.write_string(row, 0, key)
        vehicle.write(row, 1, value)
    bom = book.add_worksheet("BOM")
    bom.write_row(0, 0, ["part_number", "description", "hs_code", "value", "origin_country", "supplier"])
    bom.write_row(1, 0, ["001" + HOSTILE, "desc" + HOSTILE, "8708.40", 2000, country, "Supplier" + HOSTILE])
    bom.write_row(2, 0, ["002", "d", "8708.29", 2000, "MX", "S"])
    book.close()
    return path


@pytest.mark.parametrize("command", [["evaluate"], ["validate"], ["evaluate", "--regime", "nafta-1994"],
                                     ["advise", "--regime", "usmca-2020"]])
def test_workbook_text_is_escaped_in_reports(tmp_path, command):
    path = _hostile_workbook(tmp_path / "bom.xlsx")
    result = runner.invoke(app, [command[0], str(path), *command[1:]])
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.output), repr(result.output)
    if command[0] == "evaluate":
        assert "Car\\x1b[2J" in result.output


def test_workbook_text_is_escaped_in_errors_on_stderr(tmp_path):
    path = _hostile_workbook(tmp_path / "bom.xlsx", country="J\x1b[8mP")
    result = runner.invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 2
    assert "J\\x1b[8mP" in result.stderr
    assert not RAW.search(result.stderr), repr(result.stderr)


def test_file_names_are_escaped_too(tmp_path):
    path = tmp_path / "rules\x1b[31m.toml"
    path.write_text("not = [toml")
    result = runner.invoke(app, ["regimes", "--rules", str(path)])
    assert result.exit_code == 2
    assert "rules\\x1b[31m.toml" in result.stderr and not RAW.search(result.stderr)


def test_commands_print_only_through_the_escaping_echo():
    """Every command prints through `roo_calc.cli.common.echo` (which escapes), never directly."""
    from tests.conftest import ROOT

    direct = [f"{path.name}:{number}" for path in sorted((ROOT / "roo_calc" / "cli").glob("*.py")) if path.name != "common.py"
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if re.search(r"\b(typer\.echo|click\.echo|print)\(", line) and "printable(" not in line
              and "roo-calc {__version__}" not in line]
    assert not direct, f"print with roo_calc.cli.common.echo instead: {', '.join(direct)}"
