"""What a re-plan changed: per committee, who left, who came in, and why."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import zip_longest

from .messages import text
from .plan import Plan, Role
from .scenario import Scenario
from .tables import write_csv

__all__ = ["CHANGE_COLUMNS", "Change", "plan_changes", "write_changes"]

CHANGE_COLUMNS = ("committee_id", "role", "left", "left_because", "came_in", "reason",
                  "reserve_rank", "preference_rank", "by_lot")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One seat that changed hands on a committee.

    Attributes
    ----------
    committee_id : str
    role : Role
    left, came_in : str or None
        Who gave the seat up, and who took it (None: a seat only freed, or only added).
    left_because : str
        ``withdrawn`` (the person withdrew), ``cancelled`` (the committee is cancelled),
        ``unknown committee`` (the scenario has no such committee),
        ``forbidden`` (a lock forbids the seat), or ``re-plan`` (the fewest changes that meet
        every rule include this one); empty when nobody left.
    reserve_rank : int or None
        The newcomer's place among the committee's reserves in the plan before.
    preference_rank : int or None
        The committee's place in the newcomer's list (None: not listed).
    by_lot : bool
        Whether the seed decided among equally good applicants: an applicant alike to the
        newcomer under every rule and score stayed unseated.
    """

    committee_id: str
    role: Role
    left: str | None
    came_in: str | None
    left_because: str = ""
    reserve_rank: int | None = None
    preference_rank: int | None = None
    by_lot: bool = False

    @property
    def reason(self) -> str:
        """Why the newcomer, in plain words in the current language: reserve rank, else
        preference rank; and the lot (see :meth:`reason_text`)."""
        return self.reason_text()

    def reason_text(self, lang: str | None = None) -> str:
        """Why the newcomer in ``lang`` (the current language when None); empty when nobody
        came in.

        Examples
        --------
        >>> change = Change(committee_id="a", role=Role.CITIZEN, left="x", came_in="y",
        ...                 left_because="withdrawn", reserve_rank=1, by_lot=True)
        >>> change.reason_text("en"), change.reason_text("da")
        ('reserve rank 1; lot among equals', 'reserve nr. 1; lodtrækning blandt ligestillede')
        """
        if self.came_in is None:
            return ""
        if self.reserve_rank is not None:
            why = text("CM-R300", lang, rank=self.reserve_rank)
        elif self.preference_rank is not None:
            why = text("CM-R301", lang, rank=self.preference_rank)
        else:
            why = text("CM-R302" if self.role is Role.CITIZEN else "CM-R303", lang)
        return why + ("; " + text("CM-R304", lang) if self.by_lot else "")

    def row(self) -> list[str]:
        """The change as a row of ``changes.csv`` (columns :data:`CHANGE_COLUMNS`); the
        ``reason`` in the current language, ``left_because`` as its key."""
        def cell(value: object) -> str:
            return "" if value is None else str(value)

        return [self.committee_id, self.role.value, cell(self.left), self.left_because,
                cell(self.came_in), self.reason, cell(self.reserve_rank),
                cell(self.preference_rank), "yes" if self.by_lot else ""]

    def text(self, lang: str | None = None) -> str:
        """The change as one line in ``lang`` (the current language when None): who left and
        why, who came in and why.

        Examples
        --------
        >>> change = Change(committee_id="climate", role=Role.CITIZEN, left="c007",
        ...                 came_in="c053", left_because="withdrawn", reserve_rank=1)
        >>> change.text("en")
        'climate: c007 left (withdrawn); c053 came in (reserve rank 1)'
        >>> change.text("nb")
        'climate: c007 gikk ut (trukket seg); c053 kom inn (reserve nr. 1)'
        """
        if self.left:
            code = _BECAUSE.get(self.left_because)
            because = self.left_because if code is None else text(code, lang)
            left = text("CM-R310", lang, person=self.left) + f" ({because})"
        else:
            left = text("CM-R311", lang)
        came = (text("CM-R312", lang, person=self.came_in) + f" ({self.reason_text(lang)})"
                if self.came_in else text("CM-R313", lang))
        return f"{self.committee_id}: {left}; {came}"

    def __str__(self) -> str:
        return self.text()


