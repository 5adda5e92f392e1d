"""Benchmarks: prints figures, asserts nothing (performance is measured here, not in tests).

    python scripts/benchmark.py               # 1k, 10k and 100k-line BOMs
    python scripts/benchmark.py --sizes 1000 10000

For each size it prints the rows/s of roo-calc's reader (calamine through fastexcel, with full
validation and exact money) beside a plain pandas.read_excel(engine="openpyxl") of the BOM
sheet alone (no validation) as the baseline, then the time to evaluate every shipped regime.
The synthetic BOMs are written once to sample_boms/large/ by scripts/make_samples.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(function, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow openpyxl baseline")
    parser.add_argument("--scenarios", type=int, default=10000, help="scenarios for the batch benchmark (0 to skip)")
    parser.add_argument("--scenario-lines", type=int, default=5000, help="BOM lines for the batch benchmark")
    args = parser.parse_args()

    import pandas as pd

    from roo_calc.bom.reader import load_bom
    from roo_calc.engine.determine import evaluate
    from roo_calc.rules.loader import load_regimes

    folder = ROOT / "sample_boms" / "large"
    paths = {size: folder / (f"bom-{size // 1000}k.xlsx" if size >= 1000 else f"bom-{size}.xlsx") for size in args.sizes}
    missing = [str(size) for size, path in paths.items() if not path.exists()]
    if missing:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--large", *missing], check=True)
    regimes = list(load_regimes().values())

    print(f"{'lines':>8} {'roo-calc read':>14} {'rows/s':>10} {'openpyxl baseline':>18} {'rows/s':>10} {'speed-up':>9} "
          f"{'evaluate x' + str(len(regimes)):>14}")
    for size, path in paths.items():
        repeat = 3 if size <= 10000 else 1
        read_s, bom = _timed(lambda: load_bom(path), repeat)
        if args.no_baseline:
            base_s = float("nan")
        else:
            base_s, _ = _timed(lambda: pd.read_excel(path, sheet_name="BOM", engine="openpyxl", dtype=object), 1)
        on = bom.vehicle.production_date
        eval_s, _ = _timed(lambda: [evaluate(bom, r, on) for r in regimes], repeat)
        n = len(bom.lines)
        print(f"{n:>8} {read_s:>13.3f}s {n / read_s:>10,.0f} {base_s:>17.3f}s {n / base_s:>10,.0f} {base_s / read_s:>8.1f}x "
              f"{eval_s:>13.3f}s")
    if args.scenarios:
        scenario_benchmark(args.scenarios, args.scenario_lines, folder)


def scenario_benchmark(count: int, size: int, folder: Path) -> None:
    """Batch evaluation of sourcing scenarios against the one-at-a-time loop, in the same run."""
    import numpy as np
    import pandas as pd

    from roo_calc.bom.reader import load_bom
    from roo_calc.engine.determine import evaluate
    from roo_calc.rules.loader import load_regimes
    from roo_calc.scenarios.batch import EDITABLE, _stacked, batchable, evaluate_batch

    path = folder / (f"bom-{size // 1000}k.xlsx" if size >= 1000 else f"bom-{size}.xlsx")
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--large", str(size)], check=True)
    bom = load_bom(path)
    on = bom.vehicle.production_date
    known = load_regimes()
    regimes = [r for r in known.values() if batchable(r)]
    rng = np.random.default_rng(7)
    per = rng.integers(1, 4, count)  # each scenario re-sources 1 to 3 random lines to certified Mexican suppliers
    scen = np.repeat(np.arange(count), per)
    lines = rng.integers(0, len(bom.lines), len(scen))
    edits = pd.DataFrame({"scenario": scen, "line": lines}).drop_duplicates().reset_index(drop=True)
    for field in EDITABLE:
        edits[field] = None
    edits["origin_country"] = "MX"
    edits["usmca_originating"] = True
    edits["nafta_originating"] = True
    edits["regional_content_e4"] = 1_000_000
    bases = {r.id: evaluate(bom, r, on, known) for r in regimes}
    start = time.perf_counter()
    for r in regimes:
        evaluate_batch(bom, r, on, edits, count, known, bases[r.id])
    batch_s = time.perf_counter() - start
    sample = min(count, 20)
    start = time.perf_counter()
    for k in range(sample):
        mine = edits[edits["scenario"] == k]
        edited = bom.lines.copy()
        stacked = _stacked(bom, mine)
        for j, index in enumerate(mine["line"].tolist()):
            edited.iloc[index] = stacked.lines.iloc[j]
        one = bom.model_copy(update={"lines": edited})
        for r in regimes:
            evaluate(one, r, on, known)
    loop_s = (time.perf_counter() - start) / sample * count
    print()
    print(f"scenarios: {count:,} on a {len(bom.lines):,}-line BOM under {len(regimes)} regimes "
          f"({', '.join(r.id for r in regimes)})")
    print(f"  batch (lines x scenarios): {batch_s:8.3f} s  ({count / batch_s:,.0f} scenarios/s)")
    print(f"  one at a time (measured on {sample}, extrapolated): {loop_s:8.1f} s  -> {loop_s / batch_s:,.0f}x")


if __name__ == "__main__":
    main()
