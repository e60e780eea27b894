"""LEXIMIN lotteries: cocreate_match against the peer package ``sortition-algorithms``.

For each single-panel pool, both run LEXIMIN in the same run on the same data:

- ours: the whole command line ``cocreate-match lottery --sortition DIR --seats K``, timed
  from process start to exit (so imports and file writing count against us);
- the peer: its LEXIMIN through ``peer_leximin.run_peer`` in a separate interpreter that has
  the peer installed (``--peer-python``; the peer is never a dependency of the library).
  Pools larger than ``--peer-max-pool`` (1999: the licence bundled with the peer's LP solver
  allows at most 2000 variables) are not given to the peer;
- the random-priority baseline: the same command line with ``--method legacy --samples 50``
  (50 equally likely random-priority panels), a yardstick in the same run for every pool,
  also where the peer cannot run.

It reports both times and their ratio, each side's smallest probability, and where the two
sorted probability vectors first differ by more than 1e-6 and which is larger there.

Pools: the public ``example_small_20`` and ``example_large_200`` (read from
``../shared/instances/sortition-nature2021/data`` when that directory exists; they are not
copied into this project) and seeded synthetic pools made by
``peer_leximin.make_synthetic_pool``: ``synthetic_N`` has N people and N/10 seats,
``synthetic_N_K`` N people and K seats (``synthetic_5000_160``: a national-size panel).

    python benchmarks/bench_lottery.py --peer-python /path/to/venv/bin/python
        [--peer-time-limit 900] [--pools example_small_20 synthetic_300 synthetic_5000_160 ...]
        [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peer_leximin import make_synthetic_pool, run_peer  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "instances" / "sortition-nature2021" / "data"
DIFFERENCE = 1e-6
# The targets (issue: a lottery fast enough to use); the run exits 1 when one is missed.
PEER_RATIO = 0.2  # at most this share of the peer's time, on every pool the peer finishes
SECONDS = {"synthetic_5000_160": 60.0}  # whole-command-line seconds on a national-size pool


def _pools(names: list[str], work: Path) -> list[tuple[str, Path, int]]:
    pools = []
    for name in names:
        if name.startswith("synthetic_"):
            sizes = [int(x) for x in name.split("_")[1:]]
            n, k = sizes[0], sizes[1] if len(sizes) > 1 else sizes[0] // 10
            directory = work / name
            directory.mkdir(parents=True, exist_ok=True)
            make_synthetic_pool(directory, n=n, k=k, seed=7)
            pools.append((name, directory, k))
        elif (SHARED / name).is_dir():
            pools.append((name, SHARED / name, int(name.rsplit("_", 1)[1])))
        else:
            print(f"  {name}: not found under {SHARED}; skipped", file=sys.stderr)
    return pools


def _ours(directory: Path, k: int, work: Path, *, legacy: bool = False,
          time_limit: float | None = None) -> dict[str, Any]:
    beside = Path(sys.executable).parent / "cocreate-match"  # the same environment's script
    exe = str(beside) if beside.exists() else shutil.which("cocreate-match") or "cocreate-match"
    out = work / f"{directory.name}-{'legacy' if legacy else 'leximin'}-probs.csv"
    method = ["--method", "legacy", "--samples", "50"] if legacy else []
    if time_limit is not None:
        method += ["--time-limit", str(time_limit)]
    start = time.perf_counter()
    done = subprocess.run([exe, "lottery", "--sortition", str(directory), "--seats", str(k),
                           "--out", str(out), "--baseline-samples", "0", *method],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return {"status": f"exit {done.returncode}", "seconds": seconds,
                "message": done.stderr[-500:], "probabilities": {}}
    with out.open(encoding="utf-8") as handle:
        totals = {r["person_id"]: float(r["probability"]) for r in csv.DictReader(handle)
                  if r["committee_id"] == "*"}
    first = done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    status = first.split("(", 1)[1].split(":", 1)[0] if "(" in first else "ok"
    levels = [line.split(":")[1].split(",")[0].strip() for line in done.stdout.splitlines()
              if line.strip().startswith("levels proven:")]
    return {"status": status + (f", {levels[0]} levels" if levels else ""),
            "seconds": seconds, "probabilities": totals,
            "summary": done.stdout.strip()}


def _first_difference(ours: list[float], peer: list[float]) -> dict[str, Any] | None:
    for i, (a, b) in enumerate(zip(ours, peer, strict=True)):
        if abs(a - b) > DIFFERENCE:
            return {"position": i, "ours": a, "peer": b,
                    "larger": "ours" if a > b else "peer"}
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pools", nargs="+",
                        default=["example_small_20", "synthetic_300", "example_large_200"])
    parser.add_argument("--peer-python", default=None,
                        help="interpreter with sortition-algorithms installed")
    parser.add_argument("--peer-time-limit", type=float, default=900.0)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds for our LEXIMIN (default: none)")
    parser.add_argument("--peer-max-pool", type=int, default=1999,
                        help="larger pools are not given to the peer (its licence limit)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, directory, k in _pools(args.pools, work):
            print(f"  {name} (k={k}): ours ...", file=sys.stderr, flush=True)
            ours = _ours(directory, k, work, time_limit=args.time_limit)
            print(f"  {name}: random-priority baseline ...", file=sys.stderr, flush=True)
            legacy = _ours(directory, k, work, legacy=True)
            with (directory / "respondents.csv").open(encoding="utf-8") as handle:
                n = sum(1 for _ in handle) - 1
            if n > args.peer_max_pool:
                peer: dict[str, Any] = {"status": "not run (pool too large)", "seconds": None}
            else:
                print(f"  {name}: peer ...", file=sys.stderr, flush=True)
                peer = run_peer(directory / "categories.csv", directory / "respondents.csv", k,
                                "leximin", args.peer_time_limit, python=args.peer_python)
            row: dict[str, Any] = {"pool": name, "k": k, "n": n,
                                   "ours": {x: ours[x] for x in ("status", "seconds")},
                                   "legacy": {x: legacy[x] for x in ("status", "seconds")},
                                   "peer": {x: peer.get(x) for x in ("status", "seconds")}}
            if legacy["seconds"]:
                row["ratio_legacy"] = f"{ours['seconds'] / legacy['seconds']:.2f}"
            a = sorted(ours["probabilities"].values())
            if a:
                row["ours"]["min"] = a[0]
            if peer.get("status") == "ok" and peer.get("probabilities"):
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
    print("| pool | n | k | ours s (whole CLI) | ours status | ours min | "
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
        peer_min = r["peer"].get("min")
        print(f"| {r['pool']} | {r['n']} | {r['k']} | {r['ours']['seconds']:.2f} | "
              f"{r['ours']['status']} | "
              f"{r['ours'].get('min', float('nan')):.7f} | {r['legacy']['seconds']:.2f} | "
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
        if not str(r["ours"]["status"]).startswith("ok"):
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
