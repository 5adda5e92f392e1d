"""`roo-calc evaluate`: the verdict of every regime on a BOM, with the figures behind it."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from roo_calc.cli.common import AsOfOption, BomArgument, RegimeOption, RulesOption, as_date, fail, pick_regimes
from roo_calc.errors import RooCalcError


class Format(str, Enum):
    table = "table"
    json = "json"


def evaluate(
    bom_path: BomArgument,
    regime: RegimeOption = None,
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table for people, json for tools.")] = Format.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Also write an Excel report here (.xlsx).")] = None,
    import_into: Annotated[str, typer.Option("--import-into", help="Importing country for duty exposure (ISO alpha-2; rates in rules/mfn/).")] = "US",
) -> None:
    """Evaluate a BOM workbook under each regime and explain every verdict.

    Exit status 0 when the evaluation ran (whatever the verdicts), 2 when the input is invalid.
    """
    import roo_calc
    from roo_calc.engine.determine import evaluate as run

    try:
        if output is not None:
            _check_output(output, bom_path)
        regimes, known = pick_regimes(rules, regime)
        bom = roo_calc.load_bom(bom_path)
        on = as_date(as_of) or roo_calc.default_as_of(bom)
        results = [run(bom, r, on, known) for r in regimes]
        from roo_calc.engine.duty import with_duty_exposure
        from roo_calc.rules.loader import load_mfn_table

        results = with_duty_exposure(bom, results, import_into.upper(), load_mfn_table(import_into))
        if output is not None:
            from roo_calc.report.excel import write_report

            write_report(output, bom, results, on, regimes)
    except RooCalcError as error:
        fail(error)
    if format is Format.json:
        from roo_calc.report.json import to_json

        typer.echo(json.dumps(to_json(bom, results, on), indent=2))
    else:
        from roo_calc.report.text import render

        typer.echo(render(bom, results, on), nl=False)
        if output is not None:
            typer.echo(f"\nExcel report written to {output}")


def _check_output(output: Path, bom_path: Path) -> None:
    if output.suffix.lower() != ".xlsx":
        raise RooCalcError(f"{output}: the report is an Excel workbook; give a name ending in .xlsx")
    if output.exists() and bom_path.exists() and output.resolve() == bom_path.resolve():
        raise RooCalcError(f"{output}: refusing to write the report over the input workbook")
    if not output.parent.exists():
        raise RooCalcError(f"{output}: the folder {output.parent} does not exist")
