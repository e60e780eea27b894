"""Brute force for tiny scenarios: every citizen seating, checked against rules 1-5 as stated.

Shared by the tests that compare the solver (best score) and the lottery (LEXIMIN) with an
answer computed without the library's model.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterator, Sequence, Sized
from dataclasses import dataclass

from cocreate_match import Scenario

Seating = tuple[str | None, ...]  # per citizen, in scenario order: committee id or None


def within(count: int, low: int, high: int | None) -> bool:
    return low <= count and (high is None or count <= high)


def valid_citizen_seatings(scenario: Scenario) -> Iterator[Seating]:
    """Every assignment of citizens to committees (or to none) that meets rules 1-5."""
    options = [[None] + [m.id for m in scenario.mandates if c.can_sit_on(m.id)]
               for c in scenario.citizens]
    for choice in itertools.product(*options):
        on = {m.id: [c for c, x in zip(scenario.citizens, choice, strict=True) if x == m.id]
              for m in scenario.mandates}
        seated = [c for c, x in zip(scenario.citizens, choice, strict=True) if x is not None]
        households = Counter(c.household for c in seated if c.household is not None)
        if any(n > 1 for n in households.values()):
            continue
        if not all(len(on[m.id]) == m.citizen_seats for m in scenario.mandates):
            continue
        if not all(within(sum(1 for c in on[m.id] if c.tags & p.any_of), p.min, p.max)
                   for m in scenario.mandates for p in m.profiles):
            continue
        if not all(within(sum(1 for c in on[m.id] if c.attributes.get(q.attribute) == q.value),
                           q.min, q.max) for m in scenario.mandates for q in m.quotas):
            continue
        if not all(within(sum(1 for c in seated if c.attributes.get(q.attribute) == q.value),
                           q.min, q.max) for q in scenario.quotas):
            continue
        yield choice


# -- rules as sets: which rules each seating breaks --------------------------------------------
#
# Citizens and politicians share no rule, so each half is enumerated on its own. A seating only
# has to respect the structural constraints (a citizen sits at most once, only where they may
# sit and only on committees with citizen seats; a politician sits at most once per committee);
# everything else is a named rule that the seating meets or breaks.

MAX_SEATINGS = 50_000  # keeps an accidental large scenario from running for hours


def is_seat_rule_name(rule: str) -> bool:
    return rule.endswith("/seats/citizens") or rule.endswith("/seats/politicians")


def _bounded(options: Sequence[Sized]) -> None:
    total = 1
    for choices in options:
        total *= len(choices)
    if total > MAX_SEATINGS:
        raise ValueError(f"{total} seatings to enumerate; the oracle is for tiny scenarios")


def citizen_broken_sets(scenario: Scenario) -> set[frozenset[str]]:
    """For every structurally allowed seating of the citizens, the set of rules it breaks."""
    options: list[list[str | None]] = [
        [None] + [m.id for m in scenario.mandates if m.citizen_seats > 0 and c.can_sit_on(m.id)]
        for c in scenario.citizens]
    _bounded(options)
    out: set[frozenset[str]] = set()
    for choice in itertools.product(*options):
        seated = [c for c, x in zip(scenario.citizens, choice, strict=True) if x is not None]
        broken: set[str] = set()
        for m in scenario.mandates:
            on = [c for c, x in zip(scenario.citizens, choice, strict=True) if x == m.id]
            if len(on) != m.citizen_seats:
                broken.add(f"{m.id}/seats/citizens")
            for p in m.profiles:
                if not within(sum(1 for c in on if c.tags & p.any_of), p.min, p.max):
                    broken.add(f"{m.id}/profile/{p.name}")
            for q in m.quotas:
                have = sum(1 for c in on if c.attributes.get(q.attribute) == q.value)
                if not within(have, q.min, q.max):
                    broken.add(f"{m.id}/quota/{q.name}")
        for q in scenario.quotas:
            have = sum(1 for c in seated if c.attributes.get(q.attribute) == q.value)
            if not within(have, q.min, q.max):
                broken.add(f"quota/{q.name}")
        households = Counter(c.household for c in seated if c.household is not None)
        broken.update(f"household/{h}" for h, n in households.items() if n > 1)
        out.add(frozenset(broken))
    return out


def politician_broken_sets(scenario: Scenario) -> set[frozenset[str]]:
    """For every choice of a set of committees per politician, the set of rules it breaks."""
    ids = [m.id for m in scenario.mandates]
    subsets = [frozenset(s) for r in range(len(ids) + 1)
               for s in itertools.combinations(ids, r)]
    options = [subsets] * len(scenario.politicians)
    _bounded(options)
    council = scenario.council
    out: set[frozenset[str]] = set()
    for choice in itertools.product(*options):
        broken: set[str] = set()
        for p, sits in zip(scenario.politicians, choice, strict=True):
            if not within(len(sits), p.min_committees, p.max_committees):
                broken.add(f"politician/{p.id}/committees")
        for m in scenario.mandates:
            members = [p for p, sits in zip(scenario.politicians, choice, strict=True)
                       if m.id in sits]
            if len(members) != m.politician_seats:
                broken.add(f"{m.id}/seats/politicians")
            parties = Counter(p.party for p in members)
            if council.max_per_party is not None and any(
                    n > council.max_per_party for n in parties.values()):
                broken.add(f"{m.id}/council/max_per_party")
            # The party mix is a rule only for committees that seat politicians.
            if m.politician_seats > 0 and len(parties) < council.min_parties:
                broken.add(f"{m.id}/council/min_parties")
        out.add(frozenset(broken))
    return out


@dataclass(frozen=True)
class RuleOracle:
    """Every seating of a tiny scenario, reduced to the rules it breaks, for set queries."""

    citizens: frozenset[frozenset[str]]
    politicians: frozenset[frozenset[str]]

    @classmethod
    def of(cls, scenario: Scenario) -> RuleOracle:
        return cls(frozenset(citizen_broken_sets(scenario)),
                   frozenset(politician_broken_sets(scenario)))

    def feasible(self, keep: Collection[str]) -> bool:
        """Whether some assignment meets every rule in ``keep`` (all other rules dropped)."""
        kept = frozenset(keep)
        return (any(not broken & kept for broken in self.citizens)
                and any(not broken & kept for broken in self.politicians))

    def fewest_broken(self) -> int | None:
        """The fewest rules other than seat rules that a plan meeting every seat rule breaks;
        None when the seat rules alone cannot be met."""
        best = []
        for half in (self.citizens, self.politicians):
            counts = [len(b) for b in half if not any(map(is_seat_rule_name, b))]
            if not counts:
                return None
            best.append(min(counts))
        return sum(best)
