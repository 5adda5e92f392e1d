"""`roo-calc collect`: returned request workbooks -> one certificates workbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from roo_calc.cli.common import EXIT_INVALID, QuietOption, echo, fail, parse_day, stdout_echo
from roo_calc.errors import RooCalcError


def collect(
    returned: Annotated[list[Path], typer.Argument(metavar="REQUEST.xlsx...", help="Returned request workbooks (.xlsx).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="CERTIFICATES.xlsx", help="The certificates workbook to write (.xlsx), for evaluate --certificates.")],
    received: Annotated[Optional[datetime], typer.Option("--received", metavar="DATE", parser=parse_day, help="Date the answers were received; default each file's modification date.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Read the answers in returned request workbooks and write them as a certificates workbook,
    each answer with its file, SHA-256 and date received.

    A file with problems is reported (file:sheet!cell) and left out; the others are kept.
    Declined requests are listed. Exit status 0 when every file was read, 2 when any had
    problems (the good ones are still written) or nothing could be collected.
    """
    say = stdout_echo(quiet)
    from roo_calc.atomic import check_target
    from roo_calc.display import plural
    from roo_calc.suppliers.collect import collect as run
    from roo_calc.suppliers.collect_report import write_collected

    try:
        if output.suffix.lower() != ".xlsx":
            raise RooCalcError(f"{output}: the certificates workbook is an .xlsx file; give a name ending in .xlsx")
        if not output.parent.exists():
            raise RooCalcError(f"{output}: the folder {output.parent} does not exist")
        if output.exists() and any(p.exists() and p.resolve() == output.resolve() for p in returned):
            raise RooCalcError(f"{output}: refusing to write over a returned request workbook")
        check_target(output)
    except RooCalcError as error:
        fail(error)
    results = run(returned, received.date() if received else None)
    good = [r for r in results if r.status != "invalid"]
    answered = [r for r in results if r.status == "answered"]
    for r in results:
        if r.status == "answered":
            say(f"{r.path}: {r.supplier}: answered, {r.note} (received {r.received})")
        elif r.status == "declined":
            say(f"{r.path}: {r.supplier}: declined ({r.note})")
        else:
            echo(f"{r.path}: not collected, {len(r.errors)} problem(s):", err=True)
            for p in r.errors:
                echo(f"  {p}", err=True)
        for p in r.warnings:
            echo(f"  {p}", err=True)
    if not good:
        echo("Nothing to collect: no file could be collected (see above), and nothing was written.", err=True)
        raise typer.Exit(EXIT_INVALID)
    try:
        rows = write_collected(output, results)
    except RooCalcError as error:  # the disk filled up, or the folder went away
        fail(error)
    bad = len(results) - len(good)
    say(f"{plural(rows, 'certification row')} from {plural(len(answered), 'answered request')} written to {output}"
               + (f"; {len(good) - len(answered)} declined" if len(good) > len(answered) else "")
               + (f"; {bad} file(s) left out for the problems above" if bad else ""))
    if bad:
        raise typer.Exit(EXIT_INVALID)
