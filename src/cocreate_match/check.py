"""An independent check of a plan against every rule of a scenario, and its objective.

This module is a second opinion on the solver: it reads the rules straight from the
:class:`~cocreate_match.Scenario` and counts what the :class:`~cocreate_match.Plan` does,
sharing no code with model building. A plan the solver calls optimal must pass
:func:`check_plan` with no violations and score :func:`plan_score` equal to the reported
objective.

Rule names, as used in :attr:`Violation.rule`:

- ``<committee>/seats/citizens``, ``<committee>/seats/politicians``
- ``<committee>/profile/<profile name>``
- ``<committee>/quota/<attribute>=<value>`` and global ``quota/<attribute>=<value>``
- ``<committee>/council/max_per_party``, ``<committee>/council/min_parties``
- ``politician/<id>/committees``, ``politician/<id>/seats``
- ``household/<value>``
- ``citizen/<id>/applied_to``, ``citizen/<id>/seats``
- ``plan/unknown_person``, ``plan/unknown_committee``, ``plan/missing_person``
- ``plan/reserve`` (a reserve who is not an unseated citizen able to sit on the committee, or
  ranks that repeat)
- ``plan/withdrawn`` (a person who withdrew, yet is seated, unseated or a reserve)

A person who withdrew (:attr:`Plan.withdrawn <cocreate_match.Plan.withdrawn>`) counts as
accounted for, and a withdrawn politician's ``min_committees`` no longer applies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .people import Citizen, Politician
from .plan import Plan, Role
from .rules import RuleKind, rule_name
from .scenario import Scenario

__all__ = ["Violation", "check_plan", "plan_in_force_problems", "plan_score", "rule_counts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One rule a plan breaks.

    Parameters
    ----------
    rule : str
        The rule's name, such as ``climate/profile/young`` or ``household/h7``.
    message : str
        What is wrong, in plain words.
    limit : int or None
        The bound that is broken: the minimum when there are too few, the maximum when there
        are too many, the required number for seat counts.
    actual : int or None
        What the plan has.
    person_id : str or None
        The person the violation is about, when it is about one person.

    Examples
    --------
    >>> Violation(rule="climate/seats/citizens", message="climate: 9 citizens seated, "
    ...           "10 required", limit=10, actual=9).limit
    10
    """

    rule: str
    message: str
    limit: int | None = None
    actual: int | None = None
    person_id: str | None = None


class _Seating:
    """The plan read once into look-ups by committee and by person.

    Only seats that name a known person in the right role are kept for the rules; the others
    become plan-level violations here. A seat on a committee the scenario does not have counts
    towards its person's number of seats but towards no committee rule, since there is no
    mandate to hold it to.
    """

    __slots__ = (
        "appearing",
        "citizens_on",
        "committees_of",
        "politicians_on",
        "seat_count",
        "seats_of",
        "unknown_committees",
        "unknown_people",
        "unseated",
        "withdrawn",
    )

    def __init__(self, scenario: Scenario, plan: Plan, citizens: dict[str, Citizen],
                 politicians: dict[str, Politician]) -> None:
        committees = {m.id for m in scenario.mandates}
        # Lists keep plan order so that output is deterministic; the "already on this
        # committee" test goes through seat_count instead, which keeps the pass linear.
        # Citizen and politician ids never overlap (the scenario refuses that), so the
        # person-keyed look-ups serve both roles.
        self.citizens_on: dict[str, list[str]] = {cid: [] for cid in committees}
        self.politicians_on: dict[str, list[str]] = {cid: [] for cid in committees}
        self.committees_of: dict[str, list[str]] = {}
        self.seat_count: Counter[tuple[str, str]] = Counter()
        self.seats_of: Counter[str] = Counter()
        self.unseated: Counter[str] = Counter()
        self.unknown_people: list[Violation] = []
        self.unknown_committees: Counter[str] = Counter()
        self.appearing: set[str] = set()

        known: Mapping[str, object]
        other: Mapping[str, object]
        for seat in plan.seats:
            cid, pid = seat.committee_id, seat.person_id
            self.appearing.add(pid)
            if cid not in committees:
                self.unknown_committees[cid] += 1
            if seat.role is Role.CITIZEN:
                kind, known, other, on = "citizen", citizens, politicians, self.citizens_on
            else:
                kind, known, other, on = "politician", politicians, citizens, self.politicians_on
            if pid not in known:
                self.unknown_people.append(_unknown(pid, kind, f"{kind} seat on {cid!r}", other))
                continue
            self.seats_of[pid] += 1
            self.seat_count[pid, cid] += 1
            if cid in committees and self.seat_count[pid, cid] == 1:
                on[cid].append(pid)
                self.committees_of.setdefault(pid, []).append(cid)

        self.withdrawn: Counter[str] = Counter()
        for w in plan.withdrawn:
            self.appearing.add(w.person_id)
            self.withdrawn[w.person_id] += 1
            if w.person_id not in citizens and w.person_id not in politicians:
                self.unknown_people.append(Violation(
                    rule="plan/unknown_person",
                    message=f"{w.person_id} (withdrawn) is not a person of the scenario",
                    person_id=w.person_id))
        for kind, ids, known, other in (
            ("citizen", plan.unseated_citizens, citizens, politicians),
            ("politician", plan.unseated_politicians, politicians, citizens),
        ):
            for pid in ids:
                self.appearing.add(pid)
                if pid in known:
                    self.unseated[pid] += 1
                else:
                    self.unknown_people.append(
                        _unknown(pid, kind, f"listed as unseated {kind}", other))


