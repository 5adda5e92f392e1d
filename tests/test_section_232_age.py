"""Proclamation 10984 cl.(10) on a real workbook: a model year is not a year of manufacture, so a
heavy truck of model year 2001 entered in 2025 without production_date needs review, and the
text names each case with its duty."""

from __future__ import annotations

from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()


def test_a_model_year_straddling_the_25_years_shows_each_case_in_words(make_bom):
    vehicle = {"model": "Old truck", "hs_code": "8704.32", "assembly_country": "JP", "entry_date": "2025-11-01",
               "net_cost": 10000, "transaction_value": 40000, "model_year": "2001"}
    bom = make_bom(vehicle=vehicle, lines=[{"part_number": "X", "hs_code": "8708.30", "value": 9000, "origin_country": "JP"}])
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "us-section-232-2025", "--as-of", "2025-11-01"])
    assert out.exit_code == 0, out.output
    assert "NEEDS REVIEW" in out.output
    assert "if made in 2000 or earlier (excluded, cl.(10)): duty 0.00 USD" in out.output
    assert "if made in 2001 or later: duty 10,000.00 USD" in out.output
    assert "missing fact: production_date (the year of manufacture): model year 2001 taken as made in 2000 to 2002" in out.output
