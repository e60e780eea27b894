"""Single-panel sortition data: ``categories.csv`` and ``respondents.csv``.

This is the instance format of Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair algorithms
for selecting citizens' assemblies" (Nature 596, 548-552, 2021). One directory describes one
panel: the quotas per feature, and the pool of respondents with their features.
:func:`load_sortition` turns it into a :class:`~cocreate_match.Scenario` with one committee,
the panel, and no politicians.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ._validate import LIST_SEPARATOR, check_count, check_id, check_limits, check_text
from .errors import InputError, Problem
from .mandate import Mandate, Quota
from .people import CITIZEN_COLUMNS, Attributes, Citizen
from .scenario import CITIZENS, Scenario, relocate
from .tables import Table, _header_problems, read_csv

__all__ = ["load_sortition"]

CATEGORIES_FILE = "categories.csv"
RESPONDENTS_FILE = "respondents.csv"
ID_COLUMN = "id"

# The two headers of categories.csv, as (category column, feature column): the published data
# says ``category,feature``; ``feature,value`` is also in use for the same thing.
_FORMS = (("category", "feature"), ("feature", "value"))
_WHOLE = re.compile(r"-?[0-9]+")


def load_sortition(
    directory: str | os.PathLike[str],
    seats: int,
    *,
    committee_id: str = "panel",
    title: str = "Panel",
) -> Scenario:
    """Read a single-panel sortition instance as a scenario with one committee.

    Parameters
    ----------
    directory : path
        Holds ``categories.csv`` and ``respondents.csv`` (UTF-8).

        ``categories.csv`` has the header ``category,feature,min,max`` or, meaning the same,
        ``feature,value,min,max``. Each row is one feature of a category (such as ``gender``,
        ``female``) with the least and the most panel members who may have it; the most may
        exceed the panel size. Each row becomes a :class:`~cocreate_match.Quota` on the panel.

        ``respondents.csv`` has one column per category and one row per member of the pool.
        Every value in a category's column must be one of the features listed for that
        category. Other columns are kept as attributes. An ``id`` column, if there is one,
        gives unique ids; without it a respondent's id is the 0-based number of the data row
        (``"0"``, ``"1"``, ...). Cells are stripped of surrounding spaces.
    seats : int
        The panel size k: the committee's citizen seats.
    committee_id : str, default "panel"
        The id of the one committee, which every respondent applies to.
    title : str, default "Panel"
        The committee's title.

    Returns
    -------
    Scenario
        One :class:`~cocreate_match.Mandate` with ``seats`` citizen seats, no politician seats
        and the quotas of ``categories.csv``; one :class:`~cocreate_match.Citizen` per
        respondent, in file order; no politicians; default council rules.

    Raises
    ------
    InputError
        With every problem found in the parameters and both files at once, each naming the
        file, row (the CSV header is row 1), column and value.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cocreate_match import Status, solve
    >>> from cocreate_match.sortition import load_sortition
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "categories.csv").write_text(
    ...         "category,feature,min,max\\ngender,female,1,2\\ngender,male,1,2\\n")
    ...     _ = Path(d, "respondents.csv").write_text(
    ...         "gender,age\\nfemale,34\\nmale,61\\nfemale,25\\n")
    ...     scenario = load_sortition(d, seats=2)
    >>> [c.id for c in scenario.citizens], dict(scenario.citizen("2").attributes)
    (['0', '1', '2'], {'age': '25', 'gender': 'female'})
    >>> scenario.mandate("panel").quotas[0]
    Quota(attribute='gender', value='female', min=1, max=2)
    >>> solve(scenario).status is Status.OPTIMAL
    True
    """
    problems = (check_count(seats, "seats") + check_id(committee_id, "committee_id")
                + check_text(title, "title"))
    root = Path(directory)
    if not root.exists():
        raise InputError([*problems, Problem(code="CM-E140", file=str(root))])
    if not root.is_dir():
        raise InputError([*problems, Problem(code="CM-E141", file=str(root))])
    categories_table = read_csv(root / CATEGORIES_FILE, CATEGORIES_FILE, problems)
    respondents_table = read_csv(root / RESPONDENTS_FILE, RESPONDENTS_FILE, problems)
    categories = None if categories_table is None else _read_categories(categories_table,
                                                                          problems)
    respondents = None if respondents_table is None else _read_respondents(respondents_table,
                                                                            problems)
    if categories is not None and respondents is not None:
        problems += _column_problems(categories, respondents)
        problems += _feature_problems(categories, respondents)
    if problems or categories is None or respondents is None:
        raise InputError(problems)
    citizens = tuple(
        Citizen(id=rid, applied_to=(committee_id,), attributes=Attributes(cells))
        for rid, cells in zip(respondents.ids, respondents.cells, strict=True)
    )
    mandate = Mandate(id=committee_id, title=title, citizen_seats=seats, politician_seats=0,
                      quotas=tuple(categories.quotas))
    try:
        return Scenario(mandates=(mandate,), citizens=citizens)
    except InputError as err:  # pragma: no cover - every reference was checked above
        raise relocate(err, {CITIZENS: (RESPONDENTS_FILE, respondents.labels)}) from None


# -- categories.csv -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Categories:
    """What ``categories.csv`` holds: quotas, and each category's features with their rows."""

    file: str
    category_column: str
    quotas: list[Quota] = field(default_factory=list)
    # category -> feature -> the row it is listed on; also holds rows whose numbers are bad,
    # so that their features still count as listed when the respondents are checked.
    features: dict[str, dict[str, int | str]] = field(default_factory=dict)


