"""Errors raised by cocreate_match.

The hierarchy::

    CocreateMatchError              base of everything the library raises on purpose
    ├── InputError (ValueError)     bad scenario, plan or parameter; lists every problem found
    └── SolverError (RuntimeError)  a solver backend failed in a way no input explains

"No plan meets every rule" is not an error: :func:`cocreate_match.solve` returns a result with
:attr:`cocreate_match.Status.INFEASIBLE` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .messages import Coded, text

__all__ = ["CocreateMatchError", "InputError", "Problem", "SolverError"]

_MISSING: Any = object()

#: The section of a problem with a key of a file's outermost table or object; shown in the
#: reader's language, compared as this string.
TOP_LEVEL = "top level"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem(Coded):
    """One thing wrong with an input, and where it is.

    Parameters
    ----------
    code : str
        The problem's stable code, such as ``"CM-E001"`` (see :mod:`cocreate_match.messages`).
    params : mapping
        The fields its text is filled in with.
    file : str or None
        The file (or table) the problem is in, such as ``"citizens.csv"``.
    section : str or None
        The part of a TOML file, such as ``[[committee]] #2 (id 'climate')``.
    row : int or None
        The 1-based line of the file (a CSV header is line 1), or a row label of a DataFrame.
    column : str or None
        The CSV column, or the TOML key when ``section`` is given.
    value : object
        The offending value, when there is one.

    Examples
    --------
    >>> p = Problem(code="CM-E001", column="min",
    ...             params={"low_name": "min", "low": 3, "high_name": "max", "high": 1})
    >>> str(p)
    'column min: min (3) is greater than max (1)'
    >>> p.text("da")
    'min (3) er større end max (1)'
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    file: str | None = None
    section: str | None = None
    row: int | str | None = None
    column: str | None = None
    value: Any = _MISSING

    @property
    def has_value(self) -> bool:
        return self.value is not _MISSING

    def where(self, lang: str | None = None) -> str:
        """The place: file, section, row, column and value, as one line in ``lang`` (the
        current language when None).

        Examples
        --------
        >>> p = Problem(code="CM-E001", file="citizens.csv", row=3, column="min", value="x")
        >>> p.where("da")
        "citizens.csv, række 3, kolonne min, værdi 'x'"
        """
        parts = []
        if self.file is not None:
            parts.append(self.file)
        if self.section is not None:
            parts.append(text("CM-E094", lang) if self.section == TOP_LEVEL else self.section)
        if self.row is not None:
            parts.append(text("CM-E090", lang, row=self.row))
        if self.column is not None:
            # A command-line option (``--seats``) is no column of any file.
            parts.append(text("CM-E092", lang, key=self.column) if self.section is not None
                         else text("CM-E095", lang, option=self.column)
                         if self.column.startswith("-")
                         else text("CM-E091", lang, column=self.column))
        if self.has_value:
            parts.append(text("CM-E093", lang, value=self.value))
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class CocreateMatchError(Exception):
    """Base class of the errors cocreate_match raises."""


class InputError(CocreateMatchError, ValueError):
    """The input is invalid; :attr:`problems` lists every problem found, not just the first.

    Examples
    --------
    >>> from cocreate_match import CompetenceProfile, InputError
    >>> try:
    ...     CompetenceProfile(name="young", any_of=["student"], min=3, max=1)
    ... except InputError as err:
    ...     print(err.problems[0].message)
    min (3) is greater than max (1)
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        # A problem without a code would have no text in any language: a bug, said at once.
        if not self.problems or not all(isinstance(p, Problem) for p in self.problems):
            raise TypeError("InputError takes one or more Problem objects")
        super().__init__(*self.problems)

    def __str__(self) -> str:
        # Rendered when shown, so the text follows the language chosen since it was raised.
        head = text("CM-E000", count=len(self.problems))
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class SolverError(CocreateMatchError, RuntimeError):
    """A solver backend failed (crashed, or answered something no valid model can produce)."""
