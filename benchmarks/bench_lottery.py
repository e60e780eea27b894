"""LEXIMIN lotteries: cocreate_match against the peer package ``sortition-algorithms``.

For each single-panel pool, both run LEXIMIN in the same run on the same data:

- ours: the pools of the grid ``benchmarks/grids/lottery.toml``, run by the benchmark harness
  (:func:`cocreate_match.bench.bench`): ``lottery(load_sortition(DIR, K))`` in a fresh
  process, timed from before loading the pool to the end of the call (imports are not
  counted; the peer's time does not count them either);
- the peer: its LEXIMIN through ``peer_leximin.run_peer`` in a separate interpreter that has
  the peer installed (``--peer-python``; the peer is never a dependency of the library).
  Pools larger than ``--peer-max-pool`` (1999: the licence bundled with the peer's LP solver
  allows at most 2000 variables) are not given to the peer;
- the random-priority baseline (method ``legacy``, 50 equally likely random-priority
  panels), a yardstick in the same sweep for every pool, also where the peer cannot run.

It reports both times and their ratio, each side's smallest probability, and where the two
sorted probability vectors first differ by more than 1e-6 and which is larger there (our
vector is computed once more here for that, outside any timing: the harness's table keeps
only the smallest probability, and the computation is deterministic).

Pools: the public ``example_small_20`` and ``example_large_200`` (read from
``../shared/instances/sortition-nature2021/data`` when that directory exists; they are not
copied into this project) and seeded synthetic pools made by
``peer_leximin.make_synthetic_pool`` (written to ``benchmarks/results/pools``):
``synthetic_N`` has N people and N/10 seats, ``synthetic_N_K`` N people and K seats
(``synthetic_5000_160``: a national-size panel).

    python benchmarks/bench_lottery.py --peer-python /path/to/venv/bin/python
        [--peer-time-limit 900] [--pools example_small_20 synthetic_300 synthetic_5000_160 ...]
        [--results DIR] [--fresh] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peer_leximin import make_synthetic_pool, run_peer  # noqa: E402

GRID = HERE / "grids" / "lottery.toml"
RESULTS = HERE / "results" / "lottery"
DIFFERENCE = 1e-6
# The targets (issue: a lottery fast enough to use); the run exits 1 when one is missed.
PEER_RATIO = 0.2  # at most this share of the peer's time, on every pool the peer finishes
SECONDS = {"synthetic_5000_160": 60.0}  # whole-command-line seconds on a national-size pool


def _pools(names: list[str] | None) -> list[dict[str, Any]]:
    """The grid's pools (those named, in the grid's order), with absolute paths; synthetic
    pools are written first, missing public ones left out."""
    tables = tomllib.loads(GRID.read_text(encoding="utf-8"))["pool"]
    known = [t["name"] for t in tables]
    for name in set(names or ()) - set(known):
        print(f"  {name}: not a pool of {GRID.name} ({', '.join(known)}); skipped",
              file=sys.stderr)
    pools = []
    for table in tables:
        if names is not None and table["name"] not in names:
            continue
        folder = (GRID.parent / table["path"]).resolve()
        if table["name"].startswith("synthetic_"):
            sizes = [int(x) for x in table["name"].split("_")[1:]]
            make_synthetic_pool(folder, n=sizes[0], k=table["seats"], seed=7)
        elif not folder.is_dir():
            print(f"  {table['name']}: not found at {folder}; skipped", file=sys.stderr)
            continue
        pools.append({**table, "path": str(folder)})
    return pools


def _ours(frame: Any, pool: str, method: str) -> dict[str, Any]:
    """Our row for a pool and method: seconds from before loading the pool to the end of
    the call, status (with LEXIMIN's proven levels), smallest probability."""
    from pandas import isna

    [row] = frame[(frame["pool"] == pool) & (frame["method"] == method)].to_dict("records")
    status = str(row["status"])
    if status == "error":
        return {"status": f"error: {row['message']}", "seconds": 0.0}
    levels = row["levels"]
    return {"status": status + ("" if isna(levels) else f", {levels} levels"),
            "seconds": float(row["prepare_s"]) + float(row["total_s"]),
            "min": float(row["min_probability"]), "n": int(row["citizens"])}


def _our_probabilities(directory: Path, k: int) -> list[float]:
    from cocreate_match import load_sortition, lottery

    return sorted(lottery(load_sortition(directory, k)).probabilities().values())


def _first_difference(ours: list[float], peer: list[float]) -> dict[str, Any] | None:
    for i, (a, b) in enumerate(zip(ours, peer, strict=True)):
        if abs(a - b) > DIFFERENCE:
            return {"position": i, "ours": a, "peer": b,
                    "larger": "ours" if a > b else "peer"}
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pools", nargs="+", default=None,
                        help="pools of the grid to run (default: all of them)")
    parser.add_argument("--peer-python", default=None,
                        help="interpreter with sortition-algorithms installed")
    parser.add_argument("--peer-time-limit", type=float, default=900.0)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds for each of our calls (default: none)")
    parser.add_argument("--peer-max-pool", type=int, default=1999,
                        help="larger pools are not given to the peer (its licence limit)")
    parser.add_argument("--results", type=Path, default=RESULTS, metavar="DIR",
                        help="the harness's folder (default benchmarks/results/lottery)")
    parser.add_argument("--fresh", action="store_true",
                        help="measure every point again, not only those missing from DIR")
    parser.add_argument("--workers", type=int, default=1,
                        help="our points at once in local processes (1)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    from cocreate_match.bench import bench

    pools = _pools(args.pools)
    grid = {**tomllib.loads(GRID.read_text(encoding="utf-8")), "pool": pools}
    if args.time_limit is not None:
        grid["time_limit"] = args.time_limit
    if args.fresh:
        shutil.rmtree(args.results, ignore_errors=True)
    frame = bench(grid, args.results, workers=args.workers,
                  progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True))
    rows = []
    for pool in pools:
        name, directory, k = pool["name"], Path(pool["path"]), pool["seats"]
        ours, legacy = _ours(frame, name, "leximin"), _ours(frame, name, "legacy")
        n = ours.get("n", 0)
        if n > args.peer_max_pool:
            peer: dict[str, Any] = {"status": "not run (pool too large)", "seconds": None}
        else:
            print(f"  {name}: peer ...", file=sys.stderr, flush=True)
            peer = run_peer(directory / "categories.csv", directory / "respondents.csv", k,
                            "leximin", args.peer_time_limit, python=args.peer_python)
        row: dict[str, Any] = {"pool": name, "k": k, "n": n,
                               "ours": {x: ours.get(x) for x in ("status", "seconds", "min")},
                               "legacy": {x: legacy.get(x) for x in ("status", "seconds")},
                               "peer": {x: peer.get(x) for x in ("status", "seconds")}}
        if legacy["seconds"]:
            row["ratio_legacy"] = f"{ours['seconds'] / legacy['seconds']:.2f}"
        if peer.get("status") == "ok" and peer.get("probabilities"):
            a = _our_probabilities(directory, k)
            b = sorted(peer["probabilities"].values())
            row["peer"]["min"] = b[0]
            row["difference"] = _first_difference(a, b) if len(a) == len(b) else "sizes"
            row["max_abs_difference"] = max(abs(x - y) for x, y in zip(a, b, strict=True))
        peer_seconds = peer.get("seconds") or 0.0
        if peer_seconds:
            ratio = ours["seconds"] / peer_seconds
            bound = peer.get("status") == "timeout"
            row["ratio"] = ("< " if bound else "") + f"{ratio:.3f}"
        rows.append(row)

    print(f"machine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; date {time.strftime('%Y-%m-%d')}")
    print("| pool | n | k | ours s (load + call) | ours status | ours min | "
          "baseline s (50 random-priority) | ratio ours/baseline | peer s | peer status | "
          "peer min | ratio ours/peer | first sorted position differing > 1e-6 |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---|")
    for r in rows:
        diff = r.get("difference")
        if isinstance(diff, dict):
            text = (f"#{diff['position']}: ours {diff['ours']:.7f}, peer {diff['peer']:.7f} "
                    f"({diff['larger']} larger)")
        elif diff is None and "peer" in r and r["peer"].get("min") is not None:
            text = "none"
        else:
            text = "n/a"
        peer_min, our_min = r["peer"].get("min"), r["ours"].get("min")
        print(f"| {r['pool']} | {r['n']} | {r['k']} | {r['ours']['seconds']:.2f} | "
              f"{r['ours']['status']} | "
              f"{'' if our_min is None else f'{our_min:.7f}'} | "
              f"{r['legacy']['seconds']:.2f} | "
              f"{r.get('ratio_legacy', '')} | {r['peer']['seconds'] or 0:.1f} | "
              f"{r['peer']['status']} | "
              f"{'' if peer_min is None else f'{peer_min:.7f}'} | {r.get('ratio', '')} | "
              f"{text} |")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    missed = _missed(rows)
    for line in missed:
        print(f"target missed: {line}", file=sys.stderr)
    return 1 if missed else 0


def _missed(rows: list[dict[str, Any]]) -> list[str]:
    missed = []
    for r in rows:
        if not str(r["ours"]["status"]).startswith("optimal"):
            missed.append(f"{r['pool']}: ours ended with {r['ours']['status']}")
        limit = SECONDS.get(r["pool"])
        if limit is not None and r["ours"]["seconds"] > limit:
            missed.append(f"{r['pool']}: {r['ours']['seconds']:.1f} s, over {limit:.0f} s")
        if r["peer"].get("status") == "ok" and r["peer"]["seconds"]:
            ratio = r["ours"]["seconds"] / r["peer"]["seconds"]
            if ratio > PEER_RATIO:
                missed.append(f"{r['pool']}: {ratio:.3f} of the peer's time, over {PEER_RATIO}")
            if isinstance(r.get("difference"), dict) and r["difference"]["larger"] == "peer":
                missed.append(f"{r['pool']}: the peer's sorted vector is larger at position "
                              f"{r['difference']['position']}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
