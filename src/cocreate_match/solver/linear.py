"""A solver-neutral linear model: variables, named rows, objective. Backends translate it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(slots=True)
class LinearModel:
    """Maximise ``objective @ x`` subject to ``row_lb <= A x <= row_ub`` and variable bounds.

    Every row carries the name of the rule it encodes (``climate/profile/young``), so that the
    rules of a model can be listed, dropped or relaxed by name. Rows whose name starts with
    ``_`` are structural (a citizen sits once; a party counts as present only with a member):
    they are not rules of the scenario and are never dropped or relaxed. All variables are
    integer.
    """

    lb: list[FloatArray] = field(default_factory=list)
    ub: list[FloatArray] = field(default_factory=list)
    obj: list[FloatArray] = field(default_factory=list)
    n_vars: int = 0
    row_rule: list[str] = field(default_factory=list)
    row_lb: list[float] = field(default_factory=list)
    row_ub: list[float] = field(default_factory=list)
    _rows: list[IntArray] = field(default_factory=list)
    _cols: list[IntArray] = field(default_factory=list)
    _vals: list[FloatArray] = field(default_factory=list)

    def add_variables(self, lb: Sequence[float] | FloatArray, ub: Sequence[float] | FloatArray,
                      obj: Sequence[float] | FloatArray) -> IntArray:
        """Add integer variables; return their indices."""
        lb_a = np.asarray(lb, dtype=np.float64)
        n = lb_a.shape[0]
        self.lb.append(lb_a)
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=np.float64), (n,)).copy())
        self.obj.append(np.broadcast_to(np.asarray(obj, dtype=np.float64), (n,)).copy())
        start = self.n_vars
        self.n_vars += n
        return np.arange(start, start + n, dtype=np.int64)

    def add_row(self, rule: str, cols: Sequence[int] | IntArray, lb: float, ub: float,
                coefs: Sequence[float] | FloatArray | None = None) -> int:
        """Add one row ``lb <= sum coefs * x[cols] <= ub``; return its index.

        A limit too large for a float (a quota's ``min = 10**400``) is stored as
        ``LIMIT_CAP``: just as far out of any row's reach, and a number."""
        lb, ub = as_limit(lb), as_limit(ub)
        cols_a = np.asarray(cols, dtype=np.int64)
        vals = np.ones(cols_a.shape[0]) if coefs is None else np.asarray(coefs, dtype=np.float64)
        row = len(self.row_rule)
        self._rows.append(np.full(cols_a.shape[0], row, dtype=np.int64))
        self._cols.append(cols_a)
        self._vals.append(vals)
        self.row_rule.append(rule)
        self.row_lb.append(lb)
        self.row_ub.append(ub)
        return row

    def add_group_rows(self, rules: Sequence[str], cols: IntArray, groups: IntArray,
                       lb: Sequence[float] | FloatArray, ub: Sequence[float] | FloatArray) -> None:
        """Add one row per group ``g``: ``lb[g] <= sum of x[cols[i]] with groups[i] == g <= ub[g]``.

        The vectorised form of :meth:`add_row` for the many rows of one rule family.
        """
        first = len(self.row_rule)
        lb = [as_limit(v) for v in lb]
        ub = [as_limit(v) for v in ub]
        self._rows.append(first + np.asarray(groups, dtype=np.int64))
        self._cols.append(np.asarray(cols, dtype=np.int64))
        self._vals.append(np.ones(len(cols)))
        self.row_rule.extend(rules)
        self.row_lb.extend(np.asarray(lb, dtype=np.float64).tolist())
        self.row_ub.extend(np.asarray(ub, dtype=np.float64).tolist())

    def add_entries(self, rows: IntArray, cols: IntArray, vals: FloatArray) -> None:
        """Add coefficients to existing rows (such as slack variables added after the rows)."""
        self._rows.append(np.asarray(rows, dtype=np.int64))
        self._cols.append(np.asarray(cols, dtype=np.int64))
        self._vals.append(np.asarray(vals, dtype=np.float64))

    def copy(self) -> LinearModel:
        """An independent copy, to which rows and variables can be added."""
        lb, ub, obj, rows, cols, vals, row_lb, row_ub = self.arrays()
        return LinearModel(lb=[lb], ub=[ub], obj=[obj], n_vars=self.n_vars,
                           row_rule=list(self.row_rule), row_lb=row_lb.tolist(),
                           row_ub=row_ub.tolist(), _rows=[rows], _cols=[cols], _vals=[vals])

    @property
    def n_rows(self) -> int:
        return len(self.row_rule)

    def rules(self) -> list[str]:
        """The scenario rules the rows encode, each once, in the order they were added."""
        return list(dict.fromkeys(r for r in self.row_rule if not is_structural(r)))

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, FloatArray,
                              FloatArray, FloatArray]:
        """(lb, ub, obj, rows, cols, vals, row_lb, row_ub) as flat numpy arrays."""
        def cat(parts: Sequence[NDArray[Any]], dtype: type) -> NDArray[Any]:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        return (
            cat(self.lb, np.float64), cat(self.ub, np.float64), cat(self.obj, np.float64),
            cat(self._rows, np.int64), cat(self._cols, np.int64), cat(self._vals, np.float64),
            np.asarray(self.row_lb, dtype=np.float64), np.asarray(self.row_ub, dtype=np.float64),
        )


