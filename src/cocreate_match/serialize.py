"""Scenarios, plans, results and lotteries as plain JSON-ready dicts, and back.

Every ``to_dict`` method (:meth:`Scenario.to_dict <cocreate_match.Scenario.to_dict>`,
:meth:`Plan.to_dict <cocreate_match.Plan.to_dict>`,
:meth:`SolveResult.to_dict <cocreate_match.SolveResult.to_dict>`,
:meth:`Lottery.to_dict <cocreate_match.Lottery.to_dict>`) and both ``from_dict`` methods
delegate here, so that the layout is defined in one place. The dicts hold only ``str``,
``int``, ``float``, ``bool``, ``None``, lists and dicts, so ``json.dumps`` takes them as they
are.

The layout:

- A key is the name of the attribute it holds (``citizen_seats``, ``max_committees``), and
  every key is always present.
- An enum is its string value (``"citizen"``, ``"optimal"``, ``"leximin"``).
- A missing upper limit (``max``, ``max_committees``, ``max_per_party``) is ``null``, and so
  is every other attribute that is ``None``.
- Sets (tags, a profile's ``any_of``) are sorted lists; other lists keep their order.
- A citizen open to any committee has ``"open_to_any": true`` (the ``*`` of
  ``citizens.csv``). The preferences a cancelled committee skipped are written back into the
  people's lists, after their other choices, as :func:`~cocreate_match.save_scenario` writes
  them; reading the dict skips them again.

``from_dict`` checks the dict as the constructors check their arguments, and reports every
problem at once in an :class:`~cocreate_match.InputError`: ``section`` is the JSON path of the
object (``mandates[2].profiles[0]``, 0-based), ``column`` its key, and ``file`` the file when
there is one. The JSON Schemas (:func:`json_schema`) describe the same layouts for other
languages; they check the shape, ``from_dict`` checks everything.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, fields, replace
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .people import Citizen, Politician, citizen_stand_in, politician_stand_in
from .plan import Plan, Reserve, Seat, Withdrawal
from .scenario import (
    CANCELLED,
    CITIZENS,
    MANDATES,
    POLITICIANS,
    QUOTAS,
    CouncilRules,
    Scenario,
    mandate_stand_in,
    profile_stand_in,
    quota_stand_in,
    scenario_problems,
    unique_problems,
)

if TYPE_CHECKING:
    from .changes import Change
    from .check import Violation
    from .lottery import Lottery
    from .result import SolveResult

__all__ = ["SCHEMAS", "json_schema"]

SCHEMAS = ("scenario", "result", "lottery")
TOP = "top level"  # the section of a problem with a key of the outermost object

T = TypeVar("T")

# Keys whose value must be a list (a JSON array): the constructors take any iterable, and
# would read a string as one item or a dict as its keys.
_LISTS: dict[type, tuple[str, ...]] = {
    CompetenceProfile: ("any_of",),
    Mandate: ("profiles", "quotas"),
    Citizen: ("applied_to", "tags"),
    Politician: ("preferences",),
    Withdrawal: ("committee_ids",),
}
# Lists of ids or tags, whose items must be strings.
_STRINGS: dict[type, tuple[str, ...]] = {
    CompetenceProfile: ("any_of",),
    Citizen: ("applied_to", "tags"),
    Politician: ("preferences",),
    Withdrawal: ("committee_ids",),
}
# Where a constructor names a problem by its CSV column, the dict key it comes from.
_KEY_OF: dict[type, dict[str, str]] = {
    Reserve: {"reserve_rank": "rank"},
    Withdrawal: {"withdrawn": "when", "committee_id": "committee_ids"},
}
_SCENARIO_LISTS = ("mandates", "citizens", "politicians", "quotas", "cancelled")
_SCENARIO_KEYS = (*_SCENARIO_LISTS[:3], "council", "quotas", "cancelled")
_PLAN_LISTS = ("seats", "unseated_citizens", "unseated_politicians", "reserves", "withdrawn")
# The marker of each Scenario field (see scenario.py) and its key in the dict.
_MARKERS = {MANDATES: "mandates", CANCELLED: "cancelled", CITIZENS: "citizens",
            POLITICIANS: "politicians", QUOTAS: "quotas"}


# -- building objects from dicts -------------------------------------------------------------
def _keys(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind) if f.init)


def _required(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind)
                 if f.init and f.default is MISSING and f.default_factory is MISSING)


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def _joined(where: str | None, section: str | None) -> str | None:
    if where is None or section is None:
        return where or section
    return f"{where}.{section}"


def build(kind: type[T], raw: object, where: str | None,
          file: str | None = None) -> tuple[T | None, list[Problem]]:
    """An object of the dataclass ``kind`` from a dict of its fields, or None and every
    problem, each placed at ``where`` (a JSON path) in ``file``.

    Unknown and missing keys, and lists given as anything but lists, are reported along with
    what the constructor finds wrong with the other keys.

    Examples
    --------
    >>> profile, problems = build(CompetenceProfile, {"name": "young", "any_of": "student",
    ...                                               "min": -1}, "profiles[0]")
    >>> profile is None
    True
    >>> for problem in problems:
    ...     print(problem)
    profiles[0], key any_of, value 'student': must be a list (a JSON array)
    profiles[0], key min, value -1: must not be negative
    """
    if not isinstance(raw, Mapping):
        return None, [Problem(code="CM-E190", file=file, section=where, value=raw)]
    keys = _keys(kind)
    problems = [Problem(code="CM-E154", params={"keys": ", ".join(keys)}, file=file,
                        section=where, column=str(key)) for key in raw if key not in keys]
    missing = [key for key in _required(kind) if key not in raw]
    problems += [Problem(code="CM-E157", file=file, section=where, column=key)
                 for key in missing]
    values = {key: value for key, value in raw.items() if key in keys}
    not_lists = [key for key in _LISTS.get(kind, ()) if key in values
                 and not _is_list(values[key])]
    problems += [Problem(code="CM-E191", file=file, section=where, column=key,
                         value=values[key]) for key in not_lists]
    # Ids and tags are strings; the constructors would choke on a list or dict among them.
    for key in _STRINGS.get(kind, ()):
        if key in values and key not in not_lists:
            bad = [x for x in values[key] if not isinstance(x, str)]
            problems += [Problem(code="CM-E192", file=file, section=where, column=key,
                                 value=x) for x in bad]
            if bad:
                not_lists.append(key)
    # Stand-ins for what is missing or not a list, so that the other keys are still checked;
    # the problems of these keys are reported above, and the constructor's are dropped.
    reported = {*missing, *not_lists}
    values.update({key: ["-"] if key in _LISTS.get(kind, ()) else "-" for key in reported})
    renamed = _KEY_OF.get(kind, {})
    try:
        made = kind(**values)
    except InputError as err:
        for p in err.problems:
            column = renamed.get(p.column or "", p.column)
            if column in reported:
                continue
            section = p.section
            if kind is Citizen and column is not None and column not in keys:
                section = _joined("attributes", section)  # an attribute's value, by its name
            problems.append(replace(p, file=p.file or file, section=_joined(where, section),
                                    column=column))
        return None, problems
    return (None, problems) if problems else (made, [])


def from_mappings(kind: type[T], items: Iterable[object],
                  name: str) -> tuple[tuple[object, ...], list[Problem]]:
    """``items`` with each dict made into a ``kind`` (the others kept as they are), and the
    problems of the dicts that could not be, each placed at ``name[i]``.

    :class:`~cocreate_match.Mandate` calls this for profiles and quotas given as dicts.
    """
    kept: list[object] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            kept.append(item)
            continue
        made, found = build(kind, item, f"{name}[{i}]")
        problems += found
        if made is not None:
            kept.append(made)
    return tuple(kept), problems


# -- scenarios ------------------------------------------------------------------------------
def _limits(low: int, high: int | None) -> dict[str, Any]:
    return {"min": low, "max": high}


def quota_to_dict(q: Quota) -> dict[str, Any]:
    return {"attribute": q.attribute, "value": q.value, **_limits(q.min, q.max)}


def mandate_to_dict(m: Mandate) -> dict[str, Any]:
    """A mandate as a dict that ``Mandate(**d)`` reads back.

    Examples
    --------
    >>> m = Mandate(id="climate", profiles=[CompetenceProfile(name="young", any_of=["s"])])
    >>> Mandate(**mandate_to_dict(m)) == m
    True
    """
    return {
        "id": m.id, "title": m.title, "background": m.background, "purpose": m.purpose,
        "premises": m.premises, "duration": m.duration, "deliverable": m.deliverable,
        "citizen_seats": m.citizen_seats, "politician_seats": m.politician_seats,
        "profiles": [{"name": p.name, "any_of": sorted(p.any_of), **_limits(p.min, p.max)}
                     for p in m.profiles],
        "quotas": [quota_to_dict(q) for q in m.quotas],
    }


def _json_ready(build: Callable[[T], dict[str, Any]]) -> Callable[[T], dict[str, Any]]:
    """``build`` with numpy scalars a caller gave (an ``np.int64`` count) turned into Python
    numbers, so that ``json.dumps`` takes the dict as it is."""
    @functools.wraps(build)
    def plain(value: T) -> dict[str, Any]:
        result: dict[str, Any] = _plain(build(value))
        return result
    return plain


def _plain(value: Any) -> Any:
    """The same structure with numpy scalars (an ``np.int64`` count) as Python numbers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    item = getattr(value, "item", None)
    if item is not None and type(value).__module__ == "numpy":
        return item()
    return value


