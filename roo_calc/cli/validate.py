"""`roo-calc validate`: lint a BOM workbook and summarise it on one screen."""

from __future__ import annotations

from typing import Annotated

import typer

from roo_calc.cli.common import (EXIT_INVALID, QuietOption, examples, AsOfOption, BomArgument, CertificatesOption, ColumnsOption, RulesOption, as_date, echo,
                                 fail, with_certificates)
from roo_calc.errors import BomError, RooCalcError


def validate(
    bom_path: BomArgument,
    certificates: CertificatesOption = None,
    as_of: AsOfOption = None,
    expiring_within: Annotated[int, typer.Option("--expiring-within", min=0, help="List supplier certifications that expire within this many days of the determination date.")] = 90,
    columns: ColumnsOption = None,
    rules: RulesOption = None,
    quiet: QuietOption = False,
) -> None:
    """Check a BOM workbook against the contract: every error and warning, then a summary, and
    a header mapping to paste for headers that look like contract columns.

    The rules (shipped, plus any --rules files) give the core-part groups a line may name, the
    region and the certification policies.  Exit status 0 when the workbook is valid (warnings
    allowed), 2 when it has errors.
    """
    import roo_calc
    from roo_calc.bom.columns import proposal_text
    from roo_calc.certificates.report import validity_lines
    from roo_calc.report.lint import summary
    from roo_calc.rules.loader import load_regimes

    from roo_calc.fleet import is_fleet_workbook

    if is_fleet_workbook(bom_path):
        _validate_fleet(bom_path, columns, rules, quiet)
        return
    try:
        regimes = load_regimes(rules)
        bom = roo_calc.load_bom(bom_path, columns, regimes)
        on = as_date(as_of) or roo_calc.default_as_of(bom)
        bom, applied = with_certificates(bom, certificates, on)
    except RooCalcError as error:
        if not isinstance(error, BomError) or not error.proposals:
            fail(error)
        proposals = error.proposals
        for problem in error.problems:
            echo(str(problem), err=True)
        echo("\n" + proposal_text(list(proposals)) + "\n", err=True)
        errors = sum(1 for p in error.problems if p.severity == "error")
        echo(f"{errors} error(s): the workbook is not valid; the mapping above may fix the header ones.", err=True)
        raise typer.Exit(EXIT_INVALID)
    if quiet:
        return
    for warning in bom.warnings:
        echo(str(warning))
    echo(summary(bom, regimes))
    if bom.certificates:
        echo("\n".join(validity_lines(bom, applied, expiring_within)))
    if bom.proposed_columns:
        echo("\n" + proposal_text(list(bom.proposed_columns)))


def _validate_fleet(path, columns, rules, quiet: bool) -> None:
    """A fleet workbook: the Fleet sheet and every BOM it lists, all problems in one pass, then
    one line per BOM with the annual volume the averages would use."""
    from roo_calc.fleet import load_listed, read_fleet
    from roo_calc.rules.loader import load_regimes

    try:
        regimes = load_regimes(rules)
    except RooCalcError as error:
        fail(error)
    entries, problems = read_fleet(path)
    boms = []
    for entry in entries:
        bom, found = load_listed(entry, columns, regimes)
        problems += found
        if bom is not None:
            boms.append((entry, bom))
    if any(p.severity == "error" for p in problems):
        fail(BomError(problems))
    if quiet:
        return
    for problem in [*problems, *(w for _entry, bom in boms for w in bom.warnings)]:
        echo(str(problem))
    echo(f"Fleet workbook is valid: {len(boms)} BOM workbook(s) listed (run roo-calc validate on each for its summary)")
    year = next((e.fiscal_year for e in entries if e.fiscal_year), None)
    echo(f"Fiscal year: begins {year}; averages are per fiscal year" if year else
         "Fiscal year: not stated (fiscal_year_start); averages then say what the vehicles' dates allow")
    for entry, bom in boms:
        volume = bom.vehicle.annual_volume
        echo(f"  {entry.listed_at}: {bom.path} - {bom.vehicle.model}, "
             + (f"annual volume {volume:,}" if volume else "no annual volume (needed to average)")
             + f", made {bom.vehicle.production_date or 'on no stated date (production_date)'}")


EXAMPLES = examples("roo-calc validate sample_boms/ev-crossover-us.xlsx",
                    "roo-calc validate BOM.xlsx --columns my-columns.toml",
                    "roo-calc validate BOM.xlsx --quiet   # exit 2 if the workbook has errors")
