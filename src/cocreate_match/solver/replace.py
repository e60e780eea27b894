"""Replacement after drop-outs: keep every other seat, fill the freed ones, meet every rule.

The model has one 0/1 variable per (candidate, committee with a freed seat). Every rule of
the scenario becomes a row over the new seats only, its limits shifted by what the kept seats
already count, so the rows keep the scenario's rule names and an infeasible replacement is
explained like an infeasible solve. The objective weighs a committee's reserves (best rank
first), then the committee's place in the candidate's list, then a seeded lottery, folded into
one score per seat. The weights put reserves first for each seat, but not for the refill as a
whole (a sum of scores lets several better-placed non-reserves outweigh one reserve), so no
refill is reported as proven best in that order: a refill is FEASIBLE, not OPTIMAL.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..check import Violation, check_plan, plan_in_force_problems, plan_score
from ..errors import InputError, Problem
from ..explanation import Context, Explanation
from ..mandate import CompetenceProfile, Quota
from ..plan import Plan, Reserve, Role, Seat
from ..result import SolveResult, Status
from ..scenario import Scenario
from .backends import SOLVERS, Backend
from .conflicts import explain_model
from .linear import LinearModel, LinearSolution

Run = Callable[[LinearModel, float | None, int], LinearSolution]


def replace(
    scenario: Scenario,
    plan: Plan,
    dropouts: Iterable[str],
    *,
    seed: int = 0,
    time_limit: float | None = None,
    backend: Backend | str = Backend.HIGHS,
    explain: bool = True,
) -> SolveResult:
    """Replace people who drop out of ``plan``, keeping every other seat as it was.

    The freed seats are filled from the committee's reserves first (best rank first), then
    from the rest of the pool: unseated citizens who can sit there, and politicians (a
    politician who drops out leaves every committee). Among candidates equally good on
    reserve rank and preference, the seed draws lots. Every rule of the scenario must still
    hold for the whole plan; when it cannot, the result is INFEASIBLE with an explanation
    naming the rules (their numbers count only the freed seats, on top of the kept ones).

    A politician who drops out is released from their ``min_committees``: the new plan
    breaks that rule of the scenario for them alone, and for nothing else.

    Parameters
    ----------
    scenario : Scenario
    plan : Plan
        The plan in force, with reserves if it has them.
    dropouts : iterable of str
        Ids of citizens and politicians who leave.
    seed, time_limit, backend, explain
        As for :func:`~cocreate_match.solve`.

    Returns
    -------
    SolveResult
        FEASIBLE with the new plan, RELAXED when the plan in force already broke rules (kept
        no worse), INFEASIBLE with ``explanation``, or TIME_LIMIT. Never OPTIMAL: the new plan
        is proven to keep every other seat and to meet every rule, but reserves, preference
        and lot are folded into one weighted score, which puts reserves first seat by seat
        and not for the refill as a whole, so the refill is not proven best in that order;
        ``message`` says so. ``objective`` is :func:`~cocreate_match.plan_score` of the whole
        plan and ``bound`` is None (no bound on the score is proven). Unused reserves keep
        their order, ranked anew.

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
    >>> new = replace(s, plan, [gone]).plan
    >>> new.committee("climate").citizens != (gone,), gone in new.unseated_citizens
    (True, True)
    """
    problems = replace_problems(scenario, plan, dropouts, seed, time_limit)
    if problems:
        raise InputError(problems)
    gone = list(dict.fromkeys(dropouts))
    # Rules the plan already breaks (a relaxed plan) are held to "no worse than now".
    tolerated = {v.rule: v for v in check_plan(scenario, plan)}
    run = SOLVERS[Backend.parse(backend)]
    started = time.perf_counter()
    kept = kept_seats(plan, gone)
    filled = fill_freed_seats(scenario, kept, frozenset(gone), tolerated, run, time_limit, seed,
                              explain)
    elapsed = time.perf_counter() - started

    def outcome(status: Status, new: Plan | None, message: str) -> SolveResult:
        objective = None if new is None else plan_score(scenario, new)
        # Reserves come before preference, so the best refill need not have the best score:
        # there is no bound on plan_score to report.
        return SolveResult(status=status, plan=new, objective=objective, bound=None,
                           build_time=elapsed - filled.seconds, solve_time=filled.seconds,
                           seed=seed, backend=Backend.parse(backend).value, message=message,
                           explanation=filled.explanation)

    if filled.plan is None:
        if filled.status == "infeasible":
            return outcome(Status.INFEASIBLE, None, "The freed seats cannot be filled without "
                           "breaking a rule.")
        return outcome(Status.TIME_LIMIT, None, "The time limit was reached before the freed "
                       "seats were filled.")
    new = filled.plan
    before = {(s.committee_id, s.person_id) for s in kept.seats}
    added = [s for s in new.seats if (s.committee_id, s.person_id) not in before]
    from_reserves = sum(1 for s in added if s.person_id in
                        set(plan.reserves_for(s.committee_id)))
    message = (f"{len(gone)} drop-out{'s' if len(gone) != 1 else ''}: {len(added)} seat"
               f"{'s' if len(added) != 1 else ''} filled ({from_reserves} by reserves); every "
               "other seat is kept.")
    released = {f"politician/{pid}/committees" for pid in gone}
    broken = tuple(v for v in check_plan(scenario, new) if v.rule not in released)
    if broken:
        message += (f" The plan in force broke {len(broken)} rule"
                    f"{'s' if len(broken) != 1 else ''}; the new one breaks "
                    f"{'it' if len(broken) == 1 else 'them'} no worse.")
    message += " " + _not_proven(filled.status == "optimal")
    if broken:
        return dataclasses.replace(outcome(Status.RELAXED, new, message), relaxed=broken)
    return outcome(Status.FEASIBLE, new, message)


def _not_proven(weighed_to_proof: bool) -> str:
    """What a refill is and is not proven to be, in plain words."""
    if weighed_to_proof:
        return ("Proven best for one score that weighs reserve rank, preference and lot "
                "together; not proven best in the order reserves first, then preference, "
                "then lot.")
    return ("The time limit came before even the score that weighs reserve rank, preference "
            "and lot together was proven best; not proven best in any order.")


def replace_problems(scenario: object, plan: object, dropouts: object, seed: object = 0,
                     time_limit: object = None) -> list[Problem]:
    """Every problem with the arguments of :func:`replace`, at once."""
    from .solve import argument_problems

    problems = argument_problems(scenario, seed, time_limit)
    if isinstance(scenario, Scenario) or not isinstance(plan, Plan):
        problems += [p for p in plan_in_force_problems(scenario, plan) if p.column != "scenario"]
    ids: list[str] = []
    if isinstance(dropouts, str) or not isinstance(dropouts, Iterable):
        problems.append(Problem(message="must be a list of person ids", column="dropouts",
                                value=dropouts))
    else:
        for pid in dropouts:
            if isinstance(pid, str):
                ids.append(pid)
            else:
                problems.append(Problem(message="must be a person id (a string)",
                                        column="dropouts", value=pid))
    if isinstance(scenario, Scenario):
        known = {c.id for c in scenario.citizens} | {p.id for p in scenario.politicians}
        problems += [Problem(message="is not a citizen or politician of the scenario",
                             column="dropouts", value=pid) for pid in ids if pid not in known]
    return problems


def _high(limit: int | None) -> float:
    return np.inf if limit is None else limit


@dataclass(frozen=True, slots=True)
class Filled:
    """A replacement's outcome: the new plan, or the explanation of why there is none."""

    status: str  # as LinearSolution.status
    plan: Plan | None
    explanation: Explanation | None
    seconds: float