@_json_ready
def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """See :meth:`Scenario.to_dict <cocreate_match.Scenario.to_dict>`."""
    skipped: dict[str, list[str]] = {}
    for pid, cid in s.skipped:
        skipped.setdefault(pid, []).append(cid)
    return {
        "mandates": [mandate_to_dict(m) for m in s.mandates],
        "citizens": [{"id": c.id, "applied_to": [*c.applied_to, *skipped.get(c.id, ())],
                      "open_to_any": c.open_to_any, "tags": sorted(c.tags),
                      "household": c.household, "attributes": dict(c.attributes)}
                     for c in s.citizens],
        "politicians": [{"id": p.id, "party": p.party,
                         "preferences": [*p.preferences, *skipped.get(p.id, ())],
                         "min_committees": p.min_committees,
                         "max_committees": p.max_committees} for p in s.politicians],
        "council": {"max_per_party": s.council.max_per_party,
                    "min_parties": s.council.min_parties},
        "quotas": [quota_to_dict(q) for q in s.quotas],
        "cancelled": [mandate_to_dict(m) for m in s.cancelled],
    }


def _top_keys(data: Mapping[Any, Any], keys: Sequence[str], required: str, file: str | None,
              lists: Sequence[str]) -> tuple[dict[str, list[Any]], list[Problem]]:
    """The lists of the outermost object (an empty list for one that is missing or not a
    list), and the problems with its keys."""
    problems = [Problem(code="CM-E154", params={"keys": ", ".join(keys)}, file=file,
                        section=TOP, column=str(key)) for key in data if key not in keys]
    if required not in data:
        problems.append(Problem(code="CM-E157", file=file, section=TOP, column=required))
    found: dict[str, list[Any]] = {}
    for key in lists:
        value = data.get(key, [])
        if not _is_list(value):
            problems.append(Problem(code="CM-E191", file=file, section=TOP, column=key,
                                    value=value))
            value = []
        found[key] = list(value)
    return found, problems


