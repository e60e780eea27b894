"""Locks for re-planning: seats that must hold, seats that must not, people who withdrew, and
the objectives that come before the score (keep the plan in force; reserves in their order)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..plan import Withdrawal
from ..rules import Rule, RuleKind, rule_name
from .linear import FloatArray, LinearModel

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
    withdrawals : tuple of Withdrawal
        People who withdrew (:attr:`withdrawn` their ids): seated nowhere, recorded in the
        plan, and a politician among them is released from ``min_committees``.
    tiers : tuple of mappings (person id, committee id) -> whole-number weight
        Objectives maximised before the score, each among the plans best for all before it:
        seats of the plan in force kept, or reserves seated rank by rank.
    """

    force: tuple[Pair, ...] = ()
    forbid: tuple[Pair, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()
    tiers: tuple[Mapping[Pair, int], ...] = field(default=())

    @property
    def withdrawn(self) -> frozenset[str]:
        """The ids of the people who withdrew."""
        return frozenset(w.person_id for w in self.withdrawals)

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


def add_lock_rows(model: LinearModel, locks: Locks,
                  columns: Callable[[], Mapping[Pair, int]], people: Collection[str]) -> None:
    """One row per lock on ``people``: a forced seat held at 1, a forbidden one at 0.

    ``columns()`` maps (person, committee) to the model's column for that seat (called only
    when there are locks: on 20,000 applicants the map takes a tenth of a second). A forced
    seat the person cannot take (no column) gets an empty row that cannot be met, so the
    lock is named in the explanation like any other rule.
    """
    rules = locks.rules()
    column = columns() if rules else {}
    for rule in rules.values():
        if rule.key in people:
            pair = (str(rule.key), str(rule.committee))
            model.add_row(rule.name, [column[pair]] if pair in column else [], rule.low,
                          rule.low)


def tier_costs(locks: Locks, columns: Callable[[], Mapping[Pair, int]],
               n_vars: int) -> list[FloatArray]:
    """Each tier of ``locks`` as costs over a model's columns (``columns`` as for
    :func:`add_lock_rows`); a seat without a column counts in no plan."""
    out = []
    column = columns() if locks.tiers else {}
    for tier in locks.tiers:
        costs = np.zeros(n_vars)
        for pair, weight in tier.items():
            if pair in column:
                costs[column[pair]] += weight
        out.append(costs)
    return out
