"""Solver backends: each translates a :class:`LinearModel` and solves it. Imports are lazy."""

from __future__ import annotations

import math
import time
from enum import Enum
from typing import Any, Protocol

import numpy as np

from ..errors import InputError, Problem, SolverError
from .highs import new_highs
from .linear import LinearModel, LinearSolution


class Backend(Enum):
    """The solver behind :func:`~cocreate_match.solve`.

    HIGHS
        The HiGHS MIP solver through ``highspy`` (default): fast on these near-network
        models, with zero relative and absolute gaps.
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
        return LinearSolution("optimal", np.zeros(0), 0.0, 0.0, 0.0, lot_settled=True)
    return LinearSolution("infeasible", None, None, None, 0.0)


def _within_reach(model: LinearModel) -> tuple[np.ndarray, ...]:
    """The model's arrays with every row limit beyond the row's reach moved to just past it.

    A limit such as a quota's ``min = 10**20`` means the same as ``reach + 1`` (it cannot be
    met) and ``max = 10**20`` the same as no maximum; but HiGHS reads any value of 1e20 or
    more as infinite and CP-SAT takes only 64-bit integers. Moving a limit to one past the
    row's reach keeps exactly the same solutions for both.
    """
    lb, ub, obj, rows, cols, vals, row_lb, row_ub = model.arrays()
    high = np.zeros(model.n_rows)
    low = np.zeros(model.n_rows)
    np.add.at(high, rows, np.where(vals > 0, vals * ub[cols], vals * lb[cols]))
    np.add.at(low, rows, np.where(vals > 0, vals * lb[cols], vals * ub[cols]))
    row_lb = np.where(row_lb < low, -np.inf, np.minimum(row_lb, high + 1))
    row_ub = np.where(row_ub > high, np.inf, np.maximum(row_ub, low - 1))
    return lb, ub, obj, rows, cols, vals, row_lb, row_ub


# A rounded LP or MIP point is accepted only if it meets every row and bound to within this
# (the data are whole numbers, so a real solution meets them exactly).
ROW_TOLERANCE = 1e-9
# An LP solution is taken as integral when every value is within this of a whole number.
INTEGRALITY_TOLERANCE = 1e-6
# The LP shortcut proves a plan optimal only when its objective reaches the LP bound to within
# this; the objective is a whole number, so any real gap is at least 1.
BOUND_TOLERANCE = 1e-6
# A reduced cost or row dual larger than this (in absolute value) marks a bound or row that
# every optimal solution of the LP keeps (complementary slackness); the data are whole numbers
# of modest size, so true non-zero duals are far larger.
DUAL_TOLERANCE = 1e-6


def solve_highs(model: LinearModel, time_limit: float | None, seed: int, *,
                rel_gap: float = 0.0, secondary: np.ndarray | None = None) -> LinearSolution:
    """Solve with HiGHS (through ``highspy``) to zero relative and absolute optimality gaps.

    The LP relaxation comes first: these models are close to network flows, and their simplex
    solutions are usually integral already. A rounded LP solution is accepted as proven
    optimal only when it meets every row exactly and its objective reaches the LP bound (to
    ``BOUND_TOLERANCE``; the objective is a whole number). Otherwise branch and bound runs,
    and the reported bound is HiGHS' MIP dual bound.

    With ``secondary`` (whole-number weights per variable), a second stage picks, among the
    solutions of optimal primary objective, the one with the largest secondary value: the
    seeded lot among equally good plans. When the LP proved the primary optimum, the second
    stage runs on the LP's optimal face (every bound and row with a non-zero dual held where
    the optimum has it), which is exactly the set of optimal solutions and keeps the model's
    network structure; otherwise a row holds the primary objective at its optimum.
    """
    trivial = _trivial(model)
    if trivial is not None:
        return trivial
    import highspy

    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit

    def left() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    lb, ub, obj, rows, cols, vals, row_lb, row_ub = _within_reach(model)
    parts = (lb, ub, rows, cols, vals, row_lb, row_ub)
    h = new_highs(left())
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.passModel(_highs_lp(highspy, model.n_vars, model.n_rows, obj, parts))
    kind, x, lp_bound = _run_lp(h, parts, obj)
    if kind in ("infeasible", "time_limit"):
        return LinearSolution(kind, None, None, None, time.perf_counter() - start)
    on_face = kind == "integral"
    if on_face:
        assert x is not None
        status, value, bound = "optimal", float(obj @ x), lp_bound
    else:
        status, x, value, bound = _run_mip(h, model.n_vars, parts, obj, left())
        if x is None:
            return LinearSolution(status, None, None, bound, time.perf_counter() - start)
        if status == "optimal" and rel_gap == 0.0 and bound is not None:
            bound = min(bound, lp_bound)
    settled = False
    if secondary is not None and status == "optimal" and (left() is None or left() > 0):
        assert value is not None
        found = _lot_stage(h, highspy, model, parts, obj, x, round(value), secondary, on_face,
                           deadline)
        if found is not None:
            x, settled = found
    return LinearSolution(status, x, value, bound, time.perf_counter() - start,
                          lot_settled=settled)


def _highs_lp(highspy: Any, n: int, m: int, obj: np.ndarray,
              parts: tuple[np.ndarray, ...]) -> Any:
    from scipy.sparse import csc_array

    lb, ub, rows, cols, vals, row_lb, row_ub = parts
    matrix = csc_array((vals, (rows, cols)), shape=(m, n))
    matrix.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.asarray(obj, dtype=np.float64)
    lp.col_lower_ = lb
    lp.col_upper_ = ub
    inf = highspy.kHighsInf
    lp.row_lower_ = np.where(np.isfinite(row_lb), row_lb, -inf)
    lp.row_upper_ = np.where(np.isfinite(row_ub), row_ub, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    return lp


def _status(h: Any) -> str:
    import highspy

    code = h.getModelStatus()
    if code == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if code in (highspy.HighsModelStatus.kInfeasible,
                highspy.HighsModelStatus.kUnboundedOrInfeasible):
        # Every variable is bounded, so "unbounded or infeasible" can only be infeasible.
        return "infeasible"
    if code in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
        return "time_limit"
    raise SolverError(f"HiGHS stopped with status {h.modelStatusToString(code)}. Try "
                      "backend='cpsat', or report the scenario that caused it.")


def _set_time(h: Any, left: float | None) -> None:
    h.setOptionValue("time_limit", float("inf") if left is None else max(left, 0.001))


def _run_lp(h: Any, parts: tuple[np.ndarray, ...],
            obj: np.ndarray) -> tuple[str, np.ndarray | None, float]:
    """Solve the loaded model as an LP: ("integral" | "fractional" | "infeasible" |
    "time_limit", the rounded point when integral, the LP bound)."""
    h.run()
    status = _status(h)
    if status != "optimal":
        return status, None, math.inf
    lp_bound = float(h.getInfo().objective_function_value)
    raw = np.asarray(h.getSolution().col_value, dtype=np.float64)
    x = np.round(raw)
    if (np.abs(raw - x).max(initial=0.0) < INTEGRALITY_TOLERANCE and _meets_rows(parts, x)
            and float(obj @ x) >= lp_bound - BOUND_TOLERANCE):
        return "integral", x, lp_bound
    return "fractional", None, lp_bound


def _run_mip(h: Any, n: int, parts: tuple[np.ndarray, ...], obj: np.ndarray,
             left: float | None) -> tuple[str, np.ndarray | None, float | None, float | None]:
    """Branch and bound on the loaded model: (status, point, its objective, dual bound)."""
    import highspy

    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.full(n, highspy.HighsVarType.kInteger))
    # HiGHS' MIP presolve neither checks the time limit nor answers an interrupt, and on
    # these near-network models it reduces little (2% of the rows of a 20,000-citizen model)
    # while taking tens of seconds; branch and bound starts from the LP already solved.
    h.setOptionValue("presolve", "off")
    _set_time(h, left)
    h.run()
    status = _status(h)
    info = h.getInfo()
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
    if status == "infeasible":
        return status, None, None, None
    has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if not has_point:
        return "time_limit", None, None, bound
    x = np.round(np.asarray(h.getSolution().col_value, dtype=np.float64))
    if not _meets_rows(parts, x):
        raise SolverError("HiGHS returned a point that breaks a rule after rounding; try "
                          "backend='cpsat', or report the scenario that caused it.")
    return ("optimal" if status == "optimal" else "feasible"), x, float(obj @ x), bound


def _lot_stage(h: Any, highspy: Any, model: LinearModel, parts: tuple[np.ndarray, ...],
               obj: np.ndarray, x: np.ndarray, best: int, secondary: np.ndarray,
               on_face: bool, deadline: float | None) -> tuple[np.ndarray, bool] | None:
    """Among solutions with primary objective ``best``, the one with the largest
    ``secondary`` value: (point, proven) or None when none was found in time."""
    n = model.n_vars
    idx = np.arange(n, dtype=np.int32)
    if on_face:
        solution = h.getSolution()
        reduced = np.asarray(solution.col_dual, dtype=np.float64)
        duals = np.asarray(solution.row_dual, dtype=np.float64)
        held = np.abs(reduced) > DUAL_TOLERANCE
        lower = np.where(held, x, parts[0])
        upper = np.where(held, x, parts[1])
        h.changeColsBounds(n, idx, lower, upper)
        activity = np.zeros(model.n_rows)
        np.add.at(activity, parts[2], parts[4] * x[parts[3]])
        tight = np.flatnonzero(np.abs(duals) > DUAL_TOLERANCE).astype(np.int32)
        if tight.size:
            h.changeRowsBounds(tight.size, tight, activity[tight], activity[tight])
    else:
        nonzero = np.flatnonzero(obj).astype(np.int32)
        h.addRow(float(best), highspy.kHighsInf, nonzero.size, nonzero, obj[nonzero])
    h.changeColsCost(n, idx, np.asarray(secondary, dtype=np.float64))

    def left() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    if on_face:
        _set_time(h, left())
        kind, point, _ = _run_lp(h, parts, secondary)
        if kind == "integral" and point is not None and round(float(obj @ point)) == best:
            return point, True
        if kind == "time_limit":
            return None
    status, point, _, _ = _run_mip(h, n, parts, secondary, left())
    if point is None or round(float(obj @ point)) != best:
        return None
    return point, status == "optimal"


def _meets_rows(parts: tuple[np.ndarray, ...], x: np.ndarray) -> bool:
    """Whether a rounded point meets every row and bound (a guard on every accepted point)."""
    lb, ub, rows, cols, vals, row_lb, row_ub = parts
    activity = np.zeros(row_lb.shape[0])
    np.add.at(activity, rows, vals * x[cols])
    return bool(np.all(activity >= row_lb - ROW_TOLERANCE)
                and np.all(activity <= row_ub + ROW_TOLERANCE)
                and np.all(x >= lb) and np.all(x <= ub))


def solve_cpsat(model: LinearModel, time_limit: float | None, seed: int, *,
                secondary: np.ndarray | None = None) -> LinearSolution:
    """Solve with OR-Tools CP-SAT (one worker, so that the same seed gives the same plan).

    With ``secondary``, a second solve keeps the primary objective at its proven optimum and
    maximises ``secondary`` (the seeded lot among equally good plans), as
    :func:`solve_highs` does.
    """
    trivial = _trivial(model)
    if trivial is not None:
        return trivial
    from ortools.sat.python import cp_model

    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    lb, ub, obj, rows, cols, vals, row_lb, row_ub = _within_reach(model)
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
    primary = sum(int(c) * x[i] for i, c in enumerate(obj) if c)
    m.maximize(primary)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed % 2**31  # CP-SAT takes a 32-bit seed
    if deadline is not None:
        solver.parameters.max_time_in_seconds = max(time_limit or 0.0, 0.01)
    code = solver.solve(m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.array([solver.value(v) for v in x], dtype=np.float64)
        status = "optimal" if code == cp_model.OPTIMAL else "feasible"
        value = float(obj @ values)
        bound = float(solver.best_objective_bound)
        settled = False
        left = None if deadline is None else deadline - time.perf_counter()
        if secondary is not None and status == "optimal" and (left is None or left > 0):
            m.add(primary >= round(value))
            m.maximize(sum(int(c) * x[i] for i, c in enumerate(secondary) if c))
            for var, v in zip(x, values, strict=True):
                m.add_hint(var, int(v))
            if left is not None:
                solver.parameters.max_time_in_seconds = max(left, 0.01)
            second = solver.solve(m)
            if second in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                values = np.array([solver.value(v) for v in x], dtype=np.float64)
                settled = second == cp_model.OPTIMAL
        return LinearSolution(status, values, value, bound, time.perf_counter() - start,
                              lot_settled=settled)
    seconds = time.perf_counter() - start
    if code == cp_model.INFEASIBLE:
        return LinearSolution("infeasible", None, None, None, seconds)
    if code == cp_model.UNKNOWN:
        return LinearSolution("time_limit", None, None, None, seconds)
    raise SolverError(f"CP-SAT stopped with status {solver.status_name(code)}: "
                      f"{m.validate() or 'no reason given'}.")


class Run(Protocol):
    """A backend's solve function."""

    def __call__(self, model: LinearModel, time_limit: float | None, seed: int, *,
                 secondary: np.ndarray | None = None) -> LinearSolution: ...


SOLVERS: dict[Backend, Run] = {
    Backend.HIGHS: solve_highs,
    Backend.CPSAT: solve_cpsat,
}
