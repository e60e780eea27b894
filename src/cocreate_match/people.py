"""The people to seat: citizen applicants and the council's politicians."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any

from ._validate import (
    check_id,
    check_limits,
    check_names,
    check_text,
    collect_tuple,
    raise_if,
)
from .errors import Problem

__all__ = ["Attributes", "Citizen", "Politician"]

# The value of a missing attribute, as an empty cell of citizens.csv holds it.
MISSING_VALUE = ""
# The columns of citizens.csv that are not attributes; no attribute may take their names.
CITIZEN_COLUMNS = ("id", "applied_to", "tags", "household")


class Attributes(Mapping[str, str]):
    """An immutable, hashable mapping of a citizen's demographic attributes.

    An empty value means the attribute is missing: it is dropped, so ``{"gender": ""}`` and
    ``{}`` are the same attributes (an empty cell of ``citizens.csv`` reads this way). A quota
    never counts a citizen whose attribute is missing.

    Examples
    --------
    >>> a = Attributes({"gender": "female", "district": "north", "age": ""})
    >>> a["district"], len(a), dict(a) == {"district": "north", "gender": "female"}
    ('north', 2, True)
    >>> "age" in a
    False
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, str] = dict(
            sorted((k, v) for k, v in (items or {}).items() if v != MISSING_VALUE))

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Attributes({self._items!r})"


def check_value(value: object, column: str) -> list[Problem]:
    """An attribute value: a string without surrounding spaces (empty means missing)."""
    if not isinstance(value, str):
        return check_text(value, column)
    if value != value.strip():
        return [Problem(code="CM-E019", column=column, value=value)]
    return []


@dataclass(frozen=True, slots=True, kw_only=True)
class Citizen:
    """A citizen who applied to sit on a task committee.

    Parameters
    ----------
    id : str
        Unique among citizens and politicians.
    applied_to : iterable of str
        Committee ids, most wanted first. May be empty: a citizen who named no committee and
        is not open to any is valid but never seated (as when every committee they named is
        cancelled, see :meth:`~cocreate_match.Scenario.cancel`).
    open_to_any : bool, default False
        Also willing to sit on any committee not listed (``*`` in ``citizens.csv``). Such a seat
        scores 1 in the objective, as low as the lowest listed choice can score.
    tags : iterable of str
        Competences, matched against the ``any_of`` tags of competence profiles.
    household : str or None
        At most one citizen per household is seated, over all committees.
    attributes : mapping of str to str
        Demographic attributes, matched by quotas. An empty value means the attribute is
        missing (see :class:`Attributes`); a value must not start or end with spaces, which a
        cell of ``citizens.csv`` could not hold.

    Examples
    --------
    >>> c = Citizen(id="c1", applied_to=["climate", "youth"], tags=["student"],
    ...             attributes={"gender": "female"})
    >>> c.rank("youth"), c.rank("culture"), c.attributes["gender"]
    (2, None, 'female')
    >>> Citizen(id="c2", attributes={"gender": ""}) == Citizen(id="c2")  # empty is missing
    True
    """

    id: str
    applied_to: tuple[str, ...] = ()
    open_to_any: bool = False
    tags: frozenset[str] = field(default=frozenset())
    household: str | None = None
    attributes: Attributes = field(default_factory=Attributes)

    if TYPE_CHECKING:  # what the constructor takes: lists and dicts become tuples and sets
        def __init__(self, *, id: str, applied_to: Iterable[str] = (),
                     open_to_any: bool = False, tags: Iterable[str] = frozenset(),
                     household: str | None = None,
                     attributes: Mapping[str, str] | None = None) -> None: ...

    def __post_init__(self) -> None:
        # Every problem at once: a list given as no list is reported with the other fields.
        problems: list[Problem] = []
        object.__setattr__(self, "applied_to",
                           collect_tuple(self.applied_to, "applied_to", problems))
        object.__setattr__(self, "tags", frozenset(collect_tuple(self.tags, "tags", problems)))
        problems = (check_id(self.id, "id") + problems
                    + check_names(self.applied_to, "applied_to"))
        if not isinstance(self.open_to_any, bool):
            problems.append(Problem(code="CM-E020", column="open_to_any",
                                    value=self.open_to_any))
        for tag in sorted(self.tags, key=str):
            problems += check_id(tag, "tags")
        if self.household is not None:
            problems += check_id(self.household, "household")
        if not isinstance(self.attributes, Mapping):
            problems.append(Problem(code="CM-E021", column="attributes",
                                    value=self.attributes))
        else:
            for key, value in self.attributes.items():
                problems += check_id(key, "attributes") + check_value(value, str(key))
                if key in CITIZEN_COLUMNS:
                    problems.append(Problem(code="CM-E022", column="attributes", value=key))
            if not isinstance(self.attributes, Attributes):
                object.__setattr__(self, "attributes", Attributes(self.attributes))
        raise_if(problems)

    def rank(self, committee_id: str) -> int | None:
        """1-based position of ``committee_id`` in :attr:`applied_to`, or None if not listed."""
        try:
            return self.applied_to.index(committee_id) + 1
        except ValueError:
            return None

    def can_sit_on(self, committee_id: str) -> bool:
        """True when the citizen applied to the committee, or to any committee."""
        return self.open_to_any or committee_id in self.applied_to


