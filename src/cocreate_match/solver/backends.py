"""Solver backends: each translates a :class:`LinearModel` and solves it. Imports are lazy."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, Protocol

import numpy as np

from .._validate import parse_choice
from ..errors import SolverError
from ..messages import log_message
from .highs import new_highs
from .linear import FloatArray, LinearModel, LinearSolution, Lot, row_reach

log = logging.getLogger("cocreate_match.solve")


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
        """The backend named by ``value``; InputError (column ``backend``) for any other."""
        return parse_choice(cls, value, "backend")


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
    low, high = row_reach(lb, ub, rows, cols, vals, model.n_rows)
    row_lb = np.where(row_lb < low, -np.inf, np.minimum(row_lb, high + 1))
    row_ub = np.where(row_ub > high, np.inf, np.maximum(row_ub, low - 1))
    return lb, ub, obj, rows, cols, vals, row_lb, row_ub


def _out_of_reach(parts: tuple[np.ndarray, ...]) -> bool:
    """Whether some row's limit lies beyond what the row can reach (after
    :func:`_within_reach`, one past it): then no point meets the rows, and the LP need not
    find that out. (Without presolve, which the LPs here run without, the simplex took longer
    to prove it than a 0.05 s time limit allowed on 3,000 applicants.)"""
    lb, ub, rows, cols, vals, row_lb, row_ub = parts
    low, high = row_reach(lb, ub, rows, cols, vals, row_lb.shape[0])
    return bool(np.any(row_lb > high) or np.any(row_ub < low))


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
# The repair near a fractional LP point (see _repair): rows over more columns than this do
# not widen the neighbourhood, and the search there gets at most this many seconds.
REPAIR_ROW = 2000
REPAIR_SECONDS = 10.0


def solve_highs(model: LinearModel, time_limit: float | None, seed: int, *,
                rel_gap: float = 0.0, tiers: Sequence[FloatArray] = (),
                secondary: Lot | None = None, lot_share: float = 1.0) -> LinearSolution:
    """Solve with HiGHS (through ``highspy``) to zero relative and absolute optimality gaps.

    The LP relaxation comes first: these models are close to network flows, and their simplex
    solutions are usually integral already. A rounded LP solution is accepted as proven
    optimal only when it meets every row exactly and its objective reaches the LP bound (to
    ``BOUND_TOLERANCE``; the objective is a whole number). Otherwise :func:`_search` repairs
    the LP point and, if that does not reach the bound, searches where the LP's duals allow
    a better point; the reported bound is the LP bound rounded down, or HiGHS' MIP dual
    bound.

    With ``tiers`` (objectives over the model's columns, whole numbers), the solve is
    lexicographic: the first tier is maximised, then each next one among the solutions
    optimal for all before it, and the model's own objective last. ``objective`` and
    ``bound`` are the model's objective; with tiers the bound is known only once every stage
    is proven (it then equals the objective).

    With ``secondary`` (a :class:`Lot` of whole-number weights), a further stage picks, among
    the solutions optimal for every objective, the one with the largest lot value: the
    seeded lot among equally good plans. When the LP proved a stage's optimum, the next stage
    runs on that LP's optimal face (every bound and row with a non-zero dual held where the
    optimum has it), which is exactly the set of optimal solutions and keeps the model's
    network structure; otherwise a row holds the stage's objective at its optimum, and the
    columns and rows that the LP's duals show every optimal point keeps are fixed. With a
    time limit, the lot may use at most ``lot_share`` of the time left after the objectives
    (so that a later model still has time); when it runs out, the solution found for the
    objectives stands, with ``lot_settled`` False.
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
    if _out_of_reach(parts):
        return LinearSolution("infeasible", None, None, None, time.perf_counter() - start)
    n = model.n_vars
    objectives = [np.asarray(t, dtype=np.float64) for t in tiers] + [obj]
    h = new_highs(left())
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.passModel(_highs_lp(highspy, n, model.n_rows, objectives[0], parts))
    kind, x, lp_bound = _run_lp(h, parts, objectives[0], n)
    if kind in ("infeasible", "time_limit"):
        return LinearSolution(kind, None, None, None, time.perf_counter() - start)
    by_lp = kind == "integral"
    duals: np.ndarray | None = None
    bound: float | None
    if by_lp:
        assert x is not None
        status, bound = "optimal", lp_bound
    else:
        status, x, bound, duals = _search(h, highspy, n, parts, objectives[0], lp_bound,
                                          left, presolve=False, exact=rel_gap == 0.0)
        if x is None:
            return LinearSolution(status, None, None, None if tiers else bound,
                                  time.perf_counter() - start)
        if status == "optimal" and rel_gap == 0.0 and bound is not None:
            bound = min(bound, lp_bound)
    held = [(objectives[0], round(float(objectives[0] @ x)))]
    faced = False
    for costs in objectives[1:]:
        if status != "optimal":
            break
        faced = _hold_last(h, highspy, held[-1], by_lp, duals) or faced
        found = _stage(h, parts, costs, n, faced, deadline, _keeping(held, n))
        if found is None:  # out of time: the last stage's point stands, not proven further
            status = "feasible"
            break
        point, proven, by_lp, duals = found
        x = point[:n]
        held.append((costs, round(float(costs @ x))))
        status = "optimal" if proven else "feasible"
    value = float(obj @ x)
    if tiers:
        bound = value if status == "optimal" and len(held) == len(objectives) else None
    settled = False
    remaining = left()
    if secondary is not None and status == "optimal" and (remaining is None or remaining > 0):
        lot_deadline = None if remaining is None else (time.perf_counter()
                                                        + lot_share * remaining)
        found_lot = _lot_stage(h, highspy, model, parts, x, held, secondary,
                               (by_lp, duals), faced, lot_deadline)
        if found_lot is not None:
            x, settled = found_lot
    return LinearSolution(status, x, value, bound, time.perf_counter() - start,
                          lot_settled=settled)


