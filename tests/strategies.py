"""Hypothesis strategies that build whole scenarios, for the solver's property tests.

- :func:`planted_scenarios` / :func:`feasible_scenarios`: a plan is planted first and every
  rule is then derived around it, so the scenario is feasible by construction.
- :func:`infeasible_scenarios`: a feasible scenario with one planted conflict that no plan can
  meet, returned with the name of the conflict.
- :func:`tiny_scenarios`: small scenarios with rules drawn at random (feasible or not), small
  enough to enumerate every plan by hand.
- :func:`shuffled` and :func:`relaxations`: the same scenario in another order, and the same
  scenario with one rule loosened.

Sizes are drawn first and everything else is drawn from ``st.integers`` and
``st.sampled_from`` with the loosest choice first, so that failures shrink towards few
committees, few people and few rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    Mandate,
    Plan,
    Politician,
    Quota,
    Role,
    Scenario,
    Seat,
)

TAGS = ("t0", "t1", "t2")
PARTIES = ("A", "B", "C")
HOUSEHOLDS = ("h0", "h1", "h2")
GENDERS = ("f", "m")  # attribute "g": every citizen has it
DISTRICTS = ("n", "s")  # attribute "d": some citizens have it
QUOTA_KEYS = (("g", "f"), ("g", "m"), ("d", "n"), ("d", "s"))
Rule = TypeVar("Rule", CompetenceProfile, Quota)

INFEASIBLE_KINDS = (
    "profile_min",
    "quota_over_seats",
    "global_quota_over_seats",
    "too_few_applicants",
    "competing_committees",
    "household",
    "politician_capacity",
    "min_parties",
    "max_per_party",
)


@dataclass(frozen=True)
class Planted:
    """A scenario and a plan that meets every one of its rules."""

    scenario: Scenario
    plan: Plan


def _bracket(draw: st.DrawFn, count: int, slack: int = 2) -> tuple[int, int | None]:
    """A (min, max) pair with ``min <= count <= max``; shrinks to (0, None)."""
    low = draw(st.integers(0, count))
    high = draw(st.none() | st.integers(count, count + slack))
    return low, high


def _list_with(draw: st.DrawFn, ids: list[str], must: str) -> list[str]:
    """A preference list over ``ids`` that contains ``must`` somewhere."""
    others = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    others = [cid for cid in others if cid != must]
    at = draw(st.integers(0, len(others)))
    return [*others[:at], must, *others[at:]]


def _citizen(draw: st.DrawFn, ids: list[str], seat: str | None, household: str | None,
             index: int) -> Citizen:
    """A citizen allowed to sit on ``seat`` (when not None), with random tags and attributes."""
    mode = draw(st.sampled_from(("listed", "open", "listed_open")))
    if seat is not None and mode != "open":
        applied = _list_with(draw, ids, seat)
        if mode == "listed_open" and draw(st.booleans()):
            applied.remove(seat)  # a trailing '*' lets the citizen sit there unlisted
    elif mode == "open":
        applied = []
    else:
        applied = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    attributes = {"g": draw(st.sampled_from(GENDERS))}
    district = draw(st.none() | st.sampled_from(DISTRICTS))
    if district is not None:
        attributes["d"] = district
    return Citizen(
        id=f"c{index}",
        applied_to=applied,
        open_to_any=mode != "listed" or not applied,
        tags=draw(st.frozensets(st.sampled_from(TAGS))),
        household=household,
        attributes=attributes,
    )


def _party_lines(draw: st.DrawFn, ids: list[str]) -> dict[str, list[str]]:
    """Per party, a shared list of committees, so that party rules have something to bind."""
    return {party: draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
            for party in PARTIES}


def _preferences(draw: st.DrawFn, ids: list[str], party_line: list[str]) -> list[str]:
    """A politician's own list, or the party's."""
    if draw(st.booleans()):
        return party_line
    return draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))


def _quota_keys(draw: st.DrawFn, known: set[str]) -> list[tuple[str, str]]:
    keys = draw(st.lists(st.sampled_from(QUOTA_KEYS), unique=True, max_size=2))
    return [(a, v) for a, v in keys if a in known]


@st.composite
def planted_scenarios(
    draw: st.DrawFn,
    *,
    max_committees: int = 4,
    max_citizen_seats: int = 4,
    max_politician_seats: int = 3,
    min_citizens: int = 2,
    max_citizens: int = 25,
    max_politicians: int = 8,
) -> Planted:
    """A scenario built around a planted plan that meets every rule, and that plan."""
    n_committees = draw(st.integers(1, max_committees))
    ids = [f"k{k}" for k in range(n_committees)]
    citizen_seats = draw(st.lists(st.integers(0, max_citizen_seats),
                                  min_size=n_committees, max_size=n_committees))
    politician_seats = draw(st.lists(st.integers(0, max_politician_seats),
                                     min_size=n_committees, max_size=n_committees))
    seated = sum(citizen_seats)
    n_citizens = draw(st.integers(max(min_citizens, seated), max(max_citizens, seated)))
    n_politicians = draw(st.integers(max(politician_seats), max(max_politicians,
                                                                 max(politician_seats))))

    # The planted citizens: the first `seated` citizens, committee by committee.
    seat_of: list[str | None] = [cid for cid, n in zip(ids, citizen_seats, strict=True)
                                 for _ in range(n)]
    seat_of += [None] * (n_citizens - seated)
    used_households: set[str] = set()
    citizens = []
    for i, seat in enumerate(seat_of):
        household = draw(st.none() | st.sampled_from(HOUSEHOLDS))
        if seat is not None and household is not None:
            if household in used_households:
                household = None  # one seated citizen per household in the planted plan
            else:
                used_households.add(household)
        citizens.append(_citizen(draw, ids, seat, household, i))
    on: dict[str, list[Citizen]] = {cid: [] for cid in ids}
    for citizen, seat in zip(citizens, seat_of, strict=True):
        if seat is not None:
            on[seat].append(citizen)
    known = {a for c in citizens for a in c.attributes}

    # The planted politicians: a set of the right size per committee.
    members: dict[str, list[int]] = {}
    for cid, n in zip(ids, politician_seats, strict=True):
        members[cid] = draw(st.lists(st.integers(0, n_politicians - 1), unique=True,
                                     min_size=n, max_size=n)) if n else []
    load = Counter(j for chosen in members.values() for j in chosen)
    lines = _party_lines(draw, ids)
    politicians = []
    for j in range(n_politicians):
        low, high = _bracket(draw, load[j])
        party = draw(st.sampled_from(PARTIES))
        politicians.append(Politician(id=f"p{j}", party=party,
                                      preferences=_preferences(draw, ids, lines[party]),
                                      min_committees=low, max_committees=high))
    party_counts = [Counter(politicians[j].party for j in members[cid])
                    for cid in ids if members[cid]]
    most = max((max(c.values()) for c in party_counts), default=0)
    fewest = min((len(c) for c in party_counts), default=len(PARTIES))
    council = CouncilRules(max_per_party=draw(st.none() | st.integers(most, most + 1)),
                           min_parties=draw(st.integers(0, fewest)))

    mandates = []
    for cid, n_citizen, n_politician in zip(ids, citizen_seats, politician_seats, strict=True):
        profiles = []
        for p in range(draw(st.integers(0, 2))):
            any_of = draw(st.frozensets(st.sampled_from(TAGS), min_size=1))
            low, high = _bracket(draw, sum(1 for c in on[cid] if c.tags & any_of))
            profiles.append(CompetenceProfile(name=f"p{p}", any_of=any_of, min=low, max=high))
        quotas = []
        for attribute, value in _quota_keys(draw, known):
            low, high = _bracket(draw, sum(1 for c in on[cid]
                                           if c.attributes.get(attribute) == value))
            quotas.append(Quota(attribute=attribute, value=value, min=low, max=high))
        mandates.append(Mandate(id=cid, citizen_seats=n_citizen, politician_seats=n_politician,
                                profiles=profiles, quotas=quotas))
    everyone = [c for cid in ids for c in on[cid]]
    global_quotas = []
    for attribute, value in _quota_keys(draw, known):
        low, high = _bracket(draw, sum(1 for c in everyone
                                       if c.attributes.get(attribute) == value), slack=3)
        global_quotas.append(Quota(attribute=attribute, value=value, min=low, max=high))

    scenario = Scenario(mandates=mandates, citizens=citizens, politicians=politicians,
                        council=council, quotas=global_quotas)
    seats = []
    for cid in ids:
        seats += [Seat(committee_id=cid, person_id=c.id, role=Role.CITIZEN) for c in on[cid]]
        seats += [Seat(committee_id=cid, person_id=f"p{j}", role=Role.POLITICIAN)
                  for j in members[cid]]
    plan = Plan(
        seats=seats,
        unseated_citizens=[c.id for c, seat in zip(citizens, seat_of, strict=True)
                           if seat is None],
        unseated_politicians=[f"p{j}" for j in range(n_politicians) if not load[j]],
    )
    return Planted(scenario=scenario, plan=plan)


def feasible_scenarios(**sizes: int) -> st.SearchStrategy[Scenario]:
    """Scenarios that are feasible by construction (see :func:`planted_scenarios`)."""
    return planted_scenarios(**sizes).map(lambda planted: planted.scenario)


# -- infeasible by construction ------------------------------------------------------------


def _with_mandate(scenario: Scenario, k: int, **changes: Any) -> Scenario:
    mandates = list(scenario.mandates)
    mandates[k] = replace(mandates[k], **changes)
    return replace(scenario, mandates=tuple(mandates))


def _closed(citizens: tuple[Citizen, ...], ids: tuple[str, ...]) -> list[Citizen]:
    """The citizens without '*': each may sit only where listed (all old committees if none)."""
    return [replace(c, open_to_any=False, applied_to=c.applied_to or ids) for c in citizens]


def _with_politician_seats(draw: st.DrawFn, scenario: Scenario) -> Scenario:
    """Make sure some committee seats a politician and some politician exists."""
    if not scenario.politicians:
        scenario = replace(scenario, politicians=(Politician(id="q0", party="A"),))
    if not any(m.politician_seats for m in scenario.mandates):
        k = draw(st.integers(0, len(scenario.mandates) - 1))
        scenario = _with_mandate(scenario, k, politician_seats=1)
    return scenario


def _conflict(draw: st.DrawFn, s: Scenario, kind: str) -> Scenario:
    k = draw(st.integers(0, len(s.mandates) - 1))
    m = s.mandates[k]
    if kind == "profile_min":
        # More citizens with the tag are required than applied to the committee at all.
        tag = draw(st.sampled_from(TAGS))
        fitting = sum(1 for c in s.citizens if c.can_sit_on(m.id) and tag in c.tags)
        extra = draw(st.integers(1, 2))
        profile = CompetenceProfile(name="conflict", any_of=[tag], min=fitting + extra)
        return _with_mandate(s, k, profiles=[*m.profiles, profile])
    if kind == "quota_over_seats":
        attribute, value = draw(st.sampled_from(QUOTA_KEYS[:2]))
        quota = Quota(attribute=attribute, value=value, min=m.citizen_seats + 1)
        kept = [q for q in m.quotas if q.name != quota.name]
        return _with_mandate(s, k, quotas=[*kept, quota])
    if kind == "global_quota_over_seats":
        attribute, value = draw(st.sampled_from(QUOTA_KEYS[:2]))
        total = sum(x.citizen_seats for x in s.mandates)
        quota = Quota(attribute=attribute, value=value, min=total + draw(st.integers(1, 2)))
        kept = [q for q in s.quotas if q.name != quota.name]
        return replace(s, quotas=(*kept, quota))
    if kind == "too_few_applicants":
        applicants = sum(1 for c in s.citizens if c.can_sit_on(m.id))
        return _with_mandate(s, k, citizen_seats=applicants + draw(st.integers(1, 2)))
    if kind == "competing_committees":
        # The only applicants to x1 and x2 apply to both; each committee alone could be
        # filled, but the two together need one more citizen than there are.
        n = draw(st.integers(1, 3))
        first = draw(st.integers(1, n))
        new = [Citizen(id=f"n{i}", applied_to=draw(st.permutations(["x1", "x2"])),
                       attributes={"g": draw(st.sampled_from(GENDERS))}) for i in range(n)]
        mandates = (*s.mandates, Mandate(id="x1", citizen_seats=first, politician_seats=0),
                    Mandate(id="x2", citizen_seats=n + 1 - first, politician_seats=0))
        return replace(s, mandates=mandates,
                       citizens=(*_closed(s.citizens, s.committee_ids), *new))
    if kind == "household":
        # xh has enough applicants but they live in fewer households than it has seats.
        seats = draw(st.integers(2, 3))
        n = draw(st.integers(seats, seats + 2))
        new = [Citizen(id=f"n{i}", applied_to=["xh"], household=f"hx{i % (seats - 1)}",
                       attributes={"g": draw(st.sampled_from(GENDERS))}) for i in range(n)]
        mandates = (*s.mandates, Mandate(id="xh", citizen_seats=seats, politician_seats=0))
        return replace(s, mandates=mandates,
                       citizens=(*_closed(s.citizens, s.committee_ids), *new))
    if kind == "politician_capacity":
        s = _with_politician_seats(draw, s)
        total = sum(x.politician_seats for x in s.mandates)
        caps = draw(st.lists(st.integers(0, len(s.mandates)), min_size=len(s.politicians),
                             max_size=len(s.politicians)))
        while sum(caps) >= total:
            caps[caps.index(max(caps))] -= 1
        politicians = [replace(p, min_committees=min(p.min_committees, cap), max_committees=cap)
                       for p, cap in zip(s.politicians, caps, strict=True)]
        return replace(s, politicians=tuple(politicians))
    if kind == "min_parties":
        s = _with_politician_seats(draw, s)
        n_parties = len({p.party for p in s.politicians})
        return replace(s, council=replace(s.council,
                                          min_parties=n_parties + draw(st.integers(1, 2))))
    if kind == "max_per_party":
        # With P parties and at most `cap` of each, a committee of P * cap + 1 cannot be filled;
        # extra politicians of an existing party make sure it is the party rule that fails.
        s = _with_politician_seats(draw, s)
        parties = {p.party for p in s.politicians}
        cap = draw(st.integers(0, 2))
        seats = len(parties) * cap + 1
        party = s.politicians[0].party
        added = [Politician(id=f"q{j}", party=party)
                 for j in range(1, seats - len(s.politicians) + 1)]
        s = replace(s, politicians=(*s.politicians, *added),
                    council=replace(s.council, max_per_party=cap))
        return _with_mandate(s, k, politician_seats=seats)
    raise ValueError(f"unknown kind {kind!r}")


@st.composite
def infeasible_scenarios(draw: st.DrawFn,
                         kinds: tuple[str, ...] = INFEASIBLE_KINDS) -> tuple[Scenario, str]:
    """A feasible scenario with one planted conflict that no plan can meet, and its kind."""
    kind = draw(st.sampled_from(kinds))
    base = draw(feasible_scenarios())
    return _conflict(draw, base, kind), kind


# -- tiny scenarios with random rules ------------------------------------------------------


@st.composite
def tiny_scenarios(draw: st.DrawFn) -> Scenario:
    """At most 2 committees, 6 citizens and 3 politicians, with rules drawn at random.

    Nothing is planted, so about half of these cannot be met; a brute-force search can still
    try every plan of them.
    """
    n_committees = draw(st.integers(1, 2))
    ids = [f"k{k}" for k in range(n_committees)]
    citizen_seats = draw(st.lists(st.integers(0, 3), min_size=n_committees,
                                  max_size=n_committees))
    politician_seats = draw(st.lists(st.integers(0, 2), min_size=n_committees,
                                     max_size=n_committees))
    citizens = []
    for i in range(draw(st.integers(0, 6))):
        applied = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n_committees))
        attributes = {"g": draw(st.sampled_from(GENDERS))}
        if draw(st.booleans()):
            attributes["d"] = draw(st.sampled_from(DISTRICTS))
        citizens.append(Citizen(
            id=f"c{i}", applied_to=applied, open_to_any=not applied or draw(st.booleans()),
            tags=draw(st.frozensets(st.sampled_from(TAGS[:2]))),
            household=draw(st.none() | st.sampled_from(HOUSEHOLDS[:2])),
            attributes=attributes,
        ))
    known = {a for c in citizens for a in c.attributes}

    def bounds() -> tuple[int, int | None]:
        low = draw(st.integers(0, 2))
        return low, draw(st.none() | st.integers(low, 3))

    mandates = []
    for cid, n_citizen, n_politician in zip(ids, citizen_seats, politician_seats, strict=True):
        profiles = []
        if draw(st.booleans()):
            low, high = bounds()
            profiles.append(CompetenceProfile(
                name="p0", any_of=draw(st.frozensets(st.sampled_from(TAGS[:2]), min_size=1)),
                min=low, max=high))
        quotas = []
        for attribute, value in _quota_keys(draw, known)[:1]:
            low, high = bounds()
            quotas.append(Quota(attribute=attribute, value=value, min=low, max=high))
        mandates.append(Mandate(id=cid, citizen_seats=n_citizen, politician_seats=n_politician,
                                profiles=profiles, quotas=quotas))
    global_quotas = []
    for attribute, value in _quota_keys(draw, known)[:1]:
        low, high = bounds()
        global_quotas.append(Quota(attribute=attribute, value=value, min=low, max=high))
    lines = _party_lines(draw, ids)
    politicians = []
    for j in range(draw(st.integers(max(politician_seats), 3))):
        low = draw(st.integers(0, 1))
        party = draw(st.sampled_from(PARTIES[:2]))
        politicians.append(Politician(
            id=f"p{j}", party=party, preferences=_preferences(draw, ids, lines[party]),
            min_committees=low, max_committees=draw(st.none() | st.integers(low, 2)),
        ))
    council = CouncilRules(max_per_party=draw(st.none() | st.integers(1, 2)),
                           min_parties=draw(st.integers(0, 2)))
    return Scenario(mandates=mandates, citizens=citizens, politicians=politicians,
                    council=council, quotas=global_quotas)


@st.composite
def tiny_council_scenarios(draw: st.DrawFn) -> Scenario:
    """Politicians only: 1-2 committees, 2-3 politicians in two parties, and party rules.

    Built for the party rules to bind, so the tight choices come first (and failures shrink
    towards them): two-seat committees, a majority party that wants what the other does not,
    and ``max_per_party=1``.
    """
    n_committees = draw(st.integers(1, 2))
    ids = [f"k{k}" for k in range(n_committees)]
    mandates = [Mandate(id=cid, citizen_seats=0, politician_seats=draw(st.sampled_from((2, 1))))
                for cid in ids]
    # The majority party wants what the other party does not, so mixing parties costs.
    wanted = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids)))
    lines = {"A": wanted, "B": draw(st.sampled_from(([], wanted[::-1])))}
    parties = draw(st.sampled_from((("A", "A", "B"), ("A", "B"), ("A", "A"), ("A", "B", "B"))))
    politicians = []
    for j, party in enumerate(parties):
        low = draw(st.integers(0, 1))
        politicians.append(Politician(
            id=f"p{j}", party=party, preferences=lines[party],
            min_committees=low, max_committees=draw(st.none() | st.integers(low, 2)),
        ))
    council = CouncilRules(max_per_party=draw(st.sampled_from((1, None, 2))),
                           min_parties=draw(st.integers(0, 2)))
    return Scenario(mandates=mandates, politicians=politicians, council=council)


# -- transformations of a scenario ---------------------------------------------------------


@st.composite
def shuffled(draw: st.DrawFn, s: Scenario) -> Scenario:
    """The same scenario with mandates, people, profiles and quotas listed in another order.

    Only the order of the tuples changes; no citizen's or politician's own list is touched.
    """
    mandates = tuple(replace(m, profiles=tuple(draw(st.permutations(m.profiles))),
                             quotas=tuple(draw(st.permutations(m.quotas))))
                     for m in draw(st.permutations(s.mandates)))
    return replace(s, mandates=mandates, citizens=tuple(draw(st.permutations(s.citizens))),
                   politicians=tuple(draw(st.permutations(s.politicians))),
                   quotas=tuple(draw(st.permutations(s.quotas))))


def _loosen(draw: st.DrawFn, rule: Rule) -> Rule:
    """The rule with a lower min or a higher (or no) max; the same rule when already loosest."""
    options = []
    if rule.min > 0:
        options.append("min")
    if rule.max is not None:
        options.append("max")
    if not options:
        return rule
    if draw(st.sampled_from(options)) == "min":
        return replace(rule, min=draw(st.integers(0, rule.min - 1)))
    assert rule.max is not None
    return replace(rule, max=draw(st.none() | st.integers(rule.max + 1, rule.max + 2)))


@st.composite
def relaxations(draw: st.DrawFn, s: Scenario) -> tuple[str, Scenario]:
    """The scenario with one rule loosened (every old plan stays valid), and what changed."""
    changes: list[tuple[str, Callable[[], Scenario]]] = []
    for k, m in enumerate(s.mandates):
        for i, profile in enumerate(m.profiles):
            def profile_change(k: int = k, m: Mandate = m, i: int = i) -> Scenario:
                profiles = list(m.profiles)
                profiles[i] = _loosen(draw, profiles[i])
                return _with_mandate(s, k, profiles=tuple(profiles))
            changes.append((f"loosen profile {m.id}/{profile.name}", profile_change))
        for i, quota in enumerate(m.quotas):
            def quota_change(k: int = k, m: Mandate = m, i: int = i) -> Scenario:
                quotas = list(m.quotas)
                quotas[i] = _loosen(draw, quotas[i])
                return _with_mandate(s, k, quotas=tuple(quotas))

            def quota_drop(k: int = k, m: Mandate = m, i: int = i) -> Scenario:
                return _with_mandate(s, k, quotas=m.quotas[:i] + m.quotas[i + 1:])
            changes.append((f"loosen quota {m.id}/{quota.name}", quota_change))
            changes.append((f"drop quota {m.id}/{quota.name}", quota_drop))
    for i, quota in enumerate(s.quotas):
        def global_change(i: int = i) -> Scenario:
            quotas = list(s.quotas)
            quotas[i] = _loosen(draw, quotas[i])
            return replace(s, quotas=tuple(quotas))

        def global_drop(i: int = i) -> Scenario:
            return replace(s, quotas=s.quotas[:i] + s.quotas[i + 1:])
        changes.append((f"loosen global quota {quota.name}", global_change))
        changes.append((f"drop global quota {quota.name}", global_drop))
    for i, p in enumerate(s.politicians):
        def politician_change(i: int = i, p: Politician = p) -> Scenario:
            politicians = list(s.politicians)
            if p.max_committees is not None and (p.min_committees == 0 or draw(st.booleans())):
                raised = draw(st.none() | st.integers(p.max_committees + 1,
                                                      p.max_committees + 2))
                politicians[i] = replace(p, max_committees=raised)
            else:
                politicians[i] = replace(p, min_committees=max(p.min_committees - 1, 0))
            return replace(s, politicians=tuple(politicians))
        changes.append((f"loosen time budget of {p.id}", politician_change))
    for i, c in enumerate(s.citizens):
        if not c.open_to_any:
            def open_change(i: int = i, c: Citizen = c) -> Scenario:
                citizens = list(s.citizens)
                citizens[i] = replace(c, open_to_any=True)
                return replace(s, citizens=tuple(citizens))
            changes.append((f"mark {c.id} open to any committee", open_change))
    if s.council.max_per_party is not None:
        changes.append(("no max_per_party",
                        lambda: replace(s, council=replace(s.council, max_per_party=None))))
    if s.council.min_parties > 0:
        changes.append(("lower min_parties", lambda: replace(
            s, council=replace(s.council, min_parties=s.council.min_parties - 1))))
    if not changes:
        return "nothing to loosen", s
    label, change = draw(st.sampled_from(changes))
    return label, change()