def scenario_from_dict(data: object, *, file: str | None = None) -> Scenario:
    """See :meth:`Scenario.from_dict <cocreate_match.Scenario.from_dict>`."""
    if not isinstance(data, Mapping):
        raise InputError([Problem(code="CM-E193", params={"key": "mandates"}, file=file,
                                  value=data)])
    lists, problems = _top_keys(data, _SCENARIO_KEYS, "mandates", file, _SCENARIO_LISTS)
    council, found = build(CouncilRules, data.get("council", {}), "council", file)
    problems += found
    # What was built, and for each item its position in the dict (the Scenario's problems
    # give positions in what it was given).
    made: dict[str, list[Any]] = {key: [] for key in _SCENARIO_LISTS}
    at: dict[str, list[int]] = {key: [] for key in _SCENARIO_LISTS}
    failed: set[str] = set()
    attributes_known = True
    kinds: dict[str, type] = {"mandates": Mandate, "cancelled": Mandate, "citizens": Citizen,
                              "politicians": Politician, "quotas": Quota}
    for key, kind in kinds.items():
        for i, raw in enumerate(lists[key]):
            item, found = build(kind, raw, f"{key}[{i}]", file)
            problems += found
            if found:
                failed.add(key)
                # Every problem at once: a stand-in for the checks between records, made of
                # the item's valid fields (its committees, id, attributes, quotas).
                item, known = _stand_in(kind, raw)
                attributes_known = attributes_known and known
            if item is not None:
                made[key].append(item)
                at[key].append(i)
    parts: dict[str, Any] = {key: tuple(made[key]) for key in _SCENARIO_LISTS}
    parts["council"] = council or CouncilRules()
    scenario = None
    if problems:  # some items are stand-ins: check between them, but make no scenario
        between = scenario_problems(**parts)
    else:
        try:
            scenario = Scenario(**parts)
            between = []
        except InputError as err:
            between = list(err.problems)
    problems += _placed(between, at, failed, attributes_known, lists, file)
    if problems:
        raise InputError(unique_problems(problems))
    assert scenario is not None
    return scenario


