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


# -- The vehicle type of a blank vehicle_type, by the rules' s.12 table ---------------------------

def test_every_code_of_the_s12_table_reads_as_before():
    """USMCA UR s.12 definitions: the table moved from Python to rules/usmca-2020.toml unchanged, but
    for the HS 2022 truck successors, read now as the classes read them (8704.41 a light truck)."""
    from roo_calc import _shipped_reader_rules, _rules_dir
    from roo_calc.codes import infer_vehicle_type

    table = _shipped_reader_rules(str(_rules_dir())).vehicle_types_by_hs
    expected = {"8703.23": "passenger_vehicle", "8703.40": "passenger_vehicle", "8703.80": "passenger_vehicle",
                "8703.32": "other", "8703.50": "other", "8704.21": "light_truck", "8704.31": "light_truck",
                "8701.20": "heavy_truck", "8701.22": "heavy_truck", "8701.29": "heavy_truck", "8704.23": "heavy_truck",
                "8704.90": "heavy_truck", "8704.41": "light_truck", "8704.52": "heavy_truck", "8702.10": "other", "8711.60": "other"}
    for code, vehicle_type in expected.items():
        assert infer_vehicle_type(code.replace(".", "") + "00", table) == vehicle_type, code


OTHER_TYPES = """
id = "other-types"
title = "A regime reading 8704.21 as a heavy truck"
status = "what-if"
certification_field = "usmca_originating"
[classes.all]
title = "All"
hs = ["87"]
reference = [{ title = "t", pinpoint = "p" }]
[[vehicle_types_by_hs]]
type = "heavy_truck"
hs = ["87.04"]
reference = [{ title = "t", pinpoint = "p" }]
[requirements.rvc]
kind = "regional_value_content"
title = "RVC"
citation = "c"
[[requirements.rvc.threshold.all]]
from = 2020-07-01
value = 50
reference = [{ title = "t", pinpoint = "p" }]
"""


def test_two_files_that_read_one_code_as_different_types_is_an_error_naming_both(tmp_path, make_bom):
    (tmp_path / "other-types.toml").write_text(OTHER_TYPES)
    result = run("evaluate", make_bom(), "--rules", tmp_path / "other-types.toml")
    assert result.exit_code == 2, result.output
    assert "other-types.toml: vehicle_types_by_hs" in result.output and "usmca-2020.toml" in result.output
    assert "87.04" in result.output


def test_a_type_row_naming_an_unknown_type_or_overlapping_is_a_load_error(tmp_path):
    import pytest

    import roo_calc
    from roo_calc.errors import RuleFileError

    bad_type = OTHER_TYPES.replace('type = "heavy_truck"', 'type = "lorry"')
    overlap = OTHER_TYPES + '[[vehicle_types_by_hs]]\ntype = "light_truck"\nhs = ["8704.21"]\nreference = [{ title = "t", pinpoint = "p" }]\n'
    for text, expected in ((bad_type, "vehicle_types_by_hs.0: Value error, type: unknown vehicle type 'lorry'"),
                           (overlap, "vehicle_types_by_hs[1].hs: 8704.21 reads as light_truck, but "
                                     "vehicle_types_by_hs[0] reads 87.04 as heavy_truck")):
        (tmp_path / "x.toml").write_text(text)
        with pytest.raises(RuleFileError) as info:
            roo_calc.load_regime(tmp_path / "x.toml")
        assert "x.toml" in str(info.value) and expected in str(info.value), str(info.value)


# -- Sources by id ---------------------------------------------------------------------------------

RETITLED = """
id = "usmca-retitled"
extends = "usmca-2020"
title = "What-if: the Uniform Regulations cited by another title"
status = "what-if"

[[sources]]
id = "UR-CA"
title = "Uniform Regulations (another edition)"
cite_as = "UR, other edition"
"""


def test_a_child_redefining_a_source_retitles_the_references_it_inherits(tmp_path):
    import roo_calc

    (tmp_path / "retitled.toml").write_text(RETITLED)
    regimes = roo_calc.load_regimes([tmp_path])
    child, parent = regimes["usmca-retitled"], regimes["usmca-2020"]
    child_refs = child.requirements["core_parts"].threshold["passenger_vehicle"][0].reference
    parent_refs = parent.requirements["core_parts"].threshold["passenger_vehicle"][0].reference
    assert [r.title for r in parent_refs] == ["USMCA Uniform Regulations"]
    assert [r.title for r in child_refs] == ["UR, other edition"]
    assert child_refs[0].pinpoint == parent_refs[0].pinpoint


def test_mfn_tables_name_sources_by_id(tmp_path):
    import pytest

    from roo_calc.errors import RuleFileError
    from roo_calc.rules.loader import load_mfn_table

    rate = load_mfn_table("CA").rate_for("8703230000")
    assert rate.reference[0].title == "Customs Tariff (S.C. 1997, c. 36), Schedule, chapter 87 (T2025/T2026)"
    assert rate.reference[0].href == "https://www.cbsa-asfc.gc.ca/trade-commerce/tariff-tarif/menu-eng.html"
    us = load_mfn_table("US").rate_for("8703230000")
    assert us.citation == "HTSUS, heading 8703, general rate 2.5%" and us.reference[0].href.endswith("query=8703")
    (tmp_path / "mfn").mkdir()
    (tmp_path / "mfn" / "jp.toml").write_text('country = "JP"\ntitle = "t"\n[[rates]]\ntitle = "cars"\nhs = ["8703"]\nrate = 0\n'
                                              'reference = [{ source = "JCT", pinpoint = "p" }]\n')
    with pytest.raises(RuleFileError) as info:
        load_mfn_table("JP", tmp_path)
    assert "jp.toml: rates[0].reference[0].source" in str(info.value) and "'JCT'" in str(info.value)


# -- Averaging categories are the rule files' ------------------------------------------------------

def test_average_by_takes_the_categories_the_rules_define(tmp_path):
    from tests.conftest import SAMPLES

    fleet = SAMPLES / "fleet" / "aurora-fleet.xlsx"
    unknown = run("evaluate", fleet, "--average-by", "colour", "-r", "usmca-2020")
    assert unknown.exit_code == 2
    assert "--average-by: unknown averaging category 'colour'; the rules define: model-line-class-plant, class-plant, model-line" \
        in unknown.output
    # A rule file may define a category of its own, by the vehicle facts it names.
    (tmp_path / "by-country.toml").write_text(
        'id = "usmca-by-country"\nextends = "usmca-2020"\ntitle = "What-if: averaging by country"\nstatus = "what-if"\n'
        '[[averaging]]\nby = ["assembly_country"]\ncategory = "country"\nreference = [{ title = "What-if", pinpoint = "not law" }]\n')
    result = run("evaluate", fleet, "--average-by", "country", "--rules", tmp_path / "by-country.toml",
                 "-r", "usmca-by-country", "-f", "json")
    assert result.exit_code == 0, result.output
    averages = json.loads(result.output)["averages"]
    # the group is the vehicle's class, then the category's facts: classes are never averaged together
    assert averages and all(a["regime"] == "usmca-by-country" and a["category"] == ["passenger_vehicle", "MX"]
                            for a in averages)


def test_regimes_show_prints_the_vehicle_type_table_with_its_citations():
    result = run("regimes", "show", "usmca-2020")
    assert result.exit_code == 0, result.output
    assert ("  light_truck: HS 8704.21, 8704.31, 8704.41, 8704.51 - USMCA Uniform Regulations, s.12, definition of light truck: "
            "8704.21 or 8704.31") in result.output
