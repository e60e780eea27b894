"""Message codes: every code used has a text in each language, with the same fields."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import cocreate_match
from cocreate_match import CompetenceProfile, InputError, Problem
from cocreate_match.messages import (
    LANGUAGES,
    catalogue,
    get_language,
    language_from_environment,
    set_language,
    text,
)

SOURCE = Path(cocreate_match.__file__).parent
CODE = re.compile(r"""["'](CM-[ECFXR]\d{3})["']""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _codes_in_source() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(code, []).append(path.name)
    return used


def test_every_text_has_each_language_with_the_same_fields() -> None:
    problems = []
    for code, texts in catalogue().items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang, "").strip()]
        if missing:
            problems.append(f"{code}: no text in {missing}")
            continue
        extra = set(texts) - set(LANGUAGES)
        if extra:
            problems.append(f"{code}: unknown languages {sorted(extra)}")
        english = _fields(texts["en"])
        for lang in LANGUAGES[1:]:
            if _fields(texts[lang]) != english:
                problems.append(f"{code}/{lang}: fields {sorted(_fields(texts[lang]))}, "
                                f"English has {sorted(english)}")
            if lang != "en" and texts[lang] == texts["en"] and re.search(r"[a-z]{4}",
                                                                         texts["en"]):
                problems.append(f"{code}/{lang}: the same words as the English text")
    assert not problems, "\n".join(problems)


def test_every_code_in_the_source_has_texts_and_every_text_is_used() -> None:
    used = _codes_in_source()
    known = {key.split("/")[0] for key in catalogue()}
    assert sorted(set(used) - known) == []
    # A code no source names is a text nobody can see.
    assert sorted(known - set(used)) == []


def test_codes_have_the_documented_shape_and_suggestions_belong_to_findings() -> None:
    for key in catalogue():
        code, _, sub = key.partition("/")
        assert re.fullmatch(r"CM-[ECFXR]\d{3}", code), key
        assert sub in ("", "suggestion"), key
        if sub:
            assert code.startswith("CM-F"), key


def test_no_problem_is_made_without_a_code() -> None:
    offenders = [f"{p.name}:{n}" for p in sorted(SOURCE.rglob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "legacy=" in line]
    assert offenders == []


def test_a_problem_reads_in_the_language_chosen_after_it_was_raised() -> None:
    with pytest.raises(InputError) as caught:
        CompetenceProfile(name="young", any_of=["student"], min=3, max=1)
    [problem] = [p for p in caught.value.problems if p.code == "CM-E001"]
    try:
        set_language("da")
        assert problem.message == "min (3) er større end max (1)"
        assert str(caught.value).startswith("1 problem i inddata:")
        set_language("nb")
        assert problem.message == "min (3) er større enn max (1)"
    finally:
        set_language("en")
    assert problem.message == "min (3) is greater than max (1)"
    assert problem.text("da") == "min (3) er større end max (1)"


def test_plural_words_follow_the_count() -> None:
    assert text("CM-E000", lang="en", count=1) == "1 problem in the input:"
    assert text("CM-E000", lang="en", count=2) == "2 problems in the input:"
    assert text("CM-E000", lang="da", count=2) == "2 problemer i inddata:"
    assert text("CM-E000", lang="nb", count=0) == "0 problemer i inndataene:"


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(InputError) as caught:
        set_language("sv")
    [problem] = caught.value.problems
    assert problem.code == "CM-E002" and problem.value == "sv"
    assert "en, da, nb" in problem.message
    assert get_language() == "en"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "da_DK.UTF-8"}, "da"),
    ({"LANG": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "no_NO"}, "nb"),
    ({"LANG": "nn_NO.UTF-8"}, "nb"),
    ({"LANG": "sv_SE.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LC_ALL": "da_DK.UTF-8", "LANG": "en_US.UTF-8"}, "da"),
    ({"LC_MESSAGES": "nb_NO", "LANG": "da_DK"}, "nb"),
    ({"LANGUAGE": "sv:da", "LANG": "en_GB.UTF-8"}, "da"),
    ({"LANGUAGE": "sv", "LANG": "nb_NO.UTF-8"}, "nb"),
    ({"LANGUAGE": "", "LANG": "da_DK@euro"}, "da"),
])
def test_the_language_comes_from_the_environment_as_gettext_reads_it(
        environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


def test_a_problem_keeps_its_code_and_fields_through_replace() -> None:
    import dataclasses
    p = Problem(code="CM-E001", column="min",
                params={"low_name": "min", "low": 3, "high_name": "max", "high": 1})
    moved = dataclasses.replace(p, file="mandates.toml")
    assert moved.code == "CM-E001" and moved.message == p.message
    assert str(moved) == "mandates.toml, column min: min (3) is greater than max (1)"
