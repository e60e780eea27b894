"""Checks before solving: supply against demand for each rule, in plain words.

Each check compares what a rule requires with what the applicants could possibly supply,
ignoring every other rule. A finding is therefore a proof that the rule cannot be met (the
scenario is infeasible), with the numbers that show it and a change that would remove it.
No finding does not mean the rules can all be met together: only the solver can tell.

Every finding names a rule of :meth:`Scenario.rules <cocreate_match.Scenario.rules>` and reads
its limits and whom it counts from that :class:`~cocreate_match.rules.Rule`, except one
aggregate: ``politician/*/committees`` (:data:`EVERY_BUDGET`) stands for the time budgets of
all politicians together, when their sum cannot match the politician seats.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import Rule, RuleKind
from .scenario import Scenario

__all__ = ["Finding", "precheck"]

# Not a rule of its own: the name of a finding about every politician's time budget at once.
# No id may be "*", so it never names one politician's rule.
EVERY_BUDGET = "politician/*/committees"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A rule that cannot be met whatever else the plan does.

    Attributes
    ----------
    rule : str
        The rule's name, as :func:`~cocreate_match.check_plan` uses it (a key of
        :meth:`Scenario.rules <cocreate_match.Scenario.rules>`), or :data:`EVERY_BUDGET`.
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


def _limit_findings(rule: Rule, what: str, where: str, fits: int, others: int, seats: int,
                    knob: str) -> list[Finding]:
    """A count rule on ``seats`` seats with ``fits`` candidates who count and ``others`` who
    do not: at most ``min(fits, seats)`` can count, at least ``seats - others`` must."""
    found = []
    low, high = rule.low, rule.high
    if fits < low:
        found.append(Finding(
            rule=rule.name, required=low, available=fits,
            message=f"{where}: {low} seated citizen{'s' if low != 1 else ''} must be {what}, "
                    f"but only {fits} "
                    f"applicant{'s' if fits != 1 else ''} who can sit there "
                    f"{'are' if fits != 1 else 'is'}",
            suggestion=f"lower {knob} min to {fits}, or find more applicants who are {what}"))
    if high is not None and seats - others > high:
        must = seats - others
        found.append(Finding(
            rule=rule.name, required=must, available=high,
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
    grouped = _rules_by_committee(scenario)
    for m in scenario.mandates:
        rules = grouped[m.id]
        pool = [c for c in scenario.citizens if c.can_sit_on(m.id)]
        [seats_rule] = rules[RuleKind.CITIZEN_SEATS]
        wanted = seats_rule.low
        if len(pool) < wanted:
            found.append(Finding(
                rule=seats_rule.name, required=wanted, available=len(pool),
                message=f"{m.id}: {wanted} citizen seats, but only {len(pool)} "
                        "applicants can sit there",
                suggestion=f"lower citizen_seats to {len(pool)}, or invite more applicants "
                           f"for {m.id} (or open to any committee)"))
        seats = min(wanted, len(pool))
        for rule in rules[RuleKind.PROFILE]:
            fits = sum(map(rule.counts, pool))
            found += _limit_findings(rule, f"profile {rule.key!r} "
                                           f"({', '.join(sorted(rule.any_of or ()))})",
                                     m.id, fits, len(pool) - fits, seats, "the profile's")
        for rule in rules[RuleKind.QUOTA]:
            fits = sum(map(rule.counts, pool))
            found += _limit_findings(rule, str(rule.key), m.id, fits, len(pool) - fits, seats,
                                     "the quota's")
        [seats_rule] = rules[RuleKind.POLITICIAN_SEATS]
        wanted = seats_rule.low
        council = sum(map(seats_rule.counts, scenario.politicians))
        if wanted > council:
            found.append(Finding(
                rule=seats_rule.name, required=wanted, available=council,
                message=f"{m.id}: {wanted} politician seats, but the council has "
                        f"{council} politicians",
                suggestion=f"lower politician_seats to {council}"))
        [min_parties] = rules[RuleKind.MIN_PARTIES]
        if wanted > 0 and min_parties.low > min(len(parties), wanted):
            have = min(len(parties), wanted)
            limit = (f"the council has {len(parties)} parties" if len(parties) < wanted
                     else f"there are {wanted} politician seats")
            found.append(Finding(
                rule=min_parties.name, required=min_parties.low, available=have,
                message=f"{m.id}: at least {min_parties.low} parties must sit, but {limit}",
                suggestion=f"lower min_parties to {have}"))
        [per_party] = rules[RuleKind.MAX_PER_PARTY]
        cap = per_party.high
        if cap is not None and wanted > 0:
            room = sum(min(cap, sum(1 for p in scenario.politicians if p.party == party))
                       for party in parties)
            if room < wanted:
                found.append(Finding(
                    rule=per_party.name, required=wanted, available=room,
                    message=f"{m.id}: {wanted} politician seats, but with at most "
                            f"{cap} per party only {room} can be filled",
                    suggestion=f"raise max_per_party, or lower politician_seats to {room}"))
    citizen_seats = {cid: rules[RuleKind.CITIZEN_SEATS][0].low for cid, rules in grouped.items()
                     if cid is not None}
    everyone = [c for c in scenario.citizens
                if any(c.can_sit_on(cid) and n > 0 for cid, n in citizen_seats.items())]
    seats = min(sum(citizen_seats.values()), len(everyone))
    for rule in grouped[None][RuleKind.GLOBAL_QUOTA]:
        fits = sum(map(rule.counts, everyone))
        found += _limit_findings(rule, str(rule.key), "all committees", fits,
                                 len(everyone) - fits, seats, "the global quota's")
    politician_seats = sum(rules[RuleKind.POLITICIAN_SEATS][0].low
                           for cid, rules in grouped.items() if cid is not None)
    n_committees = len(scenario.mandates)
    budgets = grouped[None][RuleKind.POLITICIAN]
    capacity = sum(n_committees if rule.high is None else min(rule.high, n_committees)
                   for rule in budgets)
    if capacity < politician_seats:
        found.append(Finding(
            rule=EVERY_BUDGET, required=politician_seats, available=capacity,
            message=f"{politician_seats} politician seats in all, but the politicians' "
                    f"max_committees add up to {capacity}",
            suggestion="raise some politicians' max_committees, or lower politician_seats"))
    floor = sum(rule.low for rule in budgets)
    if floor > politician_seats:
        found.append(Finding(
            rule=EVERY_BUDGET, required=floor, available=politician_seats,
            message=f"the politicians' min_committees add up to {floor}, but there are only "
                    f"{politician_seats} politician seats",
            suggestion="lower some politicians' min_committees"))
    for rule in budgets:
        if rule.low > n_committees:
            found.append(Finding(
                rule=rule.name, required=rule.low, available=n_committees,
                message=f"{rule.key} must sit on {rule.low} committees, but there are "
                        f"{n_committees}",
                suggestion=f"lower {rule.key}'s min_committees to {n_committees}"))
    return tuple(found)


def _rules_by_committee(scenario: Scenario) -> dict[str | None, dict[RuleKind, list[Rule]]]:
    """The scenario's rules by committee (None: rules of no committee) and kind, each list in
    the scenario's order, so that findings come out committee by committee."""
    grouped: dict[str | None, dict[RuleKind, list[Rule]]] = {
        cid: {kind: [] for kind in RuleKind} for cid in (*scenario.committee_ids, None)}
    for rule in scenario.rules().values():
        grouped[rule.committee][rule.kind].append(rule)
    return grouped