def _hold_last(h: Any, highspy: Any, last: tuple[np.ndarray, int], by_lp: bool,
               duals: np.ndarray | None) -> bool:
    """Keep the stage just solved at its optimum: on the LP's optimal face when the LP proved
    it, else by a row, and where the LP's ``duals`` (when given) say every optimal point lies
    (:func:`_dual_region`). Returns whether most columns are now fixed."""
    if by_lp and _hold_face(h):
        return True
    costs, value = last
    fixed = False
    if duals is not None:
        # Every point that keeps the optimum scores above value - 1.
        lp = h.getLp()
        region = _dual_region(lp, _matrix(lp, highspy), costs, duals, value - 1)
        if region is not None:
            columns, values, rows, activity, _ = region
            h.changeColsBounds(columns.size, columns, values, values)
            h.changeRowsBounds(rows.size, rows, activity, activity)
            fixed = columns.size > costs.shape[0] // 2
    _hold_at_least(h, highspy, costs, value)
    return fixed


def _keeping(held: list[tuple[np.ndarray, int]], n: int) -> Callable[[np.ndarray], bool]:
    """Whether a point keeps every earlier stage at its optimum (a guard on every stage)."""
    return lambda point: all(round(float(c @ point[:n])) == v for c, v in held)


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


def _run_lp(h: Any, parts: tuple[np.ndarray, ...], obj: np.ndarray,
            n: int) -> tuple[str, np.ndarray | None, float]:
    """Solve the loaded model as an LP: ("integral" | "fractional" | "infeasible" |
    "time_limit", the rounded point over every column when integral, the LP bound).

    ``obj`` covers every column of the loaded model; ``parts`` and ``n`` describe the first
    ``n`` columns (the model's own), whose rows and bounds every accepted point must meet.
    """
    # Without presolve: on these near-network models HiGHS' LP presolve reduces little and
    # took three quarters of the LP (0.15 s of 0.19 s on 5,000 applicants, 1.1 s of 1.4 s on
    # 20,000); it also keeps the warm start from the stage before.
    h.setOptionValue("presolve", "off")
    started = time.perf_counter()
    h.run()
    status = _status(h)
    # Where the time goes (DEBUG, counts only): each LP and MIP of every stage.
    log_message(log, "CM-R150", logging.DEBUG, rows=h.getNumRow(), columns=h.getNumCol(),
                status=status, seconds=time.perf_counter() - started)
    if status != "optimal":
        return status, None, math.inf
    lp_bound = float(h.getInfo().objective_function_value)
    raw = np.asarray(h.getSolution().col_value, dtype=np.float64)
    x = np.round(raw)
    if (np.abs(raw - x).max(initial=0.0) < INTEGRALITY_TOLERANCE and _meets_rows(parts, x[:n])
            and float(obj @ x) >= lp_bound - BOUND_TOLERANCE):
        return "integral", x, lp_bound
    return "fractional", None, lp_bound


