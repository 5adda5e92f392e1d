"""Scenario files, selectors and edits on real workbooks; compare against separately evaluated BOMs."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.errors import ScenarioError
from roo_calc.report.json import determination_json
from roo_calc.rules.loader import load_regimes
from roo_calc.scenarios.apply import apply_scenario, load_scenario
from roo_calc.scenarios.compare import compare
from tests.conftest import ROOT, SAMPLES

runner = CliRunner()
REGIMES = load_regimes()


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_selectors_and_edits(make_bom, tmp_path):
    bom = load_bom(make_bom())
    scenario = load_scenario(write(tmp_path, '''
name = "move the transmission"
[[change]]
select = { hs_prefix = "8708.40", origin_country = "jp" }
set = { origin_country = "MX", usmca_originating = "Y", regional_content_pct = 80, price_change_pct = 10 }
[vehicle]
assembly_country = "US"
'''))
    edited = apply_scenario(bom, scenario)
    line = edited.lines.iloc[0]
    assert line["origin_country"] == "MX" and bool(line["usmca_originating"]) and line["regional_content_e4"] == 800_000
    assert line["value_cents"] == 220_000  # 2,000.00 + 10%
    assert edited.vehicle.net_cost_cents == bom.vehicle.net_cost_cents + 20_000  # materials are part of net cost
    assert edited.vehicle.assembly_country == "US"
    assert bom.lines.iloc[0]["origin_country"] == "JP", "the input BOM is untouched"


def test_selector_matching_nothing_names_scenario_and_selector(make_bom, tmp_path):
    bom = load_bom(make_bom())
    scenario = load_scenario(write(tmp_path, 'name = "nothing"\n[[change]]\nselect = { supplier = "Nobody" }\nset = { origin_country = "US" }\n'))
    with pytest.raises(ScenarioError, match=r"scenario 'nothing', change 1: selector \(supplier = Nobody\) matches no line"):
        apply_scenario(bom, scenario)


@pytest.mark.parametrize("text, message", [
    ('name = "x"\n[[change]]\nselect = { colour = "red" }\nset = { origin_country = "US" }\n', "change.0.select.colour: unknown key"),
    ('name = "x"\n[[change]]\nselect = { part_number = "A" }\nset = { origin_country = "Mexico" }\n', "ISO 3166-1"),
    ('name = "x"\n[[change]]\nselect = { part_number = "A" }\nset = { usmca_originating = "maybe" }\n', "expected Y or N"),
    ('name = "x"\n[[change]]\nselect = {}\nset = { origin_country = "US" }\n', "a selector needs at least one of"),
    ('name = "x"\n', "at least one [[change]]"),
])
def test_broken_scenario_files(tmp_path, text, message):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    assert message in str(info.value) and "s.toml" in str(info.value)


@pytest.mark.parametrize("sample, scenario", [
    ("compact-sedan-mx.xlsx", "sedan-transmission-to-mexico.toml"),
    ("compact-sedan-mx.xlsx", "sedan-electronics-to-mexico.toml"),
    ("suv-ca.xlsx", "suv-engine-and-steel.toml"),
])
def test_compare_agrees_with_separately_evaluated_boms(sample, scenario):
    bom = load_bom(SAMPLES / sample)
    loaded = load_scenario(ROOT / "scenarios" / scenario)
    regimes = [REGIMES[r] for r in ("nafta-1994", "us-proposal-2017", "usmca-2020")]
    on = bom.vehicle.production_date
    result = compare(bom, [loaded], regimes, on, REGIMES)
    edited = apply_scenario(bom, loaded)
    for regime in regimes:
        alone = determination_json(evaluate(edited, regime, on, REGIMES))
        assert determination_json(result.cell(regime.id, loaded.name).result) == alone


def test_shipped_scenarios_tell_their_story():
    out = runner.invoke(app, ["compare", str(SAMPLES / "suv-ca.xlsx"), "-s", str(ROOT / "scenarios" / "suv-engine-and-steel.toml"),
                              "-r", "usmca-2020", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["scenarios"] == ["baseline", "engine from Ontario, North American steel"]
    statuses = {c["scenario"]: c["status"] for c in data["matrix"]}
    assert statuses == {"baseline": "not_eligible", "engine from Ontario, North American steel": "eligible"}


def test_compare_excel_output(tmp_path):
    import openpyxl

    out = tmp_path / "compare.xlsx"
    result = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s",
                                 str(ROOT / "scenarios" / "sedan-transmission-to-mexico.toml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Compare"]
    assert sheet["A3"].value == "Regime" and len(sheet._charts) == 1


def test_compare_batches_sourcing_scenarios_and_agrees_with_the_engine(tmp_path):
    """Pure sourcing scenarios go through the batch path; its verdicts equal the engine's."""
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    scenarios = [load_scenario(write(tmp_path, f'''
name = "certify {hs}"
[[change]]
select = {{ hs_prefix = "{hs}" }}
set = {{ origin_country = "MX", usmca_originating = "Y", nafta_originating = "Y", regional_content_pct = 90, high_wage = "Y" }}
''', f"s{i}.toml")) for i, hs in enumerate(["8708.40", "8708.94", "8537.10", "7318"])]
    regimes = [REGIMES[r] for r in ("nafta-1994", "us-proposal-2017", "usmca-2020", "usmca-2020-at-80")]
    on = bom.vehicle.production_date
    result = compare(bom, scenarios, regimes, on, REGIMES)
    for scenario in scenarios:
        edited = apply_scenario(bom, scenario)
        for regime in regimes:
            cell = result.cell(regime.id, scenario.name)
            assert cell.result.requirements[0].reason == "evaluated in a batch of sourcing scenarios"
            alone = evaluate(edited, regime, on, REGIMES)
            assert cell.result.status == alone.status
            assert [(r.id, r.status, r.value) for r in cell.result.requirements] == \
                [(r.id, r.status, r.value) for r in alone.requirements]


