"""Replacement after drop-outs: a solve with locks over the seats that remain.

The drop-outs withdraw (the plan records them, and every later round leaves them out); every
other seat of the plan in force is forced to hold; and the objective is lexicographic, each
stage among the plans best for all before it: the committees' reserves seated rank by rank
(as many rank-1 reserves as the rules allow, then rank-2, ...), then the score (preference),
then the seeded lot. It is the same model as :func:`~cocreate_match.solve`, with the locks
as rules of their own, so an impossible replacement is explained like an infeasible solve.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..check import check_plan, plan_in_force_problems
from ..errors import InputError, Problem
from ..messages import log_message, text
from ..plan import Plan, Reserve, Withdrawal
from ..result import Note, SolveResult, Status
from ..scenario import Scenario
from .backends import Backend
from .clock import Heartbeat, Progress
from .locks import Locks

# Counts, committee ids and stages only above DEBUG: no names or attributes of people.
log = logging.getLogger("cocreate_match.solver.replace")


def replace_dropouts(
    scenario: Scenario,
    plan: Plan,
    dropouts: Iterable[str],
    *,
    seed: int = 0,
    time_limit: float | None = None,
    backend: Backend | str = Backend.HIGHS,
    explain: bool = True,
    when: str = "",
    progress: Callable[[str], None] | None = None,
) -> SolveResult:
    """Replace people who drop out of ``plan``, keeping every other seat as it was.

    The drop-outs withdraw: the new plan records them (:attr:`Plan.withdrawn`, with ``when``,
    a date or round), and they are never seated again by later replacements, re-plans
    (``solve(..., keep=plan)``), reserves or invitations. A politician who drops out leaves
    every committee and is released from ``min_committees``.

    The freed seats are filled in an exactly lexicographic order: first as many of the
    committees' rank-1 reserves as the rules allow, then rank-2 reserves, and so on; then
    the best preference score; then the seeded lot among equally good applicants. Every rule
    of the scenario must hold for the whole plan; when it cannot, the result is INFEASIBLE
    with an explanation naming the rules (kept seats appear as ``lock/force/...`` rules).

    Parameters
    ----------
    scenario : Scenario
    plan : Plan
        The plan in force, with reserves and earlier withdrawals if it has them.
    dropouts : iterable of str
        Ids of citizens and politicians who leave.
    seed, time_limit, backend, explain
        As for :func:`~cocreate_match.solve`.
    when : str
        The date or round of the drop-outs, recorded with them.
    progress : callable or None
        Called with a line of text as each step starts (checking the plan in force, building
        the model, solving each half, explaining), and at least every second while the
        computation runs, also inside long solver calls: a helper thread then repeats the
        last line; calls never overlap. The lines hold counts and stages, never people. An
        exception it raises ends the run and reaches the caller.

    Returns
    -------
    SolveResult
        OPTIMAL when every stage is proven (reserves, preference, and the score's bound),
        FEASIBLE when the time limit came first, RELAXED when the plan in force already broke
        rules (the new plan then breaks as few as it can, never a seat rule or a kept seat),
        INFEASIBLE with ``explanation``, or TIME_LIMIT. ``objective`` is the whole plan's
        score; ``changes`` lists who left, who came in, and why. Unused reserves keep their
        order, ranked anew.

    Raises
    ------
    InputError
        When an argument is invalid, a drop-out is not in the scenario, or the plan does not
        account for the scenario's people.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Scenario, solve
    >>> s = Scenario(mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id=c, applied_to=["climate"]) for c in "abc"])
    >>> plan = solve(s, seed=3).plan
    >>> gone = plan.committee("climate").citizens[0]
    >>> new = replace_dropouts(s, plan, [gone]).plan
    >>> new.committee("climate").citizens != (gone,), gone in new.withdrawn_ids
    (True, True)
    """
    if isinstance(dropouts, Iterable) and not isinstance(dropouts, str):
        dropouts = list(dropouts)  # read once: an iterator would be used up by the checks
    problems = replace_problems(scenario, plan, dropouts, seed, time_limit)
    if not problems:
        try:
            Withdrawal(person_id="-", when=when)
        except InputError as err:
            problems += [dataclasses.replace(p, column="when") for p in err.problems]
    if progress is not None and not callable(progress):
        problems.append(Problem(code="CM-E462", column="progress",
                                value=type(progress).__name__))
    if problems:
        raise InputError(problems)
    dropouts = list(dropouts)
    if progress is None:
        return _replace(scenario, plan, dropouts, seed=seed, time_limit=time_limit,
                        backend=backend, explain=explain, when=when, say=lambda _: None)
    with Heartbeat(progress, text("CM-R120", count=len(set(dropouts)))) as beat:
        return _replace(scenario, plan, dropouts, seed=seed, time_limit=time_limit,
                        backend=backend, explain=explain, when=when, say=beat)


def _replace(scenario: Scenario, plan: Plan, dropouts: list[str], *, seed: int,
             time_limit: float | None, backend: Backend | str, explain: bool, when: str,
             say: Progress) -> SolveResult:
    """:func:`replace_dropouts` of valid arguments, saying each step to ``say`` and the log."""
    from .solve import solve_parts, with_changes

    def note(code: str, **params: Any) -> None:
        log_message(log, code, **params)

    def step(code: str, **params: Any) -> None:
        note(code, **params)
        say(text(code, **params))

    started = time.perf_counter()
    gone = [pid for pid in dict.fromkeys(dropouts) if pid not in plan.withdrawn_ids]
    left = {pid: tuple(s.committee_id for s in plan.seats if s.person_id == pid)
            for pid in gone}
    before = dataclasses.replace(plan, withdrawn=plan.withdrawn + tuple(
        Withdrawal(person_id=pid, committee_ids=left[pid], when=when) for pid in gone))
    withdrawn = before.withdrawn_ids
    committees = set(scenario.committee_ids)
    force = tuple((s.person_id, s.committee_id) for s in plan.seats
                  if s.person_id not in withdrawn and s.committee_id in committees)
    places = {m.id: [pid for pid in plan.reserves_for(m.id) if pid not in withdrawn]
              for m in scenario.mandates}
    depth = max((len(r) for r in places.values()), default=0)
    tiers = tuple({(ids[rank], cid): 1 for cid, ids in places.items() if len(ids) > rank}
                  for rank in range(depth))
    locks = Locks(force=force, withdrawals=before.withdrawn, tiers=tiers)
    log.debug("drop-outs: %s", ", ".join(gone))
    note("CM-R122", count=len(gone), withdrawn=len(set(dropouts)) - len(gone),
         kept=len(force), reserves=sum(len(r) for r in places.values()),
         committees=sum(1 for r in places.values() if r), seed=seed,
         backend=getattr(backend, "value", backend))
    # A plan in force that already breaks rules cannot be refilled without breaking them:
    # then the fewest are broken, as with relax=True.
    step("CM-R121")
    broken = check_plan(scenario, plan)
    if broken:
        note("CM-R123", count=len(broken))
    parts = solve_parts(scenario, seed=seed, time_limit=time_limit, backend=backend,
                        relax=bool(broken), explain=explain, locks=locks, progress=say)
    result = with_changes(scenario, parts.result, before, parts.alike_unseated, locks)
    if result.plan is None:
        note("CM-R124", status=result.status.value, seconds=time.perf_counter() - started)
        if result.status is Status.INFEASIBLE:
            return dataclasses.replace(result, code="CM-R019", params={}, notes=())
        return result
    new = _reranked(result.plan, before)
    from_reserves = sum(1 for c in result.changes if c.reserve_rank is not None)
    filled = sum(1 for c in result.changes if c.came_in is not None)
    note("CM-R125", status=result.status.value, filled=filled, reserves=from_reserves,
         moves=result.moves, seconds=time.perf_counter() - started)
    # How many left and were replaced (R020), then: proven best in the replacement order
    # (R021), the relaxed outcome with its moves, or not proven in time (R022).
    notes: tuple[Note, ...]
    if result.status is Status.OPTIMAL:
        notes = (Note("CM-R021"),)
    elif result.status is Status.RELAXED:
        notes = (Note(result.code, result.params), *result.notes)
    else:
        notes = (Note("CM-R022"),)
    return dataclasses.replace(
        result, plan=new, code="CM-R020", notes=notes,
        params={"dropouts": len(gone), "filled": filled, "reserves": from_reserves})


def _reranked(new: Plan, before: Plan) -> Plan:
    """``new`` with the reserves of ``before`` who are still unseated, ranked anew."""
    seated = new.seated_citizens | before.withdrawn_ids
    reserves: list[Reserve] = []
    for cid in dict.fromkeys(r.committee_id for r in before.reserves):
        remaining = [pid for pid in before.reserves_for(cid) if pid not in seated]
        reserves += [Reserve(committee_id=cid, person_id=pid, rank=r)
                     for r, pid in enumerate(remaining, start=1)]
    return dataclasses.replace(new, reserves=tuple(reserves))


def replace_problems(scenario: object, plan: object, dropouts: object, seed: object = 0,
                     time_limit: object = None) -> list[Problem]:
    """Every problem with the arguments of :func:`replace_dropouts`, at once."""
    from .solve import argument_problems

    problems = argument_problems(scenario, seed, time_limit)
    if isinstance(scenario, Scenario) or not isinstance(plan, Plan):
        problems += [p for p in plan_in_force_problems(scenario, plan) if p.column != "scenario"]
    ids: list[str] = []
    if isinstance(dropouts, str) or not isinstance(dropouts, Iterable):
        problems.append(Problem(code="CM-E460", column="dropouts", value=dropouts))
    else:
        for pid in dropouts:
            if isinstance(pid, str):
                ids.append(pid)
            else:
                problems.append(Problem(code="CM-E461", column="dropouts", value=pid))
    if isinstance(scenario, Scenario):
        known = {c.id for c in scenario.citizens} | {p.id for p in scenario.politicians}
        problems += [Problem(code="CM-E456", column="dropouts", value=pid)
                     for pid in ids if pid not in known]
    return problems


