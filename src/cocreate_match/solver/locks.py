"""Locks for re-planning: seats that must hold, seats that must not, people who withdrew, and
the objectives that come before the score (keep the plan in force; reserves in their order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..rules import Rule, RuleKind, rule_name

Pair = tuple[str, str]  # (person id, committee id)


@dataclass(frozen=True, slots=True)
class Locks:
    """What a re-plan holds fixed, and what it prefers before the score.

    Attributes
    ----------
    force, forbid : tuple of (person id, committee id)
        Seats that must hold, and seats that must not. Each is a rule of its own
        (:data:`~cocreate_match.rules.RuleKind.FORCE`, ``FORBID``), so that an impossible
        lock is explained like any other rule.
    withdrawn : frozenset of str
        People who withdrew: seated nowhere; a politician among them is released from
        ``min_committees``.
    tiers : tuple of mappings (person id, committee id) -> whole-number weight
        Objectives maximised before the score, each among the plans best for all before it:
        seats of the plan in force kept, or reserves seated rank by rank.
    """

    force: tuple[Pair, ...] = ()
    forbid: tuple[Pair, ...] = ()
    withdrawn: frozenset[str] = frozenset()
    tiers: tuple[Mapping[Pair, int], ...] = field(default=())

    @property
    def distinguished(self) -> frozenset[str]:
        """People a lock or a tier names: they cannot share a group with anyone."""
        named = {pid for pid, _ in self.force} | {pid for pid, _ in self.forbid}
        for tier in self.tiers:
            named |= {pid for pid, _ in tier}
        return frozenset(named)

    def rules(self) -> dict[str, Rule]:
        """The lock rules by name (FORCE holds a seat at 1, FORBID at 0)."""
        out: dict[str, Rule] = {}
        for kind, pairs, level in ((RuleKind.FORCE, self.force, 1),
                                   (RuleKind.FORBID, self.forbid, 0)):
            for pid, cid in pairs:
                name = rule_name(kind, cid, pid)
                out[name] = Rule(name=name, kind=kind, committee=cid, key=pid, low=level,
                                 high=level)
        return out


NO_LOCKS = Locks()
