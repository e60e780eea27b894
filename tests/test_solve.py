"""solve(): argument checking, the fields of its result, edge cases, and regressions."""

from __future__ import annotations

import copy
import math

import pytest

from cocreate_match import (
    Backend,
    Citizen,
    CouncilRules,
    InputError,
    Mandate,
    Politician,
    Quota,
    Scenario,
    Status,
    check_plan,
    generate_scenario,
    plan_score,
    solve,
)

BACKENDS = ("highs", "cpsat")


def small_scenario() -> Scenario:
    return Scenario(
        mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=1),
                  Mandate(id="youth", citizen_seats=1, politician_seats=1)],
        citizens=[Citizen(id="ann", applied_to=["climate", "youth"],
                          attributes={"gender": "female"}),
                  Citizen(id="bo", applied_to=["climate"], attributes={"gender": "male"})],
        politicians=[Politician(id="p1", party="A", preferences=["youth"]),
                     Politician(id="p2", party="B")],
    )


# -- arguments ------------------------------------------------------------------------------


def assert_names(err: InputError, parameter: str) -> None:
    assert isinstance(err, ValueError)
    assert [p.column for p in err.problems] == [parameter]
    assert parameter in str(err)


@pytest.mark.parametrize("seed", [-1, True, False, "0", 1.0, None])
def test_bad_seed_is_an_input_error_naming_seed(seed: object) -> None:
    with pytest.raises(InputError) as info:
        solve(small_scenario(), seed=seed)  # type: ignore[arg-type]
    assert_names(info.value, "seed")


@pytest.mark.parametrize("time_limit", [0, 0.0, -1, -0.5, math.nan, math.inf, "10", True])
def test_bad_time_limit_is_an_input_error_naming_time_limit(time_limit: object) -> None:
    with pytest.raises(InputError) as info:
        solve(small_scenario(), time_limit=time_limit)  # type: ignore[arg-type]
    assert_names(info.value, "time_limit")


@pytest.mark.parametrize("backend", ["gurobi", "", "HiGHS ", "cp-sat", 1])
def test_unknown_backend_is_an_input_error_naming_backend(backend: object) -> None:
    with pytest.raises(ValueError) as info:
        solve(small_scenario(), backend=backend)  # type: ignore[arg-type]
    assert isinstance(info.value, InputError)
    assert_names(info.value, "backend")
    assert "'highs'" in str(info.value) and "'cpsat'" in str(info.value)


def test_not_a_scenario_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        solve({"mandates": []})  # type: ignore[arg-type]
    assert_names(info.value, "scenario")


def test_every_bad_argument_is_reported_at_once() -> None:
    with pytest.raises(InputError) as info:
        solve(small_scenario(), seed=-3, time_limit=-1)
    assert [p.column for p in info.value.problems] == ["seed", "time_limit"]


@pytest.mark.parametrize("backend", [Backend.HIGHS, Backend.CPSAT, "highs", "cpsat"])
def test_backend_as_enum_or_string(backend: Backend | str) -> None:
    result = solve(small_scenario(), backend=backend)
    assert result.backend == Backend(backend).value
    assert result.status is Status.OPTIMAL
    assert result.objective == 5


# -- the result -----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_result_fields(backend: str) -> None:
    scenario = small_scenario()
    result = solve(scenario, seed=7, backend=backend)
    assert result.status is Status.OPTIMAL
    # L = 2: ann on youth (2nd choice, 1), bo on climate (2); p1 on youth (2), p2 unlisted (0).
    assert result.objective == 5
    assert result.bound == 5.0
    assert result.gap == 0.0
    assert result.seed == 7
    assert result.backend == backend
    assert result.build_time >= 0.0
    assert result.solve_time >= 0.0
    assert result.message
    assert result.plan is not None
    assert result.plan.committee_of("ann") == "youth"
    assert result.plan.committee_of("bo") == "climate"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_generous_time_limit_still_proves_optimality(backend: str) -> None:
    scenario = generate_scenario(committees=3, citizens=60, politicians=8, seed=1)
    unlimited = solve(scenario, backend=backend)
    limited = solve(scenario, time_limit=600, backend=backend)
    assert limited.status is Status.OPTIMAL
    assert limited.objective == unlimited.objective
    assert limited.gap == 0.0
    assert limited.plan is not None
    assert check_plan(scenario, limited.plan) == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_infeasible_result_has_no_plan_and_says_why(backend: str) -> None:
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=2, politician_seats=0)],
        citizens=[Citizen(id="ann", applied_to=["climate"])],
    )
    result = solve(scenario, seed=4, backend=backend)
    assert result.status is Status.INFEASIBLE
    assert not result.status.has_plan
    assert (result.plan, result.objective, result.bound, result.gap) == (None, None, None, None)
    assert result.seed == 4
    assert "citizens" in result.message


