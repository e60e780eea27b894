"""A plan drawn from the LEXIMIN lottery over the plans of optimal score (``solve(fair=True)``).

The ordinary solve seats, among equally good plans, the one the seed's priorities favour:
applicants alike in every rule have equal chances, but applicants that some rule tells apart
may not. The fair draw first computes the LEXIMIN lottery over every plan that reaches the
optimal score (quality floor 1.0): the smallest chance of a seat is as large as the rules
allow, then the next smallest, and so on. It then draws one plan from it with the seed and
reports every citizen's chance beside the plan.
"""

from __future__ import annotations

import dataclasses
import time

from .check import plan_score
from .result import SolveResult, Status
from .scenario import Scenario


def fair_result(scenario: Scenario, *, seed: int, time_limit: float | None,
                fallback: SolveResult, spent: float = 0.0) -> SolveResult:
    """The fair draw, given the ordinary solve's ``fallback`` result of the same scenario,
    which took ``spent`` seconds.

    When the ordinary solve found no proven optimal plan, there is no optimal score to hold
    the lottery to, and ``fallback`` is returned as it is. The lottery starts with a solve of
    its own, so with less time left than the ordinary solve took, it is not started (a time
    limit holds) and ``fallback`` is returned with a message saying so.
    """
    from .lottery import lottery

    if fallback.status is not Status.OPTIMAL:
        return fallback
    if time_limit is not None and time_limit < spent:
        return fallback.noted("CM-R013")
    started = time.perf_counter()
    found = lottery(scenario, method="leximin", seed=seed, quality_floor=1.0,
                    time_limit=time_limit)
    if not found.panels:
        return fallback.noted("CM-R014")
    plan = found.draw(seed)
    chances = found.probabilities()
    proven = found.status is Status.OPTIMAL
    seatable = [p for p in chances.values() if p > 1e-9]
    out = len(chances) - len(seatable)
    # The smallest chance (R015), among those who can sit when some cannot (R016); the same
    # when the time limit came before every level was proven (R017, R018).
    code = {(False, True): "CM-R015", (True, True): "CM-R016",
            (False, False): "CM-R017", (True, False): "CM-R018"}[bool(out), proven]
    params: dict[str, float] = {"smallest": min(seatable, default=0.0)}
    if out:
        params |= {"seatable": len(seatable), "out": out}
    return dataclasses.replace(
        fallback, plan=plan, objective=plan_score(scenario, plan), code=code, params=params,
        notes=(), chances=chances, lot_complete=proven,
        solve_time=fallback.solve_time + time.perf_counter() - started)
