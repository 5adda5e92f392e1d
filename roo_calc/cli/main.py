"""The `roo-calc` application.  Heavy modules (pandas, openpyxl) load only inside commands,
so `roo-calc --help` starts fast."""

from __future__ import annotations

from typing import NoReturn

import typer

from roo_calc.cli import advise, certify, collect, compare, evaluate, regimes, solicit, template, validate
from roo_calc.cli.common import PlainHelp, examples

app = typer.Typer(
    name="roo-calc",
    help="Rules-of-origin compliance for vehicle BOMs: NAFTA 1994, the 2017 US proposal, USMCA.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,  # BOM costs are confidential
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # plain help: options show their metavars (BOM.xlsx, DATE, ID), not Python types
)
# One-line summaries for `roo-calc --help` (the docstrings' hard line breaks would cut them mid-sentence).
app.command(cls=PlainHelp, epilog=evaluate.EXAMPLES,
            short_help="Evaluate BOM workbooks and explain every verdict.")(evaluate.evaluate)
app.command(cls=PlainHelp, epilog=compare.EXAMPLES,
            short_help="Compare regimes across sourcing scenarios, against the baseline.")(compare.compare)
app.command(cls=PlainHelp, epilog=advise.EXAMPLES,
            short_help="Each failing requirement's gap and the cheapest plan to close it.")(advise.advise)
app.command(cls=PlainHelp, epilog=validate.EXAMPLES,
            short_help="Check a BOM workbook against the workbook contract.")(validate.validate)
app.command(cls=PlainHelp, epilog=template.EXAMPLES,
            short_help="Write a blank BOM workbook with a note on every column.")(template.template)
app.command(cls=PlainHelp, epilog=examples("roo-calc solicit sample_boms/compact-sedan-mx.xlsx --output requests/",
                                           "roo-calc solicit BOM.xlsx -r usmca-2020 --output requests/ --force"),
            short_help="Write request workbooks asking suppliers for missing facts.")(solicit.solicit)
app.command(cls=PlainHelp, epilog=examples("roo-calc collect requests/request-*.xlsx --output certificates.xlsx",
                                           "roo-calc evaluate BOM.xlsx --certificates certificates.xlsx"),
            short_help="Turn returned request workbooks into a certificates workbook.")(collect.collect)
app.command(cls=PlainHelp, epilog=examples("roo-calc certify sample_boms/compact-sedan-mx.xlsx --regime usmca-2020 "
                                           "--output cert.xlsx"),
            short_help="Pre-fill the USMCA certification of origin for a vehicle.")(certify.certify)
app.add_typer(regimes.app, name="regimes", short_help="List regimes, or show one with its thresholds on a date.")


def _print_version(value: bool) -> None:
    if value:
        from roo_calc import __version__

        typer.echo(f"roo-calc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                       help="Print the version and exit.")) -> None:
    """Rules-of-origin compliance for vehicle BOMs."""


def run() -> None:
    """Entry point: user errors exit 2 inside the commands; a stop signal while writing a file
    exits 128 + its number, and so does a closed output pipe (SIGPIPE, quietly, as Unix filters
    end); anything unexpected is reported in one line (set ROO_CALC_DEBUG=1 for the traceback)
    and exits 1."""
    import gc
    import os
    import sys

    from roo_calc.atomic import Interrupted
    from roo_calc.cli.common import OutputClosed
    from roo_calc.terminal import printable

    stdout = sys.stdout
    try:
        try:
            app(standalone_mode=True)
        except SystemExit:
            if sys.stdout is not stdout:  # click's own output (help, usage) met a closed pipe and wrapped stdout
                _output_closed()
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _output_closed()
            raise
        except OutputClosed:
            _output_closed()
        except Interrupted as stop:
            print(printable(f"roo-calc: {stop}"), file=sys.stderr)
            sys.exit(128 + stop.signum)
        except Exception as exc:  # noqa: BLE001
            if os.environ.get("ROO_CALC_DEBUG"):
                raise
            print(printable(f"roo-calc: internal error: {type(exc).__name__}: {exc} (set ROO_CALC_DEBUG=1 for details; please report it)"),
                  file=sys.stderr)
            sys.exit(1)
    finally:
        # The process ends here: what it made is left out of the cycle collector's walk at exit
        # (roo_calc.collector), which would otherwise go over every object once more.
        gc.freeze()


def _output_closed() -> NoReturn:
    """End as a Unix filter does when its reader has gone: no message, status 128 + SIGPIPE; the
    unwritten output goes to /dev/null so that the interpreter's last flush cannot complain."""
    import os
    import signal
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
    sys.exit(128 + signal.SIGPIPE)