class _Refill:
    """The two refill models (citizens, politicians) over the seats ``kept`` leaves empty."""

    def __init__(self, scenario: Scenario, kept: Plan, dropouts: frozenset[str],
                 tolerated: dict[str, Violation], seed: int) -> None:
        self.scenario = scenario
        self.kept = kept
        self.tolerated = tolerated
        self.rng = np.random.default_rng(seed)
        citizens = {c.id: c for c in scenario.citizens}
        politicians = {p.id: p for p in scenario.politicians}
        self.on_c = {m.id: [citizens[pid] for pid in kept.committee(m.id).citizens]
                     for m in scenario.mandates}
        self.on_p = {m.id: [politicians[pid] for pid in kept.committee(m.id).politicians]
                     for m in scenario.mandates}
        seated = {c.id for cs in self.on_c.values() for c in cs}
        self.pool = [c for c in scenario.citizens if c.id not in seated and c.id not in dropouts]
        self.staying = [p for p in scenario.politicians if p.id not in dropouts]

    def limits(self, rule: str, low: float, high: float, kept_count: int) -> tuple[float, float]:
        """A rule's limits on the new seats: shifted by what the kept seats count, and widened
        to what the plan in force achieved when it broke the rule."""
        broken = self.tolerated.get(rule)
        if broken is not None and broken.actual is not None and broken.limit is not None:
            if broken.actual < broken.limit:
                low = min(low, broken.actual)
            else:
                high = max(high, broken.actual)
        return low - kept_count, high - kept_count

    def citizen_model(self) -> tuple[LinearModel, np.ndarray, np.ndarray]:
        """The citizens' model; (model, candidate index per variable, committee per variable)."""
        scenario, kept, on_c, pool, limits = (self.scenario, self.kept, self.on_c, self.pool,
                                              self.limits)
        top = scenario.longest_list + 1
        # Reserves count by their place in the committee's list, not the rank as written, so
        # that ranks like 1, 5, 10**15 weigh like 1, 2, 3.
        reserve_rank = {(m.id, pid): place for m in scenario.mandates
                        for place, pid in enumerate(kept.reserves_for(m.id), start=1)}
        deepest = max(reserve_rank.values(), default=0)
        lot = self.rng.permutation(len(pool))
        cmodel = LinearModel()
        var_citizen: list[int] = []
        var_committee: list[int] = []
        score: list[float] = []
        n = max(len(pool), 1)
        for k, m in enumerate(scenario.mandates):
            if m.citizen_seats - len(on_c[m.id]) <= 0:
                continue
            for i, c in enumerate(pool):
                if not c.can_sit_on(m.id):
                    continue
                preference = scenario.score(c, m.id)
                rank = reserve_rank.get((m.id, c.id))
                bonus = 0 if rank is None else deepest + 1 - rank
                var_citizen.append(i)
                var_committee.append(k)
                # Reserves first, then preference, then the lot: each weight outweighs all below.
                score.append((bonus * (top + 1) + preference) * n + (n - 1 - int(lot[i])))
        vc = np.asarray(var_citizen, dtype=np.int64)
        vk = np.asarray(var_committee, dtype=np.int64)
        cols = cmodel.add_variables(np.zeros(len(vc)), np.ones(len(vc)), score)
        for k, m in enumerate(scenario.mandates):
            free = m.citizen_seats - len(on_c[m.id])
            here = cols[vk == k]
            cmodel.add_row(f"{m.id}/seats/citizens", here, free, free)
            named: list[tuple[CompetenceProfile | Quota, str]] = [
                (p, f"{m.id}/profile/{p.name}") for p in m.profiles]
            named += [(q, f"{m.id}/quota/{q.name}") for q in m.quotas]
            for rule, name in named:
                test = rule.matches
                fits = np.array([test(pool[i]) for i in vc[vk == k]], dtype=bool)
                low, high = limits(name, rule.min, _high(rule.max), sum(map(test, on_c[m.id])))
                cmodel.add_row(name, here[fits], low, high)
        for i in np.unique(vc):
            cmodel.add_row(f"_citizen/{pool[i].id}", cols[vc == i], 0, 1)
        everyone = [c for cs in on_c.values() for c in cs]
        for q in scenario.quotas:
            test = q.matches
            fits = np.array([test(pool[i]) for i in vc], dtype=bool)
            low, high = limits(f"quota/{q.name}", q.min, _high(q.max), sum(map(test, everyone)))
            cmodel.add_row(f"quota/{q.name}", cols[fits], low, high)
        households = Counter(c.household for c in everyone if c.household is not None)
        members: dict[str, list[int]] = defaultdict(list)
        for i in np.unique(vc):
            if pool[i].household is not None:
                members[pool[i].household].append(int(i))
        for household, ids in sorted(members.items()):
            if len(ids) > 1 or households[household]:
                low, high = limits(f"household/{household}", 0, 1, households[household])
                cmodel.add_row(f"household/{household}", cols[np.isin(vc, ids)], low, high)
        return cmodel, vc, vk

    def politician_model(self) -> tuple[LinearModel, np.ndarray, np.ndarray]:
        """The politicians' model; (model, politician index per variable, committee per
        variable)."""
        scenario, on_p, staying, limits = self.scenario, self.on_p, self.staying, self.limits
        plot = self.rng.permutation(len(staying))
        pmodel = LinearModel()
        var_pol: list[int] = []
        var_pk: list[int] = []
        pscore: list[float] = []
        np_ = max(len(staying), 1)
        for k, m in enumerate(scenario.mandates):
            if m.politician_seats - len(on_p[m.id]) <= 0:
                continue
            for j, p in enumerate(staying):
                if p in on_p[m.id]:
                    continue
                var_pol.append(j)
                var_pk.append(k)
                pscore.append(scenario.score(p, m.id) * np_
                              + (np_ - 1 - int(plot[j])))
        vp = np.asarray(var_pol, dtype=np.int64)
        vpk = np.asarray(var_pk, dtype=np.int64)
        pcols = pmodel.add_variables(np.zeros(len(vp)), np.ones(len(vp)), pscore)
        council = scenario.council
        for k, m in enumerate(scenario.mandates):
            free = m.politician_seats - len(on_p[m.id])
            here = vpk == k
            pmodel.add_row(f"{m.id}/seats/politicians", pcols[here], free, free)
            if m.politician_seats == 0:
                continue
            kept_parties = Counter(p.party for p in on_p[m.id])
            parties = sorted({staying[j].party for j in vp[here]} | set(kept_parties))
            if council.max_per_party is not None:
                for party in parties:
                    chosen = here & np.array([staying[j].party == party for j in vp], dtype=bool)
                    pmodel.add_row(f"{m.id}/council/max_per_party", pcols[chosen], *limits(
                        f"{m.id}/council/max_per_party", -np.inf, council.max_per_party,
                        kept_parties[party]))
            if council.min_parties > 0:
                missing = [party for party in parties if party not in kept_parties]
                present = pmodel.add_variables(np.zeros(len(missing)), np.ones(len(missing)),
                                               np.zeros(len(missing)))
                for flag, party in zip(present, missing, strict=True):
                    chosen = here & np.array([staying[j].party == party for j in vp], dtype=bool)
                    pmodel.add_row(f"_present/{m.id}/{party}",
                                   np.concatenate([[flag], pcols[chosen]]), -np.inf, 0,
                                   np.concatenate([[1.0], -np.ones(int(chosen.sum()))]))
                pmodel.add_row(f"{m.id}/council/min_parties", present, *limits(
                    f"{m.id}/council/min_parties", council.min_parties, np.inf, len(kept_parties)))
        for j, p in enumerate(staying):
            sits = sum(1 for ps in on_p.values() if p in ps)
            pmodel.add_row(f"politician/{p.id}/committees", pcols[vp == j], *limits(
                f"politician/{p.id}/committees", p.min_committees, _high(p.max_committees), sits))
        return pmodel, vp, vpk


