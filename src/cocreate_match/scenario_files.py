"""The scenario directory: ``mandates.toml``, ``citizens.csv`` and ``politicians.csv``."""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ._validate import ANY_COMMITTEE, LIST_SEPARATOR
from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .scenario import CouncilRules, Scenario
from .tables import Table, read_people

__all__ = ["load_scenario", "save_scenario"]

MANDATES_FILE = "mandates.toml"
CITIZENS_FILE = "citizens.csv"
POLITICIANS_FILE = "politicians.csv"

_MANDATE_TEXT = ("title", "background", "purpose", "premises", "duration", "deliverable")
_COMMITTEE_KEYS = ("id", *_MANDATE_TEXT, "citizen_seats", "politician_seats", "profile", "quota")
_PROFILE_KEYS = ("name", "any_of", "min", "max")
_QUOTA_KEYS = ("attribute", "value", "min", "max")
_COUNCIL_KEYS = ("max_per_party", "min_parties")
_TOP_KEYS = ("council", "quota", "committee")


def load_scenario(directory: str | os.PathLike[str]) -> Scenario:
    """Read a scenario directory.

    Parameters
    ----------
    directory : path
        Holds ``mandates.toml``, ``citizens.csv`` and ``politicians.csv`` (UTF-8).

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        With every problem found in the three files, each naming file, row, column and value.

    Examples
    --------
    >>> import tempfile
    >>> from cocreate_match import load_scenario
    >>> from cocreate_match.demo import demo_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_scenario(demo_scenario(), d)
    ...     len(load_scenario(d).mandates)
    10
    """
    root = Path(directory)
    problems: list[Problem] = []
    if not root.is_dir():
        raise InputError([Problem(message="is not a directory", file=str(root))])
    text = _read_text(root / MANDATES_FILE, problems)
    parsed = _parse_mandates(text, problems) if text is not None else None
    citizens = _read_csv(root / CITIZENS_FILE, problems)
    politicians = _read_csv(root / POLITICIANS_FILE, problems)
    if parsed is None or citizens is None or politicians is None:
        raise InputError(problems)
    mandates, places, council, quotas = parsed
    return read_people(mandates=mandates, citizens=citizens, politicians=politicians,
                       council=council, quotas=quotas, mandate_places=(MANDATES_FILE, places),
                       problems=problems)


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(message="file not found", file=path.name))
        return None
    except OSError as err:
        problems.append(Problem(message=f"cannot be read ({err.strerror})", file=path.name))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(Problem(
            message=f"is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
                    "save the file as UTF-8",
            file=path.name, row=line))
        return None


def _read_csv(path: Path, problems: list[Problem]) -> Table | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(message="file is empty; it needs at least a header row",
                                file=path.name))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[str, ...]] = []
    labels: list[int] = []
    header: tuple[str, ...] | None = None
    header_line = 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines carry nothing
            cells = tuple(row)
            if header is None:
                header = tuple(cell.strip() for cell in cells)
                header_line = reader.line_num
            else:
                rows.append(cells)
                labels.append(reader.line_num)
    except csv.Error as err:
        problems.append(Problem(message=f"is not valid CSV ({err})", file=path.name,
                                row=reader.line_num))
        return None
    if header is None:
        problems.append(Problem(message="file has no header row (only blank cells)",
                                file=path.name))
        return None
    return Table(file=path.name, header=header, rows=tuple(rows), labels=tuple(labels),
                 header_label=header_line)


# -- mandates.toml ------------------------------------------------------------------------------
def _parse_mandates(
    text: str, problems: list[Problem]
) -> tuple[tuple[Mandate, ...], list[str], CouncilRules, tuple[Quota, ...]] | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # Python 3.11's error carries its position only in the text: "... (at line 3, column 7)".
        where = re.search(r"at line (\d+)", str(err))
        problems.append(Problem(message=f"is not valid TOML: {err}", file=MANDATES_FILE,
                                row=int(where.group(1)) if where else None))
        return None
    found: list[Problem] = []
    _unknown_keys(data, _TOP_KEYS, "", found)
    council = _build(CouncilRules, _table(data, "council", found), _COUNCIL_KEYS, "[council]", found)
    quotas = tuple(
        q for i, raw in enumerate(_tables(data, "quota", "", found))
        if (q := _build(Quota, raw, _QUOTA_KEYS, f"[[quota]] #{i + 1}", found)) is not None
    )
    mandates: list[Mandate] = []
    places: list[str] = []
    raw_committees = _tables(data, "committee", "", found)
    for i, raw in enumerate(raw_committees):
        where = f"[[committee]] #{i + 1}"
        if isinstance(raw.get("id"), str):
            where += f" (id {raw['id']!r})"
        mandate = _mandate(raw, where, found)
        if mandate is None and isinstance(raw.get("id"), str) and raw["id"]:
            # A stand-in with the same id, so that rows referring to this committee are not
            # also reported as naming an unknown committee.
            try:
                mandate = Mandate(id=raw["id"])
            except InputError:
                mandate = None
        if mandate is not None:
            mandates.append(mandate)
            places.append(where)
    problems += found
    return tuple(mandates), places, council or CouncilRules(), quotas


