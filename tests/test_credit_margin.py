"""The margin of a requirement whose credit counts only above a floor (USMCA UR 18(22): the
heavy-truck excess-LVC credit, "provided that the RVC percentage is not below 60%"): evaluate's
table and detail, and compare's batch, print the points the RVC can lose, not the value against
the threshold, and say so beside it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()
TRUCK = {"model": "Truck", "hs_code": "8704.32", "assembly_country": "MX", "production_date": "2024-07-01",
         "net_cost": 10000, "lvc_high_wage_labor": 4000, "lvc_high_wage_materials": 0, "lvc_technology_points": 10,
         "lvc_assembly_points": 5, "steel_purchases": 1000, "steel_purchases_originating": 800,
         "aluminum_purchases": 1000, "aluminum_purchases_originating": 800}
LINES = [{"part_number": "O", "hs_code": "8707.90", "value": 6000, "origin_country": "MX", "usmca_originating": "Y"},
         {"part_number": "N", "hs_code": "8708.30", "value": 4000, "origin_country": "CN", "supplier": "Far"}]


def test_evaluate_prints_the_margin_above_the_credit_floor_and_says_what_it_is(make_bom):
    bom = make_bom(vehicle=TRUCK, lines=LINES)
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert "70.00%  >= 64%     +0.00 pts ‡" in out.output
    assert "‡ the points the figure before credit can lose" in out.output
    assert "= 70.00% (required >= 64%; margin +0.00 pts)" in out.output
    assert "the RVC before credit needs 60.00%" in out.output
    data = json.loads(runner.invoke(app, ["evaluate", str(bom), "-r", "usmca-2020", "-f", "json"]).output)
    rvc = next(r for r in data["results"][0]["requirements"] if r["id"] == "rvc")
    assert (rvc["value"], rvc["margin"], rvc["figures"]["vnm_allowed"]) == ("70.0000", "0.0000", "4000.00")


def test_compare_gives_a_sourcing_scenario_the_margin_its_form_decides(make_bom, tmp_path):
    """The baseline is 1.00 of VNM past the floor (RVC 59.99%, no credit): margin -0.01.  The
    scenario moves that 1.00 line into the region: RVC 60.00% + 10 = 70%, and one dollar more
    would lose the credit again, so its margin is 0, not 6."""
    lines = [{**LINES[0], "value": 5999}, LINES[1],
             {"part_number": "N2", "hs_code": "8708.92", "value": 1, "origin_country": "CN"}]
    bom = make_bom(vehicle=TRUCK, lines=lines)
    scenario = tmp_path / "move.toml"
    scenario.write_text('name = "N2 from MX"\n[[change]]\nselect = { part_number = ["N2"] }\n'
                        'set = { origin_country = "MX", usmca_originating = "Y" }\n')
    out = runner.invoke(app, ["compare", str(bom), "-s", str(scenario), "-r", "usmca-2020", "-f", "json"])
    assert out.exit_code == 0, out.output
    cells = {c["scenario"]: {r["id"]: r for r in c["requirements"]} for c in json.loads(out.output)["matrix"]}
    assert (cells["baseline"]["rvc"]["value"], cells["baseline"]["rvc"]["margin"]) == ("59.9900", "-0.0100")
    assert (cells["N2 from MX"]["rvc"]["value"], cells["N2 from MX"]["rvc"]["margin"]) == ("70.0000", "0.0000")


def test_compare_text_marks_a_margin_off_the_threshold_and_says_why(make_bom, tmp_path):
    bom = make_bom(vehicle=TRUCK, lines=LINES)
    scenario = tmp_path / "move.toml"
    scenario.write_text('name = "N from MX"\n[[change]]\nselect = { part_number = ["N"] }\n'
                        'set = { origin_country = "MX", usmca_originating = "Y" }\n')
    out = runner.invoke(app, ["compare", str(bom), "-s", str(scenario), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert "+0.00 pts ‡" in out.output and "‡ margin: the points the figure before credit can lose" in out.output
