"""Lotteries over plans by column generation: LEXIMIN, MAXIMIN and a random-priority baseline.

Fairness is over citizens. A lottery is a probability distribution over feasible citizen
plans ("panels"); a citizen's selection probability is the chance of being seated. LEXIMIN
(Flanigan et al., Nature 2021) maximises the smallest probability, then the next smallest,
and so on. Citizens of one type (see :mod:`.citizens`) are interchangeable, so the unique
LEXIMIN vector gives them equal probabilities, and the whole computation runs over types:
a panel says how many of each type sit on each committee.

Each level is a linear programme over panels (the master), grown by pricing: given the
master's dual weights y on the types, the panel that maximises ``sum_t y_t X_t / n_t`` is
found with the same MIP that :func:`~cocreate_match.solve` uses, only with another objective.
When no panel prices above the master's dual value ``mu``, the level is proven: its value
lies between the master's value and that value plus ``(pricing bound - mu)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import SolverError
from .backends import solve_highs
from .citizens import CitizenTypes
from .linear import FloatArray, LinearModel, with_objective

# Columns are priced until no panel improves a level by more than this (probabilities are
# in [0, 1]); it bounds each level's distance from the exact LEXIMIN value.
PRICING_TOLERANCE = 1e-9
# Extra panels priced per master solve with damped weights (a heuristic; proofs come only from
# the undamped pricing).
EXTRA_COLUMNS = 8
# Those extra panels need not be optimal for their damped weights, only good.
HEURISTIC_GAP = 0.05
# A type is fixed at a level's value when its dual weight exceeds this.
FIX_TOLERANCE = 1e-7
_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LevelCertificate:
    """The proof of one LEXIMIN (or MAXIMIN) level.

    Attributes
    ----------
    level : int
        1-based.
    value : float
        The probability this level guarantees to the types still free at it.
    upper_bound : float
        No lottery can give those types more at this level: ``value + pricing_bound -
        dual_value``; the gap is at most the pricing tolerance.
    pricing_bound : float
        The proven maximum of the dual-weighted panel value over all feasible panels.
    dual_value : float
        The master's dual value ``mu`` that no panel may exceed.
    fixed : int
        How many citizens this level fixed at ``value``.
    columns : int
        Panels in the master when the level was proven.
    """

    level: int
    value: float
    upper_bound: float
    pricing_bound: float
    dual_value: float
    fixed: int
    columns: int

    @property
    def gap(self) -> float:
        return self.upper_bound - self.value


@dataclass(frozen=True, slots=True)
class PanelLottery:
    """Panels (counts per citizen variable) with their probabilities, and the proofs."""

    panels: tuple[NDArray[np.int64], ...]
    weights: FloatArray
    type_probability: FloatArray
    certificates: tuple[LevelCertificate, ...]
    seconds: float
    seatable: NDArray[np.bool_]  # per type: some feasible panel seats it


class _Pricer:
    """Finds the feasible panel with the highest value for given weights per type."""

    def __init__(self, model: LinearModel, types: CitizenTypes, deadline: float | None) -> None:
        self.model = model
        self.types = types
        self.sizes = np.array([len(m) for m in types.members], dtype=np.float64)
        self.n_vars = types.var_type.shape[0]
        self.deadline = deadline
        self.calls = 0

    def best(self, type_weights: FloatArray,
             rel_gap: float = 0.0) -> tuple[float, float, NDArray[np.int64]]:
        """(value, proven bound, panel counts) of the panel with the most weight, where each
        seat given to a member of type t is worth ``type_weights[t]``."""
        per_var = np.zeros(self.model.n_vars)
        per_var[: self.n_vars] = type_weights[self.types.var_type]
        remaining = None if self.deadline is None else self.deadline - time.perf_counter()
        if remaining is not None and remaining <= 0:
            raise TimeoutError
        solution = solve_highs(with_objective(self.model, per_var), remaining, 0,
                               rel_gap=rel_gap)
        self.calls += 1
        if solution.status == "time_limit" or (solution.status == "feasible"):
            raise TimeoutError
        if solution.status != "optimal" or solution.x is None:
            raise SolverError(f"pricing stopped with status {solution.status}")
        counts = np.rint(solution.x[: self.n_vars]).astype(np.int64)
        bound = solution.bound if solution.bound is not None else solution.objective
        assert solution.objective is not None and bound is not None
        return float(solution.objective), float(max(bound, solution.objective)), counts

    def seats_by_type(self, counts: NDArray[np.int64]) -> FloatArray:
        """Per type: the share of its members a panel seats (``X_t / n_t``)."""
        seated = np.bincount(self.types.var_type, weights=counts,
                             minlength=len(self.types.members))
        return seated / self.sizes


def _cover(pricer: _Pricer,
           progress: Progress) -> tuple[list[NDArray[np.int64]], NDArray[np.bool_]]:
    """Panels that together seat every type that any feasible panel can seat.

    Each round asks for the panel seating the most not-yet-covered members; a round whose best
    panel seats none of them proves the rest can never be seated.
    """
    n_types = len(pricer.types.members)
    covered = np.zeros(n_types, dtype=bool)
    panels: list[NDArray[np.int64]] = []
    while True:
        weights = np.where(covered, 0.0, 1.0)
        _, bound, counts = pricer.best(weights)
        share = pricer.seats_by_type(counts)
        if not panels:
            panels.append(counts)  # a feasible panel, even one that seats nobody
        elif bound < 0.5 or not (share[~covered] > 0).any():
            break
        else:
            panels.append(counts)
        covered |= share > 0
        progress(f"covering: {int(covered.sum())} of {n_types} groups can be seated")
        if covered.all():
            break
    return panels, covered


def _solve_master(columns: FloatArray, free: NDArray[np.bool_], fixed: FloatArray,
                  fixed_mask: NDArray[np.bool_]) -> tuple[float, FloatArray, FloatArray, float]:
    """max z over lotteries of the given panels: free types >= z, fixed types >= their value.

    ``columns`` is types x panels (shares seated). Returns (z, lambda, y per type, mu).
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_array, hstack

    n_types, n_panels = columns.shape
    free_rows = np.flatnonzero(free)
    fixed_rows = np.flatnonzero(fixed_mask)
    # Variables: lambda (n_panels), z. Rows: free types (z - a.lambda <= 0), fixed types
    # (-a.lambda <= -f).
    a_free = csr_array(-columns[free_rows])
    a_fixed = csr_array(-columns[fixed_rows])
    z_col = np.concatenate([np.ones(len(free_rows)), np.zeros(len(fixed_rows))])[:, None]
    from scipy.sparse import vstack

    a_ub = hstack([vstack([a_free, a_fixed]), csr_array(z_col)]).tocsr()
    b_ub = np.concatenate([np.zeros(len(free_rows)), -fixed[fixed_rows]])
    a_eq = np.concatenate([np.ones(n_panels), [0.0]])[None, :]
    cost = np.zeros(n_panels + 1)
    cost[-1] = -1.0
    bounds = [(0, None)] * n_panels + [(None, None)]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds,
                  method="highs", options=_LP_OPTIONS)
    if res.status != 0:
        raise SolverError(f"the lottery's master LP stopped with status {res.status}: "
                          f"{res.message}")
    y = np.zeros(n_types)
    duals = -np.asarray(res.ineqlin.marginals)
    y[free_rows] = np.maximum(duals[: len(free_rows)], 0.0)
    y[fixed_rows] = np.maximum(duals[len(free_rows):], 0.0)
    mu = -float(res.eqlin.marginals[0])
    return float(res.x[-1]), np.asarray(res.x[:-1]), y, mu