def test_compare_shows_every_requirement_that_moved_with_its_threshold():
    """RVC going from fail to pass shows as such, not as the baseline's binding core_parts +0.00;
    net cost and duty changes per vehicle and per year; what-if regimes marked."""
    out = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s",
                              str(ROOT / "scenarios" / "sedan-electronics-to-mexico.toml"), "-r", "usmca-2020",
                              "-r", "usmca-2020-at-80"])
    assert out.exit_code == 0, out.output
    assert "usmca-2020 / electronics from Mexico: rvc (>= 75%): 70.95% FAIL -> 77.91% PASS, +6.96 pts" in out.output
    assert "core_parts +0.00" not in out.output
    assert "usmca-2020-at-80 *" in out.output and "* not in force on that date, or never enacted" in out.output
    data = json.loads(runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s",
                                          str(ROOT / "scenarios" / "sedan-transmission-to-mexico.toml"), "-r", "usmca-2020",
                                          "-f", "json"]).output)
    cell = next(c for c in data["matrix"] if c["scenario"] != "baseline")
    assert cell["failing"] == [] and cell["status"] == "eligible"
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    mfn = Fraction(bom.vehicle.transaction_value_cents) * Fraction(25, 1000) / 100
    assert Fraction(cell["duty_change_per_vehicle"]) == -mfn
    assert Fraction(cell["duty_change_per_year_exact"]) == -mfn * bom.vehicle.annual_volume
    assert Fraction(cell["net_cost_change"]) > 0
    rvc = next(c for c in cell["changes"] if c["requirement"] == "rvc")
    assert (rvc["status_before"], rvc["status_after"], rvc["threshold"]) == ("fail", "pass", "75")


def test_deltas_come_from_exact_values():
    from roo_calc.display import change

    assert change(Fraction(881149, 10000) - Fraction(786251, 10000)) == "+9.49 pts"  # 88.1149 - 78.6251 = 9.4898
    assert change(Fraction(-1, 1000)) == "+0.00 pts"


def test_compare_chart_colours_each_scenario_by_its_status(tmp_path):
    import zipfile

    out = tmp_path / "compare.xlsx"
    result = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s",
                                 str(ROOT / "scenarios" / "sedan-electronics-to-mexico.toml"), "-r", "usmca-2020", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "C00000" in chart  # the NOT ELIGIBLE bars are red, not the colour of a pass
    assert "Binding requirement" in chart


