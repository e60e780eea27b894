"""Fair lotteries over plans: hand-made cases with known probabilities, a brute-force LEXIMIN
oracle for tiny scenarios, and properties over generated ones.

Every plan a lottery can produce goes through the independent checker; every probability the
lottery reports is recomputed from its plans.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    InputError,
    Lottery,
    Mandate,
    Plan,
    Politician,
    Quota,
    Role,
    Scenario,
    Status,
    check_plan,
    generate_scenario,
    lottery,
    plan_score,
    solve,
)
from oracle import valid_citizen_seatings
from routes import ROUTES, route
from strategies import feasible_scenarios, tiny_scenarios

TOL = 1e-9


# -- helpers ----------------------------------------------------------------------------------


def committee(cid: str, seats: int, *, politicians: int = 0, **rules: Any) -> Mandate:
    return Mandate(id=cid, citizen_seats=seats, politician_seats=politicians, **rules)


def applicant(pid: str, *committees: str, **fields: Any) -> Citizen:
    return Citizen(id=pid, applied_to=list(committees), **fields)


def support(lot: Lottery) -> list[tuple[float, Plan]]:
    return list(lot.plans())


def seats_over_plans(scenario: Scenario, plans: Iterable[tuple[float, Plan]]) -> np.ndarray:
    """Citizens x committees: the chance of each seat, summed over the given plans."""
    row = {c.id: i for i, c in enumerate(scenario.citizens)}
    col = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    out = np.zeros((len(scenario.citizens), len(scenario.mandates)))
    for probability, plan in plans:
        for seat in plan.seats:
            if seat.role is Role.CITIZEN:
                out[row[seat.person_id], col[seat.committee_id]] += probability
    return out


def politician_seats(plan: Plan) -> frozenset[tuple[str, str]]:
    return frozenset((s.committee_id, s.person_id) for s in plan.seats
                     if s.role is Role.POLITICIAN)


def assert_realised(scenario: Scenario, lot: Lottery) -> list[tuple[float, Plan]]:
    """The lottery's plans are valid, their chances sum to 1, and they give exactly the
    probabilities the lottery reports; politicians sit the same way in every plan."""
    assert lot.status is Status.OPTIMAL
    plans = support(lot)
    assert plans
    assert abs(sum(p for p, _ in plans) - 1.0) <= TOL
    assert all(p > 0 for p, _ in plans)
    for _, plan in plans:
        assert check_plan(scenario, plan) == ()
    realised = seats_over_plans(scenario, plans)
    per_committee = lot.committee_probabilities()
    assert per_committee.shape == (len(scenario.citizens), len(scenario.mandates))
    np.testing.assert_allclose(realised, per_committee, rtol=0, atol=TOL)
    totals = lot.probabilities()
    assert list(totals) == [c.id for c in scenario.citizens]
    for i, c in enumerate(scenario.citizens):
        assert abs(realised[i].sum() - totals[c.id]) <= TOL
        assert -TOL <= totals[c.id] <= 1 + TOL
    for k, m in enumerate(scenario.mandates):
        assert abs(per_committee[:, k].sum() - m.citizen_seats) <= TOL
    assert len({politician_seats(plan) for _, plan in plans}) == 1
    return plans


def assert_certified(lot: Lottery, gap: float = TOL) -> None:
    """Each level is reported proven to within ``gap``, and the levels never go down. (The
    evidence behind each proof is re-priced independently in test_lottery_evidence.py.)"""
    assert lot.certificates
    for c in lot.certificates:
        assert c.upper_bound >= c.value
        assert c.gap <= gap, c
    values = [c.value for c in lot.certificates]
    assert all(b >= a - TOL for a, b in itertools.pairwise(values)), values
    assert [c.level for c in lot.certificates] == list(range(1, len(values) + 1))


def assert_probabilities(lot: Lottery, expected: dict[str, float], tol: float = 1e-9) -> None:
    got = lot.probabilities()
    assert set(got) == set(expected)
    bad = {pid: (got[pid], want) for pid, want in expected.items()
           if abs(got[pid] - want) > tol}
    assert not bad, bad


def lex_at_least(a: Sequence[float], b: Sequence[float], tol: float = 1e-7) -> bool:
    """Sorted ``a`` is lexicographically at least sorted ``b`` (ties within ``tol``)."""
    for x, y in zip(sorted(a), sorted(b), strict=True):
        if abs(x - y) > tol:
            return x > y
    return True


def uniform_deviation(lot: Lottery, plans: Sequence[Plan]) -> float:
    """The largest difference between a citizen's share of ``plans`` and their probability,
    recomputed here from the plans alone."""
    seated = Counter(pid for plan in plans for pid in plan.seated_citizens)
    return max(abs(seated[pid] / len(plans) - p) for pid, p in lot.probabilities().items())


# -- a brute-force oracle ---------------------------------------------------------------------
# Every citizen seating of a tiny scenario is tried against rules 1-5 written from their
# statement; LEXIMIN over those seatings is then computed with plain LPs over individual
# citizens (no grouping, no column generation). The LEXIMIN vector is unique, so the library's
# probabilities must match it.


def citizen_seatings(scenario: Scenario) -> list[frozenset[str]]:
    """The sets of citizens seated together by some seating that meets rules 1-5."""
    found = {frozenset(c.id for c, x in zip(scenario.citizens, choice, strict=True)
                       if x is not None)
             for choice in valid_citizen_seatings(scenario)}
    return sorted(found, key=sorted)


def _best(a: np.ndarray, objective: np.ndarray, floors: dict[int, float]) -> float:
    """max objective . lambda over lotteries (lambda) of the seatings in ``a`` (citizens x
    seatings) with citizen i's probability at least floors[i]."""
    from scipy.optimize import linprog

    rows = sorted(floors)
    res = linprog(-objective, A_ub=-a[rows] if rows else None,
                  b_ub=-np.array([floors[i] for i in rows]) if rows else None,
                  A_eq=np.ones((1, a.shape[1])), b_eq=[1.0], bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    return float(-res.fun)


def leximin_oracle(scenario: Scenario, seatings: list[frozenset[str]]) -> list[float]:
    """LEXIMIN probabilities per citizen (scenario order) over lotteries of ``seatings``."""
    ids = [c.id for c in scenario.citizens]
    a = np.array([[pid in s for s in seatings] for pid in ids], dtype=float)
    value: dict[int, float] = {i: 0.0 for i in range(len(ids)) if not a[i].any()}
    while len(value) < len(ids):
        free = [i for i in range(len(ids)) if i not in value]
        # Level: max z with every free citizen at least z (z as a column of its own).
        z_col = np.zeros((len(ids), 1))
        z_col[free] = -1.0
        ext = np.hstack([a, z_col])
        from scipy.optimize import linprog

        rows = free + sorted(value)
        b = [0.0] * len(free) + [value[i] - 1e-10 for i in sorted(value)]
        res = linprog(np.r_[np.zeros(a.shape[1]), -1.0], A_ub=-ext[rows], b_ub=-np.array(b),
                      A_eq=np.r_[np.ones(a.shape[1]), 0.0][None, :], b_eq=[1.0],
                      bounds=[(0, None)] * a.shape[1] + [(None, None)], method="highs")
        assert res.status == 0, res.message
        z = float(res.x[-1])
        floors = {i: value[i] - 1e-10 for i in value} | {i: z - 1e-10 for i in free}
        newly = [i for i in free if _best(a, a[i], floors) <= z + 1e-7]
        assert newly  # some free citizen cannot rise above the level
        value.update(dict.fromkeys(newly, z))
    return [value[i] for i in range(len(ids))]


# -- hand-made cases --------------------------------------------------------------------------


def test_one_seat_four_applicants_is_a_quarter_each() -> None:
    # One seat, four interchangeable applicants: every plan seats exactly one, so the chances
    # sum to 1; LEXIMIN makes them equal: 1/4 each, one plan per applicant.
    s = Scenario(mandates=[committee("a", 1)],
                 citizens=[applicant(pid, "a") for pid in ("x", "y", "z", "w")])
    for method in ("leximin", "maximin"):
        lot = lottery(s, method=method)
        assert_probabilities(lot, dict.fromkeys("xyzw", 0.25))
        assert_certified(lot)
        plans = assert_realised(s, lot)
        assert sorted(round(p, 12) for p, _ in plans) == [0.25] * 4
        assert lot.min_probability == pytest.approx(0.25, abs=TOL)


def test_two_committees_everyone_gets_half() -> None:
    # a and b have one seat each; x applied to both, y and z to a, w to b. Two seats for four
    # citizens: nobody can have more than 1/2 unless someone else has less, so the best
    # smallest chance is 1/2, and then everyone has exactly 1/2. y and z share a's seat
    # (1/2 each), which leaves x nothing on a; x and w share b's seat.
    s = Scenario(mandates=[committee("a", 1), committee("b", 1)],
                 citizens=[applicant("x", "a", "b"), applicant("y", "a"), applicant("z", "a"),
                           applicant("w", "b")])
    for method in ("leximin", "maximin"):
        lot = lottery(s, method=method)
        assert_probabilities(lot, dict.fromkeys("xyzw", 0.5))
        assert_certified(lot)
        assert_realised(s, lot)
    per = lottery(s).committee_probabilities()  # rows x y z w, columns a b
    np.testing.assert_allclose(per, [[0.0, 0.5], [0.5, 0.0], [0.5, 0.0], [0.0, 0.5]],
                               atol=TOL)


def test_a_quota_forces_the_one_woman_in_and_who_can_never_sit_gets_zero() -> None:
    # One seat with at least one woman: f is the only woman who applied, so every plan seats
    # her (1.0) and neither man (0.0). n applied only to b, which has no citizen seats: she can
    # never sit (0.0), and has no row for b.
    female, male = {"gender": "female"}, {"gender": "male"}
    s = Scenario(
        mandates=[committee("a", 1, quotas=[Quota(attribute="gender", value="female", min=1)]),
                  committee("b", 0)],
        citizens=[applicant("m1", "a", attributes=male), applicant("f", "a", attributes=female),
                  applicant("m2", "a", attributes=male), applicant("n", "b", attributes=female)])
    for method in ("leximin", "maximin", "legacy"):
        lot = lottery(s, method=method)
        assert_probabilities(lot, {"f": 1.0, "m1": 0.0, "m2": 0.0, "n": 0.0})
        plans = assert_realised(s, lot)
        assert {plan.committee("a").citizens for _, plan in plans} == {("f",)}
        assert lot.min_probability == pytest.approx(1.0, abs=TOL)  # over who can sit at all
    lot = lottery(s)
    assert_certified(lot)
    assert [c.value for c in lot.certificates] == pytest.approx([1.0], abs=TOL)
    frame = lot.to_frame()
    assert list(frame.columns) == ["person_id", "committee_id", "probability"]
    assert [tuple(r) for r in frame[["person_id", "committee_id"]].itertuples(index=False)] == [
        ("m1", "a"), ("f", "a"), ("m2", "a"), ("m1", "*"), ("f", "*"), ("m2", "*"), ("n", "*")]


def test_a_quota_cap_spreads_the_seats_evenly() -> None:
    # Two seats, at most one woman; women f1 f2, men m1..m4. With x the expected number of
    # women seated (0 <= x <= 1), each woman has x/2 and each man (2 - x)/4; these are equal
    # at x = 2/3, where everyone has 1/3 -- the only way to give six citizens two seats
    # evenly, so the whole vector is one level at 1/3.
    female, male = {"gender": "female"}, {"gender": "male"}
    s = Scenario(
        mandates=[committee("a", 2, quotas=[Quota(attribute="gender", value="female", max=1)])],
        citizens=[applicant("f1", "a", attributes=female), applicant("f2", "a", attributes=female),
                  *(applicant(f"m{i}", "a", attributes=male) for i in range(1, 5))])
    lot = lottery(s)
    assert_probabilities(lot, {pid: 1 / 3 for pid in ("f1", "f2", "m1", "m2", "m3", "m4")})
    assert_certified(lot)
    assert [c.value for c in lot.certificates] == pytest.approx([1 / 3], abs=TOL)
    assert_realised(s, lot)


def test_a_profile_forces_the_others_lower() -> None:
    # Two seats and at least one expert; experts e1 e2, others n1..n4. With x expected experts
    # (1 <= x <= 2) each expert has x/2 and each other (2 - x)/4 <= 1/4. The first level is
    # therefore 1/4 for the others (x = 1), which leaves the experts x/2 = 1/2.
    expert = CompetenceProfile(name="expert", any_of=["expert"], min=1)
    s = Scenario(mandates=[committee("a", 2, profiles=[expert])],
                 citizens=[applicant("e1", "a", tags=["expert"]),
                           applicant("e2", "a", tags=["expert"]),
                           *(applicant(f"n{i}", "a") for i in range(1, 5))])
    lot = lottery(s)
    assert_probabilities(lot, {"e1": 0.5, "e2": 0.5} | {f"n{i}": 0.25 for i in range(1, 5)})
    assert_certified(lot)
    assert [c.value for c in lot.certificates] == pytest.approx([0.25, 0.5], abs=TOL)
    assert [c.fixed for c in lot.certificates] == [4, 2]
    plans = assert_realised(s, lot)
    assert all(sum(pid.startswith("e") for pid in plan.seated_citizens) == 1 for _, plan in plans)


def test_levels_of_two_committees_with_different_ratios() -> None:
    # a: one seat, applicants p q; b: one seat, applicants r s t u; nobody applied to both.
    # Each committee's seat is shared among its own applicants: b's four get 1/4 each (the
    # first level), a's two get 1/2 each (the second).
    s = Scenario(mandates=[committee("a", 1), committee("b", 1)],
                 citizens=[applicant("p", "a"), applicant("q", "a"),
                           *(applicant(pid, "b") for pid in "rstu")])
    lot = lottery(s)
    assert_probabilities(lot, {"p": 0.5, "q": 0.5} | dict.fromkeys("rstu", 0.25))
    assert_certified(lot)
    assert [c.value for c in lot.certificates] == pytest.approx([0.25, 0.5], abs=TOL)
    assert [c.fixed for c in lot.certificates] == [4, 2]
    assert_realised(s, lot)


def test_one_applicant_to_both_committees_and_leximin_beats_maximin() -> None:
    # a: one seat, applicants p (a, then b) and q; b: one seat, applicants p r s t. r s t can
    # only share b's seat, so the smallest chance is at most 1/3, and 1/3 is reached only when
    # p never takes b's seat (r + s + t = 1 - P(p on b) >= 3 * 1/3). That is the first level:
    # r s t at 1/3. Then p can sit only on a, which p and q share: 1/2 each (second level).
    # MAXIMIN stops after the first level and may leave p anywhere in [1/3, 2/3].
    s = Scenario(mandates=[committee("a", 1), committee("b", 1)],
                 citizens=[applicant("p", "a", "b"), applicant("q", "a"),
                           *(applicant(pid, "b") for pid in "rst")])
    lex = lottery(s, method="leximin")
    assert_probabilities(lex, {"p": 0.5, "q": 0.5} | dict.fromkeys("rst", 1 / 3))
    assert_certified(lex)
    assert [c.value for c in lex.certificates] == pytest.approx([1 / 3, 0.5], abs=TOL)
    plans = assert_realised(s, lex)
    assert all(plan.committee_of("p") != "b" for _, plan in plans)
    np.testing.assert_allclose(lex.committee_probabilities()[0], [0.5, 0.0], atol=TOL)

    maxi = lottery(s, method="maximin")
    assert_certified(maxi)
    assert len(maxi.certificates) == 1
    assert maxi.min_probability == pytest.approx(1 / 3, abs=TOL)
    assert_realised(s, maxi)
    probs = maxi.probabilities()
    assert all(probs[pid] == pytest.approx(1 / 3, abs=TOL) for pid in "rst")
    assert probs["p"] + probs["q"] == pytest.approx(1.0, abs=TOL)
    assert lex_at_least(list(lex.probabilities().values()), list(probs.values()))


def test_a_household_couple_shares_one_chance() -> None:
    # Three seats; h1 and h2 share a household, s1 and s2 live alone. At most one of the couple
    # sits, so h1 + h2 <= 1 and the couple's best is 1/2 each (first level). The other two
    # seats always go to s1 and s2 (1.0 each, second level). Without the household rule all
    # four would have 3/4.
    s = Scenario(mandates=[committee("a", 3)],
                 citizens=[applicant("h1", "a", household="H"),
                           applicant("h2", "a", household="H"),
                           applicant("s1", "a"), applicant("s2", "a")])
    lot = lottery(s)
    assert_probabilities(lot, {"h1": 0.5, "h2": 0.5, "s1": 1.0, "s2": 1.0})
    assert_certified(lot)
    assert [c.value for c in lot.certificates] == pytest.approx([0.5, 1.0], abs=TOL)
    plans = assert_realised(s, lot)
    assert all(len({"h1", "h2"} & plan.seated_citizens) == 1 for _, plan in plans)


def test_politicians_sit_as_in_the_optimal_solve_in_every_plan() -> None:
    # Politicians are fixed first: p1 wants a, p2 wants nothing, so the optimal solve seats p1
    # on a, and so does every plan of the lottery, whatever the citizens do.
    s = Scenario(mandates=[committee("a", 1, politicians=1), committee("b", 1)],
                 citizens=[applicant("x", "a", "b"), applicant("y", "a"), applicant("z", "b")],
                 politicians=[Politician(id="p2", party="B"),
                              Politician(id="p1", party="A", preferences=["a"])])
    result = solve(s)
    assert result.plan is not None
    expected = politician_seats(result.plan)
    assert expected == {("a", "p1")}
    for method in ("leximin", "maximin", "legacy"):
        lot = lottery(s, method=method, samples=10)
        plans = assert_realised(s, lot)
        assert {politician_seats(plan) for _, plan in plans} == {expected}
        assert all(plan.unseated_politicians == ("p2",) for _, plan in plans)
        assert lot.optimum == result.objective
    assert_probabilities(lottery(s), dict.fromkeys("xyz", 2 / 3))


# -- the public sortition examples, rebuilt from their description -----------------------------


def example_pool(counts: dict[tuple[str, str], int], k: int, low: int, high: int) -> Scenario:
    """One panel of k seats, a quota of low..high on each of the four features."""
    quotas = [Quota(attribute=a, value=v, min=low, max=high)
              for a, v in (("gender", "female"), ("gender", "male"), ("leaning", "liberal"),
                           ("leaning", "conservative"))]
    citizens: list[Citizen] = []
    for (gender, leaning), n in counts.items():
        citizens += [Citizen(id=str(len(citizens) + i), applied_to=["panel"],
                             attributes={"gender": gender, "leaning": leaning})
                     for i in range(n)]
    return Scenario(mandates=[committee("panel", k, quotas=quotas)], citizens=citizens)


def example_small_20() -> Scenario:
    return example_pool({("female", "liberal"): 99, ("male", "conservative"): 100,
                         ("female", "conservative"): 1}, k=20, low=9, high=20)


def example_large_200() -> Scenario:
    return example_pool({("female", "liberal"): 999, ("male", "conservative"): 1000,
                         ("female", "conservative"): 1}, k=200, low=99, high=200)


def test_example_small_20_gives_everyone_one_tenth() -> None:
    # 20 seats for 200 people; the quotas allow every person 1/10 (the lone conservative
    # woman sits in one plan of ten, and the others fill the rest evenly).
    s = example_small_20()
    lot = lottery(s)
    assert_probabilities(lot, {c.id: 0.1 for c in s.citizens}, tol=1e-6)
    assert_certified(lot)
    assert_realised(s, lot)


def test_example_small_20_rounds_to_ten_plans_exactly() -> None:
    # 10 plans x 20 seats = 200 seats: each person can sit in exactly one of the ten plans,
    # which reproduces 1/10 for everyone with no deviation at all.
    s = example_small_20()
    uniform = lottery(s).to_uniform(10)
    assert len(uniform.plans) == 10
    assert all(check_plan(s, plan) == () for plan in uniform.plans)
    seated = Counter(pid for plan in uniform.plans for pid in plan.seated_citizens)
    assert seated == Counter({c.id: 1 for c in s.citizens})
    # Exactly 0 up to the rounding of the probabilities themselves (1/10 as a float sum).
    assert uniform.max_deviation <= 1e-12


def test_example_large_200_gives_everyone_one_tenth() -> None:
    s = example_large_200()
    lot = lottery(s)
    assert lot.status is Status.OPTIMAL
    assert_certified(lot)
    probs = lot.probabilities()
    assert len(probs) == 2000
    assert max(abs(p - 0.1) for p in probs.values()) <= 1e-6
    per = lot.committee_probabilities()
    assert abs(per.sum() - 200) <= 1e-6


def test_legacy_baseline_overweights_the_lone_conservative_woman() -> None:
    # Random priority seats her whenever her one-of-a-kind group comes early, far more often
    # than the 1/10 of LEXIMIN: the reason the fair lottery exists.
    s = example_small_20()
    legacy = lottery(s, method="legacy", samples=50, seed=0)
    assert legacy.status is Status.OPTIMAL
    per = legacy.committee_probabilities()
    assert abs(per.sum() - 20) <= TOL
    assert legacy.probabilities()["199"] > 0.15
    assert check_plan(s, legacy.draw(0)) == ()


# -- certificates, rounding, draws -------------------------------------------------------------


def test_to_uniform_reports_its_own_deviation() -> None:
    s = generate_scenario(committees=3, citizens=40, politicians=6, seed=1)
    lot = lottery(s)
    support_plans = {plan for _, plan in support(lot)}
    for m in (1, 3, 7, 10, 25):
        uniform = lot.to_uniform(m)
        assert len(uniform.plans) == m
        assert all(check_plan(s, plan) == () for plan in uniform.plans)
        assert uniform.max_deviation == pytest.approx(uniform_deviation(lot, uniform.plans),
                                                      abs=1e-12)
        # The plans come from the same panels: politicians and seat counts as in the lottery.
        assert {politician_seats(p) for p in uniform.plans} == \
            {politician_seats(p) for p in support_plans}
    assert lot.to_uniform(25).max_deviation <= lot.to_uniform(1).max_deviation


def test_draw_is_reproducible_and_from_the_support() -> None:
    s = Scenario(mandates=[committee("a", 1), committee("b", 1)],
                 citizens=[applicant("p", "a", "b"), applicant("q", "a"),
                           *(applicant(pid, "b") for pid in "rst")])
    lot = lottery(s)
    plans = {plan for _, plan in support(lot)}
    drawn = [lot.draw(seed) for seed in range(60)]
    assert drawn == [lot.draw(seed) for seed in range(60)]
    assert set(drawn) <= plans
    assert len(set(drawn)) > 1  # different seeds reach different plans
    # Each citizen's share of 600 draws is near their probability.
    draws = Counter(pid for seed in range(600) for pid in lot.draw(seed).seated_citizens)
    for pid, p in lot.probabilities().items():
        assert abs(draws[pid] / 600 - p) < 0.08, (pid, draws[pid], p)


# -- quality floor --------------------------------------------------------------------------------


def test_quality_floor_on_a_hand_made_case() -> None:
    # One seat; x lists a first (score 2), y lists b first and a second (score 1 on a); b has
    # no citizen seats. The optimum is 2. A floor of 1.0 allows only x (1.0, y 0.0); a floor
    # of 0.5 (score >= 1) or none lets them share (1/2 each).
    s = Scenario(mandates=[committee("a", 1), committee("b", 0)],
                 citizens=[applicant("x", "a"), applicant("y", "b", "a")])
    strict = lottery(s, quality_floor=1.0)
    assert (strict.optimum, strict.floor) == (2, 2)
    assert_probabilities(strict, {"x": 1.0, "y": 0.0})
    assert_realised(s, strict)
    half = lottery(s, quality_floor=0.5)
    assert (half.optimum, half.floor) == (2, 1)
    assert_probabilities(half, {"x": 0.5, "y": 0.5})
    free = lottery(s)
    assert (free.optimum, free.floor) == (2, None)
    assert_probabilities(free, {"x": 0.5, "y": 0.5})


def test_quality_floor_one_keeps_every_plan_optimal_and_relaxing_never_hurts() -> None:
    s = generate_scenario(committees=3, citizens=40, politicians=6, seed=1)
    optimum = solve(s).objective
    assert optimum is not None
    strict = lottery(s, quality_floor=1.0)
    assert strict.floor == optimum and strict.optimum == optimum
    plans = assert_realised(s, strict)
    assert {plan_score(s, plan) for _, plan in plans} == {optimum}
    assert_certified(strict)
    strict_probs = strict.probabilities()
    for floor in (None, 0.0, 0.9):
        relaxed = lottery(s, quality_floor=floor)
        assert relaxed.floor == (None if floor is None else math.ceil(floor * optimum))
        relaxed_plans = assert_realised(s, relaxed)
        if relaxed.floor is not None:
            assert min(plan_score(s, plan) for _, plan in relaxed_plans) >= relaxed.floor
        probs = relaxed.probabilities()
        seatable = [pid for pid, p in probs.items() if p > 1e-12]
        assert min(probs[pid] for pid in seatable) >= \
            min(strict_probs[pid] for pid in seatable) - 1e-9
        assert relaxed.min_probability >= strict.min_probability - 1e-9
        assert lex_at_least(list(probs.values()), list(strict_probs.values()))


# -- infeasible scenarios and bad arguments ------------------------------------------------------


def infeasible() -> Scenario:
    # Two seats, one applicant.
    return Scenario(mandates=[committee("a", 2)], citizens=[applicant("x", "a")])


@pytest.mark.parametrize("method", ["leximin", "maximin", "legacy"])
def test_infeasible_scenario_gives_no_lottery(method: str) -> None:
    lot = lottery(infeasible(), method=method)
    assert lot.status is Status.INFEASIBLE
    assert list(lot.plans()) == []
    assert lot.certificates == ()
    assert lot.probabilities() == {"x": 0.0}
    with pytest.raises(InputError) as info:
        lot.draw(0)
    assert [p.column for p in info.value.problems] == ["status"]
    with pytest.raises(InputError) as info:
        lot.to_uniform(3)
    assert [p.column for p in info.value.problems] == ["status"]


def test_a_time_limit_that_comes_first_gives_status_time_limit() -> None:
    s = generate_scenario(committees=3, citizens=40, politicians=6, seed=1)
    lot = lottery(s, time_limit=1e-6)
    assert lot.status is Status.TIME_LIMIT
    plans = list(lot.plans())
    assert all(check_plan(s, plan) == () for _, plan in plans)
    if not plans:
        with pytest.raises(InputError):
            lot.draw(0)


@pytest.mark.parametrize(("kwargs", "column"), [
    ({"method": "foo"}, "method"),
    ({"method": "Leximin"}, "method"),
    ({"quality_floor": 1.5}, "quality_floor"),
    ({"quality_floor": -0.1}, "quality_floor"),
    ({"quality_floor": float("nan")}, "quality_floor"),
    ({"quality_floor": True}, "quality_floor"),
    ({"samples": 0}, "samples"),
    ({"samples": 2.5}, "samples"),
    ({"seed": -1}, "seed"),
    ({"seed": True}, "seed"),
])
def test_bad_arguments_name_the_parameter(kwargs: dict[str, object], column: str) -> None:
    s = Scenario(mandates=[committee("a", 1)], citizens=[applicant("x", "a")])
    with pytest.raises(InputError) as info:
        lottery(s, **kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert [p.column for p in info.value.problems] == [column]
    assert repr(info.value.problems[0].value) == repr(kwargs[column])


def test_every_bad_argument_is_reported_at_once() -> None:
    s = Scenario(mandates=[committee("a", 1)], citizens=[applicant("x", "a")])
    with pytest.raises(InputError) as info:
        lottery(s, method="foo", quality_floor=1.5, samples=0, seed=-1)
    assert sorted(str(p.column) for p in info.value.problems) == \
        ["method", "quality_floor", "samples", "seed"]


@pytest.mark.parametrize("m", [0, -1, 1.5, True])
def test_to_uniform_needs_a_positive_whole_number(m: object) -> None:
    lot = lottery(Scenario(mandates=[committee("a", 1)], citizens=[applicant("x", "a")]))
    with pytest.raises(InputError) as info:
        lot.to_uniform(m)  # type: ignore[arg-type]
    assert [p.column for p in info.value.problems] == ["m"]


@pytest.mark.parametrize("seed", [-1, 1.0, True])
def test_draw_needs_a_seed(seed: object) -> None:
    lot = lottery(Scenario(mandates=[committee("a", 1)], citizens=[applicant("x", "a")]))
    with pytest.raises(InputError) as info:
        lot.draw(seed)  # type: ignore[arg-type]
    assert [p.column for p in info.value.problems] == ["seed"]


# -- regressions -------------------------------------------------------------------------------


def test_a_feasible_scenario_without_citizen_seats_has_one_plan() -> None:
    # Only a politician seat: the one plan seats p and leaves x unseated. The lottery is that
    # plan with probability 1 (x's chance is 0), and it can be drawn and published.
    s = Scenario(mandates=[committee("a", 0, politicians=1)], citizens=[applicant("x", "a")],
                 politicians=[Politician(id="p", party="A")])
    assert solve(s).status is Status.OPTIMAL
    lot = lottery(s)
    assert lot.status is Status.OPTIMAL
    assert lot.probabilities() == {"x": 0.0}
    plans = assert_realised(s, lot)
    assert [plan.seated_citizens for _, plan in plans] == [frozenset()]
    assert check_plan(s, lot.draw(0)) == ()
    assert len(lot.to_uniform(2).plans) == 2


def test_legacy_min_probability_counts_seatable_citizens_it_never_drew() -> None:
    # Ten applicants of ten different groups (a quota tells them apart) for one seat: every
    # one of them can sit, so the smallest chance of the 3-plan baseline is 0 for at least
    # seven of them, below MAXIMIN's 1/10. min_probability is documented as "the smallest
    # chance among citizens who can sit in some plan".
    # One quota per value, so that the rules tell all ten apart.
    s = Scenario(mandates=[committee("a", 1, quotas=[
        Quota(attribute="v", value=f"v{i}", max=1) for i in range(10)])],
                 citizens=[applicant(f"c{i}", "a", attributes={"v": f"v{i}"})
                           for i in range(10)])
    maximin = lottery(s, method="maximin")
    assert maximin.min_probability == pytest.approx(0.1, abs=TOL)
    legacy = lottery(s, method="legacy", samples=3)
    assert min(legacy.probabilities().values()) == 0.0
    assert legacy.min_probability <= maximin.min_probability + TOL


# -- properties over generated scenarios --------------------------------------------------------

SMALL = {"max_committees": 3, "max_citizen_seats": 3, "max_politician_seats": 2,
         "max_citizens": 10, "max_politicians": 4}
TINY = {"max_committees": 2, "max_citizen_seats": 3, "max_politician_seats": 2,
        "min_citizens": 3, "max_citizens": 7, "max_politicians": 3}


def _seats_citizens(s: Scenario) -> bool:
    # Scenarios without any citizen seat are covered by
    # test_a_feasible_scenario_without_citizen_seats_has_one_plan.
    return any(m.citizen_seats for m in s.mandates)


small_scenarios = feasible_scenarios(**SMALL).filter(_seats_citizens)
tiny_feasible = feasible_scenarios(**TINY).filter(_seats_citizens)
tiny_random = tiny_scenarios().filter(_seats_citizens)  # about half cannot be met


def assert_matches_oracle(scenario: Scenario, way: str = "relaxation") -> None:
    seatings = citizen_seatings(scenario)
    result = solve(scenario)
    with route(way):
        lot = lottery(scenario)
    if not seatings or result.status is Status.INFEASIBLE:
        assert lot.status is Status.INFEASIBLE
        assert list(lot.plans()) == []
        return
    assert lot.status is Status.OPTIMAL
    expected = leximin_oracle(scenario, seatings)
    got = list(lot.probabilities().values())
    assert np.allclose(got, expected, rtol=0, atol=1e-6), (got, expected)
    # Exactly the citizens who sit in some valid plan have a chance, and the support shows it.
    can_sit = set().union(*seatings)
    for c, p in zip(scenario.citizens, got, strict=True):
        assert (p > 1e-9) == (c.id in can_sit), c.id
    in_support = set().union(*(plan.seated_citizens for _, plan in lot.plans()))
    assert in_support == can_sit
    assert_certified(lot, gap=1e-6)
    first = min((v for v in expected if v > 0), default=0.0)
    with route(way):
        maximin = lottery(scenario, method="maximin")
    assert maximin.min_probability == pytest.approx(first, abs=1e-6)
    assert lot.min_probability == pytest.approx(first, abs=1e-6)


@st.composite
def uneven_scenarios(draw: st.DrawFn) -> Scenario:
    """Citizens only: 2-3 committees of 1-2 seats, 3-7 applicants to overlapping subsets of
    them, a gender quota and a couple sometimes. Committees with different numbers of
    applicants per seat give LEXIMIN several levels, and overlaps leave MAXIMIN room to
    differ from it; some of these cannot be met."""
    ids = [f"k{k}" for k in range(draw(st.integers(2, 3)))]
    citizens = []
    for i in range(draw(st.integers(3, 7))):
        applied = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=2))
        household = "h" if i < 2 and draw(st.booleans()) else None
        citizens.append(Citizen(id=f"c{i}", applied_to=applied, household=household,
                                attributes={"g": draw(st.sampled_from(("f", "m")))}))
    mandates = []
    for cid in ids:
        quotas = []
        if draw(st.booleans()):
            low = draw(st.integers(0, 1))
            quotas.append(Quota(attribute="g", value="f", min=low,
                                max=draw(st.none() | st.integers(max(low, 1), 1))))
        mandates.append(committee(cid, draw(st.integers(1, 2)), quotas=quotas))
    return Scenario(mandates=mandates, citizens=citizens)


