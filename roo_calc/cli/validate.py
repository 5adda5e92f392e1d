"""`roo-calc validate`: lint a BOM workbook and summarise it on one screen."""

from __future__ import annotations

from roo_calc.cli.common import BomArgument, echo, fail
from roo_calc.errors import RooCalcError


def validate(bom_path: BomArgument) -> None:
    """Check a BOM workbook against the contract: every error and warning, then a summary.

    Exit status 0 when the workbook is valid (warnings allowed), 2 when it has errors.
    """
    import roo_calc
    from roo_calc.report.lint import summary

    try:
        bom = roo_calc.load_bom(bom_path)
    except RooCalcError as error:
        fail(error)
    for warning in bom.warnings:
        echo(str(warning))
    echo(summary(bom))
