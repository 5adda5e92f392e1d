"""`roo-calc --help` reads cleanly: one-line command summaries, and no Python type names
(<bool>, <str>, <path>, <list[Path]>) beside options or arguments."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.test_cli_conventions import COMMANDS

runner = CliRunner()
TYPE_NAME = re.compile(r"<(bool|str|int|path|float|list\[\w+\]|datetime|%[^>]*)>", re.IGNORECASE)


def test_top_level_summaries_are_whole_lines():
    text = runner.invoke(app, ["--help"]).output
    assert not TYPE_NAME.search(text)
    commands = [line for line in text.split("Commands:")[1].splitlines() if line.strip()]
    names = [line.split()[0] for line in commands if line.startswith("  ") and not line.startswith("    ")]
    assert names == ["evaluate", "compare", "advise", "validate", "template", "solicit", "collect", "certify", "regimes"]
    assert len(commands) == len(names)  # one line each, none wrapped
    assert not any(line.rstrip().endswith("...") for line in commands)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_python_type_names_in_command_help(command):
    text = runner.invoke(app, [*command, "-h"]).output
    assert not TYPE_NAME.search(text), TYPE_NAME.search(text).group(0)
