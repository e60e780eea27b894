"""Brute force for tiny scenarios: every citizen seating, checked against rules 1-5 as stated.

Shared by the tests that compare the solver (best score) and the lottery (LEXIMIN) with an
answer computed without the library's model.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

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
