"""Options and helpers shared by the commands: rule loading, dates, error printing."""

from __future__ import annotations

import calendar
import contextlib
import re
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from typer.core import TyperArgument, TyperCommand

from roo_calc.errors import BomError, RooCalcError
from roo_calc.terminal import printable

EXIT_INVALID = 2


def _no_type(ctx=None) -> None:
    return None


class PlainHelp(TyperCommand):
    """A command whose help names what to give (BOM.xlsx, ID), never a Python type (<path>,
    <str>): an argument with a metavar shows only that metavar."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.display_type_rich = _no_type  # type: ignore[method-assign]  # typer's per-parameter hook


RulesOption = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", metavar="PATH", help="Extra rule file or folder (repeatable); a file with a shipped id replaces it."),
]
RegimeOption = Annotated[
    Optional[list[str]],
    typer.Option("--regime", "-r", metavar="ID", help="Regime id to evaluate (repeatable); default: every enacted and proposed regime."),
]
def parse_day(text: str | datetime) -> datetime:
    """A date option's YYYY-MM-DD; a day the calendar does not have (2024-02-30) is said to be
    one, not a mismatch of the format."""
    if isinstance(text, datetime):
        return text
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        pass
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if found is None:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD (e.g. 2024-05-01), found {text!r}")
    year, month, _day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        raise typer.BadParameter(f"{text!r} is no date: there is no month {month:02d} (expected 01 to 12)")
    raise typer.BadParameter(f"{text!r} is no date: the day does not exist ({year}-{month:02d} has "
                             f"{calendar.monthrange(year, month)[1]} days)")


AsOfOption = Annotated[
    Optional[datetime],
    typer.Option("--as-of", metavar="DATE", parser=parse_day, help="Apply the law as on this date (YYYY-MM-DD); default: the workbook's production_date, else today."),
]
ColumnsOption = Annotated[
    Optional[Path],
    typer.Option("--columns", metavar="COLUMNS.toml", help="TOML file mapping the workbook's own headers to contract columns (like a Columns sheet; see README)."),
]
CertificatesOption = Annotated[
    Optional[list[Path]],
    typer.Option("--certificates", metavar="CERTIFICATES.xlsx", help="Certificates workbook of supplier certifications with their periods (repeatable); added to the BOM's own Certificates sheet."),
]
ImportIntoOption = Annotated[
    str,
    typer.Option("--import-into", metavar="COUNTRY", help="Importing country whose general (MFN) duty rates price the "
                 "verdicts: US, CA or MX (rules/mfn/)."),
]
BomArgument = Annotated[Path, typer.Argument(metavar="BOM.xlsx", help="BOM workbook (.xlsx).", show_default=False)]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on stdout and show no progress; errors still "
                                           "go to stderr, files are still written and the exit status is the same.")]
class Paper(str, Enum):
    letter = "letter"
    a4 = "a4"


PaperOption = Annotated[Paper, typer.Option("--paper", help="Paper size of the Excel report's pages.")]
EXIT_VERDICT = 3  # --fail-on: the evaluation ran and a verdict met the condition


class FailOn(str, Enum):
    not_eligible = "not-eligible"
    needs_review = "needs-review"


FailOnOption = Annotated[Optional[FailOn], typer.Option(
    "--fail-on", help="Exit 3 when a regime is not eligible (not-eligible), or not eligible or needing review "
                      "(needs-review): for CI pipelines.")]


def stdout_echo(quiet: bool):
    """`echo` for the report on stdout, or nothing with --quiet (stderr is never silenced)."""
    return (lambda *args, **kwargs: None) if quiet else echo


def check_fail_on(statuses, fail_on: FailOn | None) -> None:
    """Exit 3 when a determination meets the --fail-on condition (0 otherwise)."""
    if fail_on is None:
        return
    bad = {"not_eligible"} | ({"needs_review"} if fail_on is FailOn.needs_review else set())
    if bad & set(statuses):
        raise typer.Exit(EXIT_VERDICT)


def examples(*commands: str) -> str:
    """An "Examples" section for a command's help."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {c}" for c in commands)


@contextlib.contextmanager
def working(label: str, quiet: bool = False):
    """A progress display on stderr for long single-BOM work (only on a terminal, not with --quiet)."""
    import sys

    if quiet or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(label):
        yield


class OutputClosed(Exception):
    """The reader of the output went away (`roo-calc evaluate ... | head -1`); the command ends quietly."""


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print to the terminal (stdout, or stderr with `err`), control characters from the input
    escaped (`roo_calc.terminal.printable`): every command prints through this."""
    try:
        typer.echo(printable(text), err=err, nl=nl)
    except BrokenPipeError:
        raise OutputClosed() from None


def fail(error: RooCalcError) -> NoReturn:
    """Print an input error to stderr, one located problem per line, and exit 2."""
    if isinstance(error, BomError):
        errors = [p for p in error.problems if p.severity == "error"]
        for problem in error.problems:
            echo(str(problem), err=True)
        echo(f"{len(errors)} error(s): the workbook was not evaluated and nothing was written.", err=True)
    else:
        echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_INVALID)


def as_date(value: datetime | None) -> date | None:
    return value.date() if value else None


def pick_regimes(rules: list[Path] | None, wanted: list[str] | None):
    """(The regimes to run, every regime loaded): those asked for, else every shipped one that
    is not a what-if variant, plus every regime from --rules files."""
    from roo_calc.rules.loader import load_regimes

    regimes = load_regimes(rules)
    if wanted:
        unknown = [w for w in wanted if w not in regimes]
        if unknown:
            raise RooCalcError(f"unknown regime {', '.join(unknown)}; known: {', '.join(sorted(regimes))} (see roo-calc regimes)")
        return [regimes[w] for w in wanted], regimes
    extra_ids = set()
    if rules:
        extra_ids = set(load_regimes(rules, with_builtin=False))
    return [r for r in regimes.values() if r.status != "what-if" or r.id in extra_ids], regimes



def with_certificates(bom, paths: list[Path] | None, on: date):
    """(The BOM with the supplier certifications valid on `on` applied, what was applied)."""
    from roo_calc.certificates.apply import apply_certificates
    from roo_calc.certificates.reader import load_certificate_files

    return apply_certificates(bom, on, load_certificate_files(paths))