def test_compare_workbook_lists_each_scenarios_changes_and_the_lines_they_touched(tmp_path):
    import openpyxl

    out = tmp_path / "compare.xlsx"
    result = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s",
                                 str(ROOT / "scenarios" / "sedan-electronics-to-mexico.toml"), "-r", "usmca-2020", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Scenarios and inputs"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == "electronics from Mexico"]
    assert rows and rows[0][3].startswith("select = { ") and rows[0][4].startswith("15 lines: 40, 41, 42")
    assert len(rows[0][2]) == 64  # the scenario file's SHA-256


def test_a_high_wage_change_that_cannot_count_is_warned(make_bom, tmp_path):
    """The Vehicle sheet's lvc_high_wage_materials is what labor value content uses (USMCA UR 18(7));
    a scenario setting a line's high_wage then changes nothing, and compare says so and why."""
    import json

    from typer.testing import CliRunner

    from roo_calc.cli.main import app
    from tests.conftest import BASE_VEHICLE

    lines = [{"part_number": "E1", "hs_code": "8407.34", "value": 3000, "origin_country": "MX", "usmca_originating": "Y",
              "high_wage": "N"}, {"part_number": "X1", "hs_code": "8544.30", "value": 2500, "origin_country": "CN"}]
    bom = make_bom(vehicle={**BASE_VEHICLE, "lvc_high_wage_labor": 1000, "lvc_high_wage_materials": 1000}, lines=lines)
    scenario = tmp_path / "hw.toml"
    scenario.write_text('name = "engine plant high-wage"\n[[change]]\nselect = { part_number = "E1" }\nset = { high_wage = "Y" }\n')
    out = CliRunner().invoke(app, ["compare", str(bom), "-s", str(scenario), "-r", "usmca-2020"])
    assert out.exit_code == 0, out.output
    assert ("warning: scenario 'engine plant high-wage', change 1: high_wage = Y has no effect: labor value content takes "
            "its high-wage materials from the Vehicle sheet's lvc_high_wage_materials 1000.00 (B") in out.output
    data = json.loads(CliRunner().invoke(app, ["compare", str(bom), "-s", str(scenario), "-r", "usmca-2020", "-f", "json"]).output)
    assert len(data["scenario_warnings"]) == 1
    bare = make_bom(vehicle={**BASE_VEHICLE, "lvc_high_wage_labor": 1000}, lines=lines)  # the flags count: no warning
    out = CliRunner().invoke(app, ["compare", str(bare), "-s", str(scenario), "-r", "usmca-2020"])
    assert "has no effect" not in out.output


MANY = '''
[[scenario]]
name = "transmission from Mexico"
[[scenario.change]]
select = { hs_prefix = "8708.40" }
set = { origin_country = "MX", usmca_originating = "Y", nafta_originating = "Y", regional_content_pct = 90 }

[[scenario]]
name = "electronics from Mexico"
[[scenario.change]]
select = { hs_prefix = "8537.10" }
set = { origin_country = "MX", usmca_originating = "Y", nafta_originating = "Y", regional_content_pct = 90 }
[scenario.vehicle]
net_cost = 20000
'''


def test_one_file_holds_many_scenarios_each_as_if_alone(tmp_path):
    """A [[scenario]] file gives the same scenarios, and the same comparison, as one file each."""
    from roo_calc.scenarios.apply import load_scenarios

    many = load_scenarios(write(tmp_path, MANY))
    assert [s.name for s in many] == ["transmission from Mexico", "electronics from Mexico"]
    assert many[1].vehicle is not None and many[1].vehicle.net_cost == 20000
    singles = [load_scenario(write(tmp_path, text.replace("[scenario.", "[").replace("[[scenario.", "[["), f"{k}.toml"))
               for k, text in enumerate(MANY.split("[[scenario]]")[1:])]
    assert [(s.name, s.change, s.vehicle) for s in many] == [(s.name, s.change, s.vehicle) for s in singles]
    args = ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-r", "usmca-2020", "-f", "json"]
    one = json.loads(runner.invoke(app, [*args, "-s", str(tmp_path / "s.toml")]).stdout)
    each = json.loads(runner.invoke(app, [*args, "-s", str(tmp_path / "0.toml"), "-s", str(tmp_path / "1.toml")]).stdout)
    assert one["matrix"] == each["matrix"]


