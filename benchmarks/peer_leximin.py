"""Run the peer package ``sortition-algorithms`` (LEXIMIN or MAXIMIN) on a sortition pool.

The peer is an optional benchmark dependency, never a runtime one: this module imports
without it, and :func:`run_peer` then returns ``status="missing"``. The peer is GPL-3.0; it
is only imported here, in a separate process, and none of its code is copied.

Input is a pool in the layout of the Flanigan et al. (Nature 2021) replication data:

- ``categories.csv`` with columns ``category,feature,min,max`` (quotas per feature value);
- ``respondents.csv`` with one column per category and one row per pool member, no id
  column. Person ids are the 0-based row numbers as strings (``"0"``, ``"1"``, ...).

How the peer is driven (sortition-algorithms 0.12.x):

- the quotas become the peer's ``FeatureCollection`` through
  ``sortition_algorithms.features.read_in_features`` (columns renamed to ``feature,value``);
- the pool becomes a ``People`` through ``sortition_algorithms.people.read_in_people`` with
  ``Settings(id_column="id", columns_to_keep=[])`` (no address check);
- ``committee_generation.find_distribution_leximin`` / ``find_distribution_maximin`` are
  called directly, with ``check_same_address_columns=[]`` and the ILP backend
  ``solver_backend`` ("highspy" by default). They return the lottery (committees and their
  probabilities). The peer's top-level ``find_random_sample`` is not used: it silently
  switches from LEXIMIN to MAXIMIN when ``gurobipy`` is absent, and returns a rounded
  lottery rather than the distribution;
- the distribution is cleaned like the peer does before its lottery
  (``standardize_distribution``: drop committees below 1e-8, renormalise), and each person's
  selection probability is the total probability of the committees containing them.

The peer's LEXIMIN needs ``gurobipy`` (its dual LPs are Gurobi models; the committee ILPs use
``solver_backend``). The licence bundled with the PyPI wheel is size-limited (at most 2000
variables and 2000 linear constraints per model), so only pools of at most 1999 people with
few enough committees run without a full licence. MAXIMIN runs on HiGHS alone.

The peer runs in a child process that is killed when ``time_limit`` runs out. With
``python=...`` the child is that interpreter (for example a separate environment holding the
peer), so the library's environment does not need the peer at all.

Usage::

    python benchmarks/peer_leximin.py DIR [--algorithm leximin|maximin] [--time-limit S]
        [--k K] [--seed S] [--python PATH] [--json OUT]
    python benchmarks/peer_leximin.py --make-synthetic DIR [--n N] [--k K] [--pool-seed S]
        [--slack S]

``DIR`` holds ``categories.csv`` and ``respondents.csv``; ``k`` defaults to the number after
the last underscore of the directory name (``example_small_20`` -> 20).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import json
import logging
import math
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ALGORITHMS = ("leximin", "maximin")
LEVEL_GAP = 1e-6  # probabilities closer than this are counted as one level in summaries


def peer_available() -> bool:
    """Whether ``sortition_algorithms`` can be imported by this interpreter."""
    return importlib.util.find_spec("sortition_algorithms") is not None


def read_pool(
    categories_csv: Path, respondents_csv: Path
) -> tuple[list[dict[str, Any]], list[str], list[dict[str, str]]]:
    """Read quotas and pool: (quota rows, category names in column order, people rows)."""
    with open(categories_csv, newline="", encoding="utf-8") as handle:
        quotas = [
            {
                "category": row["category"].strip(),
                "feature": row["feature"].strip(),
                "min": int(row["min"]),
                "max": int(row["max"]),
            }
            for row in csv.DictReader(handle)
            if row.get("category", "").strip()
        ]
    with open(respondents_csv, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        people = [{c.strip(): (v or "").strip() for c, v in row.items()} for row in reader]
    categories = list(dict.fromkeys(q["category"] for q in quotas))
    missing = [c for c in categories if c not in columns]
    if missing:
        raise ValueError(f"respondents.csv lacks the category columns {missing}")
    return quotas, categories, people


def _peer_solve(request: dict[str, Any]) -> dict[str, Any]:
    """Load the pool into the peer, run the algorithm, return the result dict (child side)."""
    result: dict[str, Any] = {"seconds": None, "probabilities": {}, "status": "error"}
    if not peer_available():
        return {**result, "status": "missing", "message": "sortition_algorithms is not installed"}
    algorithm = request["algorithm"]
    if algorithm == "leximin" and importlib.util.find_spec("gurobipy") is None:
        return {
            **result,
            "status": "missing",
            "message": "gurobipy is not installed (the peer's leximin needs it)",
        }
    try:
        from importlib.metadata import version

        from sortition_algorithms.committee_generation import (
            find_distribution_leximin,
            find_distribution_maximin,
            standardize_distribution,
        )
        from sortition_algorithms.features import read_in_features
        from sortition_algorithms.people import read_in_people
        from sortition_algorithms.settings import Settings
        from sortition_algorithms.utils import set_log_level, set_random_provider

        if not request.get("verbose"):
            set_log_level(logging.WARNING)

        result["peer_version"] = version("sortition-algorithms")
        if algorithm == "leximin":
            result["gurobi_version"] = version("gurobipy")
        quotas, categories, rows = read_pool(
            Path(request["categories_csv"]), Path(request["respondents_csv"])
        )
        k = int(request["k"])
        features, _, _ = read_in_features(
            ["feature", "value", "min", "max"],
            [
                {
                    "feature": q["category"],
                    "value": q["feature"],
                    "min": str(q["min"]),
                    "max": str(q["max"]),
                }
                for q in quotas
            ],
            number_to_select=k,
        )
        settings = Settings(id_column="id", columns_to_keep=[])
        body = [{"id": str(i), **{c: row[c] for c in categories}} for i, row in enumerate(rows)]
        people, _ = read_in_people(["id", *categories], body, features, settings)
        # A nonzero seed makes the peer's random choices (initial committee weights, the
        # HiGHS seed) repeatable; 0 or None leaves the peer on its default `secrets` source.
        # The child's PYTHONHASHSEED is set from the same seed (see _hash_seed).
        set_random_provider(request.get("seed") or None)
        find = find_distribution_leximin if algorithm == "leximin" else find_distribution_maximin
        start = time.perf_counter()
        committees, probabilities, _report = find(
            features, people, k, [], request["solver_backend"]
        )
        result["seconds"] = time.perf_counter() - start
    except Exception as error:  # the peer raises many kinds; report, do not crash the driver
        result["message"] = f"{type(error).__name__}: {error}"
        return result
    committees, probabilities = standardize_distribution(committees, probabilities)
    marginals = dict.fromkeys((str(i) for i in range(len(rows))), 0.0)
    for committee, probability in zip(committees, probabilities, strict=True):
        for person in committee:
            marginals[person] += probability
    result.update(
        status="ok",
        message=f"{len(committees)} committees with positive probability",
        probabilities=marginals,
        committees=len(committees),
    )
    if request.get("lottery"):
        result["lottery"] = [
            [sorted(committee, key=int), probability]
            for committee, probability in zip(committees, probabilities, strict=True)
        ]
    return result


def _child(request: dict[str, Any], connection: Any) -> None:
    """multiprocessing target: run the peer and send the result back through the pipe."""
    try:
        outcome = _peer_solve(request)
    except BaseException as error:  # pragma: no cover - last resort, e.g. MemoryError
        outcome = {"status": "error", "message": repr(error), "probabilities": {}}
    connection.send(outcome)
    connection.close()


def _hash_seed(request: dict[str, Any]) -> str | None:
    """The child's ``PYTHONHASHSEED`` (None: inherit). The peer keeps its committees in a set
    of frozensets of id strings, so the order of its LP rows, and with it which optimal dual
    (and so which lottery) it finds, depends on string hashing; a seed fixes it too."""
    return str(request["seed"]) if request.get("seed") else None


def _run_here(request: dict[str, Any], time_limit: float | None) -> dict[str, Any] | None:
    """Run in a spawned child of this interpreter; None on timeout."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(request, sender), daemon=True)
    hash_seed, saved = _hash_seed(request), os.environ.get("PYTHONHASHSEED")
    if hash_seed is not None:
        os.environ["PYTHONHASHSEED"] = hash_seed  # a spawned interpreter starts with it
    try:
        process.start()
    finally:
        if hash_seed is not None:
            if saved is None:
                del os.environ["PYTHONHASHSEED"]
            else:
                os.environ["PYTHONHASHSEED"] = saved
    sender.close()
    answered = False
    try:
        if not receiver.poll(time_limit):  # poll(None) waits for ever
            return None
        answered = True
        try:
            return dict(receiver.recv())
        except EOFError:
            return {
                "status": "error",
                "probabilities": {},
                "message": f"peer process died (exit code {process.exitcode})",
            }
    finally:
        receiver.close()
        if answered:  # the child exits by itself once it has answered
            process.join(5)
        if process.is_alive():
            process.terminate()
            process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


