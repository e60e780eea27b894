"""Ranked reserves per committee, chosen so that a seated citizen who drops out can be replaced.

A reserve *can replace* a seated citizen when swapping the two makes no rule worse than the
plan in force has it: every profile and quota of the committee, every global quota and every
household rule that the plan meets still holds, and a rule the plan already breaks (a relaxed
plan) is broken by no more than before. For a plan that meets every rule, that is: the swap
breaks no rule. Each rule is read from :meth:`Scenario.rules <cocreate_match.Scenario.rules>`.

Citizens who withdrew (:attr:`Plan.withdrawn <cocreate_match.Plan.withdrawn>`) are never
reserves. Reserves are picked in rounds (rank 1 for every committee, then rank 2, ...), each
time the unseated applicant who can replace the most seated citizens not yet covered by an
earlier reserve, then the most in all, then the one who ranks the committee highest, then by
lot.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from ._validate import check_whole
from .check import plan_in_force_problems
from .errors import InputError
from .lot import priority
from .mandate import Mandate
from .people import Citizen
from .plan import Plan, Reserve
from .rules import RuleKind
from .scenario import Scenario

__all__ = ["ReserveCover", "add_reserves", "reserve_cover"]


class _Swaps:
    """Who can replace whom on each committee of a plan, by counting.

    A swap may leave a rule broken that the plan in force already breaks, by no more, so that
    a relaxed plan gets reserves too; a rule the plan meets must stay met.
    """

    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        citizens = {c.id: c for c in scenario.citizens}
        self.seated = {m.id: [citizens[pid] for pid in plan.committee(m.id).citizens
                              if pid in citizens] for m in scenario.mandates}
        everyone = [c for cs in self.seated.values() for c in cs]
        rules = scenario.rules().values()
        self.households = {rule.key: rule for rule in rules if rule.kind is RuleKind.HOUSEHOLD}
        self.members = Counter(c.household for c in everyone if c.household is not None)
        self.global_rules = [rule for rule in rules if rule.kind is RuleKind.GLOBAL_QUOTA]
        self.global_counts = [sum(map(rule.counts, everyone)) for rule in self.global_rules]
        self.rules = {m.id: [rule for rule in rules if rule.committee == m.id
                             and rule.kind in (RuleKind.PROFILE, RuleKind.QUOTA)]
                      for m in scenario.mandates}
        self.counts = {cid: [sum(map(rule.counts, self.seated[cid])) for rule in rules]
                       for cid, rules in self.rules.items()}
        self._cache: dict[tuple[object, ...], frozenset[str]] = {}

    def replaceable(self, m: Mandate, r: Citizen) -> frozenset[str]:
        """The ids of the citizens seated on ``m`` whom ``r`` can replace."""
        # Whom r can replace depends only on which rules count r, and on r's household when
        # someone of it is seated already.
        clash = r.household if r.household is not None and self.members[r.household] else None
        key = (m.id, tuple(rule.counts(r) for rule in self.rules[m.id]),
               tuple(rule.counts(r) for rule in self.global_rules), clash)
        found = self._cache.get(key)
        if found is None:
            found = frozenset(s.id for s in self.seated[m.id] if self._swap_ok(m, s, r))
            self._cache[key] = found
        return found

    def _swap_ok(self, m: Mandate, s: Citizen, r: Citizen) -> bool:
        if r.household is not None and r.household != s.household:
            have = self.members[r.household]
            household = self.households[r.household]
            if household.outside(have + 1) > household.outside(have):
                return False
        counted = [*zip(self.rules[m.id], self.counts[m.id], strict=True),
                   *zip(self.global_rules, self.global_counts, strict=True)]
        return all(rule.outside(count - rule.counts(s) + rule.counts(r))
                   <= rule.outside(count) for rule, count in counted)


def _check(scenario: object, plan: object, count: object = 0, seed: object = 0) -> None:
    problems = (plan_in_force_problems(scenario, plan) + check_whole(count, "count")
                + check_whole(seed, "seed"))
    if problems:
        raise InputError(problems)


def add_reserves(scenario: Scenario, plan: Plan, count: int, *, seed: int = 0) -> Plan:
    """``plan`` with up to ``count`` ranked reserves per committee (replacing any it had).

    Each reserve is an unseated citizen who can sit on the committee and has not withdrawn,
    and is a reserve for one committee only. Reserves are chosen to cover the most seated
    citizens they *can replace* (see the module's description; for a relaxed plan, a swap may
    leave a rule broken as the plan breaks it, by no more). Ties are broken by lot with
    ``seed``.

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
    # The lot is keyed by id (not by row), so the rows' order cannot change the reserves.
    lot = {c.id: -priority(seed, c.id) for c in scenario.citizens}
    taken = set(plan.seated_citizens) | plan.withdrawn_ids
    covered: dict[str, set[str]] = {m.id: set() for m in scenario.mandates}
    chosen: list[Reserve] = []
    # Who can replace whom does not change as reserves are chosen; only what is covered does.
    options = {m.id: [(swaps.replaceable(m, c), scenario.score(c, m.id), lot[c.id], c.id)
                      for c in scenario.citizens if c.id not in taken and c.can_sit_on(m.id)]
               for m in scenario.mandates if m.citizen_seats > 0 and count > 0}
    for rank in range(1, count + 1):
        found = False
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
            found = True
        if not found:  # every candidate is taken: further ranks would stay empty
            break
    return replace(plan, reserves=tuple(chosen))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReserveCover:
    """For each seated citizen, the first reserve who can replace them without making a rule
    worse (see :func:`add_reserves`).

    Attributes
    ----------
    first : dict of str to str or None
        Seated citizen id -> the best-ranked reserve of their committee who can replace them,
        or None; committee by committee in mandate order.
    uncovered : tuple of str
        The seated citizens without such a reserve, in mandate order, then by id.
    """

    first: dict[str, str | None]
    uncovered: tuple[str, ...]

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
    >>> cover.covered, cover.seated, len(cover.uncovered)
    (0, 100, 100)
    """
    _check(scenario, plan)
    swaps = _Swaps(scenario, plan)
    citizens = {c.id: c for c in scenario.citizens}
    first: dict[str, str | None] = {}
    uncovered: list[str] = []
    for m in scenario.mandates:
        reserves = [citizens[pid] for pid in plan.reserves_for(m.id) if pid in citizens]
        can = [swaps.replaceable(m, r) for r in reserves]
        for s in swaps.seated[m.id]:
            first[s.id] = next((r.id for r, ids in zip(reserves, can, strict=True)
                                if s.id in ids), None)
        uncovered += sorted(s.id for s in swaps.seated[m.id] if first[s.id] is None)
    return ReserveCover(first=first, uncovered=tuple(uncovered))