def check_plan(scenario: Scenario, plan: Plan) -> tuple[Violation, ...]:
    """Every rule of ``scenario`` that ``plan`` breaks; ``()`` when the plan is valid.

    Checks seat counts, competence profiles, committee and global quotas, the council rules,
    politicians' committee budgets, households, citizens' applications, and that everyone in
    the scenario appears in the plan exactly as often as allowed. Seats naming an unknown
    person or committee are reported and left out of the other rules. Counts are of distinct
    people, so a citizen listed twice on one committee fills one seat there.

    Violations come in a fixed order: committee rules in mandate order, then global quotas,
    politicians, households, citizens, and last problems with the plan itself.

    Parameters
    ----------
    scenario : Scenario
    plan : Plan

    Returns
    -------
    tuple of Violation

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Plan, Role, Scenario, Seat
    >>> from cocreate_match.check import check_plan
    >>> s = Scenario(mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id="c1", applied_to=["climate"])])
    >>> check_plan(s, Plan(seats=[Seat(committee_id="climate", person_id="c1",
    ...                                role=Role.CITIZEN)])) == ()
    True
    >>> [v.rule for v in check_plan(s, Plan(seats=[], unseated_citizens=["c1"]))]
    ['climate/seats/citizens']
    """
    wrong = [Problem(legacy=f"must be a {kind.__name__}", column=name,
                     value=type(value).__name__)
             for name, value, kind in (("scenario", scenario, Scenario), ("plan", plan, Plan))
             if not isinstance(value, kind)]
    if wrong:  # a path, None or a DataFrame: say which argument, not an AttributeError
        raise InputError(wrong)
    citizens = {c.id: c for c in scenario.citizens}
    politicians = {p.id: p for p in scenario.politicians}
    seating = _Seating(scenario, plan, citizens, politicians)

    found: list[Violation] = []
    for mandate in scenario.mandates:
        found += _committee_violations(scenario, mandate, seating, citizens, politicians)
    seated = [c for c in scenario.citizens if c.id in seating.committees_of]
    for quota in scenario.quotas:
        found += _quota_violations(rule_name(RuleKind.GLOBAL_QUOTA, key=quota.name),
                                   "all committees", quota, seated)
    for politician in scenario.politicians:
        found += _politician_violations(politician, seating)
    found += _household_violations(scenario, seating)
    for citizen in scenario.citizens:
        found += _citizen_violations(citizen, seating)
    found += _withdrawn_violations(plan, seating)
    found += _reserve_violations(scenario, plan, seating)
    found += seating.unknown_people
    for cid, count in seating.unknown_committees.items():
        found.append(Violation(
            rule="plan/unknown_committee",
            message=f"{_count(count, 'seat')} on committee {cid!r}, which is not in the scenario",
            actual=count,
        ))
    for role, people in (("citizen", scenario.citizens), ("politician", scenario.politicians)):
        for person in people:
            if person.id not in seating.appearing:
                found.append(Violation(
                    rule="plan/missing_person",
                    message=f"{role} {person.id!r} appears nowhere in the plan "
                            "(neither seated nor unseated)",
                    person_id=person.id,
                ))
    return tuple(found)


