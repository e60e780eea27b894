"""A whole matching problem: mandates, people and council-wide rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import count
from typing import TYPE_CHECKING, Any, TypeVar

from ._validate import check_count, check_id, collect_tuple, raise_if
from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .messages import text
from .people import Citizen, Politician
from .rules import Rule, RuleKind, rule_name
from .tables import Table, frame_to_table, read_people

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CouncilRules", "Scenario"]


# Where cross-reference problems point before a loader maps them to files and rows: the name
# of the Scenario field, and the 0-based position in it.
MANDATES = "Scenario.mandates"
CANCELLED = "Scenario.cancelled"
CITIZENS = "Scenario.citizens"
POLITICIANS = "Scenario.politicians"
QUOTAS = "Scenario.quotas"
# A note lists at most this many people by id.
_SHOWN = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class CouncilRules:
    """Rules for the politicians on every committee.

    Parameters
    ----------
    max_per_party : int or None, default None
        At most this many politicians of one party on a committee.
    min_parties : int, default 0
        At least this many distinct parties among a committee's politicians.

    Examples
    --------
    >>> CouncilRules(max_per_party=2, min_parties=3)
    CouncilRules(max_per_party=2, min_parties=3)
    """

    max_per_party: int | None = None
    min_parties: int = 0

    def __post_init__(self) -> None:
        raise_if(check_count(self.max_per_party, "max_per_party", optional=True)
                 + check_count(self.min_parties, "min_parties"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """Everything the solver needs: one mandate per committee, the applicants, the council.

    Construction checks that ids are unique and that every committee id, profile and quota
    refers to something that exists; all problems are reported at once in an
    :class:`~cocreate_match.InputError`. Whether the rules *can* be met is the solver's
    question, not the constructor's.

    A cancelled committee is kept whole in :attr:`cancelled` but seats nobody and has no
    rules. People may still name it: the constructor skips it in their lists (the later
    choices move up a rank) and records each skip in :attr:`skipped`, which
    :meth:`cancellation_notes` sums up. A citizen left with no committee stays in the scenario,
    unseated.

    Parameters
    ----------
    mandates : iterable of Mandate
        One per active committee, in the order plans and summaries list them.
    citizens : iterable of Citizen
    politicians : iterable of Politician
    council : CouncilRules
    quotas : iterable of Quota
        Global quotas, over the seated citizens of all committees together.
    cancelled : iterable of Mandate
        The mandates of cancelled committees (``cancelled = true`` in ``mandates.toml``; see
        :meth:`cancel`). An id is either active or cancelled, not both.
    skipped : iterable of (person id, committee id)
        Filled in by the constructor: the preferences it skipped because they name a
        cancelled committee. It takes no part in equality; passing it on (as
        ``dataclasses.replace`` does) keeps the record of earlier cancellations.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Politician
    >>> s = Scenario(
    ...     mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=1)],
    ...     citizens=[Citizen(id="c1", applied_to=["climate"])],
    ...     politicians=[Politician(id="p1", party="A")],
    ... )
    >>> s.mandate("climate").citizen_seats, s.citizen("c1").applied_to
    (1, ('climate',))
    """

    mandates: tuple[Mandate, ...]
    citizens: tuple[Citizen, ...] = ()
    politicians: tuple[Politician, ...] = ()
    council: CouncilRules = field(default_factory=CouncilRules)
    quotas: tuple[Quota, ...] = ()
    cancelled: tuple[Mandate, ...] = ()
    skipped: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
    _index: Mapping[str, Mapping[str, int]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _longest: int = field(init=False, repr=False, compare=False, hash=False, default=0)

    if TYPE_CHECKING:  # what the constructor takes: any iterable becomes a tuple
        def __init__(self, *, mandates: Iterable[Mandate], citizens: Iterable[Citizen] = (),
                     politicians: Iterable[Politician] = (),
                     council: CouncilRules = CouncilRules(), quotas: Iterable[Quota] = (),
                     cancelled: Iterable[Mandate] = (),
                     skipped: Iterable[tuple[str, str]] = ()) -> None: ...

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name in ("mandates", "citizens", "politicians", "quotas", "cancelled", "skipped"):
            object.__setattr__(self, name, collect_tuple(getattr(self, name), name, problems))
        # Every problem at once: the references and rule names of the well-formed items are
        # checked even when other items are of the wrong type.
        problems += _problems(self)
        raise_if(problems)
        _skip_cancelled(self)
        object.__setattr__(self, "_index", {
            "mandates": {m.id: i for i, m in enumerate(self.mandates)},
            "citizens": {c.id: i for i, c in enumerate(self.citizens)},
            "politicians": {p.id: i for i, p in enumerate(self.politicians)},
        })
        lengths = [len(c.applied_to) for c in self.citizens]
        lengths += [len(p.preferences) for p in self.politicians]
        object.__setattr__(self, "_longest", max(lengths, default=0))

    # -- look-ups -----------------------------------------------------------------------------
    @property
    def committee_ids(self) -> tuple[str, ...]:
        """Committee ids in mandate order."""
        return tuple(m.id for m in self.mandates)

    def mandate(self, committee_id: str) -> Mandate:
        """The mandate of a committee; KeyError if there is none."""
        return self.mandates[self._index["mandates"][committee_id]]

    def citizen(self, person_id: str) -> Citizen:
        """A citizen by id; KeyError if there is none."""
        return self.citizens[self._index["citizens"][person_id]]

    def politician(self, person_id: str) -> Politician:
        """A politician by id; KeyError if there is none."""
        return self.politicians[self._index["politicians"][person_id]]

    def rules(self) -> dict[str, Rule]:
        """Every rule by the name plans, checks and explanations use, in a fixed order
        (see :mod:`cocreate_match.rules`).

        Examples
        --------
        >>> from cocreate_match import Mandate
        >>> list(Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)]).rules())
        ['a/seats/citizens', 'a/seats/politicians', 'a/council/max_per_party', \
'a/council/min_parties']
        """
        return {rule.name: rule for rule in _rules(self)}

    def score(self, person: Citizen | Politician, committee_id: str) -> int:
        """What seating ``person`` on a committee adds to the objective (see ``solve``):
        ``L + 1 - rank`` for a committee in their list, 1 for a citizen open to any committee,
        else 0.

        Examples
        --------
        >>> from cocreate_match import Mandate
        >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
        ...              citizens=[Citizen(id="c", applied_to=["a"])])
        >>> s.score(s.citizen("c"), "a")
        1
        """
        rank = person.rank(committee_id)
        if rank is not None:
            return self.longest_list + 1 - rank
        return 1 if isinstance(person, Citizen) and person.open_to_any else 0

    @property
    def longest_list(self) -> int:
        """L in the objective: the longest ``applied_to`` or ``preferences`` list."""
        return self._longest

    def __repr__(self) -> str:
        from .display import scenario_text

        return scenario_text(self)

    def _repr_html_(self) -> str:
        from .display import scenario_html

        return scenario_html(self)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The scenario as tidy DataFrames, numbers as numbers.

        ``citizens`` and ``politicians`` have the columns of ``citizens.csv`` and
        ``politicians.csv`` (lists ``;``-separated; an attribute per column, empty when
        missing), so :meth:`from_frames` reads them back. ``committees`` has one row per
        committee (``cancelled`` true for a cancelled one), ``profiles`` one per competence
        profile and ``quotas`` one per quota (``committee_id`` ``*`` for a global quota);
        ``max`` is empty where there is none.

        Examples
        --------
        >>> from cocreate_match.demo import demo_scenario
        >>> frames = demo_scenario().to_frames()
        >>> sorted(frames)
        ['citizens', 'committees', 'politicians', 'profiles', 'quotas']
        >>> frames["committees"]["citizen_seats"].dtype.kind
        'i'
        """
        import pandas as pd

        from .scenario_files import people_rows

        citizens, politicians = people_rows(self)
        people = pd.DataFrame(politicians[1:], columns=politicians[0])
        people["min_committees"] = people["min_committees"].astype("int64")
        people["max_committees"] = pd.to_numeric(people["max_committees"]).astype("Int64")
        every = [(m, False) for m in self.mandates] + [(m, True) for m in self.cancelled]
        committees = pd.DataFrame(
            [{"id": m.id, "title": m.title, "citizen_seats": m.citizen_seats,
              "politician_seats": m.politician_seats, "cancelled": gone} for m, gone in every],
            columns=["id", "title", "citizen_seats", "politician_seats", "cancelled"])
        profiles = pd.DataFrame(
            [{"committee_id": m.id, "name": p.name, "any_of": ";".join(sorted(p.any_of)),
              "min": p.min, "max": p.max} for m, _ in every for p in m.profiles],
            columns=["committee_id", "name", "any_of", "min", "max"])
        quotas = pd.DataFrame(
            [{"committee_id": cid, "attribute": q.attribute, "value": q.value, "min": q.min,
              "max": q.max} for cid, q in [*(("*", q) for q in self.quotas),
                                           *((m.id, q) for m, _ in every for q in m.quotas)]],
            columns=["committee_id", "attribute", "value", "min", "max"])
        return {
            "committees": committees.astype({"citizen_seats": "int64",
                                             "politician_seats": "int64", "cancelled": "bool"}),
            "profiles": profiles.astype({"min": "int64", "max": "Int64"}),
            "quotas": quotas.astype({"min": "int64", "max": "Int64"}),
            "citizens": pd.DataFrame(citizens[1:], columns=citizens[0]),
            "politicians": people}

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a plain dict that ``json.dumps`` takes and :meth:`from_dict` reads
        back: ``Scenario.from_dict(s.to_dict()) == s``.

        Keys ``mandates``, ``citizens``, ``politicians``, ``council``, ``quotas`` and
        ``cancelled``; each mandate, citizen, politician and quota is a dict of its fields
        (``Mandate(**d)`` reads a mandate back). ``None`` (no household, no maximum) is
        ``null``; tags are sorted lists. The preferences a cancelled committee skipped are
        written back into the lists, as :func:`~cocreate_match.save_scenario` writes them.
        The JSON Schema is ``json_schema("scenario")``; :mod:`cocreate_match.serialize` has
        the whole layout.

        Examples
        --------
        >>> import json
        >>> from cocreate_match import Mandate
        >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
        ...              citizens=[Citizen(id="c", applied_to=["a"], household="h")])
        >>> d = s.to_dict()
        >>> d["citizens"][0]
        {'id': 'c', 'applied_to': ['a'], 'open_to_any': False, 'tags': [], 'household': 'h', \
'attributes': {}}
        >>> Scenario.from_dict(json.loads(json.dumps(d))) == s
        True
        """
        from .serialize import scenario_to_dict

        return scenario_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> Scenario:
        """Read a scenario from a dict laid out as :meth:`to_dict` writes it (parsed JSON).

        Only ``mandates`` is required; the other lists default to empty and ``council`` to no
        rules. Every problem is reported at once; each names its place as a JSON path in
        ``section`` (such as ``mandates[2].profiles[0]``, 0-based) and the key in ``column``,
        and ``file`` when given.

        Raises
        ------
        InputError
            For unknown or missing keys, values of the wrong type, and everything the
            constructors refuse (bad ids, ``min > max``, unknown committees, ...).

        Examples
        --------
        >>> from cocreate_match import InputError
        >>> data = {"mandates": [{"id": "a", "profiles": [{"name": "p", "any_of": ["t"],
        ...                                               "min": 2, "max": 1}]}],
        ...         "citizens": [{"id": "c", "applied_to": ["b"]}]}
        >>> try:
        ...     Scenario.from_dict(data, file="scenario.json")
        ... except InputError as err:
        ...     for problem in err.problems:
        ...         print(problem)
        scenario.json, mandates[0].profiles[0], key min, value 2: min (2) is greater than \
