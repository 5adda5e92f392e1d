"""The law as rule data: what a rule file adds (a core-part group, ...) reaches the workbook
reader and the verdicts without code, and every cross-reference is checked when rules load."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_LINES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


# A what-if whose core-part table has one more group (fuel-cell stacks, declared on the line).
FUEL_CELL_GROUP = """
id = "usmca-fuel-cell-core"
extends = "usmca-2020"
title = "What-if: fuel-cell stacks are a core part"
status = "what-if"

[requirements.core_parts.core_part_table.fuel_cell]
title = "Fuel-cell stacks (declared on the line)"
ex_hs = ["8501.31"]
reference = [{ title = "What-if", pinpoint = "fuel-cell stacks as a Table A.2 group (not law)" }]
"""

FUEL_CELL_LINE = {"part_number": "00300", "hs_code": "8501.31", "value": 1000, "origin_country": "JP",
                  "core_part_group": "fuel_cell"}


def test_a_rule_file_adds_a_core_part_group_that_a_bom_line_names(tmp_path, make_bom):
    (tmp_path / "fuel-cell.toml").write_text(FUEL_CELL_GROUP)
    bom = make_bom(lines=[*BASE_LINES, FUEL_CELL_LINE])
    result = run("evaluate", bom, "--rules", tmp_path / "fuel-cell.toml", "-r", "usmca-fuel-cell-core",
                 "-r", "usmca-2020", "-f", "json")
    assert result.exit_code == 0, result.output
    by_regime = {r["regime"]: r for r in json.loads(result.output)["results"]}
    child = next(q for q in by_regime["usmca-fuel-cell-core"]["requirements"] if q["id"] == "core_parts")
    parent = next(q for q in by_regime["usmca-2020"]["requirements"] if q["id"] == "core_parts")
    # The JP fuel-cell line is a core part, wholly non-originating, under the what-if only.
    assert child["figures"]["fuel_cell_rvc"] == "0.0000"
    assert "fuel_cell_rvc" not in parent["figures"]
    assert child["status"] == "fail"
    assert any(line["row"] == 4 for line in child["lines"])


def test_validate_accepts_the_group_of_a_rule_file(tmp_path, make_bom):
    (tmp_path / "fuel-cell.toml").write_text(FUEL_CELL_GROUP)
    bom = make_bom(lines=[*BASE_LINES, FUEL_CELL_LINE])
    assert run("validate", bom, "--rules", tmp_path / "fuel-cell.toml").exit_code == 0


def test_an_unknown_core_part_group_is_a_located_error_naming_the_accepted_groups(make_bom):
    bom = make_bom(lines=[*BASE_LINES, FUEL_CELL_LINE])
    for command in ("validate", "evaluate"):
        result = run(command, bom)
        assert result.exit_code == 2, result.output
        assert "BOM!" in result.output and "4" in result.output
        message = next(line for line in result.output.splitlines() if "core_part_group" in line)
        assert "'fuel_cell'" in message
        for group in ("engine", "transmission", "body_chassis", "axle", "suspension", "steering", "advanced_battery", "none"):
            assert group in message


def test_a_group_another_regime_adds_is_not_counted_here_and_the_report_says_so(tmp_path, make_bom):
    (tmp_path / "fuel-cell.toml").write_text(FUEL_CELL_GROUP)
    bom = make_bom(lines=[*BASE_LINES, FUEL_CELL_LINE])
    result = run("evaluate", bom, "--rules", tmp_path / "fuel-cell.toml", "-r", "usmca-2020", "-f", "json")
    assumptions = json.loads(result.output)["results"][0]["assumptions"]
    found = next(a for a in assumptions if "fuel_cell" in a["text"])
    assert found["rows"] == [4] and "not counted as core parts" in found["text"]
