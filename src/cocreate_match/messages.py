"""Message codes, and their texts in English, Danish and Norwegian (bokmål).

Every text cocreate_match shows a person has a stable code: an input problem (``CM-E…``), a
finding of the checks before solving (``CM-F…``), a line of an explanation or a broken rule
(``CM-X…``), an outcome of a solve, lottery or re-plan (``CM-R…``) and a message of the command
line (``CM-C…``). Software that receives them can act on the code and show the text in the
reader's language; the code never changes when a text is reworded.

The texts live in ``data/messages/*.toml``, one table per code with ``en``, ``da`` and ``nb``
keys (and a ``suggestion`` sub-table for findings). A text is a :meth:`str.format` template
over named fields; ``{n:?seat|seats}`` writes the first word when ``n`` is 1 and the second
otherwise, so each language says its own plural.

The language is English unless :func:`set_language` chooses another; texts are rendered when
shown, not when made, so a problem raised in English reads in Danish after
``set_language("da")``.

Examples
--------
>>> from cocreate_match.messages import text
>>> text("CM-E001", lang="en", low_name="min", low=3, high_name="max", high=1)
'min (3) is greater than max (1)'
>>> text("CM-E001", lang="da", low_name="min", low=3, high_name="max", high=1)
'min (3) er større end max (1)'
"""

from __future__ import annotations

import logging
import os
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LANGUAGES", "Coded", "catalogue", "get_language", "language_from_environment",
           "log_message", "set_language", "text"]

#: The languages every code has a text in: English, Danish, Norwegian (bokmål).
LANGUAGES = ("en", "da", "nb")

# What a locale's language part means here: Norwegian in any written form reads bokmål.
_LOCALE_LANGUAGES = {"en": "en", "da": "da", "nb": "nb", "no": "nb", "nn": "nb"}

_current = "en"


def set_language(lang: str | None) -> None:
    """Show texts in ``lang`` (``"en"``, ``"da"`` or ``"nb"``) from now on.

    ``None`` takes the language from the environment, as :func:`language_from_environment`
    does. The choice is the whole process's, like a locale.

    Examples
    --------
    >>> from cocreate_match.messages import get_language, set_language
    >>> set_language("nb"); get_language()
    'nb'
    >>> set_language("en")
    """
    global _current
    chosen = language_from_environment() if lang is None else lang
    if chosen not in LANGUAGES:
        from .errors import InputError, Problem
        raise InputError([Problem(code="CM-E002", column="lang", value=lang,
                                  params={"choices": ", ".join(LANGUAGES)})])
    _current = chosen


def get_language() -> str:
    """The language texts are shown in now."""
    return _current


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for, as gettext reads it; English when none fits.

    ``LANGUAGE`` (a ``:``-separated list of preferences), then ``LC_ALL``, ``LC_MESSAGES`` and
    ``LANG``; the first one set decides, and the first of its languages we have wins.

    Examples
    --------
    >>> language_from_environment({"LANG": "da_DK.UTF-8"})
    'da'
    >>> language_from_environment({"LANGUAGE": "sv:nn:en", "LANG": "da_DK.UTF-8"})
    'nb'
    >>> language_from_environment({"LC_ALL": "C", "LANG": "nb_NO.UTF-8"})
    'en'
    """
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        for item in value.split(":"):
            part = item.split(".")[0].split("@")[0].split("_")[0].lower()
            if part in _LOCALE_LANGUAGES:
                return _LOCALE_LANGUAGES[part]
        if var != "LANGUAGE":
            return "en"
    return "en"


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every text by id (a code, or ``code/suggestion``), then by language."""
    found: dict[str, dict[str, str]] = {}
    folder = resources.files("cocreate_match") / "data" / "messages"
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".toml"):
            continue
        table = tomllib.loads(item.read_text(encoding="utf-8"))
        for code, entry in table.items():
            if code in found:
                raise RuntimeError(f"message code {code} is defined twice ({item.name})")
            found[code] = {k: v for k, v in entry.items() if isinstance(v, str)}
            for sub, texts in entry.items():
                if isinstance(texts, dict):
                    found[f"{code}/{sub}"] = dict(texts)
    return found


class _Formatter(string.Formatter):
    """``str.format`` plus ``{n:?one|many}``, the word for one or for any other count."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec.startswith("?"):
            one, _, many = format_spec[1:].partition("|")
            return one if value == 1 else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def text(code: str, /, lang: str | None = None, **params: Any) -> str:
    """The text of ``code`` in ``lang`` (the current language when None), filled in.

    A code missing from the catalogue is a bug; it still shows, with its fields, rather than
    hiding the message it stands for.

    Examples
    --------
    >>> text("CM-E001", lang="nb", low_name="min", low=3, high_name="max", high=1)
    'min (3) er større enn max (1)'
    """
    texts = catalogue().get(code)
    if texts is None:
        shown = ", ".join(f"{k}={v!r}" for k, v in sorted(params.items()))
        return f"{code}({shown})"
    template = texts.get(lang or _current) or texts["en"]
    return _FORMATTER.format(template, **params)


def log_message(logger: logging.Logger, code: str, level: int = logging.INFO, /,
                **params: Any) -> None:
    """Log the text of ``code`` in English (logs stay searchable whatever the language),
    with ``code`` and ``params`` on the record for handlers that show it in another.
    ``level`` is positional, so a text's own field may be called ``level``.

    Examples
    --------
    >>> import logging
    >>> records = []
    >>> class Keep(logging.Handler):
    ...     def emit(self, record): records.append(record)
    >>> logger = logging.getLogger("cocreate_match.example")
    >>> logger.addHandler(Keep()); logger.setLevel(logging.INFO)
    >>> log_message(logger, "CM-E000", count=2)
    >>> records[0].getMessage(), records[0].code, records[0].params
    ('2 problems in the input:', 'CM-E000', {'count': 2})
    """
    if logger.isEnabledFor(level):
        logger.log(level, "%s", text(code, "en", **params),
                   extra={"code": code, "params": params})


class Coded:
    """A text known by its code and fields: :attr:`message` in the current language,
    :meth:`text` in any (the base of problems, findings, explanation lines, broken rules and
    notes).

    Examples
    --------
    >>> from cocreate_match import Problem
    >>> p = Problem(code="CM-E000", params={"count": 2})
    >>> p.message, p.text("nb")
    ('2 problems in the input:', '2 problemer i inndataene:')
    """

    __slots__ = ()
    code: str
    params: Mapping[str, Any]

    @property
    def message(self) -> str:
        """The text in the current language."""
        return self.text()

    def text(self, lang: str | None = None) -> str:
        """The text in ``lang`` (the current language when None)."""
        return text(self.code, lang, **self.params)
