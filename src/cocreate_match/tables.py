"""Citizens and politicians from rows of text: the one parser behind CSV files and DataFrames.

This module knows people and tables, not scenarios: :mod:`cocreate_match.scenario` builds a
scenario from what it reads (never the other way round).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._validate import ANY_COMMITTEE, LIST_SEPARATOR, check_id
from .errors import InputError, Problem
from .people import (
    CITIZEN_COLUMNS,
    Attributes,
    Citizen,
    Politician,
    citizen_stand_in,
    politician_stand_in,
)

if TYPE_CHECKING:
    import pandas as pd

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


@dataclass(frozen=True, slots=True)
class People:
    """The citizens or politicians read from a table, with the label of each one's row.

    A row that could not be read as a person (its problems are reported) is among ``items``
    as a stand-in (:func:`~cocreate_match.people.citizen_stand_in`) for the checks between
    records; ``whole`` is False when some row's attributes are unknown all the same (a row of
    the wrong width).
    """

    table: Table
    items: tuple[Any, ...]
    labels: tuple[int | str, ...]
    whole: bool = True


def read_text(path: Path, name: str, problems: list[Problem], *,
              spreadsheet: bool = False) -> str | None:
    """The text of a regular file (UTF-8 with a BOM dropped; for a CSV file, ``spreadsheet``,
    the encoding the command line gave), or None with the reason in problems (see
    :mod:`.files`)."""
    from .files import decode, read_bytes

    data = read_bytes(path, name, problems)
    return None if data is None else decode(data, name, problems, spreadsheet=spreadsheet)


def read_csv(path: Path, name: str, problems: list[Problem]) -> Table | None:
    """A CSV file as a :class:`Table` labelled by line, or None with the reason in problems."""
    text = read_text(path, name, problems, spreadsheet=True)
    if text is None:
        return None
    # Only a file with a byte-order mark may be one --excel wrote, with formulas as text.
    excel = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    rows: list[tuple[str, ...]] = []
    labels: list[int] = []
    header: tuple[str, ...] | None = None
    header_line = 1
    from .files import delimiter_of, unneutralise

    # Danish and Norwegian Excel separates cells with ";": detected from the header line.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    start = 1  # a quoted cell may span lines; a record is reported at the line it starts on
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # blank lines carry nothing
            if excel:  # a cell --excel wrote as text ("'=...") reads back as it was
                row = [unneutralise(cell) for cell in row]
            if header is None:
                header = tuple(cell.strip() for cell in row)
                header_line = line
            else:
                rows.append(tuple(row))
                labels.append(line)
    except csv.Error as err:
        problems.append(Problem(code="CM-E120", params={"reason": str(err)}, file=name,
                                row=start))
        return None
    if header is None:
        problems.append(Problem(code="CM-E121", file=name))
        return None
    return Table(file=name, header=header, rows=tuple(rows), labels=tuple(labels),
                 header_label=header_line)


def write_csv(path: str | os.PathLike[str], rows: Iterable[Sequence[object]]) -> None:
    """Write rows as UTF-8 CSV with ``\n`` line ends, the same bytes for the same rows, that
    :func:`read_csv` reads back cell for cell: the one way the library writes CSV. Inside
    :func:`~cocreate_match.files.spreadsheet`, for Excel: a BOM, ``;``, formulas as text.
    The file is written whole or not at all.

    The csv module quotes a cell holding ``\n`` but not one holding a lone ``\r``, which a
    reader takes for a line end; a file with such a cell quotes every cell.
    """
    from .files import for_spreadsheet, formula_like, log, neutralise, write_atomic
    from .messages import log_message

    cells = [[str(cell) for cell in row] for row in rows]
    excel = for_spreadsheet()
    if excel:
        cells = [[neutralise(cell) for cell in row] for row in cells]
    else:
        risky = sum(formula_like(cell) for row in cells for cell in row)
        if risky:
            log_message(log, "CM-R140", logging.WARNING, path=os.fspath(path), count=risky)
    quote_all = any("\r" in cell for row in cells for cell in row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", delimiter=";" if excel else ",",
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(cells)
    # Excel opens UTF-8 as such only behind a byte-order mark.
    write_atomic(path, buffer.getvalue().encode("utf-8-sig" if excel else "utf-8"))


def split_list(cell: str) -> list[str]:
    """``"a; b;"`` -> ``["a", "b"]``: pieces stripped, empty pieces dropped."""
    return [piece.strip() for piece in cell.split(LIST_SEPARATOR) if piece.strip()]


def frame_to_table(frame: pd.DataFrame, name: str) -> Table:
    """Turn a DataFrame into text cells, the way the same data would read from a CSV file."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError([Problem(code="CM-E122", params={"type": type(frame).__name__},
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


def _header_problems(table: Table, required: Sequence[str],
                     allowed: Sequence[str] | None) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for column in table.header:
        if column in seen:
            problems.append(Problem(code="CM-E123", file=table.file,
                                    row=table.header_label, column=column))
        seen.add(column)
        if not column:
            problems.append(Problem(code="CM-E124", file=table.file,
                                    row=table.header_label))
        elif allowed is not None and column not in allowed:
            problems.append(Problem(
                code="CM-E125", params={"columns": ", ".join(allowed)},
                file=table.file, row=table.header_label, column=column))
        elif allowed is None and column not in CITIZEN_COLUMNS:
            # An attribute column: its name is checked once here, not once per row.
            problems += [_column_name_problem(p, table) for p in check_id(column, column)]
    # A file saved with ';' or tabs between columns reads as one long column name.
    separated = any(sep in column for column in table.header for sep in (LIST_SEPARATOR, "\t"))
    for column in required:
        if column not in seen:
            problems.append(Problem(code="CM-E130" if separated else "CM-E129",
                                    file=table.file, row=table.header_label, column=column))
    return problems