def _run_mip(h: Any, n_columns: int, parts: tuple[np.ndarray, ...], obj: np.ndarray,
             left: float | None, n: int, *,
             presolve: bool = False) -> tuple[str, np.ndarray | None, float | None, float | None]:
    """Branch and bound on the loaded model, whose ``n_columns`` columns are all integer:
    (status, point, its objective, dual bound). The first ``n`` columns are the model's own,
    which ``parts`` describe."""
    import highspy

    h.changeColsIntegrality(n_columns, np.arange(n_columns, dtype=np.int32),
                            np.full(n_columns, highspy.HighsVarType.kInteger))
    # HiGHS' MIP presolve neither checks the time limit nor answers an interrupt, and on a
    # whole model it reduces little (2% of the rows of a 20,000-citizen model) while taking
    # tens of seconds. On the LP's optimal face, where most columns are fixed, it removes
    # them in well under a second and makes branch and bound several times faster.
    h.setOptionValue("presolve", "on" if presolve else "off")
    _set_time(h, left)
    started = time.perf_counter()
    h.run()
    status = _status(h)
    info = h.getInfo()
    log_message(log, "CM-R151", logging.DEBUG, rows=h.getNumRow(), columns=n_columns,
                status=status, seconds=time.perf_counter() - started,
                nodes=int(info.mip_node_count), presolve=presolve)
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
    if status == "infeasible":
        return status, None, None, None
    has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if not has_point:
        return "time_limit", None, None, bound
    x = np.round(np.asarray(h.getSolution().col_value, dtype=np.float64))
    if not _meets_rows(parts, x[:n]):
        raise SolverError("HiGHS returned a point that breaks a rule after rounding; try "
                          "backend='cpsat', or report the scenario that caused it.")
    return ("optimal" if status == "optimal" else "feasible"), x, float(obj @ x), bound


def _lot_stage(h: Any, highspy: Any, model: LinearModel, parts: tuple[np.ndarray, ...],
               x: np.ndarray, held: list[tuple[np.ndarray, int]], lot: Lot,
               proof: tuple[bool, np.ndarray | None], faced: bool,
               deadline: float | None) -> tuple[np.ndarray, bool] | None:
    """Among solutions optimal for every objective in ``held``, the one best for the lot's
    *who* and then its *where*: (point over the model's own columns, proven) or None when
    none was found in time.

    Each stage keeps the one before at its optimum: on the LP's optimal face when the LP
    proved that optimum (which keeps the model's network structure), else by a row
    (:func:`_hold_last`); ``proof`` says how the last stage was proven (by the LP alone, and
    the duals of its LP when it was not).
    """
    n = model.n_vars
    faced = _hold_last(h, highspy, held[-1], *proof) or faced
    who = _add_slots(h, highspy, n, lot)
    found = _stage(h, parts, who, n, faced, deadline, _keeping(held, n))
    if found is None:
        return None
    point, proven, _, _ = found
    if lot.where is None or not proven:
        return point[:n], proven
    best_who = round(float(who @ point))
    # Holding who sits (each group's and person's seat count) rather than the who value:
    # bounds and short rows of ones keep the model's structure, where a row of the who
    # weights (up to 2**23 each, over every column) made HiGHS' presolve take minutes on
    # 20,000 applicants. The two agree, as no two sets of people weigh the same.
    _hold_who(h, highspy, lot, point)
    # The slots stay as filled, too, so that the who value stays what it was.
    slots = np.arange(n, who.shape[0], dtype=np.int32)
    if slots.size:
        filled = np.rint(point[n:who.shape[0]])
        h.changeColsBounds(slots.size, slots, filled, filled)
    faced = True
    where = np.concatenate([np.asarray(lot.where, dtype=np.float64),
                            np.zeros(who.shape[0] - n)])
    keeps = _keeping(held, n)
    placed = _stage(h, parts, where, n, faced, deadline,
                    lambda z: keeps(z) and round(float(who @ z)) == best_who)
    # Out of time for "where": the "who" stage's point stands, not proven for "where".
    return (point[:n], False) if placed is None else (placed[0][:n], placed[1])


def _hold_who(h: Any, highspy: Any, lot: Lot, point: np.ndarray) -> None:
    """Keep who ``point`` seats: each seated group's or person's variables summing to its
    seat count, the variables of those without a seat at 0."""
    keep, empty = lot.seated(point)
    if empty:
        zero = np.concatenate(empty).astype(np.int32)
        h.changeColsBounds(zero.size, zero, np.zeros(zero.size), np.zeros(zero.size))
    if keep:
        counts = np.array([float(c) for _, c in keep])
        lengths = np.array([m.size for m, _ in keep])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32)
        index = np.concatenate([m for m, _ in keep]).astype(np.int32)
        h.addRows(len(keep), counts, counts, index.size, starts, index, np.ones(index.size))


