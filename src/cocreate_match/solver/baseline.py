"""The plain MIP baseline: the whole scenario as one MIP over binaries, solved by HiGHS.

It is the yardstick that :func:`~cocreate_match.solve` is measured against (see
:mod:`cocreate_match.bench`), so it shares no code with the library's model building: it is
written straight from the scenario's fields, one binary per (citizen, committee the citizen
may sit on; every committee for ``open_to_any`` citizens) and per (politician, committee),
with these rows:

- exact citizen and politician seats per committee;
- each citizen at most once; at most one seated citizen per household;
- competence profiles, committee quotas and global quotas over the seated citizens;
- each politician's ``min_committees`` and ``max_committees``;
- ``max_per_party`` per (committee, party), and ``min_parties`` through (committee, party)
  presence binaries (none for committees without politician seats).

The objective is the library's: with ``L`` the longest ``applied_to`` or ``preferences``
list, a seat scores ``L + 1 - rank``, an ``open_to_any`` citizen on a committee not listed 1,
a politician on a committee not listed 0. It is solved by ``scipy.optimize.milp`` (HiGHS'
branch and cut) with ``mip_rel_gap=0``, so an ``optimal`` status is proven; it takes
whichever optimum HiGHS finds (no seeded lot among equal plans). Locks and withdrawals are
not modelled: the baseline is for scenarios such as :func:`~cocreate_match.generate_scenario`
and :func:`~cocreate_match.load_sortition` make.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..errors import SolverError
from ..plan import Plan, Role, Seat
from ..result import Status

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["SOLVER_LIBRARIES", "BaselineModel", "BaselineResult", "build_baseline_model",
           "solve_baseline"]

#: The solver libraries this baseline and the library's default backend import when they
#: first solve: a process that runs timed solves loads them first (see
#: :mod:`cocreate_match.bench`).
SOLVER_LIBRARIES = ("scipy.sparse", "scipy.optimize", "highspy")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# scipy.optimize.milp's status codes.
_STATUS = {0: Status.OPTIMAL, 1: Status.TIME_LIMIT, 2: Status.INFEASIBLE}


@dataclass(frozen=True, slots=True)
class BaselineModel:
    """The scenario as one MIP over binaries: maximise ``score @ x`` within the rows.

    The first ``len(citizen_of)`` variables are citizens' seats, the next
    ``len(politician_of)`` politicians' seats, the rest (committee, party) presence
    binaries for ``min_parties``.
    """

    score: FloatArray
    matrix: Any  # scipy.sparse CSR array, rows by variables
    row_lo: FloatArray
    row_hi: FloatArray
    citizen_of: IntArray  # per citizen variable: the citizen's index
    citizen_committee: IntArray  # per citizen variable: the committee's index
    politician_of: IntArray
    politician_committee: IntArray

    @property
    def variables(self) -> int:
        return len(self.score)


@dataclass(frozen=True, slots=True)
class BaselineResult:
    """What the baseline found.

    Attributes
    ----------
    status : Status
        As :func:`~cocreate_match.solve` says it: OPTIMAL (proven), FEASIBLE (stopped by the
        time limit with a plan, not proven best), TIME_LIMIT (stopped before any plan) or
        INFEASIBLE.
    plan : Plan or None
    objective : int or None
        The score of ``plan``, from the model's objective.
    bound : float or None
        HiGHS' dual bound: no plan scores more.
    build_time, solve_time : float
        Seconds to write the rows, and in ``milp``.
    variables, rows, nonzeros : int
        The model's size.
    message : str
        ``milp``'s message.
    """

    status: Status
    plan: Plan | None
    objective: int | None
    bound: float | None
    build_time: float
    solve_time: float
    variables: int
    rows: int
    nonzeros: int
    message: str


class _Rows:
    """Rows in COO form, ``lo <= sum(val * x[col]) <= hi``, collected before one matrix."""

    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.vals: list[FloatArray] = []
        self.lo: list[FloatArray] = []
        self.hi: list[FloatArray] = []
        self.count = 0

    def groups(self, cols: IntArray, group: IntArray, n_groups: int,
               lo: float | Sequence[float], hi: float | Sequence[float]) -> None:
        """One row per group ``g`` in ``range(n_groups)`` over the ``cols`` with
        ``group == g``."""
        self.rows.append(self.count + np.asarray(group, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.ones(len(cols)))
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (n_groups,)))
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=np.float64), (n_groups,)))
        self.count += n_groups

    def one(self, cols: IntArray, lo: float, hi: float,
            vals: FloatArray | None = None) -> None:
        self.rows.append(np.full(len(cols), self.count, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.ones(len(cols)) if vals is None else vals)
        self.lo.append(np.array([lo], dtype=np.float64))
        self.hi.append(np.array([hi], dtype=np.float64))
        self.count += 1

    def matrix(self, n_vars: int) -> tuple[Any, FloatArray, FloatArray]:
        from scipy.sparse import coo_array

        a = coo_array((np.concatenate(self.vals), (np.concatenate(self.rows),
                                                   np.concatenate(self.cols))),
                      shape=(self.count, n_vars)).tocsr()
        return a, np.concatenate(self.lo), np.concatenate(self.hi)


def _limit(value: int | None) -> float:
    return math.inf if value is None else float(value)


def _citizen_variables(scenario: Scenario, position: dict[str, int],
                       top: int) -> tuple[IntArray, IntArray, list[int]]:
    """Per citizen variable: the citizen, the committee, the score. Listed committees score
    ``top - rank``; the others, for ``open_to_any`` citizens, 1."""
    of: list[int] = []
    committee: list[int] = []
    score: list[int] = []
    for i, c in enumerate(scenario.citizens):
        listed: dict[int, int] = {}
        for rank, cid in enumerate(c.applied_to, start=1):
            if cid in position:
                listed.setdefault(position[cid], top - rank)
        where = range(len(position)) if c.open_to_any else sorted(listed)
        for k in where:
            of.append(i)
            committee.append(k)
            score.append(listed.get(k, 1))
    return np.array(of, dtype=np.int64), np.array(committee, dtype=np.int64), score


def _citizen_rows(rows: _Rows, scenario: Scenario, ci: IntArray, ck: IntArray) -> None:
    """Seats, one seat per citizen and household, profiles and quotas."""
    citizens, mandates = scenario.citizens, scenario.mandates
    n_committees = len(mandates)
    cols = np.arange(len(ci), dtype=np.int64)
    seats = [float(m.citizen_seats) for m in mandates]
    rows.groups(cols, ck, n_committees, seats, seats)
    rows.groups(cols, ci, len(citizens), 0.0, 1.0)
    household_ids = sorted({c.household for c in citizens if c.household is not None})
    index = {h: j for j, h in enumerate(household_ids)}
    household_of = np.array([-1 if c.household is None else index[c.household]
                             for c in citizens], dtype=np.int64)
    inside = household_of[ci] >= 0
    rows.groups(cols[inside], household_of[ci][inside], len(household_ids), 0.0, 1.0)
    # Tags and attribute values as arrays over citizens, looked up once, not per variable.
    tags = sorted({t for m in mandates for p in m.profiles for t in p.any_of})
    has_tag = {t: np.array([t in c.tags for c in citizens], dtype=bool) for t in tags}
    attributes = sorted({q.attribute for m in mandates for q in m.quotas}
                        | {q.attribute for q in scenario.quotas})
    value_of = {a: np.array([c.attributes.get(a) for c in citizens], dtype=object)
                for a in attributes}
    for k, m in enumerate(mandates):
        on_k = np.flatnonzero(ck == k)
        who = ci[on_k]
        for profile in m.profiles:
            fits = np.zeros(len(on_k), dtype=bool)
            for t in profile.any_of:
                fits |= has_tag[t][who]
            rows.one(on_k[fits], float(profile.min), _limit(profile.max))
        for quota in m.quotas:
            match = value_of[quota.attribute][who] == quota.value
            rows.one(on_k[match], float(quota.min), _limit(quota.max))
    for quota in scenario.quotas:
        match = value_of[quota.attribute][ci] == quota.value
        rows.one(cols[match], float(quota.min), _limit(quota.max))


def _politician_rows(rows: _Rows, scenario: Scenario, p_cols: IntArray, pi: IntArray,
                     pk: IntArray, first_presence: int) -> list[int]:
    """Seats, budgets and the party rules; returns the committees with presence binaries."""
    politicians, mandates, council = scenario.politicians, scenario.mandates, scenario.council
    n_committees = len(mandates)
    seats = [float(m.politician_seats) for m in mandates]
    rows.groups(p_cols, pk, n_committees, seats, seats)
    rows.groups(p_cols, pi, len(politicians), [float(p.min_committees) for p in politicians],
                [_limit(p.max_committees) for p in politicians])
    parties = sorted({p.party for p in politicians})
    party_of = np.array([parties.index(p.party) for p in politicians], dtype=np.int64)
    n_parties = len(parties)
    if council.max_per_party is not None and len(p_cols):
        rows.groups(p_cols, pk * n_parties + party_of[pi], n_committees * n_parties, 0.0,
                    float(council.max_per_party))
    presence = ([k for k, m in enumerate(mandates) if m.politician_seats > 0]
                if council.min_parties > 0 else [])
    # presence[k, j] may be 1 only if party j sits on k; at least min_parties are 1.
    for n, k in enumerate(presence):
        present = first_presence + n * n_parties + np.arange(n_parties, dtype=np.int64)
        for j in range(n_parties):
            members = p_cols[(pk == k) & (party_of[pi] == j)]
            rows.one(np.concatenate([[present[j]], members]), -math.inf, 0.0,
                     np.concatenate([[1.0], -np.ones(len(members))]))
        rows.one(present, float(council.min_parties), math.inf)
    return presence


def build_baseline_model(scenario: Scenario) -> BaselineModel:
    """Every rule of ``scenario`` as rows over one binary per possible seat.

    Examples
    --------
    >>> from cocreate_match import generate_scenario
    >>> model = build_baseline_model(generate_scenario(committees=2, citizens=40,
    ...                                                politicians=10, seed=0))
    >>> model.variables > 0, model.matrix.shape[1] == model.variables
    (True, True)
    """
    position = {m.id: k for k, m in enumerate(scenario.mandates)}
    n_committees = len(position)
    politicians = scenario.politicians
    top = 1 + max([len(c.applied_to) for c in scenario.citizens]
                  + [len(p.preferences) for p in politicians] + [0])
    ci, ck, c_score = _citizen_variables(scenario, position, top)
    n_c, n_p = len(ci), len(politicians)
    pi = np.repeat(np.arange(n_p, dtype=np.int64), n_committees)
    pk = np.tile(np.arange(n_committees, dtype=np.int64), n_p)
    p_score = np.zeros((n_p, n_committees))
    for i, p in enumerate(politicians):
        # Reversed, so that a committee listed twice keeps its best rank.
        for rank, cid in reversed(list(enumerate(p.preferences, start=1))):
            if cid in position:
                p_score[i, position[cid]] = top - rank
    p_cols = n_c + np.arange(n_p * n_committees, dtype=np.int64)
    first_presence = n_c + n_p * n_committees

    rows = _Rows()
    _citizen_rows(rows, scenario, ci, ck)
    presence = _politician_rows(rows, scenario, p_cols, pi, pk, first_presence)
    n_parties = len({p.party for p in politicians})
    n_vars = first_presence + len(presence) * n_parties
    matrix, row_lo, row_hi = rows.matrix(n_vars)
    score = np.zeros(n_vars)
    score[:n_c] = c_score
    score[n_c:first_presence] = p_score.ravel()
    return BaselineModel(score=score, matrix=matrix, row_lo=row_lo, row_hi=row_hi,
                         citizen_of=ci, citizen_committee=ck, politician_of=pi,
                         politician_committee=pk)


def _milp(model: BaselineModel, time_limit: float | None) -> Any:
    """HiGHS' branch and cut through SciPy, to a zero relative gap."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    options: dict[str, Any] = {"mip_rel_gap": 0.0, "disp": False}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    n = model.variables
    return milp(-model.score, integrality=np.ones(n),
                bounds=Bounds(np.zeros(n), np.ones(n)),
                constraints=[LinearConstraint(model.matrix, model.row_lo, model.row_hi)],
                options=options)