def column_lottery(model: LinearModel, types: CitizenTypes, *, levels: int | None,
                   deadline: float | None, progress: Progress) -> PanelLottery:
    """LEXIMIN (``levels=None``) or its first ``levels`` levels (1 = MAXIMIN) over panels."""
    start = time.perf_counter()
    pricer = _Pricer(model, types, deadline)
    panels, seatable = _cover(pricer, progress)
    n_types = len(types.members)
    fixed = np.zeros(n_types)
    fixed_mask = ~seatable  # types no panel can seat stay at probability 0
    shares = [pricer.seats_by_type(p) for p in panels]
    certificates: list[LevelCertificate] = []
    weights = np.ones(len(panels)) / max(len(panels), 1)
    while not fixed_mask.all() and (levels is None or len(certificates) < levels):
        free = ~fixed_mask
        while True:
            columns = np.column_stack(shares)
            z, weights, y, mu = _solve_master(columns, free, fixed, fixed_mask)
            value, bound, counts = pricer.best(y / pricer.sizes)
            if bound <= mu + PRICING_TOLERANCE:
                break
            if value <= mu + PRICING_TOLERANCE:
                # The MIP's bound is loose but its panel does not help: a proof needs the
                # bound itself, which a zero-gap MIP gives; treat a gap here as a failure.
                raise SolverError("pricing could not prove a level (MIP gap remained)")
            panels.append(counts)
            shares.append(pricer.seats_by_type(counts))
            # More columns per master solve: price again with the weights of the types just
            # seated damped, which finds other improving panels (the master LP is the costly
            # step, and its duals are highly degenerate).
            damped = y.copy()
            for _ in range(EXTRA_COLUMNS):
                damped = np.where(shares[-1] > 0, damped * 0.25, damped)
                _, _, extra = pricer.best(damped / pricer.sizes, rel_gap=HEURISTIC_GAP)
                share = pricer.seats_by_type(extra)
                if float(y @ share) <= mu + PRICING_TOLERANCE:
                    break
                panels.append(extra)
                shares.append(share)
        # A positive dual weight means the type is held at z in every optimum of this level.
        newly = free & (y > FIX_TOLERANCE)
        if not newly.any():  # numerically flat duals: fix the smallest-probability free type
            probabilities = np.column_stack(shares) @ weights
            newly = np.zeros(n_types, dtype=bool)
            newly[np.flatnonzero(free)[np.argmin(probabilities[free])]] = True
        fixed[newly] = z
        fixed_mask |= newly
        members = int(sum(len(types.members[t]) for t in np.flatnonzero(newly)))
        certificates.append(LevelCertificate(
            level=len(certificates) + 1, value=z, upper_bound=z + max(bound - mu, 0.0),
            pricing_bound=bound, dual_value=mu, fixed=members, columns=len(panels)))
        progress(f"level {len(certificates)}: probability {z:.9f} fixed for {members} "
                 f"citizens ({int(fixed_mask.sum())} of {n_types} groups done, "
                 f"{len(panels)} panels)")
    columns = np.column_stack(shares)
    keep = weights > 1e-12
    weights = np.where(keep, weights, 0.0)
    weights = weights / weights.sum()
    type_probability = columns @ weights
    kept = tuple(p for p, k in zip(panels, keep, strict=True) if k)
    return PanelLottery(kept, weights[keep], type_probability, tuple(certificates),
                        time.perf_counter() - start, seatable)


def random_priority_lottery(model: LinearModel, types: CitizenTypes, *, samples: int,
                            rng: np.random.Generator, deadline: float | None,
                            progress: Progress) -> PanelLottery:
    """The baseline: each draw gives every type a random priority and takes the feasible
    panel with the highest total priority; ``samples`` equally likely draws."""
    start = time.perf_counter()
    pricer = _Pricer(model, types, deadline)
    _, seatable = _cover(pricer, progress)
    n_types = len(types.members)
    panels = []
    for i in range(samples):
        _, _, counts = pricer.best(rng.random(n_types))
        panels.append(counts)
        if (i + 1) % max(1, samples // 10) == 0:
            progress(f"baseline: {i + 1} of {samples} random-priority panels")
    weights = np.full(len(panels), 1.0 / max(len(panels), 1))
    shares = np.column_stack([pricer.seats_by_type(p) for p in panels]) if panels else \
        np.zeros((n_types, 0))
    return PanelLottery(tuple(panels), weights, shares @ weights, (),
                        time.perf_counter() - start, seatable)


