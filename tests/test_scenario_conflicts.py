"""A scenario that sets one line's field twice: refused when the values differ, every scenario's
conflicts and unmatched selectors in one error (real workbooks, through the CLI)."""

from __future__ import annotations

from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()

LINES = [
    {"part_number": "E-1", "hs_code": "8407.34", "value": 2000, "origin_country": "MX", "supplier": "EngCo"},
    {"part_number": "E-2", "hs_code": "8407.34", "value": 500, "origin_country": "MX", "supplier": "EngCo"},
    {"part_number": "T-1", "hs_code": "8708.40", "value": 1000, "origin_country": "US", "supplier": "GearCo"},
]


def _compare(make_bom, tmp_path, text: str):
    path = tmp_path / "s.toml"
    path.write_text(text)
    result = runner.invoke(app, ["compare", str(make_bom(lines=LINES)), "-s", str(path), "-r", "usmca-2020"])
    return path, result


def test_conflicting_values_are_a_located_error(make_bom, tmp_path):
    path, result = _compare(make_bom, tmp_path, '''
[[scenario]]
name = "engine certified, then not"
[[scenario.change]]
select = { part_number = "E-1" }
set = { usmca_originating = "Y" }
[[scenario.change]]
select = { supplier = "EngCo" }
set = { usmca_originating = "N", regional_content_pct = 50 }

[[scenario]]
name = "two prices"
[[scenario.change]]
select = { part_number = "T-1" }
set = { price_change_pct = 4 }
[[scenario.change]]
select = { supplier = "GearCo" }
set = { price_change_pct = 4 }

[[scenario]]
name = "nobody"
[[scenario.change]]
select = { supplier = "Nobody" }
set = { origin_country = "US" }
''')
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert (f"{path}: scenario 'engine certified, then not': usmca_originating of row 2 (E-1) set to Y by change 1 "
            "(part_number = E-1) and to N by change 2 (supplier = EngCo)") in result.output
    assert "row 3 (E-2)" not in result.output, "E-2 is set once"
    # a price change given twice compounds: refused even with the same percentage
    assert ("scenario 'two prices': price of row 4 (T-1) set to price_change_pct = 4 by change 1 (part_number = T-1) "
            "and to price_change_pct = 4 by change 2 (supplier = GearCo)") in result.output
    # in the same pass: the selector that matches nothing
    assert "scenario 'nobody', change 1: selector (supplier = Nobody) matches no line" in result.output
    assert "Regime" not in result.output, "no partial report"


def test_the_same_value_twice_is_accepted(make_bom, tmp_path):
    _path, result = _compare(make_bom, tmp_path, '''
name = "engine certified twice"
[[change]]
select = { part_number = "E-1" }
set = { usmca_originating = "Y", value = 2000 }
[[change]]
select = { supplier = "EngCo" }
set = { usmca_originating = "Y" }
[[change]]
select = { part_number = "E-1" }
set = { value = 2000.00 }
''')
    assert result.exit_code == 0, result.output
    assert "engine certified twice" in result.output


def test_selectors_pick_lines_from_the_bom_as_given_on_both_paths(make_bom, tmp_path):
    """A change selecting by a field an earlier change set picks the lines as the BOM gives them,
    one scenario at a time as in the batch (they disagreed: E-1 moved to US was then picked)."""
    from roo_calc import load_bom
    from roo_calc.scenarios.apply import apply_scenario, load_scenario
    from roo_calc.scenarios.batch import edits_from_scenarios

    path = tmp_path / "s.toml"
    path.write_text('''name = "engine to US, US lines high-wage"
[[change]]
select = { part_number = "E-1" }
set = { origin_country = "US" }
[[change]]
select = { origin_country = "US" }
set = { high_wage = "Y" }
''')
    bom = load_bom(make_bom(lines=LINES))
    scenario = load_scenario(path)
    applied = apply_scenario(bom, scenario).lines.set_index("part_number")
    assert applied.at["E-1", "origin_country"] == "US"
    high_wage = applied["high_wage"].fillna(False).astype(bool)
    assert set(high_wage[high_wage].index) == {"T-1"}
    batch = edits_from_scenarios(bom, [scenario])
    assert {bom.lines["part_number"].iat[i] for i, flag in zip(batch["line"], batch["high_wage"]) if flag} == {"T-1"}