def _hold_face(h: Any) -> bool:
    """Restrict the loaded model to the optimal face of the LP just solved: every column with
    a non-zero reduced cost held at its value, every row with a non-zero dual at its
    activity. By complementary slackness with these duals, the points left are exactly the
    LP's optimal points; the data are whole numbers, so the held values are too. Returns
    False, changing nothing, when the last solve left no valid duals."""
    solution = h.getSolution()
    if not solution.dual_valid:
        return False
    values = np.rint(np.asarray(solution.col_value, dtype=np.float64))
    held = np.flatnonzero(np.abs(np.asarray(solution.col_dual)) > DUAL_TOLERANCE)
    if held.size:
        h.changeColsBounds(held.size, held.astype(np.int32), values[held], values[held])
    activity = np.rint(np.asarray(solution.row_value, dtype=np.float64))
    tight = np.flatnonzero(np.abs(np.asarray(solution.row_dual)) > DUAL_TOLERANCE)
    if tight.size:
        h.changeRowsBounds(tight.size, tight.astype(np.int32), activity[tight],
                           activity[tight])
    return True


def _hold_at_least(h: Any, highspy: Any, costs: np.ndarray, value: int) -> None:
    """Add a row holding ``costs @ columns`` at or above ``value`` (a whole number)."""
    nonzero = np.flatnonzero(costs).astype(np.int32)
    h.addRow(float(value), highspy.kHighsInf, nonzero.size, nonzero, costs[nonzero])


def _stage(h: Any, parts: tuple[np.ndarray, ...], costs: np.ndarray, n: int, presolve: bool,
           deadline: float | None,
           keeps: Callable[[np.ndarray], bool]
           ) -> tuple[np.ndarray, bool, bool, np.ndarray | None] | None:
    """Maximise ``costs`` over the loaded model (LP first, then branch and bound): (point
    over every column, proven, proven by the LP alone, the LP's row duals when it was not)
    or None when no point that ``keeps`` the earlier stages' values was found in time."""
    import highspy

    total = costs.shape[0]
    every = np.arange(total, dtype=np.int32)
    h.changeColsCost(total, every, costs)
    # The LP relaxation first, also after an earlier stage ran branch and bound on the model.
    h.changeColsIntegrality(total, every, np.full(total, highspy.HighsVarType.kContinuous))

    def left() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    _set_time(h, left())
    kind, point, lp_bound = _run_lp(h, parts, costs, n)
    if kind == "integral" and point is not None and keeps(point):
        return point, True, True, None
    if kind == "time_limit":
        return None
    status, point, _, duals = _search(h, highspy, n, parts, costs, lp_bound, left,
                                      presolve=presolve)
    if point is None or not keeps(point):
        return None
    return point, status == "optimal", False, duals


def _search(h: Any, highspy: Any, n: int, parts: tuple[np.ndarray, ...], costs: np.ndarray,
            lp_bound: float, left: Callable[[], float | None], *, presolve: bool,
            exact: bool = True
            ) -> tuple[str, np.ndarray | None, float | None, np.ndarray | None]:
    """Maximise ``costs`` over the loaded model after its LP relaxation, just solved, came out
    fractional: (status, point over every column or None, dual bound, the LP's row duals or
    None). ``left()`` is the time left, asked again before each step so that together they
    keep to it. The loaded model and its LP basis are left as they were.

    Three steps, each only when the one before leaves the optimum open:

    1. The repair near the LP point (:func:`_repair`). The costs are whole numbers, so no
       point scores above the LP bound rounded down: a point that reaches it is optimal.
    2. Otherwise the repair's point is an incumbent, and the LP's duals show where any better
       point must lie (:func:`_dual_region`): usually nearly every column at one bound.
       Branch and bound there; the better of its optimum and the incumbent is the whole
       model's optimum.
    3. Otherwise (no incumbent, or ``exact`` False for a non-zero gap), branch and bound on
       the whole model.

    Where the LP bound is far above every whole-number point (the lot's *who* stage, whose
    weights reach 2**24), HiGHS' own root work on the whole model took most of a solve:
    cut rounds and heuristics over columns that the duals rule out at once.
    """
    total = costs.shape[0]
    solution = h.getSolution()
    lp = h.getLp()
    matrix = _matrix(lp, highspy)
    duals = (np.asarray(solution.row_dual, dtype=np.float64) if solution.dual_valid
             else None)
    raw = np.asarray(solution.col_value, dtype=np.float64)
    near = _repair(lp, matrix, n, parts, costs, raw, left())
    target = math.floor(lp_bound + BOUND_TOLERANCE)
    if near is not None and float(costs @ near) >= target - BOUND_TOLERANCE:
        return "optimal", near, float(target), duals
    if near is not None and duals is not None and exact:
        found = _search_region(lp, matrix, n, parts, costs, duals, near, left())
        if found is not None:
            return (*found, duals)
    basis = h.getBasis()  # the LP's, for the next stage to start from
    status, point, _, bound = _run_mip(h, total, parts, costs, left(), n, presolve=presolve)
    h.changeColsIntegrality(total, np.arange(total, dtype=np.int32),
                            np.full(total, highspy.HighsVarType.kContinuous))
    h.setBasis(basis)
    if point is not None:  # stopped before HiGHS had a dual bound, the LP bound still holds
        bound = lp_bound if bound is None else min(bound, lp_bound)
    return status, point, bound, duals