@given(scenario=uneven_scenarios())
@pytest.mark.parametrize("way", ROUTES)
def test_leximin_matches_a_brute_force_oracle_with_uneven_committees(
        scenario: Scenario, way: str) -> None:
    assert_matches_oracle(scenario, way)


@given(scenario=tiny_feasible)
@pytest.mark.parametrize("way", ROUTES)
def test_leximin_matches_a_brute_force_oracle(scenario: Scenario, way: str) -> None:
    assert_matches_oracle(scenario, way)


@given(scenario=tiny_random)
@pytest.mark.parametrize("way", ROUTES)
def test_leximin_matches_a_brute_force_oracle_under_random_rules(scenario: Scenario,
                                                                  way: str) -> None:
    assert_matches_oracle(scenario, way)


@given(scenario=small_scenarios, method=st.sampled_from(["leximin", "maximin", "legacy"]))
def test_every_lottery_is_realised_by_valid_plans(scenario: Scenario, method: str) -> None:
    lot = lottery(scenario, method=method, samples=15)
    assert lot.method == method
    assert_realised(scenario, lot)
    if method == "legacy":
        assert lot.certificates == ()
    else:
        assert_certified(lot, gap=1e-6)
        assert len(lot.certificates) >= 1
    if method == "maximin":
        assert len(lot.certificates) == 1