def plan_in_force_problems(scenario: object, plan: object) -> list[Problem]:
    """Why ``plan`` cannot serve as the plan in force for ``scenario`` (reserves, drop-outs,
    invitations start from one): a wrong type, or seats and people that do not match the
    scenario. Rules the plan breaks are not such problems.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Plan, Scenario
    >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id="c1", applied_to=["a"])])
    >>> [p.value for p in plan_in_force_problems(s, Plan(seats=()))]
    ['c1']
    """
    problems = []
    if not isinstance(scenario, Scenario):
        problems.append(Problem(legacy="must be a Scenario", column="scenario",
                                value=type(scenario).__name__))
    if not isinstance(plan, Plan):
        problems.append(Problem(legacy="must be a Plan", column="plan",
                                value=type(plan).__name__))
    if problems:
        return problems
    assert isinstance(scenario, Scenario) and isinstance(plan, Plan)
    return [Problem(legacy=f"the plan is not a plan for this scenario: {v.message}",
                    column="plan", value=v.person_id)
            for v in check_plan(scenario, plan)
            if v.rule.startswith(("plan/", "citizen/"))
            or (v.rule.startswith("politician/") and v.rule.endswith("/seats"))]


def rule_counts(scenario: Scenario, plan: Plan) -> dict[str, int]:
    """What each counted rule sees in ``plan``, by rule name.

    Seats (``<committee>/seats/citizens`` and ``.../politicians``), competence profiles,
    committee quotas and global quotas, counted the way :func:`check_plan` counts them (seats
    naming unknown people are left out). Shown beside the limits in summaries.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Plan, Role, Scenario, Seat
    >>> s = Scenario(mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id="c1", applied_to=["climate"])])
    >>> rule_counts(s, Plan(seats=[Seat(committee_id="climate", person_id="c1",
    ...                                 role=Role.CITIZEN)]))["climate/seats/citizens"]
    1
    """
    citizens = {c.id: c for c in scenario.citizens}
    politicians = {p.id: p for p in scenario.politicians}
    seating = _Seating(scenario, plan, citizens, politicians)
    counts: dict[str, int] = {}
    for m in scenario.mandates:
        seated = [citizens[pid] for pid in seating.citizens_on[m.id]]
        counts[rule_name(RuleKind.CITIZEN_SEATS, m.id)] = len(seated)
        counts[rule_name(RuleKind.POLITICIAN_SEATS, m.id)] = len(seating.politicians_on[m.id])
        for profile in m.profiles:
            counts[rule_name(RuleKind.PROFILE, m.id, profile.name)] = _profile_count(seated,
                                                                                     profile)
        for quota in m.quotas:
            counts[rule_name(RuleKind.QUOTA, m.id, quota.name)] = _quota_count(seated, quota)
    everyone = [c for c in scenario.citizens if c.id in seating.committees_of]
    for quota in scenario.quotas:
        counts[rule_name(RuleKind.GLOBAL_QUOTA, key=quota.name)] = _quota_count(everyone, quota)
    return counts


def plan_score(scenario: Scenario, plan: Plan) -> int:
    """The objective of ``plan``, recomputed from the seats.

    With ``L`` the longest ``applied_to`` or ``preferences`` list of the scenario, a seat on
    the committee a person ranks ``r`` scores ``L + 1 - r``. A citizen open to any committee
    scores 1 on a committee not listed; a politician on a committee not listed scores 0.
    Seats that break the application rule, or name an unknown person or committee, score 0.
    Every seat is counted as given, so in an invalid plan a repeated seat scores twice.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Plan, Role, Scenario, Seat
    >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
    ...                        Mandate(id="b", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id="c1", applied_to=["a", "b"])])
    >>> plan_score(s, Plan(seats=[Seat(committee_id="b", person_id="c1", role=Role.CITIZEN)]))
    1
    """
    longest = scenario.longest_list
    committees = {m.id for m in scenario.mandates}
    citizens = {c.id: c for c in scenario.citizens}
    politicians = {p.id: p for p in scenario.politicians}
    total = 0
    for seat in plan.seats:
        if seat.committee_id not in committees:
            continue
        if seat.role is Role.CITIZEN:
            citizen = citizens.get(seat.person_id)
            if citizen is None:
                continue
            rank = citizen.rank(seat.committee_id)
            if rank is not None:
                total += longest + 1 - rank
            elif citizen.open_to_any:
                total += 1
        else:
            politician = politicians.get(seat.person_id)
            if politician is None:
                continue
            rank = politician.rank(seat.committee_id)
            if rank is not None:
                total += longest + 1 - rank
    return total


# -- one function per family of rules --------------------------------------------------------