def _stand_in(kind: type, raw: object) -> tuple[Any, bool]:
    """A stand-in for an item of a scenario's dict that could not be built, for the checks
    between items (see :func:`~cocreate_match.scenario.scenario_problems`), or None; and
    whether the attributes of the citizen it stands for are known."""
    if not isinstance(raw, Mapping):
        return None, kind is not Citizen
    if kind is Citizen:
        return citizen_stand_in(raw)
    if kind is Politician:
        return politician_stand_in(raw), True
    if kind is Quota:
        return quota_stand_in(raw), True
    # A mandate: its id, with the profiles and quotas that can be read, or their stand-ins.
    parts: dict[str, list[Any]] = {"profiles": [], "quotas": []}
    for key, part, stand_in in (("profiles", CompetenceProfile, profile_stand_in),
                                ("quotas", Quota, quota_stand_in)):
        items = raw.get(key, [])
        for item in items if _is_list(items) else ():
            if isinstance(item, Mapping):
                made, _ = build(part, item, None)
                parts[key].append(made if made is not None else stand_in(item))
    return mandate_stand_in(raw.get("id"),
                            [p for p in parts["profiles"] if p is not None],
                            [q for q in parts["quotas"] if q is not None]), True


def _placed(between: Sequence[Problem], at: Mapping[str, Sequence[int]], failed: set[str],
            attributes_known: bool, lists: Mapping[str, Sequence[Any]],
            file: str | None) -> list[Problem]:
    """The Scenario's problems, placed at JSON paths; those that only follow from an item
    already reported (no committee at all, an attribute only a citizen who could not be read
    may have had) are left out."""
    placed: list[Problem] = []
    quota_seen: dict[tuple[str, int, object], int] = {}
    for p in between:
        key = _MARKERS.get(p.file or "")
        if key is None:
            placed.append(replace(p, file=file, section=p.section or TOP))
            continue
        if not isinstance(p.row, int):
            if key in failed:
                continue  # "at least one committee": the committees given are reported
            placed.append(replace(p, file=file, section=TOP, column=p.column or key))
            continue
        if p.code == "CM-E033" and not attributes_known:
            continue  # the attribute may be that of a citizen who could not be read
        section = f"{key}[{at[key][p.row]}]"
        if p.column == "attribute" and key in ("mandates", "cancelled"):
            # The problem names the committee; find which of its quotas, in order.
            raw = lists[key][at[key][p.row]].get("quotas", [])
            earlier = quota_seen.get((key, p.row, p.value), 0)
            matching = [j for j, q in enumerate(raw if _is_list(raw) else ())
                        if isinstance(q, Mapping) and q.get("attribute") == p.value]
            if earlier < len(matching):
                section += f".quotas[{matching[earlier]}]"
                quota_seen[key, p.row, p.value] = earlier + 1
        placed.append(replace(p, file=file, section=section, row=None))
    return placed


