"""Properties of solve() over generated scenarios, and a brute-force oracle for tiny ones.

Every plan the solver returns goes through the independent checker and objective.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    Mandate,
    Plan,
    Role,
    Scenario,
    SolveResult,
    Status,
    check_plan,
    plan_score,
    solve,
)
from oracle import valid_citizen_seatings, within
from strategies import (
    Planted,
    feasible_scenarios,
    infeasible_scenarios,
    planted_scenarios,
    relaxations,
    shuffled,
    tiny_council_scenarios,
    tiny_scenarios,
)

BACKENDS = ("highs", "cpsat")
SEEDS = st.integers(0, 2**31 - 1)


def assert_valid_optimum(scenario: Scenario, result: SolveResult) -> Plan:
    """The result is OPTIMAL with a plan the checker accepts and whose score is the objective."""
    assert result.status is Status.OPTIMAL, result.message
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == ()
    assert plan_score(scenario, result.plan) == result.objective
    assert result.bound == result.objective
    return result.plan


# -- feasible and infeasible by construction -------------------------------------------------


@given(planted_scenarios())
def test_planted_plan_meets_every_rule(planted: Planted) -> None:
    # The strategy's own promise, checked by the independent checker.
    assert check_plan(planted.scenario, planted.plan) == ()


@pytest.mark.parametrize("backend", BACKENDS)
@given(planted=planted_scenarios(), seed=SEEDS)
def test_feasible_by_construction_is_solved_to_optimality(planted: Planted, seed: int,
                                                          backend: str) -> None:
    result = solve(planted.scenario, seed=seed, backend=backend)
    assert_valid_optimum(planted.scenario, result)
    assert result.objective is not None
    assert result.objective >= plan_score(planted.scenario, planted.plan)
    assert result.gap == 0.0


@pytest.mark.parametrize("backend", BACKENDS)
@given(case=infeasible_scenarios())
def test_infeasible_by_construction_is_reported_infeasible(case: tuple[Scenario, str],
                                                           backend: str) -> None:
    scenario, kind = case
    result = solve(scenario, backend=backend)
    assert result.status is Status.INFEASIBLE, kind
    assert result.plan is None
    assert result.objective is None
    assert result.message


@given(planted_scenarios())
def test_everyone_appears_in_the_plan_exactly_once(planted: Planted) -> None:
    scenario = planted.scenario
    plan = solve(scenario).plan
    assert plan is not None
    rules = {v.rule for v in check_plan(scenario, plan)}
    assert "plan/missing_person" not in rules
    assert "plan/unknown_person" not in rules

    citizen_rows = Counter(s.person_id for s in plan.seats if s.role is Role.CITIZEN)
    citizen_rows.update(plan.unseated_citizens)
    assert citizen_rows == Counter(c.id for c in scenario.citizens)

    politician_seats = Counter((s.person_id, s.committee_id) for s in plan.seats
                               if s.role is Role.POLITICIAN)
    assert max(politician_seats.values(), default=1) == 1  # at most once per committee
    seated = {pid for pid, _ in politician_seats}
    assert seated.isdisjoint(plan.unseated_politicians)
    assert Counter(plan.unseated_politicians) == Counter(
        p.id for p in scenario.politicians if p.id not in seated)


# -- invariances and monotonicity -------------------------------------------------------------


@given(st.data())
def test_input_order_does_not_change_the_optimum(data: st.DataObject) -> None:
    scenario = data.draw(feasible_scenarios(), label="scenario")
    reordered = data.draw(shuffled(scenario), label="reordered")
    first = solve(scenario)
    second = solve(reordered)
    assert_valid_optimum(scenario, first)
    assert_valid_optimum(reordered, second)
    assert second.objective == first.objective


@given(st.data())
def test_loosening_a_rule_never_lowers_the_optimum(data: st.DataObject) -> None:
    scenario = data.draw(feasible_scenarios(), label="scenario")
    change, looser = data.draw(relaxations(scenario), label="relaxation")
    strict = solve(scenario)
    loose = solve(looser)
    assert_valid_optimum(scenario, strict)
    assert_valid_optimum(looser, loose)
    assert strict.objective is not None and loose.objective is not None
    assert loose.objective >= strict.objective, change
    # The stricter optimum is a valid plan of the looser scenario too.
    assert strict.plan is not None
    assert check_plan(looser, strict.plan) == (), change


@pytest.mark.parametrize("backend", BACKENDS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(scenario=feasible_scenarios(), seed=SEEDS)
def test_same_seed_gives_the_same_plan_file(scenario: Scenario, seed: int, backend: str,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("plans")
    paths = [folder / "first.csv", folder / "second.csv"]
    for path in paths:
        result = solve(scenario, seed=seed, backend=backend)
        assert result.plan is not None
        result.plan.to_csv(path, scenario)
    first, second = (p.read_bytes() for p in paths)
    assert first.startswith(b"committee_id,person_id,role,rank,profiles\n")
    assert first == second


@given(st.one_of(feasible_scenarios(), infeasible_scenarios().map(lambda case: case[0]),
                 tiny_scenarios()))
def test_backends_agree(scenario: Scenario) -> None:
    highs = solve(scenario, backend="highs")
    cpsat = solve(scenario, backend="cpsat")
    assert highs.status is cpsat.status
    assert highs.status in (Status.OPTIMAL, Status.INFEASIBLE)
    assert highs.objective == cpsat.objective
    if highs.status is Status.OPTIMAL:
        assert_valid_optimum(scenario, highs)
        assert_valid_optimum(scenario, cpsat)


# -- a brute-force oracle for tiny scenarios --------------------------------------------------
# The rules again, written from their statement and sharing nothing with the library. No rule
# links citizens and politicians, so the best plan is the best citizen seating plus the best
# politician seating, and it exists exactly when both exist.


def _longest(scenario: Scenario) -> int:
    lists = [c.applied_to for c in scenario.citizens] + [p.preferences
                                                         for p in scenario.politicians]
    return max((len(x) for x in lists), default=0)


def _citizen_score(citizen: Citizen, committee: str, longest: int) -> int:
    if committee in citizen.applied_to:
        return longest + 1 - (citizen.applied_to.index(committee) + 1)
    return 1  # an open_to_any citizen on a committee not listed


def best_citizen_seating(scenario: Scenario) -> int | None:
    """The best total citizen score over every seating that meets rules 1-5; None if none."""
    longest = _longest(scenario)
    best = None
    for choice in valid_citizen_seatings(scenario):
        score = sum(_citizen_score(c, x, longest)
                    for c, x in zip(scenario.citizens, choice, strict=True) if x is not None)
        best = score if best is None else max(best, score)
    return best


def _subsets(ids: list[str]) -> Iterator[tuple[str, ...]]:
    for size in range(len(ids) + 1):
        yield from itertools.combinations(ids, size)


def _council_ok(scenario: Scenario, choice: tuple[tuple[str, ...], ...]) -> bool:
    """Seat counts, max_per_party and min_parties on every committee (rule 1 and 6)."""
    council = scenario.council
    for m in scenario.mandates:
        parties = Counter(p.party for p, sits in zip(scenario.politicians, choice, strict=True)
                          if m.id in sits)
        if sum(parties.values()) != m.politician_seats:
            return False
        if council.max_per_party is not None and any(
                n > council.max_per_party for n in parties.values()):
            return False
        if m.politician_seats > 0 and len(parties) < council.min_parties:
            return False
    return True


def best_politician_seating(scenario: Scenario) -> int | None:
    """The best total politician score over every seating that meets rule 6; None if none."""
    longest = _longest(scenario)
    ids = [m.id for m in scenario.mandates]
    best = None
    for choice in itertools.product(*(list(_subsets(ids)) for _ in scenario.politicians)):
        if not all(within(len(sits), p.min_committees, p.max_committees)
                   for p, sits in zip(scenario.politicians, choice, strict=True)):
            continue
        if not _council_ok(scenario, choice):
            continue
        score = sum(longest + 1 - (p.preferences.index(k) + 1)
                    for p, sits in zip(scenario.politicians, choice, strict=True)
                    for k in sits if k in p.preferences)
        best = score if best is None else max(best, score)
    return best


def brute_force(scenario: Scenario) -> int | None:
    citizens = best_citizen_seating(scenario)
    politicians = best_politician_seating(scenario)
    return None if citizens is None or politicians is None else citizens + politicians


@pytest.mark.parametrize("backend", BACKENDS)
@given(scenario=st.one_of(tiny_scenarios(), tiny_council_scenarios(),
                          feasible_scenarios(max_committees=2, max_citizen_seats=3,
                                             max_politician_seats=2, min_citizens=0,
                                             max_citizens=6, max_politicians=3)))
def test_solve_matches_brute_force_on_tiny_scenarios(scenario: Scenario, backend: str) -> None:
    expected = brute_force(scenario)
    result = solve(scenario, backend=backend)
    if expected is None:
        assert result.status is Status.INFEASIBLE
        assert result.plan is None
    else:
        assert_valid_optimum(scenario, result)
        assert result.objective == expected


# -- ties are drawn by lot ------------------------------------------------------------------


def test_interchangeable_applicants_are_seated_by_lot() -> None:
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id=f"c{i}", applied_to=["climate"], tags=["parent"],
                          attributes={"gender": "female"}) for i in range(4)],
    )
    chosen: Counter[str] = Counter()
    objectives: set[int | None] = set()
    for seed in range(200):
        result = solve(scenario, seed=seed)
        assert result.plan is not None
        chosen.update(result.plan.committee("climate").citizens)
        objectives.add(result.objective)
    assert objectives == {1}
    assert sum(chosen.values()) == 200
    assert set(chosen) == {"c0", "c1", "c2", "c3"}
    assert all(25 <= n <= 75 for n in chosen.values()), chosen


def test_different_seeds_can_give_different_plans_with_the_same_objective() -> None:
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=2, politician_seats=0),
                  Mandate(id="youth", citizen_seats=2, politician_seats=0)],
        citizens=[Citizen(id=f"c{i}", applied_to=["climate", "youth"]) for i in range(6)],
    )
    results = [solve(scenario, seed=seed) for seed in range(10)]
    for result in results:
        assert_valid_optimum(scenario, result)
    assert {r.objective for r in results} == {6}
    assert len({r.plan.seats for r in results if r.plan is not None}) > 1


def test_a_household_member_whose_partner_cannot_sit_joins_the_lottery() -> None:
    # c0 shares a household with c1, who applied only to another committee that seats
    # no citizens, so the household rule cannot bind: c0, c2 and c3 are equally qualified
    # for the one seat and each should win it about a third of the time.
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0),
                  Mandate(id="youth", citizen_seats=0, politician_seats=0)],
        citizens=[Citizen(id="c0", applied_to=["climate"], household="h0"),
                  Citizen(id="c1", applied_to=["youth"], household="h0"),
                  Citizen(id="c2", applied_to=["climate"]),
                  Citizen(id="c3", applied_to=["climate"])],
    )
    chosen: Counter[str] = Counter()
    for seed in range(150):
        plan = solve(scenario, seed=seed).plan
        assert plan is not None
        chosen.update(plan.committee("climate").citizens)
    assert all(25 <= chosen[c] <= 75 for c in ("c0", "c2", "c3")), chosen


def test_a_couple_competing_for_the_only_seat_is_seated_by_lot() -> None:
    # c0 and c1 share a household, c2 and c3 live alone; all four applied to the one seat.
    # With a single citizen seat in the whole scenario the household rule cannot bind, so no
    # rule and no score tells the four apart: each should win about a quarter of the draws.
    scenario = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="c0", applied_to=["climate"], household="h0"),
                  Citizen(id="c1", applied_to=["climate"], household="h0"),
                  Citizen(id="c2", applied_to=["climate"]),
                  Citizen(id="c3", applied_to=["climate"])],
    )
    for backend in BACKENDS:
        chosen: Counter[str] = Counter()
        for seed in range(200):
            plan = solve(scenario, seed=seed, backend=backend).plan
            assert plan is not None
            chosen.update(plan.committee("climate").citizens)
        assert all(25 <= chosen[c] <= 75 for c in ("c0", "c1", "c2", "c3")), (backend, chosen)