@pytest.mark.parametrize("text, expected", [
    (MANY.replace('regional_content_pct = 90 }\n\n', 'regional_content_pct = 190 }\n\n'),
     "scenario 1 ('transmission from Mexico'): change.0.set.regional_content_pct: "),
    (MANY.replace('name = "electronics from Mexico"', 'name = "transmission from Mexico"'),
     "scenario 2 ('transmission from Mexico'): name: scenario 1 has the same name"),
    (MANY.replace('name = "electronics from Mexico"', ''), "scenario 2: name: Field required"),
    (MANY.replace("net_cost = 20000", "net_cost = 20000\ncolour = 1"), "scenario 2 ('electronics from Mexico'): vehicle.colour: unknown key"),
    ('name = "x"\n' + MANY, "name: a file of [[scenario]] tables holds nothing else at its top level"),
    ("scenario = []\n", "scenario: expected one or more [[scenario]] tables, found an empty list"),
    ('scenario = ["a"]\n', "scenario: expected one or more [[scenario]] tables"),
])
def test_a_bad_entry_in_a_file_of_many_is_located(tmp_path, text, expected):
    path = write(tmp_path, text)
    result = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}: {expected}" in result.stderr, result.stderr


def test_every_bad_entry_of_every_file_in_one_error(tmp_path):
    """All problems in one pass: both bad entries of one file, and the other file's."""
    bad = MANY.replace("= 90 }", "= 190 }")
    first, second = write(tmp_path, bad, "a.toml"), write(tmp_path, 'name = "baseline"\n[vehicle]\nnet_cost = 1\n', "b.toml")
    result = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s", str(first), "-s", str(second),
                                 "-s", str(first)])
    assert result.exit_code == 2
    assert result.stderr.count(f"{first}: scenario 1 ") == 2 and f"{first}: scenario 2 " in result.stderr
    assert f"{second}: scenario 'baseline': the name is already used by the BOM as given" in result.stderr


def test_a_file_of_many_checks_each_repeated_edit_as_if_alone(tmp_path):
    """Edits repeated across entries are validated once; an entry whose edit differs only in a
    bad value is still refused, and equal edits give equal values."""
    from roo_calc.scenarios.apply import load_scenarios

    entry = '[[scenario]]\nname = "s{k}"\n[[scenario.change]]\nselect = {{ part_number = "{p}" }}\nset = {{ high_wage = {w} }}\n'
    good = "".join(entry.format(k=k, p="0001", w='"Y"') for k in range(3))
    scenarios = load_scenarios(write(tmp_path, good))
    assert all(s.change[0].set.high_wage is True for s in scenarios)
    path = write(tmp_path, good + entry.format(k=9, p="0001", w='"maybe"'), "bad.toml")
    with pytest.raises(ScenarioError, match=r"scenario 4 \('s9'\): change.0.set.high_wage: expected Y or N"):
        load_scenarios(path)
    with pytest.raises(ScenarioError, match="holds 3 scenarios, one was expected"):
        load_scenario(write(tmp_path, good, "three.toml"))


def test_readme_example_of_many_scenarios_loads(tmp_path):
    from roo_calc.scenarios.apply import load_scenarios

    readme = (ROOT / "README.md").read_text()
    block = readme.split("**Many scenarios in one file.**")[1].split("```toml\n")[1].split("```")[0]
    scenarios = load_scenarios(write(tmp_path, block))
    assert [s.vehicle.assembly_country if s.vehicle else None for s in scenarios] == [None, "US"]
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    assert all(len(apply_scenario(bom, s).lines) == len(bom.lines) for s in scenarios)


@pytest.mark.parametrize("text", ["Y", "yes", "TRUE", "1", "1.0", "N", "no", "false", "0", "0.0"])
def test_a_scenario_reads_yes_and_no_as_a_workbook_cell_does(text):
    """One Y/N reading: a scenario's usmca_originating = "yes" means what a yes in the BOM's cell means."""
    from roo_calc.bom.reader import parse_yn
    from roo_calc.scenarios.model import LineEdit

    assert LineEdit(usmca_originating=text).usmca_originating is parse_yn(text)


