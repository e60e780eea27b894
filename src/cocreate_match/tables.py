"""Citizens and politicians from rows of text: the one parser behind CSV files and DataFrames."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ._validate import ANY_COMMITTEE, LIST_SEPARATOR
from .errors import InputError, Problem
from .mandate import Mandate, Quota
from .people import Citizen, Politician
from .scenario import CITIZENS, MANDATES, POLITICIANS, CouncilRules, Scenario, relocate

if TYPE_CHECKING:
    import pandas as pd

CITIZEN_COLUMNS = ("id", "applied_to", "tags", "household")
CITIZEN_REQUIRED = ("id", "applied_to")
POLITICIAN_COLUMNS = ("id", "party", "preferences", "min_committees", "max_committees")
POLITICIAN_REQUIRED = ("id", "party")


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of text cells with the label each row is reported under (a file line, a frame label)."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    labels: tuple[int | str, ...]
    header_label: int | str | None = 1


def split_list(cell: str) -> list[str]:
    """``"a; b;"`` -> ``["a", "b"]``: pieces stripped, empty pieces dropped."""
    return [piece.strip() for piece in cell.split(LIST_SEPARATOR) if piece.strip()]


def frame_to_table(frame: pd.DataFrame, name: str) -> Table:
    """Turn a DataFrame into text cells, the way the same data would read from a CSV file."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError([Problem(message=f"must be a pandas DataFrame, got {type(frame).__name__}",
                                  file=name)])
    header = tuple(str(c) for c in frame.columns)
    rows = tuple(tuple(_cell_text(v) for v in row) for row in frame.itertuples(index=False))
    labels = tuple(label if isinstance(label, int | str) else str(label) for label in frame.index)
    return Table(file=f"{name} frame", header=header, rows=rows, labels=labels,
                 header_label=None)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(v) for v in items)
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value).strip()


def _header_problems(table: Table, required: Sequence[str], allowed: Sequence[str] | None) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for column in table.header:
        if column in seen:
            problems.append(Problem(message="column appears twice", file=table.file,
                                    row=table.header_label, column=column))
        seen.add(column)
        if not column:
            problems.append(Problem(message="column has no name", file=table.file,
                                    row=table.header_label))
        elif allowed is not None and column not in allowed:
            problems.append(Problem(
                message=f"unknown column (known columns: {', '.join(allowed)})",
                file=table.file, row=table.header_label, column=column))
    for column in required:
        if column not in seen:
            problems.append(Problem(message="required column is missing", file=table.file,
                                    row=table.header_label, column=column))
    return problems


def _located(problems: Sequence[Problem], table: Table, label: int | str) -> list[Problem]:
    return [replace(p, file=table.file, row=label) for p in problems]


def _citizen(cells: dict[str, str]) -> Citizen:
    applied = split_list(cells["applied_to"])
    problems = []
    open_to_any = bool(applied) and applied[-1] == ANY_COMMITTEE
    if open_to_any:
        applied.pop()
    if ANY_COMMITTEE in applied:
        problems.append(Problem(message=f"{ANY_COMMITTEE!r} may only come last",
                                column="applied_to", value=cells["applied_to"]))
        applied = [a for a in applied if a != ANY_COMMITTEE]
    attributes = {k: v for k, v in cells.items() if k not in CITIZEN_COLUMNS}
    try:
        citizen = Citizen(
            id=cells["id"],
            applied_to=tuple(applied),
            open_to_any=open_to_any,
            tags=frozenset(split_list(cells.get("tags", ""))),
            household=cells.get("household") or None,
            attributes=attributes,
        )
    except InputError as err:
        raise InputError(problems + list(err.problems)) from None
    if problems:
        raise InputError(problems)
    return citizen


def _count_cell(cells: dict[str, str], column: str, default: int | None) -> int | None:
    text = cells.get(column, "")
    if text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise InputError([Problem(message="must be a whole number", column=column,
                                  value=text)]) from None


def _politician(cells: dict[str, str]) -> Politician:
    problems: list[Problem] = []
    counts: dict[str, int | None] = {}
    for column, default in (("min_committees", 0), ("max_committees", None)):
        try:
            counts[column] = _count_cell(cells, column, default)
        except InputError as err:
            problems += err.problems
            counts[column] = default
    try:
        politician = Politician(
            id=cells["id"],
            party=cells["party"],
            preferences=tuple(split_list(cells.get("preferences", ""))),
            min_committees=counts["min_committees"] or 0,
            max_committees=counts["max_committees"],
        )
    except InputError as err:
        raise InputError(problems + list(err.problems)) from None
    if problems:
        raise InputError(problems)
    return politician


def _read_rows(table: Table, build: Any, what: str,
               problems: list[Problem]) -> tuple[list[Any], list[int | str]]:
    items, labels = [], []
    width = len(table.header)
    seen: set[str] = set()
    for cells_row, label in zip(table.rows, table.labels, strict=True):
        if len(cells_row) != width:
            problems.append(Problem(
                message=f"has {len(cells_row)} fields, the header has {width}",
                file=table.file, row=label))
            continue
        cells = {column: cell.strip() for column, cell in zip(table.header, cells_row, strict=True)}
        if cells["id"] in seen:
            # Found here too, not only by Scenario, so that rows which fail to parse still count.
            problems.append(Problem(message=f"{what} id is used twice", file=table.file,
                                    row=label, column="id", value=cells["id"]))
        seen.add(cells["id"])
        try:
            items.append(build(cells))
            labels.append(label)
        except InputError as err:
            problems += _located(err.problems, table, label)
    return items, labels


def read_people(
    *,
    mandates: tuple[Mandate, ...],
    citizens: Table,
    politicians: Table,
    council: CouncilRules,
    quotas: tuple[Quota, ...],
    mandate_places: tuple[str, Sequence[int | str]] | None = None,
    problems: Sequence[Problem] = (),
) -> Scenario:
    """Parse both tables and build the scenario, raising one InputError with every problem.

    ``problems`` are problems found earlier (in the mandates file, say), reported together with
    these; ``mandate_places`` says where each mandate came from.
    """
    found = list(problems)
    header_problems = (
        _header_problems(citizens, CITIZEN_REQUIRED, None)
        + _header_problems(politicians, POLITICIAN_REQUIRED, POLITICIAN_COLUMNS)
    )
    found += header_problems
    if header_problems:
        raise InputError(found)
    people_c, rows_c = _read_rows(citizens, _citizen, "citizen", found)
    people_p, rows_p = _read_rows(politicians, _politician, "politician", found)
    try:
        scenario = Scenario(mandates=mandates, citizens=tuple(people_c),
                            politicians=tuple(people_p), council=council, quotas=quotas)
    except InputError as err:
        places: dict[str, tuple[str, Sequence[int | str]]] = {
            CITIZENS: (citizens.file, rows_c),
            POLITICIANS: (politicians.file, rows_p),
        }
        for p in relocate(err, places).problems:
            if p.file == MANDATES and mandate_places is not None:
                file, sections = mandate_places
                section = sections[p.row] if isinstance(p.row, int) else None
                p = replace(p, file=file, section=section, row=None)
            found.append(p)
    if found:
        unique = {str(p): p for p in found}  # a duplicate id is found twice; say it once
        raise InputError(list(unique.values()))
    return scenario