def _read_categories(table: Table, problems: list[Problem]) -> _Categories | None:
    category_col, feature_col = next(
        (form for form in _FORMS if form[0] in table.header), _FORMS[0])
    columns = (category_col, feature_col, "min", "max")
    header_problems = _header_problems(table, (), columns)
    header_problems += [
        Problem(code="CM-E170", file=table.file, row=table.header_label, column=column)
        for column in columns if column not in table.header
    ]
    problems += header_problems
    if header_problems:
        return None
    found = _Categories(file=table.file, category_column=category_col)
    for row, label in _rows(table, problems):
        if row is None:
            continue
        row_problems = check_id(row[category_col], category_col)
        if not row[feature_col]:
            row_problems.append(Problem(code="CM-E171", column=feature_col, value=""))
        low = _whole(row["min"], "min", row_problems)
        high = _whole(row["max"], "max", row_problems)
        if low is not None and high is not None:
            row_problems += check_limits(low, high)
        if row[feature_col] and not check_id(row[category_col], category_col):
            listed = found.features.setdefault(row[category_col], {})
            if row[feature_col] in listed:
                row_problems.append(Problem(
                    code="CM-E172", params={"column": category_col,
                                            "category": row[category_col],
                                            "first": listed[row[feature_col]]},
                    column=feature_col, value=row[feature_col]))
            else:
                listed[row[feature_col]] = label
        if row_problems:
            problems += [replace(p, file=table.file, row=label) for p in row_problems]
            continue
        assert low is not None and high is not None
        found.quotas.append(Quota(attribute=row[category_col], value=row[feature_col],
                                  min=low, max=high))
    return found


def _whole(text: str, column: str, problems: list[Problem]) -> int | None:
    if not _WHOLE.fullmatch(text):
        problems.append(Problem(code="CM-E133", column=column, value=text))
        return None
    try:
        number = int(text)
    except ValueError:  # thousands of digits: past Python's limit, and past any panel
        problems.append(Problem(code="CM-E173", column=column, value=text[:20] + "..."))
        return None
    if number < 0:
        problems.append(Problem(code="CM-E174", column=column, value=text))
        return None
    return number


# -- respondents.csv ----------------------------------------------------------------------------
@dataclass(slots=True)
class _Respondents:
    """The rows of ``respondents.csv`` with the right number of fields, with ids and rows."""

    file: str
    attribute_columns: tuple[str, ...]
    separated: bool  # the header holds ';' or a tab: the file is not cut at ','
    ids: list[str] = field(default_factory=list)
    cells: list[dict[str, str]] = field(default_factory=list)
    labels: list[int | str] = field(default_factory=list)