def _committee_violations(scenario: Scenario, mandate: Mandate, seating: _Seating,
                          citizens: dict[str, Citizen],
                          politicians: dict[str, Politician]) -> list[Violation]:
    found: list[Violation] = []
    cid = mandate.id
    seated = [citizens[pid] for pid in seating.citizens_on[cid]]
    members = [politicians[pid] for pid in seating.politicians_on[cid]]

    for kind, have, need in (("citizens", len(seated), mandate.citizen_seats),
                             ("politicians", len(members), mandate.politician_seats)):
        if have != need:
            found.append(Violation(
                rule=rule_name(RuleKind.CITIZEN_SEATS if kind == "citizens"
                               else RuleKind.POLITICIAN_SEATS, cid),
                message=f"{cid}: {have} {kind[:-1] if have == 1 else kind} seated, "
                        f"{need} required",
                limit=need, actual=have,
            ))

    for profile in mandate.profiles:
        fits = _profile_count(seated, profile)
        what = f"{_count(fits, 'seated citizen')} {'fits' if fits == 1 else 'fit'} " \
               f"profile {profile.name!r}"
        found += _bounds(rule_name(RuleKind.PROFILE, cid, profile.name), f"{cid}: {what}", fits,
                         profile.min, profile.max)

    for quota in mandate.quotas:
        found += _quota_violations(rule_name(RuleKind.QUOTA, cid, quota.name), cid, quota, seated)

    council = scenario.council
    parties = Counter(p.party for p in members)
    if council.max_per_party is not None:
        over = sorted((party, n) for party, n in parties.items() if n > council.max_per_party)
        if over:
            listed = " and ".join(f"{n} of party {party!r}" for party, n in over)
            found.append(Violation(
                rule=rule_name(RuleKind.MAX_PER_PARTY, cid),
                message=f"{cid}: {listed} among its politicians, at most "
                        f"{council.max_per_party} per party allowed",
                limit=council.max_per_party, actual=max(n for _, n in over),
            ))
    # A committee without politician seats has no parties to mix; the rule is for the others.
    if mandate.politician_seats > 0 and len(parties) < council.min_parties:
        found.append(Violation(
            rule=rule_name(RuleKind.MIN_PARTIES, cid),
            message=f"{cid}: politicians from {_count(len(parties), 'party', 'parties')}, "
                    f"at least {council.min_parties} required",
            limit=council.min_parties, actual=len(parties),
        ))
    return found


def _profile_count(seated: list[Citizen], profile: CompetenceProfile) -> int:
    return sum(1 for c in seated if c.tags & profile.any_of)


def _quota_count(seated: list[Citizen], quota: Quota) -> int:
    return sum(1 for c in seated if c.attributes.get(quota.attribute) == quota.value)


def _quota_violations(rule: str, where: str, quota: Quota,
                      seated: list[Citizen]) -> list[Violation]:
    have = _quota_count(seated, quota)
    what = f"{_count(have, 'seated citizen')} {'has' if have == 1 else 'have'} {quota.name}"
    return _bounds(rule, f"{where}: {what}", have, quota.min, quota.max)


def _politician_violations(politician: Politician, seating: _Seating) -> list[Violation]:
    found: list[Violation] = []
    pid = politician.id
    committees = seating.committees_of.get(pid, [])
    # A politician who withdrew is released from their minimum (and sits nowhere).
    low = 0 if seating.withdrawn[pid] else politician.min_committees
    found += _bounds(rule_name(RuleKind.POLITICIAN, key=pid),
                     f"{pid} sits on {_count(len(committees), 'committee')}", len(committees),
                     low, politician.max_committees, person_id=pid)

    twice = [(cid, seating.seat_count[pid, cid]) for cid in committees
             if seating.seat_count[pid, cid] > 1]
    problems = [f"sits on {cid!r} {n} times" for cid, n in twice]
    seats = seating.seats_of[pid]
    unseated = seating.unseated[pid]
    if seats and unseated:
        problems.append("is seated and also listed as unseated")
    elif unseated > 1:
        problems.append(f"is listed as unseated {unseated} times")
    if problems:
        found.append(Violation(
            rule=f"politician/{pid}/seats",
            message=f"{pid} {' and '.join(problems)}",
            limit=1 if twice else None,
            actual=max(n for _, n in twice) if twice else None,
            person_id=pid,
        ))
    return found


def _household_violations(scenario: Scenario, seating: _Seating) -> list[Violation]:
    members: dict[str, list[str]] = {}
    for citizen in scenario.citizens:
        if citizen.household and citizen.id in seating.committees_of:
            members.setdefault(citizen.household, []).append(citizen.id)
    return [
        Violation(
            rule=rule_name(RuleKind.HOUSEHOLD, key=household),
            message=f"household {household!r}: {len(ids)} citizens seated "
                    f"({', '.join(ids)}), at most 1 allowed",
            limit=1, actual=len(ids),
        )
        for household, ids in members.items() if len(ids) > 1
    ]