def baseline_plan(scenario: Scenario, model: BaselineModel, x: npt.ArrayLike) -> Plan:
    """The plan that a 0/1 solution ``x`` of ``model`` describes."""
    on = np.asarray(x) > 0.5
    n_c, n_p = len(model.citizen_of), len(model.politician_of)
    ids = [m.id for m in scenario.mandates]
    seats: list[Seat] = []
    seated: set[str] = set()
    for v in np.flatnonzero(on[:n_c]).tolist():
        person = scenario.citizens[model.citizen_of[v]].id
        seats.append(Seat(committee_id=ids[model.citizen_committee[v]], person_id=person,
                          role=Role.CITIZEN))
        seated.add(person)
    for v in np.flatnonzero(on[n_c:n_c + n_p]).tolist():
        person = scenario.politicians[model.politician_of[v]].id
        seats.append(Seat(committee_id=ids[model.politician_committee[v]], person_id=person,
                          role=Role.POLITICIAN))
        seated.add(person)
    return Plan(seats=seats,
                unseated_citizens=[c.id for c in scenario.citizens if c.id not in seated],
                unseated_politicians=[p.id for p in scenario.politicians
                                      if p.id not in seated])


def solve_baseline(scenario: Scenario, *, time_limit: float | None = None) -> BaselineResult:
    """Solve ``scenario`` with the plain MIP baseline.

    Parameters
    ----------
    scenario : Scenario
    time_limit : float or None
        Seconds for HiGHS; None for no limit.

    Returns
    -------
    BaselineResult

    Examples
    --------
    >>> from cocreate_match import check_plan, generate_scenario, solve
    >>> s = generate_scenario(committees=3, citizens=60, politicians=9, seed=0)
    >>> found = solve_baseline(s)
    >>> found.status.value, found.objective == solve(s).objective, check_plan(s, found.plan)
    ('optimal', True, ())
    """
    start = time.perf_counter()
    model = build_baseline_model(scenario)
    built = time.perf_counter()
    res = _milp(model, time_limit)
    solved = time.perf_counter()
    has_x = res.x is not None
    plan = baseline_plan(scenario, model, res.x) if has_x else None
    if int(res.status) not in _STATUS and not has_x:
        raise SolverError(f"HiGHS ended without a solution: {res.message}")
    status = _STATUS.get(int(res.status), Status.FEASIBLE)
    if status is Status.TIME_LIMIT and has_x:  # as solve() says it: a plan, not proven best
        status = Status.FEASIBLE
    bound = getattr(res, "mip_dual_bound", None)
    return BaselineResult(
        status=status, plan=plan,
        objective=round(float(model.score @ np.round(res.x))) if has_x else None,
        bound=None if bound is None else -float(bound), build_time=built - start,
        solve_time=solved - built, variables=model.variables, rows=int(model.matrix.shape[0]),
        nonzeros=int(model.matrix.nnz), message=str(res.message))
