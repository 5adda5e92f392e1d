"""A what-if regime is a rule file only: `extends` a shipped regime and override a single dated
point of a threshold schedule, or a core-part table, without code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import roo_calc

SEDAN = Path(__file__).resolve().parents[1] / "sample_boms" / "compact-sedan-mx.xlsx"

ONE_POINT = """
id = "usmca-70-in-2021"
extends = "usmca-2020"
title = "What-if: 70% in the second year"
status = "what-if"

[requirements.rvc.threshold.passenger_vehicle."2021-07-01"]
value = 70
reference = [{ title = "What-if", pinpoint = "70% from July 1 2021 instead of 69% (not law)" }]
"""

STARTERS_ARE_ENGINE_PARTS = """
id = "usmca-starters-core"
extends = "usmca-2020"
title = "What-if: starter motors join the engine core part"
status = "what-if"

[requirements.core_parts.core_part_table.engine]
hs = ["8407.33", "8407.34", "8408.20", "8511.40"]
"""


def _threshold(result, rid):
    return next(r for r in result.requirements if r.id == rid).threshold


def test_one_dated_point_is_overridden_and_the_rest_inherited(tmp_path):
    (tmp_path / "what-if.toml").write_text(ONE_POINT)
    regimes = roo_calc.load_regimes([tmp_path])
    bom = roo_calc.load_bom(SEDAN)
    child, parent = regimes["usmca-70-in-2021"], regimes["usmca-2020"]
    for when, expected_child, expected_parent in ((date(2020, 8, 1), 66, 66), (date(2021, 8, 1), 70, 69),
                                                  (date(2022, 8, 1), 72, 72), (date(2024, 1, 1), 75, 75)):
        assert _threshold(roo_calc.evaluate(bom, child, when), "rvc") == expected_child
        assert _threshold(roo_calc.evaluate(bom, parent, when), "rvc") == expected_parent
    # Requirements the file does not mention are the parent's.
    assert [r.id for r in roo_calc.evaluate(bom, child, date(2024, 1, 1)).requirements] == \
        [r.id for r in roo_calc.evaluate(bom, parent, date(2024, 1, 1)).requirements]


def test_a_core_part_table_changed_in_a_rule_file(tmp_path):
    (tmp_path / "what-if.toml").write_text(STARTERS_ARE_ENGINE_PARTS)
    regimes = roo_calc.load_regimes([tmp_path])
    bom = roo_calc.load_bom(SEDAN)
    starters = bom.lines["hs_code"].str.startswith("851140") & bom.lines["core_part_group"].isna()
    assert starters.any()
    when = date(2024, 1, 1)
    parent = next(r for r in roo_calc.evaluate(bom, regimes["usmca-2020"], when).requirements if r.id == "core_parts")
    child = next(r for r in roo_calc.evaluate(bom, regimes["usmca-starters-core"], when).requirements
                 if r.id == "core_parts")
    added = int(bom.lines.loc[starters, "value_cents"].sum())
    assert child.figures["core_parts_value"] - parent.figures["core_parts_value"] == added
    assert child.figures["engine_rvc"] != parent.figures["engine_rvc"]


def test_an_array_still_replaces_the_whole_history(tmp_path):
    (tmp_path / "what-if.toml").write_text(ONE_POINT.replace('[requirements.rvc.threshold.passenger_vehicle."2021-07-01"]',
                                                             "[[requirements.rvc.threshold.passenger_vehicle]]\nfrom = 2021-07-01"))
    regime = roo_calc.load_regimes([tmp_path])["usmca-70-in-2021"]
    bom = roo_calc.load_bom(SEDAN)
    assert _threshold(roo_calc.evaluate(bom, regime, date(2024, 1, 1)), "rvc") == 70


def test_a_point_key_that_is_not_a_date_names_the_file(tmp_path):
    (tmp_path / "what-if.toml").write_text(ONE_POINT.replace('"2021-07-01"', '"July 2021"'))
    try:
        roo_calc.load_regimes([tmp_path])
    except roo_calc.errors.RuleFileError as exc:
        assert "what-if.toml" in str(exc) and "July 2021" in str(exc)
    else:
        raise AssertionError("expected a RuleFileError")


SOURCED = """
id = "usmca-sourced"
extends = "usmca-2020"
title = "What-if citing its source by id"
status = "what-if"

[[sources]]
id = "PAPER"
title = "A policy paper on raising the vehicle RVC"
cite_as = "Policy paper"
href = "https://example.org/paper"

[requirements.rvc.threshold.passenger_vehicle."2023-07-01"]
value = 80
reference = [{ source = "PAPER", pinpoint = "p. 4" }]
"""


def test_a_reference_names_its_source_by_id(tmp_path):
    (tmp_path / "what-if.toml").write_text(SOURCED)
    regime = roo_calc.load_regimes([tmp_path])["usmca-sourced"]
    result = roo_calc.evaluate(roo_calc.load_bom(SEDAN), regime, date(2024, 1, 1))
    rvc = next(r for r in result.requirements if r.id == "rvc")
    assert rvc.threshold_citation == "Policy paper, p. 4"
    assert {"UR-CA", "PAPER"} <= {s.id for s in regime.sources}  # the parent's sources stay for the references it inherits


def test_an_unknown_source_id_names_the_key(tmp_path):
    (tmp_path / "what-if.toml").write_text(SOURCED.replace('source = "PAPER"', 'source = "PAPR"'))
    try:
        roo_calc.load_regimes([tmp_path])
    except roo_calc.errors.RuleFileError as exc:
        text = str(exc)
        assert "what-if.toml" in text and "PAPR" in text and "passenger_vehicle" in text and "PAPER" in text
    else:
        raise AssertionError("expected a RuleFileError")
