"""The lottery's proofs checked from outside, its time limit, progress and chance counts.

Each level certificate carries its dual weights per group and the best panel of its final
pricing. These are re-priced here without the library's model: by brute force over every
seating of tiny scenarios (``oracle.valid_citizen_seatings``), and on medium scenarios by a
CP-SAT model written below from the scenario's public data.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from cocreate_match import (
    Citizen,
    Mandate,
    Quota,
    Scenario,
    Status,
    check_plan,
    generate_scenario,
    lottery,
)
from cocreate_match.lottery import Lottery
from oracle import valid_citizen_seatings
from routes import ROUTES, route
from strategies import feasible_scenarios

TOLERANCE = 1e-7  # the pricing tolerance (1e-9) plus the solvers' own tolerances


def citizen_weights(lot: Lottery, level: int) -> dict[str, float]:
    """Per citizen id: the weight the level's duals give a seat for them (the group's dual
    weight shared equally by its members)."""
    cert = lot.certificates[level]
    assert len(cert.group_weights) == len(lot.groups)
    out = {}
    for g, members in enumerate(lot.groups):
        for i in members:
            out[lot.scenario.citizens[i].id] = cert.group_weights[g] / len(members)
    return out


def panel_value(weights: dict[str, float], seated: frozenset[str]) -> float:
    return sum(weights[pid] for pid in seated)


def assert_evidence_holds(lot: Lottery,
                          best_seating_value: Callable[[dict[str, float]], float]) -> None:
    """Each certificate: its panel is a valid plan worth ``pricing_bound``; no seating is worth
    more than ``dual_value`` (within tolerance), by the independent pricer given."""
    assert lot.certificates
    for level, cert in enumerate(lot.certificates):
        weights = citizen_weights(lot, level)
        assert min(weights.values()) >= 0.0
        plan = lot.certificate_plan(cert)
        assert check_plan(lot.scenario, plan) == ()
        value = panel_value(weights, plan.seated_citizens)
        assert value == pytest.approx(cert.pricing_bound, abs=TOLERANCE), (level, cert)
        best = best_seating_value(weights)
        assert best <= cert.dual_value + TOLERANCE, (level, best, cert.dual_value)
        # The bound is attained: the library's pricing found the true maximum.
        assert best == pytest.approx(cert.pricing_bound, abs=TOLERANCE)
        # And the level's claimed upper bound is what the independent maximum proves.
        assert cert.upper_bound >= cert.value
        assert cert.upper_bound == pytest.approx(cert.value + max(best - cert.dual_value, 0.0),
                                                 abs=TOLERANCE)
        assert cert.gap <= 1e-9


def brute_force(scenario: Scenario) -> Callable[[dict[str, float]], float]:
    seatings = [frozenset(c.id for c, x in zip(scenario.citizens, choice, strict=True)
                          if x is not None)
                for choice in valid_citizen_seatings(scenario)]

    def best(weights: dict[str, float]) -> float:
        return max(panel_value(weights, s) for s in seatings)
    return best


def committee(cid: str, seats: int, **rules: Any) -> Mandate:
    return Mandate(id=cid, citizen_seats=seats, politician_seats=0, **rules)


@pytest.mark.parametrize("way", ROUTES)
def test_certificates_of_a_two_level_case_reprice_by_brute_force(way: str) -> None:
    # p applied to a and b, q to a, r s t to b: levels 1/3 (r s t) and 1/2 (p q).
    s = Scenario(mandates=[committee("a", 1), committee("b", 1)],
                 citizens=[Citizen(id="p", applied_to=["a", "b"]),
                           Citizen(id="q", applied_to=["a"]),
                           *(Citizen(id=x, applied_to=["b"]) for x in "rst")])
    with route(way):
        lot = lottery(s)
    assert [c.value for c in lot.certificates] == pytest.approx([1 / 3, 1 / 2], abs=1e-9)
    assert_evidence_holds(lot, brute_force(s))


@settings(max_examples=15, deadline=None)
@given(scenario=feasible_scenarios(max_committees=2, max_citizen_seats=3,
                                   max_politician_seats=1, min_citizens=3, max_citizens=7,
                                   max_politicians=2))
@pytest.mark.parametrize("way", ROUTES)
def test_certificates_reprice_by_brute_force(scenario: Scenario, way: str) -> None:
    with route(way):
        lot = lottery(scenario)
    assert lot.status is Status.OPTIMAL
    if not any(m.citizen_seats for m in scenario.mandates):
        return  # no citizen seat: nothing to price (covered in test_lottery)
    assert_evidence_holds(lot, brute_force(scenario))


def cpsat_best(scenario: Scenario, scale: float = 1e9):  # type: ignore[no-untyped-def]
    """A pricer written from the rules as stated: one binary per citizen and committee they
    may sit on, solved by CP-SAT with integer weights (weights scaled by ``scale``)."""
    from ortools.sat.python import cp_model

    def best(weights: dict[str, float]) -> float:
        m = cp_model.CpModel()
        x: dict[tuple[str, str], cp_model.IntVar] = {}
        for c in scenario.citizens:
            for mandate in scenario.mandates:
                if mandate.citizen_seats > 0 and c.can_sit_on(mandate.id):
                    x[c.id, mandate.id] = m.new_bool_var(f"{c.id}@{mandate.id}")
        by_citizen = {c.id: [v for (pid, _), v in x.items() if pid == c.id]
                      for c in scenario.citizens}
        for variables in by_citizen.values():
            m.add(sum(variables) <= 1)
        households: dict[str, list[cp_model.IntVar]] = {}
        for c in scenario.citizens:
            if c.household is not None:
                households.setdefault(c.household, []).extend(by_citizen[c.id])
        for variables in households.values():
            m.add(sum(variables) <= 1)

        def within(expr: object, low: int, high: int | None) -> None:
            m.add(expr >= low)  # type: ignore[operator]
            if high is not None:
                m.add(expr <= high)  # type: ignore[operator]

        for mandate in scenario.mandates:
            on = [(c, x[c.id, mandate.id]) for c in scenario.citizens
                  if (c.id, mandate.id) in x]
            m.add(sum(v for _, v in on) == mandate.citizen_seats)
            for p in mandate.profiles:
                within(sum(v for c, v in on if c.tags & p.any_of), p.min, p.max)
            for q in mandate.quotas:
                within(sum(v for c, v in on if c.attributes.get(q.attribute) == q.value),
                       q.min, q.max)
        for q in scenario.quotas:
            within(sum(v for c in scenario.citizens if c.attributes.get(q.attribute) == q.value
                       for v in by_citizen[c.id]), q.min, q.max)
        m.maximize(sum(round(weights[pid] * scale) * v for (pid, _), v in x.items()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(m) == cp_model.OPTIMAL
        return float(solver.objective_value) / scale
    return best


@pytest.mark.parametrize("way", ROUTES)
@pytest.mark.parametrize("seed", [1, 4])
def test_certificates_reprice_with_an_independent_cpsat_model(seed: int, way: str) -> None:
    s = generate_scenario(committees=3, citizens=40, politicians=6, seed=seed)
    with route(way):
        lot = lottery(s)
    assert lot.status is Status.OPTIMAL
    seats = sum(m.citizen_seats for m in s.mandates)
    rounding = seats * 0.5e-9
    best = cpsat_best(s)
    assert_evidence_holds(lot, lambda w: best(w) + rounding)


@pytest.mark.parametrize("way", ROUTES)
def test_certificates_of_a_quota_pool_reprice_with_cpsat(way: str) -> None:
    # One panel, two attributes with quotas: several levels, several groups.
    citizens = [Citizen(id=f"c{i}", applied_to=["panel"],
                        attributes={"g": "fm"[i % 2], "a": "xyz"[i % 3]}) for i in range(19)]
    quotas = [Quota(attribute="g", value="f", min=2, max=3),
              Quota(attribute="a", value="x", min=1, max=2),
              Quota(attribute="a", value="z", min=2)]
    s = Scenario(mandates=[committee("panel", 5, quotas=quotas)], citizens=citizens)
    with route(way):
        lot = lottery(s)
    assert len(lot.certificates) >= 2
    assert_evidence_holds(lot, lambda w: cpsat_best(s)(w) + 5 * 0.5e-9)


# -- the solver behaviour relied on -------------------------------------------------------------


def test_highs_instances_have_zero_gaps_and_a_time_limit() -> None:
    from cocreate_match.solver.highs import new_highs

    h = new_highs(time_limit=0.5)
    assert h.getOptionValue("mip_rel_gap")[1] == 0.0
    assert h.getOptionValue("mip_abs_gap")[1] == 0.0
    assert h.getOptionValue("time_limit")[1] == 0.5


# -- time limits and progress -------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_scenario() -> Scenario:
    # Ten committees, 300 applicants: column generation (and the baseline of 100,000 plans)
    # takes well over 2 s.
    return generate_scenario(committees=10, citizens=300, politicians=22, seed=3)


@pytest.fixture(scope="module")
def large_scenario() -> Scenario:
    # Thirty committees, 3,000 applicants: decomposing its relaxed LEXIMIN into some 300
    # panels takes about 10 s (and its first plans come after 2 to 3 s).
    return generate_scenario(committees=30, citizens=3000, politicians=90, seed=3)


@pytest.mark.parametrize(("method", "way", "limit"), [
    ("leximin", "relaxation", 6.0), ("leximin", "columns", 2.0), ("legacy", "relaxation", 2.0)])
def test_time_limit_returns_a_valid_lottery_in_time(slow_scenario: Scenario,
                                                    large_scenario: Scenario, method: str,
                                                    way: str, limit: float) -> None:
    # Column generation and the baseline are slow on the ten committees; the decomposition
    # of the relaxation is stopped on the larger scenario.
    scenario = large_scenario if (method, way) == ("leximin", "relaxation") else slow_scenario
    lines: list[float] = []
    started = time.perf_counter()
    with route(way):
        lot = lottery(scenario, method=method, time_limit=limit, samples=100_000,
                      progress=lambda _: lines.append(time.perf_counter()))
    took = time.perf_counter() - started
    assert took <= limit + 1.0, took
    assert lot.status is Status.TIME_LIMIT
    plans = list(lot.plans())
    assert plans, "a feasible plan was found before the limit"
    assert abs(sum(p for p, _ in plans) - 1.0) <= 1e-9
    for _, plan in plans[:50]:
        assert check_plan(scenario, plan) == ()
    per = lot.committee_probabilities()
    for k, m in enumerate(scenario.mandates):
        assert abs(per[:, k].sum() - m.citizen_seats) <= 1e-9
    if method == "leximin":
        # The levels proven so far hold in the lottery returned.
        probs = np.array(list(lot.probabilities().values()))
        for cert in lot.certificates:
            assert cert.gap <= 1e-9
        if lot.certificates:
            first = lot.certificates[0].value
            assert probs[probs > 1e-9].min() >= first - 1e-9
    # Progress came at least every 2 s.
    stamps = [started, *lines, started + took]
    assert max(b - a for a, b in itertools.pairwise(stamps)) <= 2.0


# -- counting chances of 0 and 1 ----------------------------------------------------------------


def test_a_floor_that_shuts_a_citizen_out_shows_in_min_probability() -> None:
    # One seat; x lists a (score 2), y lists b then a (score 1 on a); b has no citizen seat.
    # Under a floor of 1.0 only x can sit: y could sit in a plan meeting every rule, so the
    # smallest chance is 0 (y), one citizen has chance 0 and one is certain.
    s = Scenario(mandates=[committee("a", 1), committee("b", 0)],
                 citizens=[Citizen(id="x", applied_to=["a"]),
                           Citizen(id="y", applied_to=["b", "a"]),
                           Citizen(id="n", applied_to=["b"])])
    strict = lottery(s, quality_floor=1.0)
    assert strict.probabilities() == pytest.approx({"x": 1.0, "y": 0.0, "n": 0.0})
    assert strict.min_probability == 0.0
    assert (strict.zero_chance, strict.unseatable, strict.certain) == (2, 1, 1)
    free = lottery(s)
    assert free.min_probability == pytest.approx(0.5)
    assert (free.zero_chance, free.unseatable, free.certain) == (1, 1, 0)


def test_certain_counts_forced_selections() -> None:
    # Two seats with at least one woman; f is the only woman: she is forced in.
    s = Scenario(mandates=[committee("a", 2, quotas=[Quota(attribute="g", value="f",
                                                           min=1)])],
                 citizens=[Citizen(id="f", applied_to=["a"], attributes={"g": "f"}),
                           *(Citizen(id=f"m{i}", applied_to=["a"], attributes={"g": "m"})
                             for i in range(4))])
    lot = lottery(s)
    assert lot.certain == 1
    assert lot.zero_chance == 0
    assert lot.min_probability == pytest.approx(0.25)


def test_a_kept_highs_instance_counts_its_time_limit_for_the_current_run_only() -> None:
    # What limit_time and the repair rely on: getRunTime adds every run of an instance up,
    # but the time limit applies to each run alone, so a limit is what is left, not more.
    import time

    import highspy

    from cocreate_match.solver.highs import new_highs

    rng = np.random.default_rng(3)
    h = new_highs()
    n = 40
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.full(n, highspy.HighsVarType.kInteger))
    for _ in range(4):  # market split: far too hard to finish in a second
        weights = rng.integers(0, 100, n).astype(float)
        half = float(np.floor(weights.sum() / 2))
        h.addRow(half, half, n, np.arange(n, dtype=np.int32), weights)
    seconds = []
    for _ in range(3):
        h.setOptionValue("time_limit", 0.5)
        started = time.perf_counter()
        h.run()
        seconds.append(time.perf_counter() - started)
    assert h.getRunTime() >= 1.2  # summed over the runs
    # Each run used its own half second; a limit against the sum would end the later runs
    # at once.
    assert all(0.4 <= s < 3.0 for s in seconds), seconds


def test_a_long_limit_is_not_used_up_by_earlier_runs(slow_scenario: Scenario) -> None:
    # A limit far beyond the run: the lottery must finish, not stop early because the kept
    # HiGHS instances count their earlier runs.
    lot = lottery(slow_scenario, method="maximin", time_limit=300.0)
    assert lot.status is Status.OPTIMAL
