"""Least relaxation: a plan that meets every seat rule and breaks as few other rules as it can.

Each row of a rule that may be broken gets a slack variable for each finite limit, and each such
rule a 0/1 variable that must be 1 for its slacks to be positive. Three solves, each keeping
the best value of the one before: fewest broken rules, then smallest total shortfall, then the
usual objective. Solving in stages keeps each goal exact, where one weighted objective would
need weights large enough to upset the solver's tolerances.

No coefficient or bound of the relaxed model depends on how far a limit lies beyond what a row
can reach. A row's activity always lies between the least and the most it can reach (from the
variables' bounds), so a limit outside that range is broken by every plan, by a constant part
(the distance from the limit to the range) plus what the plan leaves between the range's end
and the activity. The row is held to the range's end instead, its rule is marked broken, and
its slack measures only the part that plans can change: at most the row's own range. The
constants are the same for every plan, so leaving them out of the shortfall changes no choice.
A quota minimum of ``10**15`` thus gives the same model as a minimum equal to the seats.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario
from .linear import IntArray, LinearModel, LinearSolution, is_structural, row_reach

Run = Callable[[LinearModel, float | None, int], LinearSolution]

# A stage started with less time than this left is given this much, so that a solver asked
# for a plan gets a chance to return the one it finds first.
LEAST_STAGE_SECONDS = 0.01


def seat_rules(scenario: Scenario) -> set[str]:
    """The rules never relaxed: a committee with empty seats is not a plan."""
    return {name for name, rule in scenario.rules().items() if rule.kind.is_seat_rule}


def solve_relaxed(model: LinearModel, hard: set[str], run: Run, time_limit: float | None,
                  seed: int, *, tiers: Sequence[np.ndarray] = ()) -> LinearSolution:
    """Solve ``model`` breaking the fewest rules not in ``hard`` by the smallest total shortfall.

    Returns the solution over the model's own variables (the slacks dropped), with status
    ``optimal`` when the fewest rules and smallest shortfall are proven, and the score's
    bound (equal to the objective when the score is proven best too); ``feasible`` when the
    time limit came first (the best plan found, not proven least); ``infeasible`` when even
    the seat rules cannot all be met; ``time_limit`` when no plan was found in time.

    ``tiers`` (objectives over the model's columns, such as the seats of a plan in force
    kept) come after the shortfall and before the score, each as a stage of its own.

    Without a time limit every stage runs to proof, so the result does not depend on the
    machine's speed. With one, each stage gets what is left of it; a stage that finds no plan
    in time leaves the previous stage's plan as the answer.
    """
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    elastic = _elastic(model, hard)
    n = model.n_vars

    def left() -> float | None:
        if deadline is None:
            return None
        return max(deadline - time.perf_counter(), LEAST_STAGE_SECONDS)

    def out_of_time() -> bool:
        return deadline is not None and time.perf_counter() >= deadline

    score = np.zeros(elastic.model.n_vars)
    score[:n] = model.arrays()[2]
    seconds = 0.0
    proven = True
    last_x: np.ndarray | None = None
    stages: list[np.ndarray | None] = []
    for counted in (elastic.flags, elastic.slacks):
        obj = np.zeros(elastic.model.n_vars)
        obj[counted] = -1.0
        stages.append(obj)
    for tier in tiers:
        obj = np.zeros(elastic.model.n_vars)
        obj[:n] = tier
        stages.append(obj)
    stages.append(None)
    for stage in stages:
        if last_x is not None and out_of_time():
            break
        obj = score if stage is None else stage
        found = run(_with(elastic.model, obj), left(), seed)
        seconds += found.seconds
        if found.x is None:
            if last_x is None:  # no plan at all: infeasible, or out of time before any
                return LinearSolution(found.status, None, None, None, seconds)
            break
        last_x = found.x
        if stage is None:
            x = found.x[:n]
            value = float(score[:n] @ x)
            bound = value if found.status == "optimal" else found.bound
            # "optimal": the fewest rules by the smallest shortfall is proven; whether the
            # score is the best among such plans shows in the bound.
            return LinearSolution("optimal" if proven else "feasible", x, value, bound, seconds)
        proven = proven and found.status == "optimal"
        # Later stages keep this stage's best (the value found, when not proven).
        best = float(np.rint(found.objective or 0.0))
        nonzero = np.flatnonzero(obj)
        elastic.model.add_row("_relax/limit", nonzero, best, np.inf, obj[nonzero])
    # Out of time before the last stage ended: the plan of the last stage that found one.
    assert last_x is not None
    x = last_x[:n]
    stages_done = proven and stage is None
    return LinearSolution("optimal" if stages_done else "feasible", x,
                          float(score[:n] @ x), None, seconds)


def _with(model: LinearModel, obj: np.ndarray) -> LinearModel:
    copy = model.copy()
    copy.obj = [obj]
    return copy


@dataclass(frozen=True, slots=True)
class _Elastic:
    """The model with slacks: the 0/1 variable of each rule that may be broken (1 when it
    is), and the slack variables, whose sum is the shortfall plans can change."""

    model: LinearModel
    flags: IntArray
    slacks: IntArray


def _elastic(model: LinearModel, hard: set[str]) -> _Elastic:
    """The model with slacks on every rule that may be broken."""
    elastic = model.copy()
    lb, ub, _, rows, cols, vals, row_lb, row_ub = model.arrays()
    low, high = row_reach(lb, ub, rows, cols, vals, model.n_rows)
    # Limits beyond the row's reach move to the end of its reach; their rules are broken by
    # every plan.
    soft_row = np.array([not is_structural(r) and r not in hard for r in model.row_rule],
                        dtype=bool)
    lo = np.where(soft_row, np.minimum(row_lb, high), row_lb)
    hi = np.where(soft_row, np.maximum(row_ub, low), row_ub)
    always = {model.row_rule[r] for r in np.flatnonzero((lo < row_lb) | (hi > row_ub))}
    elastic.row_lb = lo.tolist()
    elastic.row_ub = hi.tolist()

    soft = [r for r in model.rules() if r not in hard]
    flags = elastic.add_variables([1.0 if r in always else 0.0 for r in soft],
                                  np.ones(len(soft)), np.zeros(len(soft)))
    flag_of = dict(zip(soft, flags.tolist(), strict=True))
    slack_list: list[int] = []
    for row in np.flatnonzero(soft_row).tolist():
        rule = model.row_rule[row]
        for limit, sign, reach in ((lo[row], 1.0, lo[row] - low[row]),
                                   (hi[row], -1.0, high[row] - hi[row])):
            if not np.isfinite(limit) or reach <= 0:
                continue  # this side of the rule can never be broken by more than a constant
            # reach <= high - low: what the row's own variables can move, whatever the limit.
            [s] = elastic.add_variables([0.0], [reach], [0.0])
            elastic.add_entries(np.array([row]), np.array([s]), np.array([sign]))
            elastic.add_row(f"_relax/{rule}", [s, flag_of[rule]], -np.inf, 0.0, [1.0, -reach])
            slack_list.append(int(s))
    return _Elastic(elastic, flags, np.asarray(slack_list, dtype=np.int64))
