"""Bad rule and scenario files are refused cleanly: exit 2 and one line naming the file, never a
traceback or exit 1.  Also: duplicate regime ids, `load_regime` of one file, and the Python
API's argument checks."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import roo_calc
from roo_calc.cli.main import app
from roo_calc.errors import RuleFileError
from tests.conftest import ROOT, SAMPLES

runner = CliRunner()
BOM = SAMPLES / "compact-sedan-mx.xlsx"
VARIANT = (ROOT / "rules" / "usmca-2020-at-80.toml").read_text()


def _refused(args: list, path: Path) -> str:
    """The command exits 2 with exactly one error line on stderr, naming `path`."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0], lines[0]
    return lines[0]


def _bad_file(folder: Path, kind: str) -> Path:
    path = folder / f"{kind}.toml"
    if kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "latin-1":
        path.write_bytes('id = "café"\ntitle = "Régime"\n'.encode("latin-1"))
    elif kind == "deeply-nested":
        path.write_text("id = \"x\"\nvalue = " + "[" * 5000 + "]" * 5000 + "\n")
    elif kind == "xlsx-renamed":
        shutil.copy(BOM, path)
    elif kind == "5000-digit-integer":
        path.write_text('id = "x"\nvalue = ' + "9" * 5000 + "\n")
    elif kind == "folder":
        path.mkdir()
    return path


KINDS = ["binary", "latin-1", "deeply-nested", "xlsx-renamed", "5000-digit-integer"]
EXPECTED = {"binary": "binary file", "latin-1": "line 1, column 10: not UTF-8", "deeply-nested": "nested too deeply",
            "xlsx-renamed": "Excel workbook", "5000-digit-integer": "too large", "folder": "is a folder"}


@pytest.mark.parametrize("kind", KINDS)
def test_broken_rule_file_is_one_located_error(tmp_path, kind):
    path = _bad_file(tmp_path, kind)
    assert EXPECTED[kind] in _refused(["regimes", "--rules", path], path)
    with pytest.raises(RuleFileError, match=EXPECTED[kind]):
        roo_calc.load_regime(path)


@pytest.mark.parametrize("kind", [*KINDS, "folder"])
def test_broken_scenario_file_is_one_located_error(tmp_path, kind):
    path = _bad_file(tmp_path, kind)
    assert EXPECTED[kind] in _refused(["compare", BOM, "-s", path], path)


@pytest.mark.parametrize("text, expected", [
    ('name = "x"\n[[change]]\nselect = { part_number = "0001" }\nset = { value = 1e30 }\n', "change.0.set.value: "),
    ('name = "x"\n[vehicle]\nnet_cost = 1e30\n', "vehicle.net_cost: "),
    ('name = "x"\n[[change]]\nselect = { part_number = "0001" }\nset = { price_change_pct = 1e30 }\n', "change.0.set.price_change_pct: "),
    ('name = "x"\n[vehicle]\nnet_cost = nan\n', "vehicle.net_cost: Input should be a finite number"),
    ('name = "x"\n[[change]]\nselect = { hs_prefix = "" }\nset = { origin_country = "MX" }\n',
     "change.0.select.hs_prefix: an empty value would select every line"),
    ('name = "x"\n[[change]]\nselect = { hs_prefix = ["8708", " "] }\nset = { origin_country = "MX" }\n',
     "change.0.select.hs_prefix: an empty value"),
    ('name = "x"\n[[change]]\nselect = { hs_prefix = [], supplier = "A" }\nset = { origin_country = "MX" }\n',
     "change.0.select.hs_prefix: an empty list selects nothing"),
])
def test_scenario_values_out_of_range_or_empty_are_refused(tmp_path, text, expected):
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    assert f"{path}: {expected}" in _refused(["compare", BOM, "-s", path], path)


