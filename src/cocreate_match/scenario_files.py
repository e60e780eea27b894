"""The scenario directory: ``mandates.toml``, ``citizens.csv`` and ``politicians.csv``."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ._validate import ANY_COMMITTEE, LIST_SEPARATOR
from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .people import CITIZEN_COLUMNS
from .scenario import (
    CANCELLED,
    MANDATES,
    QUOTAS,
    CouncilRules,
    Scenario,
    build_scenario,
    mandate_stand_in,
    profile_stand_in,
    quota_stand_in,
)
from .tables import CITIZEN_REQUIRED, Table, read_csv, read_text, write_csv

__all__ = ["load_scenario", "save_scenario"]

MANDATES_FILE = "mandates.toml"
CITIZENS_FILE = "citizens.csv"
POLITICIANS_FILE = "politicians.csv"
JSON_SUFFIX = ".json"  # a scenario in one file, as Scenario.to_dict lays it out

_MANDATE_TEXT = ("title", "background", "purpose", "premises", "duration", "deliverable")
_COMMITTEE_KEYS = ("id", *_MANDATE_TEXT, "citizen_seats", "politician_seats", "cancelled",
                   "profile", "quota")
_PROFILE_KEYS = ("name", "any_of", "min", "max")
_QUOTA_KEYS = ("attribute", "value", "min", "max")
_COUNCIL_KEYS = ("max_per_party", "min_parties")
_TOP_KEYS = ("council", "quota", "committee")


def load_scenario(directory: str | os.PathLike[str]) -> Scenario:
    """Read a scenario directory, or a scenario's ``.json`` file.

    Parameters
    ----------
    directory : path
        A directory holding ``mandates.toml``, ``citizens.csv`` and ``politicians.csv``
        (UTF-8); or a file whose name ends in ``.json``, holding
        :meth:`Scenario.to_dict <cocreate_match.Scenario.to_dict>` as JSON (UTF-8).

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        With every problem found in the three files, each naming file, row, column and value;
        for a JSON file, each naming the file, the JSON path (``section``) and the key.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cocreate_match import load_scenario
    >>> from cocreate_match.demo import demo_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_scenario(demo_scenario(), d)
    ...     save_scenario(demo_scenario(), Path(d) / "demo.json")
    ...     len(load_scenario(d).mandates), load_scenario(Path(d) / "demo.json") == demo_scenario()
    (10, True)
    """
    root = Path(directory)
    if _is_json(root):
        return _load_json(root)
    if not root.exists():
        raise InputError([Problem(code="CM-E140", file=str(root))])
    if not root.is_dir():
        raise InputError([Problem(code="CM-E141", file=str(root))])
    problems: list[Problem] = []
    text = read_text(root / MANDATES_FILE, MANDATES_FILE, problems)
    parsed = _parse_mandates(text, problems) if text is not None else None
    citizens = read_csv(root / CITIZENS_FILE, CITIZENS_FILE, problems)
    politicians = read_csv(root / POLITICIANS_FILE, POLITICIANS_FILE, problems)
    if parsed is None:
        return build_scenario(mandates=None, citizens=citizens, politicians=politicians,
                              council=CouncilRules(), quotas=(), problems=problems)
    # With a broken header, the columns are unknown; the header problems say why.
    columns = None
    if citizens is not None and all(c in citizens.header for c in CITIZEN_REQUIRED):
        columns = frozenset(_attribute_columns(citizens))
        problems += _attribute_problems(parsed, citizens)
    return build_scenario(
        # No committee means nothing to check references against; the reason is reported.
        mandates=parsed.mandates or None, cancelled=parsed.cancelled, citizens=citizens,
        politicians=politicians, council=parsed.council, quotas=parsed.quotas,
        toml_places={MANDATES: (MANDATES_FILE, parsed.mandate_sections),
                     CANCELLED: (MANDATES_FILE, parsed.cancelled_sections),
                     QUOTAS: (MANDATES_FILE, parsed.quota_sections)},
        problems=problems, attribute_columns=columns)


def _is_json(path: Path) -> bool:
    # A directory keeps the directory form whatever its name.
    return path.suffix.lower() == JSON_SUFFIX and not path.is_dir()


def _load_json(path: Path) -> Scenario:
    name = str(path)
    problems: list[Problem] = []
    text = read_text(path, name, problems)
    if text is None:
        raise InputError(problems)
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        # JSON lets a key repeat, and the last one would silently win; TOML refuses it.
        keys = [key for key, _ in items]
        repeated.extend(dict.fromkeys(k for k in keys if keys.count(k) > 1))
        return dict(items)

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as err:
        raise InputError([Problem(code="CM-E142", params={"reason": err.msg, "line": err.lineno,
                                                          "column": err.colno},
                                  file=name, row=err.lineno)]) from None
    except RecursionError:
        raise InputError([Problem(code="CM-E143", file=name)]) from None
    except ValueError as err:  # an integer of thousands of digits (Python's own limit)
        raise InputError([Problem(code="CM-E144", params={"reason": str(err)},
                                  file=name)]) from None
    if repeated:
        raise InputError([Problem(code="CM-E145", file=name, column=key)
                          for key in dict.fromkeys(repeated)])
    return Scenario.from_dict(data, file=name)


# -- mandates.toml ------------------------------------------------------------------------------
_TOP = "top level"


@dataclass(frozen=True, slots=True)
class _Mandates:
    """What ``mandates.toml`` holds, with the TOML section each item came from."""

    mandates: tuple[Mandate, ...]
    mandate_sections: tuple[str, ...]
    cancelled: tuple[Mandate, ...]
    cancelled_sections: tuple[str, ...]
    council: CouncilRules
    quotas: tuple[Quota, ...]
    quota_sections: tuple[str, ...]
    # Every quota that was read, on a committee or global, with its section.
    all_quotas: tuple[tuple[Quota, str], ...]


def _parse_mandates(text: str, problems: list[Problem]) -> _Mandates | None:
    if not text.strip():
        problems.append(Problem(code="CM-E146", file=MANDATES_FILE))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # Python 3.11's error carries its position only in the text: "... (at line 3, column 7)".
        line = re.search(r"at line (\d+)", str(err))
        problems.append(Problem(code="CM-E147", params={"reason": str(err)},
                                file=MANDATES_FILE, row=int(line.group(1)) if line else None))
        return None
    except ValueError as err:  # an integer of thousands of digits (Python's own limit)
        problems.append(Problem(code="CM-E144", params={"reason": str(err)},
                                file=MANDATES_FILE))
        return None
    except RecursionError:
        problems.append(Problem(code="CM-E148", file=MANDATES_FILE))
        return None
    found: list[Problem] = []
    _unknown_keys(data, _TOP_KEYS, _TOP, found)
    council = _build(CouncilRules, _table(data, "council", found), _COUNCIL_KEYS, "[council]",
                     found)
    quotas: list[Quota] = []
    quota_sections: list[str] = []
    for i, raw in enumerate(_tables(data, "quota", _TOP, found)):
        where = f"[[quota]] #{i + 1}"
        # A quota that cannot be read still has its attribute checked, by a stand-in.
        q = _build(Quota, raw, _QUOTA_KEYS, where, found) or quota_stand_in(raw)
        if q is not None:
            quotas.append(q)
            quota_sections.append(where)
    all_quotas = list(zip(quotas, quota_sections, strict=True))
    # Active and cancelled committees, each with the sections they came from.
    mandates: dict[bool, list[Mandate]] = {False: [], True: []}
    places: dict[bool, list[str]] = {False: [], True: []}
    raw_committees = _tables(data, "committee", _TOP, found)
    if not raw_committees and isinstance(data.get("committee", []), list):
        found.append(_at(Problem(code="CM-E149", column="committee"), _TOP))
    if raw_committees and all(isinstance(raw, dict) and raw.get("cancelled") is True
                              for raw in raw_committees):
        found.append(_at(Problem(code="CM-E150", column="committee"), _TOP))
    for i, raw in enumerate(raw_committees):
        where = f"[[committee]] #{i + 1}"
        if isinstance(raw.get("id"), str):
            where += f" (id {raw['id']!r})"
        cancelled = raw.get("cancelled", False)
        if not isinstance(cancelled, bool):
            found.append(_at(Problem(code="CM-E151", column="cancelled", value=cancelled),
                             where))
            cancelled = False
        mandate = _mandate(raw, where, found, all_quotas)
        if mandate is not None:
            mandates[cancelled].append(mandate)
            places[cancelled].append(where)
    problems += found
    return _Mandates(mandates=tuple(mandates[False]), mandate_sections=tuple(places[False]),
                     cancelled=tuple(mandates[True]), cancelled_sections=tuple(places[True]),
                     council=council or CouncilRules(), quotas=tuple(quotas),
                     quota_sections=tuple(quota_sections), all_quotas=tuple(all_quotas))


def _attribute_problems(parsed: _Mandates, citizens: Table) -> list[Problem]:
    """Each quota's attribute must be a column of the citizens' file, even with no citizens."""
    columns = _attribute_columns(citizens)
    params = {"file": citizens.file, "columns": ", ".join(columns)}
    return [
        _at(Problem(code="CM-E152" if columns else "CM-E153", params=params,
                    column="attribute", value=q.attribute), where)
        for q, where in parsed.all_quotas if q.attribute not in columns
    ]


def _attribute_columns(citizens: Table) -> list[str]:
    return [c for c in citizens.header if c and c not in CITIZEN_COLUMNS]


def _at(problem: Problem, section: str | None) -> Problem:
    return replace(problem, file=MANDATES_FILE, section=problem.section or section)


def _unknown_keys(raw: Mapping[str, Any], allowed: Sequence[str], where: str,
                  found: list[Problem]) -> None:
    for key in raw:
        if key not in allowed:
            found.append(_at(Problem(code="CM-E154", params={"keys": ", ".join(allowed)},
                                     column=key), where))


def _table(raw: Mapping[str, Any], key: str, found: list[Problem]) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        found.append(_at(Problem(code="CM-E155", params={"key": key}, column=key,
                                 value=value), _TOP))
        return {}
    return value


def _tables(raw: Mapping[str, Any], key: str, where: str,
            found: list[Problem]) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        found.append(_at(Problem(code="CM-E156", params={"key": key}, column=key), where))
        return []
    return value


def _required(kind: Callable[..., Any]) -> list[str]:
    return [f.name for f in fields(kind)  # type: ignore[arg-type]
            if f.init and f.default is MISSING and f.default_factory is MISSING]


# Values standing in for missing required keys, so that the keys given are still checked.
_STAND_IN: dict[str, Any] = {"id": "x", "name": "x", "attribute": "x", "value": "x",
                             "any_of": ("x",), "citizen_seats": 0, "politician_seats": 0}


def _build(kind: Callable[..., Any], raw: Mapping[str, Any], keys: Sequence[str], where: str,
           found: list[Problem], **extra: Any) -> Any:
    _unknown_keys(raw, keys, where, found)
    missing = [k for k in _required(kind) if k not in raw and k not in extra]
    if missing:
        found += [_at(Problem(code="CM-E157", column=k), where) for k in missing]
        # The other keys' problems too (a min above its max), all at once: built with a
        # stand-in for each missing key, keeping only problems of keys that were given.
        stand_in = {k: _STAND_IN.get(k, "x") for k in missing}
        try:
            kind(**{k: v for k, v in raw.items() if k in keys}, **stand_in, **extra)
        except InputError as err:
            found += [_at(p, where) for p in err.problems if p.column not in missing]
        except TypeError:  # a stand-in of the wrong kind: the missing keys are reported
            pass
        return None
    values = {k: v for k, v in raw.items() if k in keys}
    try:
        return kind(**values, **extra)
    except InputError as err:
        found += [_at(p, where) for p in err.problems]
    return None


def _mandate(raw: Mapping[str, Any], where: str, found: list[Problem],
             all_quotas: list[tuple[Quota, str]]) -> Mandate | None:
    """The committee's mandate; when it has problems, a stand-in for the checks between
    records (:func:`~cocreate_match.scenario.mandate_stand_in`: its id, profiles and quotas),
    or None when its id is not valid either."""
    before = len(found)
    _unknown_keys(raw, _COMMITTEE_KEYS, where, found)
    profiles = []
    # The profiles and quotas that can be read, and stand-ins for those that cannot.
    stand_ins: dict[str, list[Any]] = {"profiles": [], "quotas": []}
    for j, p in enumerate(_tables(raw, "profile", where, found)):
        label = f"{where}, [[committee.profile]] #{j + 1}"
        tags = p.get("any_of")
        if "any_of" in p and (not isinstance(tags, list)
                              or not all(isinstance(t, str) for t in tags)):
            found.append(_at(Problem(code="CM-E158", column="any_of", value=tags), label))
            _build(CompetenceProfile, {**p, "any_of": ["-"]}, _PROFILE_KEYS, label, found)
            stand_ins["profiles"].append(profile_stand_in(p))
            continue
        profile = _build(CompetenceProfile, p, _PROFILE_KEYS, label, found)
        if profile is not None:
            profiles.append(profile)
        stand_ins["profiles"].append(profile or profile_stand_in(p))
    quotas = []
    for j, q in enumerate(_tables(raw, "quota", where, found)):
        label = f"{where}, [[committee.quota]] #{j + 1}"
        quota = _build(Quota, q, _QUOTA_KEYS, label, found)
        if quota is not None:
            quotas.append(quota)
        else:  # its attribute is still checked against the columns and the citizens
            quota = quota_stand_in(q)
        if quota is not None:
            all_quotas.append((quota, label))
            stand_ins["quotas"].append(quota)
    values = {k: raw[k] for k in _COMMITTEE_KEYS
              if k in raw and k not in ("profile", "quota", "cancelled")}
    mandate = _build(Mandate, values, _COMMITTEE_KEYS, where, found,
                     profiles=tuple(profiles), quotas=tuple(quotas))
    if len(found) == before:
        assert isinstance(mandate, Mandate)
        return mandate
    # So that rows naming this committee are not also reported as naming an unknown one.
    return mandate_stand_in(raw.get("id"), [p for p in stand_ins["profiles"] if p is not None],
                            stand_ins["quotas"])


# -- writing ------------------------------------------------------------------------------------
def save_scenario(scenario: Scenario, directory: str | os.PathLike[str]) -> None:
    """Write a scenario as a directory that :func:`load_scenario` reads back unchanged; or,
    when the path ends in ``.json``, as one JSON file of :meth:`Scenario.to_dict
    <cocreate_match.Scenario.to_dict>` (UTF-8, indented), which has none of the limits below.

    A missing attribute is written as an empty cell. A cancelled committee is written with
    ``cancelled = true``, and the preferences that were skipped because they name it are
    written back into the people's lists (after their other choices), as a file of people
    that was never edited would have them.

    Raises
    ------
    InputError
        When a citizen names no committee, is not open to any, and named no cancelled
        committee either: ``citizens.csv`` has no way to write such a row. Nothing is written.

    Examples
    --------
    >>> import tempfile
    >>> from cocreate_match.demo import demo_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_scenario(demo_scenario(), d)
    ...     load_scenario(d) == demo_scenario()
    True
    """
    from .files import write_atomic

    root = Path(directory)
    if _is_json(root):
        root.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(root, (json.dumps(scenario.to_dict(), indent=2, ensure_ascii=False)
                            + "\n").encode("utf-8"))
        return
    if root.exists() and not root.is_dir():
        raise InputError([Problem(code="CM-E159", file=str(root))])
    rows, politician_rows = people_rows(scenario)
    empty = [row[0] for row in rows[1:] if not row[1]]
    if empty:
        raise InputError([Problem(code="CM-E160", params={"file": CITIZENS_FILE},
                                  file=CITIZENS_FILE, column="id", value=pid)
                          for pid in empty])
    root.mkdir(parents=True, exist_ok=True)
    write_atomic(root / MANDATES_FILE, mandates_toml(scenario).encode("utf-8"))
    write_csv(root / CITIZENS_FILE, rows)
    write_csv(root / POLITICIANS_FILE, politician_rows)


def people_rows(scenario: Scenario) -> tuple[list[list[str]], list[list[str]]]:
    """The rows (header first) of ``citizens.csv`` and ``politicians.csv`` for a scenario.

    Preferences skipped because they name a cancelled committee are written back after the
    other choices, as a file of people that was never edited would have them.
    """
    skipped: dict[str, list[str]] = {}
    for pid, cid in scenario.skipped:
        skipped.setdefault(pid, []).append(cid)
    applied = {c.id: [*c.applied_to, *skipped.get(c.id, ())] for c in scenario.citizens}
    # Every quota attribute gets a column, even one no citizen has a value for, because the
    # loader checks quota attributes against the columns.
    quotas = [*scenario.quotas, *(q for m in (*scenario.mandates, *scenario.cancelled)
                                  for q in m.quotas)]
    attributes = sorted(set().union(*(c.attributes.keys() for c in scenario.citizens),
                                    (q.attribute for q in quotas)))
    rows = [["id", "applied_to", "tags", "household", *attributes]]
    for c in scenario.citizens:
        listed = applied[c.id] + ([ANY_COMMITTEE] if c.open_to_any else [])
        rows.append([c.id, LIST_SEPARATOR.join(listed), LIST_SEPARATOR.join(sorted(c.tags)),
                     c.household or "", *(c.attributes.get(a, "") for a in attributes)])
    politician_rows = [["id", "party", "preferences", "min_committees", "max_committees"]]
    for p in scenario.politicians:
        preferences = [*p.preferences, *skipped.get(p.id, ())]
        politician_rows.append([
            p.id, p.party, LIST_SEPARATOR.join(preferences), str(p.min_committees),
            "" if p.max_committees is None else str(p.max_committees)])
    return rows, politician_rows


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _limits(low: int, high: int | None) -> list[str]:
    return [f"min = {low}"] + ([f"max = {high}"] if high is not None else [])


def mandates_toml(scenario: Scenario) -> str:
    """The ``mandates.toml`` text of a scenario."""
    lines: list[str] = []
    council = scenario.council
    if council.max_per_party is not None or council.min_parties:
        lines.append("[council]")
        if council.max_per_party is not None:
            lines.append(f"max_per_party = {council.max_per_party}")
        lines += [f"min_parties = {council.min_parties}", ""]
    for q in scenario.quotas:
        lines += ["[[quota]]", f"attribute = {_toml_string(q.attribute)}",
                  f"value = {_toml_string(q.value)}", *_limits(q.min, q.max), ""]
    committees = [(m, False) for m in scenario.mandates] + [(m, True) for m in scenario.cancelled]
    for m, is_cancelled in committees:
        lines += ["[[committee]]", f"id = {_toml_string(m.id)}"]
        if is_cancelled:
            lines.append("cancelled = true")
        lines += [f"{key} = {_toml_string(getattr(m, key))}" for key in _MANDATE_TEXT]
        lines += [f"citizen_seats = {m.citizen_seats}", f"politician_seats = {m.politician_seats}",
                  ""]
        for p in m.profiles:
            tags = ", ".join(_toml_string(t) for t in sorted(p.any_of))
            lines += ["  [[committee.profile]]", f"  name = {_toml_string(p.name)}",
                      f"  any_of = [{tags}]", *("  " + x for x in _limits(p.min, p.max)), ""]
        for q in m.quotas:
            lines += ["  [[committee.quota]]", f"  attribute = {_toml_string(q.attribute)}",
                      f"  value = {_toml_string(q.value)}",
                      *("  " + x for x in _limits(q.min, q.max)), ""]
    return "\n".join(lines)
