"""Ranked reserves per committee, chosen so that a seated citizen who drops out can be replaced.

A reserve *can replace* a seated citizen when swapping the two breaks no rule: every profile
and quota of the committee, every global quota, and the household rule still hold. Reserves
are picked in rounds (rank 1 for every committee, then rank 2, ...), each time the unseated
applicant who can replace the most seated citizens not yet covered by an earlier reserve,
then the most in all, then the one who ranks the committee highest, then by lot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ._validate import check_whole
from .check import plan_in_force_problems
from .errors import InputError
from .mandate import CompetenceProfile, Mandate, Quota
from .people import Citizen
from .plan import Plan, Reserve
from .scenario import Scenario

__all__ = ["ReserveCover", "add_reserves", "reserve_cover"]


class _Swaps:
    """Who can replace whom on each committee of a plan, by counting."""

    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.scenario = scenario
        citizens = {c.id: c for c in scenario.citizens}
        self.seated = {m.id: [citizens[pid] for pid in plan.committee(m.id).citizens
                              if pid in citizens] for m in scenario.mandates}
        everyone = [c for cs in self.seated.values() for c in cs]
        self.households = Counter(c.household for c in everyone if c.household is not None)
        self.global_rules = [(q, q.matches) for q in scenario.quotas]
        self.global_counts = [sum(map(test, everyone)) for _, test in self.global_rules]
        self._cache: dict[tuple[object, ...], frozenset[str]] = {}

    def _rules(self, m: Mandate) -> list[tuple[CompetenceProfile | Quota, Callable[[Citizen],
                                                                                    bool]]]:
        rules: list[CompetenceProfile | Quota] = [*m.profiles, *m.quotas]
        return [(rule, rule.matches) for rule in rules]

    def replaceable(self, m: Mandate, r: Citizen) -> frozenset[str]:
        """The ids of the citizens seated on ``m`` whom ``r`` can replace."""
        rules = self._rules(m)
        clash = r.household if r.household is not None and self.households[r.household] else None
        key = (m.id, tuple(test(r) for _, test in rules),
               tuple(test(r) for _, test in self.global_rules), clash)
        found = self._cache.get(key)
        if found is None:
            found = frozenset(s.id for s in self.seated[m.id] if self._swap_ok(m, rules, s, r))
            self._cache[key] = found
        return found

    def _swap_ok(self, m: Mandate, rules: list[tuple[CompetenceProfile | Quota,
                                                     Callable[[Citizen], bool]]],
                 s: Citizen, r: Citizen) -> bool:
        if r.household is not None and (
                self.households[r.household] - (s.household == r.household)) > 0:
            return False
        seated = self.seated[m.id]
        for rule, test in rules:
            count = sum(map(test, seated)) - test(s) + test(r)
            if count < rule.min or (rule.max is not None and count > rule.max):
                return False
        for (quota, test), count in zip(self.global_rules, self.global_counts, strict=True):
            count += test(r) - test(s)
            if count < quota.min or (quota.max is not None and count > quota.max):
                return False
        return True


def _check(scenario: object, plan: object, count: object = 0, seed: object = 0) -> None:
    problems = (plan_in_force_problems(scenario, plan) + check_whole(count, "count")
                + check_whole(seed, "seed"))
    if problems:
        raise InputError(problems)


def add_reserves(scenario: Scenario, plan: Plan, count: int, *, seed: int = 0) -> Plan:
    """``plan`` with up to ``count`` ranked reserves per committee (replacing any it had).

    Each reserve is an unseated citizen who can sit on the committee, and is a reserve for one
    committee only. Ties are broken by lot with ``seed``.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Scenario, solve
    >>> s = Scenario(mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id=c, applied_to=["climate"]) for c in "abc"])
    >>> plan = add_reserves(s, solve(s).plan, 2)
    >>> len(plan.reserves_for("climate")), reserve_cover(s, plan).covered
    (2, 1)
    """
    _check(scenario, plan, count, seed)
    swaps = _Swaps(scenario, plan)
    rng = np.random.default_rng(seed)
    lot = {c.id: int(x) for c, x in zip(scenario.citizens,
                                        rng.permutation(len(scenario.citizens)), strict=True)}
    taken = set(plan.seated_citizens)
    covered: dict[str, set[str]] = {m.id: set() for m in scenario.mandates}
    chosen: list[Reserve] = []
    # Who can replace whom does not change as reserves are chosen; only what is covered does.
    options = {m.id: [(swaps.replaceable(m, c), scenario.score(c, m.id), lot[c.id], c.id)
                      for c in scenario.citizens if c.id not in taken and c.can_sit_on(m.id)]
               for m in scenario.mandates if m.citizen_seats > 0 and count > 0}
    for rank in range(1, count + 1):
        for cid, candidates in options.items():
            best = min(((-len(can - covered[cid]), -len(can), -score, order, pid, can)
                        for can, score, order, pid in candidates if pid not in taken),
                       default=None)
            if best is None:
                continue
            *_, pid, can = best
            taken.add(pid)
            covered[cid] |= can
            chosen.append(Reserve(committee_id=cid, person_id=pid, rank=rank))
    return replace(plan, reserves=tuple(chosen))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReserveCover:
    """For each seated citizen, the first reserve who can replace them without breaking a rule.

    Attributes
    ----------
    first : dict of str to str or None
        Seated citizen id -> the best-ranked reserve of their committee who can replace them,
        or None.
    """

    first: dict[str, str | None]

    @property
    def covered(self) -> int:
        """How many seated citizens have such a reserve."""
        return sum(1 for r in self.first.values() if r is not None)

    @property
    def seated(self) -> int:
        return len(self.first)


def reserve_cover(scenario: Scenario, plan: Plan) -> ReserveCover:
    """Which seated citizens have a reserve who can replace them (see :func:`add_reserves`).

    Examples
    --------
    >>> from cocreate_match import solve
    >>> from cocreate_match.demo import demo_scenario
    >>> s = demo_scenario()
    >>> cover = reserve_cover(s, solve(s).plan)  # a plan without reserves covers nobody
    >>> cover.covered, cover.seated
    (0, 100)
    """
    _check(scenario, plan)
    swaps = _Swaps(scenario, plan)
    citizens = {c.id: c for c in scenario.citizens}
    first: dict[str, str | None] = {}
    for m in scenario.mandates:
        reserves = [citizens[pid] for pid in plan.reserves_for(m.id) if pid in citizens]
        can = [swaps.replaceable(m, r) for r in reserves]
        for s in swaps.seated[m.id]:
            first[s.id] = next((r.id for r, ids in zip(reserves, can, strict=True)
                                if s.id in ids), None)
    return ReserveCover(first=first)
