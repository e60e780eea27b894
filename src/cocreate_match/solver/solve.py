"""The solve step: build both halves, run the backend, turn counts into a plan."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import check_whole
from ..changes import plan_changes
from ..check import check_plan
from ..errors import InputError, Problem
from ..explanation import Context
from ..findings import precheck
from ..messages import log_message, text
from ..plan import Plan, Role, Seat, Withdrawal
from ..result import SolveResult, Status
from ..scenario import Scenario
from . import citizens as citizen_half
from . import politicians as politician_half
from .backends import SOLVERS, Backend
from .citizens import CitizenTypes, build_citizen_model, draw_citizens
from .conflicts import explain_model
from .linear import LinearModel, LinearSolution
from .locks import NO_LOCKS, Locks, tier_costs
from .politicians import PoliticianVariables, build_politician_model
from .relax import seat_rules, solve_relaxed


@dataclass(frozen=True, slots=True)
class _Part:
    name: str
    model: LinearModel
    solution: LinearSolution



log = logging.getLogger("cocreate_match.solve")

def argument_problems(scenario: object, seed: object, time_limit: object) -> list[Problem]:
    """Problems with the arguments every solving entry point shares."""
    problems = []
    if not isinstance(scenario, Scenario):
        problems.append(Problem(code="CM-E450", column="scenario",
                                value=type(scenario).__name__))
    problems += check_whole(seed, "seed")
    if time_limit is not None and (
        isinstance(time_limit, bool) or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit) or time_limit <= 0
    ):
        problems.append(Problem(code="CM-E451", column="time_limit", value=time_limit))
    return problems


def solve(
    scenario: Scenario,
    *,
    seed: int = 0,
    time_limit: float | None = None,
    backend: Backend | str = Backend.HIGHS,
    relax: bool = False,
    explain: bool = True,
    fair: bool = False,
    keep: Plan | None = None,
    force: Iterable[tuple[str, str]] = (),
    forbid: Iterable[tuple[str, str]] = (),
) -> SolveResult:
    """Find a plan that meets every rule and scores best on the default objective.

    The objective: let L be the length of the longest ``applied_to`` or ``preferences`` list
    in the scenario. Each seated person scores ``L + 1 - r``, where ``r`` is the committee's
    1-based position in that person's list. A citizen seated on a committee they did not list
    (allowed only for ``*`` applicants) scores 1; a politician on a committee they did not
    list scores 0. The plan maximises the total.

    Among the plans with the optimal score, the seed decides, in further lexicographic stages
    that keep the proven optimum (:mod:`cocreate_match.lot`): first *who* sits (the citizens
    of largest total priority, each citizen's priority a hash of the seed and their id;
    politicians by a priority per committee), then *where* (a priority per group and
    committee). Applicants whom no rule and no score can tell apart (one *group*) are
    therefore equally likely to be seated, and the plan depends only on the seed
    and the scenario's content: not on the order of its rows, nor on the backend. For the
    most equal chances the rules allow, use :func:`~cocreate_match.lottery` (or
    ``solve(..., fair=True)``).

    Parameters
    ----------
    scenario : Scenario
    seed : int, default 0
        Feeds every random choice.
    time_limit : float or None
        Seconds for the whole solve; None for no limit.
    backend : Backend or {"highs", "cpsat"}
        The solver. HiGHS (default) is fast; CP-SAT gives a second opinion.
    relax : bool, default False
        When no plan meets every rule, return instead a plan that meets every seat rule and
        breaks the fewest other rules, by the smallest total shortfall (then scores best);
        its status is RELAXED and ``result.relaxed`` lists each broken rule.
    explain : bool, default True
        When no plan exists, find an irreducible set of conflicting rules
        (``result.explanation``). The search re-solves the model a few dozen times.
    fair : bool, default False
        Draw the plan (with ``seed``) from the LEXIMIN lottery over all plans of optimal
        score instead: every citizen gets the most equal chance of a seat that the rules and
        the optimal score allow, and ``result.chances`` gives each citizen's chance. Takes
        longer (see :func:`~cocreate_match.lottery`); the lottery is over citizens, and the
        politicians' seats are the ordinary solve's. Not with ``relax`` or locks.
    keep : Plan or None
        A plan in force, to change as little as the rules allow: the objective becomes
        *fewest changed seats* first (every seat of ``keep`` the new plan does not hold is one
        move), then the score, then the lot. ``result.moves`` is the number of moves,
        proven minimal when the status is OPTIMAL, and ``result.changes`` lists each change.
        People who withdrew from ``keep`` (:attr:`Plan.withdrawn`) stay out, and the new
        plan records them too. Seats on committees that are no longer in the scenario
        (cancelled) cannot be kept and count as moves.
    force, forbid : iterable of (person id, committee id)
        Seats that must hold, and seats that must not. Each is a rule of its own, named
        ``lock/force/<committee>/<person>`` or ``lock/forbid/<committee>/<person>``, so that
        an impossible lock is explained like any other rule.

    Returns
    -------
    SolveResult
        ``status`` OPTIMAL (proven best: ``bound == objective``), FEASIBLE (a plan, not proven
        best in time), INFEASIBLE (proven: no plan meets every rule), TIME_LIMIT (no plan
        found in time), or RELAXED (with ``relax=True``).

    Raises
    ------
    InputError
        When an argument is invalid.
    SolverError
        When the backend fails.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Politician, Scenario, check_plan
    >>> scenario = Scenario(
    ...     mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=1),
    ...               Mandate(id="youth", citizen_seats=1, politician_seats=1)],
    ...     citizens=[Citizen(id="ann", applied_to=["climate", "youth"]),
    ...               Citizen(id="bo", applied_to=["climate"])],
    ...     politicians=[Politician(id="p1", party="A", preferences=["youth"]),
    ...                  Politician(id="p2", party="B")],
    ... )
    >>> result = solve(scenario, seed=1)
    >>> result.status.value, result.objective, result.plan.committee_of("ann")
    ('optimal', 5, 'youth')
    >>> check_plan(scenario, result.plan)
    ()
    """
    locks, problems = replan_locks(scenario, keep, force, forbid)
    if not isinstance(fair, bool) or (fair and (relax is True or locks != NO_LOCKS)):
        problems.append(Problem(code="CM-E452", column="fair", value=fair))
    if problems:
        raise InputError(problems)
    started = time.perf_counter()
    # Counts only above DEBUG: no names or attributes of people in the log.
    if isinstance(scenario, Scenario):  # a wrong argument is reported by solve_parts
        code = "CM-R118" if relax else "CM-R117"
        log_message(log, code, committees=len(scenario.mandates),
                    citizens=len(scenario.citizens), politicians=len(scenario.politicians),
                    seed=seed, backend=str(backend))
    parts = solve_parts(scenario, seed=seed, time_limit=time_limit, backend=backend,
                        relax=relax, explain=explain, locks=locks)
    result = parts.result
    if keep is not None:
        result = with_changes(scenario, result, keep, parts.alike_unseated, locks)
    if fair:
        from ..fair import fair_result

        spent = time.perf_counter() - started
        left = None if time_limit is None else max(time_limit - spent, 0.01)
        result = fair_result(scenario, seed=seed, time_limit=left, fallback=result, spent=spent)
    log_message(log, "CM-R119", status=result.status.value, objective=result.objective,
                seconds=time.perf_counter() - started)
    return result


def replan_locks(scenario: object, keep: object, force: object,
                 forbid: object) -> tuple[Locks, list[Problem]]:
    """The locks of ``solve(..., keep=, force=, forbid=)``, and every problem with them."""
    problems: list[Problem] = []
    if keep is not None and not isinstance(keep, Plan):
        problems.append(Problem(code="CM-E453", column="keep", value=type(keep).__name__))
    pairs: dict[str, list[tuple[str, str]]] = {}
    for name, given in (("force", force), ("forbid", forbid)):
        found: list[tuple[str, str]] = []
        if isinstance(given, str) or not isinstance(given, Iterable):
            problems.append(Problem(code="CM-E454", column=name, value=given))
        else:
            for pair in given:
                if (not isinstance(pair, tuple | list) or len(pair) != 2
                        or not all(isinstance(x, str) for x in pair)):
                    problems.append(Problem(code="CM-E455", column=name, value=pair))
                else:
                    found.append((pair[0], pair[1]))
        pairs[name] = list(dict.fromkeys(found))
    if not isinstance(scenario, Scenario):
        return NO_LOCKS, problems
    people = {c.id for c in scenario.citizens} | {p.id for p in scenario.politicians}
    committees = set(scenario.committee_ids)
    for name, found in pairs.items():
        for pid, cid in found:
            if pid not in people:
                problems.append(Problem(code="CM-E456", column=name, value=pid))
            if cid not in committees:
                problems.append(Problem(code="CM-E457", column=name, value=cid))
    tiers: tuple[dict[tuple[str, str], int], ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()
    if isinstance(keep, Plan):
        unknown = sorted({s.person_id for s in keep.seats} - people)
        problems += [Problem(code="CM-E458", column="keep", value=pid) for pid in unknown]
        withdrawals = keep.withdrawn
        tiers = ({(s.person_id, s.committee_id): 1 for s in keep.seats
                  if s.committee_id in committees and s.person_id in people
                  and s.person_id not in keep.withdrawn_ids},)
    if problems:
        return NO_LOCKS, problems
    locks = Locks(force=tuple(pairs["force"]), forbid=tuple(pairs["forbid"]),
                  withdrawals=withdrawals, tiers=tiers)
    return (NO_LOCKS if locks == Locks() else locks), problems


def with_changes(scenario: Scenario, result: SolveResult, before: Plan,
                 alike_unseated: Callable[[str], bool], locks: Locks) -> SolveResult:
    """``result`` with the moves and changes against the plan ``before``."""
    plan = result.plan
    if plan is None:
        return result
    changes = plan_changes(scenario, before, plan, forbidden=locks.forbid,
                           alike_unseated=alike_unseated)
    kept = {(s.committee_id, s.person_id) for s in plan.seats}
    moves = sum(1 for s in before.seats if (s.committee_id, s.person_id) not in kept)
    noted = result.noted("CM-R011" if result.status is Status.OPTIMAL else "CM-R012",
                         moves=moves)
    return dataclasses.replace(noted, plan=plan, moves=moves, changes=changes)


@dataclass(frozen=True, slots=True)
class SolvedParts:
    """A solve's result with what the lottery reuses: the politicians' seats and score."""

    result: SolveResult
    politician_vars: PoliticianVariables
    politician_x: np.ndarray
    politician_score: int
    # Whether someone alike to a seated citizen (same group) stayed unseated.
    alike_unseated: Callable[[str], bool] = lambda pid: False


def solve_parts(scenario: Scenario, *, seed: int = 0, time_limit: float | None = None,
                backend: Backend | str = Backend.HIGHS, relax: bool = False,
                explain: bool = False, locks: Locks = NO_LOCKS,
                progress: Callable[[str], None] | None = None) -> SolvedParts:
    """:func:`solve`, keeping the politicians' half of the solution apart.

    ``progress`` is called with a line (counts and stages, never people) as each step starts,
    in the current language; with it, each line is also logged, in English with its code.
    """
    problems = argument_problems(scenario, seed, time_limit)
    for name, flag in (("relax", relax), ("explain", explain)):
        if not isinstance(flag, bool):
            problems.append(Problem(code="CM-E459", column=name, value=flag))
    if problems:
        raise InputError(problems)
    run = SOLVERS[Backend.parse(backend)]
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit

    def say(code: str, **params: Any) -> None:
        if progress is not None:
            log_message(log, code, **params)
            progress(text(code, **params))

    say("CM-R112")
    build_start = time.perf_counter()
    citizen_model, types = build_citizen_model(scenario, locks=locks)
    politician_model, seats = build_politician_model(scenario, locks)
    tiers = (tier_costs(locks, lambda: citizen_half.seat_columns(scenario, types),
                        citizen_model.n_vars),
             tier_costs(locks, lambda: politician_half.seat_columns(scenario, seats),
                        politician_model.n_vars))

    parts: list[_Part] = []
    infeasible_models: list[LinearModel] = []
    solve_time = 0.0
    lots = (citizen_half.lot_weights(scenario, types, seed, citizen_model.n_vars),
            politician_half.lot_weights(scenario, seats, seed, politician_model.n_vars))
    build_time = time.perf_counter() - build_start
    # The citizens' half leaves the politicians' half a quarter of the time (at most a
    # second), and its lot may take half of what is left after its first stage, so that the
    # politicians' half always has time for a plan.
    hard = seat_rules(scenario) | set(locks.rules())
    for name, model, lot, share, tier in (
            ("citizens", citizen_model, lots[0], 0.5, tiers[0]),
            ("politicians", politician_model, lots[1], 1.0, tiers[1])):
        remaining = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        if remaining is not None and name == "citizens":
            remaining = max(remaining - min(1.0, 0.25 * remaining), 0.01)
        say("CM-R113" if name == "citizens" else "CM-R114", variables=model.n_vars,
            rows=model.n_rows)
        solution = run(model, remaining, seed, tiers=tier, secondary=lot, lot_share=share)
        if solution.status == "infeasible":
            infeasible_models.append(model)
        if solution.status == "infeasible" and relax:
            remaining = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
            say("CM-R115" if name == "citizens" else "CM-R116")
            solution = solve_relaxed(model, hard, run, remaining, seed, tiers=tier)
        solve_time += solution.seconds
        parts.append(_Part(name, model, solution))
        if solution.status in ("infeasible", "time_limit"):
            break  # no plan either way; the other half need not be tried
    result = _result(scenario, parts, types, seats, seed, Backend.parse(backend), build_time,
                     solve_time, relax, locks.withdrawals)
    if result.status in (Status.INFEASIBLE, Status.RELAXED) and explain and infeasible_models:
        # A relaxed plan is explained too (by its first relaxed half): the conflict shows why
        # rules had to be broken. With no plan, the half that has none is explained.
        failed = [p.model for p in parts if p.solution.status == "infeasible"]
        explanation = explain_model(scenario, (failed or infeasible_models)[0], Context(
            [c for c in scenario.citizens if c.id not in locks.withdrawn],
            [p for p in scenario.politicians if p.id not in locks.withdrawn],
            locks=locks.rules()),
            precheck(scenario), deadline,
            seat_rules_only=result.status is Status.INFEASIBLE and relax, progress=progress)
        result = dataclasses.replace(result, explanation=explanation)
    politician = parts[-1].solution if len(parts) == 2 else None
    x = politician.x if politician is not None and politician.x is not None else np.zeros(0)
    score = round(politician.objective or 0.0) if politician is not None else 0
    seated = result.plan.seated_citizens if result.plan is not None else frozenset()
    group_of = {scenario.citizens[i].id: t for t, members in enumerate(types.members)
                for i in members}

    def alike_unseated(pid: str) -> bool:
        t = group_of.get(pid)
        return t is not None and any(scenario.citizens[i].id not in seated
                                     for i in types.members[t])

    return SolvedParts(result, seats, x, score, alike_unseated)


def _result(scenario: Scenario, parts: list[_Part], types: CitizenTypes,
            seats: PoliticianVariables, seed: int, backend: Backend, build_time: float,
            solve_time: float, relax: bool,
            withdrawals: tuple[Withdrawal, ...] = ()) -> SolveResult:
    def outcome(status: Status, plan: Plan | None, objective: int | None,
                bound: float | None, code: str, **params: int) -> SolveResult:
        return SolveResult(status=status, plan=plan, objective=objective, bound=bound,
                           build_time=build_time, solve_time=solve_time, seed=seed,
                           backend=backend.value, code=code, params=params,
                           groups=len(types.members),
                           lot_complete=all(p.solution.lot_settled for p in parts))

    # Which half has no plan: no rule can be met together (R001, R002), or no plan in time
    # (R003, R004).
    for part in parts:
        if part.solution.status == "infeasible":
            return outcome(Status.INFEASIBLE, None, None, None,
                           "CM-R001" if part.name == "citizens" else "CM-R002")
    for part in parts:
        if part.solution.status == "time_limit":
            return outcome(Status.TIME_LIMIT, None, None, None,
                           "CM-R003" if part.name == "citizens" else "CM-R004")
    citizen_x, politician_x = (p.solution.x for p in parts)
    assert citizen_x is not None and politician_x is not None
    objective = round(sum(p.solution.objective or 0.0 for p in parts))
    bounds = [p.solution.bound for p in parts]
    bound = None if None in bounds else float(sum(b for b in bounds if b is not None))
    # The objective is integral, so a bound below objective + 1 proves optimality.
    proven = all(p.solution.status == "optimal" for p in parts) or (
        bound is not None and math.floor(bound + 1e-6) <= objective)
    plan = _plan(scenario, types, seats, citizen_x, politician_x, seed, withdrawals)
    # What a relaxed plan breaks is read from the plan by the independent checker, so that
    # nothing broken goes unreported.
    broken = check_plan(scenario, plan) if relax else ()
    if broken:
        least = all(p.solution.status == "optimal" for p in parts)
        best = bound is not None and math.floor(bound + 1e-6) <= objective
        # The fewest broken rules, proven (R005), with the score not proven best (R006), or
        # not proven fewest (R007).
        code = "CM-R007" if not least else "CM-R005" if best else "CM-R006"
        return dataclasses.replace(
            outcome(Status.RELAXED, plan, objective, float(objective) if best else bound,
                    code, count=len(broken)), relaxed=broken)
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    result = outcome(status, plan, objective, bound, "CM-R008" if proven else "CM-R009")
    if proven and not all(p.solution.lot_settled for p in parts):
        result = result.noted("CM-R010")
    return result


def _plan(scenario: Scenario, types: CitizenTypes, seats: PoliticianVariables,
          citizen_x: np.ndarray, politician_x: np.ndarray, seed: int,
          withdrawals: tuple[Withdrawal, ...]) -> Plan:
    counts = np.rint(citizen_x[: types.var_type.shape[0]]).astype(np.int64)
    on = draw_citizens(scenario, types, counts, seed)
    return assemble_plan(scenario, on, politicians_on(scenario, seats, politician_x),
                         withdrawals)


def politicians_on(scenario: Scenario, seats: PoliticianVariables,
                   politician_x: np.ndarray) -> dict[int, list[int]]:
    """Committee index -> indices of the politicians a solution seats there."""
    chosen = np.rint(politician_x[: seats.var_politician.shape[0]]) > 0.5
    on: dict[int, list[int]] = {k: [] for k in range(len(scenario.mandates))}
    for i, k in zip(seats.var_politician[chosen], seats.var_committee[chosen], strict=True):
        on[int(k)].append(int(i))
    return on


def assemble_plan(scenario: Scenario, citizens_on: dict[int, list[int]],
                  politicians_on: dict[int, list[int]],
                  withdrawals: tuple[Withdrawal, ...] = ()) -> Plan:
    """A Plan from committee index -> citizen and politician indices; everyone else unseated,
    except those who withdrew (``withdrawals``, which the plan records).

    Seats are listed committee by committee in mandate order, citizens before politicians,
    each sorted by id, then the unseated sorted by id: equal plans give equal bytes whatever
    the order of the people in the input.
    """
    plan_seats: list[Seat] = []
    for k, m in enumerate(scenario.mandates):
        plan_seats += [Seat(committee_id=m.id, person_id=pid, role=Role.CITIZEN)
                       for pid in sorted(scenario.citizens[i].id
                                         for i in citizens_on.get(k, ()))]
        plan_seats += [Seat(committee_id=m.id, person_id=pid, role=Role.POLITICIAN)
                       for pid in sorted(scenario.politicians[i].id
                                         for i in politicians_on.get(k, ()))]
    away = {s.person_id for s in plan_seats} | {w.person_id for w in withdrawals}
    return Plan(
        seats=tuple(plan_seats),
        unseated_citizens=tuple(sorted(c.id for c in scenario.citizens if c.id not in away)),
        unseated_politicians=tuple(sorted(p.id for p in scenario.politicians
                                          if p.id not in away)),
        withdrawn=withdrawals,
    )
