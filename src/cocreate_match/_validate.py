"""Small checks shared by the domain classes; each returns problems instead of raising."""

from __future__ import annotations

import numbers
import unicodedata
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar

from .errors import InputError, Problem

ANY_COMMITTEE = "*"
LIST_SEPARATOR = ";"

E = TypeVar("E", bound=Enum)


def parse_choice(kind: type[E], value: object, column: str) -> E:
    """The member of the enum ``kind`` that ``value`` is or names; an InputError naming the
    column and every allowed value otherwise."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(repr(m.value) for m in kind)
        raise InputError([Problem(code="CM-E002", params={"choices": names}, column=column,
                                  value=value)]) from None


def check_id(value: Any, column: str) -> list[Problem]:
    """An identifier: a non-empty string without surrounding spaces, ``;`` or ``*``."""
    if not isinstance(value, str):
        return [Problem(code="CM-E003", column=column, value=value)]
    if not value:
        return [Problem(code="CM-E004", column=column, value=value)]
    if value != value.strip():
        return [Problem(code="CM-E005", column=column, value=value)]
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        # A newline can never be named in a list of ids; an escape code rewrites the terminal.
        return [Problem(code="CM-E006", column=column, value=value)]
    if LIST_SEPARATOR in value or value == ANY_COMMITTEE:
        return [Problem(code="CM-E007", column=column, value=value,
                        params={"separator": repr(LIST_SEPARATOR),
                                "any": repr(ANY_COMMITTEE)})]
    return []


def is_whole(value: Any) -> bool:
    """A whole number: a Python int or a numpy integer (a DataFrame's cells), not a bool."""
    return not isinstance(value, bool) and type(value).__name__ != "bool_" and isinstance(
        value, numbers.Integral)


def check_count(value: Any, column: str, *, optional: bool = False) -> list[Problem]:
    """A whole number of at least 0 (``None`` allowed when optional)."""
    if value is None and optional:
        return []
    if not is_whole(value):
        return [Problem(code="CM-E008", column=column, value=value)]
    if value < 0:
        return [Problem(code="CM-E009", column=column, value=value)]
    return []


def check_whole(value: Any, column: str) -> list[Problem]:
    """An argument that must be a whole number of at least 0 (a seed, a count)."""
    if not is_whole(value) or value < 0:
        return [Problem(code="CM-E010", column=column, value=value)]
    return []


def check_limits(low: Any, high: Any, low_name: str = "min",
                 high_name: str = "max") -> list[Problem]:
    """``low`` a count, ``high`` an optional count, and ``low <= high``."""
    problems = check_count(low, low_name) + check_count(high, high_name, optional=True)
    if not problems and high is not None and low > high:
        problems.append(
            Problem(code="CM-E001", column=low_name, value=low,
                    params={"low_name": low_name, "low": low, "high_name": high_name,
                            "high": high})
        )
    return problems


def check_text(value: Any, column: str) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(code="CM-E003", column=column, value=value)]
    return []


def check_names(values: Iterable[Any], column: str) -> list[Problem]:
    """Each value an identifier, none repeated."""
    problems: list[Problem] = []
    seen: set[Any] = set()
    for value in values:
        problems += check_id(value, column)
        if isinstance(value, str) and value in seen:
            problems.append(Problem(code="CM-E011", column=column, value=value))
        seen.add(value)
    return problems


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


def as_tuple(values: Any, column: str | None = None) -> tuple[Any, ...]:
    """A tuple of the given values; a lone string is one value, not its characters. A value
    that is not a collection (None, a number) is an InputError naming ``column``."""
    if isinstance(values, str):
        return (values,)
    try:
        return tuple(values)
    except TypeError:
        raise InputError([not_a_list(values, column)]) from None


def not_a_list(values: Any, column: str | None) -> Problem:
    """The problem of ``values`` given for a list, in ``column``."""
    return Problem(code="CM-E012", column=column, value=values)


def collect_tuple(values: Any, column: str, problems: list[Problem]) -> tuple[Any, ...]:
    """As :func:`as_tuple`, but a value that is not a collection adds its problem to
    ``problems`` and reads as empty, so that the other fields are still checked."""
    try:
        return as_tuple(values, column)
    except InputError:
        problems.append(not_a_list(values, column))
        return ()


def printable(text: str) -> str:
    r"""Text safe to print on a terminal: control characters other than newline shown as
    escapes (``\x1b``), so that a title holding an escape code cannot clear the screen.

    Examples
    --------
    >>> printable("Climate\x1b[2J")
    'Climate\\x1b[2J'
    """
    return "".join(ch if ch == "\n" or unicodedata.category(ch) != "Cc"
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)
