"""Lotteries over plans by column generation: LEXIMIN, MAXIMIN and a random-priority baseline.

Fairness is over citizens. A lottery is a probability distribution over feasible citizen
plans ("panels"); a citizen's selection probability is the chance of being seated. LEXIMIN
(Flanigan et al., Nature 2021) maximises the smallest probability, then the next smallest,
and so on. Citizens of one group (see :mod:`.citizens`) are interchangeable, so the unique
LEXIMIN vector gives them equal probabilities, and the whole computation runs over groups:
a panel says how many of each group sit on each committee.

The relaxation first (:mod:`.decompose`): the LEXIMIN of the LP relaxation of the panels takes a
few compact LPs, and no lottery can beat it at any level. When its point is a lottery of
feasible panels (a walk through the relaxation's faces finds them, and column generation
towards the point finishes what the walk leaves), it is the LEXIMIN. Each level's proof is
then the relaxation's dual weights with an exact pricing MIP at them (zero gaps): no panel is
worth more than the relaxation's value there. When pricing shows that the point is beyond
every lottery, the level-by-level column generation below runs, starting from the panels
found so far.

Each level is a linear programme over panels (the master), grown by pricing: given the
master's dual weights y on the groups, the panel that maximises ``sum_t y_t X_t / n_t`` is
found with the same MIP that :func:`~cocreate_match.solve` uses, only with another objective.
When no panel prices above the master's dual value ``mu``, the level is proven: its value
lies between the master's value and that value plus ``(pricing bound - mu)``.

Both the master and the pricing model are kept in HiGHS between solves: the master grows by
columns and is re-solved from its last basis; the pricing model only changes its objective,
and its LP relaxation is tried first (an integral optimal vertex proves the MIP's optimum).
Heuristics only speed things up: starting panels by multiplicative weights over the groups,
pricing MIPs started from the best panel found so far and first run to a 5% gap (and a few
branch-and-bound nodes), extra panels priced at damped weights. Only the exact pricing at the
master's own duals, with zero MIP gaps, proves a level.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import SolverError
from .citizens import CitizenTypes
from .clock import Clock, Progress, Stopped, limit_time
from .decompose import ACCURACY, Walk, relaxed_leximin, relaxed_smallest_cap
from .highs import highs_model, new_highs
from .linear import FloatArray, LinearModel

# Columns are priced until no panel improves a level by more than this (probabilities are
# in [0, 1]); it bounds each level's distance from the exact LEXIMIN value.
PRICING_TOLERANCE = 1e-9
# A group is fixed at a level's value when its dual weight exceeds this.
FIX_TOLERANCE = 1e-7
# The extra panels need only be good, not optimal for their damped weights.
HEURISTIC_GAP = 0.05
# ... and the search for one stops after this many branch-and-bound nodes.
HEURISTIC_NODES = 20
# Extra panels priced per master solve with damped weights (a heuristic; proofs come only from
# the exact pricing at the master's own duals).
EXTRA_COLUMNS = 8
DAMPING = 0.25
# Panels added before the first master solve: multiplicative weights over the groups (each
# round prices the panel worth most at the weights, then lowers the weights of the groups it
# seats), so the first duals already see a spread of panels.
INITIAL_PANELS = 150
INITIAL_RATE = 2.0
# The master grows by columns, which keeps its last basis primal feasible: the primal simplex
# goes on from there, where the dual simplex would repair many dual infeasibilities first
# (about 4 times faster on the benchmarks' pools).
_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10,
               "simplex_strategy": 4}

@dataclass(frozen=True, slots=True)
class LevelCertificate:
    """The proof of one LEXIMIN (or MAXIMIN) level, with its evidence.

    The evidence lets anyone check the proof with their own solver: ``group_weights`` are the
    dual weights (of the master LP, or of the LP relaxation's level), one per group of
    interchangeable citizens (``Lottery.groups``); a panel's *value* is
    ``sum_g group_weights[g] * seated_g / size_g``, that is, each citizen of group g carries
    ``group_weights[g] / size_g``. No feasible panel has a value above
    ``pricing_bound``, and ``best_panel`` is a feasible panel whose value is
    ``pricing_bound``.

    Attributes
    ----------
    level : int
        1-based.
    value : float
        The probability this level guarantees to the groups still free at it.
    upper_bound : float
        No lottery can give those groups more at this level: ``value + pricing_bound -
        dual_value``; the gap is at most the pricing tolerance.
    pricing_bound : float
        The proven maximum of the dual-weighted panel value over all feasible panels.
    dual_value : float
        The dual value ``mu`` that no panel may exceed (the master's, or the largest weighted
        value over the LP relaxation).
    fixed : int
        How many citizens this level fixed at ``value``.
    columns : int
        Panels in the master when the level was proven (in the lottery, when the relaxation
        proved it).
    group_weights : tuple of float
        The dual weight per group (scenario's group order) that the final pricing used.
    best_panel : numpy array of int
        Seats per citizen variable (group and committee, as ``Lottery.panels``) of the best
        panel the final, exact pricing found.
    """

    level: int
    value: float
    upper_bound: float
    pricing_bound: float
    dual_value: float
    fixed: int
    columns: int
    group_weights: tuple[float, ...] = ()
    best_panel: NDArray[np.int64] | None = None

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
    complete: bool = True  # False when the deadline stopped it (the levels proven are kept)


class _Pricer:
    """The feasible panel with the highest value for weights per group: one HiGHS MIP kept
    between calls, where only the objective changes."""

    def __init__(self, model: LinearModel, types: CitizenTypes, clock: Clock) -> None:
        import highspy
        from scipy.sparse import csr_array

        self.types = types
        self.sizes = np.array([len(m) for m in types.members], dtype=np.float64)
        self.n_vars = types.var_type.shape[0]
        self.clock = clock
        self.calls = 0
        self.seconds = 0.0
        lb, ub, _, rows, cols, vals, row_lb, row_ub = model.arrays()
        self.n_model = model.n_vars
        h = highs_model(model, integer=True)
        self._cols = (types.first_var + np.arange(self.n_vars)).astype(np.int32)
        self.h = h
        # The LP relaxation, kept apart: these models are close to network flows, and its
        # simplex vertex is usually integral, which proves the MIP's optimum at once.
        self.lp = highs_model(model, integer=False)
        a = csr_array((vals, (rows, cols)), shape=(model.n_rows, model.n_vars))
        a.sum_duplicates()
        self._rows = (a, row_lb, row_ub, lb, ub) if model.n_rows else None
        self.lp_hits = 0
        # Every panel found so far, whole (all model variables): the best of them for new
        # weights starts the MIP, which then needs only to improve on it or prove it best.
        self._known_counts: list[NDArray[np.int64]] = []
        self._known_x: list[FloatArray] = []
        self._known_keys: set[bytes] = set()
        self._highspy = highspy

    def best(self, type_weights: FloatArray,
             rel_gap: float = 0.0) -> tuple[float, float, NDArray[np.int64]]:
        """(value, proven bound, panel counts) of the panel with the most weight, where each
        seat given to a member of group t is worth ``type_weights[t]``. With ``rel_gap`` 0
        (and HiGHS' absolute gap 0) the bound is a proof; otherwise the panel is only good."""
        per_var = type_weights[self.types.var_type]
        scale = float(np.abs(per_var).max(initial=0.0)) or 1.0
        if self.n_model == 0:  # nothing to decide: the empty panel (the rules were checked)
            return 0.0, 0.0, np.zeros(0, dtype=np.int64)
        found = self._from_lp(per_var, scale)
        if found is not None:
            return found
        h = self.h
        h.changeColsCost(self.n_vars, self._cols, per_var / scale)
        if self._known_counts:
            start = int(np.argmax(np.stack(self._known_counts) @ per_var))
            h.setSolution(self.n_model, np.arange(self.n_model, dtype=np.int32),
                          self._known_x[start])
        h.setOptionValue("mip_rel_gap", float(rel_gap))
        h.setOptionValue("mip_abs_gap", 0.0)
        # A heuristic panel is not worth a long search; an exact one is searched to the end.
        h.setOptionValue("mip_max_nodes", HEURISTIC_NODES if rel_gap > 0 else 2**31 - 1)
        limit_time(h, self.clock)
        # HiGHS' MIP presolve does not check the time limit: with a deadline it ran 0.8 s
        # past a 1.6 s limit (60 committees, 8,000 applicants, seed 7), so it is off then.
        h.setOptionValue("presolve", "off" if self.clock.remaining() is not None else "choose")
        began = time.perf_counter()
        h.run()
        self.seconds += time.perf_counter() - began
        self.calls += 1
        status = h.getModelStatus()
        ms = self._highspy.HighsModelStatus
        if status == ms.kTimeLimit or status == ms.kInterrupt:
            raise Stopped
        if status in (ms.kSolutionLimit, ms.kIterationLimit) and rel_gap > 0 and \
                h.getInfo().primal_solution_status == 2:
            pass  # the node limit, with a feasible panel: good enough for a heuristic
        elif status != ms.kOptimal:
            raise SolverError(f"pricing stopped with status {h.modelStatusToString(status)}")
        whole = np.asarray(h.getSolution().col_value)
        counts = np.rint(whole[self._cols]).astype(np.int64)
        self._remember(counts, whole)
        value = float(per_var @ counts)
        info = h.getInfo()
        bound = float(info.mip_dual_bound) * scale
        if rel_gap == 0.0 and not np.isfinite(bound):  # an LP that was integral at once
            bound = float(info.objective_function_value) * scale
        return value, max(bound, value), counts

    def _from_lp(self, per_var: FloatArray,
                 scale: float) -> tuple[float, float, NDArray[np.int64]] | None:
        """The panel and proof from the LP relaxation, when its optimal vertex is integral."""
        lp = self.lp
        lp.changeColsCost(self.n_vars, self._cols, per_var / scale)
        limit_time(lp, self.clock)
        began = time.perf_counter()
        lp.run()
        self.seconds += time.perf_counter() - began
        self.calls += 1
        status = lp.getModelStatus()
        ms = self._highspy.HighsModelStatus
        if status == ms.kTimeLimit or status == ms.kInterrupt:
            raise Stopped
        if status != ms.kOptimal:
            return None
        x = np.asarray(lp.getSolution().col_value)
        rounded = np.rint(x)
        if np.abs(x - rounded).max(initial=0.0) > 1e-9 or not self._meets_rows(rounded):
            return None
        counts = rounded[self._cols].astype(np.int64)
        self._remember(counts, rounded)
        value = float(per_var @ counts)
        bound = float(lp.getInfo().objective_function_value) * scale
        self.lp_hits += 1
        return value, max(bound, value), counts

    def _remember(self, counts: NDArray[np.int64], whole: FloatArray) -> None:
        key = counts.tobytes()
        if key not in self._known_keys:
            self._known_keys.add(key)
            self._known_counts.append(counts)
            self._known_x.append(np.rint(whole).astype(np.float64))

    def _meets_rows(self, x: FloatArray) -> bool:
        if self._rows is None:
            return True
        a, row_lb, row_ub, lb, ub = self._rows
        activity = a @ x
        return bool(np.all(activity >= row_lb - 1e-9) and np.all(activity <= row_ub + 1e-9)
                    and np.all(x >= lb) and np.all(x <= ub))

    def seats_by_type(self, counts: NDArray[np.int64]) -> FloatArray:
        """Per group: the share of its members a panel seats (``X_t / n_t``)."""
        seated = np.bincount(self.types.var_type, weights=counts,
                             minlength=len(self.types.members))
        return seated / self.sizes


class _Master:
    """max z over lotteries of the panels so far: free groups >= z, fixed groups >= their
    value. One HiGHS LP kept between solves; columns are added and it restarts from its last
    basis."""

    def __init__(self, n_types: int, clock: Clock, cap: float | None = None) -> None:
        import highspy

        self.n_types = n_types
        self.clock = clock
        self.capped = cap is not None
        self.seconds = 0.0
        self.solves = 0
        h = new_highs()
        for name, value in _LP_OPTIONS.items():
            h.setOptionValue(name, value)
        h.addVars(1, np.array([0.0]), np.array([1.0]))  # z
        h.changeColsCost(1, np.array([0], dtype=np.int32), np.array([1.0]))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        starts = np.arange(n_types + 1, dtype=np.int32)
        h.addRows(n_types, np.zeros(n_types), np.full(n_types, np.inf), n_types, starts[:-1],
                  np.zeros(n_types, dtype=np.int32), np.full(n_types, -1.0))
        h.addRow(1.0, 1.0, 0, np.zeros(0, dtype=np.int32), np.zeros(0))  # the lottery sums to 1
        if cap is not None:  # no group above the cap: rows n_types + 1 + g
            h.addRows(n_types, np.full(n_types, -np.inf), np.full(n_types, float(cap)), 0,
                      np.zeros(n_types, dtype=np.int32), np.zeros(0, dtype=np.int32),
                      np.zeros(0))
        self.h = h
        self._highspy = highspy
        self.columns: list[FloatArray] = []

    def add(self, share: FloatArray) -> None:
        rows = np.flatnonzero(share > 0)
        idx = np.append(rows, self.n_types).astype(np.int32)
        vals = np.append(share[rows], 1.0)
        if self.capped:
            idx = np.append(idx, self.n_types + 1 + rows).astype(np.int32)
            vals = np.append(vals, share[rows])
        self.h.addCol(0.0, 0.0, np.inf, len(idx), idx, vals)
        self.columns.append(share)

    def fix(self, groups: NDArray[np.int64], value: float,
            reached: FloatArray | None = None) -> None:
        """Hold these groups at ``value`` or more from now on, outside the level's z; no
        higher than ``reached`` (per group), the master's solution, which meets ``value``
        only to its feasibility tolerance and must stay feasible."""
        for t in groups:
            low = float(value) if reached is None else min(float(value), float(reached[t]))
            self.h.changeCoeff(int(t), 0, 0.0)
            self.h.changeRowBounds(int(t), low, np.inf)

    def _run(self) -> Any:
        limit_time(self.h, self.clock)
        began = time.perf_counter()
        self.h.run()
        self.seconds += time.perf_counter() - began
        self.solves += 1
        return self.h.getModelStatus()

    def solve(self) -> tuple[float, FloatArray, FloatArray, float, FloatArray]:
        """(z, lambda per panel, y per group, mu, pricing weight per group).

        The pricing weight is y less the cap rows' duals: with a cap, a panel seating a group
        held at the cap is worth less."""
        h = self.h
        status = self._run()
        ms = self._highspy.HighsModelStatus
        if status != ms.kOptimal and status != ms.kTimeLimit and status != ms.kInterrupt:
            # A rare numerical failure of the warm start: solve afresh with the dual simplex.
            h.clearSolver()
            h.setOptionValue("simplex_strategy", 1)
            status = self._run()
            h.setOptionValue("simplex_strategy", _LP_OPTIONS["simplex_strategy"])
        if status == ms.kTimeLimit or status == ms.kInterrupt:
            raise Stopped
        if status != ms.kOptimal:
            raise SolverError("the lottery's master LP stopped with status "
                              f"{h.modelStatusToString(status)}")
        solution = h.getSolution()
        x = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        y = np.maximum(-duals[: self.n_types], 0.0)
        price = y - np.maximum(duals[self.n_types + 1:], 0.0) if self.capped else y
        return float(x[0]), np.maximum(x[1:], 0.0), y, float(duals[self.n_types]), price


def _cover(pricer: _Pricer,
           clock: Clock) -> tuple[list[NDArray[np.int64]], NDArray[np.bool_]]:
    """Panels that together seat every group that any feasible panel can seat.

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
        clock.tick("CM-R100", covered=int(covered.sum()), groups=n_types)
        if covered.all():
            break
    return panels, covered


def _spread(pricer: _Pricer, panels: list[NDArray[np.int64]], seatable: NDArray[np.bool_],
            clock: Clock) -> None:
    """Add up to ``INITIAL_PANELS`` panels by multiplicative weights (a heuristic start)."""
    if not seatable.any():
        return
    seen = {p.tobytes() for p in panels}
    total = np.sum([pricer.seats_by_type(p) for p in panels], axis=0)
    for i in range(INITIAL_PANELS):
        y = np.where(seatable, np.exp(-INITIAL_RATE * (total - total[seatable].min())), 0.0)
        _, _, counts = pricer.best(y / pricer.sizes, rel_gap=HEURISTIC_GAP)
        total = total + pricer.seats_by_type(counts)
        key = counts.tobytes()
        if key not in seen:
            seen.add(key)
            panels.append(counts)
        clock.tick("CM-R101", done=i + 1, total=INITIAL_PANELS)


def _seated(pricer: _Pricer, panels: list[NDArray[np.int64]]) -> NDArray[np.bool_]:
    """Groups that some of these panels seat (what is known when covering was cut short)."""
    seated: NDArray[np.bool_] = np.any([pricer.seats_by_type(p) > 0 for p in panels], axis=0)
    return seated


def seatable_groups(model: LinearModel, types: CitizenTypes, *, deadline: float | None,
                    progress: Progress) -> NDArray[np.bool_]:
    """Per group: whether some feasible panel of ``model`` seats a member of it."""
    clock = Clock(deadline, progress)
    try:
        return _cover(_Pricer(model, types, clock), clock)[1]
    except Stopped:
        raise TimeoutError from None


def column_lottery(model: LinearModel, types: CitizenTypes, *, levels: int | None,
                   deadline: float | None, progress: Progress,
                   cap: float | None = None) -> PanelLottery:
    """LEXIMIN (``levels=None``) or its first ``levels`` levels (1 = MAXIMIN) over panels;
    with ``cap``, over the lotteries that give no group more than ``cap``.

    When the deadline comes, the lottery of the master's current distribution is returned
    with ``complete=False`` and the certificates of the levels proven so far; every panel in
    it is feasible. A deadline before the first feasible panel raises ``TimeoutError``. A cap
    below the smallest one any lottery keeps raises :class:`CapTooLow`.
    """
    found = _column_lottery(model, types, levels, deadline, progress, cap)
    if cap is not None and not found.complete and \
            found.type_probability.max(initial=0.0) > cap + ACCURACY:
        # Stopped before any lottery that keeps the cap: there is none to return.
        raise TimeoutError
    return found


def _column_lottery(model: LinearModel, types: CitizenTypes, levels: int | None,
                    deadline: float | None, progress: Progress,
                    cap: float | None) -> PanelLottery:
    start = time.perf_counter()
    clock = Clock(deadline, progress)
    n_types = len(types.members)
    panels: list[NDArray[np.int64]] = []
    capped: list[NDArray[np.int64]] = []
    try:
        pricer = _Pricer(model, types, clock)
        relaxed = _by_relaxation(model, types, pricer, clock, levels, start, cap)
        if isinstance(relaxed, PanelLottery):
            return relaxed
        panels, seatable = _cover(pricer, clock)
        _add_new(panels, relaxed)  # the walk's panels are good starting columns
        if cap is not None:
            # Whether any lottery keeps the cap at all, and panels that do (the master must
            # start feasible).
            smallest = smallest_cap(model, types, pricer, capped, clock)
            if smallest > cap + PRICING_TOLERANCE:
                raise CapTooLow(smallest)
            _add_new(panels, capped)
    except Stopped:
        if not panels:
            raise TimeoutError from None
        seatable = _seated(pricer, panels)
        weights = np.ones(len(panels)) / len(panels)
        return _finish(pricer, panels, weights, [], start, seatable, complete=False)
    try:
        _spread(pricer, panels, seatable, clock)
    except Stopped:
        weights = np.ones(len(panels)) / len(panels)
        return _finish(pricer, panels, weights, [], start, seatable, complete=False)
    master = _Master(n_types, clock, cap)
    for p in panels:
        master.add(pricer.seats_by_type(p))
    fixed_mask = ~seatable  # groups no panel can seat stay at probability 0
    master.fix(np.flatnonzero(fixed_mask), 0.0)
    certificates: list[LevelCertificate] = []
    weights = np.ones(len(panels)) / max(len(panels), 1)
    try:
        while not fixed_mask.all() and (levels is None or len(certificates) < levels):
            certificate, newly, weights = _level(master, pricer, panels, fixed_mask, clock,
                                                 len(certificates) + 1)
            fixed_mask |= newly
            certificates.append(certificate)
            clock.say("CM-R102", level=certificate.level, value=certificate.value,
                      fixed=certificate.fixed, done=int(fixed_mask.sum()),
                      groups=n_types, panels=len(panels))
    except Stopped:
        weights = _last_weights(master, len(panels), weights)
        return _finish(pricer, panels, weights, certificates, start, seatable, complete=False)
    return _finish(pricer, panels, weights, certificates, start, seatable, complete=True)


def _add_new(panels: list[NDArray[np.int64]], more: list[NDArray[np.int64]]) -> None:
    seen = {p.tobytes() for p in panels}
    for p in more:
        if p.tobytes() not in seen:
            seen.add(p.tobytes())
            panels.append(p)


def _by_relaxation(model: LinearModel, types: CitizenTypes, pricer: _Pricer, clock: Clock,
                   levels: int | None, start: float,
                   cap: float | None = None) -> PanelLottery | list[NDArray[np.int64]]:
    """The LEXIMIN of the LP relaxation, when its point is a lottery of panels (see
    :mod:`.decompose`), with a certificate per level from the relaxation's duals and an exact
    pricing at them; otherwise the panels the walk found, for column generation to start
    from. When the deadline stops the walk, the panels found so far are the lottery."""
    if pricer.n_model == 0 or types.var_type.shape[0] == 0:
        return []
    # One feasible panel first: what a deadline inside the relaxation leaves as the lottery.
    _, _, first = pricer.best(np.ones(len(types.members)))
    clock.say("CM-R103")
    try:
        relaxed = relaxed_leximin(model, types, clock, cap)
    except Stopped:
        return _finish(pricer, [first], np.ones(1), [], start, _seated(pricer, [first]),
                       complete=False)
    if relaxed is None:
        return [first]
    walk = Walk(model, clock)
    cols = types.first_var + np.arange(types.var_type.shape[0])

    def found() -> tuple[list[NDArray[np.int64]], FloatArray]:
        merged: dict[bytes, int] = {}
        panels: list[NDArray[np.int64]] = []
        weights: list[float] = []
        for whole, weight in zip(walk.panels, walk.weights, strict=True):
            counts = np.rint(whole[cols]).astype(np.int64)
            k = merged.setdefault(counts.tobytes(), len(panels))
            if k == len(panels):
                panels.append(counts)
                weights.append(0.0)
            weights[k] += weight
        return panels, np.asarray(weights)

    try:
        done = walk.run(relaxed.point)
    except Stopped:
        panels, weights = found()
        if not panels:
            panels, weights = [first], np.ones(1)
        return _finish(pricer, panels, weights, [], start, _seated(pricer, panels),
                       complete=False)
    panels, weights = found()
    if not panels:
        return panels
    if not done:
        # The walk left the panels' hull (it steps to the relaxation's faces, which can lie
        # beyond it); column generation decides whether the point is a lottery after all.
        try:
            completed = _complete(pricer, relaxed.type_probability, panels, clock)
        except _Partial as stopped:
            return _finish(pricer, panels, stopped.weights, [], start,
                           _seated(pricer, panels), complete=False)
        if completed is None:
            return panels
        weights = completed
    weights = weights / weights.sum()
    probability = np.column_stack([pricer.seats_by_type(p) for p in panels]) @ weights
    if np.abs(probability - relaxed.type_probability).max() > ACCURACY or (
            cap is not None and probability.max() > cap + ACCURACY):
        return panels
    certificates: list[LevelCertificate] = []
    earlier = relaxed.unseatable.copy()
    for number, level in enumerate(relaxed.levels[:levels], start=1):
        # The exact pricing at the relaxation's duals (zero gaps): no panel is worth more
        # than the relaxation's maximum, and the panels of the lottery reach it.
        try:
            _, bound, counts = pricer.best(level.weights / pricer.sizes)
        except Stopped:  # the lottery is whole; the levels priced so far are proven
            return _finish(pricer, panels, weights, certificates, start,
                           ~relaxed.unseatable, complete=False)
        value = float(probability[~earlier].min())
        # The LP's value is exact only to its tolerances: a lottery a rounding error above
        # it is at the bound.
        upper = max(level.value + max(bound - level.dual_value, 0.0), value)
        if upper - value > PRICING_TOLERANCE:
            return panels
        certificates.append(LevelCertificate(
            level=number, value=value, upper_bound=upper, pricing_bound=bound,
            dual_value=level.dual_value,
            fixed=int(sum(len(types.members[t]) for t in level.groups)),
            columns=len(panels), group_weights=tuple(float(v) for v in level.weights),
            best_panel=counts.copy()))
        earlier[level.groups] = True
        clock.say("CM-R104", level=number, value=value, fixed=certificates[-1].fixed,
                  panels=len(panels))
    return _finish(pricer, panels, weights, certificates, start, ~relaxed.unseatable,
                   complete=True)


class CapTooLow(Exception):
    """No lottery of feasible panels keeps every group at or below the cap asked for."""

    def __init__(self, smallest: float) -> None:
        super().__init__(f"the smallest cap any lottery keeps is {smallest}")
        self.smallest = smallest


def smallest_cap(model: LinearModel, types: CitizenTypes, pricer: _Pricer,
                 panels: list[NDArray[np.int64]], clock: Clock) -> float:
    """The least largest chance over every lottery of feasible panels (``panels`` grows to
    hold a lottery that reaches it), proven to ``PRICING_TOLERANCE``.

    The relaxation first: its least cap is a lower bound, and exact when a walk splits its
    point into panels. Otherwise column generation on ``min t`` subject to
    ``sum_p w_p share_p <= t``, ``sum_p w_p = 1``.
    For weights ``pi >= 0`` summing to 1 (the master's duals), every lottery's largest chance
    is at least its ``pi``-weighted mean, so at least the smallest ``pi``-value of a panel:
    pricing finds that value, a lower bound; the master's value is an upper bound.
    """
    import highspy

    n_types = len(pricer.types.members)
    if n_types == 0:
        return 0.0  # no citizen to give a chance to: every lottery keeps any cap
    relaxed = relaxed_smallest_cap(model, types, clock)
    if relaxed is not None:
        walk = Walk(model, clock)
        done = walk.run(relaxed[1])
        cols = types.first_var + np.arange(types.var_type.shape[0])
        found = [np.rint(whole[cols]).astype(np.int64) for whole in walk.panels]
        _add_new(panels, found)
        if done and found:
            weights = np.asarray(walk.weights) / sum(walk.weights)
            shares = np.column_stack([pricer.seats_by_type(p) for p in found]) @ weights
            if shares.max() <= relaxed[0] + ACCURACY:
                return max(relaxed[0], float(shares.max()))
    if not panels:
        # The master must start feasible (its weights add up to 1): with a panel at least,
        # when the walk found none (a relaxation that failed, or seats for no one).
        panels.append(pricer.best(np.ones(n_types))[2])
    h = new_highs()
    for name, value in _LP_OPTIONS.items():
        h.setOptionValue(name, value)
    h.addVars(1, np.array([0.0]), np.array([1.0]))  # t
    h.changeColsCost(1, np.array([0], dtype=np.int32), np.array([1.0]))
    every = np.arange(n_types, dtype=np.int32)
    h.addRows(n_types, np.zeros(n_types), np.full(n_types, np.inf), n_types, every,
              np.zeros(n_types, dtype=np.int32), np.ones(n_types))
    h.addRow(1.0, 1.0, 0, np.zeros(0, dtype=np.int32), np.zeros(0))

    def add(counts: NDArray[np.int64]) -> None:
        share = pricer.seats_by_type(counts)
        rows = np.flatnonzero(share > 0)
        h.addCol(0.0, 0.0, np.inf, len(rows) + 1, np.append(rows, n_types).astype(np.int32),
                 np.append(-share[rows], 1.0))

    for p in panels:
        add(p)
    while True:
        limit_time(h, clock)
        h.run()
        clock.remaining()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise SolverError("the smallest cap's master LP stopped with status "
                              f"{h.modelStatusToString(h.getModelStatus())}")
        upper = float(h.getInfo().objective_function_value)
        pi = np.abs(np.asarray(h.getSolution().row_dual)[:n_types])
        pi = pi / pi.sum() if pi.sum() > 0 else np.full(n_types, 1.0 / n_types)
        clock.tick("CM-R105", cap=upper, panels=len(panels))
        # The panel of least pi-value: the most of -pi (heuristic first, then exact).
        value, bound, counts = pricer.best(-pi / pricer.sizes, rel_gap=HEURISTIC_GAP)
        if -value >= upper - PRICING_TOLERANCE:
            value, bound, counts = pricer.best(-pi / pricer.sizes)
        if upper - (-bound) <= PRICING_TOLERANCE:
            return upper
        if -value >= upper - PRICING_TOLERANCE:
            raise SolverError("pricing could not prove the smallest cap (MIP gap remained)")
        panels.append(counts)
        add(counts)


class _Partial(Exception):
    """The deadline stopped :func:`_complete`; ``weights`` is the master's last lottery."""

    def __init__(self, weights: FloatArray) -> None:
        super().__init__()
        self.weights = weights


def _complete(pricer: _Pricer, target: FloatArray, panels: list[NDArray[np.int64]],
              clock: Clock) -> FloatArray | None:
    """Weights on ``panels`` (which grows) whose lottery gives every group at least its
    ``target`` share, or None when pricing proves that no lottery of panels does.

    Column generation on ``min sum_g e_g`` subject to ``sum_p w_p share_p + e >= target``,
    ``sum_p w_p = 1``: the target is a lottery exactly when the minimum is 0.
    """
    import highspy

    n_types = target.shape[0]
    h = new_highs()
    for name, value in _LP_OPTIONS.items():
        h.setOptionValue(name, value)
    h.addVars(n_types, np.zeros(n_types), np.full(n_types, np.inf))
    every = np.arange(n_types, dtype=np.int32)
    h.changeColsCost(n_types, every, np.ones(n_types))
    h.addRows(n_types, target, np.full(n_types, np.inf), n_types, every, every,
              np.ones(n_types))
    h.addRow(1.0, 1.0, 0, np.zeros(0, dtype=np.int32), np.zeros(0))

    def add(counts: NDArray[np.int64]) -> None:
        share = pricer.seats_by_type(counts)
        rows = np.flatnonzero(share > 0)
        h.addCol(0.0, 0.0, np.inf, len(rows) + 1, np.append(rows, n_types).astype(np.int32),
                 np.append(share[rows], 1.0))

    for p in panels:
        add(p)
    weights = np.ones(len(panels)) / len(panels)
    while True:
        try:
            limit_time(h, clock)
            h.run()
            clock.remaining()
        except Stopped:
            raise _Partial(weights) from None
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = h.getSolution()
        weights = np.maximum(np.asarray(solution.col_value, dtype=np.float64)[n_types:], 0.0)
        shortfall = float(h.getInfo().objective_function_value)
        if shortfall <= PRICING_TOLERANCE:
            return weights
        duals = np.asarray(solution.row_dual)
        y, mu = np.maximum(duals[:n_types], 0.0), float(duals[n_types])
        clock.tick("CM-R106", panels=len(panels), shortfall=shortfall)
        try:
            value, bound, counts = pricer.best(y / pricer.sizes, rel_gap=HEURISTIC_GAP)
            if value + mu <= PRICING_TOLERANCE and bound > value + PRICING_TOLERANCE:
                value, bound, counts = pricer.best(y / pricer.sizes)
        except Stopped:
            raise _Partial(weights) from None
        if value + mu <= PRICING_TOLERANCE:
            return None  # no panel improves: the target is beyond every lottery
        panels.append(counts)
        add(counts)


def _last_weights(master: _Master, n_panels: int, fallback: FloatArray) -> FloatArray:
    """The master's current distribution (its last solution that meets every proven level)."""
    values = np.asarray(master.h.getSolution().col_value)[1:]
    if master.h.getModelStatus() == master._highspy.HighsModelStatus.kOptimal and \
            values.shape[0] == n_panels:
        weights: FloatArray = np.maximum(values, 0.0)
        return weights
    out = np.zeros(n_panels)
    out[: fallback.shape[0]] = fallback
    return out


def _level(master: _Master, pricer: _Pricer, panels: list[NDArray[np.int64]],
           fixed_mask: NDArray[np.bool_], clock: Clock, level: int
           ) -> tuple[LevelCertificate, NDArray[np.bool_], FloatArray]:
    """Prove one level: price until no panel beats the master's dual value."""
    free = ~fixed_mask
    rounds = 0
    while True:
        z, weights, y, mu, price = master.solve()
        rounds += 1
        clock.tick("CM-R107", level=level, value=z, panels=len(panels), round=rounds)
        # A panel within HEURISTIC_GAP of the best is enough to go on with; only when it
        # does not beat mu is the pricing redone exactly (zero gaps), for the proof.
        value, bound, counts = pricer.best(price / pricer.sizes, rel_gap=HEURISTIC_GAP)
        if value <= mu + PRICING_TOLERANCE and bound > value + PRICING_TOLERANCE:
            value, bound, counts = pricer.best(price / pricer.sizes)
        if bound <= mu + PRICING_TOLERANCE and bound <= value + PRICING_TOLERANCE:
            break
        if value <= mu + PRICING_TOLERANCE:
            raise SolverError("pricing could not prove a level (MIP gap remained)")
        share = pricer.seats_by_type(counts)
        master.add(share)
        panels.append(counts)
        # More columns per master solve: price again with the weights of the groups just
        # seated damped, which finds other improving panels (the master LP is the costly
        # step, and its duals are highly degenerate).
        damped = price.copy()
        for _ in range(EXTRA_COLUMNS):
            damped = np.where(share > 0, damped * DAMPING, damped)
            _, _, extra = pricer.best(damped / pricer.sizes, rel_gap=HEURISTIC_GAP)
            share = pricer.seats_by_type(extra)
            if float(price @ share) <= mu + PRICING_TOLERANCE:
                break
            master.add(share)
            panels.append(extra)
    # A positive dual weight means the group is held at z in every optimum of this level.
    newly = free & (y > FIX_TOLERANCE)
    probabilities = np.column_stack(master.columns) @ weights
    if not newly.any():  # numerically flat duals: fix the smallest-probability free group
        newly = np.zeros_like(free)
        newly[np.flatnonzero(free)[np.argmin(probabilities[free])]] = True
    master.fix(np.flatnonzero(newly), z, probabilities)
    members = int(sum(len(pricer.types.members[t]) for t in np.flatnonzero(newly)))
    certificate = LevelCertificate(
        level=level, value=z, upper_bound=z + max(bound - mu, 0.0), pricing_bound=bound,
        dual_value=mu, fixed=members, columns=len(panels),
        group_weights=tuple(float(v) for v in price), best_panel=counts.copy())
    return certificate, newly, weights


def _finish(pricer: _Pricer, panels: list[NDArray[np.int64]], weights: FloatArray,
            certificates: list[LevelCertificate], start: float, seatable: NDArray[np.bool_],
            *, complete: bool) -> PanelLottery:
    # Weights of a master solved before its last panels were added: those panels get 0.
    weights = np.asarray(weights, dtype=np.float64)[: len(panels)]
    weights = np.pad(weights, (0, len(panels) - weights.shape[0]))
    keep = weights > 1e-12
    if not keep.any():
        keep = np.zeros(len(panels), dtype=bool)
        keep[0] = True
        weights = keep.astype(np.float64)
    weights = np.where(keep, weights, 0.0)
    weights = weights / weights.sum()
    columns = np.column_stack([pricer.seats_by_type(p) for p in panels])
    type_probability = columns @ weights
    kept = tuple(p for p, k in zip(panels, keep, strict=True) if k)
    return PanelLottery(kept, weights[keep], type_probability, tuple(certificates),
                        time.perf_counter() - start, seatable, complete)


def random_priority_lottery(model: LinearModel, types: CitizenTypes, *, samples: int,
                            rng: np.random.Generator, deadline: float | None,
                            progress: Progress) -> PanelLottery:
    """The baseline: each draw gives every group a random priority and takes the feasible
    panel with the highest total priority; ``samples`` equally likely draws. When the deadline
    comes, the draws so far are the lottery (``complete=False``)."""
    start = time.perf_counter()
    clock = Clock(deadline, progress)
    n_types = len(types.members)
    panels: list[NDArray[np.int64]] = []
    complete = True
    try:
        pricer = _Pricer(model, types, clock)
        _, seatable = _cover(pricer, clock)
        for i in range(samples):
            _, _, counts = pricer.best(rng.random(n_types))
            panels.append(counts)
            clock.tick("CM-R108", done=i + 1, total=samples)
    except Stopped:
        if not panels:
            raise TimeoutError from None
        seatable = _seated(pricer, panels)
        complete = False
    weights = np.full(len(panels), 1.0 / max(len(panels), 1))
    shares = np.column_stack([pricer.seats_by_type(p) for p in panels]) if panels else \
        np.zeros((n_types, 0))
    return PanelLottery(tuple(panels), weights, shares @ weights, (),
                        time.perf_counter() - start, seatable, complete)
