"""`roo-calc` and `python -m roo_calc`: the command line, with Ctrl-C caught from the first import.

The console command starts here rather than in `roo_calc.cli.main`: importing the application
(typer, click, the commands) takes a moment, and Ctrl-C in that moment would end in a Python
traceback.  Only `sys` is imported before the guard; once the application runs, typer ends a
Ctrl-C with status 130 itself.
"""

from __future__ import annotations

import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C


def main() -> None:
    """Import and run the application; Ctrl-C at any moment ends with a line on stderr and 130."""
    try:
        from roo_calc.cli.main import run

        run()
    except KeyboardInterrupt:
        print("roo-calc: interrupted", file=sys.stderr)
        sys.exit(INTERRUPTED)


if __name__ == "__main__":
    main()