# What check_id finds wrong with an id (surrounding spaces, a control character, ';' or '*'),
# said of a column name. A header cell is a string, and an empty one has no name (above).
_COLUMN_NAME = {"CM-E005": "CM-E126", "CM-E006": "CM-E127", "CM-E007": "CM-E128"}


def _column_name_problem(problem: Problem, table: Table) -> Problem:
    """A problem of :func:`check_id` with an attribute column's name, in the header."""
    code = _COLUMN_NAME.get(problem.code)
    if code is None:  # said of the name as of any id
        return replace(problem, file=table.file, row=table.header_label)
    return Problem(code=code, params={"separator": LIST_SEPARATOR, "any": ANY_COMMITTEE},
                   file=table.file, row=table.header_label, column=problem.column)


def _located(problems: Sequence[Problem], table: Table, label: int | str) -> list[Problem]:
    return [replace(p, file=table.file, row=label) for p in problems]


def _citizen(cells: dict[str, str]) -> Citizen:
    applied = split_list(cells["applied_to"])
    problems = []
    open_to_any = bool(applied) and applied[-1] == ANY_COMMITTEE
    if open_to_any:
        applied.pop()
    if ANY_COMMITTEE in applied:
        problems.append(Problem(code="CM-E131", params={"any": ANY_COMMITTEE},
                                column="applied_to", value=cells["applied_to"]))
        applied = [a for a in applied if a != ANY_COMMITTEE]
    elif not applied and not open_to_any:
        # A Citizen may have no committee (all they named may be cancelled), but a row that
        # names none is a mistake in the file.
        problems.append(Problem(code="CM-E132", params={"any": ANY_COMMITTEE},
                                column="applied_to", value=""))
    attributes = {k: v for k, v in cells.items() if k not in CITIZEN_COLUMNS}
    try:
        citizen = Citizen(
            id=cells["id"],
            applied_to=tuple(applied),
            open_to_any=open_to_any,
            tags=frozenset(split_list(cells.get("tags", ""))),
            household=cells.get("household") or None,
            attributes=Attributes(attributes),
        )
    except InputError as err:
        raise InputError(problems + list(err.problems)) from None
    if problems:
        raise InputError(problems)
    return citizen


def _citizen_stand_in(cells: dict[str, str]) -> tuple[Citizen, bool]:
    """A stand-in for a citizen's row that could not be read (see :class:`People`)."""
    return citizen_stand_in({
        "id": cells["id"],
        "applied_to": [a for a in split_list(cells["applied_to"]) if a != ANY_COMMITTEE],
        "household": cells.get("household") or None,
        "attributes": {k: v for k, v in cells.items() if k not in CITIZEN_COLUMNS}})


def _count_cell(cells: dict[str, str], column: str, default: int | None) -> int | None:
    text = cells.get(column, "")
    if text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise InputError([Problem(code="CM-E133", column=column, value=text)]) from None


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


def _politician_stand_in(cells: dict[str, str]) -> tuple[Politician, bool]:
    """A stand-in for a politician's row that could not be read (see :class:`People`)."""
    return politician_stand_in({"id": cells["id"], "party": cells["party"],
                                "preferences": split_list(cells.get("preferences", ""))}), True


def _read_rows(table: Table, build: Any, stand_in: Any, twice: str,
               problems: list[Problem]) -> People:
    items, labels = [], []
    whole = True
    width = len(table.header)
    seen: set[str] = set()
    for cells_row, label in zip(table.rows, table.labels, strict=True):
        if len(cells_row) != width:
            problems.append(Problem(
                code="CM-E134", params={"count": len(cells_row), "width": width},
                file=table.file, row=label))
            whole = False
            continue
        cells = {column: cell.strip() for column, cell in zip(table.header, cells_row, strict=True)}
        if cells["id"] in seen:
            # Found here too, not only by Scenario, so that rows which fail to parse still count.
            problems.append(Problem(code=twice, file=table.file, row=label, column="id",
                                    value=cells["id"]))
        seen.add(cells["id"])
        try:
            items.append(build(cells))
        except InputError as err:
            problems += _located(err.problems, table, label)
            # Every problem at once: its committees, id and attributes are still checked.
            item, known = stand_in(cells)
            items.append(item)
            whole = whole and known
        labels.append(label)
    return People(table=table, items=tuple(items), labels=tuple(labels), whole=whole)


def read_people(citizens: Table | None, politicians: Table | None,
                problems: list[Problem]) -> tuple[People | None, People | None]:
    """Parse the citizens' and the politicians' tables, adding every problem to ``problems``.

    A table that is ``None`` (it could not be read) or has a broken header gives ``None``;
    otherwise the rows, labelled: a row that did not parse (its problems are among
    ``problems``) as a stand-in, and a row of the wrong width not at all (see :class:`People`).
    """
    read: list[People | None] = []
    # Each table with the code of "a person's id is used twice" in it.
    for table, required, allowed, build, stand_in, twice in (
        (citizens, CITIZEN_REQUIRED, None, _citizen, _citizen_stand_in, "CM-E135"),
        (politicians, POLITICIAN_REQUIRED, POLITICIAN_COLUMNS, _politician,
         _politician_stand_in, "CM-E136"),
    ):
        header_problems = [] if table is None else _header_problems(table, required, allowed)
        problems += header_problems
        if table is None or header_problems:
            read.append(None)
            continue
        read.append(_read_rows(table, build, stand_in, twice, problems))
    return read[0], read[1]