@dataclass(frozen=True, slots=True, kw_only=True)
class Politician:
    """A member of the council.

    Parameters
    ----------
    id : str
        Unique among citizens and politicians.
    party : str
    preferences : iterable of str
        Committee ids the politician wants to work on, most wanted first. A seat on a committee
        not listed is allowed but scores 0.
    min_committees : int, default 0
    max_committees : int or None, default None
        The politician's time budget, in committees.

    Examples
    --------
    >>> p = Politician(id="p1", party="C", preferences=["climate"], max_committees=3)
    >>> p.rank("climate"), p.rank("youth")
    (1, None)
    """

    id: str
    party: str
    preferences: tuple[str, ...] = ()
    min_committees: int = 0
    max_committees: int | None = None

    if TYPE_CHECKING:  # what the constructor takes: a list of preferences becomes a tuple
        def __init__(self, *, id: str, party: str, preferences: Iterable[str] = (),
                     min_committees: int = 0, max_committees: int | None = None) -> None: ...

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        object.__setattr__(self, "preferences",
                           collect_tuple(self.preferences, "preferences", problems))
        problems = (
            check_id(self.id, "id")
            + problems
            + check_id(self.party, "party")
            + check_names(self.preferences, "preferences")
            + check_limits(self.min_committees, self.max_committees,
                           "min_committees", "max_committees")
        )
        raise_if(problems)

    def rank(self, committee_id: str) -> int | None:
        """1-based position of ``committee_id`` in :attr:`preferences`, or None if not listed."""
        try:
            return self.preferences.index(committee_id) + 1
        except ValueError:
            return None


# -- stand-ins for records that could not be built ---------------------------------------------
# Each stand-in whose id is not valid gets one of these: no real id can hold a NUL, so it never
# equals another person's id, and the checks between records never name it.
_UNNAMED = count()


def _stand_in_id(value: object) -> str | None:
    """``value`` when it is a valid id, else None (the stand-in gets an id no one else has)."""
    return value if isinstance(value, str) and not check_id(value, "id") else None


def _named(person: Any, value: object) -> None:
    if _stand_in_id(value) is None:
        object.__setattr__(person, "id", f"\x00{next(_UNNAMED)}")


def _valid_ids(values: object) -> tuple[str, ...]:
    """The valid ids of a list (a JSON array, or a list read from a cell), each once, in order;
    anything that is not a list names none."""
    if not isinstance(values, list | tuple):
        return ()
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and not check_id(v, "")))


def citizen_stand_in(values: Mapping[str, Any]) -> tuple[Citizen, bool]:
    """A citizen for the checks between records, made of the fields of a record that could not
    be built (``values``: the constructor's arguments, as read) that those checks need, as far
    as they are valid; and whether its attributes are known.

    So that a record with one problem still has its others found: the committees it names are
    checked against the scenario's, its household and id take part in the rule names and the
    duplicate ids, and its attributes count for the quotas' "no citizen has this attribute".
    A stand-in is only ever checked, never part of a scenario. An attribute whose value is not
    valid counts as present; when the attributes are no mapping at all they are unknown.

    Examples
    --------
    >>> c, known = citizen_stand_in({"id": "c1", "applied_to": ["a", 5, "a"], "tags": "x",
    ...                              "attributes": {"gender": " f", "age ": "30"}})
    >>> c.id, c.applied_to, dict(c.attributes), known
    ('c1', ('a',), {'gender': '-'}, True)
    """
    raw = values.get("attributes", {})
    known = isinstance(raw, Mapping)
    attributes: dict[str, str] = {}
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            if isinstance(key, str) and not check_id(key, "") and key not in CITIZEN_COLUMNS:
                attributes[key] = value if isinstance(value, str) and not check_value(
                    value, key) else "-"
    household = values.get("household")
    open_to_any = values.get("open_to_any", False)
    citizen = Citizen(id=_stand_in_id(values.get("id")) or "-",
                      applied_to=_valid_ids(values.get("applied_to", ())),
                      open_to_any=open_to_any if isinstance(open_to_any, bool) else False,
                      household=_stand_in_id(household),
                      attributes=attributes)
    _named(citizen, values.get("id"))
    return citizen, known


def politician_stand_in(values: Mapping[str, Any]) -> Politician:
    """A politician for the checks between records, as :func:`citizen_stand_in` makes a
    citizen: its valid id and the valid committee ids of its preferences.

    Examples
    --------
    >>> p = politician_stand_in({"id": "p1", "party": "A", "preferences": ["zz"],
    ...                          "min_committees": 3, "max_committees": 1})
    >>> p.id, p.preferences, p.min_committees, p.max_committees
    ('p1', ('zz',), 0, None)
    """
    politician = Politician(id=_stand_in_id(values.get("id")) or "-",
                            party=_stand_in_id(values.get("party")) or "-",
                            preferences=_valid_ids(values.get("preferences", ())))
    _named(politician, values.get("id"))
    return politician
