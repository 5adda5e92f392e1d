"""Render the Excel reports to PDF and PNG with LibreOffice, to look at every sheet as it
prints: the evaluate report, the compare workbook and the fleet report of the samples.

    python scripts/render_reports.py [OUT_DIR]      # default: build/rendered

Needs `soffice` (LibreOffice) and `pdftoppm` (poppler-utils) on the PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "evaluate-sedan.xlsx": ["evaluate", "sample_boms/compact-sedan-mx.xlsx", "--as-of", "2025-06-01"],
    "compare-sedan.xlsx": ["compare", "sample_boms/compact-sedan-mx.xlsx", "-s", "scenarios/sedan-transmission-to-mexico.toml",
                           "-s", "scenarios/sedan-electronics-to-mexico.toml", "-r", "nafta-1994", "-r", "us-proposal-2017",
                           "-r", "usmca-2020", "-r", "usmca-2020-at-80"],
    "fleet-aurora.xlsx": ["evaluate", "sample_boms/fleet/aurora-fleet.xlsx", "--average-by", "model-line"],
}


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "rendered"
    out.mkdir(parents=True, exist_ok=True)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: install LibreOffice (soffice) and poppler-utils (pdftoppm)", file=sys.stderr)
            return 2
    for name, args in RUNS.items():
        workbook = out / name
        subprocess.run([sys.executable, "-c", "import sys; from roo_calc.cli.main import run; run()", *args,
                        "--output", str(workbook), "--quiet"], cwd=ROOT, check=True)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
                       check=True, capture_output=True)
        pdf = workbook.with_suffix(".pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-l", "12", str(pdf), str(out / workbook.stem)], check=True)
        print(f"{pdf} and its first pages as PNG in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
