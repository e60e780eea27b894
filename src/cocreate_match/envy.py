"""Justified envy under the side rules: who could take a seat from someone who wants it less.

A citizen *a* has justified envy towards a seated citizen *b* on committee *c* when

- *a* can sit on *c* and ranked it, and is unseated or ranks *c* strictly above their own seat
  (a seat on a committee *a* did not rank, taken as open to any committee, ranks below every
  ranked one);
- *b* sits on *c* and ranked it lower than *a* did (or not at all: open to any committee);
- swapping the two keeps every rule: *a* takes *b*'s seat on *c*, and *b* takes *a*'s former
  place (*a*'s seat on committee *d*, where *b* must be able to sit; or unseated, when *a* was).

Politicians take no part, and neither does anyone who withdrew. A plan the solver calls
optimal may still hold such cases: the objective trades one citizen's rank against another's.

"Keeps every rule" is decided by counting, as :func:`~cocreate_match.check_plan` would on the
swapped plan (with the plan's reserves left out: a reserve rank is about drop-outs, not about
who sits). Only the counts of *c*, of *d* and, when *a* was unseated, the global quotas and the
households of *a* and *b* can change, so only those rules
(:meth:`Scenario.rules <cocreate_match.Scenario.rules>`) are recounted. For a plan that breaks
rules already (a relaxed plan), the swap must make no rule worse, as for reserves: a rule the
plan meets must still hold, and a rule it breaks must lie no further outside its limits. For a
plan that meets every rule this is exactly ``check_plan(scenario, swapped) == ()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import messages
from ._validate import as_tuple
from .check import plan_in_force_problems
from .errors import InputError, Problem
from .people import Citizen
from .plan import Plan
from .rules import Rule, RuleKind
from .scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ENVY_COLUMNS", "Envy", "EnvyAudit", "envy_audit"]

ENVY_COLUMNS = ("citizen", "committee", "seated", "citizen_rank", "citizen_seat",
                "citizen_seat_rank", "seated_rank")
_RANKS = ("citizen_rank", "citizen_seat_rank", "seated_rank")
# Rules that count the seated citizens of one committee, and of all committees together.
_COMMITTEE_KINDS = (RuleKind.CITIZEN_SEATS, RuleKind.PROFILE, RuleKind.QUOTA)
_GLOBAL_KINDS = (RuleKind.GLOBAL_QUOTA, RuleKind.HOUSEHOLD)


@dataclass(frozen=True, slots=True, kw_only=True)
class Envy:
    """One case of justified envy: ``citizen`` could swap with ``seated`` on ``committee``.

    Attributes
    ----------
    citizen : str
        The envious citizen (*a*).
    committee : str
        The committee *a* would rather sit on (*c*).
    seated : str
        The citizen seated on *c* who ranked it lower (*b*).
    citizen_rank : int
        *a*'s 1-based rank of *c*.
    citizen_seat : str or None
        *a*'s committee in the plan (where *b* would go), or None when *a* is unseated.
    citizen_seat_rank : int or None
        *a*'s rank of their own committee; None when unseated, or seated on a committee *a*
        did not rank (open to any).
    seated_rank : int or None
        *b*'s rank of *c*; None when *b* did not rank it (open to any committee).

    Examples
    --------
    >>> print(Envy(citizen="ann", committee="climate", seated="bo", citizen_rank=1,
    ...            citizen_seat=None, citizen_seat_rank=None, seated_rank=3))
    ann (unseated) ranks 'climate' 1; bo, seated there, ranks it 3
    """

    citizen: str
    committee: str
    seated: str
    citizen_rank: int
    citizen_seat: str | None
    citizen_seat_rank: int | None
    seated_rank: int | None

    def text(self, lang: str | None = None) -> str:
        """The case as one line in ``lang`` (the current language when None).

        Examples
        --------
        >>> Envy(citizen="ann", committee="climate", seated="bo", citizen_rank=1,
        ...      citizen_seat="youth", citizen_seat_rank=2, seated_rank=None).text("da")
        "ann (har plads i 'youth', ønske nr. 2) har 'climate' som ønske nr. 1; bo, der har \
pladsen, har ikke ønsket det (åben for alle udvalg)"
        """
        # Unseated, seated on a ranked committee, seated on one not ranked; each with the
        # seated citizen's rank, or none.
        if self.citizen_seat is None:
            codes = ("CM-R320", "CM-R321")
        elif self.citizen_seat_rank is not None:
            codes = ("CM-R322", "CM-R323")
        else:
            codes = ("CM-R324", "CM-R325")
        return messages.text(codes[self.seated_rank is None], lang, citizen=self.citizen,
                             committee=self.committee, rank=self.citizen_rank,
                             seat=self.citizen_seat, seat_rank=self.citizen_seat_rank,
                             seated=self.seated, seated_rank=self.seated_rank)

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvyAudit:
    """Every case of justified envy in a plan, by committee id, then envious citizen, then
    seated citizen (see :func:`envy_audit`).

    True when there is at least one case; ``len`` counts them and iterating yields them.

    Examples
    --------
    >>> audit = EnvyAudit(cases=())
    >>> bool(audit), len(audit), audit.summary()[:17]
    (False, 0, 'No justified envy')
    """

    cases: tuple[Envy, ...]

    if TYPE_CHECKING:  # what the constructor takes: any iterable becomes a tuple
        def __init__(self, *, cases: Iterable[Envy]) -> None: ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "cases", as_tuple(self.cases))
        bad = [Problem(code="CM-E042", params={"kind": "Envy"}, column="cases", value=case)
               for case in self.cases if not isinstance(case, Envy)]
        if bad:
            raise InputError(bad)

    def __bool__(self) -> bool:
        return bool(self.cases)

    def __len__(self) -> int:
        return len(self.cases)

    def __iter__(self) -> Iterator[Envy]:
        return iter(self.cases)

    def to_frame(self) -> pd.DataFrame:
        """One row per case, with the columns :data:`ENVY_COLUMNS` (the fields of
        :class:`Envy`). Ranks are nullable integers (``Int64``), empty where the field is
        None; ids are strings, and ``citizen_seat`` is None for an unseated citizen.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = EnvyAudit(cases=[Envy(citizen="ann", committee="climate", seated="bo",
        ...     citizen_rank=1, citizen_seat=None, citizen_seat_rank=None,
        ...     seated_rank=None)]).to_frame()
        >>> str(frame["citizen_rank"].dtype), frame.loc[0, "seated_rank"] is pd.NA
        ('Int64', True)
        """
        import pandas as pd

        frame = pd.DataFrame({column: [getattr(case, column) for case in self.cases]
                              for column in ENVY_COLUMNS}, dtype=object)
        return frame.astype(dict.fromkeys(_RANKS, "Int64"))

    def summary(self, lang: str | None = None) -> str:
        """The audit in one sentence, in ``lang`` (the current language when None).

        Examples
        --------
        >>> case = Envy(citizen="ann", committee="climate", seated="bo", citizen_rank=1,
        ...             citizen_seat=None, citizen_seat_rank=None, seated_rank=3)
        >>> EnvyAudit(cases=[case]).summary()
        'Justified envy in 1 case: 1 citizen could take a seat on 1 committee from someone \
who ranked it lower, keeping every rule.'
        """
        if not self.cases:
            return messages.text("CM-R326", lang)
        return messages.text("CM-R327", lang, cases=len(self.cases),
                             citizens=len({case.citizen for case in self.cases}),
                             committees=len({case.committee for case in self.cases}))


def envy_audit(scenario: Scenario, plan: Plan) -> EnvyAudit:
    """Every case of justified envy among the citizens of ``plan``.

    A case is a citizen *a*, a committee *c* and a citizen *b* seated on *c*, where *a* ranked
    *c* higher than *b* did and higher than *a*'s own seat (or *a* is unseated), and swapping
    the two keeps every rule (see the module's description for the exact terms). For a plan
    that meets every rule, a case is exactly a swap after which
    :func:`~cocreate_match.check_plan` finds nothing; for a plan that already breaks rules, a
    swap may leave a broken rule broken, but no further outside its limits, and must break no
    rule the plan meets. Reserves are left out of the swapped plan. People who withdrew and
    politicians take no part.

    Only the rules that the swap can change are recounted, so the audit of a plan for hundreds
    of applicants takes a fraction of a second.

    Parameters
    ----------
    scenario : Scenario
    plan : Plan
        A plan for ``scenario``: every person accounted for once, seats only on its
        committees and where the citizen may sit. It may break other rules.

    Returns
    -------
    EnvyAudit
        The cases sorted by committee id, then envious citizen, then seated citizen.

    Raises
    ------
    InputError
        When ``scenario`` is not a Scenario, ``plan`` not a Plan, or the plan is not a plan
        for the scenario (unknown or missing people, unknown committees, a citizen seated
        twice or where they did not apply, bad reserves or withdrawals).

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Plan, Role, Scenario, Seat
    >>> s = Scenario(mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id="ann", applied_to=["climate"]),
    ...                        Citizen(id="bo", open_to_any=True)])
    >>> plan = Plan(seats=[Seat(committee_id="climate", person_id="bo", role=Role.CITIZEN)],
    ...             unseated_citizens=["ann"])
    >>> audit = envy_audit(s, plan)
    >>> [(e.citizen, e.committee, e.seated) for e in audit]
    [('ann', 'climate', 'bo')]
    >>> envy_audit(s, Plan(seats=[Seat(committee_id="climate", person_id="ann",
    ...                                role=Role.CITIZEN)], unseated_citizens=["bo"])).summary()
    'No justified envy: no citizen could take a seat from someone who ranked that committee \
lower without breaking a rule.'
    """
    problems = plan_in_force_problems(scenario, plan)
    if problems:
        raise InputError(problems)
    counts = _Counts(scenario, plan)
    gone = plan.withdrawn_ids
    citizens = {c.id: c for c in scenario.citizens}
    cases: list[Envy] = []
    for a in scenario.citizens:
        if a.id in gone:
            continue
        seat = plan.committee_of(a.id)
        seat_rank = a.rank(seat) if seat is not None else None
        for rank, cid in enumerate(a.applied_to, start=1):
            # applied_to is in rank order: from the own seat down nothing is preferred to it.
            if seat is not None and seat_rank is not None and rank >= seat_rank:
                break
            if cid not in counts.committee or not a.can_sit_on(cid):
                continue
            for bid in plan.committee(cid).citizens:
                b = citizens[bid]
                b_rank = b.rank(cid)
                if bid in gone or (b_rank is not None and b_rank <= rank):
                    continue
                if seat is not None and not b.can_sit_on(seat):
                    continue
                if counts.swap_keeps_rules(a, b, cid, seat):
                    cases.append(Envy(citizen=a.id, committee=cid, seated=bid,
                                      citizen_rank=rank, citizen_seat=seat,
                                      citizen_seat_rank=seat_rank, seated_rank=b_rank))
    cases.sort(key=lambda e: (e.committee, e.citizen, e.seated))
    return EnvyAudit(cases=tuple(cases))


class _Counts:
    """What each citizen rule counts in the plan, to recount one swap from."""

    __slots__ = ("committee", "global_quotas", "households")

    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        citizens = {c.id: c for c in scenario.citizens}
        seated = {cid: [citizens[pid] for pid in dict.fromkeys(plan.committee(cid).citizens)]
                  for cid in scenario.committee_ids}
        everyone = [c for on in seated.values() for c in on]
        rules = list(scenario.rules().values())
        self.committee: dict[str, list[tuple[Rule, int]]] = {
            cid: [(rule, sum(map(rule.counts, on))) for rule in rules
                  if rule.committee == cid and rule.kind in _COMMITTEE_KINDS]
            for cid, on in seated.items()}
        overall = [(rule, sum(map(rule.counts, everyone))) for rule in rules
                   if rule.kind in _GLOBAL_KINDS]
        self.global_quotas = [(rule, n) for rule, n in overall
                              if rule.kind is RuleKind.GLOBAL_QUOTA]
        # One rule per household: look up the two that a swap can touch, not all of them.
        self.households = {rule.key: (rule, n) for rule, n in overall
                           if rule.kind is RuleKind.HOUSEHOLD}

    def swap_keeps_rules(self, a: Citizen, b: Citizen, committee: str,
                         seat: str | None) -> bool:
        """Whether ``a`` taking ``b``'s seat on ``committee``, and ``b`` taking ``a``'s
        ``seat`` (or ``a``'s place among the unseated), makes no rule worse."""
        if not _no_worse(self.committee[committee], gained=a, lost=b):
            return False
        if seat is not None:
            # Both stay seated: the global counts and households are as they were.
            return _no_worse(self.committee[seat], gained=b, lost=a)
        touched = dict.fromkeys(h for h in (a.household, b.household) if h is not None)
        households = [self.households[h] for h in touched]
        return _no_worse([*self.global_quotas, *households], gained=a, lost=b)


def _no_worse(rules: Iterable[tuple[Rule, int]], *, gained: Citizen, lost: Citizen) -> bool:
    """Whether each rule, at its count, lies no further outside its limits once ``lost``
    leaves what it counts and ``gained`` joins (0 outside: the rule holds)."""
    return all(rule.outside(n + rule.counts(gained) - rule.counts(lost)) <= rule.outside(n)
               for rule, n in rules)
