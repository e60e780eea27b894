"""LEXIMIN over the LP relaxation of the panels, and its decomposition into feasible panels.

Every feasible panel lies in the LP relaxation P of the citizens' model, so P's LEXIMIN point
is, level by level, at least as good as any lottery's; each level's LP duals prove it. When
that point is also a convex combination of feasible (whole-number) panels, it *is* the
LEXIMIN of the lotteries, with the same proofs. Large single-panel pools are usually such a
case: their groups have many members and the quotas leave room. Then a few compact LPs and
one walk through P's faces replace the long column generation (see :mod:`.leximin`, which
tries this first and falls back on column generation when the walk fails).

The walk (Caratheodory's construction): at the current point x, find a whole-number panel n on
the smallest face of P that holds x (every bound and row tight at x is held tight), and move
away from n through x, ``x + s (x - n)``, as far as P allows. The step gives n the weight
``s / (1 + s)`` of what is left, and the new point lies on a smaller face, so the walk ends
after at most dim(P) + 1 panels, or fails when a face holds no whole-number panel (the point
is then not a lottery of panels, and column generation takes over).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .citizens import CitizenTypes
from .clock import Clock, limit_time
from .highs import highs_model
from .linear import FloatArray, IntArray, LinearModel

# A group is fixed at a level when its dual weight exceeds this (as in column generation).
FIX_TOLERANCE = 1e-7
# Simplex tolerances of the relaxation's LPs.
_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
# The walk's point is x = r / m (r: the part of the target not yet covered, m: the weight not
# yet given), so rounding errors in r grow as 1 / m; a bound or row counts as tight within
# SNAP / m of it (never looser than LOOSEST).
SNAP = 1e-10
LOOSEST = 1e-4
# The walk stops when less weight than this is left; the rest is spread over the panels found.
MASS_TOLERANCE = 1e-10
# The decomposition is used only when it gives every group its relaxed probability this
# closely.
ACCURACY = 1e-9
# Breaks ties among a face's panels the same way on every run.
_PERTURBATION = 1e-3


@dataclass(frozen=True, slots=True)
class RelaxedLevel:
    """One level of the relaxation's LEXIMIN and its LP proof.

    For any point of P that gives the groups fixed at earlier levels their values,
    ``min over the level's free groups <= max over P of weights @ share - sum over earlier
    groups of weights * value``, and the right-hand side is ``value`` here; ``dual_value`` is
    that maximum over P (``value`` plus the earlier groups' part).
    """

    value: float
    groups: IntArray  # the groups fixed at this level
    weights: FloatArray  # per group; the groups free at this level sum to 1
    dual_value: float


@dataclass(frozen=True, slots=True)
class RelaxedLeximin:
    levels: tuple[RelaxedLevel, ...]  # only levels above 0
    unseatable: NDArray[np.bool_]  # groups that even the relaxation cannot seat
    type_probability: FloatArray
    point: FloatArray  # a point of P (every model variable) with those group shares


def _relaxation(model: LinearModel, types: CitizenTypes) -> tuple[Any, FloatArray, IntArray]:
    """The LP relaxation of ``model`` loaded into HiGHS at the tolerances the levels need,
    with each group's size and each (group, committee) variable's column."""
    h = highs_model(model, integer=False)
    for name, value in _LP_OPTIONS.items():
        h.setOptionValue(name, value)
    sizes = np.array([len(m) for m in types.members], dtype=np.float64)
    cols = types.first_var + np.arange(types.var_type.shape[0])
    return h, sizes, cols


def relaxed_leximin(model: LinearModel, types: CitizenTypes, clock: Clock,
                    cap: float | None = None) -> RelaxedLeximin | None:
    """The LEXIMIN point of the LP relaxation, level by level (with ``cap``, among the points
    that give no group more than it); None if an LP fails.

    With a cap, a level's weights are the duals of the rows ``share_g >= z`` less those of
    the rows ``share_g <= cap``, and ``dual_value`` drops ``cap`` times the latter's sum: the
    proof is the same Lagrangian bound with the cap rows in it.
    """
    import highspy
    from scipy.sparse import csr_array

    n_types = len(types.members)
    n = model.n_vars
    h, sizes, cols = _relaxation(model, types)
    # z is free: then the duals of the rows "share_g >= z" sum to exactly 1 over free groups.
    h.addVars(1, np.array([-np.inf]), np.array([np.inf]))
    h.changeColsCost(1, np.array([n], dtype=np.int32), np.array([1.0]))
    z_col = np.full(n_types, n)
    g = csr_array((np.append(1.0 / sizes[types.var_type], -np.ones(n_types)),
                   (np.append(types.var_type, np.arange(n_types)), np.append(cols, z_col))),
                  shape=(n_types, n + 1))
    g.sum_duplicates()
    g.sort_indices()
    first = model.n_rows
    h.addRows(n_types, np.zeros(n_types), np.full(n_types, np.inf), g.nnz,
              g.indptr.astype(np.int32), g.indices.astype(np.int32), g.data)
    if cap is not None:  # rows first + n_types + t: share_t <= cap
        c = csr_array((1.0 / sizes[types.var_type], (types.var_type, cols)),
                      shape=(n_types, n + 1))
        c.sum_duplicates()
        c.sort_indices()
        h.addRows(n_types, np.full(n_types, -np.inf), np.full(n_types, float(cap)), c.nnz,
                  c.indptr.astype(np.int32), c.indices.astype(np.int32), c.data)
    fixed = np.zeros(n_types, dtype=bool)
    held = np.zeros(n_types)
    levels: list[RelaxedLevel] = []
    unseatable = np.zeros(n_types, dtype=bool)
    ok = highspy.HighsModelStatus.kOptimal
    x = np.zeros(n)
    share = np.zeros(n_types)
    while not fixed.all():
        limit_time(h, clock)
        h.run()
        clock.remaining()  # a run cut short by the deadline raises here
        if h.getModelStatus() != ok:
            return None
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        z, x = float(values[n]), values[:n]
        share = np.bincount(types.var_type, weights=x[cols], minlength=n_types) / sizes
        duals = np.asarray(solution.row_dual)
        y = np.maximum(-duals[first:first + n_types], 0.0)
        held_down = (np.maximum(duals[first + n_types:first + 2 * n_types], 0.0)
                     if cap is not None else np.zeros(n_types))
        free = ~fixed
        total = float(y[free].sum())
        if abs(total - 1.0) > 1e-6:
            return None  # the duals are not what the proof needs
        newly = free & (y > FIX_TOLERANCE)
        if not newly.any():  # numerically flat duals: fix the free group with least share
            newly = np.zeros_like(free)
            newly[np.flatnonzero(free)[np.argmin(share[free])]] = True
        if z <= ACCURACY:
            unseatable |= newly
        else:
            levels.append(RelaxedLevel(
                value=z, groups=np.flatnonzero(newly), weights=y - held_down,
                dual_value=z + float(y[fixed] @ held[fixed])
                - (float(cap) * float(held_down.sum()) if cap is not None else 0.0)))
        for t in np.flatnonzero(newly):
            held[t] = min(z, float(share[t]))
            h.changeCoeff(first + int(t), n, 0.0)
            h.changeRowBounds(first + int(t), held[t], np.inf)
        fixed |= newly
        clock.tick("CM-R109", level=len(levels), fixed=int(fixed.sum()), groups=n_types)
    return RelaxedLeximin(tuple(levels), unseatable, share, x)


def relaxed_smallest_cap(model: LinearModel, types: CitizenTypes,
                         clock: Clock) -> tuple[float, FloatArray] | None:
    """The least largest group share over the LP relaxation, and a point of P reaching it;
    None if the LP fails. No lottery does better; when the point is a lottery of panels (a
    :class:`Walk` finds them), it is the least cap exactly."""
    import highspy
    from scipy.sparse import csr_array

    n_types = len(types.members)
    n = model.n_vars
    h, sizes, cols = _relaxation(model, types)
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.addVars(1, np.array([0.0]), np.array([np.inf]))  # t
    h.changeColsCost(1, np.array([n], dtype=np.int32), np.array([1.0]))
    g = csr_array((np.append(1.0 / sizes[types.var_type], -np.ones(n_types)),
                   (np.append(types.var_type, np.arange(n_types)),
                    np.append(cols, np.full(n_types, n)))), shape=(n_types, n + 1))
    g.sum_duplicates()
    g.sort_indices()
    h.addRows(n_types, np.full(n_types, -np.inf), np.zeros(n_types), g.nnz,
              g.indptr.astype(np.int32), g.indices.astype(np.int32), g.data)
    limit_time(h, clock)
    h.run()
    clock.remaining()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    values = np.asarray(h.getSolution().col_value)
    return float(values[n]), values[:n]


class Walk:
    """Caratheodory's walk from a point of P to whole-number panels (see the module).

    ``panels`` (every model variable) and ``weights`` grow as it goes, so that what was found
    is there when the deadline stops it.
    """

    def __init__(self, model: LinearModel, clock: Clock) -> None:
        self.model = model
        self.clock = clock
        lb, ub, _, rows, cols, vals, row_lb, row_ub = model.arrays()
        from scipy.sparse import csr_array

        a = csr_array((vals, (rows, cols)), shape=(model.n_rows, model.n_vars))
        a.sum_duplicates()
        self.a, self.lb, self.ub, self.row_lb, self.row_ub = a, lb, ub, row_lb, row_ub
        self.lp = highs_model(model, integer=False)
        self.mip = highs_model(model, integer=True)
        # Any panel on the face will do: the first one found is taken.
        self.mip.setOptionValue("mip_rel_gap", 1.0)
        self.panels: list[FloatArray] = []
        self.weights: list[float] = []
        self.left = 1.0
        self.steps = 0
        self.tie_break = _PERTURBATION * np.random.default_rng(0).random(model.n_vars)

    def run(self, point: FloatArray) -> bool:
        """Walk from ``point``; True when all but ``MASS_TOLERANCE`` of the weight is given to
        panels, False when a face holds no panel (or the walk stalls)."""
        n, n_rows = self.model.n_vars, self.model.n_rows
        lb, ub, row_lb, row_ub = self.lb, self.ub, self.row_lb, self.row_ub
        every_col = np.arange(n, dtype=np.int32)
        every_row = np.arange(n_rows, dtype=np.int32)
        rest = np.asarray(point, dtype=np.float64).copy()  # the target not yet covered
        x = rest.copy()
        cap = 10 * (n + n_rows) + 100
        while self.steps < cap:
            self.steps += 1
            tol = min(SNAP / self.left, LOOSEST)
            x = np.where(np.abs(x - lb) <= tol, lb, np.where(np.abs(x - ub) <= tol, ub, x))
            ax = self.a @ x
            at_lb, at_ub = x <= lb + tol, x >= ub - tol
            row_at_lb, row_at_ub = ax <= row_lb + tol, ax >= row_ub - tol
            face = (np.where(at_ub, ub, lb), np.where(at_lb, lb, ub),
                    np.where(row_at_ub, row_ub, row_lb), np.where(row_at_lb, row_lb, row_ub))
            panel = self._panel_on(face, x + self.tie_break, every_col, every_row)
            if panel is None:
                return False
            d = x - panel
            if np.abs(d).max(initial=0.0) <= tol:  # x is this panel
                self._give(panel, self.left)
                return True
            step = self._longest_step(x, d, ax, face)
            if not 1e-12 < step < np.inf:
                return False
            weight = self.left * step / (1.0 + step)
            self._give(panel, weight)
            rest = rest - weight * panel
            if self.left <= MASS_TOLERANCE:
                return True
            x = rest / self.left
            self.clock.tick("CM-R110", panels=len(self.panels), left=self.left)
        return False

    def _give(self, panel: FloatArray, weight: float) -> None:
        self.panels.append(panel)
        self.weights.append(weight)
        self.left -= weight

    def _panel_on(self, face: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
                  objective: FloatArray, every_col: NDArray[np.int32],
                  every_row: NDArray[np.int32]) -> FloatArray | None:
        """A whole-number panel on the face, or None when there is none (or HiGHS fails)."""
        import highspy

        col_lb, col_ub, row_lb, row_ub = face
        n, n_rows = self.model.n_vars, self.model.n_rows
        # The face's LP vertex is often whole already; the MIP runs only when it is not.
        for h in (self.lp, self.mip):
            h.changeColsBounds(n, every_col, col_lb, col_ub)
            if n_rows:
                h.changeRowsBounds(n_rows, every_row, row_lb, row_ub)
            h.changeColsCost(n, every_col, objective)
            limit_time(h, self.clock)
            h.run()
            self.clock.remaining()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                if h is self.lp:
                    continue
                return None
            x = np.asarray(h.getSolution().col_value)
            whole: FloatArray = np.rint(x)
            if np.abs(x - whole).max(initial=0.0) <= 1e-9 and self._holds(whole, face):
                return whole
        return None

    def _holds(self, x: FloatArray,
               face: tuple[FloatArray, FloatArray, FloatArray, FloatArray]) -> bool:
        col_lb, col_ub, row_lb, row_ub = face
        ax = self.a @ x
        return bool(np.all(x >= col_lb) and np.all(x <= col_ub) and
                    np.all(ax >= row_lb - 1e-9) and np.all(ax <= row_ub + 1e-9))

    def _longest_step(self, x: FloatArray, d: FloatArray, ax: FloatArray,
                      face: tuple[FloatArray, FloatArray, FloatArray, FloatArray]) -> float:
        """The largest s with ``x + s d`` in P. Bounds and rows held tight on the face move
        only by rounding errors and are left out."""
        col_lb, col_ub, row_lb, row_ub = face
        ad = self.a @ d
        step = np.inf
        for value, move, low, high, free in (
                (x, d, self.lb, self.ub, col_lb < col_ub),
                (ax, ad, self.row_lb, self.row_ub, row_lb < row_ub)):
            down = free & (move < -1e-12)
            up = free & (move > 1e-12)
            if down.any():
                step = min(step, float(np.min(np.maximum(value[down] - low[down], 0.0)
                                              / -move[down])))
            if up.any():
                step = min(step, float(np.min(np.maximum(high[up] - value[up], 0.0)
                                              / move[up])))
        return step
