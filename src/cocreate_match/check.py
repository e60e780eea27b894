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
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .messages import Coded, text
from .people import Citizen, Politician
from .plan import Plan, Role
from .rules import RuleKind, rule_name
from .scenario import Scenario

__all__ = ["Violation", "check_plan", "plan_in_force_problems", "plan_score", "rule_counts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation(Coded):
    """One rule a plan breaks.

    Parameters
    ----------
    rule : str
        The rule's name, such as ``climate/profile/young`` or ``household/h7``.
    code : str
        The violation's stable code, such as ``"CM-X112"`` (see
        :mod:`cocreate_match.messages`); :attr:`message` is its text, what is wrong in plain
        words.
    params : mapping
        The fields the text is filled in with: ids, names and numbers.
    limit : int or None
        The bound that is broken: the minimum when there are too few, the maximum when there
        are too many, the required number for seat counts.
    actual : int or None
        What the plan has.
    person_id : str or None
        The person the violation is about, when it is about one person.

    Examples
    --------
    >>> v = Violation(rule="climate/seats/citizens", code="CM-X112", limit=10, actual=9,
    ...               params={"committee": "climate", "have": 9, "need": 10})
    >>> v.message
    'climate: 9 citizens seated, 10 required'
    >>> v.text("nb")
    'climate: 9 innbyggere med plass, 10 kreves'
    """

    rule: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    limit: int | None = None
    actual: int | None = None
    person_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The violation as plain JSON, its text in the current language."""
        return {"rule": self.rule, "code": self.code, "message": self.message,
                "limit": self.limit, "actual": self.actual, "person_id": self.person_id}


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A part of a violation's text with a code of its own (an item of a list), shown in the
    language the whole text is shown in."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def __format__(self, spec: str) -> str:
        return text(self.code, **dict(self.params))


def _phrase(code: str, **params: Any) -> _Phrase:
    return _Phrase(code, tuple(params.items()))


def _and(phrases: list[_Phrase]) -> _Phrase:
    """The phrases joined as ``a and b and c``, in the language they are shown in."""
    joined = phrases[-1]
    for phrase in reversed(phrases[:-1]):
        joined = _phrase("CM-X145", first=phrase, rest=joined)
    return joined


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
                self.unknown_people.append(_unknown(pid, kind, cid, other))
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
                    rule="plan/unknown_person", code="CM-X108",
                    params={"person": w.person_id}, person_id=w.person_id))
        for kind, ids, known, other in (
            ("citizen", plan.unseated_citizens, citizens, politicians),
            ("politician", plan.unseated_politicians, politicians, citizens),
        ):
            for pid in ids:
                self.appearing.add(pid)
                if pid in known:
                    self.unseated[pid] += 1
                else:
                    self.unknown_people.append(_unknown(pid, kind, None, other))


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
    wrong = [Problem(code="CM-E400", params={"kind": kind.__name__}, column=name,
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
                                   None, quota, seated)
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
            rule="plan/unknown_committee", code="CM-X109",
            params={"count": count, "committee": cid}, actual=count,
        ))
    for code, people in (("CM-X110", scenario.citizens), ("CM-X111", scenario.politicians)):
        for person in people:
            if person.id not in seating.appearing:
                found.append(Violation(
                    rule="plan/missing_person", code=code, params={"person": person.id},
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
        problems.append(Problem(code="CM-E400", params={"kind": "Scenario"},
                                column="scenario", value=type(scenario).__name__))
    if not isinstance(plan, Plan):
        problems.append(Problem(code="CM-E400", params={"kind": "Plan"}, column="plan",
                                value=type(plan).__name__))
    if problems:
        return problems
    assert isinstance(scenario, Scenario) and isinstance(plan, Plan)
    return [Problem(code="CM-E401", params={"violation": _phrase(v.code, **v.params)},
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

    for kind, code, have, need in (
            (RuleKind.CITIZEN_SEATS, "CM-X112", len(seated), mandate.citizen_seats),
            (RuleKind.POLITICIAN_SEATS, "CM-X113", len(members), mandate.politician_seats)):
        if have != need:
            found.append(Violation(
                rule=rule_name(kind, cid), code=code,
                params={"committee": cid, "have": have, "need": need},
                limit=need, actual=have,
            ))

    for profile in mandate.profiles:
        fits = _profile_count(seated, profile)
        found += _bounds(rule_name(RuleKind.PROFILE, cid, profile.name), ("CM-X114", "CM-X115"),
                         {"committee": cid, "profile": profile.name}, fits, profile.min,
                         profile.max)

    for quota in mandate.quotas:
        found += _quota_violations(rule_name(RuleKind.QUOTA, cid, quota.name), cid, quota, seated)

    council = scenario.council
    parties = Counter(p.party for p in members)
    if council.max_per_party is not None:
        over = sorted((party, n) for party, n in parties.items() if n > council.max_per_party)
        if over:
            listed = _and([_phrase("CM-X121", count=n, party=party) for party, n in over])
            found.append(Violation(
                rule=rule_name(RuleKind.MAX_PER_PARTY, cid), code="CM-X120",
                params={"committee": cid, "parties": listed, "cap": council.max_per_party},
                limit=council.max_per_party, actual=max(n for _, n in over),
            ))
    # A committee without politician seats has no parties to mix; the rule is for the others.
    if mandate.politician_seats > 0 and len(parties) < council.min_parties:
        found.append(Violation(
            rule=rule_name(RuleKind.MIN_PARTIES, cid), code="CM-X122",
            params={"committee": cid, "count": len(parties), "low": council.min_parties},
            limit=council.min_parties, actual=len(parties),
        ))
    return found


def _profile_count(seated: list[Citizen], profile: CompetenceProfile) -> int:
    return sum(1 for c in seated if c.tags & profile.any_of)


def _quota_count(seated: list[Citizen], quota: Quota) -> int:
    return sum(1 for c in seated if c.attributes.get(quota.attribute) == quota.value)


def _quota_violations(rule: str, committee: str | None, quota: Quota,
                      seated: list[Citizen]) -> list[Violation]:
    """A committee's quota, or with ``committee`` None a global one."""
    have = _quota_count(seated, quota)
    codes = ("CM-X116", "CM-X117") if committee is not None else ("CM-X118", "CM-X119")
    return _bounds(rule, codes, {"committee": committee, "quota": quota.name}, have,
                   quota.min, quota.max)


def _politician_violations(politician: Politician, seating: _Seating) -> list[Violation]:
    found: list[Violation] = []
    pid = politician.id
    committees = seating.committees_of.get(pid, [])
    # A politician who withdrew is released from their minimum (and sits nowhere).
    low = 0 if seating.withdrawn[pid] else politician.min_committees
    found += _bounds(rule_name(RuleKind.POLITICIAN, key=pid), ("CM-X123", "CM-X124"),
                     {"politician": pid}, len(committees), low, politician.max_committees,
                     person_id=pid)

    twice = [(cid, seating.seat_count[pid, cid]) for cid in committees
             if seating.seat_count[pid, cid] > 1]
    problems = [_phrase("CM-X125", committee=cid, count=n) for cid, n in twice]
    seats = seating.seats_of[pid]
    unseated = seating.unseated[pid]
    if seats and unseated:
        problems.append(_phrase("CM-X126"))
    elif unseated > 1:
        problems.append(_phrase("CM-X127", count=unseated))
    if problems:
        found.append(Violation(
            rule=f"politician/{pid}/seats", code="CM-X128",
            params={"politician": pid, "problems": _and(problems)},
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
            rule=rule_name(RuleKind.HOUSEHOLD, key=household), code="CM-X129",
            params={"household": household, "count": len(ids), "people": ", ".join(ids)},
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
                rule=f"citizen/{cid}/applied_to", code="CM-X130",
                params={"citizen": cid, "committees": ", ".join(map(repr, wrong)),
                        "applied": ", ".join(map(repr, citizen.applied_to))},
                person_id=cid,
            ))
    seats = seating.seats_of[cid]
    unseated = seating.unseated[cid]
    if seats + unseated > 1:
        # Seated more than once (X131), listed as unseated more than once (X132), or both
        # seated and listed as unseated (X133).
        code = "CM-X133" if seats and unseated else "CM-X131" if seats else "CM-X132"
        found.append(Violation(
            rule=f"citizen/{cid}/seats", code=code,
            params={"citizen": cid, "count": seats + unseated, "seats": seats,
                    "unseated": unseated},
            limit=1, actual=seats + unseated, person_id=cid,
        ))
    return found


def _withdrawn_violations(plan: Plan, seating: _Seating) -> list[Violation]:
    """A person who withdrew is seated nowhere, listed nowhere else, and withdrew once."""
    found = []
    for pid, n in seating.withdrawn.items():
        places = []
        if seating.seats_of[pid]:
            places.append(_phrase("CM-X134", count=seating.seats_of[pid]))
        if seating.unseated[pid]:
            places.append(_phrase("CM-X135"))
        if any(r.person_id == pid for r in plan.reserves):
            places.append(_phrase("CM-X136"))
        if n > 1:
            places.append(_phrase("CM-X137", count=n))
        if places:
            found.append(Violation(rule="plan/withdrawn", code="CM-X138",
                                   params={"person": pid, "places": _and(places)},
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
        code = None
        if citizen is None:
            code = "CM-X139"
        elif mandate is None:
            code = "CM-X140"
        elif r.person_id in seating.committees_of or r.person_id not in unseated:
            code = "CM-X141"
        elif not citizen.can_sit_on(r.committee_id) or mandate.citizen_seats == 0:
            code = "CM-X142"
        if code:
            found.append(Violation(rule="plan/reserve", code=code,
                                   params={"person": r.person_id, "committee": r.committee_id},
                                   person_id=r.person_id))
    found += [Violation(rule="plan/reserve", code="CM-X143",
                        params={"person": pid, "count": n}, limit=1, actual=n, person_id=pid)
              for pid, n in times.items() if n > 1]
    found += [Violation(rule="plan/reserve", code="CM-X144",
                        params={"committee": cid, "rank": rank, "count": n}, limit=1, actual=n)
              for (cid, rank), n in ranks.items() if n > 1]
    return found


# -- small helpers ---------------------------------------------------------------------------


def _bounds(rule: str, codes: tuple[str, str], params: Mapping[str, Any], have: int,
            low: int, high: int | None, person_id: str | None = None) -> list[Violation]:
    """A violation when ``have`` is outside ``[low, high]``; ``high`` None means no limit.
    ``codes``: the texts for too few and for too many."""
    if have < low:
        return [Violation(rule=rule, code=codes[0], params={**params, "have": have, "low": low},
                          limit=low, actual=have, person_id=person_id)]
    if high is not None and have > high:
        return [Violation(rule=rule, code=codes[1],
                          params={**params, "have": have, "high": high}, limit=high,
                          actual=have, person_id=person_id)]
    return []


# The code of an unknown person's violation: by where they appear in the plan (a seat on a
# committee, or the unseated), by the role they appear in, and by whether they are a person of
# the other role.
_UNKNOWN = {
    (True, "citizen", True): "CM-X100", (True, "citizen", False): "CM-X101",
    (True, "politician", True): "CM-X102", (True, "politician", False): "CM-X103",
    (False, "citizen", True): "CM-X104", (False, "citizen", False): "CM-X105",
    (False, "politician", True): "CM-X106", (False, "politician", False): "CM-X107",
}


def _unknown(pid: str, role: str, committee: str | None,
             other_role: Mapping[str, object]) -> Violation:
    """``pid`` in ``role`` is no such person: on a seat of ``committee``, or (None) unseated."""
    return Violation(rule="plan/unknown_person",
                     code=_UNKNOWN[committee is not None, role, pid in other_role],
                     params={"person": pid, "committee": committee}, person_id=pid)
