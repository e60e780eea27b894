"""Least relaxation: a plan that meets every seat rule and breaks as few other rules as it can.

Each row of a rule that may be broken gets a slack variable for each finite limit, and each such
rule a 0/1 variable that must be 1 for its slacks to be positive. Three solves, each keeping
the best value of the one before: fewest broken rules, then smallest total shortfall, then the
usual objective. Solving in stages keeps each goal exact, where one weighted objective would
need weights large enough to upset the solver's tolerances.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from ..scenario import Scenario
from .linear import LinearModel, LinearSolution, is_structural

Run = Callable[[LinearModel, float | None, int], LinearSolution]

SCORE_STAGE_SECONDS = 10.0
SCORE_STAGE_FACTOR = 2.0


def seat_rules(scenario: Scenario) -> set[str]:
    """The rules never relaxed: a committee with empty seats is not a plan."""
    return {name for name, ref in scenario.rules().items()
            if ref.kind in ("seats_citizens", "seats_politicians")}


def solve_relaxed(model: LinearModel, hard: set[str], run: Run, time_limit: float | None,
                  seed: int) -> LinearSolution:
    """Solve ``model`` breaking the fewest rules not in ``hard`` by the smallest total shortfall.

    Returns the solution over the model's own variables (the slacks dropped), with status
    ``optimal`` when the fewest rules and smallest shortfall are proven, and the score's
    bound (equal to the objective when the score is proven best too); ``infeasible`` when
    even the seat rules cannot all be met.
    """
    start = time.perf_counter()
    elastic, rule_flags, slacks = _elastic(model, hard)
    n = model.n_vars

    def remaining() -> float | None:
        return None if time_limit is None else max(time_limit - (time.perf_counter() - start), 0.01)

    seconds = 0.0
    proven = True
    last_x: np.ndarray | None = None
    for counted in (rule_flags, slacks):
        obj = np.zeros(elastic.n_vars)
        obj[counted] = -1.0
        found = run(_with(elastic, obj), remaining(), seed)
        seconds += found.seconds
        proven = proven and found.status == "optimal"
        if found.x is None:
            return LinearSolution(found.status, None, None, None, seconds)
        last_x = found.x
        # Later stages keep this stage's best (the value found, when not proven).
        best = float(np.rint(-(found.objective or 0.0)))
        elastic.add_row("_relax/limit", counted, -np.inf, best)
    obj = np.zeros(elastic.n_vars)
    obj[:n] = model.arrays()[2]
    # The score among least-relaxed plans is a tie-break, and proving it can take far longer
    # than the relaxation itself (politicians' budgets broken by dozens of seats): it gets a
    # budget of its own, and the plan is reported as not proven best when it runs out.
    budget = max(SCORE_STAGE_SECONDS, SCORE_STAGE_FACTOR * seconds)
    left = remaining()
    found = run(_with(elastic, obj), budget if left is None else min(left, budget), seed)
    if found.x is None:  # out of time before any plan: the stage-2 plan is still least-relaxed
        found = LinearSolution("feasible", last_x, None, None, found.seconds)
    seconds += found.seconds
    x = None if found.x is None else found.x[:n]
    value = None if x is None else float(obj[:n] @ x)
    bound = value if found.status == "optimal" else found.bound
    # "optimal": the fewest rules by the smallest shortfall is proven; whether the score is the
    # best among such plans shows in the bound.
    return LinearSolution("optimal" if proven else "feasible", x, value, bound, seconds)


def _with(model: LinearModel, obj: np.ndarray) -> LinearModel:
    copy = model.copy()
    copy.obj = [obj]
    return copy


def _elastic(model: LinearModel, hard: set[str]) -> tuple[LinearModel, np.ndarray, np.ndarray]:
    """The model with slacks on every rule that may be broken; (model, rule flags, slacks)."""
    elastic = model.copy()
    lb, ub, _, rows, cols, vals, row_lb, row_ub = model.arrays()
    # The most a row's activity can reach, and the least: bounds on any excess or shortfall.
    high = np.zeros(model.n_rows)
    low = np.zeros(model.n_rows)
    np.add.at(high, rows, np.where(vals > 0, vals * ub[cols], vals * lb[cols]))
    np.add.at(low, rows, np.where(vals > 0, vals * lb[cols], vals * ub[cols]))
    soft = [r for r in model.rules() if r not in hard]
    flags = elastic.add_variables(np.zeros(len(soft)), np.ones(len(soft)), np.zeros(len(soft)))
    flag_of = dict(zip(soft, flags.tolist(), strict=True))
    slack_list: list[int] = []
    for row, rule in enumerate(model.row_rule):
        if is_structural(rule) or rule not in flag_of:
            continue
        for limit, sign, reach in ((row_lb[row], 1.0, row_lb[row] - low[row]),
                                   (row_ub[row], -1.0, high[row] - row_ub[row])):
            if not np.isfinite(limit) or reach <= 0:
                continue  # this side of the rule can never be broken
            [s] = elastic.add_variables([0.0], [reach], [0.0])
            elastic.add_entries(np.array([row]), np.array([s]), np.array([sign]))
            elastic.add_row(f"_relax/{rule}", [s, flag_of[rule]], -np.inf, 0.0, [1.0, -reach])
            slack_list.append(int(s))
    return elastic, flags, np.asarray(slack_list, dtype=np.int64)
