"""The README stays true: its sample output is what the CLI prints, and its examples run."""

from __future__ import annotations

import re
import shlex
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import ROOT

runner = CliRunner()
README = (ROOT / "README.md").read_text()


def _sample_block() -> str:
    block = README[README.index("```\nAurora compact sedan") + 4:]
    return block[:block.index("```")].rstrip("\n")


def test_readme_sample_output_matches_the_cli():
    block = _sample_block()
    out = runner.invoke(app, ["evaluate", "sample_boms/compact-sedan-mx.xlsx"])
    printed = "\n".join(out.output.splitlines()[: len(block.splitlines())])
    assert printed == block


def _cell_decimal(value) -> Decimal:
    return Decimal(str(value))


def test_readme_sample_figures_agree_with_the_workbook_worked_by_hand():
    """The README's sample answer checked against the workbook itself, read with openpyxl and
    worked out as the README's "Exact money" section and the law say (not by roo-calc's reader
    or engine): each line's value rounded half to even to the cent; USMCA RVC by roll-up
    (UR s.7(3) and 14(11)): VNM is the value of every line not certified originating."""
    import openpyxl

    book = openpyxl.load_workbook(ROOT / "sample_boms" / "compact-sedan-mx.xlsx", read_only=True, data_only=True)
    vehicle = {row[0]: row[1] for row in book["Vehicle"].iter_rows(values_only=True)}
    rows = list(book["BOM"].iter_rows(values_only=True))
    lines = [dict(zip(rows[0], row)) for row in rows[1:] if any(cell is not None for cell in row)]

    def value(line) -> Decimal:
        amount = (_cell_decimal(line["value"]) if line["value"] is not None
                  else _cell_decimal(line["quantity"] or 1) * _cell_decimal(line["unit_value"]))
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)

    net_cost = _cell_decimal(vehicle["net_cost"])
    materials = sum(value(line) for line in lines)
    vnm = sum(value(line) for line in lines if str(line["usmca_originating"] or "").upper() != "Y")
    rvc = (net_cost - vnm) / net_cost * 100
    block = _sample_block()
    assert f"({len(lines)} lines; materials {materials:,.2f} USD; net cost {net_cost:,.2f} USD)" in block

    # the JSON example: USMCA's RVC with its figures (a threshold of 75% from 2023-07-01, UR s.13)
    example = README[README.index('"requirements": [{'):]
    assert f'"net_cost": "{net_cost:.2f}", "vnm": "{vnm:.2f}", "vnm_allowed": "{net_cost / 4:.2f}", ' \
           f'"gap_to_qualify": "{vnm - net_cost / 4:.2f}"' in example
    down = lambda x, places: x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)  # noqa: E731
    assert f'"value": "{down(rvc, 4)}", "threshold": "75", "margin": "{down(rvc - 75, 4)}"' in example

    table = {line.split()[0]: line for line in block.splitlines() if line.startswith(("usmca-", "nafta-", "us-"))}
    assert rvc < 75 and table["usmca-2020"].rstrip().endswith("rvc, core_parts")
    # the staging regime passes its 62.5% RVC (UR 19(4)(a)) but fails on its Table A.1 parts (19(4)(b)):
    # every steering line (8708.94) is non-originating, so that part's RVC is 0
    assert rvc >= Decimal("62.5")
    steering = [line for line in lines if str(line["hs_code"]).startswith("8708.94")]
    assert steering and all(str(line["usmca_originating"] or "").upper() != "Y" for line in steering)
    assert "NOT ELIGIBLE  table_a1    0.00%   >= 62.5%   -62.50 pts  table_a1" in table["usmca-2020-asr"]


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    examples = README[README.index("Examples:\n\n```sh") + len("Examples:\n\n```sh"):]
    examples = examples[:examples.index("```")].replace("\\\n", " ")
    commands = [line.strip() for line in examples.splitlines() if line.strip().startswith("roo-calc")]
    assert len(commands) >= 8
    for command in commands:
        args = shlex.split(command.split(">")[0])[1:]
        args = [str(tmp_path / a) if a.endswith(".xlsx") and not a.startswith("sample_boms") else a for a in args]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        assert not re.search(r"Traceback|internal error", result.output)


def test_every_package_is_installed():
    """pyproject lists packages explicitly (rules/ is mapped in); a new subpackage must be added."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "roo_calc").rglob("__init__.py")}
    assert found <= listed, found - listed
    assert "roo_calc_rules" in listed


def _declared() -> dict[str, str]:
    """Every dependency in pyproject.toml (runtime and test) with its lower bound."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        name, floor = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+),<[0-9.]+", requirement).groups()
        floors[name.lower()] = floor
    return floors


def test_every_dependency_is_pinned_at_its_floor_for_the_lowest_versions_run():
    pins = dict(line.lower().split("==") for line in (ROOT / "constraints" / "lowest.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    for name, floor in _declared().items():
        assert name in pins, f"{name} is missing from constraints/lowest.txt"
        assert tuple(map(int, pins[name].split("."))) >= tuple(map(int, floor.split("."))), name
        assert pins[name].removesuffix(".0").removesuffix(".0") == floor.removesuffix(".0").removesuffix(".0"), \
            f"{name}: constraints/lowest.txt pins {pins[name]}, pyproject's floor is {floor}"


def test_readme_says_why_each_dependency_is_there():
    section = README[README.index("## Libraries, and why"):]
    section = section[:section.index("\n## ")]
    for name in _declared():
        assert f"**{name}**" in section.lower(), f"README, Libraries and why: say why {name} is a dependency"
