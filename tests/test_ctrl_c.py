"""Ctrl-C at any moment ends `roo-calc` with 130 and one line, never a traceback: the console
command starts in `roo_calc.__main__`, which imports the application inside its guard."""

from __future__ import annotations

import builtins
import subprocess
import sys
import tomllib

import pytest

import roo_calc.cli.main
from roo_calc.__main__ import main
from tests.conftest import ROOT


def _stopped(capsys) -> tuple[object, str]:
    with pytest.raises(SystemExit) as stop:
        main()
    return stop.value.code, capsys.readouterr().err


def test_ctrl_c_while_the_application_is_imported(monkeypatch, capsys):
    real = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "roo_calc.cli.main":
            raise KeyboardInterrupt  # as SIGINT does in the middle of an import
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    assert _stopped(capsys) == (130, "roo-calc: interrupted\n")


def test_ctrl_c_while_the_application_runs(monkeypatch, capsys):
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(roo_calc.cli.main, "run", interrupted)
    assert _stopped(capsys) == (130, "roo-calc: interrupted\n")


def test_the_command_starts_in_the_guard_and_the_guard_imports_nothing_heavy():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["roo-calc"] == "roo_calc.__main__:main"
    loaded = subprocess.run([sys.executable, "-c", "import sys, roo_calc.__main__; "
                             "print(sorted(m for m in sys.modules if m.startswith(('roo_calc.', 'typer', 'click'))))"],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert loaded.strip() == "['roo_calc.__main__']"
