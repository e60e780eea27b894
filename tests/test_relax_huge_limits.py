"""Regression: least relaxation with limits far beyond what the pool can reach.

A quota minimum of ``10**15`` or a politician's ``min_committees`` of ``10**20`` made
``solve(..., relax=True)`` report INFEASIBLE: the relaxed model's slack bounds and coefficients
grew with the distance to the limit, until the solver's tolerances broke. Every expectation
here is counted by hand or by brute force over every seating, and each relaxed plan goes
through the independent checker.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    Mandate,
    Politician,
    Quota,
    Scenario,
    Status,
    check_plan,
    read_plan,
    save_scenario,
    solve,
)
from oracle import RuleOracle
from strategies import tiny_scenarios

HUGE = 10**15
HUGER = 10**20


def huge_quota_scenario() -> Scenario:
    """Two seats, three women among five applicants, and a quota of 10**15 women.

    The least relaxation breaks the quota alone, and falls short least by seating two women.
    """
    return Scenario(
        mandates=[Mandate(id="k", citizen_seats=2, politician_seats=0,
                          quotas=[Quota(attribute="g", value="f", min=HUGE)])],
        citizens=[Citizen(id=f"c{i}", applied_to=["k"], attributes={"g": "fmfmf"[i]})
                  for i in range(5)])


def huge_budget_scenario() -> Scenario:
    """Three committees of one politician seat; p2 must sit on 10**20 committees.

    The least relaxation breaks p2's budget alone, and falls short least with p2 on all three
    committees (p1, who prefers them all, then sits on none).
    """
    ids = ["a", "b", "c"]
    return Scenario(
        mandates=[Mandate(id=cid, citizen_seats=0, politician_seats=1) for cid in ids],
        politicians=[Politician(id="p1", party="A", preferences=ids),
                     Politician(id="p2", party="B", min_committees=HUGER)])


def broken(s: Scenario, plan: object) -> set[tuple[str, int | None, int | None]]:
    assert plan is not None
    return {(v.rule, v.limit, v.actual) for v in check_plan(s, plan)}  # type: ignore[arg-type]


def test_relax_with_a_quota_minimum_of_ten_to_the_fifteen(
        capfd: pytest.CaptureFixture[str]) -> None:
    s = huge_quota_scenario()
    result = solve(s, relax=True)
    assert result.status is Status.RELAXED, result.message
    assert broken(s, result.plan) == {("k/quota/g=f", HUGE, 2)}
    assert [(v.rule, v.limit, v.actual) for v in result.relaxed] == [("k/quota/g=f", HUGE, 2)]
    assert capfd.readouterr().out == "", "nothing from the solver may reach stdout"


def test_relax_with_min_committees_of_ten_to_the_twenty(
        capfd: pytest.CaptureFixture[str]) -> None:
    s = huge_budget_scenario()
    result = solve(s, relax=True)
    assert result.status is Status.RELAXED, result.message
    assert broken(s, result.plan) == {("politician/p2/committees", HUGER, 3)}
    assert capfd.readouterr().out == ""


def test_relax_with_a_huge_limit_still_counts_the_other_rules() -> None:
    # One seat. The huge quota is broken whoever sits. Seating f0 breaks nothing else; seating
    # m0 (a male student) also breaks the maxima on men and on students. m0 scores more (k
    # is on his list; f0 is only open to any), so only counting broken rules first seats f0.
    s = Scenario(
        mandates=[Mandate(id="k", citizen_seats=1, politician_seats=0,
                          profiles=[CompetenceProfile(name="young", any_of=["s"], max=0)],
                          quotas=[Quota(attribute="g", value="f", min=HUGE),
                                  Quota(attribute="g", value="m", max=0)])],
        citizens=[Citizen(id="f0", open_to_any=True, attributes={"g": "f"}),
                  Citizen(id="m0", applied_to=["k"], tags=["s"], attributes={"g": "m"})])
    assert RuleOracle.of(s).fewest_broken() == 1
    result = solve(s, relax=True)
    assert result.status is Status.RELAXED
    assert broken(s, result.plan) == {("k/quota/g=f", HUGE, 1)}


def test_cli_relax_with_huge_limits_keeps_stdout_to_its_own_lines(tmp_path: Path) -> None:
    citizens, politicians = huge_quota_scenario(), huge_budget_scenario()
    s = replace(citizens, mandates=(replace(citizens.mandates[0], politician_seats=1),
                                    *politicians.mandates),
                politicians=politicians.politicians)
    save_scenario(s, tmp_path / "s")
    plan_path = tmp_path / "plan.csv"
    # A fresh process: the solver's first start is where banners and logs would appear.
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from cocreate_match.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "solve", str(tmp_path / "s"), "--out",
         str(plan_path), "--relax", "--quiet"],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 6, done.stderr  # a relaxed plan that breaks rules
    # p2 takes all four politician seats; two of the three women sit on k.
    expected = {("k/quota/g=f", HUGE, 2), ("politician/p2/committees", HUGER, 4)}
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"relaxed: No plan meets every rule\. .* breaks 2 other rules, "
                        r"as few as possible by the smallest total shortfall\..*", lines[0])
    assert lines[1:] == ["Rules broken:",
                         *(f"  - {rule}: limit {limit}, achieved {actual}"
                           for rule, limit, actual in sorted(expected)),
                         f"Plan written to {plan_path}."]
    assert broken(s, read_plan(plan_path)) == expected


# -- brute force: fewest broken rules, then the smallest total shortfall ------------------------


def _shortfall(have: int, low: int, high: int | None) -> int:
    return max(low - have, 0) + (0 if high is None else max(have - high, 0))


def least_citizen_relaxation(s: Scenario) -> tuple[int, int] | None:
    """(fewest broken rules, smallest total shortfall among such seatings) over every seating
    of the citizens that fills every seat; None when no seating does. Rules 2-5 as stated."""
    options = [[None] + [m.id for m in s.mandates if m.citizen_seats > 0 and c.can_sit_on(m.id)]
               for c in s.citizens]
    best: tuple[int, int] | None = None
    for choice in itertools.product(*options):
        on = {m.id: [c for c, x in zip(s.citizens, choice, strict=True) if x == m.id]
              for m in s.mandates}
        if any(len(on[m.id]) != m.citizen_seats for m in s.mandates):
            continue
        seated = [c for c, x in zip(s.citizens, choice, strict=True) if x is not None]
        misses = []
        for m in s.mandates:
            misses += [_shortfall(sum(1 for c in on[m.id] if c.tags & p.any_of), p.min, p.max)
                       for p in m.profiles]
            misses += [_shortfall(sum(1 for c in on[m.id] if q.matches(c)), q.min, q.max)
                       for q in m.quotas]
        misses += [_shortfall(sum(1 for c in seated if q.matches(c)), q.min, q.max)
                   for q in s.quotas]
        households = Counter(c.household for c in seated if c.household is not None)
        misses += [n - 1 for n in households.values()]
        value = (sum(1 for d in misses if d), sum(misses))
        best = value if best is None else min(best, value)
    return best


@st.composite
def citizen_scenarios_with_a_huge_limit(draw: st.DrawFn) -> Scenario:
    """A tiny scenario of citizens only, with one minimum raised to 10**15 (or more)."""
    s = draw(tiny_scenarios())
    mandates = [replace(m, politician_seats=0) for m in s.mandates]
    s = replace(s, mandates=tuple(mandates), politicians=())
    places = [("profile", k, j) for k, m in enumerate(mandates) for j in range(len(m.profiles))]
    places += [("quota", k, j) for k, m in enumerate(mandates) for j in range(len(m.quotas))]
    places += [("global", 0, j) for j in range(len(s.quotas))]
    if not places:
        k = draw(st.integers(0, len(mandates) - 1))
        profile = CompetenceProfile(name="p0", any_of=["t0"])
        mandates[k] = replace(mandates[k], profiles=(profile,))
        s = replace(s, mandates=tuple(mandates))
        places = [("profile", k, 0)]
    kind, k, j = draw(st.sampled_from(places))
    huge = draw(st.sampled_from((HUGE, HUGER, 10**30)))
    if kind == "global":
        quotas = list(s.quotas)
        quotas[j] = replace(quotas[j], min=huge, max=None)
        return replace(s, quotas=tuple(quotas))
    m = mandates[k]
    if kind == "profile":
        profiles = list(m.profiles)
        profiles[j] = replace(profiles[j], min=huge, max=None)
        mandates[k] = replace(m, profiles=tuple(profiles))
    else:
        quotas = list(m.quotas)
        quotas[j] = replace(quotas[j], min=huge, max=None)
        mandates[k] = replace(m, quotas=tuple(quotas))
    return replace(s, mandates=tuple(mandates))


@settings(max_examples=60, deadline=None)
@given(citizen_scenarios_with_a_huge_limit())
def test_relax_with_a_huge_limit_matches_brute_force(s: Scenario) -> None:
    least = least_citizen_relaxation(s)
    result = solve(s, relax=True)
    if least is None:  # even the seats cannot all be filled
        assert result.status is Status.INFEASIBLE and result.plan is None
        return
    assert result.status is Status.RELAXED, result.message
    assert result.plan is not None
    violations = check_plan(s, result.plan)
    fewest, shortfall = least
    assert len(violations) == fewest
    assert all(v.limit is not None and v.actual is not None for v in violations)
    assert sum(abs((v.actual or 0) - (v.limit or 0)) for v in violations) == shortfall
