"""`roo-calc template`: write a blank BOM workbook to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roo_calc.cli.common import EXIT_INVALID, QuietOption, echo, examples, fail


def template(
    output: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="Where to write the blank workbook (.xlsx).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Write a blank BOM workbook: the Vehicle, BOM, FX, Certificates and Columns sheets, a note
    on every column and drop-down lists for fixed-choice columns."""
    from roo_calc.atomic import check_target
    from roo_calc.bom.template import write_template
    from roo_calc.errors import OutputError, RuleFileError
    from roo_calc.rules.loader import load_regimes
    from roo_calc.rules.model import core_part_groups

    if output.suffix.lower() != ".xlsx":
        echo(f"error: {output}: give a file name ending in .xlsx", err=True)
        raise typer.Exit(EXIT_INVALID)
    if output.exists() and not force:
        echo(f"error: {output} exists; use --force to overwrite it", err=True)
        raise typer.Exit(EXIT_INVALID)
    try:
        check_target(output)
        write_template(output, core_part_groups(load_regimes().values()))
    except (OutputError, RuleFileError) as error:
        fail(error)
    if not quiet:
        echo(f"Blank BOM workbook written to {output}. Fill in the Vehicle and BOM sheets, one value per cell (merged cells are refused) and numbers with a decimal point, then run: roo-calc validate {output}")


EXAMPLES = examples("roo-calc template new-vehicle.xlsx", "roo-calc template new-vehicle.xlsx --force")
