"""Benchmark re-planning: seats moved and time of ``solve(..., keep=plan)`` and of
``replace_dropouts``, against re-solving from scratch in the same run.

For each scenario (the demo, and generated 30-committee x 3,000-citizen scenarios), a plan in
force is solved first. Then each edit is applied and the edited scenario is solved twice:

- ``scratch``: ``solve(edited)``, the baseline, measured in the same run;
- ``keep``: ``solve(edited, keep=plan)``: fewest changed seats first, then the score.

Edits: ``add committee`` (a new committee with 10 citizen and 5 politician seats and a gender
quota, applicants open to any committee may sit there), ``tighten quota`` (a committee's
gender quota raised to what the plan in force does not meet), ``five drop-outs`` (five seated
citizens withdraw: ``replace_dropouts``, which forces every other seat). Reported per edit:
seats of the plan in force that each method moves, whether the keep result is OPTIMAL (moves
proven minimal), both plans' scores, and the time ratio keep / scratch. Every plan is checked
with ``check_plan``. Targets: moves proven minimal, and time at most 2 x the scratch solve.

Run ``python benchmarks/bench_replan.py --help``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from cocreate_match import (
    Mandate,
    Plan,
    Quota,
    Scenario,
    check_plan,
    generate_scenario,
    plan_score,
    replace_dropouts,
    solve,
)
from cocreate_match.demo import demo_scenario

TIME_TARGET = 2.0


def moved(before: Plan, after: Plan) -> int:
    """Seats of ``before`` that ``after`` does not hold."""
    kept = {(s.committee_id, s.person_id) for s in after.seats}
    return sum(1 for s in before.seats if (s.committee_id, s.person_id) not in kept)


def add_committee(s: Scenario, plan: Plan, seed: int) -> Scenario:
    del plan, seed
    genders = sorted({c.attributes.get("gender") for c in s.citizens} - {None})
    quotas = [Quota(attribute="gender", value=genders[0], min=3)] if genders else []
    new = Mandate(id="added", title="Added committee", citizen_seats=10, politician_seats=5,
                  quotas=quotas)
    # A few applicants who listed nothing else name the new committee first.
    citizens = [dataclasses.replace(c, applied_to=("added", *c.applied_to))
                if i % 7 == 0 else c for i, c in enumerate(s.citizens)]
    return dataclasses.replace(s, mandates=(*s.mandates, new), citizens=citizens)


def tighten_quota(s: Scenario, plan: Plan, seed: int) -> Scenario:
    """Raise one committee's seats-of-some-gender minimum by two above what the plan has
    (the first committee, in an order drawn from the seed, where the rules still allow it)."""
    order = sorted(range(len(s.mandates)), key=lambda k: (k * 7919 + seed) % len(s.mandates))
    for k in order:
        m = s.mandates[k]
        seated = [s.citizen(pid) for pid in plan.committee(m.id).citizens]
        for value in sorted({c.attributes.get("gender") for c in s.citizens} - {None}):
            have = sum(1 for c in seated if c.attributes.get("gender") == value)
            pool = sum(1 for c in s.citizens if c.can_sit_on(m.id)
                       and c.attributes.get("gender") == value)
            if have + 2 <= min(pool, m.citizen_seats):
                quota = Quota(attribute="gender", value=value, min=have + 2)
                others = tuple(q for q in m.quotas if q.name != quota.name)
                mandates = list(s.mandates)
                mandates[k] = dataclasses.replace(m, quotas=(*others, quota))
                edited = dataclasses.replace(s, mandates=mandates)
                if solve(edited, explain=False).plan is not None:
                    return edited
    raise RuntimeError("no quota to tighten")


def measure(name: str, scenario: Scenario, seed: int) -> list[dict[str, Any]]:
    rows = []
    started = time.perf_counter()
    base = solve(scenario, seed=seed)
    base_seconds = time.perf_counter() - started
    assert base.plan is not None and check_plan(scenario, base.plan) == ()
    plan = base.plan
    for edit in (add_committee, tighten_quota):
        edited = edit(scenario, plan, seed)
        t0 = time.perf_counter()
        scratch = solve(edited, seed=seed)
        t1 = time.perf_counter()
        kept = solve(edited, seed=seed, keep=plan)
        t2 = time.perf_counter()
        for r in (scratch, kept):
            assert r.plan is not None and check_plan(edited, r.plan) == (), r.message
        assert scratch.plan is not None and kept.plan is not None
        rows.append({
            "scenario": name, "seed": seed, "edit": edit.__name__.replace("_", " "),
            "moves_scratch": moved(plan, scratch.plan), "moves_keep": kept.moves,
            "proven": kept.status.value == "optimal",
            "score_scratch": plan_score(edited, scratch.plan),
            "score_keep": plan_score(edited, kept.plan),
            "seconds_scratch": t1 - t0, "seconds_keep": t2 - t1,
            "ratio": (t2 - t1) / (t1 - t0)})
    seated = [s.person_id for s in plan.seats if s.role.value == "citizen"]
    gone = [seated[(i * 37 + seed) % len(seated)] for i in range(5)]
    edited = scenario  # the rules are unchanged; five people leave
    t0 = time.perf_counter()
    scratch = solve(edited, seed=seed, forbid=[(pid, cid) for pid in gone
                                               for cid in scenario.committee_ids])
    t1 = time.perf_counter()
    refill = replace_dropouts(scenario, plan, gone, seed=seed)
    t2 = time.perf_counter()
    assert refill.plan is not None and check_plan(scenario, refill.plan) == ()
    assert scratch.plan is not None
    rows.append({
        "scenario": name, "seed": seed, "edit": "five drop-outs",
        "moves_scratch": moved(plan, scratch.plan), "moves_keep": refill.moves,
        "proven": refill.status.value == "optimal",
        "score_scratch": plan_score(scenario, scratch.plan),
        "score_keep": plan_score(scenario, refill.plan),
        "seconds_scratch": t1 - t0, "seconds_keep": t2 - t1, "ratio": (t2 - t1) / (t1 - t0)})
    print(f"{name} seed {seed}: plan in force {base_seconds:.2f} s", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="generated scenarios (3)")
    parser.add_argument("--out", default="benchmarks/results/replan.json")
    args = parser.parse_args()
    rows = measure("demo", demo_scenario(), 0)
    for seed in range(args.seeds):
        scenario = generate_scenario(committees=30, citizens=3000, politicians=60, seed=seed)
        rows += measure("30x3000", scenario, seed)
    header = ("scenario", "seed", "edit", "moves_scratch", "moves_keep", "proven",
              "score_scratch", "score_keep", "seconds_scratch", "seconds_keep", "ratio")
    print(" | ".join(header))
    for r in rows:
        print(" | ".join(f"{r[h]:.3f}" if isinstance(r[h], float) else str(r[h])
                         for h in header))
    ratios = [r["ratio"] for r in rows]
    summary = {"median_ratio": statistics.median(ratios), "max_ratio": max(ratios),
               "all_proven": all(r["proven"] for r in rows),
               "keep_never_moves_more": all(r["moves_keep"] <= r["moves_scratch"]
                                            for r in rows),
               "time_target": TIME_TARGET,
               "machine": {"python": platform.python_version(),
                           "processor": platform.processor() or platform.machine()}}
    print(json.dumps(summary, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"rows": rows, "summary": summary}, indent=2) + "\n",
                              encoding="utf-8")
    if not (summary["all_proven"] and summary["keep_never_moves_more"]
            and summary["max_ratio"] <= TIME_TARGET):
        raise SystemExit("a re-planning target was missed")


if __name__ == "__main__":
    main()
