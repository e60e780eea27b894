"""What a task committee is asked to do and whom it should seat: mandates, profiles, quotas."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._validate import (
    as_tuple,
    check_count,
    check_id,
    check_limits,
    check_text,
    collect_tuple,
    raise_if,
)
from .errors import Problem
from .people import MISSING_VALUE, check_value

if TYPE_CHECKING:
    from .people import Citizen

__all__ = ["CompetenceProfile", "Mandate", "Quota"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompetenceProfile:
    """A competence profile from a mandate: how many seated citizens should hold certain tags.

    A citizen fits the profile when holding at least one tag in ``any_of``. The number of
    seated citizens of the committee who fit must lie in ``[min, max]``.

    Parameters
    ----------
    name : str
        Unique within the mandate.
    any_of : iterable of str
        Tags; at least one.
    min : int, default 0
    max : int or None, default None (no upper limit)

    Examples
    --------
    >>> sorted(CompetenceProfile(name="planner-voice", any_of=["planner", "engineer"]).any_of)
    ['engineer', 'planner']
    """

    name: str
    any_of: frozenset[str]
    min: int = 0
    max: int | None = None

    if TYPE_CHECKING:  # what the constructor takes: a list of tags becomes a set
        def __init__(self, *, name: str, any_of: Iterable[str], min: int = 0,
                     max: int | None = None) -> None: ...

    def __post_init__(self) -> None:
        # Every problem at once: tags that are no list are reported with the name and limits.
        not_list: list[Problem] = []
        tags = frozenset(collect_tuple(self.any_of, "any_of", not_list))
        object.__setattr__(self, "any_of", tags)
        problems = check_id(self.name, "name") + check_limits(self.min, self.max) + not_list
        if not tags and not not_list:
            problems.append(Problem(code="CM-E013", column="any_of"))
        for tag in sorted(tags, key=str):
            problems += check_id(tag, "any_of")
        raise_if(problems)

    def matches(self, citizen: Citizen) -> bool:
        """Whether ``citizen`` fits the profile (has one of its tags)."""
        return bool(citizen.tags & self.any_of)


@dataclass(frozen=True, slots=True, kw_only=True)
class Quota:
    """A diversity rule: the number of seated citizens whose ``attribute`` equals ``value``.

    On a :class:`Mandate` it counts that committee's seated citizens; on a
    :class:`~cocreate_match.Scenario` it counts the seated citizens of all committees together.
    ``value`` must not be empty: an empty value means a missing attribute, which no quota
    counts (see :class:`~cocreate_match.Attributes`).

    Examples
    --------
    >>> Quota(attribute="gender", value="female", min=4, max=6).name
    'gender=female'
    """

    attribute: str
    value: str
    min: int = 0
    max: int | None = None

    def __post_init__(self) -> None:
        problems = (
            check_id(self.attribute, "attribute")
            + check_value(self.value, "value")
            + check_limits(self.min, self.max)
        )
        if self.value == MISSING_VALUE:
            problems.append(Problem(code="CM-E014", column="value", value=self.value))
        raise_if(problems)

    @property
    def name(self) -> str:
        """``attribute=value``, as used in rule names."""
        return f"{self.attribute}={self.value}"

    def matches(self, citizen: Citizen) -> bool:
        """Whether ``citizen`` counts towards the quota (a missing attribute matches nothing)."""
        return citizen.attributes.get(self.attribute) == self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Mandate:
    """One task committee's mandate: its text, its seats, and the rules for its citizens.

    Parameters
    ----------
    id : str
        The committee id, used everywhere else (applications, preferences, plans).
    title, background, purpose, premises, duration, deliverable : str
        The mandate text; only ``title`` is shown in summaries.
    citizen_seats : int, default 10
    politician_seats : int, default 5
    profiles : iterable of CompetenceProfile or dict
    quotas : iterable of Quota or dict
        Diversity rules over this committee's seated citizens.

    A profile or quota may be given as a dict of its fields (as JSON has it), so that
    ``Mandate(**data)`` reads a mandate from :meth:`Scenario.to_dict
    <cocreate_match.Scenario.to_dict>`. A dict with an unknown or missing key, or a bad value,
    is an :class:`~cocreate_match.InputError` whose problem names its place (section
    ``profiles[0]``) and key.

    Examples
    --------
    >>> m = Mandate(id="climate", title="Climate adaptation",
    ...             profiles=[CompetenceProfile(name="young", any_of=["student"], min=1)])
    >>> m.citizen_seats, m.politician_seats, m.profiles[0].name
    (10, 5, 'young')
    >>> Mandate(id="climate", profiles=[{"name": "young", "any_of": ["student"], "min": 1}],
    ...         quotas=[{"attribute": "gender", "value": "female", "max": 6}]) == Mandate(
    ...     id="climate", profiles=[CompetenceProfile(name="young", any_of=["student"], min=1)],
    ...     quotas=[Quota(attribute="gender", value="female", max=6)])
    True
    >>> from cocreate_match import InputError
    >>> try:
    ...     Mandate(id="climate", profiles=[{"name": "young", "any_of": ["student"], "mn": 1}])
    ... except InputError as err:
    ...     print(err.problems[0])
    profiles[0], key mn: unknown key (known keys: name, any_of, min, max)
    """

    id: str
    title: str = ""
    background: str = ""
    purpose: str = ""
    premises: str = ""
    duration: str = ""
    deliverable: str = ""
    citizen_seats: int = 10
    politician_seats: int = 5
    profiles: tuple[CompetenceProfile, ...] = field(default=())
    quotas: tuple[Quota, ...] = field(default=())

    if TYPE_CHECKING:  # what the constructor takes: lists, and dicts for nested rules
        def __init__(self, *, id: str, title: str = "", background: str = "",
                     purpose: str = "", premises: str = "", duration: str = "",
                     deliverable: str = "", citizen_seats: int = 10, politician_seats: int = 5,
                     profiles: Iterable[CompetenceProfile | Mapping[str, Any]] = (),
                     quotas: Iterable[Quota | Mapping[str, Any]] = ()) -> None: ...

    def __post_init__(self) -> None:
        problems = check_id(self.id, "id")
        for key in ("title", "background", "purpose", "premises", "duration", "deliverable"):
            problems += check_text(getattr(self, key), key)
        problems += check_count(self.citizen_seats, "citizen_seats")
        problems += check_count(self.politician_seats, "politician_seats")
        # A lone dict (one profile not in a list) or None is not a list of them.
        lists = {}
        for key, kind in (("profiles", "CompetenceProfile"), ("quotas", "Quota")):
            value = getattr(self, key)
            if isinstance(value, Mapping) or not isinstance(value, Iterable):
                problems.append(Problem(code="CM-E015", params={"kind": kind}, column=key,
                                        value=value))
                value = ()
            lists[key] = as_tuple(value)
        profiles, quotas = lists["profiles"], lists["quotas"]
        if any(isinstance(x, Mapping) for x in (*profiles, *quotas)):
            # Profiles and quotas given as dicts (a mandate read from JSON, Mandate(**data))
            # are built here; a dict that cannot be is reported at its place, and left out.
            from .serialize import from_mappings

            profiles, found = from_mappings(CompetenceProfile, profiles, "profiles")
            problems += found
            quotas, found = from_mappings(Quota, quotas, "quotas")
            problems += found
        object.__setattr__(self, "profiles", profiles)
        object.__setattr__(self, "quotas", quotas)
        names: set[str] = set()
        for profile in self.profiles:
            if not isinstance(profile, CompetenceProfile):
                problems.append(Problem(code="CM-E016", params={"kind": "CompetenceProfile"},
                                        column="profiles", value=profile))
            elif profile.name in names:
                problems.append(Problem(code="CM-E017", column="profile", value=profile.name))
            else:
                names.add(profile.name)
        quota_names: set[str] = set()
        for quota in self.quotas:
            if not isinstance(quota, Quota):
                problems.append(Problem(code="CM-E016", params={"kind": "Quota"},
                                        column="quotas", value=quota))
            elif quota.name in quota_names:
                problems.append(Problem(code="CM-E018", column="quota", value=quota.name))
            else:
                quota_names.add(quota.name)
        raise_if(problems)

    @property
    def label(self) -> str:
        """The title, or the id when there is no title."""
        return self.title or self.id
