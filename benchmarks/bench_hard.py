"""Hard instances: ``solve`` against the plain MIP on ``generate_scenario(tight=True)``.

Runs ``grids/hard.toml`` through the sweep harness (10 seeds each of 50 x 5,000 and
100 x 20,000, both methods in the same sweep), prints the README's table and checks the
targets per size: every point proven optimal with the plain MIP's objective, the median
ratio of total seconds (``solve`` / plain MIP) at most 0.25, and at 100 x 20,000 a peak
under 1 GB. Exits 1 when a target is missed.

``python benchmarks/bench_hard.py [--out DIR] [--fresh] [--workers N]``; points already in
``DIR/results.csv`` are not run again. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pandas as pd

from cocreate_match import bench

GRID = Path(__file__).parent / "grids" / "hard.toml"
RATIO_TARGET = 0.25
MEMORY_TARGET_MB = 1024.0
MEMORY_SIZE = (100, 20_000)


def summary(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per size, and the targets it misses."""
    missed: list[str] = []
    rows = []
    for (committees, citizens), frame in table.groupby(["committees", "citizens"]):
        wide = frame.pivot_table(index="seed", columns="method",
                                 values=["total_s", "peak_mb", "objective"])
        ratio = wide[("total_s", "solve")] / wide[("total_s", "mip")]
        optimal = int((frame["status"] == "optimal").sum())
        same = bool((wide[("objective", "solve")] == wide[("objective", "mip")]).all())
        peak = float(wide[("peak_mb", "solve")].max())
        size = f"{committees} x {citizens}"
        if optimal != len(frame) or not same:
            missed.append(f"{size}: {optimal} of {len(frame)} proven optimal, "
                          f"equal objectives: {same}")
        if ratio.median() > RATIO_TARGET:
            missed.append(f"{size}: median ratio {ratio.median():.3f} > {RATIO_TARGET}")
        if (committees, citizens) == MEMORY_SIZE and peak >= MEMORY_TARGET_MB:
            missed.append(f"{size}: peak {peak:.0f} MB >= {MEMORY_TARGET_MB:.0f} MB")
        rows.append({"size": size, "proven optimal": f"{optimal} of {len(frame)}",
                     "solve median s": round(float(wide[("total_s", "solve")].median()), 2),
                     "plain MIP median s": round(float(wide[("total_s", "mip")].median()), 2),
                     "ratio median": round(float(ratio.median()), 3),
                     "ratio range": f"{ratio.min():.2f}-{ratio.max():.2f}",
                     "solve peak MB": round(peak),
                     "plain peak MB": round(float(wide[("peak_mb", "mip")].max()))})
    return pd.DataFrame(rows), missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "hard"),
                        help="the harness's folder (benchmarks/results/hard)")
    parser.add_argument("--fresh", action="store_true", help="measure every point again")
    parser.add_argument("--workers", type=int, default=1,
                        help="points at once (1: no two share the cores)")
    args = parser.parse_args(argv)
    if args.fresh:
        shutil.rmtree(args.out, ignore_errors=True)
    table = bench(GRID, args.out, workers=args.workers,
                  progress=lambda line: print(line, file=sys.stderr, flush=True))
    rows, missed = summary(table)
    print("| " + " | ".join(rows.columns) + " |")
    print("|" + "---|" * len(rows.columns))
    for row in rows.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in row) + " |")
    for line in missed:
        print(f"target missed: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