def fill_freed_seats(scenario: Scenario, kept: Plan, dropouts: frozenset[str],
                     tolerated: dict[str, Violation], run: Run, time_limit: float | None,
                     seed: int, explain: bool) -> Filled:
    """Fill the seats ``kept`` leaves empty, with people who are not in ``dropouts``.

    A rule in ``tolerated`` (broken by the plan in force) is held to what that plan achieved.
    """
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    refill = _Refill(scenario, kept, dropouts, tolerated, seed)
    cmodel, vc, vk = refill.citizen_model()
    pmodel, vp, vpk = refill.politician_model()
    pool, staying = refill.pool, refill.staying

    seconds = 0.0
    solutions = []
    for model in (cmodel, pmodel):
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        found = run(model, left, seed)
        seconds += found.seconds
        if found.status in ("infeasible", "time_limit"):
            explanation = None
            if found.status == "infeasible" and explain:
                explanation = explain_model(
                    scenario, model, Context(pool, staying, kept), (), deadline)
            return Filled(found.status, None, explanation, seconds)
        solutions.append(found)
    cx, px = (np.rint(s.x[: len(v)]) > 0.5 for s, v in zip(solutions, (vc, vp), strict=True)
              if s.x is not None)
    new_c = {(scenario.mandates[int(k)].id, pool[int(i)].id) for i, k in zip(vc[cx], vk[cx],
                                                                             strict=True)}
    new_p = {(scenario.mandates[int(k)].id, staying[int(j)].id)
             for j, k in zip(vp[px], vpk[px], strict=True)}
    status = "optimal" if all(s.status == "optimal" for s in solutions) else "feasible"
    return Filled(status, _merge(scenario, kept, new_c, new_p), None, seconds)


