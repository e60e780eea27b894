"""The seeded lot: priorities from the seed and the scenario's content alone.

Every tie the rules and the score leave open is settled by these priorities, so the plan
depends on the seed and on what the scenario says, never on the order of its rows or on the
solver. A priority is a 64-bit BLAKE2b hash of the seed and an id (a person's, and for *where*
someone sits, a committee's too), so that for a fixed seed each priority is an independent
uniform draw, and publishing the seed lets anyone recompute every one of them.

The lot has two questions, asked in this order among the plans of optimal score:

*who* sits
    Each citizen has one priority (:func:`priority` with no committee); the plan seats the
    people with the largest total weight. Politicians have one priority per committee, since
    for them who sits and where are one choice.
*where* they sit
    Among the plans that seat the same people, each (group, committee) has a priority.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = ["WEIGHT_BITS", "distinct_weights", "priority"]

WEIGHT_BITS = 24
"""Bits of the whole-number weights that carry priorities into a solver's objective."""


def priority(seed: int, person_id: str, committee_id: str | None = None) -> int:
    """The lot's priority under ``seed`` of ``person_id`` (for ``committee_id``, if given):
    a whole number from 0 to 2**64 - 1.

    The hashed text gives the length of each id before it, so no two different (person,
    committee) pairs hash the same text, whatever characters the ids hold.

    Examples
    --------
    >>> priority(0, "ann") == priority(0, "ann")
    True
    >>> len({priority(0, "ann"), priority(1, "ann"), priority(0, "ann", "climate")})
    3
    """
    parts = [str(seed), person_id] + ([] if committee_id is None else [committee_id])
    text = "".join(f"{len(p)}:{p};" for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8, person=b"cocreate-lot").digest(),
                          "big")


def distinct_weights(priorities: Sequence[int]) -> list[int]:
    """Whole-number objective weights of at most about ``WEIGHT_BITS`` bits that keep the order
    of ``priorities`` and never tie.

    Each weight is the priority's leading bits plus one, raised where needed to one more than
    the weight of the next lower priority (ties between equal priorities go by position), so
    that no two people ever weigh the same: a tie in the weights would leave the choice to
    the solver. Whole numbers keep the weighted objective exact for every backend.

    Examples
    --------
    >>> distinct_weights([2**63, 5, 2**63 + 1, 7])
    [8388609, 1, 8388610, 2]
    """
    order = sorted(range(len(priorities)), key=lambda i: (priorities[i], i))
    out = [0] * len(priorities)
    last = 0
    for i in order:
        last = max((priorities[i] >> (64 - WEIGHT_BITS)) + 1, last + 1)
        out[i] = last
    return out
