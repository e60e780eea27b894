"""Solver backends: each translates a :class:`LinearModel` and solves it. Imports are lazy."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from enum import Enum

import numpy as np

from ..errors import InputError, Problem, SolverError
from .linear import LinearModel, LinearSolution


class Backend(Enum):
    """The solver behind :func:`~cocreate_match.solve`.

    HIGHS
        The HiGHS MIP solver through SciPy (default): fast on these near-network models.
    CPSAT
        OR-Tools CP-SAT, a second opinion; deterministic (one worker).
    """

    HIGHS = "highs"
    CPSAT = "cpsat"

    @classmethod
    def parse(cls, value: Backend | str) -> Backend:
        if isinstance(value, Backend):
            return value
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(repr(b.value) for b in cls)
            raise InputError([Problem(message=f"backend must be one of {names}",
                                      column="backend", value=value)]) from None


def _trivial(model: LinearModel) -> LinearSolution | None:
    """A model without variables is feasible exactly when 0 meets every row."""
    if model.n_vars:
        return None
    ok = all(lo <= 0 <= hi for lo, hi in zip(model.row_lb, model.row_ub, strict=True))
    if ok:
        return LinearSolution("optimal", np.zeros(0), 0.0, 0.0, 0.0)
    return LinearSolution("infeasible", None, None, None, 0.0)


def solve_highs(model: LinearModel, time_limit: float | None, seed: int, *,
                rel_gap: float = 0.0) -> LinearSolution:
    """Solve with HiGHS (scipy.optimize.milp) to a zero optimality gap.

    The LP relaxation comes first: these models are close to network flows, and their simplex
    solutions are usually integral already, which proves optimality at once (HiGHS' MIP
    presolve and heuristics can take a minute on a model whose LP takes a second). Only a
    fractional LP goes on to branch and bound.
    """
    trivial = _trivial(model)
    if trivial is not None:
        return trivial
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    lb, ub, obj, rows, cols, vals, row_lb, row_ub = model.arrays()
    matrix_parts = (lb, ub, rows, cols, vals, row_lb, row_ub)
    constraints = []
    if model.n_rows:
        matrix = csr_array((vals, (rows, cols)), shape=(model.n_rows, model.n_vars))
        constraints.append(LinearConstraint(matrix, row_lb, row_ub))
    bounds = Bounds(lb, ub)
    start = time.perf_counter()

    def options() -> dict[str, float | bool]:
        chosen: dict[str, float | bool] = {"mip_rel_gap": rel_gap, "presolve": True}
        if time_limit is not None:
            chosen["time_limit"] = max(time_limit - (time.perf_counter() - start), 0.01)
        return chosen

    # HiGHS is deterministic for a given model; its own seed stays at the default.
    lp = milp(-obj, integrality=np.zeros(model.n_vars), bounds=bounds,
              constraints=constraints, options=options())
    if lp.status == 2:
        return LinearSolution("infeasible", None, None, None, time.perf_counter() - start)
    if lp.status == 0:
        lp_bound = -float(lp.fun)
        x = np.round(lp.x)
        if np.abs(lp.x - x).max(initial=0.0) < 1e-6 and _meets_rows(matrix_parts, x):
            value = float(obj @ x)
            return LinearSolution("optimal", x, value, lp_bound, time.perf_counter() - start)
    elif lp.status == 1:
        return LinearSolution("time_limit", None, None, None, time.perf_counter() - start)
    else:
        raise SolverError(f"HiGHS stopped with status {lp.status} on the LP relaxation: "
                          f"{lp.message}. Try backend='cpsat', or report the scenario.")
    res = milp(-obj, integrality=np.ones(model.n_vars), bounds=bounds,
               constraints=constraints, options=options())
    seconds = time.perf_counter() - start
    bound = getattr(res, "mip_dual_bound", None)
    bound = lp_bound if bound is None or not math.isfinite(bound) else min(-float(bound),
                                                                          lp_bound)
    if res.status == 0:
        x = np.round(res.x)
        value = float(obj @ x)
        proven = value if rel_gap == 0.0 else max(value, bound)
        return LinearSolution("optimal", x, value, proven, seconds)
    if res.status == 2:
        return LinearSolution("infeasible", None, None, None, seconds)
    if res.status == 1:
        if res.x is not None:
            x = np.round(res.x)
            return LinearSolution("feasible", x, float(obj @ x), bound, seconds)
        return LinearSolution("time_limit", None, None, bound, seconds)
    raise SolverError(f"HiGHS stopped with status {res.status}: {res.message}. "
                      "Try backend='cpsat', or report the scenario that caused it.")


def _meets_rows(parts: tuple[np.ndarray, ...], x: np.ndarray) -> bool:
    """Whether a rounded point meets every row and bound exactly (a guard on the LP shortcut)."""
    lb, ub, rows, cols, vals, row_lb, row_ub = parts
    activity = np.zeros(row_lb.shape[0])
    np.add.at(activity, rows, vals * x[cols])
    return bool(np.all(activity >= row_lb - 1e-9) and np.all(activity <= row_ub + 1e-9)
                and np.all(x >= lb) and np.all(x <= ub))


def solve_cpsat(model: LinearModel, time_limit: float | None, seed: int) -> LinearSolution:
    """Solve with OR-Tools CP-SAT (one worker, so that the same seed gives the same plan)."""
    trivial = _trivial(model)
    if trivial is not None:
        return trivial
    from ortools.sat.python import cp_model

    lb, ub, obj, rows, cols, vals, row_lb, row_ub = model.arrays()
    m = cp_model.CpModel()
    x = [m.new_int_var(int(lo), int(hi), "") for lo, hi in zip(lb, ub, strict=True)]
    order = np.argsort(rows, kind="stable")
    rows, cols, vals = rows[order], cols[order], vals[order]
    bounds = np.searchsorted(rows, np.arange(model.n_rows + 1))
    for r in range(model.n_rows):
        s, e = bounds[r], bounds[r + 1]
        expr = sum(int(v) * x[c] for c, v in zip(cols[s:e], vals[s:e], strict=True))
        lo, hi = row_lb[r], row_ub[r]
        domain_lo = math.ceil(lo) if math.isfinite(lo) else cp_model.INT32_MIN
        domain_hi = math.floor(hi) if math.isfinite(hi) else cp_model.INT32_MAX
        m.add_linear_constraint(expr, domain_lo, domain_hi)
    m.maximize(sum(int(c) * x[i] for i, c in enumerate(obj) if c))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed % 2**31  # CP-SAT takes a 32-bit seed
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    start = time.perf_counter()
    code = solver.solve(m)
    seconds = time.perf_counter() - start
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.array([solver.value(v) for v in x], dtype=np.float64)
        status = "optimal" if code == cp_model.OPTIMAL else "feasible"
        return LinearSolution(status, values, float(obj @ values),
                              float(solver.best_objective_bound), seconds)
    if code == cp_model.INFEASIBLE:
        return LinearSolution("infeasible", None, None, None, seconds)
    if code == cp_model.UNKNOWN:
        return LinearSolution("time_limit", None, None, None, seconds)
    raise SolverError(f"CP-SAT stopped with status {solver.status_name(code)}: "
                      f"{m.validate() or 'no reason given'}.")


SOLVERS: dict[Backend, Callable[[LinearModel, float | None, int], LinearSolution]] = {
    Backend.HIGHS: solve_highs,
    Backend.CPSAT: solve_cpsat,
}
