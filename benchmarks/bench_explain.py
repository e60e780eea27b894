"""Benchmark explanations and least relaxation on large infeasible scenarios.

Each scenario is a generated one (feasible by construction, 30 committees and 3,000
applicants by default) with one conflict planted:

- ``quota_pair``: on one committee, two quotas on the same attribute whose maxima add up to
  less than its seats (the explanation needs the seat rule and both quotas);
- ``competing``: three applicants hold a new tag, and two committees they both applied to
  each need two of them (both profiles);
- ``global_quota``: a global quota above what the applicants can supply;
- ``min_parties``: more parties required per committee than the council has;
- ``capacity``: the politicians' time budgets cut below the politician seats.

Timed, for each: ``solve(explain=False)`` (proving infeasibility: the baseline measured in the
same run), ``solve()`` (with the explanation) and ``solve(relax=True)``. Reported: seconds,
the ratios to the baseline, the explanation's rules, whether it holds the planted rules, and
whether it is irreducible, checked by re-solving the model without each rule in turn.

Run ``python benchmarks/bench_explain.py --help`` for the options. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import platform
import sys
import time
from dataclasses import replace

from cocreate_match import (
    CompetenceProfile,
    Quota,
    Scenario,
    Status,
    check_plan,
    generate_scenario,
    solve,
)
from cocreate_match.solver.citizens import build_citizen_model
from cocreate_match.solver.conflicts import RuleSubsets
from cocreate_match.solver.politicians import build_politician_model

TARGET_SECONDS = 10.0
KINDS = ("quota_pair", "competing", "global_quota", "min_parties", "capacity")


def plant(s: Scenario, kind: str) -> tuple[Scenario, set[str]]:
    """The scenario with a conflict, and the rules every explanation of it must contain: each
    a rule name or a pattern (``fnmatch``) that at least one of its rules must match, where
    any of several rules of one kind will do."""
    mandates = list(s.mandates)
    if kind == "quota_pair":
        m = mandates[3]
        mandates[3] = replace(m, quotas=[
            Quota(attribute="gender", value="male", max=m.citizen_seats // 2),
            Quota(attribute="gender", value="female", max=m.citizen_seats // 2 - 2)])
        return replace(s, mandates=mandates), {f"{m.id}/quota/gender=male",
                                               f"{m.id}/quota/gender=female"}
    if kind == "competing":
        a, b = mandates[0], mandates[1]
        both = [i for i, c in enumerate(s.citizens)
                if not c.open_to_any and a.id in c.applied_to and b.id in c.applied_to][:3]
        citizens = list(s.citizens)
        for i in both:
            citizens[i] = replace(citizens[i], tags=citizens[i].tags | {"rare"})
        rare = CompetenceProfile(name="rare", any_of=["rare"], min=2)
        mandates[0] = replace(a, profiles=[*a.profiles, rare])
        mandates[1] = replace(b, profiles=[*b.profiles, rare])
        return replace(s, mandates=mandates, citizens=citizens), {
            f"{a.id}/profile/rare", f"{b.id}/profile/rare"}
    if kind == "global_quota":
        q = s.quotas[0]
        supply = sum(1 for c in s.citizens if q.matches(c))
        return replace(s, quotas=[replace(q, min=supply + 1, max=None), *s.quotas[1:]]), {
            f"quota/{q.name}"}
    if kind == "min_parties":
        parties = len({p.party for p in s.politicians})
        return replace(s, council=replace(s.council, min_parties=parties + 1)), {
            "*/council/min_parties"}
    if kind == "capacity":
        seats = sum(m.politician_seats for m in s.mandates)
        per = max(seats // len(s.politicians) - 1, 0)
        politicians = [replace(p, min_committees=min(p.min_committees, per), max_committees=per)
                       for p in s.politicians]
        return replace(s, politicians=politicians), {"politician/*/committees",
                                                     "*/seats/politicians"}
    raise ValueError(kind)


def irreducible(s: Scenario, names: tuple[str, ...]) -> bool:
    """Each rule is needed: without it (keeping only the others) the rest can be met."""
    for model in (build_citizen_model(s)[0], build_politician_model(s)[0]):
        subsets = RuleSubsets(model)
        index = {r: j for j, r in enumerate(subsets.rules)}
        if not set(names) <= set(index):
            continue
        keep = [index[r] for r in names]
        if subsets.feasible(keep):
            return False
        return all(subsets.feasible([j for j in keep if j != drop]) for drop in keep)
    return False


def timed(s: Scenario, **options: bool | float | None) -> tuple[float, object]:
    start = time.perf_counter()
    result = solve(s, **options)
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--committees", type=int, default=30)
    parser.add_argument("--citizens", type=int, default=3000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--out", help="write the rows as JSON")
    parser.add_argument("--relax-limit", type=float, default=60.0,
                        help="time limit in seconds for each relaxation (60); without a limit "
                             "a relaxation runs until its score is proven best")
    args = parser.parse_args(argv)
    rows = []
    failed = False
    print(f"{'kind':<13} {'seed':>4} {'prove s':>8} {'explain s':>10} {'ratio':>6} "
          f"{'relax s':>8} {'ratio':>6}  rules  planted irreducible")
    for seed in args.seeds:
        base = generate_scenario(committees=args.committees, citizens=args.citizens,
                                 politicians=max(19, args.committees * 5 * 13 // 30),
                                 seed=seed)
        for kind in args.kinds:
            s, planted = plant(base, kind)
            t0, proved = timed(s, explain=False)
            t1, explained = timed(s)
            t2, relaxed = timed(s, relax=True, time_limit=args.relax_limit)
            assert proved.status is Status.INFEASIBLE, (kind, proved.status)
            names = explained.explanation.rule_names
            ok_planted = all(fnmatch.filter(names, rule) for rule in planted)
            ok_irreducible = irreducible(s, names)
            broken = {v.rule for v in check_plan(s, relaxed.plan)} if relaxed.plan else None
            ok_relaxed = broken is not None and broken == {v.rule for v in relaxed.relaxed}
            failed |= not (ok_planted and ok_irreducible and ok_relaxed and t1 < TARGET_SECONDS)
            rows.append({"kind": kind, "seed": seed, "prove_s": t0, "explain_s": t1,
                         "relax_s": t2, "rules": list(names), "planted": ok_planted,
                         "irreducible": ok_irreducible, "relaxed_status": relaxed.status.value,
                         "relaxed_rules": sorted(broken or ()), "relaxed_reported": ok_relaxed})
            print(f"{kind:<13} {seed:>4} {t0:>8.2f} {t1:>10.2f} {t1 / t0:>6.1f} {t2:>8.2f} "
                  f"{t2 / t0:>6.1f}  {len(names):>5}  {ok_planted!s:>7} {ok_irreducible!s:>11}",
                  flush=True)
    worst = max(r["explain_s"] for r in rows)
    print(f"slowest explanation: {worst:.2f} s (target {TARGET_SECONDS:.0f} s) on "
          f"{args.committees} committees / {args.citizens} applicants, {platform.machine()}, "
          f"Python {platform.python_version()}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump({"rows": rows}, handle, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
