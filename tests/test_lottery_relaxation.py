"""The LEXIMIN of the LP relaxation, decomposed into panels, and the fall-back on column
generation when the relaxation promises more than any lottery of panels can give.

The relaxation's point is only used when it is a lottery of feasible panels (then no lottery
can do better, and the relaxation's duals prove each level). These tests check both sides:
a case where the relaxation is strictly better than every lottery, and larger pools where the
two ways must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

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
from cocreate_match.solver.citizens import build_citizen_model
from cocreate_match.solver.clock import Clock
from cocreate_match.solver.decompose import Walk, relaxed_leximin
from routes import route


def odd_cycle() -> Scenario:
    # Two seats; a, b and c pairwise share an attribute capped at one seat, d shares none.
    # Every plan seats d and one of a, b, c: the LEXIMIN is 1/3 for a, b, c and 1 for d. The
    # LP relaxation can seat everyone half the time (each pair sums to one seat).
    traits = {"a": ("ab", "ca"), "b": ("ab", "bc"), "c": ("bc", "ca"), "d": ()}
    citizens = [Citizen(id=pid, applied_to=["p"], attributes={t: "y" for t in shared})
                for pid, shared in traits.items()]
    quotas = [Quota(attribute=t, value="y", max=1) for t in ("ab", "bc", "ca")]
    return Scenario(mandates=[Mandate(id="p", citizen_seats=2, politician_seats=0,
                                      quotas=quotas)], citizens=citizens)


def test_the_relaxation_of_the_odd_cycle_is_not_a_lottery() -> None:
    model, types = build_citizen_model(odd_cycle(), ranks=False)
    clock = Clock(None, lambda _: None)
    relaxed = relaxed_leximin(model, types, clock)
    assert relaxed is not None
    assert relaxed.levels[0].value == pytest.approx(0.5, abs=1e-9)
    assert Walk(model, clock).run(relaxed.point) is False


def test_the_odd_cycle_falls_back_on_column_generation() -> None:
    lines: list[str] = []
    lot = lottery(odd_cycle(), progress=lines.append)
    assert lot.status is Status.OPTIMAL
    assert lot.probabilities() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 1.0},
                                                abs=1e-9)
    assert [c.value for c in lot.certificates] == pytest.approx([1 / 3, 1.0], abs=1e-9)
    assert not any("relaxation," in line for line in lines)
    for _, plan in lot.plans():
        assert check_plan(lot.scenario, plan) == ()


def quota_pool(n: int, seats: int, seed: int) -> Scenario:
    """One panel; four attributes of two to four values. The pool's shares of the values differ
    from the population's (who volunteers is not who lives there), and each value has a quota
    of its population share of the seats, give or take a tenth: the quotas bind unevenly, so
    the LEXIMIN has several levels."""
    rng = np.random.default_rng(seed)
    pool = [rng.dirichlet(np.ones(k) * 2) for k in (2, 3, 4, 3)]
    population = [rng.dirichlet(np.ones(len(p)) * 4) for p in pool]
    citizens = [Citizen(id=f"r{i:04d}", applied_to=["panel"],
                        attributes={f"a{j}": f"v{rng.choice(len(p), p=p)}"
                                    for j, p in enumerate(pool)}) for i in range(n)]
    quotas = []
    for j, shares in enumerate(population):
        for v, share in enumerate(shares):
            have = sum(c.attributes[f"a{j}"] == f"v{v}" for c in citizens)
            low = min(have, int(np.floor(seats * share * 0.9)))
            quotas.append(Quota(attribute=f"a{j}", value=f"v{v}", min=low,
                                max=max(low, int(np.ceil(seats * share * 1.1)))))
    return Scenario(mandates=[Mandate(id="panel", citizen_seats=seats, politician_seats=0,
                                      quotas=quotas)], citizens=citizens)


@pytest.mark.parametrize(("n", "seats", "seed"), [(120, 12, 0), (200, 20, 1), (150, 30, 2)])
def test_both_ways_give_the_same_leximin_on_quota_pools(n: int, seats: int, seed: int) -> None:
    s = quota_pool(n, seats, seed)
    lines: list[str] = []
    fast = lottery(s, progress=lines.append)
    assert any("relaxation," in line for line in lines), "the decomposition was used"
    with route("columns"):
        slow = lottery(s)
    assert fast.status is slow.status is Status.OPTIMAL
    got, want = fast.probabilities(), slow.probabilities()
    assert got.keys() == want.keys()
    assert max(abs(got[k] - want[k]) for k in got) <= 1e-7
    assert len(fast.certificates) >= 2
    for cert in fast.certificates:
        assert 0.0 <= cert.gap <= 1e-9
    for _, plan in fast.plans():
        assert check_plan(s, plan) == ()


def test_multi_committee_scenarios_agree_both_ways() -> None:
    s = generate_scenario(committees=4, citizens=60, politicians=10, seed=5)
    lines: list[str] = []
    fast = lottery(s, quality_floor=0.95, progress=lines.append)
    assert any("relaxation," in line for line in lines)
    with route("columns"):
        slow = lottery(s, quality_floor=0.95)
    got, want = fast.probabilities(), slow.probabilities()
    assert max(abs(got[k] - want[k]) for k in got) <= 1e-7
    assert fast.min_probability == pytest.approx(slow.min_probability, abs=1e-9)


def test_where_the_walk_stops_short_column_generation_completes_the_decomposition() -> None:
    # On this pool the walk leaves the panels' hull (its steps go to the relaxation's faces),
    # yet the relaxed point is a lottery: column generation towards it finds the weights.
    s = quota_pool(120, 12, 0)
    model, types = build_citizen_model(s, ranks=False)
    clock = Clock(None, lambda _: None)
    relaxed = relaxed_leximin(model, types, clock)
    assert relaxed is not None
    assert Walk(model, clock).run(relaxed.point) is False
    lines: list[str] = []
    lot = lottery(s, progress=lines.append)
    assert any("relaxation," in line for line in lines)
    assert [c.value for c in lot.certificates] == pytest.approx(
        [level.value for level in relaxed.levels], abs=1e-9)
    with route("columns"):
        slow = lottery(s)
    assert [c.value for c in slow.certificates] == pytest.approx(
        [c.value for c in lot.certificates], abs=1e-9)


def stop_inside(function: str, after: int):  # type: ignore[no-untyped-def]
    """Make the deadline come at the ``after``-th time check made inside ``function``: what a
    real deadline does at that moment, without depending on the machine's speed."""
    import sys
    from types import FrameType
    from unittest import mock

    from cocreate_match.solver import clock

    original = clock.Clock.remaining
    seen = {"n": 0}

    def remaining(self):  # type: ignore[no-untyped-def]
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != function:
            frame = frame.f_back
        if frame is not None:
            seen["n"] += 1
            if seen["n"] >= after:
                raise clock.Stopped
        return original(self)

    return mock.patch.object(clock.Clock, "remaining", remaining)


@pytest.mark.parametrize(("function", "after"), [
    ("relaxed_leximin", 1), ("run", 5), ("_complete", 3), ("_complete", 6),
    ("_by_relaxation", 40)])
@pytest.mark.parametrize("cap", [None, 0.8])
def test_a_deadline_anywhere_in_the_relaxation_leaves_a_valid_lottery(function: str,
                                                                      after: int,
                                                                      cap: float | None) -> None:
    s = quota_pool(120, 12, 0)  # the walk stops short here, so the completion runs
    with stop_inside(function, after):
        lot = lottery(s, time_limit=1000, max_probability=cap)
    assert lot.status is Status.TIME_LIMIT
    if not lot.panels:
        assert cap is not None  # only a capped lottery may have nothing that keeps its cap
        return
    chances = lot.probabilities()
    assert sum(chances.values()) == pytest.approx(12)
    if cap is not None:
        assert max(chances.values()) <= cap + 1e-9
    for cert in lot.certificates:
        assert cert.gap <= 1e-9
    for _, plan in lot.plans():
        assert check_plan(s, plan) == ()