def test_two_user_rule_files_with_one_id_are_an_error_naming_both(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "mine.toml", tmp_path / "b" / "also-mine.toml"
    first.write_text(VARIANT)
    second.write_text(VARIANT)
    line = _refused(["regimes", "--rules", tmp_path / "a", "--rules", second], second)
    assert str(first) in line and "usmca-2020-at-80" in line
    # one file given twice (itself and its folder) is not a duplicate
    assert runner.invoke(app, ["regimes", "--rules", tmp_path / "a", "--rules", first]).exit_code == 0


def test_load_regime_reads_that_file_whatever_else_is_in_its_folder(tmp_path):
    (tmp_path / "broken.toml").write_bytes(b"\x00\x01 not a rule file")
    (tmp_path / "same-id.toml").write_text(VARIANT.replace('title = "What-if: USMCA with an 80% vehicle RVC"', 'title = "other"'))
    mine = tmp_path / "mine.toml"
    mine.write_text(VARIANT.replace('id = "usmca-2020-at-80"', 'id = "my-variant"'))
    regime = roo_calc.load_regime(mine)
    assert regime.id == "my-variant" and regime.extends == "usmca-2020" and regime.path == str(mine)
    # a parent that is not shipped is found as <id>.toml beside the file
    (tmp_path / "my-base.toml").write_text(VARIANT.replace('id = "usmca-2020-at-80"', 'id = "my-base"'))
    child = tmp_path / "child.toml"
    child.write_text('id = "child"\nextends = "my-base"\ntitle = "child"\nstatus = "what-if"\n')
    assert roo_calc.load_regime(child).title == "child"
    assert roo_calc.load_regime(child).requirements == roo_calc.load_regime(tmp_path / "my-base.toml").requirements
    with pytest.raises(RuleFileError, match="is a folder"):
        roo_calc.load_regime(tmp_path)


@pytest.fixture(scope="module")
def loaded():
    return roo_calc.load_bom(BOM), roo_calc.load_regime("usmca-2020")


@pytest.mark.parametrize("call, argument", [
    (lambda bom, regime: roo_calc.evaluate(bom, "usmca-2020"), "regime: expected a Regime, found the string 'usmca-2020'"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, datetime.datetime(2024, 1, 1)), "as_of: expected a datetime.date, found a datetime"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, "2024-01-01"), "as_of: expected a datetime.date, found the string"),
    (lambda bom, regime: roo_calc.evaluate(str(BOM), regime), "bom: expected a Bom, found the string"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, others=[regime]), "others: expected a dict"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, others={"x": "usmca-2020"}), "others['x']: expected a Regime"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, import_into=1), "import_into: expected an ISO alpha-2"),
    (lambda bom, regime: roo_calc.load_regimes(str(ROOT / "rules")), "rules: expected a list of rule files or folders, found the string"),
    (lambda bom, regime: roo_calc.load_regimes(5), "rules: expected a list of rule files or folders, found an int"),
    (lambda bom, regime: roo_calc.load_regimes([5]), "rules: expected rule file or folder paths"),
    (lambda bom, regime: roo_calc.load_regime(None), "id_or_path: expected a regime id or the path"),
    (lambda bom, regime: roo_calc.load_bom(3), "path: expected the path of a BOM workbook"),
    (lambda bom, regime: roo_calc.default_as_of(bom, today=datetime.datetime(2024, 1, 1)), "today: expected a datetime.date"),
    (lambda bom, regime: roo_calc.to_json(bom, regime, datetime.date(2024, 1, 1)), "determinations: expected a list"),
    (lambda bom, regime: roo_calc.to_json(bom, [roo_calc.evaluate(bom, regime)], "2024-01-01"), "as_of: expected a datetime.date"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, certificates=["certificates.xlsx"]),
     "certificates[0]: expected a Certificate from roo_calc.load_certificates, found the string 'certificates.xlsx'; "
     "read the workbook first: roo_calc.load_certificates('certificates.xlsx')"),
    (lambda bom, regime: roo_calc.evaluate(bom, regime, certificates="certificates.xlsx"), "certificates: expected a tuple"),
], ids=lambda v: v.split(":")[0] if isinstance(v, str) else None)
def test_api_wrong_argument_types_name_the_argument(loaded, call, argument):
    with pytest.raises(TypeError) as info:
        call(*loaded)
    assert str(info.value).startswith(argument), info.value


def test_api_json_report_is_dated_as_its_results(loaded):
    """to_json's as_of is the date its results were evaluated on: another date, or results of
    different dates in one report, is refused naming the argument; left out, it is theirs."""
    bom, regime = loaded
    result = roo_calc.evaluate(bom, regime)
    with pytest.raises(ValueError, match=rf"^as_of: 1999-01-01 is not the date the determinations were evaluated on \({result.as_of}\)"):
        roo_calc.to_json(bom, [result], datetime.date(1999, 1, 1))
    other = roo_calc.evaluate(bom, regime, as_of=datetime.date(2021, 1, 1))
    with pytest.raises(ValueError, match=rf"^determinations: evaluated on different dates \({result.as_of}, 2021-01-01\)"):
        roo_calc.to_json(bom, [result, other], result.as_of)
    data = roo_calc.to_json(bom, [result])
    assert data["as_of"] == str(result.as_of) == data["results"][0]["applied_on"]
    assert roo_calc.to_json(bom, [result], result.as_of)["as_of"] == str(result.as_of)
