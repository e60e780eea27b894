"""The seeded lot: one priority per (seed, person, committee), from the content alone.

Every tie the rules and the score leave open is settled by these priorities, so the plan
depends on the seed and on what the scenario says, never on the order of its rows or on the
solver. A priority is a 64-bit hash of the seed, the person's id and the committee's id, so
that for a fixed seed each person's priority is an independent uniform draw, and publishing
the seed lets anyone recompute every priority.
"""

from __future__ import annotations

import hashlib

__all__ = ["WEIGHT_BITS", "priority", "weight"]

WEIGHT_BITS = 24
"""Bits of the whole-number weights that carry priorities into a solver's objective."""


def priority(seed: int, person_id: str, committee_id: str) -> int:
    """The lot's priority of ``person_id`` for ``committee_id`` under ``seed``: 0 to 2**64 - 1.

    Examples
    --------
    >>> priority(0, "ann", "climate") == priority(0, "ann", "climate")
    True
    >>> priority(0, "ann", "climate") != priority(1, "ann", "climate")
    True
    """
    text = f"{seed}\x1f{person_id}\x1f{committee_id}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8, person=b"cocreate-lot").digest(),
                          "big")


def weight(value: int) -> int:
    """A priority as an objective weight from 1 to 2**WEIGHT_BITS (its leading bits, plus 1).

    Whole numbers keep the weighted objective exact for every backend; a higher priority never
    gets a lower weight.
    """
    return (value >> (64 - WEIGHT_BITS)) + 1