@pytest.mark.parametrize("text", ["x", "X", "*"])
def test_a_scenario_refuses_a_mark_as_a_workbook_cell_does(text):
    """An X may mean yes or no: refused in a scenario as in a workbook's Y/N cell (accepted before)."""
    from pydantic import ValidationError

    from roo_calc.scenarios.model import LineEdit

    with pytest.raises(ValidationError, match="a mark such as X does not say whether it means yes or no"):
        LineEdit(usmca_originating=text)


def test_compare_workbook_requirements_sheet_holds_every_requirement_of_every_cell(tmp_path):
    """One row per requirement per cell, each value as the JSON gives it (to the hundredth shown)."""
    import openpyxl

    out = tmp_path / "compare.xlsx"
    args = ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s", str(ROOT / "scenarios" / "sedan-transmission-to-mexico.toml"),
            "-s", str(ROOT / "scenarios" / "sedan-electronics-to-mexico.toml"), "-r", "usmca-2020", "-r", "nafta-1994"]
    assert runner.invoke(app, [*args, "-o", str(out), "-q"]).exit_code == 0
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    expected = [(c["regime"], c["scenario"], r["id"], r["value"], r["threshold"]) for c in data["matrix"] for r in c["requirements"]]
    rows = list(openpyxl.load_workbook(out)["Requirements"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected) > 10
    for row, (regime, scenario, rid, value, threshold) in zip(rows, expected):
        assert (row[0].split(" ")[0], row[1], row[2]) == (regime, scenario, rid)
        assert row[4] == (None if value is None else pytest.approx(float(value), abs=0.01))
        assert row[5] == (None if threshold is None else float(threshold))


def test_scenario_vehicle_figures_get_the_vehicle_sheets_checks_all_at_once(tmp_path):
    """A scenario's [vehicle] purchases are refused where the Vehicle sheet's would be (USMCA UR
    17(1): the originating purchases are a part of the purchases), every scenario's problem in one
    error naming the file, the scenario and the key, with the sheet's cell for the other figure."""
    over = write(tmp_path, 'name = "over"\n[vehicle]\nsteel_purchases_originating = 5000\n', "over.toml")
    under = write(tmp_path, 'name = "under"\n[vehicle]\nsteel_purchases = 1000\n', "under.toml")
    result = runner.invoke(app, ["compare", str(SAMPLES / "suv-ca.xlsx"), "-s", str(over), "-s", str(under), "-r", "usmca-2020"])
    assert result.exit_code == 2, result.output
    assert "PASS" not in result.output
    assert (f"{over}: scenario 'over', [vehicle] steel_purchases_originating: expected at most steel_purchases "
            "(2,100.00, Vehicle sheet, cell B12), found 5,000.00") in result.output
    assert (f"{under}: scenario 'under', [vehicle] steel_purchases: expected at least steel_purchases_originating "
            "(1,300.00, Vehicle sheet, cell B13), found 1,000.00") in result.output
    bom = load_bom(SAMPLES / "suv-ca.xlsx")
    with pytest.raises(ScenarioError, match="steel_purchases_originating: expected at most"):
        apply_scenario(bom, load_scenario(over))


def test_a_figure_set_by_a_scenario_cites_the_scenario_not_the_sheet(tmp_path):
    """The Vehicle sheet's B19 holds 5 assembly points; a reason about the scenario's 3 names the
    scenario, and the steel requirement measured on scenario purchases says so."""
    path = write(tmp_path, 'name = "three"\n[vehicle]\nlvc_assembly_points = 3\nsteel_purchases = 3000\n', "three.toml")
    result = runner.invoke(app, ["compare", str(SAMPLES / "suv-ca.xlsx"), "-s", str(path), "-r", "usmca-2020", "--format", "json"])
    assert result.exit_code == 0, result.output
    cells = {c["scenario"]: c for c in json.loads(result.output)["matrix"]}
    reasons = {r["id"]: r.get("reason") or "" for r in cells["three"]["requirements"]}
    assert reasons["lvc"] == (f"lvc_assembly_points (scenario 'three' in {path}): expected 0 or 5 (the assembly credit "
                              "is claimed whole or not at all), found 3")
    assert f"purchase figures of scenario 'three' in {path} and the Vehicle sheet" in reasons["steel"]
    baseline = {r["id"]: r.get("reason") or "" for r in cells["baseline"]["requirements"]}
    assert "scenario" not in baseline["steel"] and "Vehicle sheet purchase figures" in baseline["steel"]


def test_compare_workbook_writes_each_change_as_in_the_file_beside_its_own_rows(tmp_path):
    """Each change as a person writes it (no Python tuples, True or Decimal('80')), and beside it
    the rows that change altered: change 1's transmission rows, change 2's steering rows."""
    import openpyxl

    out = tmp_path / "compare.xlsx"
    scenario = write(tmp_path, '''
name = "two changes"
[[change]]
select = { hs_prefix = "8708.40", origin_country = "JP" }
set = { origin_country = "MX", usmca_originating = "Y", regional_content_pct = 80, price_change_pct = 4 }
[[change]]
select = { hs_prefix = ["8708.94"], origin_country = "JP" }
set = { origin_country = "MX", usmca_originating = true }
[vehicle]
net_cost = 31000.50
''')
    result = runner.invoke(app, ["compare", str(SAMPLES / "compact-sedan-mx.xlsx"), "-s", str(scenario), "-r", "usmca-2020",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [r for r in openpyxl.load_workbook(out)["Scenarios and inputs"].iter_rows(values_only=True) if r[0] == "two changes"]
    assert [r[3] for r in rows] == [
        'select = { hs_prefix = "8708.40", origin_country = "JP" }\n'
        'set = { origin_country = "MX", usmca_originating = "Y", regional_content_pct = 80, price_change_pct = 4 }',
        'select = { hs_prefix = "8708.94", origin_country = "JP" }\nset = { origin_country = "MX", usmca_originating = "Y" }',
        "[vehicle]\nnet_cost = 31000.50"]
    assert rows[0][4] == "9 lines: 2, 3, 4, 5, 9, 10, 14, 15, 16"
    assert rows[1][4] == "3 lines: 248, 249, 250"
    assert rows[2][4] == "none (the vehicle's figures)"


def test_plain_scenarios_of_a_file_of_many_are_the_models_a_full_validation_makes(tmp_path):
    """Plain entries are built from their validated changes without a model validation each
    (`roo_calc.scenarios.model.built`): the same models, field for field, as validating each
    entry whole (the path of entries that are not plain)."""
    from decimal import Decimal

    import tomli

    from roo_calc.scenarios.apply import load_scenarios
    from roo_calc.scenarios.model import Scenario

    entry = ('[[scenario]]\nname = "s{k}"\ndescription = "moved"\n'
             '[[scenario.change]]\nselect = {{ part_number = ["{p}", "0002"], supplier = "ACME" }}\n'
             'set = {{ origin_country = "mx", usmca_originating = "Y", high_wage = false, regional_content_pct = 62.50 }}\n'
             '[[scenario.change]]\nselect = {{ hs_prefix = "8708" }}\nset = {{ us_content_pct = 1 }}\n')
    text = "".join(entry.format(k=k, p=f"{k % 3:04d}") for k in range(6))
    text += '[[scenario]]\nname = "last"\n[[scenario.change]]\nselect = { material = "steel" }\nset = { supplier = "S" }\n'
    path = write(tmp_path, text)
    loaded = load_scenarios(path)
    whole = [Scenario.model_validate({**e, "path": str(path)}) for e in tomli.loads(text, parse_float=Decimal)["scenario"]]
    assert len(loaded) == len(whole) == 7
    for fast, slow in zip(loaded, whole):
        assert repr(fast) == repr(slow) and fast == slow and fast.model_dump() == slow.model_dump()
        for a, b in zip(fast.change, slow.change):
            assert a.select.model_fields_set == b.select.model_fields_set
            assert a.select.model_copy(update={"material": ("x",)}) == b.select.model_copy(update={"material": ("x",)})
