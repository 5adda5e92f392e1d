"""A regime's certification column and agreement come from its rule file, not from Python.

A user's rule file (TOML only) defines a what-if agreement, "Auto Pact", under USMCA's rules but
read from the BOM's nafta_originating column.  advise certifies in that column and names the
pact; solicit asks for that column under the pact's name, collect reads the answer back, and the
re-evaluation with the collected certifications flips as predicted.

What a rule file cannot do: name a certification column the BOM contract (v2) does not have.
The contract holds two (usmca_originating, nafta_originating), and `certification_field` must
be one of them (a load error otherwise, tests/rules_invalid/certification_field_unknown.toml).
A new agreement therefore shares a column with another; chosen together, the two read one
answer, and the request asks for it under both names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.test_suppliers import LINES, VEHICLE, fill

runner = CliRunner()

PACT = '''id = "auto-pact"
extends = "usmca-2020"
title = "What-if: an auto pact under USMCA's rules, certified in the NAFTA column"
status = "what-if"
summary = "USMCA's rules; suppliers certify origin under the pact, recorded in nafta_originating."
certification_field = "nafta_originating"
agreement = "Auto Pact"
certification_basis = "the Auto Pact (a what-if, not law)"
'''
HEADER = "Auto Pact originating? (Y/N)"


@pytest.fixture
def pact(tmp_path) -> Path:
    path = tmp_path / "auto-pact.toml"
    path.write_text(PACT)
    return path


@pytest.fixture
def sample(make_bom):
    return make_bom(VEHICLE, LINES, name="sedan.xlsx")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _status(bom: Path, rules: Path, regime: str, *extra) -> str:
    result = run("evaluate", bom, "--rules", rules, "-r", regime, "-f", "json", *extra)
    return json.loads(result.output)["results"][0]["status"]


def test_advise_certifies_in_the_rule_files_column_and_names_its_agreement(sample, pact, make_bom):
    # E-100 holds a USMCA certification only: the pact, reading nafta_originating, does not count it.
    assert _status(sample, pact, "usmca-2020") == "not_eligible" and _status(sample, pact, "auto-pact") == "not_eligible"
    out = run("advise", sample, "--rules", pact, "-r", "auto-pact", "-f", "json")
    assert out.exit_code in (0, 1), out.output
    plan = json.loads(out.output)
    assert plan["certify"] == {"agreement": "Auto Pact", "sets": {"nafta_originating": "Y"}}
    assert plan["re_source_sets"]["nafta_originating"] == "Y" and plan["re_source_sets"]["usmca_originating"] == "Y"
    certified = {line["part_number"] for line in plan["lines"] if line["action"] == "certify"}
    assert certified and plan["verified"] is True and plan["after"]["status"] == "eligible"
    assert "E-100" in certified  # made in MX and certified under USMCA only: the pact needs its own
    # The plan is true of the BOM: those lines certified in nafta_originating make the pact eligible,
    # and the same lines certified in usmca_originating do not.
    lines_nafta = [dict(line, nafta_originating="Y") if line["part_number"] in certified else line for line in LINES]
    lines_usmca = [dict(line, usmca_originating="Y") if line["part_number"] in certified else line for line in LINES]
    assert _status(make_bom(VEHICLE, lines_nafta), pact, "auto-pact") == "eligible"
    assert _status(make_bom(VEHICLE, lines_usmca), pact, "auto-pact") == "not_eligible"
    text = run("advise", sample, "--rules", pact, "-r", "auto-pact").output
    assert "obtain the supplier's Auto Pact certification that the line is originating (nafta_originating = Y" in text


def test_solicit_asks_for_the_pact_and_collect_reads_it_back(sample, pact, tmp_path):
    folder = tmp_path / "requests"
    made = run("solicit", sample, "--rules", pact, "-r", "auto-pact", "--output", folder)
    assert made.exit_code == 0, made.output
    book = load_workbook(folder / "request-valid-co.xlsx")
    parts = book["Parts"]
    headers = [c.value for c in parts[4]]
    assert HEADER in headers and not any("USMCA" in str(h) or "NAFTA" in str(h) for h in headers)
    assert parts.row_dimensions[3].hidden and parts.cell(3, headers.index(HEADER) + 1).value == "nafta_originating"
    asked = [c.value for c in parts[5]]
    assert "Auto Pact certification of origin (Y/N)" in asked
    notes = {book["Instructions"].cell(r, 1).value: book["Instructions"].cell(r, 2).value for r in range(1, 30)}
    assert notes["Auto Pact"] == "Y if the part is originating under the Auto Pact (a what-if, not law); N if it is not."
    summary = load_workbook(folder / "summary.xlsx")
    assert [c.value for c in summary["Regimes"][2]][4] == "Auto Pact (nafta_originating)"
    answers = {summary["Suppliers"].cell(r, 2).value: summary["Suppliers"].cell(r, 6).value for r in range(5, 9)}
    assert answers["Valid Co"] == "Auto Pact certification of origin: 2"

    fill(folder / "request-valid-co.xlsx", "answered", {("S-300", HEADER): "Y", ("S-301", HEADER): "Y"}, document="VC-P")
    fill(folder / "request-motores-mx.xlsx", "answered", {("E-100", HEADER): "Y"}, document="MM-P")
    certs = tmp_path / "certificates.xlsx"
    collected = run("collect", folder / "request-valid-co.xlsx", folder / "request-motores-mx.xlsx", "--output", certs,
                    "--received", "2024-05-02")
    assert collected.exit_code == 0, collected.output
    sheet = load_workbook(certs)["Certificates"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    assert {(r["part_number"], r["agreement"]) for r in rows} == {("S-300", "nafta"), ("S-301", "nafta"), ("E-100", "nafta")}
    # 7,000.00 of the pact's 7,000.00 gap now certified: eligible under the pact; USMCA reads its own column.
    assert _status(sample, pact, "auto-pact", "--certificates", certs) == "eligible"
    assert _status(sample, pact, "usmca-2020", "--certificates", certs) == "not_eligible"


def test_two_agreements_each_asked_in_their_own_column(sample, pact, tmp_path):
    folder = tmp_path / "requests"
    made = run("solicit", sample, "--rules", pact, "-r", "usmca-2020", "-r", "auto-pact", "--output", folder)
    assert made.exit_code == 0, made.output
    book = load_workbook(folder / "request-valid-co.xlsx")
    headers = [c.value for c in book["Parts"][4]]
    assert "USMCA originating? (Y/N)" in headers and HEADER in headers
    notes = {book["Instructions"].cell(r, 1).value: book["Instructions"].cell(r, 2).value for r in range(1, 30)}
    assert notes["USMCA"].startswith("Y if the part is originating under USMCA Chapter 4 and the Uniform Regulations")
    assert notes["Auto Pact"].startswith("Y if the part is originating under the Auto Pact")


def test_one_column_read_by_two_agreements_is_asked_under_both(sample, pact, tmp_path):
    """nafta-1994 and the pact read the same column: one answer counts for both, so it is asked
    for both, by name."""
    folder = tmp_path / "requests"
    made = run("solicit", sample, "--rules", pact, "-r", "nafta-1994", "-r", "auto-pact", "--as-of", "2024-05-01",
               "--output", folder)
    assert made.exit_code == 0, made.output
    book = load_workbook(folder / "request-valid-co.xlsx")
    headers = [c.value for c in book["Parts"][4]]
    assert "NAFTA and Auto Pact originating? (Y/N)" in headers
    notes = {book["Instructions"].cell(r, 1).value: book["Instructions"].cell(r, 2).value for r in range(1, 30)}
    assert notes["NAFTA and Auto Pact"] == ("Y if the part is originating under NAFTA Chapter 4 and the NAFTA Uniform "
                                            "Regulations and under the Auto Pact (a what-if, not law); N if it is not.")


def test_certify_refuses_another_agreement(sample, pact, tmp_path):
    """The certification of origin `certify` writes is USMCA's (Annex 5-A): a regime whose rule
    file names another agreement is refused, whatever column it reads."""
    out = run("certify", sample, "--rules", pact, "-r", "auto-pact", "-o", tmp_path / "c.xlsx")
    assert out.exit_code == 3 and "auto-pact is not a USMCA preference regime" in out.output


def test_regimes_show_names_the_certification_a_regime_reads(pact):
    shown = run("regimes", "show", "auto-pact", "--rules", pact)
    assert shown.exit_code == 0, shown.output
    assert ("supplier certifications: BOM column nafta_originating, Y = originating under the Auto Pact (a what-if, "
            "not law) (Auto Pact)") in shown.output
    assert "BOM column usmca_originating, Y = originating under USMCA Chapter 4" in run("regimes", "show", "usmca-2020").output


def test_collect_reads_a_request_written_before_the_key_row(sample, tmp_path):
    """A request from an earlier version has no key row above the Parts headers: its fixed
    headers ("USMCA originating? (Y/N)") are still read."""
    folder = tmp_path / "requests"
    assert run("solicit", sample, "-r", "usmca-2020", "--output", folder).exit_code == 0
    path = folder / "request-valid-co.xlsx"
    book = load_workbook(path)
    for cell in book["Parts"][3]:
        cell.value = None
    book.save(path)
    fill(path, "answered", {("S-300", "USMCA originating? (Y/N)"): "Y"}, document="VC-OLD")
    certs = tmp_path / "c.xlsx"
    assert run("collect", path, "--output", certs).exit_code == 0
    sheet = load_workbook(certs)["Certificates"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    assert [(r["part_number"], r["agreement"], r["originating"]) for r in rows] == [("S-300", "usmca", "Y")]