def _run_other(
    request: dict[str, Any], time_limit: float | None, python: str
) -> dict[str, Any] | None:
    """Run this file under another interpreter; None on timeout."""
    with tempfile.TemporaryDirectory(prefix="peer_leximin_") as scratch:
        request_file = Path(scratch) / "request.json"
        result_file = Path(scratch) / "result.json"
        request_file.write_text(json.dumps(request), encoding="utf-8")
        environment = dict(os.environ)
        hash_seed = _hash_seed(request)
        if hash_seed is not None:
            environment["PYTHONHASHSEED"] = hash_seed
        command = [
            python,
            str(Path(__file__).resolve()),
            "--worker",
            str(request_file),
            str(result_file),
        ]
        with subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        ) as process:
            try:
                _, stderr = process.communicate(timeout=time_limit)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                return None
        if not result_file.exists():
            tail = (stderr or "").strip().splitlines()[-3:]
            return {
                "status": "error",
                "probabilities": {},
                "message": f"{python} exited with {process.returncode}: {' | '.join(tail)}",
            }
        return dict(json.loads(result_file.read_text(encoding="utf-8")))


def run_peer(
    categories_csv: Path,
    respondents_csv: Path,
    k: int,
    algorithm: str = "leximin",
    time_limit: float | None = None,
    *,
    solver_backend: str = "highspy",
    seed: int | None = 1,
    python: str | None = None,
    lottery: bool = False,
    verbose: bool = False,
) -> dict[str, Any]:
    """Run the peer's LEXIMIN or MAXIMIN on a pool in a child process.

    Returns a dict with ``status`` ("ok", "error", "timeout" or "missing"), ``message``,
    ``seconds`` (wall time of the peer's algorithm call alone, without imports and reading the
    data; on timeout the time waited), ``probabilities`` ({person id: selection probability},
    empty unless "ok"), ``wall_seconds`` (the whole child run), and when "ok" the number of
    ``committees`` in the lottery (and the lottery itself, as [members, probability] pairs, if
    ``lottery``). ``python`` runs the peer under another interpreter; ``seed`` (nonzero)
    makes the peer's random choices and its string hashing (``PYTHONHASHSEED`` of the child)
    repeatable; ``verbose`` keeps the peer's INFO log.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, not {algorithm!r}")
    if python is None and not peer_available():
        return {
            "status": "missing",
            "message": "sortition_algorithms is not installed",
            "seconds": None,
            "probabilities": {},
            "wall_seconds": 0.0,
        }
    request = {
        "categories_csv": str(Path(categories_csv).resolve()),
        "respondents_csv": str(Path(respondents_csv).resolve()),
        "k": int(k),
        "algorithm": algorithm,
        "solver_backend": solver_backend,
        "seed": seed,
        "lottery": lottery,
        "verbose": verbose,
    }
    start = time.perf_counter()
    if python is None:
        outcome = _run_here(request, time_limit)
    else:
        outcome = _run_other(request, time_limit, python)
    wall = time.perf_counter() - start
    if outcome is None:
        return {
            "status": "timeout",
            "message": f"stopped after {time_limit:g} s",
            "seconds": wall,
            "probabilities": {},
            "wall_seconds": wall,
        }
    outcome.setdefault("message", "")
    outcome.setdefault("seconds", None)
    outcome["wall_seconds"] = wall
    return outcome


def levels(values: list[float], gap: float = LEVEL_GAP) -> list[tuple[float, float, int]]:
    """Group sorted values into runs whose neighbours differ by at most ``gap``:
    [(lowest, highest, count), ...] from the bottom."""
    groups: list[tuple[float, float, int]] = []
    for value in sorted(values):
        if groups and value - groups[-1][1] <= gap:
            low, _, count = groups[-1]
            groups[-1] = (low, value, count + 1)
        else:
            groups.append((value, value, 1))
    return groups


def summarize(result: dict[str, Any], shown_levels: int = 8) -> str:
    """Human-readable summary of a :func:`run_peer` result."""
    head = f"status={result['status']}"
    if result["status"] == "ok" and result.get("seconds") is not None:
        head += f"  algorithm {result['seconds']:.2f} s"
    head += f"  wall {result.get('wall_seconds', 0.0):.2f} s"
    if result.get("message"):
        head += f"  ({result['message']})"
    values = list(result.get("probabilities", {}).values())
    if not values:
        return head
    groups = levels(values)
    lines = [
        head,
        f"n={len(values)}  min={min(values):.6f}  max={max(values):.6f}  "
        f"sum={math.fsum(values):.6f}  distinct(1e-9)={len({round(v, 9) for v in values})}  "
        f"levels(gap {LEVEL_GAP:g})={len(groups)}",
    ]
    for low, high, count in groups[:shown_levels]:
        lines.append(f"  level {low:.6f}..{high:.6f}  x{count}")
    if len(groups) > shown_levels:
        lines.append(f"  ... {len(groups) - shown_levels} more levels")
    return "\n".join(lines)


def make_synthetic_pool(
    out_dir: Path, n: int = 300, k: int = 30, seed: int = 7, slack: int = 1
) -> tuple[Path, Path]:
    """Write a seeded synthetic pool with self-selection bias.

    Six categories ``c0``..``c5`` with 2, 3, 4, 2, 3, 4 values ``v0``, ``v1``, ... Every person
    belongs to one of four hidden groups; in group g, category c takes value v with weight
    ``u**2 + 0.05`` (u uniform in [0, 1), drawn once per (c, g, v) in that order). The pool
    draws the groups with weights 0.4, 0.3, 0.2, 0.1, the population with 0.1, 0.2, 0.3, 0.4.
    A value's quota is k times its population share s (exact, from the weights), from
    ``floor(k*s) - slack`` (at least 0) to ``ceil(k*s) + slack`` (at most its pool count).
    Uses only ``random.Random(seed)``, so the files are the same on every platform. Quotas
    may be infeasible for some seeds."""
    rng = random.Random(seed)
    sizes = (2, 3, 4, 2, 3, 4)
    names = [f"c{i}" for i in range(len(sizes))]
    pool_weights = (0.4, 0.3, 0.2, 0.1)
    population_weights = (0.1, 0.2, 0.3, 0.4)
    tables = [
        [[rng.random() ** 2 + 0.05 for _ in range(size)] for _ in pool_weights] for size in sizes
    ]
    rows = []
    for _ in range(n):
        group = rng.choices(range(len(pool_weights)), weights=pool_weights)[0]
        rows.append(
            [
                f"v{rng.choices(range(size), weights=tables[c][group])[0]}"
                for c, size in enumerate(sizes)
            ]
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    respondents = out_dir / "respondents.csv"
    with open(respondents, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
    categories = out_dir / "categories.csv"
    with open(categories, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["category", "feature", "min", "max"])
        for c, size in enumerate(sizes):
            for v in range(size):
                count = sum(1 for row in rows if row[c] == f"v{v}")
                share = sum(
                    weight * tables[c][g][v] / sum(tables[c][g])
                    for g, weight in enumerate(population_weights)
                )
                low = max(0, math.floor(k * share) - slack)
                writer.writerow(
                    [names[c], f"v{v}", low, max(low, min(count, math.ceil(k * share) + slack))]
                )
    return categories, respondents


def _k_from_name(directory: Path) -> int | None:
    tail = directory.name.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "directory", type=Path, nargs="?", help="holds categories.csv and respondents.csv"
    )
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
    parser.add_argument("--k", type=int, help="panel size (default: from the directory name)")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds (default none)")
    parser.add_argument("--seed", type=int, default=1, help="peer seed; 0 = unseeded")
    parser.add_argument("--solver-backend", default="highspy")
    parser.add_argument("--python", help="interpreter that has the peer (default: this one)")
    parser.add_argument("--verbose", action="store_true", help="show the peer's log")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument(
        "--make-synthetic", type=Path, metavar="DIR", help="write a synthetic pool to DIR and exit"
    )
    parser.add_argument("--n", type=int, default=300, help="pool size for --make-synthetic")
    parser.add_argument("--pool-seed", type=int, default=7, help="seed for --make-synthetic")
    parser.add_argument("--slack", type=int, default=1, help="quota slack for --make-synthetic")
    parser.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        request = json.loads(args.worker[0].read_text(encoding="utf-8"))
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            outcome = _peer_solve(request)
        args.worker[1].write_text(json.dumps(outcome), encoding="utf-8")
        return 0
    if args.make_synthetic:
        k = args.k or 30
        categories, respondents = make_synthetic_pool(
            args.make_synthetic, args.n, k, args.pool_seed, args.slack
        )
        print(
            f"wrote {categories} and {respondents} "
            f"(n={args.n}, k={k}, seed={args.pool_seed}, slack={args.slack})"
        )
        return 0
    if args.directory is None:
        parser.error("a directory is required")
    k = args.k or _k_from_name(args.directory)
    if k is None:
        parser.error("cannot read k from the directory name; pass --k")
    result = run_peer(
        args.directory / "categories.csv",
        args.directory / "respondents.csv",
        k,
        args.algorithm,
        args.time_limit,
        solver_backend=args.solver_backend,
        seed=args.seed,
        python=args.python,
        verbose=args.verbose,
    )
    print(f"{args.directory.name}  k={k}  peer {args.algorithm}")
    print(summarize(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