def _matrix(lp: Any, highspy: Any) -> Any:
    """The loaded model's constraint matrix, by columns (scipy CSC)."""
    from scipy.sparse import csc_array, csr_array

    shape = (int(lp.num_row_), int(lp.num_col_))
    data = (np.asarray(lp.a_matrix_.value_, dtype=np.float64),
            np.asarray(lp.a_matrix_.index_, dtype=np.int64),
            np.asarray(lp.a_matrix_.start_, dtype=np.int64))
    if lp.a_matrix_.format_ == highspy.MatrixFormat.kRowwise:
        return csc_array(csr_array(data, shape=shape))
    return csc_array(data, shape=shape)


def _sub_mip(lp: Any, matrix: Any, costs: np.ndarray, free: np.ndarray, values: np.ndarray,
             left: float | None, *, presolve: bool, held_rows: np.ndarray | None = None,
             held_activity: np.ndarray | None = None
             ) -> tuple[str, np.ndarray | None, float | None]:
    """Branch and bound over the ``free`` columns of the loaded model (``lp``, ``matrix``),
    every other column at ``values`` and each of ``held_rows`` at ``held_activity``:
    (status, the point over every column or None, dual bound).

    The free columns and the rows they touch go to a new HiGHS instance, each row's limits
    less what the fixed columns contribute, so that HiGHS' presolve sees only the small
    model: on the whole model with bounds fixed, presolve took most of the time (0.1 to
    0.2 s on 5,000 applicants, for a search of a few hundredths). Rows of fixed columns only
    are checked here. ``presolve`` turns HiGHS' presolve on or off for the small model.
    """
    row_lower = np.asarray(lp.row_lower_, dtype=np.float64).copy()
    row_upper = np.asarray(lp.row_upper_, dtype=np.float64).copy()
    if held_rows is not None and held_activity is not None:
        row_lower[held_rows] = held_activity
        row_upper[held_rows] = held_activity
    fixed = ~free
    settled = matrix[:, fixed] @ values[fixed]
    sub = matrix[:, free]
    touched = np.zeros(row_lower.shape[0], dtype=bool)
    touched[sub.indices] = True
    alone = ~touched
    if np.any(settled[alone] < row_lower[alone] - ROW_TOLERANCE) or \
            np.any(settled[alone] > row_upper[alone] + ROW_TOLERANCE):
        return "infeasible", None, None
    columns = np.flatnonzero(free)
    if columns.size == 0:  # every column fixed, every row met: that point is all there is
        return "optimal", values.copy(), float(costs @ values)
    import highspy
    from scipy.sparse import csc_array

    sub = csc_array(sub[touched, :])
    h = new_highs()
    h.passModel(_highs_lp(highspy, columns.size, sub.shape[0], costs[columns], (
        np.asarray(lp.col_lower_, dtype=np.float64)[columns],
        np.asarray(lp.col_upper_, dtype=np.float64)[columns],
        *_triples(sub), row_lower[touched] - settled[touched],
        row_upper[touched] - settled[touched])))
    h.changeColsIntegrality(columns.size, np.arange(columns.size, dtype=np.int32),
                            np.full(columns.size, highspy.HighsVarType.kInteger))
    h.setOptionValue("presolve", "on" if presolve else "off")
    _set_time(h, left)
    h.run()
    status = _status(h)
    info = h.getInfo()
    bound = float(info.mip_dual_bound) + float(costs[fixed] @ values[fixed]) \
        if math.isfinite(info.mip_dual_bound) else None
    if status == "infeasible" or info.primal_solution_status != 2:  # 2: kSolutionStatusFeasible
        return status, None, bound
    point = values.copy()
    point[columns] = np.rint(np.asarray(h.getSolution().col_value, dtype=np.float64))
    return status, point, bound