def _citizen_violations(citizen: Citizen, seating: _Seating) -> list[Violation]:
    found: list[Violation] = []
    cid = citizen.id
    committees = seating.committees_of.get(cid, [])
    if not citizen.open_to_any:
        wrong = [m for m in committees if m not in citizen.applied_to]
        if wrong:
            found.append(Violation(
                rule=f"citizen/{cid}/applied_to",
                message=f"{cid} is seated on {', '.join(map(repr, wrong))} but applied only "
                        f"to {', '.join(map(repr, citizen.applied_to))}",
                person_id=cid,
            ))
    seats = seating.seats_of[cid]
    unseated = seating.unseated[cid]
    if seats + unseated > 1:
        parts = []
        if seats:
            parts.append(f"seated {_count(seats, 'time')}")
        if unseated:
            parts.append(f"listed as unseated {_count(unseated, 'time')}")
        found.append(Violation(
            rule=f"citizen/{cid}/seats",
            message=f"{cid} appears {seats + unseated} times in the plan "
                    f"({', '.join(parts)}), at most once allowed",
            limit=1, actual=seats + unseated, person_id=cid,
        ))
    return found


def _withdrawn_violations(plan: Plan, seating: _Seating) -> list[Violation]:
    """A person who withdrew is seated nowhere, listed nowhere else, and withdrew once."""
    found = []
    for pid, n in seating.withdrawn.items():
        places = []
        if seating.seats_of[pid]:
            places.append(f"seated on {_count(seating.seats_of[pid], 'committee')}")
        if seating.unseated[pid]:
            places.append("listed as unseated")
        if any(r.person_id == pid for r in plan.reserves):
            places.append("a reserve")
        if n > 1:
            places.append(f"listed as withdrawn {n} times")
        if places:
            found.append(Violation(rule="plan/withdrawn",
                                   message=f"{pid} withdrew but is {' and '.join(places)}",
                                   person_id=pid))
    return found


def _reserve_violations(scenario: Scenario, plan: Plan, seating: _Seating) -> list[Violation]:
    found: list[Violation] = []
    committees = {m.id: m for m in scenario.mandates}
    citizens = {c.id: c for c in scenario.citizens}
    unseated = set(plan.unseated_citizens)
    ranks: Counter[tuple[str, int]] = Counter()
    times: Counter[str] = Counter()
    for r in plan.reserves:
        ranks[r.committee_id, r.rank] += 1
        times[r.person_id] += 1
        citizen = citizens.get(r.person_id)
        mandate = committees.get(r.committee_id)
        problem = None
        if citizen is None:
            problem = "is not a citizen of the scenario"
        elif mandate is None:
            problem = f"is a reserve on {r.committee_id!r}, which is not in the scenario"
        elif r.person_id in seating.committees_of or r.person_id not in unseated:
            problem = f"is a reserve on {r.committee_id!r} but is not an unseated citizen"
        elif not citizen.can_sit_on(r.committee_id) or mandate.citizen_seats == 0:
            problem = f"is a reserve on {r.committee_id!r} but cannot sit there"
        if problem:
            found.append(Violation(rule="plan/reserve", message=f"{r.person_id} {problem}",
                                   person_id=r.person_id))
    found += [Violation(rule="plan/reserve", message=f"{pid} is a reserve {n} times, at most "
                        "once allowed", limit=1, actual=n, person_id=pid)
              for pid, n in times.items() if n > 1]
    found += [Violation(rule="plan/reserve", message=f"{cid}: reserve rank {rank} is given "
                        f"{n} times", limit=1, actual=n)
              for (cid, rank), n in ranks.items() if n > 1]
    return found


# -- small helpers ---------------------------------------------------------------------------


def _bounds(rule: str, what: str, have: int, low: int, high: int | None,
            person_id: str | None = None) -> list[Violation]:
    """A violation when ``have`` is outside ``[low, high]``; ``high`` None means no limit."""
    if have < low:
        return [Violation(rule=rule, message=f"{what}, at least {low} required", limit=low,
                          actual=have, person_id=person_id)]
    if high is not None and have > high:
        return [Violation(rule=rule, message=f"{what}, at most {high} allowed", limit=high,
                          actual=have, person_id=person_id)]
    return []


def _unknown(pid: str, role: str, where: str,
             other_role: Mapping[str, object]) -> Violation:
    other = "politician" if role == "citizen" else "citizen"
    if pid in other_role:
        message = f"{pid} ({where}) is a {other}, not a {role}"
    else:
        message = f"{pid} ({where}) is not a {role} of the scenario"
    return Violation(rule="plan/unknown_person", message=message, person_id=pid)


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
