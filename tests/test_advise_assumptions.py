"""advise states every value a re-source action assumes, and the determination after the plan
calls those values the plan's assumption, never a stated figure (real sample workbooks)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.advise import resource, resource_sets
from roo_calc.cli.main import app
from roo_calc.rules.certifications import certification_fields
from roo_calc.rules.loader import load_regimes
from tests.conftest import SAMPLES

REGIMES = load_regimes()
runner = CliRunner()
SEDAN = SAMPLES / "compact-sedan-mx.xlsx"
# the contract's column (what the Method line names) for each column of the lines frame
FRAME_COLUMN = {"regional_content_e4": "regional_content_pct", "us_content_e4": "us_content_pct",
                "nafta_traced_value_cents": "nafta_traced_value"}


def test_the_method_line_names_every_value_a_re_sourced_line_takes():
    out = runner.invoke(app, ["advise", str(SEDAN), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert ("Re-source: buy it from a high-wage supplier in US that certifies it originating; the changed BOM takes each "
            "re-sourced line as origin_country = US, ") in out.output
    assert ("regional_content_pct = 100, us_content_pct = 100, high_wage = Y, steel_melted_poured = Y and "
            "nafta_traced_value blank: the plan's assumptions, which the new supplier must state.") in out.output
    # the line the plan re-sources: its 100% is the plan's, not a figure anyone stated
    assert "row 2 COM-8708-00001 states 100.00%" not in out.output
    assert ("row 2 COM-8708-00001 is taken as 100.00% (the plan's assumption for a re-sourced line, not a stated figure), "
            "counts 0.00 of 1,850.00") in out.output
    json_out = runner.invoke(app, ["advise", str(SEDAN), "-r", "usmca-2020", "--to", "CA", "-f", "json"])
    assert '"us_content_pct": "0"' in json_out.output and '"regional_content_pct": "100"' in json_out.output


def test_every_column_a_re_source_changes_is_stated():
    """Whatever `resource` changes on a line is in `resource_sets`, the list the Method line and
    JSON print: a value added to the action without a word beside the plan fails here."""
    bom = load_bom(SEDAN)
    fields = certification_fields(list(REGIMES.values()))
    for target in ("US", "CA"):
        changed = resource(bom, bom.lines["row"].tolist(), target, fields)
        sets = resource_sets(target, fields)
        for column in bom.lines.columns:
            before, after = bom.lines[column], changed.lines[column]
            moved = ~((before == after).fillna(False) | (before.isna() & after.isna()))
            if moved.any():
                assert FRAME_COLUMN.get(column, column) in sets, column
        assert (changed.lines["origin_country"] == target).all() and sets["origin_country"] == target
        for column in ("regional_content_e4", "us_content_e4"):  # ten-thousandths of a percent
            assert (changed.lines[column] == Fraction(sets[FRAME_COLUMN[column]]) * 10_000).all(), column
        assert changed.lines["nafta_traced_value_cents"].isna().all() and sets["nafta_traced_value"] == ""
        assert bool(pd.Series(changed.lines["high_wage"]).all()) and sets["high_wage"] == "Y"