def _triples(matrix: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, values) of a sparse matrix's entries."""
    coo = matrix.tocoo()
    return (np.asarray(coo.row, dtype=np.int64), np.asarray(coo.col, dtype=np.int64),
            np.asarray(coo.data, dtype=np.float64))


def _search_region(lp: Any, matrix: Any, n: int, parts: tuple[np.ndarray, ...],
                   costs: np.ndarray, duals: np.ndarray, incumbent: np.ndarray,
                   left: float | None) -> tuple[str, np.ndarray | None, float | None] | None:
    """Branch and bound where the LP's ``duals`` say a point better than ``incumbent`` must
    lie (:func:`_dual_region`): (status, the better point, dual bound of the whole model),
    or None when the duals rule nothing out."""
    best = round(float(costs @ incumbent))
    region = _dual_region(lp, matrix, costs, duals, best)
    if region is None:
        return None
    columns, values, rows, activity, lagrangian = region
    free = np.ones(costs.shape[0], dtype=bool)
    free[columns] = False
    fill = np.zeros(costs.shape[0])
    fill[columns] = values
    started = time.perf_counter()
    status, point, bound = _sub_mip(lp, matrix, costs, free, fill, left, presolve=True,
                                    held_rows=rows,
                                    held_activity=activity)
    log_message(log, "CM-R153", logging.DEBUG, fixed=int(columns.size),
                columns=costs.shape[0], rows=int(rows.size), gap=lagrangian - best,
                seconds=time.perf_counter() - started)
    if point is not None and not _meets_rows(parts, point[:n]):
        raise SolverError("HiGHS returned a point that breaks a rule after rounding; try "
                          "backend='cpsat', or report the scenario that caused it.")
    if point is None or float(costs @ point) < best:
        point = incumbent
    if status in ("optimal", "infeasible"):
        return "optimal", point, float(round(float(costs @ point)))
    # Outside the region no point scores above the incumbent; inside, both the Lagrangian
    # bound and HiGHS' own (when it has one) hold.
    inside = lagrangian if bound is None else min(lagrangian, bound)
    return "feasible", point, max(float(best), inside)