@given(scenario=small_scenarios, seed=st.integers(0, 2**31 - 1))
def test_leximin_dominates_maximin_dominates_the_baseline(scenario: Scenario,
                                                          seed: int) -> None:
    lex = lottery(scenario)
    maxi = lottery(scenario, method="maximin")
    base = lottery(scenario, method="legacy", samples=15, seed=seed)
    lex_p, max_p, base_p = (list(x.probabilities().values()) for x in (lex, maxi, base))
    seatable = [i for i, p in enumerate(lex_p) if p > 1e-9]
    assert seatable
    # Who can sit at all does not depend on the method's objective.
    assert [i for i, p in enumerate(max_p) if p > 1e-9] == seatable
    lex_min, max_min = min(lex_p[i] for i in seatable), min(max_p[i] for i in seatable)
    base_min = min(base_p[i] for i in seatable)
    assert abs(lex_min - max_min) <= 1e-7
    assert lex.min_probability >= maxi.min_probability - 1e-9
    assert max_min >= base_min - 1e-9
    assert lex_at_least(lex_p, max_p)
    assert lex_at_least(lex_p, base_p)


@given(scenario=small_scenarios, seed=st.integers(0, 1000),
       method=st.sampled_from(["leximin", "maximin", "legacy"]), m=st.integers(1, 12))
