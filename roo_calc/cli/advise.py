"""`roo-calc advise`: the cheapest set of lines to re-source so that a regime's requirements pass."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Annotated

import typer

from roo_calc.asof import determination_date
from roo_calc.cli.common import (AsOfOption, BomArgument, CertificatesOption, ColumnsOption, FailOnOption, ImportIntoOption, QuietOption,
                                 RulesOption, as_date, check_fail_on, echo, examples, fail, pick_regimes, with_certificates,
                                 working)
from roo_calc.cli.evaluate import Format
from roo_calc.errors import RooCalcError


def advise(
    bom_path: BomArgument,
    regime: Annotated[str, typer.Option("--regime", "-r", metavar="ID", help="The regime to qualify under, e.g. usmca-2020.")],
    premium: Annotated[float, typer.Option("--premium", metavar="PCT", help="Default re-sourcing premium, % of a line's value "
                                           "(the resourcing_premium_pct column overrides it per line).", min=0)] = 5.0,
    target: Annotated[str, typer.Option("--to", metavar="COUNTRY", help="Country re-sourced lines come from (ISO alpha-2).")] = "US",
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    columns: ColumnsOption = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    certificates: CertificatesOption = None,
    margin: Annotated[float, typer.Option("--margin", metavar="PTS", min=0,
                                          help="Safety margin: every requirement must clear its threshold by this many "
                                               "percentage points (default 0).")] = 0.0,
    certification_cost: Annotated[float, typer.Option("--certification-cost", metavar="PCT", min=0,
                                                      help="Cost of obtaining a supplier's certification for a line made in "
                                                           "the region, % of its value (default 0).")] = 0.0,
    import_into: ImportIntoOption = "US",
    quiet: QuietOption = False,
    fail_on: FailOnOption = None,
) -> None:
    """For each failing requirement, the gap in money; then the cheapest plan -- certify a line
    made in the region, or re-source it -- that makes every requirement pass, solved exactly; its
    cost against the duty it saves; and roo-calc's determination after it."""
    import roo_calc
    from roo_calc.advise import advise as run

    try:
        regimes, known = pick_regimes(rules, [regime])
        if target.upper() not in regimes[0].region:
            raise RooCalcError(f"--to {target}: re-sourced lines must come from the regime's region ({', '.join(regimes[0].region)})")
        from roo_calc.rules.loader import import_mfn_table

        table = import_mfn_table(import_into)
        with working(f"reading {bom_path}", quiet):
            bom = roo_calc.load_bom(bom_path, columns, known)
        on, source = determination_date(as_date(as_of), bom)
        bom, applied = with_certificates(bom, certificates, on)
        plan = run(bom, regimes[0], on, Fraction(Decimal(str(premium))), target.upper(), known,
                   margin_pts=Fraction(Decimal(str(margin))), certification_pct=Fraction(Decimal(str(certification_cost))),
                   mfn_table=table, import_into=import_into.upper())
    except RooCalcError as error:
        fail(error)
    from roo_calc.certificates.report import notes_for, notes_json, notes_text
    from roo_calc.report import advise as report

    notes = notes_for(applied, regimes[:1])
    if quiet:
        pass
    elif format is Format.json:
        echo(json.dumps({**report.to_json(plan, bom, on, source), "certificate_notes": notes_json(notes)}, indent=2))
    else:
        echo(report.render_text(plan, bom, on, source) + "".join(line + "\n" for line in notes_text(notes, bom)), nl=False)
    check_fail_on([(plan.after or plan.before).status], fail_on)


EXAMPLES = examples(
    "roo-calc advise sample_boms/compact-sedan-mx.xlsx --regime usmca-2020 --premium 4",
    "roo-calc advise sample_boms/compact-sedan-mx.xlsx -r usmca-2020 --margin 1 --certification-cost 0.5",
    "roo-calc advise sample_boms/suv-ca.xlsx -r usmca-2020 --format json",
)
