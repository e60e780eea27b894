"""Regression tests named after the bugs: limits too large for a float, and an explanation cut
short by the time limit although a counting check had already proved the conflict."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from cocreate_match import (
    Citizen,
    CouncilRules,
    Mandate,
    Politician,
    Quota,
    Scenario,
    Status,
    check_plan,
    generate_scenario,
    save_scenario,
    solve,
)
from cocreate_match.cli import main

HUGE = 10**400  # no float holds it


def _huge_limits() -> Scenario:
    return Scenario(
        mandates=[Mandate(id="a", citizen_seats=1, politician_seats=1,
                          quotas=[Quota(attribute="g", value="f", min=HUGE)])],
        citizens=[Citizen(id="x", applied_to=["a"], attributes={"g": "f"}),
                  Citizen(id="y", applied_to=["a"], attributes={"g": "m"})],
        politicians=[Politician(id="p", party="A", min_committees=HUGE)],
        council=CouncilRules(max_per_party=HUGE, min_parties=HUGE))


@pytest.mark.parametrize("backend", ["highs", "cpsat"])
def test_limits_too_large_for_a_float_are_explained_not_crashed_on(backend: str) -> None:
    scenario = _huge_limits()
    result = solve(scenario, backend=backend)
    assert result.status is Status.INFEASIBLE
    assert result.explanation is not None
    assert result.explanation.rule_names == ("a/quota/g=f",)
    relaxed = solve(scenario, backend=backend, relax=True)
    assert relaxed.status is Status.RELAXED and relaxed.plan is not None
    broken = {v.rule: v.actual for v in check_plan(scenario, relaxed.plan)}
    assert broken == {"a/quota/g=f": 1, "a/council/min_parties": 1,
                      "politician/p/committees": 1}
    assert {v.rule for v in relaxed.relaxed} == set(broken)


def test_cli_exits_3_on_limits_too_large_for_a_float(tmp_path: Path) -> None:
    save_scenario(_huge_limits(), tmp_path / "s")
    code = main(["solve", str(tmp_path / "s"), "--out", str(tmp_path / "plan.csv"), "--quiet"])
    assert code == 3
    assert main(["solve", str(tmp_path / "s"), "--out", str(tmp_path / "plan.csv"), "--quiet",
                 "--relax"]) == 6  # a relaxed plan, written, that breaks rules


def test_a_conflict_the_checks_proved_is_explained_even_when_time_runs_out() -> None:
    base = generate_scenario(committees=30, citizens=3000, politicians=66, seed=3)
    quota = base.quotas[0]
    scenario = replace(base, quotas=(replace(quota, min=10**15, max=None),))
    start = time.perf_counter()
    result = solve(scenario, time_limit=0.05)
    elapsed = time.perf_counter() - start
    assert result.status is Status.INFEASIBLE
    assert result.explanation is not None
    # The counting check proves the quota alone cannot be met: a conflict of one rule.
    assert result.explanation.rule_names == (f"quota/{quota.name}",)
    assert result.explanation.irreducible
    assert elapsed < 0.05 + 1.0 + 1.0, elapsed  # the build of 3,000 applicants, then at once