# -- edge cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_citizens_and_no_seats(backend: str) -> None:
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=0, politician_seats=0)],
        politicians=[Politician(id="p1", party="A", preferences=["climate"])],
    )
    result = solve(scenario, backend=backend)
    assert result.status is Status.OPTIMAL
    assert result.objective == 0
    assert result.plan is not None
    assert result.plan.seats == ()
    assert result.plan.unseated_citizens == ()
    assert result.plan.unseated_politicians == ("p1",)
    assert check_plan(scenario, result.plan) == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_min_parties_ignores_committees_without_politician_seats(backend: str) -> None:
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0),
                  Mandate(id="youth", citizen_seats=0, politician_seats=2)],
        citizens=[Citizen(id="ann", applied_to=["climate"])],
        politicians=[Politician(id="p1", party="A", preferences=["youth"]),
                     Politician(id="p2", party="B")],
        council=CouncilRules(min_parties=2, max_per_party=1),
    )
    result = solve(scenario, backend=backend)
    assert result.status is Status.OPTIMAL
    # L = 1: ann on climate (1), p1 on youth (1), p2 on youth (unlisted, 0).
    assert result.objective == 2
    assert result.plan is not None
    assert result.plan.committee("climate").politicians == ()
    assert set(result.plan.committee("youth").politicians) == {"p1", "p2"}
    assert check_plan(scenario, result.plan) == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_generated_medium_scenario(backend: str) -> None:
    scenario = generate_scenario(committees=10, citizens=500, politicians=19, seed=3)
    result = solve(scenario, backend=backend)
    assert result.status is Status.OPTIMAL
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == ()
    assert plan_score(scenario, result.plan) == result.objective
    seated = sum(len(c.citizens) for c in result.plan.committees)
    assert seated == sum(m.citizen_seats for m in scenario.mandates)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_callers_scenario_is_not_mutated(backend: str) -> None:
    scenario = generate_scenario(committees=3, citizens=40, politicians=6, seed=5)
    before = copy.deepcopy(scenario)
    citizens, mandates = scenario.citizens, scenario.mandates
    result = solve(scenario, seed=2, backend=backend)
    assert result.status is Status.OPTIMAL
    assert scenario == before
    assert scenario.citizens is citizens and scenario.mandates is mandates
    assert [dict(c.attributes) for c in scenario.citizens] == [
        dict(c.attributes) for c in before.citizens]
    assert [(c.applied_to, c.tags, c.household) for c in scenario.citizens] == [
        (c.applied_to, c.tags, c.household) for c in before.citizens]


# -- regressions ----------------------------------------------------------------------------


def test_seed_above_32_bits_is_accepted_by_every_backend() -> None:
    # solve() accepts any whole number >= 0 as a seed; CP-SAT's own seed is a 32-bit int.
    scenario = small_scenario()
    for backend in BACKENDS:
        result = solve(scenario, seed=2**40, backend=backend)
        assert result.status is Status.OPTIMAL, backend
        assert result.seed == 2**40
        assert result.objective == 5


def test_quota_on_an_empty_value_does_not_count_citizens_without_the_attribute() -> None:
    # An empty value means a missing attribute, so a quota on "" could count nobody: it is
    # refused when built. Before, it was accepted and a round trip through files turned ann's
    # missing gender into the value "", which the quota then counted.
    with pytest.raises(InputError, match="missing attribute"):
        Quota(attribute="gender", value="", min=1)
    ann = Citizen(id="ann", applied_to=["climate"], attributes={"gender": ""})
    assert ann == Citizen(id="ann", applied_to=["climate"])
    assert not Quota(attribute="gender", value="m").matches(ann)