def _read_respondents(table: Table, problems: list[Problem]) -> _Respondents | None:
    # A file saved with ';' or tabs between columns reads as one long column name.
    separated = any(sep in c for c in table.header for sep in (LIST_SEPARATOR, "\t"))
    header_problems = _header_problems(table, (), None)
    attribute_columns = tuple(c for c in table.header if c and c != ID_COLUMN)
    for column in attribute_columns:  # (names are checked with the header, once)
        if column in CITIZEN_COLUMNS:  # the respondents become citizens with attributes
            header_problems.append(Problem(code="CM-E175", file=table.file,
                                           row=table.header_label, column=column))
    problems += header_problems
    if header_problems:
        return None
    found = _Respondents(file=table.file, attribute_columns=attribute_columns,
                         separated=separated)
    has_ids = ID_COLUMN in table.header
    first_row: dict[str, int | str] = {}
    for number, (row, label) in enumerate(_rows(table, problems)):
        if row is None:
            continue  # the row's problem is reported; it still takes its place in the numbering
        rid = row.pop(ID_COLUMN) if has_ids else str(number)
        row_problems = [replace(p, file=table.file, row=label, column=ID_COLUMN)
                        for p in check_id(rid, ID_COLUMN)] if has_ids else []
        if rid in first_row:
            row_problems.append(Problem(
                code="CM-E176", params={"first": first_row[rid]},
                file=table.file, row=label, column=ID_COLUMN, value=rid))
        else:
            first_row[rid] = label
        problems += row_problems
        found.ids.append(rid)
        found.cells.append(row)
        found.labels.append(label)
    return found


def _column_problems(categories: _Categories, respondents: _Respondents) -> list[Problem]:
    """Each category must be an attribute column of the respondents' file."""
    # Whether the file has attribute columns, and whether it is cut at ',': a code for each.
    code = {(True, False): "CM-E152", (False, False): "CM-E153",
            (True, True): "CM-E177", (False, True): "CM-E178"}[
        bool(respondents.attribute_columns), respondents.separated]
    params = {"file": respondents.file, "columns": ", ".join(respondents.attribute_columns)}
    return [
        Problem(code=code, params=params,
                file=categories.file, row=next(iter(features.values())),
                column=categories.category_column, value=category)
        for category, features in categories.features.items()
        if category not in respondents.attribute_columns
    ]


def _feature_problems(categories: _Categories, respondents: _Respondents) -> list[Problem]:
    """Each respondent's value in a category must be a listed feature, or no quota counts it."""
    checked = [(c, f) for c, f in categories.features.items()
               if c in respondents.attribute_columns]
    problems = []
    for cells, label in zip(respondents.cells, respondents.labels, strict=True):
        for category, features in checked:
            if cells[category] not in features:
                problems.append(Problem(
                    code="CM-E179", params={"category": category, "file": categories.file,
                                            "features": ", ".join(features)},
                    file=respondents.file, row=label, column=category, value=cells[category]))
    return problems


# -- both ---------------------------------------------------------------------------------------
def _rows(table: Table, problems: list[Problem]) -> list[tuple[dict[str, str] | None, int | str]]:
    """Each data row as stripped cells by column, with its label.

    A row with the wrong number of fields is reported, and given as None so that the rows
    after it keep their numbers.
    """
    rows: list[tuple[dict[str, str] | None, int | str]] = []
    width = len(table.header)
    for cells, label in zip(table.rows, table.labels, strict=True):
        if len(cells) != width:
            problems.append(Problem(code="CM-E134",
                                    params={"count": len(cells), "width": width},
                                    file=table.file, row=label))
            rows.append((None, label))
        else:
            rows.append(({c: v.strip() for c, v in zip(table.header, cells, strict=True)},
                         label))
    return rows
