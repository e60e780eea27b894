"""Every kind of rule, defined once: its name, whom it counts, and its limits.

A scenario's rules (:meth:`Scenario.rules <cocreate_match.Scenario.rules>`) and the locks of a
re-plan (:func:`lock_rules`) are :class:`Rule` values. Model building, the checks before
solving, explanations and reserves all read them from here, so that a rule means the same
thing everywhere. Only :func:`~cocreate_match.check_plan` counts on its own: it is the
independent second opinion on all of them, and shares only the names.

Rule names (ids may contain ``/``, so names are looked up, never split):

- ``<committee>/seats/citizens``, ``<committee>/seats/politicians``
- ``<committee>/profile/<profile name>``
- ``<committee>/quota/<attribute>=<value>`` and global ``quota/<attribute>=<value>``
- ``<committee>/council/max_per_party``, ``<committee>/council/min_parties``
- ``politician/<id>/committees``
- ``household/<household>``
- ``lock/force/<committee>/<person>`` and ``lock/forbid/<committee>/<person>``
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .people import Citizen, Politician

__all__ = ["Rule", "RuleKind", "rule_name"]


class RuleKind(Enum):
    """The kinds of rule a plan must meet."""

    CITIZEN_SEATS = "seats_citizens"
    """A committee seats exactly its number of citizens."""
    POLITICIAN_SEATS = "seats_politicians"
    """A committee seats exactly its number of politicians."""
    PROFILE = "profile"
    """Seated citizens of a committee who hold a tag of a competence profile."""
    QUOTA = "quota"
    """Seated citizens of a committee with an attribute value."""
    GLOBAL_QUOTA = "global_quota"
    """Seated citizens of all committees with an attribute value."""
    MAX_PER_PARTY = "max_per_party"
    """At most so many politicians of one party on a committee."""
    MIN_PARTIES = "min_parties"
    """At least so many parties among a committee's politicians."""
    POLITICIAN = "politician"
    """A politician's time budget: the number of committees they sit on."""
    HOUSEHOLD = "household"
    """At most one seated citizen per household, over all committees."""
    FORCE = "force"
    """A lock: the person must sit on the committee."""
    FORBID = "forbid"
    """A lock: the person must not sit on the committee."""

    @property
    def is_seat_rule(self) -> bool:
        """Seat rules are never relaxed: a committee with empty seats is not a plan."""
        return self in (RuleKind.CITIZEN_SEATS, RuleKind.POLITICIAN_SEATS)

    @property
    def is_lock(self) -> bool:
        return self in (RuleKind.FORCE, RuleKind.FORBID)


_NAMES = {
    RuleKind.CITIZEN_SEATS: "{committee}/seats/citizens",
    RuleKind.POLITICIAN_SEATS: "{committee}/seats/politicians",
    RuleKind.PROFILE: "{committee}/profile/{key}",
    RuleKind.QUOTA: "{committee}/quota/{key}",
    RuleKind.GLOBAL_QUOTA: "quota/{key}",
    RuleKind.MAX_PER_PARTY: "{committee}/council/max_per_party",
    RuleKind.MIN_PARTIES: "{committee}/council/min_parties",
    RuleKind.POLITICIAN: "politician/{key}/committees",
    RuleKind.HOUSEHOLD: "household/{key}",
    RuleKind.FORCE: "lock/force/{committee}/{key}",
    RuleKind.FORBID: "lock/forbid/{committee}/{key}",
}


def rule_name(kind: RuleKind, committee: str | None = None, key: str | None = None) -> str:
    """The name of a rule: the one place rule names are built.

    ``committee`` is the committee id of a committee rule or a lock; ``key`` the profile name,
    the quota name (``attribute=value``), the politician id, the household, or the locked
    person's id.

    Examples
    --------
    >>> rule_name(RuleKind.PROFILE, "climate", "young")
    'climate/profile/young'
    >>> rule_name(RuleKind.POLITICIAN, key="p7")
    'politician/p7/committees'
    >>> rule_name(RuleKind.FORCE, "climate", "c12")
    'lock/force/climate/c12'
    """
    return _NAMES[kind].format(committee=committee, key=key)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One rule: what it counts, where, and between which limits.

    Attributes
    ----------
    name : str
        As :func:`rule_name` builds it, and as plans, checks and explanations use it.
    kind : RuleKind
    committee : str or None
        The committee of a committee rule or a lock.
    key : str or None
        The profile name, quota name, politician id, household, or locked person.
    low, high : int, int or None
        The count must lie in ``[low, high]`` (``high`` None: no maximum). What is counted:
        seated citizens (seats, profile, quota, household rules), seated politicians (seats),
        politicians of one party (``max_per_party``, per party), parties (``min_parties``),
        committees (a politician's budget), seats of the locked pair (locks).
    any_of : frozenset of str or None
        A profile's tags.
    attribute, value : str or None
        A quota's attribute and value.

    Examples
    --------
    >>> from cocreate_match import Citizen, CompetenceProfile, Mandate, Scenario
    >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
    ...     profiles=[CompetenceProfile(name="young", any_of=["student"], min=1)])])
    >>> rule = s.rules()["a/profile/young"]
    >>> rule.kind.value, rule.low, rule.high, rule.counts(Citizen(id="c", applied_to=["a"],
    ...                                                           tags=["student"]))
    ('profile', 1, None, True)
    """

    name: str
    kind: RuleKind
    committee: str | None = None
    key: str | None = None
    low: int = 0
    high: int | None = None
    any_of: frozenset[str] | None = None
    attribute: str | None = None
    value: str | None = None

    def counts(self, person: Citizen | Politician) -> bool:
        """Whether the rule counts ``person`` when seated where it looks (on its committee,
        or anywhere for global quotas and households).

        Profiles count citizens holding one of their tags; quotas citizens whose attribute
        has the value (a citizen without the attribute has no value, and counts for none);
        households their members; citizen seats every citizen; politician seats, party rules
        and budgets politicians (a budget only its own politician); locks their person.
        """
        if self.kind in (RuleKind.FORCE, RuleKind.FORBID):
            return person.id == self.key
        if not isinstance(person, Citizen):
            if self.kind is RuleKind.POLITICIAN:
                return person.id == self.key
            return self.kind in (RuleKind.POLITICIAN_SEATS, RuleKind.MAX_PER_PARTY,
                                 RuleKind.MIN_PARTIES)
        match self.kind:
            case RuleKind.CITIZEN_SEATS:
                return True
            case RuleKind.PROFILE:
                return bool(self.any_of and person.tags & self.any_of)
            case RuleKind.QUOTA | RuleKind.GLOBAL_QUOTA:
                return (self.attribute is not None
                        and person.attributes.get(self.attribute) == self.value)
            case RuleKind.HOUSEHOLD:
                return person.household == self.key
        return False

    def holds(self, count: int) -> bool:
        """Whether a count lies within the rule's limits."""
        return count >= self.low and (self.high is None or count <= self.high)

    def outside(self, count: int) -> int:
        """How far a count lies outside the rule's limits (0 when the rule holds).

        Examples
        --------
        >>> rule = Rule(name="household/h", kind=RuleKind.HOUSEHOLD, key="h", high=1)
        >>> rule.outside(1), rule.outside(3)
        (0, 2)
        """
        if count < self.low:
            return self.low - count
        return 0 if self.high is None or count <= self.high else count - self.high