def _lagrangian(lp: Any, matrix: Any, costs: np.ndarray, duals: np.ndarray
                ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Lagrangian bound of the loaded model (maximising ``costs``) at row prices
    ``duals``: (bound, each column's loss below it per unit moved from its best bound, that
    bound, each row's loss per unit moved from its best limit, that limit).

    For any prices ``y`` and any point ``x`` meeting the rows and bounds,
    ``costs @ x = y @ (A x) + (costs - A.T y) @ x``, and each term is at most its value at
    the bound or limit its sign favours. HiGHS' row duals for a maximisation are such prices
    (``costs = A.T y + column duals``; a test checks this); a price whose favoured limit is
    infinite is set to 0, so the bound is finite and holds whatever the prices' accuracy.
    """
    row_lower = np.asarray(lp.row_lower_, dtype=np.float64)
    row_upper = np.asarray(lp.row_upper_, dtype=np.float64)
    infinite = 1e30
    y = np.where(((duals > 0) & (row_upper >= infinite))
                 | ((duals < 0) & (row_lower <= -infinite)), 0.0, duals)
    row_limit = np.where(y > 0, row_upper, np.where(y < 0, row_lower, 0.0))
    reduced = costs - matrix.T @ y
    col_limit = np.where(reduced > 0, np.asarray(lp.col_upper_, dtype=np.float64),
                         np.asarray(lp.col_lower_, dtype=np.float64))
    bound = float(y @ row_limit + reduced @ col_limit)
    return bound, np.abs(reduced), col_limit, np.abs(y), row_limit


def _dual_region(lp: Any, matrix: Any, costs: np.ndarray, duals: np.ndarray, best: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float] | None:
    """Where every point of the loaded model that scores above ``best`` lies, by the LP's
    ``duals``: (columns and the values they must take, rows and the activity they must
    have, the Lagrangian bound), or None when that rules nothing out.

    By :func:`_lagrangian`, a point scores the bound less each column's and row's loss, and
    each loss is at least its price times a whole number (the data are whole numbers). A
    point above ``best`` loses at most ``bound - best - 1`` in all: a column or row whose
    price exceeds that cannot move from its favoured bound or limit. The margin of one more
    unit absorbs floating-point error in the bound (far below one at these magnitudes).
    Only columns with whole bounds and rows with whole coefficients and limits move in whole
    steps; the others are never fixed.
    """
    bound, column_price, col_limit, row_price, row_limit = _lagrangian(lp, matrix, costs,
                                                                       duals)
    room = bound - best + 1e-9 * abs(bound)  # bound - (best + 1), plus one unit of margin
    if not math.isfinite(room):
        return None
    whole_rows = np.ones(row_price.shape[0], dtype=bool)
    data = np.asarray(matrix.data)
    whole_rows[np.asarray(matrix.indices)[data != np.rint(data)]] = False
    columns = np.flatnonzero((column_price > room) & (col_limit == np.rint(col_limit)))
    rows = np.flatnonzero((row_price > room) & whole_rows & (row_limit == np.rint(row_limit)))
    if columns.size == 0 and rows.size == 0:
        return None
    return (columns.astype(np.int32), col_limit[columns], rows.astype(np.int32),
            row_limit[rows], bound)


def _repair(lp: Any, matrix: Any, n: int, parts: tuple[np.ndarray, ...], costs: np.ndarray,
            raw: np.ndarray, left: float | None) -> np.ndarray | None:
    """The best whole-number point found near the fractional LP point ``raw``, or None.

    Every column keeps its rounded LP value except the fractional ones and those that share
    a row with them (rows over more than ``REPAIR_ROW`` columns, such as a global quota, do
    not spread the neighbourhood); branch and bound then runs on that small neighbourhood
    (:func:`_sub_mip`), for at most ``REPAIR_SECONDS``.
    """
    fractional = np.abs(raw - np.rint(raw)) > INTEGRALITY_TOLERANCE
    rows_of = matrix.indices
    column = np.repeat(np.arange(matrix.shape[1]), np.diff(matrix.indptr))
    narrow = np.bincount(rows_of, minlength=matrix.shape[0]) <= REPAIR_ROW
    near_rows = np.zeros(matrix.shape[0], dtype=bool)
    near_rows[rows_of[fractional[column] & narrow[rows_of]]] = True
    free = fractional.copy()
    free[column[near_rows[rows_of]]] = True
    lower = np.asarray(lp.col_lower_, dtype=np.float64)
    upper = np.asarray(lp.col_upper_, dtype=np.float64)
    free &= lower < upper  # a column its bounds fix stays where it is
    rounded = np.clip(np.rint(raw), lower, upper)
    started = time.perf_counter()
    # Without presolve: on the neighbourhood of the lot's stage it took twice the search.
    _, point, _ = _sub_mip(lp, matrix, costs, free, rounded,
                           REPAIR_SECONDS if left is None else min(left, REPAIR_SECONDS),
                           presolve=False)
    found = point if point is not None and _meets_rows(parts, point[:n]) else None
    log_message(log, "CM-R152", logging.DEBUG, free=int(free.sum()), columns=costs.shape[0],
                found=found is not None, seconds=time.perf_counter() - started)
    return found


def _add_slots(h: Any, highspy: Any, n: int, lot: Lot) -> np.ndarray:
    """Add the lot's slot columns (0/1) and one row per group tying the sum of its variables
    to its slots; return the *who* costs of every column."""
    n_slots = lot.slot_group.shape[0]
    if n_slots:
        h.addCols(n_slots, np.zeros(n_slots), np.zeros(n_slots), np.ones(n_slots), 0,
                  np.zeros(n_slots, dtype=np.int32), np.zeros(0, dtype=np.int32),
                  np.zeros(0))
        # Row g: (the group's variables) - (its slots) = 0, as a sparse matrix by rows.
        n_groups = int(lot.slot_group.max()) + 1
        rows = np.concatenate([lot.group_of, lot.slot_group])
        cols = np.concatenate([lot.group_var, n + np.arange(n_slots)])
        vals = np.concatenate([np.ones(lot.group_var.shape[0]), -np.ones(n_slots)])
        from scipy.sparse import csr_array

        link = csr_array((vals, (rows, cols)), shape=(n_groups, n + n_slots))
        zeros = np.zeros(n_groups)
        h.addRows(n_groups, zeros, zeros, link.nnz, link.indptr[:-1].astype(np.int32),
                  link.indices.astype(np.int32), link.data.astype(np.float64))
    return np.concatenate([np.asarray(lot.weights, dtype=np.float64),
                           np.asarray(lot.slot_weight, dtype=np.float64)])


def _meets_rows(parts: tuple[np.ndarray, ...], x: np.ndarray) -> bool:
    """Whether a rounded point meets every row and bound (a guard on every accepted point)."""
    lb, ub, rows, cols, vals, row_lb, row_ub = parts
    activity = np.bincount(rows, vals * x[cols], minlength=row_lb.shape[0])
    return bool(np.all(activity >= row_lb - ROW_TOLERANCE)
                and np.all(activity <= row_ub + ROW_TOLERANCE)
                and np.all(x >= lb) and np.all(x <= ub))


def solve_cpsat(model: LinearModel, time_limit: float | None, seed: int, *,
                tiers: Sequence[FloatArray] = (), secondary: Lot | None = None,
                lot_share: float = 1.0) -> LinearSolution:
    """Solve with OR-Tools CP-SAT (one worker, so that the same seed gives the same plan).

    ``tiers`` and ``secondary`` work as for :func:`solve_highs`: each objective in turn is
    maximised while every earlier one is held at its proven optimum, then the lot.
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
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed % 2**31  # CP-SAT takes a 32-bit seed

    def left() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    def run(share: float = 1.0) -> Any:
        remaining = left()
        if remaining is not None:
            solver.parameters.max_time_in_seconds = max(share * remaining, 0.01)
        return solver.solve(m)

    def read() -> np.ndarray:
        return np.array([solver.value(v) for v in x], dtype=np.float64)

    def hint(values: np.ndarray) -> None:
        m.clear_hints()  # type: ignore[no-untyped-call]
        for var, v in zip(x, values, strict=True):
            m.add_hint(var, int(v))

    objectives = [np.asarray(t, dtype=np.float64) for t in tiers] + [obj]
    values: np.ndarray | None = None
    status = "optimal"
    bound: float | None = None
    done = 0
    for i, costs in enumerate(objectives):
        expr = sum(int(c) * x[j] for j, c in enumerate(costs) if c)
        m.maximize(expr)
        if values is not None:
            hint(values)
        code = run()
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if values is not None:  # a later stage out of time: the earlier point stands
                status = "feasible"
                break
            seconds = time.perf_counter() - start
            if code == cp_model.INFEASIBLE:
                return LinearSolution("infeasible", None, None, None, seconds)
            if code == cp_model.UNKNOWN:
                return LinearSolution("time_limit", None, None, None, seconds)
            raise SolverError(f"CP-SAT stopped with status {solver.status_name(code)}: "
                              f"{m.validate() or 'no reason given'}.")
        values = read()
        done = i + 1
        if i == len(objectives) - 1 and not tiers:
            bound = float(solver.best_objective_bound)
        if code != cp_model.OPTIMAL:
            status = "feasible"
            break
        m.add(expr >= round(float(costs @ values)))
    assert values is not None
    value = float(obj @ values)
    if tiers:
        bound = value if status == "optimal" and done == len(objectives) else None
    settled = False
    remaining = left()
    if secondary is not None and status == "optimal" and (remaining is None or remaining > 0):
        slots = [m.new_bool_var("") for _ in range(secondary.slot_group.shape[0])]
        for g in np.unique(secondary.slot_group).tolist():
            members = secondary.group_var[secondary.group_of == g].tolist()
            m.add(sum(x[v] for v in members)
                  == sum(slots[j] for j in np.flatnonzero(secondary.slot_group == g)))
        who = (sum(int(c) * x[i] for i, c in enumerate(secondary.weights) if c)
               + sum(int(c) * y for y, c in zip(slots, secondary.slot_weight, strict=True)))
        m.maximize(who)
        hint(values)
        second = run(lot_share)
        if second in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = read()
            settled = second == cp_model.OPTIMAL
        if settled and secondary.where is not None:
            # As for HiGHS: keep who sits, each group's and person's seat count.
            keep, empty = secondary.seated(values)
            for members, count in keep:
                m.add(sum(x[v] for v in members.tolist()) == count)
            for members in empty:
                for v in members.tolist():
                    m.add(x[v] == 0)
            m.maximize(sum(int(c) * x[i] for i, c in enumerate(secondary.where) if c))
            hint(values)
            third = run()
            if third in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                values = read()
            settled = third == cp_model.OPTIMAL
    return LinearSolution(status, values, value, bound, time.perf_counter() - start,
                          lot_settled=settled)


class Run(Protocol):
    """A backend's solve function."""

    def __call__(self, model: LinearModel, time_limit: float | None, seed: int, *,
                 tiers: Sequence[FloatArray] = (), secondary: Lot | None = None,
                 lot_share: float = 1.0) -> LinearSolution: ...


SOLVERS: dict[Backend, Run] = {
    Backend.HIGHS: solve_highs,
    Backend.CPSAT: solve_cpsat,
}