# Why someone left (Change.left_because, a key) in words.
_BECAUSE = {"withdrawn": "CM-R305", "cancelled": "CM-R306", "unknown committee": "CM-R307",
            "forbidden": "CM-R308", "re-plan": "CM-R309"}


def plan_changes(scenario: Scenario, before: Plan, after: Plan, *,
                 forbidden: Iterable[tuple[str, str]] = (),
                 alike_unseated: Callable[[str], bool] = lambda pid: False
                 ) -> tuple[Change, ...]:
    """Every seat of ``before`` that ``after`` does not keep, and every new seat, paired up
    per committee and role.

    Leavers are listed by id; newcomers by reserve rank, then preference rank, then id, and
    the i-th leaver is paired with the i-th newcomer. ``alike_unseated(person_id)`` tells
    whether someone alike to a newcomer under every rule stayed unseated (the lot decided).

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Plan, Role, Seat
    >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y")])
    >>> one = Plan(seats=[Seat(committee_id="a", person_id="x", role=Role.CITIZEN)])
    >>> two = Plan(seats=[Seat(committee_id="a", person_id="y", role=Role.CITIZEN)])
    >>> [(c.left, c.came_in, c.reason) for c in plan_changes(s, one, two)]
    [('x', 'y', 'preference rank 1')]
    """
    old = {(s.committee_id, s.person_id, s.role) for s in before.seats}
    new = {(s.committee_id, s.person_id, s.role) for s in after.seats}
    withdrawn = after.withdrawn_ids
    forbid = set(forbidden)
    committees = set(scenario.committee_ids)
    cancelled = {m.id for m in scenario.cancelled}
    order = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    keys = sorted({(cid, role.value) for cid, _, role in old ^ new},
                  key=lambda key: (order.get(key[0], len(order)), key[0], key[1]))
    changes: list[Change] = []
    for cid, role_text in keys:
        role = Role(role_text)
        gone = sorted(pid for c, pid, r in old - new if c == cid and r is role)
        ranked = {pid: _ranks(scenario, before, cid, role, pid)
                  for c, pid, r in new - old if c == cid and r is role}
        came = sorted(ranked, key=lambda pid: (_last(ranked[pid][0]), _last(ranked[pid][1]),
                                               pid))
        for left, came_in in zip_longest(gone, came):
            because = ""
            if left is not None:
                because = ("withdrawn" if left in withdrawn else
                           "cancelled" if cid in cancelled else
                           "unknown committee" if cid not in committees else
                           "forbidden" if (left, cid) in forbid else "re-plan")
            reserve, preference = ranked[came_in] if came_in is not None else (None, None)
            changes.append(Change(committee_id=cid, role=role, left=left, came_in=came_in,
                                  left_because=because, reserve_rank=reserve,
                                  preference_rank=preference,
                                  by_lot=came_in is not None and reserve is None
                                  and alike_unseated(came_in)))
    return tuple(changes)


def _ranks(scenario: Scenario, before: Plan, committee_id: str, role: Role,
           pid: str) -> tuple[int | None, int | None]:
    """A newcomer's (place among the committee's reserves before, preference rank)."""
    reserves = before.reserves_for(committee_id)
    reserve = reserves.index(pid) + 1 if pid in reserves else None
    try:
        person = (scenario.citizen(pid) if role is Role.CITIZEN
                  else scenario.politician(pid))
    except KeyError:
        return reserve, None
    return reserve, person.rank(committee_id)


def _last(rank: int | None) -> float:
    return float("inf") if rank is None else rank


def write_changes(changes: Iterable[Change], path: str | os.PathLike[str]) -> None:
    """Write changes as UTF-8 CSV (``changes.csv``), one row per change."""
    write_csv(path, [CHANGE_COLUMNS, *(c.row() for c in changes)])
