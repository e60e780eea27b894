"""Benchmark ``cocreate_match.solve`` against a plain HiGHS MIP of the same model.

The points are the grid ``benchmarks/grids/solve.toml``, run by the benchmark harness
(:func:`cocreate_match.bench.bench`): each size is a scenario of ``generate_scenario``
(feasible by construction), solved in a fresh process by each method of the same sweep:

- ``library`` (method ``solve``): ``cocreate_match.solve(scenario)`` with the default backend;
- ``plain`` (method ``mip``): the plain MIP baseline of ``cocreate_match.solver.baseline``,
  one binary per (citizen, committee the citizen may sit on) and per (politician,
  committee), every rule written out row by row from the scenario's fields, sharing no code
  with the library's model, solved by ``scipy.optimize.milp`` (HiGHS) with ``mip_rel_gap=0``.

Reported per method: build time, solve time, total wall time, peak memory (``VmHWM`` over
the call), objective, status; per size: the ratio of the totals (library / plain) and
whether the objectives are equal. The harness checks every plan with ``check_plan`` and
scores it with ``plan_score``. The whole command line (``cocreate-match solve DIR --out
plan.csv``) is timed at the smallest size against a 2 s target.

The harness's table, ``machine.json`` and plots go to ``--out`` (default
``benchmarks/results/solve``); a point already in its ``results.csv`` is not run again, so
an interrupted run picks up where it stopped (``--fresh`` measures everything anew).

Run ``python benchmarks/bench_solve.py --help`` for the options. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GRID = HERE / "grids" / "solve.toml"
RESULTS = HERE / "results" / "solve"
METHODS = {"library": "solve", "plain": "mip"}  # the names in the table: the grid's methods
CLI_TARGET_SECONDS = 2.0
CITIZEN_SEATS = 10
POLITICIAN_SEATS = 5


def politicians_for(committees: int) -> int:
    """Enough politicians for the seats: the generator aims at 1.3 times the seats to fill,
    and a politician on three committees or so keeps budgets realistic."""
    return max(19, math.ceil(committees * POLITICIAN_SEATS * 1.3 / 3))


# -- aggregation and reporting ----------------------------------------------------------------
def summarise(runs: Any) -> dict[str, Any]:
    """Median times and the highest peak over the runs of one method and size (rows of the
    harness's table); the distinct statuses and objectives of all runs."""
    good = runs[runs["status"] != "error"]
    out: dict[str, Any] = {
        "repeats": len(runs),
        "statuses": sorted(set(runs["status"])),
        "objectives": sorted({None if o is None or o != o else int(o)
                              for o in runs["objective"].astype(object)}, key=str),
        "memory_method": ", ".join(sorted(set(good["memory_method"]))),
        "errors": [m for m in runs["message"] if m and "Error" in m],
    }
    out["status"] = out["statuses"][0] if len(out["statuses"]) == 1 else "/".join(
        out["statuses"])
    out["objective"] = out["objectives"][0] if len(out["objectives"]) == 1 else None
    if len(good):
        for key in ("build_s", "solve_s", "total_s"):
            out[key] = statistics.median(good[key])
        highest = good.loc[good["peak_mb"].idxmax()]
        out["peak_mb"], out["rise_mb"] = float(highest["peak_mb"]), highest["rise_mb"]
        # A run stopped by the time limit may have no plan; it has nothing to check.
        with_plan = good[good["plan_score"].notna()]
        out["plans_checked"] = len(with_plan)
        out["all_plans_valid"] = bool(((with_plan["violations"] == 0)
                                       & (with_plan["plan_score"] == with_plan["objective"]))
                                      .all())
    return out


def compare(library: dict[str, Any], plain: dict[str, Any]) -> dict[str, Any]:
    """The ratio of total times, and whether both found the same objective in every run."""
    objectives = library["objectives"]
    out: dict[str, Any] = {
        "objectives_equal": len(objectives) == 1 and objectives[0] is not None
                            and objectives == plain["objectives"],
        "both_optimal": library["statuses"] == ["optimal"] == plain["statuses"],
    }
    if "total_s" in library and "total_s" in plain:
        ratio = library["total_s"] / plain["total_s"]
        # A plain MIP stopped by its limit would have taken longer: the ratio is at most this.
        upper = plain["statuses"] != ["optimal"]
        out["ratio"] = ratio
        out["ratio_text"] = f"< {ratio:.3g}" if upper else f"{ratio:.3g}"
    else:
        out["ratio"] = None
        out["ratio_text"] = "n/a"
    return out


def sizes_from(frame: Any) -> list[dict[str, Any]]:
    """Per size, in the table's order: each method's summary and their comparison."""
    results = []
    keys = ["committees", "citizens", "politicians", "seed"]
    for key, part in frame.groupby(keys, sort=False):
        size: dict[str, Any] = dict(zip(keys, (int(k) for k in key), strict=True))
        for name, method in METHODS.items():
            size[name] = summarise(part[part["method"] == method])
        size["comparison"] = compare(size["library"], size["plain"])
        results.append(size)
    return results


def _cell(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(sizes: list[dict[str, Any]]) -> str:
    lines = [
        "| committees | citizens | politicians | method | build s | solve s | total s "
        "| peak MB | rise MB | objective | status | ratio (library / plain) | equal objective |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for s in sizes:
        for name in METHODS:
            r = s[name]
            tail = (f"| {s['comparison']['ratio_text']} | "
                    f"{'yes' if s['comparison']['objectives_equal'] else 'no'} |"
                    if name == "library" else "| | |")
            lines.append(
                f"| {s['committees']} | {s['citizens']} | {s['politicians']} | {name} "
                f"| {_cell(r.get('build_s'))} | {_cell(r.get('solve_s'))} "
                f"| {_cell(r.get('total_s'))} | {_cell(r.get('peak_mb'), 1)} "
                f"| {_cell(r.get('rise_mb'), 1)} "
                f"| {_cell(r.get('objective'))} | {r.get('status')} {tail}")
    return "\n".join(lines)


# -- the command line -------------------------------------------------------------------------
def _cli_executable() -> str:
    beside = Path(sys.executable).parent / "cocreate-match"
    if beside.exists():
        return str(beside)
    found = shutil.which("cocreate-match")
    if found is None:
        raise SystemExit("cocreate-match is not installed (pip install -e .)")
    return found


def time_cli(committees: int, citizens: int, seed: int, repeat: int) -> dict[str, Any]:
    """Median wall time of ``cocreate-match solve DIR --out plan.csv``, process start to exit."""
    import cocreate_match as cm

    politicians = politicians_for(committees)
    scenario = cm.generate_scenario(committees=committees, citizens=citizens,
                                    politicians=politicians, seed=seed, choices=3,
                                    any_share=0.1)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "scenario"
        cm.save_scenario(scenario, directory)
        plan_path = Path(tmp) / "plan.csv"
        command = [_cli_executable(), "solve", str(directory), "--out", str(plan_path)]
        codes, errors, violations = [], [], []
        for _ in range(repeat):
            plan_path.unlink(missing_ok=True)
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            codes.append(done.returncode)
            if done.returncode != 0:
                errors.append(done.stderr.strip()[-500:])
            elif plan_path.exists():
                violations.append(len(cm.check_plan(scenario, cm.read_plan(plan_path))))
    median = statistics.median(times)
    ok = all(code == 0 for code in codes) and violations == [0] * repeat
    return {"committees": committees, "citizens": citizens, "politicians": politicians,
            "seed": seed, "times_s": times, "median_s": median, "exit_codes": codes,
            "errors": errors, "plan_violations": violations, "all_runs_ok": ok,
            "target_s": CLI_TARGET_SECONDS, "meets_target": ok and median <= CLI_TARGET_SECONDS}


def _size(text: str) -> tuple[int, int]:
    try:
        committees, citizens = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a size must be COMMITTEESxCITIZENS such as 10x500, got {text!r}") from None
    if committees < 1 or citizens < committees * CITIZEN_SEATS:
        raise argparse.ArgumentTypeError(
            f"a size needs at least 1 committee and {CITIZEN_SEATS} citizens per committee, "
            f"got {text!r}")
    return committees, citizens


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text!r}")
    return value


def _grid_sizes() -> list[tuple[int, int]]:
    grid = tomllib.loads(GRID.read_text(encoding="utf-8"))
    return [_size(text) for text in grid["generated"]["size"]]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=_size, metavar="CxN",
                   help="committees x citizens, e.g. 10x500 100x20000 (default: the grid's, "
                        + " ".join(f"{c}x{n}" for c, n in _grid_sizes()) + ")")
    p.add_argument("--quick", action="store_true", help="only the two smallest sizes")
    p.add_argument("--repeat", type=int, default=1,
                   help="fresh-process runs per method and size; times are medians (1)")
    p.add_argument("--seed", type=int, default=0, help="scenario seed (0)")
    p.add_argument("--time-limit", type=_positive, default=None, metavar="S",
                   help="seconds for each call (the grid's: 600)")
    p.add_argument("--cli-repeat", type=int, default=3,
                   help="runs of the command line; the median is reported (3)")
    p.add_argument("--no-cli", action="store_true", help="skip timing the command line")
    p.add_argument("--out", type=Path, default=RESULTS, metavar="DIR",
                   help=f"the harness's folder (default {RESULTS.relative_to(HERE.parent)})")
    p.add_argument("--fresh", action="store_true",
                   help="measure every point again, not only those missing from DIR")
    p.add_argument("--workers", type=int, default=1,
                   help="points at once in local processes (1: no two share the cores)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask scheduler instead")
    return p


def grid_for(args: argparse.Namespace) -> dict[str, Any]:
    """The grid file, with the sizes, seed, runs and time limit asked for."""
    grid = tomllib.loads(GRID.read_text(encoding="utf-8"))
    sizes = sorted(args.sizes or _grid_sizes(), key=lambda s: (s[0] * s[1], s))
    if args.quick:
        sizes = sizes[:2]
    grid["generated"]["size"] = [f"{c}x{n}" for c, n in sizes]
    grid.update(seed=args.seed, repeat=args.repeat)
    if args.time_limit is not None:
        grid["time_limit"] = args.time_limit
    return grid


@contextlib.contextmanager
def executor_for(args: argparse.Namespace) -> Iterator[Executor | None]:
    if args.dask is None:
        yield None
        return
    from cocreate_match.bench import dask_executor

    with dask_executor(args.dask) as executor:
        yield executor


def main(argv: Sequence[str] | None = None) -> int:
    from cocreate_match.bench import MACHINE_FILE, bench

    args = build_parser().parse_args(argv)
    grid = grid_for(args)
    if args.fresh:
        shutil.rmtree(args.out, ignore_errors=True)
    load_start = os.getloadavg()
    with executor_for(args) as executor:
        frame = bench(grid, args.out, executor=executor,
                      workers=None if executor is not None else args.workers,
                      progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True))
    load_end = os.getloadavg()
    record = json.loads((args.out / MACHINE_FILE).read_text(encoding="utf-8"))
    machine, versions = record["machine"], record["versions"]
    print(f"machine: {machine['cpu']}, {machine['cores']} cores; Python {machine['python']}, "
          f"numpy {versions['numpy']}, SciPy {versions['scipy']}, highspy "
          f"{versions['highspy']}; commit {_commit()}")
    print(f"repeats: {args.repeat}; time limit: {grid.get('time_limit', 'none')} s; "
          f"results in {args.out}")
    print(f"load average: {load_start[0]:.2f} at start, {load_end[0]:.2f} at end (1 min)")
    results = sizes_from(frame)
    cli = None
    if not args.no_cli:
        committees, citizens = _size(grid["generated"]["size"][0])
        cli = time_cli(committees, citizens, args.seed, args.cli_repeat)
        print(f"\ncommand line at {committees}x{citizens}: median "
              f"{cli['median_s']:.2f} s over {len(cli['times_s'])} runs "
              f"({', '.join(f'{t:.2f}' for t in cli['times_s'])}); target "
              f"{CLI_TARGET_SECONDS:g} s: {'met' if cli['meets_target'] else 'MISSED'}; "
              f"exit codes {cli['exit_codes']}; violations in the written plans "
              f"{cli['plan_violations']}")
        for error in dict.fromkeys(cli["errors"]):
            print(f"  failed run: {error}")
    memory = sorted({r[m].get("memory_method", "?") for r in results for m in METHODS})
    print(f"\npeak memory: {', '.join(memory)}")
    print("\n" + markdown_table(results))
    for r in results:
        for m in METHODS:
            for error in r[m]["errors"]:
                print(f"  {r['committees']}x{r['citizens']} {m}: {error}")
    sound = all(r[m].get("all_plans_valid", False) for r in results for m in METHODS)
    optimal_equal = all(r["comparison"]["both_optimal"] and r["comparison"]["objectives_equal"]
                        for r in results)
    print(f"\nall plans pass check_plan and score their objective: {'yes' if sound else 'NO'}")
    print(f"both proven optimal with equal objectives at every size: "
          f"{'yes' if optimal_equal else 'NO'}")
    return 0 if sound and (cli is None or cli["all_runs_ok"]) else 1


def _commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent,
                                text=True, capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=HERE.parent,
                               text=True, capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" (src has uncommitted changes)" if dirty else "")


if __name__ == "__main__":
    sys.exit(main())
