"""A class stated once and shared (`same_as`): the USMCA alternative staging regime's eligible
vehicles are passenger vehicles and light trucks as UR s.12 defines them (UR 19(1)), the same
classes as usmca-2020's."""

from __future__ import annotations

import pytest

from roo_calc.errors import RuleFileError
from roo_calc.rules.loader import load_regimes


def test_asr_classes_are_usmca_2020s_by_the_s12_definitions():
    regimes = load_regimes()
    asr, usmca = regimes["usmca-2020-asr"], regimes["usmca-2020"]
    assert set(asr.classes) == {"passenger_vehicle", "light_truck"}
    for name, vehicle_class in asr.classes.items():
        assert vehicle_class == usmca.classes[name]
        assert vehicle_class.law_type == name  # the code decides; a contradicting declaration is warned
    assert "8703.31-8703.33" not in asr.classes["passenger_vehicle"].hs  # diesel: UR s.12, passenger vehicle (a)
    assert "other" in asr.classes["passenger_vehicle"].unless_declared


def test_same_as_lays_the_files_own_keys_over_the_shared_class(tmp_path):
    (tmp_path / "mine.toml").write_text('''
id = "mine"
extends = "usmca-2020-asr"
title = "Mine"
status = "what-if"
[classes.light_truck]
same_as = "usmca-2020"
title = "Light truck (mine)"
''')
    light_truck = load_regimes([tmp_path])["mine"].classes["light_truck"]
    assert light_truck.title == "Light truck (mine)"
    assert light_truck.hs == load_regimes()["usmca-2020"].classes["light_truck"].hs


@pytest.mark.parametrize("same_as, message", [("nowhere", "expected the id of another regime"),
                                               ("nafta-1994", "has no class 'light_truck'"),
                                               ("mine", "names this regime itself")])
def test_same_as_errors_name_the_file_and_key(tmp_path, same_as, message):
    (tmp_path / "mine.toml").write_text(f'''
id = "mine"
title = "Mine"
status = "what-if"
region = ["US"]
certification_field = "usmca_originating"
[classes.light_truck]
same_as = "{same_as}"
''')
    with pytest.raises(RuleFileError, match=message) as info:
        load_regimes([tmp_path])
    assert "mine.toml: classes.light_truck.same_as" in str(info.value)


def test_asr_steel_and_aluminum_are_usmca_2020s_table_s_test():
    """UR 19(4)(c), 19(6): the staging regime's steel and aluminum test is s.17's, Table S exactly
    (7208.10 is not in it, though the regime once listed 72.08 whole)."""
    regimes = load_regimes()
    for name in ("steel", "aluminum"):
        asr, usmca = regimes["usmca-2020-asr"].requirements[name], regimes["usmca-2020"].requirements[name]
        assert (asr.table_s, asr.table_s_parts, asr.threshold) == (usmca.table_s, usmca.table_s_parts, usmca.threshold)
        assert asr.classes == ("passenger_vehicle", "light_truck") and "19(4)(c)" in asr.citation
    assert "7208.10" not in regimes["usmca-2020-asr"].requirements["steel"].table_s
