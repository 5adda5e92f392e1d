"""USMCA UR 17(5)(b), the melted-and-poured test of steel from July 1, 2027, at the edges:
`validate` counts what the BOM states, a header alias is read, and `advise` re-sources a steel
line as melted and poured in the region.  The verdicts are table-driven cases in
tests/cases/usmca-2020-steel-melt-pour.toml."""

from __future__ import annotations

import datetime

from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.advise import resource
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes

VEHICLE = {"model": "Steel car", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000}
LINES = [
    {"part_number": "COIL", "hs_code": "7208.25", "value": 800, "origin_country": "MX", "usmca_originating": "Y",
     "steel_melted_poured": "Y"},
    {"part_number": "COIL-2", "hs_code": "7208.25", "value": 300, "origin_country": "MX", "usmca_originating": "Y"},
    {"part_number": "COIL-CN", "hs_code": "7208.25", "value": 200, "origin_country": "CN"},
]


def test_validate_counts_the_steel_lines_stating_melted_and_poured(make_bom):
    result = CliRunner().invoke(app, ["validate", str(make_bom(vehicle=VEHICLE, lines=LINES))])
    assert result.exit_code == 0, result.output
    assert ("Table S steel lines: 3; steel_melted_poured (USMCA UR 17(5)(b), asked from 2027-07-01 by usmca-2020"
            in result.output)
    assert "1 Y, 0 N, 2 not stated (counted as non-originating from that day)" in result.output


def test_an_alias_header_is_read_as_steel_melted_poured(make_bom):
    lines = [{("melted and poured" if k == "steel_melted_poured" else k): v for k, v in line.items()} for line in LINES]
    columns = ["part_number", "hs_code", "value", "origin_country", "usmca_originating", "melted and poured"]
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=lines, bom_columns=columns))
    assert bom.lines["steel_melted_poured"].isna().tolist() == [False, True, True]
    assert bool(bom.lines["steel_melted_poured"].iloc[0]) is True


def test_a_re_sourced_steel_line_is_melted_and_poured_in_the_region(make_bom):
    """advise's re-source action buys from an originating supplier in the region: from 2027-07-01
    its steel must also be melted and poured there to count (UR 17(5)(b))."""
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=LINES))
    usmca = load_regimes()["usmca-2020"]
    on = datetime.date(2027, 7, 1)
    before = {r.id: r for r in evaluate(bom, usmca, on).requirements}["steel"]
    assert before.status == "fail"  # 800 of 1,300
    after = {r.id: r for r in evaluate(resource(bom, [3, 4], "US", ("usmca_originating",)), usmca, on).requirements}["steel"]
    assert after.status == "pass" and after.value == 100
