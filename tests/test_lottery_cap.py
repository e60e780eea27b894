"""Capped lotteries ("Goldilocks"): nobody's chance above ``max_probability``.

Checked against a brute-force capped LEXIMIN over every valid seating of tiny scenarios (LPs
written here with SciPy, not the library's model), the smallest cap against a brute-force
min-max, and on larger pools by re-pricing each level's proof with an independent CP-SAT
model.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from scipy.optimize import linprog

from cocreate_match import InputError, Scenario, Status, check_plan, lottery
from routes import ROUTES, route
from strategies import feasible_scenarios
from test_lottery import citizen_seatings
from test_lottery_evidence import citizen_weights, cpsat_best, panel_value
from test_lottery_relaxation import quota_pool


def incidence(scenario: Scenario, seatings: list[frozenset[str]]) -> np.ndarray:
    return np.array([[c.id in s for s in seatings] for c in scenario.citizens], dtype=float)


def smallest_cap(a: np.ndarray) -> float:
    """min over lotteries of the largest chance: min t with a @ w <= t, sum w = 1."""
    n, m = a.shape
    res = linprog(np.r_[np.zeros(m), 1.0], A_ub=np.hstack([a, -np.ones((n, 1))]),
                  b_ub=np.zeros(n), A_eq=np.r_[np.ones(m), 0.0][None, :], b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    assert res.status == 0
    return float(res.x[-1])


def capped_leximin(a: np.ndarray, cap: float) -> list[float]:
    """LEXIMIN per citizen over lotteries with every chance at most ``cap``."""
    n, m = a.shape
    value = {i: 0.0 for i in range(n) if not a[i].any()}
    cap_rows = (a, np.full(n, cap + 1e-12))

    def solve(objective: np.ndarray, floors: dict[int, float], z: bool) -> tuple[float, float]:
        cols = m + (1 if z else 0)
        rows, rhs = [np.hstack([cap_rows[0], np.zeros((n, cols - m))])], [cap_rows[1]]
        for i, low in floors.items():
            row = np.zeros(cols)
            row[:m] = -a[i]
            if z and low is None:
                row[m] = 1.0
                rhs.append(np.zeros(1))
            else:
                rhs.append(np.array([-low]))
            rows.append(row[None, :])
        res = linprog(-objective, A_ub=np.vstack(rows), b_ub=np.concatenate(rhs),
                      A_eq=np.r_[np.ones(m), np.zeros(cols - m)][None, :], b_eq=[1.0],
                      bounds=[(0, None)] * m + [(None, None)] * (cols - m), method="highs")
        assert res.status == 0, res.message
        return float(-res.fun), float(res.x[-1])

    while len(value) < n:
        free = [i for i in range(n) if i not in value]
        floors: dict[int, float | None] = {i: value[i] - 1e-10 for i in value}
        floors.update(dict.fromkeys(free))
        _, z = solve(np.r_[np.zeros(m), 1.0], floors, z=True)  # type: ignore[arg-type]
        level = {i: value[i] - 1e-10 for i in value} | {i: z - 1e-10 for i in free}
        newly = [i for i in free if solve(a[i], level, z=False)[0] <= z + 1e-7]
        assert newly
        value.update(dict.fromkeys(newly, z))
    return [value[i] for i in range(n)]


TINY = {"max_committees": 2, "max_citizen_seats": 3, "max_politician_seats": 1,
        "min_citizens": 3, "max_citizens": 7, "max_politicians": 2}


@settings(max_examples=25, deadline=None)
@given(scenario=feasible_scenarios(**TINY).filter(
    lambda s: any(m.citizen_seats for m in s.mandates)))
@pytest.mark.parametrize("way", ROUTES)
def test_capped_leximin_matches_brute_force(scenario: Scenario, way: str) -> None:
    seatings = citizen_seatings(scenario)
    a = incidence(scenario, seatings)
    least = smallest_cap(a)
    # Just above the least cap, where it binds hardest, and half-way to 1.
    for cap in (min(1.0, least + 0.01), (least + 1.0) / 2):
        with route(way):
            lot = lottery(scenario, max_probability=cap)
        assert lot.status is Status.OPTIMAL
        got = list(lot.probabilities().values())
        assert max(got) <= cap + 1e-9
        assert np.allclose(got, capped_leximin(a, cap), atol=1e-6), (cap, got)
        for _, plan in lot.plans():
            assert check_plan(scenario, plan) == ()
    if least > 1e-6:  # every lottery seats someone: a cap below the least is refused
        with route(way), pytest.raises(InputError) as err:
            lottery(scenario, max_probability=least / 2)
        (problem,) = err.value.problems
        assert problem.column == "max_probability"
        stated = float(problem.message.rsplit(": ", 1)[1])
        assert stated == pytest.approx(least, abs=1e-7)


@pytest.mark.parametrize("way", ROUTES)
def test_a_cap_on_a_quota_pool_lowers_the_top_and_its_proofs_reprice(way: str) -> None:
    s = quota_pool(120, 12, 0)
    free = lottery(s)
    top = max(free.probabilities().values())
    assert top > 0.9  # the quotas lift a few applicants to certainty in the LEXIMIN
    with route(way):
        capped = lottery(s, max_probability=0.8)
    chances = capped.probabilities()
    assert max(chances.values()) <= 0.8 + 1e-9
    # The cap moves chance from the top to others; the total is the panel size.
    assert sum(chances.values()) == pytest.approx(12)
    assert capped.min_probability <= free.min_probability + 1e-9
    best = cpsat_best(s)
    for level, cert in enumerate(capped.certificates):
        weights = citizen_weights(capped, level)
        plan = capped.certificate_plan(cert)
        assert check_plan(s, plan) == ()
        assert panel_value(weights, plan.seated_citizens) == pytest.approx(cert.pricing_bound,
                                                                           abs=1e-7)
        assert best(weights) <= cert.dual_value + 1e-7
        assert cert.gap <= 1e-9


def test_bad_caps_are_named() -> None:
    s = quota_pool(40, 4, 1)
    for bad in (0, -0.1, 1.5, "high", True):
        with pytest.raises(InputError) as err:
            lottery(s, max_probability=bad)  # type: ignore[arg-type]
        assert [p.column for p in err.value.problems] == ["max_probability"]
    with pytest.raises(InputError) as err:
        lottery(s, method="legacy", max_probability=0.5)
    assert [p.column for p in err.value.problems] == ["max_probability"]