LIMIT_CAP = 1e300
"""The largest limit a row stores; any whole number beyond it is just as far out of reach."""


def row_reach(lb: FloatArray, ub: FloatArray, rows: IntArray, cols: IntArray,
              vals: FloatArray, n_rows: int) -> tuple[FloatArray, FloatArray]:
    """The least and the most each row's activity can reach within the columns' bounds (the
    arrays of :meth:`LinearModel.arrays`; every column is bounded)."""
    high = np.bincount(rows, np.where(vals > 0, vals * ub[cols], vals * lb[cols]),
                       minlength=n_rows).astype(np.float64)
    low = np.bincount(rows, np.where(vals > 0, vals * lb[cols], vals * ub[cols]),
                      minlength=n_rows).astype(np.float64)
    return low, high


def as_limit(value: float) -> float:
    """``value`` as a float, with whole numbers too large for a float capped at
    ``LIMIT_CAP`` (keeping their sign)."""
    if isinstance(value, int) and abs(value) > LIMIT_CAP:
        return LIMIT_CAP if value > 0 else -LIMIT_CAP
    return float(value)


def is_structural(rule: str) -> bool:
    """Whether a row name is a structural row rather than a rule of the scenario."""
    return rule.startswith("_")


def _no_ints() -> IntArray:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Lot:
    """The objectives that settle ties among optimal solutions by the seed, in two stages.

    *Who*: ``weights`` weigh the model's variables directly (one weight per unit). Variables
    that count the seats of a group of interchangeable people instead share the group's
    *slots*: the group's total (the sum of its variables, ``group_var`` with ``group_of``) is
    split over 0/1 slot variables, the ``j``-th weighing the ``j``-th highest weight among
    the group's members, so that seating ``n`` of them is worth their ``n`` highest weights.
    A group's slots come in descending order of weight and number at least the most it can
    seat, so the split is always possible and an optimum fills slots in order.

    *Where*: ``where`` (when given) weighs the model's variables among the solutions that
    seat the people *who* chose, settling on which committee each of them sits: every
    group's total stays as *who* left it, and so does the seat count of every person whose
    variables ``weights`` weigh (``person_var`` with ``person_of``: the variables of one
    person, who sits at most once).
    """

    weights: FloatArray
    group_var: IntArray = field(default_factory=_no_ints)
    group_of: IntArray = field(default_factory=_no_ints)
    slot_group: IntArray = field(default_factory=_no_ints)
    slot_weight: FloatArray = field(default_factory=lambda: np.zeros(0))
    where: FloatArray | None = None
    person_var: IntArray = field(default_factory=_no_ints)
    person_of: IntArray = field(default_factory=_no_ints)

    def seated(self, x: FloatArray) -> tuple[list[tuple[IntArray, int]], list[IntArray]]:
        """Who ``x`` seats, as *where* keeps it: (the variables of each group or person with
        a seat, and that group's or person's seat count), and the variables of each person
        and group with none."""
        keep: list[tuple[IntArray, int]] = []
        empty: list[IntArray] = []
        for var, of in ((self.group_var, self.group_of), (self.person_var, self.person_of)):
            order = np.argsort(of, kind="stable")
            var, of = var[order], of[order]
            for members in np.split(var, np.flatnonzero(np.diff(of)) + 1):
                if members.size == 0:
                    continue
                count = round(float(np.rint(x[members]).sum()))
                if count:
                    keep.append((members, count))
                else:
                    empty.append(members)
        return keep, empty

    def value(self, x: FloatArray) -> float:
        """The *who* value of a point: direct weights plus, per group, its best slots for the
        group's total."""
        total = float(self.weights @ x)
        n_groups = int(self.slot_group.max(initial=-1)) + 1
        seated = np.zeros(n_groups)
        np.add.at(seated, self.group_of, np.rint(x[self.group_var]))
        order = np.lexsort((-self.slot_weight, self.slot_group))
        slot_group, slot_weight = self.slot_group[order], self.slot_weight[order]
        first = np.searchsorted(slot_group, slot_group)
        filled = np.arange(slot_group.shape[0]) - first < seated[slot_group]
        return total + float(slot_weight[filled].sum())


@dataclass(frozen=True, slots=True)
class LinearSolution:
    """What a backend found for a :class:`LinearModel`."""

    status: str  # "optimal", "feasible", "infeasible", "time_limit"
    x: FloatArray | None
    objective: float | None
    bound: float | None
    seconds: float
    # Whether a second stage proved this the best of the optimal solutions for a secondary
    # objective (the seeded lot among equally good plans).
    lot_settled: bool = False


def with_objective(model: LinearModel, obj: FloatArray) -> LinearModel:
    """The same rows and variables with another objective (the rows are shared, not copied)."""
    if obj.shape != (model.n_vars,):
        raise ValueError(f"objective has shape {obj.shape}, expected ({model.n_vars},)")
    return LinearModel(lb=model.lb, ub=model.ub, obj=[np.asarray(obj, dtype=np.float64)],
                       n_vars=model.n_vars, row_rule=model.row_rule, row_lb=model.row_lb,
                       row_ub=model.row_ub, _rows=model._rows, _cols=model._cols,
                       _vals=model._vals)