def _merge(scenario: Scenario, kept: Plan, new_c: set[tuple[str, str]],
           new_p: set[tuple[str, str]]) -> Plan:
    """The kept seats with the new ones added after each committee's kept seats."""
    seats: list[Seat] = []
    for m in scenario.mandates:
        committee = kept.committee(m.id)
        seats += [Seat(committee_id=m.id, person_id=pid, role=Role.CITIZEN)
                  for pid in committee.citizens]
        seats += [Seat(committee_id=m.id, person_id=c.id, role=Role.CITIZEN)
                  for c in scenario.citizens if (m.id, c.id) in new_c]
        seats += [Seat(committee_id=m.id, person_id=pid, role=Role.POLITICIAN)
                  for pid in committee.politicians]
        seats += [Seat(committee_id=m.id, person_id=p.id, role=Role.POLITICIAN)
                  for p in scenario.politicians if (m.id, p.id) in new_p]
    taken = {pid for _, pid in new_c}
    reserves: list[Reserve] = []
    for m in scenario.mandates:
        remaining = [pid for pid in kept.reserves_for(m.id) if pid not in taken]
        reserves += [Reserve(committee_id=m.id, person_id=pid, rank=r)
                     for r, pid in enumerate(remaining, start=1)]
    sitting = {pid for _, pid in new_p} | {pid for c in kept.committees for pid in c.politicians}
    return Plan(seats=tuple(seats),
                unseated_citizens=tuple(pid for pid in kept.unseated_citizens
                                        if pid not in taken),
                unseated_politicians=tuple(p.id for p in scenario.politicians
                                           if p.id not in sitting),
                reserves=tuple(reserves))


def kept_seats(plan: Plan, dropouts: Sequence[str]) -> Plan:
    """``plan`` without the drop-outs' seats and reserve places; they become unseated."""
    gone = set(dropouts)
    seats = tuple(s for s in plan.seats if s.person_id not in gone)
    sitting = {s.person_id for s in seats}
    citizens = [pid for pid in plan.unseated_citizens]
    citizens += [s.person_id for s in plan.seats if s.role is Role.CITIZEN
                 and s.person_id in gone and s.person_id not in citizens]
    politicians = list(dict.fromkeys(
        [*plan.unseated_politicians,
         *(s.person_id for s in plan.seats if s.role is Role.POLITICIAN
           and s.person_id not in sitting)]))
    reserves = tuple(r for r in plan.reserves if r.person_id not in gone)
    return Plan(seats=seats, unseated_citizens=tuple(citizens),
                unseated_politicians=tuple(politicians), reserves=reserves)
