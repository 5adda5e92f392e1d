"""`roo-calc evaluate`: the verdict of every regime on a BOM, with the figures behind it."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from roo_calc.asof import Source, determination_date
from roo_calc.cli.common import (AsOfOption, CertificatesOption, ColumnsOption, FailOnOption, ImportIntoOption, Paper, PaperOption, QuietOption, RegimeOption,
                                 RulesOption, as_date, check_fail_on, echo, examples, fail, pick_regimes, with_certificates,
                                 working)
from roo_calc.errors import BomError, Problem, RooCalcError

if TYPE_CHECKING:
    from roo_calc.fleet import FleetEntry


class Format(str, Enum):
    table = "table"
    json = "json"


class Detail(str, Enum):
    brief = "brief"
    full = "full"


def evaluate(
    bom_paths: Annotated[list[Path], typer.Argument(metavar="BOM.xlsx...", help="BOM workbook(s) (.xlsx), or a fleet workbook listing them.", show_default=False)],
    regime: RegimeOption = None,
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    columns: ColumnsOption = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table for people, json for tools.")] = Format.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="REPORT.xlsx", help="Also write an Excel report here (.xlsx).")] = None,
    import_into: ImportIntoOption = "US",
    average_by: Annotated[Optional[str], typer.Option("--average-by", metavar="CATEGORY", help="Also average over the fleet by this category of the rule files' averaging (USMCA: model-line, class-plant, model-line-class-plant; needs annual volumes).")] = None,
    fiscal_year_start: Annotated[Optional[str], typer.Option("--fiscal-year-start", metavar="MM-DD", help="With --average-by: the first day of the producer's fiscal year (such as 01-01); averages are per fiscal year (USMCA UR 16(1), NAFTA UR 11(1)). Also a Fleet-sheet column.")] = None,
    quiet: QuietOption = False,
    certificates: CertificatesOption = None,
    fail_on: FailOnOption = None,
    paper: PaperOption = Paper.letter,
    detail: Annotated[Detail, typer.Option("--detail", help="full: every requirement's figures, lines and assumptions; "
                                           "brief: the table and one line per failing requirement.")] = Detail.full,
    all_lines: Annotated[bool, typer.Option("--all-lines", help="JSON: list every line that counts against each "
                                            "requirement, not only the largest ten.")] = False,
) -> None:
    """Evaluate a BOM workbook under each regime and explain every verdict; with several BOMs
    (or a fleet workbook), each vehicle's verdicts and, with --average-by, the averaged ones.

    Exit status 0 when the evaluation ran (whatever the verdicts, unless --fail-on), 2 when the
    input is invalid, 3 when a verdict meets --fail-on.
    """
    from roo_calc.fleet import is_fleet_workbook

    if fiscal_year_start is not None and average_by is None:
        fail(RooCalcError("--fiscal-year-start: states the fiscal year fleet averages are calculated over; "
                          "give it with --average-by"))
    if len(bom_paths) > 1 or is_fleet_workbook(bom_paths[0]) or average_by is not None:
        _evaluate_fleet(bom_paths, regime, as_of, rules, format, output, import_into, average_by, quiet, certificates, columns, fiscal_year_start,
                        fail_on, all_lines)
        return
    bom_path = bom_paths[0]
    import roo_calc
    from roo_calc.certificates.apply import annotate
    from roo_calc.engine.determine import evaluate as run
    from roo_calc.rules.loader import import_mfn_table

    try:
        if output is not None:
            _check_output(output, bom_path)
        regimes, known = pick_regimes(rules, regime)
        table = import_mfn_table(import_into)
        with working(f"reading {bom_path}", quiet):
            bom = roo_calc.load_bom(bom_path, columns, known)
        on, source = determination_date(as_date(as_of), bom)
        bom, applied = with_certificates(bom, certificates, on)
        with working("evaluating", quiet):
            results = [annotate(run(bom, r, on, known), applied, r) for r in regimes]
        from roo_calc.engine.duty import with_duty_exposure

        results = with_duty_exposure(bom, results, import_into.upper(), table)
        if output is not None:
            from roo_calc.report.excel import write_report

            with working(f"writing {output}", quiet):
                inputs = {"Column mapping file": [str(columns)] if columns else []}  # certificate files: with their SHA-256 below
                write_report(output, bom, results, on, regimes, paper=paper.value, inputs=inputs, source=source)
    except RooCalcError as error:
        fail(error)
    if quiet:
        pass
    elif format is Format.json:
        from roo_calc.report.json import to_json

        echo(json.dumps(to_json(bom, results, on, all_lines, source), indent=2))
    else:
        from roo_calc.report.text import render

        echo(render(bom, results, on, detail.value, source), nl=False)
        if output is not None:
            echo(f"\nExcel report written to {output}")
    check_fail_on([r.status for r in results], fail_on)


def _check_output(output: Path, bom_path: Path) -> None:
    if output.suffix.lower() != ".xlsx":
        raise RooCalcError(f"{output}: the report is an Excel workbook; give a name ending in .xlsx")
    if output.exists() and bom_path.exists() and output.resolve() == bom_path.resolve():
        raise RooCalcError(f"{output}: refusing to write the report over the input workbook")
    from roo_calc.atomic import check_target

    check_target(output)


def _evaluate_fleet(paths, regime, as_of, rules, format, output, import_into, average_by, quiet, certificates=None,
                    columns=None, fiscal_year_start=None, fail_on=None, all_lines=False) -> None:
    """Several vehicles: each one's determinations, then volume-weighted averages per category."""
    from roo_calc.certificates.apply import annotate
    from roo_calc.engine.determine import evaluate as run
    from roo_calc.engine.duty import with_duty_exposure
    from roo_calc.fiscal_year import FiscalYearStart
    from roo_calc.fleet import (FleetEntry, average, fleet_fiscal_year, is_fleet_workbook, load_listed, missing_volume,
                                read_fleet)
    from roo_calc.rules.loader import import_mfn_table

    try:
        if output is not None:
            _check_output(output, paths[0])
        regimes, known = pick_regimes(rules, regime)
        categories = dict.fromkeys(a.category for r in known.values() for a in r.averaging)
        if average_by is not None and average_by not in categories:
            raise RooCalcError(f"--average-by: unknown averaging category {average_by!r}; the rules define: "
                               f"{', '.join(categories) or 'none'}")
        try:
            given_year = FiscalYearStart.parse(fiscal_year_start) if fiscal_year_start is not None else None
        except ValueError as error:
            raise RooCalcError(f"--fiscal-year-start: {error}") from None
        table = import_mfn_table(import_into)
        entries: list[FleetEntry] = []
        problems: list[Problem] = []
        for path in paths:  # every fleet sheet's and every listed workbook's problems, in one pass
            if is_fleet_workbook(path):
                listed, found = read_fleet(path)
                entries += listed
                problems += found
            else:
                entries.append(FleetEntry(path))
        fiscal_year, found = fleet_fiscal_year(entries, given_year)
        problems += found
        seen: dict[Path, FleetEntry] = {}
        for entry in entries:  # one vehicle twice would weigh twice in every average
            first = seen.setdefault(entry.path.resolve(), entry) if average_by and entry.path.exists() else entry
            if first is not entry:
                problems.append(Problem("duplicate-vehicle", f"the same workbook as {first.path}"
                                        + (f" (listed at {first.listed_at})" if first.listed_at else "")
                                        + ": each vehicle is given once, or its volume would count twice in the averages",
                                        *entry.place()))
        vehicles, volumes, loaded = [], {}, []
        sources: dict[str, Source] = {}
        with _progress(len(entries), quiet or format is Format.json) as advance:
            for entry in entries:
                bom, found = load_listed(entry, columns, known)
                problems += found  # go on, to report every workbook's problems at once
                if bom is None:
                    continue
                if entry.volume:
                    volumes[bom.path] = entry.volume
                on, source = determination_date(as_date(as_of), bom)
                bom, applied = with_certificates(bom, certificates, on)
                results = with_duty_exposure(bom, [annotate(run(bom, r, on, known), applied, r)
                                                   for r in regimes], import_into.upper(), table)
                vehicles.append((bom, on, results))
                loaded.append(entry)
                sources[bom.path] = source
                advance()
        if average_by:  # every vehicle without a volume at once, each where its volume belongs
            problems += [missing_volume(bom, entry, "averaging (--average-by)") for entry, bom in zip(loaded, (v[0] for v in vehicles))
                         if not (entry.volume or bom.vehicle.annual_volume)]
        if problems:
            raise BomError(problems)
        on = as_date(as_of) or max(v[1] for v in vehicles)
        fleet_source: Source = "as-of" if as_of else "vehicles"
        averages = average([v[0] for v in vehicles], regimes, as_date(as_of), average_by, known, volumes, fiscal_year,
                           date.today()) if average_by else []
        if output is not None:
            from roo_calc.report.fleet import write_fleet_report

            with working(f"writing {output}", quiet):
                write_fleet_report(output, vehicles, averages, average_by, on, sources=sources, source=fleet_source)
    except RooCalcError as error:
        fail(error)
    statuses = [r.status for _b, _w, results in vehicles for r in results] + [a.result.status for a in averages if a.result]
    if quiet:
        check_fail_on(statuses, fail_on)
        return
    from roo_calc.report.fleet import fleet_json, fleet_text

    if format is Format.json:
        echo(json.dumps(fleet_json(vehicles, sources, averages, average_by, on, fleet_source, all_lines), indent=2))
        check_fail_on(statuses, fail_on)
        return
    echo(fleet_text(vehicles, sources, averages, average_by, on, fleet_source), nl=False)
    if output is not None:
        echo(f"\nExcel fleet report written to {output}")
    check_fail_on(statuses, fail_on)


def _progress(total: int, quiet: bool):
    """A progress bar on stderr for batches, only on a terminal and without --quiet."""
    import contextlib
    import sys

    if quiet or total < 2 or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda: None)
    from rich.console import Console
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(transient=True, console=Console(stderr=True)) as progress:
            task = progress.add_task("evaluating", total=total)
            yield lambda: progress.advance(task)

    return bar()


EXAMPLES = examples(
    "roo-calc evaluate sample_boms/compact-sedan-mx.xlsx",
    "roo-calc evaluate sample_boms/suv-ca.xlsx --regime usmca-2020 --as-of 2021-07-01",
    "roo-calc evaluate sample_boms/suv-ca.xlsx --output suv-report.xlsx --paper a4",
    "roo-calc evaluate sample_boms/fullsize-pickup-us.xlsx --format json > pickup.json",
    "roo-calc evaluate sample_boms/fleet/aurora-fleet.xlsx --average-by model-line -r usmca-2020",
    "roo-calc evaluate BOM.xlsx --quiet --fail-on not-eligible   # in CI: exit 3 if a regime fails",
)