# -- plans ----------------------------------------------------------------------------------
@_json_ready
def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """See :meth:`Plan.to_dict <cocreate_match.Plan.to_dict>`."""
    return {
        "seats": [{"committee_id": s.committee_id, "person_id": s.person_id,
                   "role": s.role.value} for s in plan.seats],
        "unseated_citizens": list(plan.unseated_citizens),
        "unseated_politicians": list(plan.unseated_politicians),
        "reserves": [{"committee_id": r.committee_id, "person_id": r.person_id, "rank": r.rank}
                     for r in plan.reserves],
        "withdrawn": [{"person_id": w.person_id, "committee_ids": list(w.committee_ids),
                       "when": w.when} for w in plan.withdrawn],
    }


def plan_from_dict(data: object, *, file: str | None = None) -> Plan:
    """See :meth:`Plan.from_dict <cocreate_match.Plan.from_dict>`."""
    if not isinstance(data, Mapping):
        raise InputError([Problem(code="CM-E193", params={"key": "seats"}, file=file,
                                  value=data)])
    lists, problems = _top_keys(data, _PLAN_LISTS, "seats", file, _PLAN_LISTS)
    made: dict[str, list[Any]] = {}
    for key, kind in (("seats", Seat), ("reserves", Reserve), ("withdrawn", Withdrawal)):
        made[key] = []
        for i, raw in enumerate(lists[key]):
            item, found = build(kind, raw, f"{key}[{i}]", file)
            problems += found
            made[key].append(item)
    for key in ("unseated_citizens", "unseated_politicians"):
        problems += [Problem(code="CM-E194", file=file, section=TOP, column=key, value=pid)
                     for pid in lists[key] if not isinstance(pid, str) or not pid]
    if problems:
        raise InputError(problems)
    return Plan(seats=tuple(made["seats"]), unseated_citizens=tuple(lists["unseated_citizens"]),
                unseated_politicians=tuple(lists["unseated_politicians"]),
                reserves=tuple(made["reserves"]), withdrawn=tuple(made["withdrawn"]))