def test_same_seed_same_lottery(scenario: Scenario, seed: int, method: str, m: int) -> None:
    first = lottery(scenario, method=method, seed=seed, samples=10)
    again = lottery(scenario, method=method, seed=seed, samples=10)
    assert first.to_frame().equals(again.to_frame())
    assert support(first) == support(again)
    one, two = first.to_uniform(m), again.to_uniform(m)
    assert one == two
    assert len(one.plans) == m
    assert all(check_plan(scenario, plan) == () for plan in one.plans)
    assert one.max_deviation == pytest.approx(uniform_deviation(first, one.plans), abs=1e-12)
    plans = {plan for _, plan in support(first)}
    for s in (seed, seed + 1):
        assert first.draw(s) == again.draw(s)
        assert first.draw(s) in plans


@given(scenario=small_scenarios)
def test_a_quality_floor_keeps_plans_good_and_relaxing_it_never_hurts(
        scenario: Scenario) -> None:
    strict = lottery(scenario, quality_floor=1.0)
    assert strict.optimum is not None and strict.floor == strict.optimum
    plans = assert_realised(scenario, strict)
    assert {plan_score(scenario, plan) for _, plan in plans} == {strict.optimum}
    free = lottery(scenario)
    assert free.floor is None
    assert lex_at_least(list(free.probabilities().values()),
                        list(strict.probabilities().values()))


def test_demo_lottery_fills_every_committee_and_gives_everyone_a_chance() -> None:
    # The Gentofte-like demo: 10 committees, 300 applicants, every one of whom can sit in
    # some plan (the demo's data were built around a valid plan with slack).
    from cocreate_match.demo import demo_scenario

    s = demo_scenario()
    lot = lottery(s)
    assert lot.status is Status.OPTIMAL
    assert_certified(lot, gap=1e-6)
    per = lot.committee_probabilities()
    for k, m in enumerate(s.mandates):
        assert abs(per[:, k].sum() - m.citizen_seats) <= 1e-9
    assert min(lot.probabilities().values()) > 0
    baseline = lottery(s, method="legacy", samples=20)
    assert lot.min_probability >= baseline.min_probability - 1e-9
