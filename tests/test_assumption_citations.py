"""Each assumption carries the citation written for it, and one made for several requirements
says which requirement each copy is for."""

from __future__ import annotations

from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes
from tests.conftest import SAMPLES

runner = CliRunner()


def test_uncertified_share_is_not_cited_with_the_certified_materials_provision():
    """us-proposal-2017: the 0% for uncertified regional materials is not NAFTA UR 9(2)(g), which
    values certified materials without figures; by analogy it is 9(2)(i) (full value)."""
    bom = load_bom(SAMPLES / "suv-ca.xlsx")
    result = evaluate(bom, load_regimes()["us-proposal-2017"], bom.vehicle.production_date)
    by = {(a.requirement, a.code): a.citation or "" for a in result.assumptions}
    assert "9(2)(g)" in by[("rvc", "derived-regional-certified")]
    assert "9(2)(g)" not in by[("rvc", "derived-regional-undeclared")]
    assert "9(2)(i)" in by[("rvc", "derived-regional-undeclared")]
    assert "no US content" in by[("us_content", "derived-regional-undeclared")]


def test_an_assumption_made_for_two_requirements_names_each_requirement():
    result = runner.invoke(app, ["evaluate", str(SAMPLES / "suv-ca.xlsx"), "-r", "us-proposal-2017"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines() if "regional content not stated" in line]
    assert len(lines) == 4
    assert [line.split(":")[0] for line in lines] == ["- for rvc", "- for rvc", "- for us_content", "- for us_content"]
    assert "uncertified regional materials: 0% assumed [NAFTA Uniform Regulations (SOR/94-14), s.9(2)(i)" in lines[1]
