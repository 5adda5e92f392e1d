"""CLI conventions: -h and an Examples section on every command, explicit metavars, --quiet on
every command, --fail-on for CI, and the Excel reports' structure (glossary, inputs, printing,
assumption flags, tariff duty column, fleets)."""

from __future__ import annotations

import re

import openpyxl
import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import ROOT, SAMPLES

runner = CliRunner()
SEDAN = str(SAMPLES / "compact-sedan-mx.xlsx")
COMMANDS = [["evaluate"], ["compare"], ["advise"], ["validate"], ["template"], ["regimes"], ["regimes", "show"],
            ["solicit"], ["collect"], ["certify"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_short_help_examples_and_metavars(command):
    out = runner.invoke(app, [*command, "-h"])
    assert out.exit_code == 0, out.output
    assert "Examples:" in out.output and "roo-calc " in out.output.split("Examples:")[1]
    assert "--quiet" in out.output
    assert "<datetime>" not in out.output and "DATETIME" not in out.output and "PATH..." not in out.output


def test_metavars_name_what_to_give():
    text = runner.invoke(app, ["evaluate", "-h"]).output
    for metavar in ("--as-of DATE", "--regime ID", "--output REPORT.xlsx", "BOM.xlsx"):
        assert metavar in text, metavar
    show = runner.invoke(app, ["regimes", "show", "-h"]).output
    assert "--as-of DATE" in show and "workbook" not in show.split("--as-of")[1].split("--rules")[0]


@pytest.mark.parametrize("args", [["evaluate", SEDAN], ["compare", SEDAN, "-s", str(ROOT / "scenarios" / "sedan-electronics-to-mexico.toml")],
                                  ["advise", SEDAN, "-r", "usmca-2020"], ["validate", SEDAN], ["regimes"],
                                  ["regimes", "show", "usmca-2020"]], ids=lambda a: a[0] + (" " + a[1] if a[0] == "regimes" and len(a) > 1 else ""))
def test_quiet_prints_nothing(args):
    out = runner.invoke(app, [*args, "--quiet"])
    assert out.exit_code == 0, out.output
    assert out.stdout == ""


def test_quiet_template_still_writes(tmp_path):
    out = runner.invoke(app, ["template", str(tmp_path / "t.xlsx"), "-q"])
    assert out.exit_code == 0 and out.stdout == "" and (tmp_path / "t.xlsx").exists()


def test_fail_on_for_ci():
    assert runner.invoke(app, ["evaluate", SEDAN, "-r", "nafta-1994", "--fail-on", "not-eligible", "-q"]).exit_code == 0
    assert runner.invoke(app, ["evaluate", SEDAN, "-r", "usmca-2020", "--fail-on", "not-eligible", "-q"]).exit_code == 3
    assert runner.invoke(app, ["evaluate", SEDAN, "-r", "usmca-2020"]).exit_code == 0
    eligible = runner.invoke(app, ["compare", SEDAN, "-s", str(ROOT / "scenarios" / "sedan-transmission-to-mexico.toml"),
                                   "-r", "nafta-1994", "--fail-on", "needs-review", "-q"])
    assert eligible.exit_code == 0


def test_evaluate_report_reads_well(tmp_path):
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["evaluate", SEDAN, "--as-of", "2025-06-01", "-o", str(out), "--paper", "a4", "-q"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert {"Summary", "Glossary", "Inputs", "usmca-2020", "Lines"} <= set(book.sheetnames)
    terms = {row[0] for row in book["Glossary"].iter_rows(values_only=True)}
    assert {"Status", "Binding requirement", "Margin", "Counted", "Basis"} <= terms
    inputs = {row[0]: row[1] for row in book["Inputs"].iter_rows(values_only=True) if row[0]}
    assert inputs["Generated at"] and inputs["roo-calc version"]
    rule_files = [row[1] for row in book["Inputs"].iter_rows(values_only=True) if row[1] and str(row[1]).endswith(".toml")]
    assert "rules/usmca-2020.toml" in rule_files and not any(str(f).startswith("/") for f in rule_files)
    summary = book["Summary"]
    assert summary.page_setup.paperSize == 9 and "Page &P of &N" in summary.oddFooter.right.text
    head = [c.value for c in summary[11]]
    tariff = next(r for r in summary.iter_rows(min_row=12, values_only=True) if r[0] == "us-section-232-2025")
    assert tariff[head.index("Tariff duty per vehicle")] == 5850  # a number, not text
    lines = book["Lines"]
    header = [c.value for c in lines[3]]
    flags = [row[header.index("usmca-2020: assumed")] for row in lines.iter_rows(min_row=4, values_only=True)]
    assert any(f and f.startswith("assumed: ") for f in flags)
    assert lines.print_title_rows == "$2:$3"
    parts = [row[1] for row in lines.iter_rows(min_row=4, values_only=True)]
    assert lines.column_dimensions["B"].width >= max(len(p) for p in parts)  # part numbers never clipped
    figures = book["usmca-2020"]
    labelled = {(r[0], r[1]): r[2] for r in figures.iter_rows(values_only=True) if r[0] == "rvc" and r[1]}
    assert labelled[("rvc", "net cost")] == 19800


def test_fleet_report(tmp_path):
    out = tmp_path / "fleet.xlsx"
    result = runner.invoke(app, ["evaluate", str(SAMPLES / "fleet" / "aurora-fleet.xlsx"), "--average-by", "model-line",
                                 "-r", "usmca-2020", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Averages" and len(book.sheetnames) >= 3
    averages = list(book["Averages"].iter_rows(min_row=4, values_only=True))
    assert averages[0][0] == "usmca-2020" and "s.16" in averages[0][7]


def test_shipped_example_rule_folder_loads():
    out = runner.invoke(app, ["regimes", "--rules", str(ROOT / "examples" / "my-rules")])
    assert out.exit_code == 0 and "my-usmca-variant" in out.output
    result = runner.invoke(app, ["evaluate", str(SAMPLES / "suv-ca.xlsx"), "--rules", str(ROOT / "examples" / "my-rules"),
                                 "--regime", "my-usmca-variant"])
    assert result.exit_code == 0 and "my-usmca-variant *" in result.output and ">= 70%" in result.output


def test_brief_detail_legend_and_largest_lines():
    brief = runner.invoke(app, ["evaluate", SEDAN, "--detail", "brief"]).output
    full = runner.invoke(app, ["evaluate", SEDAN]).output
    assert len(brief.splitlines()) < 25 < len(full.splitlines())
    assert "Binding: the requirement that decides the verdict; Margin:" in brief
    assert "usmca-2020: rvc FAIL 70.95% (required >= 75%; margin -4.05 pts); 801.41 USD to move" in brief
    assert "largest: row " in full and not re.search(r"\b1 lines", full)


def test_long_part_numbers_are_never_cut(make_bom):
    from roo_calc import load_bom  # noqa: F401  (the workbook is read by the CLI)

    lines = [{"part_number": "ASSY-0000-0000-000001-A", "hs_code": "8708.40", "value": 3000, "origin_country": "JP"},
             {"part_number": "ASSY-0000-0000-000001-B", "hs_code": "8708.40", "value": 2000, "origin_country": "JP"}]
    out = runner.invoke(app, ["evaluate", str(make_bom(lines=lines)), "-r", "usmca-2020"]).output
    assert "ASSY-0000-0000-000001-A" in out and "ASSY-0000-0000-000001-B" in out
