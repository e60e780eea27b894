"""Hand-made scenarios whose optimum is worked out by hand, solved with every backend.

Scores, as in solve(): L is the longest applied_to/preferences list of the scenario; a person
on the committee at position r of their list scores L + 1 - r; a citizen seated on an unlisted
committee (allowed with open_to_any) scores 1; a politician on an unlisted committee scores 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    Mandate,
    Plan,
    Politician,
    Quota,
    Scenario,
    Status,
    check_plan,
    plan_score,
    solve,
)

BACKENDS = ("highs", "cpsat")


@dataclass(frozen=True)
class Case:
    scenario: Scenario
    objective: int
    # Who sits on each committee, where the optimum is unique: committee id -> person ids.
    seats: dict[str, set[str]] = field(default_factory=dict)
    # Further facts every optimal plan shares, where the seats themselves are not unique.
    holds: Callable[[Plan], bool] = lambda plan: True


def members(plan: Plan, committee_id: str) -> set[str]:
    committee = plan.committee(committee_id)
    return set(committee.citizens) | set(committee.politicians)


def competing_for_a_first_choice() -> Case:
    # L = 2. Only ann applied to b, so ann must take b (her second choice, 1) and bo takes a
    # (his first, 2). Giving ann her first choice would leave b empty. Optimum 3, unique.
    return Case(
        scenario=Scenario(
            mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                      Mandate(id="b", citizen_seats=1, politician_seats=0)],
            citizens=[Citizen(id="ann", applied_to=["a", "b"]),
                      Citizen(id="bo", applied_to=["a"])],
        ),
        objective=3,
        seats={"a": {"bo"}, "b": {"ann"}},
    )


def profile_forces_a_second_choice() -> Case:
    # L = 2. Committee a needs a student; bo is the only student who may sit there, and a is
    # his second choice (1). b then goes to cy, whose first choice it is (2), rather than to
    # ann's second choice (1). Optimum 3, unique. (Without the profile: ann on a, 2 + 2 = 4.)
    return Case(
        scenario=Scenario(
            mandates=[
                Mandate(id="a", citizen_seats=1, politician_seats=0,
                        profiles=[CompetenceProfile(name="young", any_of=["student"], min=1)]),
                Mandate(id="b", citizen_seats=1, politician_seats=0),
            ],
            citizens=[Citizen(id="ann", applied_to=["a", "b"]),
                      Citizen(id="bo", applied_to=["b", "a"], tags=["student"]),
                      Citizen(id="cy", applied_to=["b"])],
        ),
        objective=3,
        seats={"a": {"bo"}, "b": {"cy"}},
    )


def household_keeps_one_of_a_couple_out() -> Case:
    # L = 2 (cy's list). a has two seats; ann and bo (first choice, 2 each) share a household,
    # so only one of them may sit, and cy takes the other seat at her second choice (1).
    # Optimum 2 + 1 = 3; which of the couple sits is a tie. (Without the household: 4.)
    return Case(
        scenario=Scenario(
            mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0),
                      Mandate(id="b", citizen_seats=0, politician_seats=0)],
            citizens=[Citizen(id="ann", applied_to=["a"], household="h1"),
                      Citizen(id="bo", applied_to=["a"], household="h1"),
                      Citizen(id="cy", applied_to=["b", "a"])],
        ),
        objective=3,
        holds=lambda plan: "cy" in members(plan, "a") and len(members(plan, "a") & {"ann", "bo"})
        == 1,
    )


def time_budget_forces_an_unlisted_seat() -> Case:
    # L = 2. a needs two politicians and there are only two: p1 and p2 both sit on a (2 + 2).
    # b needs one more; p1 would score 1 there but may sit on one committee only, so p2 takes
    # b, which p2 did not list (0). Optimum 4, unique. (Without p1's budget: 5.)
    return Case(
        scenario=Scenario(
            mandates=[Mandate(id="a", citizen_seats=0, politician_seats=2),
                      Mandate(id="b", citizen_seats=0, politician_seats=1)],
            politicians=[Politician(id="p1", party="A", preferences=["a", "b"],
                                    max_committees=1),
                         Politician(id="p2", party="B", preferences=["a"])],
        ),
        objective=4,
        seats={"a": {"p1", "p2"}, "b": {"p2"}},
    )


def min_parties_forces_a_lower_preferred_politician() -> Case:
    # L = 2 (p2's list). On a: p1 scores 2, p2 (second choice) 1, p3 (party B, unlisted) 0.
    # Best without the rule: p1 + p2 = 3, both party A. With min_parties = 2, p3 must sit:
    # p1 + p3 = 2. Committee b has no politician seats, so min_parties does not apply there.
    # Optimum 2, unique.
    return Case(
        scenario=Scenario(
            mandates=[Mandate(id="a", citizen_seats=0, politician_seats=2),
                      Mandate(id="b", citizen_seats=0, politician_seats=0)],
            politicians=[Politician(id="p1", party="A", preferences=["a"]),
                         Politician(id="p2", party="A", preferences=["b", "a"]),
                         Politician(id="p3", party="B")],
            council=CouncilRules(min_parties=2),
        ),
        objective=2,
        seats={"a": {"p1", "p3"}, "b": set()},
    )


def global_quota_across_committees() -> Case:
    # L = 2. Neither committee has a rule of its own, but two women must sit overall: eve
    # (only a, 2) and ann, who then takes b at her second choice (1). bo (b, 2) stays out.
    # Optimum 3, unique. (Without the quota: eve on a and bo on b, 4.)
    return Case(
        scenario=Scenario(
            mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                      Mandate(id="b", citizen_seats=1, politician_seats=0)],
            citizens=[Citizen(id="ann", applied_to=["a", "b"], attributes={"g": "f"}),
                      Citizen(id="eve", applied_to=["a"], attributes={"g": "f"}),
                      Citizen(id="bo", applied_to=["b"], attributes={"g": "m"})],
            quotas=[Quota(attribute="g", value="f", min=2)],
        ),
        objective=3,
        seats={"a": {"eve"}, "b": {"ann"}},
    )


def open_applicant_and_unlisted_politician() -> Case:
    # L = 2 (p1's list). Citizens: only cy ('*', no list) can sit on b, so ann takes a (2)
    # and cy b (unlisted, 1): 3. Politicians: p1 may sit once; on b (first choice) she
    # scores 2 and p2 (no list) fills a for 0; on a she would score 1. Politicians 2.
    # Optimum 5, unique.
    return Case(
        scenario=Scenario(
            mandates=[Mandate(id="a", citizen_seats=1, politician_seats=1),
                      Mandate(id="b", citizen_seats=1, politician_seats=1)],
            citizens=[Citizen(id="ann", applied_to=["a"]),
                      Citizen(id="cy", open_to_any=True)],
            politicians=[Politician(id="p1", party="A", preferences=["b", "a"],
                                    max_committees=1),
                         Politician(id="p2", party="B")],
        ),
        objective=5,
        seats={"a": {"ann", "p2"}, "b": {"cy", "p1"}},
    )


def committee_quota_and_max_per_party() -> Case:
    # L = 2 (dan's list). a seats exactly one woman (quota min 1, max 1): bo (the only other
    # man who may sit on a) and ann or eve, 2 + 2. b can only take dan (second choice, 1),
    # so he cannot take a. Citizens 5. Politicians on a: p1 and p2 (party A) score 2 each,
    # p3 (party B, unlisted) 0; at most one per party, so one of p1/p2 plus p3: 2.
    # Optimum 7; bo on a, dan and nobody else on b, p3 on a.
    return Case(
        scenario=Scenario(
            mandates=[
                Mandate(id="a", citizen_seats=2, politician_seats=2,
                        quotas=[Quota(attribute="g", value="f", min=1, max=1)]),
                Mandate(id="b", citizen_seats=1, politician_seats=0),
            ],
            citizens=[Citizen(id="ann", applied_to=["a"], attributes={"g": "f"}),
                      Citizen(id="eve", applied_to=["a"], attributes={"g": "f"}),
                      Citizen(id="bo", applied_to=["a"], attributes={"g": "m"}),
                      Citizen(id="dan", applied_to=["a", "b"], attributes={"g": "m"})],
            politicians=[Politician(id="p1", party="A", preferences=["a"]),
                         Politician(id="p2", party="A", preferences=["a"]),
                         Politician(id="p3", party="B")],
            council=CouncilRules(max_per_party=1),
        ),
        objective=7,
        seats={"b": {"dan"}},
        holds=lambda plan: {"bo", "p3"} <= members(plan, "a")
        and len(members(plan, "a") & {"ann", "eve"}) == 1
        and len(members(plan, "a") & {"p1", "p2"}) == 1,
    )


CASES = [
    competing_for_a_first_choice,
    profile_forces_a_second_choice,
    household_keeps_one_of_a_couple_out,
    time_budget_forces_an_unlisted_seat,
    min_parties_forces_a_lower_preferred_politician,
    global_quota_across_committees,
    open_applicant_and_unlisted_politician,
    committee_quota_and_max_per_party,
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("make", CASES, ids=lambda make: make.__name__)
def test_known_optimum(make: Callable[[], Case], backend: str) -> None:
    case = make()
    result = solve(case.scenario, backend=backend)
    assert result.status is Status.OPTIMAL
    assert result.objective == case.objective
    assert result.bound == case.objective
    assert result.plan is not None
    assert check_plan(case.scenario, result.plan) == ()
    assert plan_score(case.scenario, result.plan) == case.objective
    for committee_id, expected in case.seats.items():
        assert members(result.plan, committee_id) == expected, committee_id
    assert case.holds(result.plan)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_couple_cannot_fill_two_seats(backend: str) -> None:
    # a has two seats and its only applicants share a household: no plan exists.
    scenario = Scenario(
        mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0)],
        citizens=[Citizen(id="ann", applied_to=["a"], household="h1"),
                  Citizen(id="bo", applied_to=["a"], household="h1")],
    )
    result = solve(scenario, backend=backend)
    assert result.status is Status.INFEASIBLE
    assert result.plan is None
    assert result.objective is None
