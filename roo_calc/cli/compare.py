"""`roo-calc compare`: regimes x scenarios, the baseline first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from roo_calc.asof import determination_date
from roo_calc.cli.common import (AsOfOption, BomArgument, CertificatesOption, ColumnsOption, FailOnOption, ImportIntoOption, Paper, PaperOption,
                                 QuietOption, RegimeOption, RulesOption, as_date, check_fail_on, echo, examples, fail,
                                 pick_regimes, with_certificates, working)
from roo_calc.cli.evaluate import Format, _check_output
from roo_calc.errors import RooCalcError


def compare(
    bom_path: BomArgument,
    scenario: Annotated[Optional[list[Path]], typer.Option("--scenario", "-s", metavar="SCENARIO.toml", help="Scenario file (repeatable); one file may hold many [[scenario]] tables.")] = None,
    regime: RegimeOption = None,
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    columns: ColumnsOption = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table for people, json for tools.")] = Format.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="COMPARE.xlsx", help="Also write an Excel comparison (.xlsx).")] = None,
    certificates: CertificatesOption = None,
    import_into: ImportIntoOption = "US",
    quiet: QuietOption = False,
    fail_on: FailOnOption = None,
    paper: PaperOption = Paper.letter,
) -> None:
    """Compare regimes across sourcing scenarios: status, binding requirement, value, margin and
    the change against the baseline, each scenario re-evaluated from the edited BOM."""
    from roo_calc.collector import kept_out, paused

    # What lives until the end (the modules, the scenarios) is left out of the cycle collector's
    # walks once made, and is made with the collector paused (roo_calc.collector).
    with kept_out() as keep:
        with paused():
            import roo_calc
            from roo_calc.errors import ScenarioError
            from roo_calc.report import compare as report
            from roo_calc.scenarios.apply import vehicle_problems, without_effect
            from roo_calc.scenarios.compare import compare as run
            keep()
        try:
            if output is not None:
                _check_output(output, bom_path)
            regimes, known = pick_regimes(rules, regime)
            from roo_calc.rules.loader import import_mfn_table

            table = import_mfn_table(import_into)
            with paused():
                scenarios = _scenarios(scenario or [])
                keep()
            with working(f"reading {bom_path}", quiet):
                bom = roo_calc.load_bom(bom_path, columns, known)
            on, source = determination_date(as_date(as_of), bom)
            bom, applied = with_certificates(bom, certificates, on)
            refused = [problem for s in scenarios for problem in vehicle_problems(bom, s)]
            if refused:
                raise ScenarioError("\n".join(refused))
            result = run(bom, scenarios, regimes, on, known, mfn_table=table, import_into=import_into.upper())
            if output is not None:
                from roo_calc.report.compare import write_excel

                write_excel(output, result, on, paper=paper.value,
                            inputs={"scenarios": [(s, s.path) for s in scenarios],
                                    "Certificates file": [str(p) for p in certificates or []]}, source=source)
        except (RooCalcError, ValueError) as error:
            fail(error if isinstance(error, RooCalcError) else RooCalcError(str(error)))
        from roo_calc.certificates.report import notes_for, notes_json, notes_text

        notes = notes_for(applied, regimes)
        idle = [warning for s in scenarios for warning in without_effect(bom, s)]
        if quiet:
            pass
        elif format is Format.json:
            for piece in report.json_text(result, on, source, {"certificate_notes": notes_json(notes), "scenario_warnings": idle}):
                echo(piece, nl=False)
            echo("")
        else:
            echo(report.render_text(result, on, source) + "".join(line + "\n" for line in notes_text(notes, bom))
                 + "".join(f"warning: {w}\n" for w in idle), nl=False)
            if output is not None:
                echo(f"\nExcel comparison written to {output}")
        check_fail_on((status for regime in result.regimes for status in result.statuses(regime)), fail_on)


def _scenarios(paths: list[Path]) -> list:
    """Every scenario of every file, in order; the problems of all files in one error, among
    them a name used twice (across files too) or the reserved name 'baseline'."""
    from roo_calc.errors import ScenarioError
    from roo_calc.scenarios.apply import load_scenarios
    from roo_calc.scenarios.compare import BASELINE

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.extend(load_scenarios(path))
        except ScenarioError as error:
            problems.append(str(error))
    first: dict[str, str | None] = {BASELINE: "the BOM as given"}
    for s in scenarios:
        if s.name in first:
            problems.append(f"{s.path}: scenario {s.name!r}: the name is already used by {first[s.name]}; "
                            "names must be unique")
        else:
            first[s.name] = f"a scenario in {s.path}"
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios


EXAMPLES = examples(
    "roo-calc compare sample_boms/suv-ca.xlsx --scenario scenarios/suv-engine-and-steel.toml",
    "roo-calc compare sample_boms/compact-sedan-mx.xlsx -s scenarios/sedan-transmission-to-mexico.toml "
    "-r usmca-2020 --output sedan-compare.xlsx",
)