def _at(problem: Problem, section: str | None) -> Problem:
    return replace(problem, file=MANDATES_FILE, section=problem.section or section)


def _unknown_keys(raw: Mapping[str, Any], allowed: Sequence[str], where: str,
                  found: list[Problem]) -> None:
    for key in raw:
        if key not in allowed:
            found.append(_at(Problem(message=f"unknown key (known keys: {', '.join(allowed)})",
                                     column=key), where or None))


def _table(raw: Mapping[str, Any], key: str, found: list[Problem]) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        found.append(_at(Problem(message="must be a table", column=key), None))
        return {}
    return value


def _tables(raw: Mapping[str, Any], key: str, where: str, found: list[Problem]) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        found.append(_at(Problem(message=f"must be an array of tables ([[{key}]])", column=key),
                         where or None))
        return []
    return value


def _build(kind: Callable[..., Any], raw: Mapping[str, Any], keys: Sequence[str], where: str,
           found: list[Problem], **extra: Any) -> Any:
    _unknown_keys(raw, keys, where, found)
    fields = {k: v for k, v in raw.items() if k in keys}
    try:
        return kind(**fields, **extra)
    except InputError as err:
        found += [_at(p, where) for p in err.problems]
    except TypeError as err:  # a required key is missing
        found.append(_at(Problem(message=f"a required key is missing ({err})"), where))
    return None


def _mandate(raw: Mapping[str, Any], where: str, found: list[Problem]) -> Mandate | None:
    before = len(found)
    _unknown_keys(raw, _COMMITTEE_KEYS, where, found)
    profiles = []
    for j, p in enumerate(_tables(raw, "profile", where, found)):
        label = f"{where}, [[committee.profile]] #{j + 1}"
        if "any_of" in p and not isinstance(p["any_of"], list):
            found.append(_at(Problem(message="must be a list of tags", column="any_of",
                                     value=p["any_of"]), label))
            continue
        profile = _build(CompetenceProfile, p, _PROFILE_KEYS, label, found)
        if profile is not None:
            profiles.append(profile)
    quotas = []
    for j, q in enumerate(_tables(raw, "quota", where, found)):
        quota = _build(Quota, q, _QUOTA_KEYS, f"{where}, [[committee.quota]] #{j + 1}", found)
        if quota is not None:
            quotas.append(quota)
    if "id" not in raw:
        found.append(_at(Problem(message="required key is missing", column="id"), where))
        return None
    fields = {k: raw[k] for k in _COMMITTEE_KEYS if k in raw and k not in ("profile", "quota")}
    mandate = _build(Mandate, fields, _COMMITTEE_KEYS, where, found,
                     profiles=tuple(profiles), quotas=tuple(quotas))
    return mandate if len(found) == before else None


# -- writing ------------------------------------------------------------------------------------
def save_scenario(scenario: Scenario, directory: str | os.PathLike[str]) -> None:
    """Write a scenario as a directory that :func:`load_scenario` reads back unchanged.

    Examples
    --------
    >>> import tempfile
    >>> from cocreate_match.demo import demo_scenario
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_scenario(demo_scenario(), d)
    ...     load_scenario(d) == demo_scenario()
    True
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    (root / MANDATES_FILE).write_text(mandates_toml(scenario), encoding="utf-8")
    attributes = sorted(set().union(*(c.attributes.keys() for c in scenario.citizens)))
    rows = [["id", "applied_to", "tags", "household", *attributes]]
    for c in scenario.citizens:
        applied = list(c.applied_to) + ([ANY_COMMITTEE] if c.open_to_any else [])
        rows.append([c.id, LIST_SEPARATOR.join(applied), LIST_SEPARATOR.join(sorted(c.tags)),
                     c.household or "", *(c.attributes.get(a, "") for a in attributes)])
    _write_csv(root / CITIZENS_FILE, rows)
    rows = [["id", "party", "preferences", "min_committees", "max_committees"]]
    for p in scenario.politicians:
        rows.append([p.id, p.party, LIST_SEPARATOR.join(p.preferences), str(p.min_committees),
                     "" if p.max_committees is None else str(p.max_committees)])
    _write_csv(root / POLITICIANS_FILE, rows)


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


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
    for m in scenario.mandates:
        lines += ["[[committee]]", f"id = {_toml_string(m.id)}"]
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
