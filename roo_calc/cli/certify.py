"""`roo-calc certify`: the vehicle's USMCA certification of origin, pre-filled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from roo_calc.cli.common import (AsOfOption, BomArgument, CertificatesOption, QuietOption, RulesOption, as_date, echo, fail,
                                 pick_regimes, stdout_echo, with_certificates)
from roo_calc.errors import RooCalcError

EXIT_REFUSED = 3


def certify(
    bom_path: BomArgument,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="CERTIFICATE.xlsx", help="The certification workbook to write (.xlsx).")],
    regime: Annotated[str, typer.Option("--regime", "-r", metavar="ID", help="The USMCA regime the determination is made under.")] = "usmca-2020",
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    certificates: CertificatesOption = None,
    quiet: QuietOption = False,
) -> None:
    """Pre-fill the USMCA certification of origin (Annex 5-A minimum data elements) for a vehicle
    that qualifies: the origin criterion and the figures behind it, the determination's input
    hash, and the fields only you can give (names, addresses, signature) left blank and marked.

    Refuses, with the reason and exit status 3, when the vehicle is not eligible or the
    determination needs review; exit status 2 when the input is invalid.
    """
    say = stdout_echo(quiet)
    import roo_calc
    from roo_calc.certificates.apply import annotate
    from roo_calc.cli.evaluate import _check_output
    from roo_calc.engine.determine import evaluate
    from roo_calc.suppliers.certification import Refused, year_after, check_eligible, elements, input_hash, verdict_change
    from roo_calc.suppliers.certification_book import write_certification

    try:
        _check_output(output, bom_path)
        chosen, known = pick_regimes(rules, [regime])
        given = roo_calc.load_bom(bom_path, regimes=known)
        on = as_date(as_of) or roo_calc.default_as_of(given)
        bom, applied = with_certificates(given, certificates, on)
        result = annotate(evaluate(bom, chosen[0], on, known), applied, chosen[0])
    except RooCalcError as error:
        fail(error)
    try:
        check_eligible(chosen[0], result)
    except Refused as refusal:
        echo(f"refused: {refusal}. Nothing was written.", err=True)
        raise typer.Exit(EXIT_REFUSED)
    digest, parts = input_hash(bom, chosen[0], result)

    def judge(day):  # the vehicle as of a later day, with the supplier certifications valid then
        dated, used = with_certificates(given, certificates, day)
        return annotate(evaluate(dated, chosen[0], day, known), used, chosen[0])

    change = verdict_change(chosen[0], on, year_after(on), judge)
    items = elements(bom, result, on, change, column=chosen[0].certification_field)
    try:
        write_certification(output, bom, result, items, digest, parts)
    except RooCalcError as error:  # a full disk or a write error: nothing was written
        fail(error)
    todo = [i.number for i in items if i.source == "for you to complete"]
    say(f"USMCA certification of origin for {bom.vehicle.model} written to {output}: {result.regime} eligible as of {on}; "
               f"origin criterion {next(i.value for i in items if i.number == '7')[:1]}; input hash {digest}")
    if change is not None:
        say(f"Blanket period suggested to {change[0] - timedelta(days=1)}: from {change[0]} the rules then in force make "
            f"this vehicle {change[1]}.")
    say(f"To complete before signing: elements {', '.join(todo)} (marked in the workbook); check the suggested blanket period and statement.")
