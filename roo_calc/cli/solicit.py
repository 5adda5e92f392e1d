"""`roo-calc solicit`: one request workbook per supplier, and a summary ranking them."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer

from roo_calc.cli.common import (AsOfOption, BomArgument, CertificatesOption, QuietOption, RegimeOption, RulesOption, as_date, parse_day,
                                 fail, pick_regimes, stdout_echo)
from roo_calc.errors import RooCalcError

SUMMARY = "summary.xlsx"


def solicit(
    bom_path: BomArgument,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FOLDER", help="Folder for the request workbooks and summary.xlsx (created if missing).")],
    regime: RegimeOption = None,
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    certificates: CertificatesOption = None,
    next_determination: Annotated[Optional[datetime], typer.Option("--next-determination", metavar="DATE", parser=parse_day, help="Date of the next determination: certifications ending before it are asked to renew; default one year after the determination date.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace request workbooks already in the folder.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Ask suppliers for what the determinations are waiting on: one request workbook per
    supplier (the parts, the answers needed, the value at stake and the verdicts that depend on
    them) and summary.xlsx, ranking suppliers by the verdicts their certification would flip.

    By default the regimes in force on the determination date. Exit status 2 when the input is invalid.
    """
    import roo_calc
    from roo_calc.certificates.reader import load_certificate_files
    from roo_calc.display import plural
    from roo_calc.numbers import display_money
    from roo_calc.suppliers.needs import solicit as run
    from roo_calc.suppliers.requests import file_names, write_request
    from roo_calc.atomic import atomic_files
    from roo_calc.suppliers.summary import write_summary

    try:
        if output.exists() and not output.is_dir():
            raise RooCalcError(f"{output}: expected a folder for the request workbooks, found a file")
        if not output.parent.exists():
            raise RooCalcError(f"{output}: the folder {output.parent} does not exist")
        chosen, known = pick_regimes(rules, regime)
        bom = roo_calc.load_bom(bom_path, regimes=known)
        on = as_date(as_of) or roo_calc.default_as_of(bom)
        if not regime:
            chosen = [r for r in chosen if r.applies_on(on)[1] is None]
        following = as_date(next_determination) or on + timedelta(days=365)
        if following <= on:
            raise RooCalcError(f"--next-determination {following}: expected a date after the determination date {on}")
        extra = load_certificate_files(certificates)
        bom = bom.model_copy(update={"certificates": bom.certificates + extra})
        solicitation = run(bom, chosen, on, following, known)
        names = file_names(solicitation)
        targets = [output / n for n in names.values()] + [output / SUMMARY]
        clash = [str(t) for t in targets if t.exists()]
        if clash and not force:
            raise RooCalcError(f"refusing to replace {len(clash)} file(s) already in {output} (returned answers may be among them): "
                               f"{', '.join(clash[:5])}; use --force or another folder")
        if any(t.resolve() == Path(bom_path).resolve() for t in targets):
            raise RooCalcError(f"{output}: refusing to write over the input workbook")
    except RooCalcError as error:
        fail(error)
    created = not output.exists()
    try:
        try:
            output.mkdir(exist_ok=True)
        except OSError as exc:
            raise RooCalcError(f"{output}: cannot create the folder: {exc.strerror or exc}") from None
        # Every workbook or none: they are written in a scratch folder and moved in together.
        with atomic_files(output, [names[need.supplier] for need in solicitation.suppliers] + [SUMMARY]) as scratch:
            for need in solicitation.suppliers:
                write_request(scratch / names[need.supplier], bom, solicitation, need)
            write_summary(scratch / SUMMARY, bom, solicitation, names)
    except RooCalcError as error:  # a full disk, a write error, a name taken by a folder: nothing written
        if created:
            with contextlib.suppress(OSError):
                output.rmdir()
        fail(error)
    say = stdout_echo(quiet)
    regimes = ", ".join(f"{r.regime} ({r.status.replace('_', ' ')})" for r in solicitation.regimes)
    say(f"{bom.path} as of {on}: {regimes}")
    say(f"{plural(len(solicitation.suppliers), 'request workbook')} and {SUMMARY} written to {output}")
    for rank, need in enumerate(solicitation.suppliers[:10], start=1):
        flips = ", ".join(f"{k} flips ({v.replace('_', ' ')})" for k, v in need.flips.items()) or "flips nothing alone"
        say(f"  {rank:>2}. {need.supplier}: {plural(len(need.parts), 'part')}, value at stake "
                   f"{display_money(need.value_at_stake_cents)} {bom.vehicle.currency}; {flips}  -> {names[need.supplier]}")
    if solicitation.unnamed_rows:
        say(f"{plural(len(solicitation.unnamed_rows), 'line')} {'needs' if len(solicitation.unnamed_rows) == 1 else 'need'} an answer but name no supplier (see {SUMMARY}, sheet Regimes)")
