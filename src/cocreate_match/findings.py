"""Checks before solving: supply against demand for each rule, in plain words.

Each check compares what a rule requires with what the applicants could possibly supply,
ignoring every other rule. A finding is therefore a proof that the rule cannot be met (the
scenario is infeasible), with the numbers that show it and a change that would remove it.
No finding does not mean the rules can all be met together: only the solver can tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from .mandate import Mandate
from .people import Citizen
from .scenario import Scenario

__all__ = ["Finding", "precheck"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A rule that cannot be met whatever else the plan does.

    Attributes
    ----------
    rule : str
        The rule's name, as :func:`~cocreate_match.check_plan` uses it.
    message : str
        What is wrong, in plain words.
    suggestion : str
        A change that removes the problem.
    required : int
        What the rule asks for.
    available : int
        What the applicants can supply at best.
    """

    rule: str
    message: str
    suggestion: str
    required: int
    available: int


def _can_sit(scenario: Scenario, m: Mandate) -> list[Citizen]:
    return [c for c in scenario.citizens if c.can_sit_on(m.id)]


def _limit_findings(rule: str, what: str, where: str, fits: int, others: int, seats: int,
                    low: int, high: int | None, knob: str) -> list[Finding]:
    """A count rule on ``seats`` seats with ``fits`` candidates who count and ``others`` who
    do not: at most ``min(fits, seats)`` can count, at least ``seats - others`` must."""
    found = []
    if fits < low:
        found.append(Finding(
            rule=rule, required=low, available=fits,
            message=f"{where}: {low} seated citizen{'s' if low != 1 else ''} must be {what}, "
                    f"but only {fits} "
                    f"applicant{'s' if fits != 1 else ''} who can sit there "
                    f"{'are' if fits != 1 else 'is'}",
            suggestion=f"lower {knob} min to {fits}, or find more applicants who are {what}"))
    if high is not None and seats - others > high:
        must = seats - others
        found.append(Finding(
            rule=rule, required=must, available=high,
            message=f"{where}: at most {high} seated citizen{'s' if high != 1 else ''} may be "
                    f"{what}, but only {others} "
                    f"of those who can sit there are not, so at least {must} of the {seats} "
                    "seats go to people who are",
            suggestion=f"raise {knob} max to {must}, or find more applicants who are not "
                       f"{what}"))
    return found


def precheck(scenario: Scenario) -> tuple[Finding, ...]:
    """Rules that cannot be met, found by counting before any solving.

    Examples
    --------
    >>> from cocreate_match import Citizen, CompetenceProfile, Mandate, Scenario
    >>> s = Scenario(mandates=[Mandate(id="sport", citizen_seats=2, politician_seats=0,
    ...     profiles=[CompetenceProfile(name="young", any_of=["student"], min=1)])],
    ...     citizens=[Citizen(id="a", applied_to=["sport"]), Citizen(id="b", applied_to=["sport"])])
    >>> [(f.rule, f.required, f.available) for f in precheck(s)]
    [('sport/profile/young', 1, 0)]
    """
    found: list[Finding] = []
    parties = {p.party for p in scenario.politicians}
    for m in scenario.mandates:
        pool = _can_sit(scenario, m)
        if len(pool) < m.citizen_seats:
            found.append(Finding(
                rule=f"{m.id}/seats/citizens", required=m.citizen_seats, available=len(pool),
                message=f"{m.id}: {m.citizen_seats} citizen seats, but only {len(pool)} "
                        "applicants can sit there",
                suggestion=f"lower citizen_seats to {len(pool)}, or invite more applicants "
                           f"for {m.id} (or open to any committee)"))
        seats = min(m.citizen_seats, len(pool))
        for p in m.profiles:
            fits = sum(1 for c in pool if c.tags & p.any_of)
            found += _limit_findings(f"{m.id}/profile/{p.name}",
                                     f"profile {p.name!r} ({', '.join(sorted(p.any_of))})",
                                     m.id, fits, len(pool) - fits, seats, p.min, p.max,
                                     "the profile's")
        for q in m.quotas:
            fits = sum(1 for c in pool if q.matches(c))
            found += _limit_findings(f"{m.id}/quota/{q.name}", q.name, m.id, fits,
                                     len(pool) - fits, seats, q.min, q.max, "the quota's")
        if m.politician_seats > len(scenario.politicians):
            found.append(Finding(
                rule=f"{m.id}/seats/politicians", required=m.politician_seats,
                available=len(scenario.politicians),
                message=f"{m.id}: {m.politician_seats} politician seats, but the council has "
                        f"{len(scenario.politicians)} politicians",
                suggestion=f"lower politician_seats to {len(scenario.politicians)}"))
        council = scenario.council
        if m.politician_seats > 0 and council.min_parties > min(len(parties), m.politician_seats):
            have = min(len(parties), m.politician_seats)
            limit = (f"the council has {len(parties)} parties" if len(parties) < m.politician_seats
                     else f"there are {m.politician_seats} politician seats")
            found.append(Finding(
                rule=f"{m.id}/council/min_parties", required=council.min_parties, available=have,
                message=f"{m.id}: at least {council.min_parties} parties must sit, but {limit}",
                suggestion=f"lower min_parties to {have}"))
        if council.max_per_party is not None and m.politician_seats > 0:
            room = sum(min(council.max_per_party, sum(1 for p in scenario.politicians
                                                      if p.party == party))
                       for party in parties)
            if room < m.politician_seats:
                found.append(Finding(
                    rule=f"{m.id}/council/max_per_party", required=m.politician_seats,
                    available=room,
                    message=f"{m.id}: {m.politician_seats} politician seats, but with at most "
                            f"{council.max_per_party} per party only {room} can be filled",
                    suggestion=f"raise max_per_party, or lower politician_seats to {room}"))
    everyone = [c for c in scenario.citizens
                if any(c.can_sit_on(m.id) and m.citizen_seats > 0 for m in scenario.mandates)]
    total = sum(m.citizen_seats for m in scenario.mandates)
    seats = min(total, len(everyone))
    for q in scenario.quotas:
        fits = sum(1 for c in everyone if q.matches(c))
        found += _limit_findings(f"quota/{q.name}", q.name, "all committees", fits,
                                 len(everyone) - fits, seats, q.min, q.max, "the global quota's")
    politician_seats = sum(m.politician_seats for m in scenario.mandates)
    n_committees = len(scenario.mandates)
    capacity = sum(n_committees if p.max_committees is None else min(p.max_committees,
                                                                      n_committees)
                   for p in scenario.politicians)
    if capacity < politician_seats:
        found.append(Finding(
            rule="politician/*/committees", required=politician_seats, available=capacity,
            message=f"{politician_seats} politician seats in all, but the politicians' "
                    f"max_committees add up to {capacity}",
            suggestion="raise some politicians' max_committees, or lower politician_seats"))
    floor = sum(p.min_committees for p in scenario.politicians)
    if floor > politician_seats:
        found.append(Finding(
            rule="politician/*/committees", required=floor, available=politician_seats,
            message=f"the politicians' min_committees add up to {floor}, but there are only "
                    f"{politician_seats} politician seats",
            suggestion="lower some politicians' min_committees"))
    for pol in scenario.politicians:
        if pol.min_committees > n_committees:
            found.append(Finding(
                rule=f"politician/{pol.id}/committees", required=pol.min_committees,
                available=n_committees,
                message=f"{pol.id} must sit on {pol.min_committees} committees, but there are "
                        f"{n_committees}",
                suggestion=f"lower {pol.id}'s min_committees to {n_committees}"))
    return tuple(found)