# -- results and lotteries ------------------------------------------------------------------
def _number(value: float | None) -> float | None:
    """A float, or None for a missing or infinite one (JSON has no infinity)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def violation_to_dict(v: Violation) -> dict[str, Any]:
    return v.to_dict()


def change_to_dict(c: Change) -> dict[str, Any]:
    return {"committee_id": c.committee_id, "role": c.role.value, "left": c.left,
            "came_in": c.came_in, "left_because": c.left_because,
            "reserve_rank": c.reserve_rank, "preference_rank": c.preference_rank,
            "by_lot": c.by_lot, "reason": c.reason}


@_json_ready
def result_to_dict(r: SolveResult) -> dict[str, Any]:
    """See :meth:`SolveResult.to_dict <cocreate_match.SolveResult.to_dict>`."""
    out: dict[str, Any] = plain({
        "status": r.status.value, "code": r.code, "params": dict(r.params),
        "notes": [{"code": n.code, "params": dict(n.params)} for n in r.notes],
        "message": r.message, "objective": r.objective,
        "bound": _number(r.bound), "gap": _number(r.gap), "seed": r.seed, "backend": r.backend,
        "build_time": r.build_time, "solve_time": r.solve_time, "groups": r.groups,
        "lot_complete": r.lot_complete,
        "plan": None if r.plan is None else plan_to_dict(r.plan),
        "relaxed": [violation_to_dict(v) for v in r.relaxed],
        "explanation": None if r.explanation is None else r.explanation.to_dict(),
        "moves": r.moves,
        "changes": [change_to_dict(c) for c in r.changes],
        "chances": None if r.chances is None else dict(r.chances),
    })
    return out


@_json_ready
def lottery_to_dict(lot: Lottery) -> dict[str, Any]:
    """See :meth:`Lottery.to_dict <cocreate_match.Lottery.to_dict>`."""
    s = lot.scenario
    per = lot.committee_probabilities()
    totals = per.sum(axis=1)  # as Lottery.probabilities sums them, to the last bit
    probabilities = {}
    for i, c in enumerate(s.citizens):
        # The committees a citizen can sit on, as Lottery.to_frame lists them.
        probabilities[c.id] = {"total": float(totals[i]), "committees": {
            m.id: float(per[i, k]) for k, m in enumerate(s.mandates)
            if c.can_sit_on(m.id) and m.citizen_seats > 0}}
    out: dict[str, Any] = plain({
        "method": lot.method.value, "status": lot.status.value, "seed": lot.seed,
        "optimum": lot.optimum, "floor": lot.floor, "seconds": lot.seconds,
        "min_probability": lot.min_probability, "zero_chance": lot.zero_chance,
        "certain": lot.certain, "unseatable": lot.unseatable,
        "probabilities": probabilities,
        "certificates": [{"level": c.level, "value": c.value, "upper_bound": c.upper_bound,
                          "gap": c.gap, "fixed": c.fixed} for c in lot.certificates],
        "plans": [{"probability": p, "plan": plan_to_dict(plan)} for p, plan in lot.plans()],
    })
    return out


def plain(value: Any) -> Any:
    """``value`` with numpy numbers made Python numbers and tuples made lists; a float that
    is not finite becomes None. Anything else that JSON cannot hold is a bug here.

    Examples
    --------
    >>> import numpy as np
    >>> plain({"a": (np.int64(2), np.float64(0.5)), "b": float("inf")})
    {'a': [2, 0.5], 'b': None}
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # a string enum as its value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)  # a numpy scalar
    if callable(item) and getattr(value, "shape", None) == ():
        return plain(item())
    raise TypeError(f"cannot be written as JSON: {type(value).__name__}")


# -- schemas --------------------------------------------------------------------------------
def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dict layout: ``"scenario"``
    (:meth:`Scenario.to_dict <cocreate_match.Scenario.to_dict>`), ``"result"``
    (:meth:`SolveResult.to_dict <cocreate_match.SolveResult.to_dict>`) or ``"lottery"``
    (:meth:`Lottery.to_dict <cocreate_match.Lottery.to_dict>`).

    The schemas ship with the package (``cocreate_match/schemas/*.schema.json``). They check
    the shape; :meth:`Scenario.from_dict <cocreate_match.Scenario.from_dict>` also checks
    what a schema cannot say (``min <= max``, unique ids, references between parts). Each
    call returns a fresh dict.

    Raises
    ------
    InputError
        For any other name.

    Examples
    --------
    >>> schema = json_schema("scenario")
    >>> schema["$schema"], schema["required"]
    ('https://json-schema.org/draft/2020-12/schema', ['mandates'])
    """
    if name not in SCHEMAS:
        raise InputError([Problem(code="CM-E002",
                                  params={"choices": ", ".join(map(repr, SCHEMAS))},
                                  column="name", value=name)])
    text = (files("cocreate_match") / "schemas" / f"{name}.schema.json").read_text(
        encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
