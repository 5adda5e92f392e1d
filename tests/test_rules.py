"""Rule files: code-health checks over rules/, and one broken file per defect with its message."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from pydantic import BaseModel

from roo_calc.errors import NoValueError, RuleFileError
from roo_calc.rules.loader import default_rules_dir, load_regimes
from roo_calc.rules.model import DatedValue, value_at

INVALID = sorted((Path(__file__).parent / "rules_invalid").glob("*.toml"))


def _dated_values(node, path=""):
    if isinstance(node, DatedValue):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _dated_values(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _dated_values(value, f"{path}[{i}]")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _dated_values(getattr(node, name), f"{path}.{name}")


def test_every_shipped_rule_file_loads_and_every_dated_value_cites_its_source():
    regimes = load_regimes()
    assert {"nafta-1994", "us-proposal-2017", "usmca-2020", "usmca-2020-at-80"} <= set(regimes)
    count = 0
    for regime in regimes.values():
        for path, value in _dated_values(regime):
            count += 1
            assert value.reference and all(r.title and r.pinpoint for r in value.reference), f"{regime.id}{path}"
            if value.unconfirmed:
                assert value.note and "UNCONFIRMED" in value.note, f"{regime.id}{path}: unconfirmed values say why"
    assert count > 20


def test_rule_files_have_no_tabs_and_each_id_matches_its_file_name():
    for file in default_rules_dir().glob("*.toml"):
        text = file.read_text()
        assert "\t" not in text, file
        assert f'id = "{file.stem}"' in text, file


def test_usmca_phase_in_dates():
    rvc = load_regimes()["usmca-2020"].requirements["rvc"]
    history = rvc.threshold["passenger_vehicle"]
    on = lambda d: value_at(history, datetime.date.fromisoformat(d), "pv").value  # noqa: E731
    assert [on(d) for d in ("2020-07-01", "2021-06-30", "2021-07-01", "2022-07-01", "2023-06-30", "2023-07-01")] == [66, 66, 69, 72, 72, 75]
    with pytest.raises(NoValueError, match="no pv in force on 2019-06-01; the earliest is 2020-07-01"):
        on("2019-06-01")


def test_extends_overrides_only_what_it_names():
    regimes = load_regimes()
    variant, base = regimes["usmca-2020-at-80"], regimes["usmca-2020"]
    assert variant.status == "what-if" and variant.extends == "usmca-2020"
    assert variant.requirements["tariff_shift"] == base.requirements["tariff_shift"]
    assert value_at(variant.requirements["rvc"].threshold["passenger_vehicle"], datetime.date(2024, 1, 1), "x").value == 80


@pytest.mark.parametrize("file", INVALID, ids=lambda p: p.stem)
def test_broken_rule_file_fails_loudly(file):
    expected = file.read_text().splitlines()[0].removeprefix("# expect:").split("|")
    with pytest.raises(RuleFileError) as info:
        load_regimes([file])
    message = str(info.value)
    assert str(file) in message
    for part in expected:
        assert part.strip() in message, message


def _documented_names(markdown: str) -> set[str]:
    """Every identifier written as code in a Markdown text: in `inline code` or a fenced block.
    A key that appears only in prose ("from ... to") does not count."""
    code = re.findall(r"```.*?```", markdown, flags=re.S)
    code += re.findall(r"`[^`]+`", re.sub(r"```.*?```", "", markdown, flags=re.S))
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(code)))


def _schema_keys() -> dict[str, str]:
    """Every key a rule file may hold, with the schema class that accepts it."""
    from roo_calc.rules import model

    keys = {}
    for cls in vars(model).values():
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == model.__name__:
            for name, field in cls.model_fields.items():
                if name != "path":
                    keys[field.alias or name] = cls.__name__
    return keys


def test_every_rule_file_key_is_documented():
    """Each key the schema accepts is written as code (`key`, or in an example) in rules/README.md."""
    names = _documented_names((default_rules_dir() / "README.md").read_text())
    missing = [f"{cls}.{key}" for key, cls in _schema_keys().items() if key not in names]
    assert not missing, f"not documented in rules/README.md: {', '.join(missing)}"


def test_the_key_documentation_check_can_fail():
    assert len(_schema_keys()) > 40
    assert _documented_names("") == set()
    assert "to" not in _documented_names("valid from 2020 to 2023; `from` and ```toml\nid = 1\n```")
    assert {"from", "id"} <= _documented_names("valid from 2020 to 2023; `from` and ```toml\nid = 1\n```")
