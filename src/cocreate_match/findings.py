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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .messages import Coded, text
from .rules import Rule, RuleKind
from .scenario import Scenario

__all__ = ["Finding", "precheck"]

# Not a rule of its own: the name of a finding about every politician's time budget at once.
# No id may be "*", so it never names one politician's rule.
EVERY_BUDGET = "politician/*/committees"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding(Coded):
    """A rule that cannot be met whatever else the plan does.

    Attributes
    ----------
    rule : str
        The rule's name, as :func:`~cocreate_match.check_plan` uses it (a key of
        :meth:`Scenario.rules <cocreate_match.Scenario.rules>`), or :data:`EVERY_BUDGET`.
    code : str
        The finding's stable code, such as ``"CM-F001"`` (see :mod:`cocreate_match.messages`).
    params : mapping
        The fields its texts are filled in with: ids, names and numbers.
    required : int
        What the rule asks for.
    available : int
        What the applicants can supply at best.

    Examples
    --------
    >>> f = Finding(rule="sport/seats/citizens", code="CM-F001", required=3, available=2,
    ...             params={"committee": "sport", "wanted": 3, "applicants": 2})
    >>> f.message
    'sport: 3 citizen seats, but only 2 applicants can sit there'
    >>> f.text("da")
    'sport: 3 borgerpladser, men kun 2 ansøgere kan sidde der'
    """

    rule: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    required: int
    available: int

    @property
    def suggestion(self) -> str:
        """A change that removes the problem, in the current language."""
        return text(self.code + "/suggestion", **self.params)

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON, its texts in the current language."""
        return {"rule": self.rule, "code": self.code, "message": self.message,
                "suggestion": self.suggestion, "required": self.required,
                "available": self.available}


# The codes of a count rule's findings by kind and by side: too few who count, too many.
_LIMIT_CODES = {RuleKind.PROFILE: ("CM-F002", "CM-F003"),
                RuleKind.QUOTA: ("CM-F004", "CM-F005"),
                RuleKind.GLOBAL_QUOTA: ("CM-F006", "CM-F007")}


def _limit_findings(rule: Rule, committee: str | None, fits: int, others: int,
                    seats: int) -> list[Finding]:
    """A count rule on ``seats`` seats with ``fits`` candidates who count and ``others`` who
    do not: at most ``min(fits, seats)`` can count, at least ``seats - others`` must."""
    found = []
    low, high = rule.low, rule.high
    too_few, too_many = _LIMIT_CODES[rule.kind]
    what: dict[str, Any] = {"committee": committee, "quota": str(rule.key)}
    if rule.kind is RuleKind.PROFILE:
        what = {"committee": committee, "profile": rule.key,
                "tags": ", ".join(sorted(rule.any_of or ()))}
    if fits < low:
        found.append(Finding(rule=rule.name, required=low, available=fits, code=too_few,
                             params={**what, "low": low, "fits": fits}))
    if high is not None and seats - others > high:
        must = seats - others
        found.append(Finding(rule=rule.name, required=must, available=high, code=too_many,
                             params={**what, "high": high, "others": others, "must": must,
                                     "seats": seats}))
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
                rule=seats_rule.name, required=wanted, available=len(pool), code="CM-F001",
                params={"committee": m.id, "wanted": wanted, "applicants": len(pool)}))
        seats = min(wanted, len(pool))
        for rule in (*rules[RuleKind.PROFILE], *rules[RuleKind.QUOTA]):
            fits = sum(map(rule.counts, pool))
            found += _limit_findings(rule, m.id, fits, len(pool) - fits, seats)
        [seats_rule] = rules[RuleKind.POLITICIAN_SEATS]
        wanted = seats_rule.low
        council = sum(map(seats_rule.counts, scenario.politicians))
        if wanted > council:
            found.append(Finding(
                rule=seats_rule.name, required=wanted, available=council, code="CM-F008",
                params={"committee": m.id, "wanted": wanted, "council": council}))
        [min_parties] = rules[RuleKind.MIN_PARTIES]
        if wanted > 0 and min_parties.low > min(len(parties), wanted):
            have = min(len(parties), wanted)
            # Too few parties in the council (F009), or too few seats to hold them (F010).
            found.append(Finding(
                rule=min_parties.name, required=min_parties.low, available=have,
                code="CM-F009" if len(parties) < wanted else "CM-F010",
                params={"committee": m.id, "low": min_parties.low, "parties": len(parties),
                        "seats": wanted, "have": have}))
        [per_party] = rules[RuleKind.MAX_PER_PARTY]
        cap = per_party.high
        if cap is not None and wanted > 0:
            room = sum(min(cap, sum(1 for p in scenario.politicians if p.party == party))
                       for party in parties)
            if room < wanted:
                found.append(Finding(
                    rule=per_party.name, required=wanted, available=room, code="CM-F011",
                    params={"committee": m.id, "wanted": wanted, "cap": cap, "room": room}))
    citizen_seats = {cid: rules[RuleKind.CITIZEN_SEATS][0].low for cid, rules in grouped.items()
                     if cid is not None}
    everyone = [c for c in scenario.citizens
                if any(c.can_sit_on(cid) and n > 0 for cid, n in citizen_seats.items())]
    seats = min(sum(citizen_seats.values()), len(everyone))
    for rule in grouped[None][RuleKind.GLOBAL_QUOTA]:
        fits = sum(map(rule.counts, everyone))
        found += _limit_findings(rule, None, fits, len(everyone) - fits, seats)
    politician_seats = sum(rules[RuleKind.POLITICIAN_SEATS][0].low
                           for cid, rules in grouped.items() if cid is not None)
    n_committees = len(scenario.mandates)
    budgets = grouped[None][RuleKind.POLITICIAN]
    capacity = sum(n_committees if rule.high is None else min(rule.high, n_committees)
                   for rule in budgets)
    if capacity < politician_seats:
        found.append(Finding(
            rule=EVERY_BUDGET, required=politician_seats, available=capacity, code="CM-F012",
            params={"seats": politician_seats, "capacity": capacity}))
    floor = sum(rule.low for rule in budgets)
    if floor > politician_seats:
        found.append(Finding(
            rule=EVERY_BUDGET, required=floor, available=politician_seats, code="CM-F013",
            params={"floor": floor, "seats": politician_seats}))
    for rule in budgets:
        if rule.low > n_committees:
            found.append(Finding(
                rule=rule.name, required=rule.low, available=n_committees, code="CM-F014",
                params={"politician": rule.key, "low": rule.low,
                        "committees": n_committees}))
    return tuple(found)


def _rules_by_committee(scenario: Scenario) -> dict[str | None, dict[RuleKind, list[Rule]]]:
    """The scenario's rules by committee (None: rules of no committee) and kind, each list in
    the scenario's order, so that findings come out committee by committee."""
    grouped: dict[str | None, dict[RuleKind, list[Rule]]] = {
        cid: {kind: [] for kind in RuleKind} for cid in (*scenario.committee_ids, None)}
    for rule in scenario.rules().values():
        grouped[rule.committee][rule.kind].append(rule)
    return grouped
