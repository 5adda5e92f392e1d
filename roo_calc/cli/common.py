"""Options and helpers shared by the commands: rule loading, dates, error printing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from roo_calc.errors import BomError, RooCalcError
from roo_calc.terminal import printable

EXIT_INVALID = 2

RulesOption = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", help="Extra rule file or folder (repeatable); a file with a shipped id replaces it."),
]
RegimeOption = Annotated[
    Optional[list[str]],
    typer.Option("--regime", "-r", help="Regime id to evaluate (repeatable); default: every enacted and proposed regime."),
]
AsOfOption = Annotated[
    Optional[datetime],
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Apply the law as on this date (YYYY-MM-DD); default: the workbook's production_date, else today."),
]
ColumnsOption = Annotated[
    Optional[Path],
    typer.Option("--columns", help="TOML file mapping the workbook's own headers to contract columns (like a Columns sheet; see README)."),
]
CertificatesOption = Annotated[
    Optional[list[Path]],
    typer.Option("--certificates", help="Certificates workbook of supplier certifications with their periods (repeatable); added to the BOM's own Certificates sheet."),
]
BomArgument = Annotated[Path, typer.Argument(help="BOM workbook (.xlsx).", show_default=False)]


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print to the terminal (stdout, or stderr with `err`), control characters from the input
    escaped (`roo_calc.terminal.printable`): every command prints through this."""
    typer.echo(printable(text), err=err, nl=nl)


def fail(error: RooCalcError) -> None:
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
