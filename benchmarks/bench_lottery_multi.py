"""Multi-committee lotteries: LEXIMIN against the random-priority baseline in the same run.

Scenarios: the demo (``cocreate_match.demo.demo_scenario()``) and generated scenarios of C
committees (10 citizen and 5 politician seats each) and N applicants
(``generate_scenario(committees=C, citizens=N, politicians=P, seed=0)``). Each is run in this
process, one after the other: ``lottery(method="leximin")`` with a time limit, then
``lottery(method="legacy", samples=50)`` as the baseline (50 random-priority plans, the
command line's default comparison). It reports both times, their ratio, the status, the
levels proven and the smallest chance of each.

    python benchmarks/bench_lottery_multi.py [--sizes demo 10x500] [--time-limit 120]
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time

from cocreate_match import generate_scenario, lottery
from cocreate_match.demo import demo_scenario

# The targets (seconds for LEXIMIN); the run exits 1 when one is missed or not optimal.
SECONDS = {"demo": 10.0, "10x500": 30.0}


def _scenario(name: str):  # type: ignore[no-untyped-def]
    if name == "demo":
        return demo_scenario()
    committees, citizens = (int(x) for x in name.split("x"))
    politicians = max(19, math.ceil(committees * 5 * 1.3 / 3))
    return generate_scenario(committees=committees, citizens=citizens,
                             politicians=politicians, seed=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["demo", "10x500"])
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args(argv)
    print(f"machine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; date {time.strftime('%Y-%m-%d')}")
    print("| scenario | groups | LEXIMIN s | status | levels | min chance | baseline s "
          "(50 plans) | baseline min | ratio LEXIMIN / baseline |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    missed = []
    for name in args.sizes:
        scenario = _scenario(name)
        start = time.perf_counter()
        lex = lottery(scenario, time_limit=args.time_limit)
        lex_s = time.perf_counter() - start
        start = time.perf_counter()
        base = lottery(scenario, method="legacy", samples=50)
        base_s = time.perf_counter() - start
        print(f"| {name} | {len(lex.groups)} | {lex_s:.2f} | {lex.status.value} | "
              f"{len(lex.certificates)} | {lex.min_probability:.6f} | {base_s:.2f} | "
              f"{base.min_probability:.6f} | {lex_s / base_s:.2f} |", flush=True)
        if lex.status.value != "optimal":
            missed.append(f"{name}: {lex.status.value}")
        if name in SECONDS and lex_s > SECONDS[name]:
            missed.append(f"{name}: {lex_s:.1f} s, over {SECONDS[name]:.0f} s")
    for line in missed:
        print(f"target missed: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