max (1)
        scenario.json, citizens[0], key applied_to, value 'b': unknown committee id
        """
        from .serialize import scenario_from_dict

        return scenario_from_dict(data, file=file)

    # -- cancelled committees -------------------------------------------------------------------
    def cancel(self, *committee_ids: str) -> Scenario:
        """The same scenario with these committees cancelled.

        Their mandates move from :attr:`mandates` to :attr:`cancelled`; the preferences naming
        them are skipped (see the class description). Cancelling a committee that is already
        cancelled changes nothing. The same scenario is read from files when the committee's
        ``[[committee]]`` in ``mandates.toml`` has ``cancelled = true``.

        Raises
        ------
        InputError
            Naming each id that is no committee of the scenario, or when no committee would
            be left.

        Examples
        --------
        >>> from cocreate_match import Mandate
        >>> s = Scenario(mandates=[Mandate(id="a"), Mandate(id="b")],
        ...              citizens=[Citizen(id="c", applied_to=["a", "b"])])
        >>> t = s.cancel("a")
        >>> t.committee_ids, t.citizen("c").applied_to, [m.id for m in t.cancelled]
        (('b',), ('b',), ['a'])
        >>> t.cancellation_notes()[0]
        "Committee 'a' is cancelled: 1 preference naming it was skipped (citizens: 1, \
politicians: 0)."
        """
        known = {m.id for m in (*self.mandates, *self.cancelled)}
        unknown = [cid for cid in committee_ids if not isinstance(cid, str) or cid not in known]
        if unknown:
            names = ", ".join(sorted(known))
            raise InputError([Problem(code="CM-E036", params={"committees": names},
                                      column="committee_ids", value=cid) for cid in unknown])
        dropped = set(committee_ids)
        return replace(self, mandates=tuple(m for m in self.mandates if m.id not in dropped),
                       cancelled=(*self.cancelled,
                                  *(m for m in self.mandates if m.id in dropped)))

    def cancellation_notes(self) -> tuple[str, ...]:
        """In plain words, per cancelled committee, how many preferences naming it were
        skipped; then the citizens who named only cancelled committees (they stay in the
        scenario and cannot be seated). In the current language
        (:func:`~cocreate_match.messages.set_language`).

        Examples
        --------
        >>> from cocreate_match import Mandate
        >>> s = Scenario(mandates=[Mandate(id="a")], cancelled=[Mandate(id="b")],
        ...              citizens=[Citizen(id="c", applied_to=["b"])])
        >>> for note in s.cancellation_notes():
        ...     print(note)
        Committee 'b' is cancelled: 1 preference naming it was skipped (citizens: 1, \
politicians: 0).
        1 citizen named only cancelled committees and cannot be seated: c.
        """
        citizens = self._index["citizens"]
        notes = []
        for m in self.cancelled:
            by_citizens = sum(1 for pid, cid in self.skipped if cid == m.id and pid in citizens)
            total = sum(1 for _, cid in self.skipped if cid == m.id)
            if total == 0:
                notes.append(text("CM-R200", committee=m.id))
                continue
            notes.append(text("CM-R201", committee=m.id, total=total, citizens=by_citizens,
                              politicians=total - by_citizens))
        skipped_people = {pid for pid, _ in self.skipped}
        stranded = [c.id for c in self.citizens if c.id in skipped_people
                    and not c.applied_to and not c.open_to_any]
        if stranded:
            shown = ", ".join(stranded[:_SHOWN])
            if len(stranded) > _SHOWN:
                notes.append(text("CM-R203", count=len(stranded), ids=shown,
                                  more=len(stranded) - _SHOWN))
            else:
                notes.append(text("CM-R202", count=len(stranded), ids=shown))
        return tuple(notes)

    # -- alternate constructors -----------------------------------------------------------------
    @classmethod
    def from_frames(
        cls,
        *,
        mandates: Iterable[Mandate],
        citizens: pd.DataFrame,
        politicians: pd.DataFrame,
        council: CouncilRules | None = None,
        quotas: Iterable[Quota] = (),
        cancelled: Iterable[Mandate] = (),
    ) -> Scenario:
        """Build a scenario from pandas DataFrames of citizens and politicians.

        The frames have the columns of ``citizens.csv`` and ``politicians.csv``: citizens need
        ``id`` and ``applied_to`` (``;``-separated string or a list; ``*`` for any committee),
        may have ``tags`` and ``household``, and every other column is an attribute; an empty,
        ``None`` or NaN cell is a missing attribute. Politicians need ``id`` and ``party``, and
        may have ``preferences``, ``min_committees`` and ``max_committees``. Problems name the
        frame's row labels.

        Examples
        --------
        >>> import pandas as pd
        >>> from cocreate_match import Mandate
        >>> s = Scenario.from_frames(
        ...     mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=1)],
        ...     citizens=pd.DataFrame({"id": ["c1"], "applied_to": ["*"], "gender": ["female"]}),
        ...     politicians=pd.DataFrame({"id": ["p1"], "party": ["A"]}),
        ... )
        >>> s.citizens[0].open_to_any, s.citizens[0].attributes["gender"]
        (True, 'female')
        """
        return build_scenario(
            mandates=tuple(mandates),
            cancelled=tuple(cancelled),
            citizens=frame_to_table(citizens, "citizens"),
            politicians=frame_to_table(politicians, "politicians"),
            council=council or CouncilRules(),
            quotas=tuple(quotas),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Parts:
    """What a Scenario is made of, before it is made: the items may be of any kind, and may be
    stand-ins for records that could not be built (see :func:`scenario_problems`)."""

    mandates: tuple[Any, ...]
    citizens: tuple[Any, ...]
    politicians: tuple[Any, ...]
    council: Any
    quotas: tuple[Any, ...]
    cancelled: tuple[Any, ...]
    skipped: tuple[Any, ...] = ()


def _problems(s: Scenario | _Parts) -> list[Problem]:
    """Every problem between the parts: the references and rule names of the well-formed
    items are checked even when other items are of the wrong type."""
    return _type_problems(s) + _reference_problems(s) + _rule_name_problems(s)


def scenario_problems(*, mandates: Iterable[object], citizens: Iterable[object] = (),
                      politicians: Iterable[object] = (), council: object = None,
                      quotas: Iterable[object] = (),
                      cancelled: Iterable[object] = ()) -> list[Problem]:
    """What ``Scenario(...)`` of these parts would report between them (duplicate ids,
    unknown committees, quota attributes no citizen has, rule names that clash), without
    making it.

    A loader passes stand-ins for the records that could not be built (such as
    :func:`~cocreate_match.people.citizen_stand_in`), so that a record with one problem still
    has its references checked; the scenario is never made of them.

    Examples
    --------
    >>> from cocreate_match import Mandate
    >>> from cocreate_match.people import politician_stand_in
    >>> p = politician_stand_in({"id": "p1", "party": "A", "preferences": ["zz"],
    ...                          "min_committees": 3, "max_committees": 1})
    >>> [(x.code, x.value) for x in scenario_problems(mandates=[Mandate(id="a")],
    ...                                               politicians=[p])]
    [('CM-E032', 'zz')]
    """
    return _problems(_Parts(mandates=tuple(mandates), citizens=tuple(citizens),
                            politicians=tuple(politicians),
                            council=CouncilRules() if council is None else council,
                            quotas=tuple(quotas), cancelled=tuple(cancelled)))


def quota_stand_in(values: Mapping[str, Any]) -> Quota | None:
    """A quota for :func:`scenario_problems`, made of the attribute and value of a quota that
    could not be built (``values``, its fields as read), its limits left out; None when the
    attribute is not valid. A value that is not valid is one no other quota has.

    Examples
    --------
    >>> quota_stand_in({"attribute": "gender", "value": "f", "min": 3, "max": 1})
    Quota(attribute='gender', value='f', min=0, max=None)
    >>> quota_stand_in({"attribute": "", "value": "f"}) is None
    True
    """
    attribute, value = values.get("attribute"), values.get("value")
    try:
        quota = Quota(attribute=attribute, value="-")  # type: ignore[arg-type]
    except InputError:
        return None
    try:
        return Quota(attribute=quota.attribute, value=value)  # type: ignore[arg-type]
    except InputError:
        # No value can hold a NUL, so this quota's name is no other's.
        object.__setattr__(quota, "value", f"\x00{next(_UNNAMED_QUOTAS)}")
        return quota


_UNNAMED_QUOTAS = count()


def profile_stand_in(values: Mapping[str, Any]) -> CompetenceProfile | None:
    """A competence profile for :func:`scenario_problems` (only its name takes part in the
    checks between records), or None when the name is not valid."""
    try:
        return CompetenceProfile(name=values.get("name"), any_of=("-",))  # type: ignore[arg-type]
    except InputError:
        return None


def mandate_stand_in(committee_id: object, profiles: Iterable[CompetenceProfile] = (),
                     quotas: Iterable[Quota] = ()) -> Mandate | None:
    """A mandate for :func:`scenario_problems` standing in for one that could not be built:
    its id, so that people naming the committee are not also reported as naming an unknown
    one, and the profiles and quotas that could be read (or their stand-ins), whose names and
    attributes are checked with the rest. None when the id is not valid.

    Examples
    --------
    >>> m = mandate_stand_in("a", quotas=[Quota(attribute="gender", value="f")])
    >>> m.id, m.citizen_seats, [q.name for q in m.quotas]
    ('a', 10, ['gender=f'])
    """
    if not isinstance(committee_id, str) or check_id(committee_id, "id"):
        return None
    profiles, quotas = tuple(profiles), tuple(quotas)
    # Two profiles or quotas of one name are reported with the mandate: leave them out.
    for kept in ((profiles, quotas), ((), quotas), ((), ())):
        try:
            return Mandate(id=committee_id, profiles=kept[0], quotas=kept[1])
        except InputError:
            continue
    return None  # pragma: no cover - a valid id makes a mandate


def _type_problems(s: Scenario | _Parts) -> list[Problem]:
    problems: list[Problem] = []
    expected: Sequence[tuple[str, str, type]] = (
        ("mandates", MANDATES, Mandate),
        ("citizens", CITIZENS, Citizen),
        ("politicians", POLITICIANS, Politician),
        ("quotas", QUOTAS, Quota),
        ("cancelled", CANCELLED, Mandate),
    )
    for name, where, kind in expected:
        for i, item in enumerate(getattr(s, name)):
            if not isinstance(item, kind):
                problems.append(Problem(code="CM-E016", params={"kind": kind.__name__},
                                        file=where, row=i, value=item))
    for item in s.skipped:
        if not (isinstance(item, tuple) and len(item) == 2
                and all(isinstance(x, str) for x in item)):
            problems.append(Problem(code="CM-E023", column="skipped", value=item))
    if not isinstance(s.council, CouncilRules):
        problems.append(Problem(code="CM-E016", params={"kind": "CouncilRules"},
                                column="council", value=s.council))
    if not s.mandates:
        code = "CM-E025" if s.cancelled else "CM-E024"
        problems.append(Problem(code=code, file=MANDATES))
    return problems


T = TypeVar("T")


def _typed(items: Sequence[object], kind: type[T]) -> list[tuple[int, T]]:
    """The items of the right kind, each with its position; the others are reported by
    :func:`_type_problems` and skipped here."""
    return [(i, item) for i, item in enumerate(items) if isinstance(item, kind)]


def _duplicates(items: Sequence[tuple[int, Mandate | Citizen | Politician]], where: str,
                code: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, item in items:
        if item.id in seen:
            problems.append(Problem(code=code, file=where, row=i, column="id", value=item.id))
        seen.add(item.id)
    return problems


def _reference_problems(s: Scenario | _Parts) -> list[Problem]:
    mandates, cancelled = _typed(s.mandates, Mandate), _typed(s.cancelled, Mandate)
    citizens, politicians = _typed(s.citizens, Citizen), _typed(s.politicians, Politician)
    problems = _duplicates(mandates, MANDATES, "CM-E026")
    problems += _duplicates(cancelled, CANCELLED, "CM-E027")
    active = {m.id for _, m in mandates}
    for i, m in cancelled:
        if m.id in active:
            problems.append(Problem(code="CM-E030", file=CANCELLED, row=i, column="id",
                                    value=m.id))
    problems += _duplicates(citizens, CITIZENS, "CM-E028")
    problems += _duplicates(politicians, POLITICIANS, "CM-E029")
    citizen_ids = {c.id for _, c in citizens}
    for i, p in politicians:
        if p.id in citizen_ids:
            problems.append(Problem(code="CM-E031", file=POLITICIANS, row=i, column="id",
                                    value=p.id))
    # People may name a cancelled committee; the constructor then skips it.
    committees = active | {m.id for _, m in cancelled}
    for i, c in citizens:
        for cid in c.applied_to:
            if cid not in committees:
                problems.append(Problem(code="CM-E032", file=CITIZENS, row=i,
                                        column="applied_to", value=cid))
    for i, p in politicians:
        for cid in p.preferences:
            if cid not in committees:
                problems.append(Problem(code="CM-E032", file=POLITICIANS, row=i,
                                        column="preferences", value=cid))
    if citizens:
        known = set().union(*(c.attributes.keys() for _, c in citizens))
        quotas = [(QUOTAS, i, q) for i, q in _typed(s.quotas, Quota)]
        quotas += [(MANDATES, i, q) for i, m in mandates for q in m.quotas]
        # A cancelled committee's quotas are checked too: it is kept whole, to be reinstated.
        quotas += [(CANCELLED, i, q) for i, m in cancelled for q in m.quotas]
        for where, i, q in quotas:
            if q.attribute not in known:
                problems.append(Problem(code="CM-E033", file=where, row=i,
                                        column="attribute", value=q.attribute))
    names: set[str] = set()
    for i, q in _typed(s.quotas, Quota):
        if q.name in names:
            problems.append(Problem(code="CM-E034", file=QUOTAS, row=i, value=q.name))
        names.add(q.name)
    return problems


def _skip_cancelled(s: Scenario) -> None:
    """Take the cancelled committees out of the people's lists and record each one taken.

    Earlier records are kept while they still describe the scenario (their person is in it,
    their committee still cancelled), so that cancelling in steps keeps every note.
    """
    cancelled = {m.id for m in s.cancelled}
    people = {c.id for c in s.citizens} | {p.id for p in s.politicians}
    skipped = [(pid, cid) for pid, cid in s.skipped if pid in people and cid in cancelled]
    citizens = []
    for c in s.citizens:
        if any(cid in cancelled for cid in c.applied_to):
            skipped += [(c.id, cid) for cid in c.applied_to if cid in cancelled]
            c = replace(c, applied_to=tuple(cid for cid in c.applied_to
                                            if cid not in cancelled))
        citizens.append(c)
    politicians = []
    for p in s.politicians:
        if any(cid in cancelled for cid in p.preferences):
            skipped += [(p.id, cid) for cid in p.preferences if cid in cancelled]
            p = replace(p, preferences=tuple(cid for cid in p.preferences
                                             if cid not in cancelled))
        politicians.append(p)
    object.__setattr__(s, "citizens", tuple(citizens))
    object.__setattr__(s, "politicians", tuple(politicians))
    object.__setattr__(s, "skipped", tuple(dict.fromkeys(skipped)))


def _rules(s: Scenario) -> list[Rule]:
    """Every rule of the scenario, with its limits, in the order :meth:`Scenario.rules`
    gives."""
    return _rules_of(s.mandates, s.quotas, s.politicians, s.citizens, s.council)


def _rules_of(mandates: Iterable[Mandate], quotas: Iterable[Quota],
              politicians: Iterable[Politician], citizens: Iterable[Citizen],
              council: CouncilRules) -> list[Rule]:
    rules: list[Rule] = []
    for m in mandates:
        rules.append(Rule(name=rule_name(RuleKind.CITIZEN_SEATS, m.id),
                          kind=RuleKind.CITIZEN_SEATS, committee=m.id, low=m.citizen_seats,
                          high=m.citizen_seats))
        rules.append(Rule(name=rule_name(RuleKind.POLITICIAN_SEATS, m.id),
                          kind=RuleKind.POLITICIAN_SEATS, committee=m.id,
                          low=m.politician_seats, high=m.politician_seats))
        rules += [Rule(name=rule_name(RuleKind.PROFILE, m.id, p.name), kind=RuleKind.PROFILE,
                       committee=m.id, key=p.name, low=p.min, high=p.max, any_of=p.any_of)
                  for p in m.profiles]
        rules += [Rule(name=rule_name(RuleKind.QUOTA, m.id, q.name), kind=RuleKind.QUOTA,
                       committee=m.id, key=q.name, low=q.min, high=q.max,
                       attribute=q.attribute, value=q.value) for q in m.quotas]
        rules.append(Rule(name=rule_name(RuleKind.MAX_PER_PARTY, m.id),
                          kind=RuleKind.MAX_PER_PARTY, committee=m.id,
                          high=council.max_per_party))
        rules.append(Rule(name=rule_name(RuleKind.MIN_PARTIES, m.id), kind=RuleKind.MIN_PARTIES,
                          committee=m.id, low=council.min_parties))
    rules += [Rule(name=rule_name(RuleKind.GLOBAL_QUOTA, key=q.name),
                   kind=RuleKind.GLOBAL_QUOTA, key=q.name, low=q.min, high=q.max,
                   attribute=q.attribute, value=q.value) for q in quotas]
    rules += [Rule(name=rule_name(RuleKind.POLITICIAN, key=p.id), kind=RuleKind.POLITICIAN,
                   key=p.id, low=p.min_committees, high=p.max_committees)
              for p in politicians]
    households = dict.fromkeys(c.household for c in citizens if c.household is not None)
    rules += [Rule(name=rule_name(RuleKind.HOUSEHOLD, key=h), kind=RuleKind.HOUSEHOLD, key=h,
                   high=1) for h in households]
    return rules


def _rule_name_problems(s: Scenario | _Parts) -> list[Problem]:
    """Two rules must not share a name (a committee "household" and a household
    "seats/citizens" would), or reports could not tell them apart. Items of the wrong kind
    are left out (they are reported on their own)."""
    seen: dict[str, Rule] = {}
    problems = []
    council = s.council if isinstance(s.council, CouncilRules) else CouncilRules()
    rules = _rules_of([m for _, m in _typed(s.mandates, Mandate)],
                      [q for _, q in _typed(s.quotas, Quota)],
                      [p for _, p in _typed(s.politicians, Politician)],
                      [c for _, c in _typed(s.citizens, Citizen)], council)
    for rule in rules:
        earlier = seen.get(rule.name)
        if earlier is not None and (earlier.kind, earlier.committee, earlier.key) != (
                rule.kind, rule.committee, rule.key):
            problems.append(Problem(code="CM-E035", value=rule.name,
                                    params={"name": rule.name, "first": earlier.kind.value,
                                            "second": rule.kind.value}))
        seen.setdefault(rule.name, rule)
    return problems


def relocate(err: InputError, places: Mapping[str, tuple[str, Sequence[int | str]]]) -> InputError:
    """Map problems that point at Scenario fields to the files and rows they came from.

    ``places`` maps a field marker (such as ``Scenario.citizens``) to a file name and the file
    row of each position in that field.
    """
    mapped = []
    for p in err.problems:
        if p.file is not None and p.file in places:
            file, rows = places[p.file]
            if isinstance(p.row, int):
                p = replace(p, file=file, row=rows[p.row])
            else:
                p = replace(p, file=file)
        mapped.append(p)
    return InputError(mapped)


def build_scenario(
    *,
    mandates: tuple[Mandate, ...] | None,
    citizens: Table | None,
    politicians: Table | None,
    council: CouncilRules,
    quotas: tuple[Quota, ...],
    cancelled: tuple[Mandate, ...] = (),
    toml_places: Mapping[str, tuple[str, Sequence[str]]] | None = None,
    problems: Sequence[Problem] = (),
    attribute_columns: frozenset[str] | None = None,
) -> Scenario:
    """Parse both tables and build the scenario, raising one InputError with every problem.

    A ``None`` in place of the mandates or a table means it could not be read (the reason is
    among ``problems``): the rows of the other tables are still checked, but not the references
    between them. ``problems`` are problems found earlier (in the mandates file, say), reported
    together with these. ``toml_places`` maps :data:`MANDATES`, :data:`CANCELLED` and
    :data:`QUOTAS` to the file and the TOML section of each item. ``attribute_columns`` are
    the citizens' attribute columns when the caller already reported each quota attribute
    that is not one of them, so that the scenario's own check would only repeat it.
    """
    found = list(problems)
    read_c, read_p = read_people(citizens, politicians, found)
    if mandates is None or read_c is None or read_p is None:
        # Without all three parts the references between them cannot be checked.
        if not found:  # pragma: no cover - a caller passing None has a problem to report
            raise ValueError("build_scenario needs a problem for each part it could not read")
        raise InputError(found)
    scenario = None
    if found:
        # Some records are stand-ins for rows reported already: check between them all the
        # same, but make no scenario of them.
        between = scenario_problems(mandates=mandates, cancelled=cancelled,
                                    citizens=read_c.items, politicians=read_p.items,
                                    council=council, quotas=quotas)
    else:
        try:
            scenario = Scenario(mandates=mandates, cancelled=cancelled, citizens=read_c.items,
                                politicians=read_p.items, council=council, quotas=quotas)
            between = []
        except InputError as err:
            between = list(err.problems)
    places: dict[str, tuple[str, Sequence[int | str]]] = {
        CITIZENS: (read_c.table.file, read_c.labels),
        POLITICIANS: (read_p.table.file, read_p.labels),
    }
    for p in (relocate(InputError(between), places).problems if between else ()):
        if p.code == "CM-E033" and (not read_c.whole or (
                attribute_columns is not None and p.value not in attribute_columns)):
            # Said already (no such column), or unknown (a row of the wrong width).
            continue
        if toml_places is not None and p.file is not None and p.file in toml_places:
            file, sections = toml_places[p.file]
            section = sections[p.row] if isinstance(p.row, int) else None
            p = replace(p, file=file, section=section, row=None)
        found.append(p)
    if found:
        raise InputError(unique_problems(found))
    if scenario is None:  # pragma: no cover - every problem skipped was reported by the caller
        raise AssertionError("a scenario with problems was not reported")
    return scenario


def unique_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once: a duplicate id is found by the loader and by the scenario, in texts
    that are the same in English; compared in English, so in any language it is said once.

    Examples
    --------
    >>> a = Problem(code="CM-E135", file="citizens.csv", row=3, column="id", value="c1")
    >>> len(unique_problems([a, replace(a, code="CM-E028")]))
    1
    """
    unique: dict[tuple[str, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.where("en"), p.text("en")), p)
    return list(unique.values())
