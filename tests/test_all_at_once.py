"""Every problem of an input is reported at once, in one InputError.

Each input here has several problems of different kinds (wrong types, unknown references, a
rule-name clash, limits out of order, missing keys); every one must be listed, by code and
place, in the same error, so that a person can fix them all in one go.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    InputError,
    Mandate,
    Politician,
    Problem,
    Quota,
    Scenario,
    generate_scenario,
    load_scenario,
)
from cocreate_match.messages import catalogue

NO_VALUE: Any = ...
# A committee "household" and a household "seats/citizens" give two rules the same name.
CLASH = "household/seats/citizens"


def caught(build: Callable[[], object]) -> InputError:
    with pytest.raises(InputError) as info:
        build()
    return info.value


def listed(err: InputError) -> set[tuple[Any, ...]]:
    """(code, file, section, row, column, value) of every problem; ``...`` for no value."""
    return {(p.code, p.file, p.section, p.row, p.column,
             p.value if p.has_value else NO_VALUE) for p in err.problems}


def clash(section: str | None = None) -> tuple[Any, ...]:
    return ("CM-E035", None, section, None, None, CLASH)


def _mixed_scenario() -> Scenario:
    mandates: list[Any] = [Mandate(id="household", citizen_seats=1, politician_seats=0),
                           "climate"]
    citizens: list[Any] = [Citizen(id="c1", applied_to=["household"],
                                   household="seats/citizens"),
                           Citizen(id="c2", applied_to=["nowhere"]), 7]
    politicians: list[Any] = [Politician(id="c1", party="A", preferences=["gone"]), None]
    quotas: list[Any] = [Quota(attribute="age", value="young"), "q"]
    council: Any = "strict"
    return Scenario(mandates=mandates, citizens=citizens, politicians=politicians,
                    quotas=quotas, council=council)


def test_type_reference_and_rule_name_problems_are_reported_together() -> None:
    err = caught(_mixed_scenario)
    assert listed(err) == {
        # The items of the wrong type ...
        ("CM-E016", "Scenario.mandates", None, 1, None, "climate"),
        ("CM-E016", "Scenario.citizens", None, 2, None, 7),
        ("CM-E016", "Scenario.politicians", None, 1, None, None),
        ("CM-E016", "Scenario.quotas", None, 1, None, "q"),
        ("CM-E016", None, None, None, "council", "strict"),
        # ... the references of the items of the right type ...
        ("CM-E031", "Scenario.politicians", None, 0, "id", "c1"),
        ("CM-E032", "Scenario.citizens", None, 1, "applied_to", "nowhere"),
        ("CM-E032", "Scenario.politicians", None, 0, "preferences", "gone"),
        ("CM-E033", "Scenario.quotas", None, 0, "attribute", "age"),
        # ... and the rule-name clash, all in one error.
        clash(),
    }
    assert len(err.problems) == 10


def test_a_rule_name_clash_is_reported_with_the_other_problems() -> None:
    err = caught(lambda: Scenario(
        mandates=[Mandate(id="household", citizen_seats=1, politician_seats=0),
                  Mandate(id="household", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="c1", applied_to=["household"], household="seats/citizens"),
                  Citizen(id="c1", applied_to=["elsewhere"])]))
    assert listed(err) == {
        ("CM-E026", "Scenario.mandates", None, 1, "id", "household"),
        ("CM-E028", "Scenario.citizens", None, 1, "id", "c1"),
        ("CM-E032", "Scenario.citizens", None, 1, "applied_to", "elsewhere"),
        clash(),
    }
    [problem] = [p for p in err.problems if p.code == "CM-E035"]
    assert problem.message == (
        "two rules would both be named 'household/seats/citizens' (seats_citizens and "
        "household); rename the committee, profile, quota value or household")


def test_a_rule_name_clash_is_reported_with_the_problems_of_a_dict() -> None:
    data = {
        "mandates": [{"id": "household", "citizen_seats": 1, "politician_seats": 0,
                      "profiles": [{"any_of": ["student"], "min": 2, "max": 1}]}],
        "citizens": [{"id": "c1", "applied_to": ["household"], "household": "seats/citizens"},
                     {"id": "c2", "applied_to": ["nowhere"]}],
    }
    err = caught(lambda: Scenario.from_dict(data))
    found = listed(err)
    assert {
        ("CM-E001", None, "mandates[0].profiles[0]", None, "min", 2),
        ("CM-E032", None, "citizens[1]", None, "applied_to", "nowhere"),
    } <= found
    assert [p.code for p in err.problems].count("CM-E035") == 1
    # The profile without a name is reported too, at its place.
    assert any(p.section == "mandates[0].profiles[0]" and p.column == "name"
               for p in err.problems)


def test_a_rule_name_clash_is_reported_with_the_problems_of_the_files(tmp_path: Path) -> None:
    (tmp_path / "mandates.toml").write_text(
        '[[committee]]\nid = "household"\ncitizen_seats = 1\npolitician_seats = 0\n\n'
        '  [[committee.profile]]\n  any_of = ["student"]\n  min = 2\n  max = 1\n',
        encoding="utf-8")
    (tmp_path / "citizens.csv").write_text(
        "id,applied_to,household\nc1,household,seats/citizens\nc2,nowhere,\n", encoding="utf-8")
    (tmp_path / "politicians.csv").write_text("id,party,preferences\np1,A,gone\n",
                                              encoding="utf-8")
    err = caught(lambda: load_scenario(tmp_path))
    profile = "[[committee]] #1 (id 'household'), [[committee.profile]] #1"
    assert {
        ("CM-E001", "mandates.toml", profile, None, "min", 2),
        ("CM-E032", "citizens.csv", None, 3, "applied_to", "nowhere"),
        ("CM-E032", "politicians.csv", None, 2, "preferences", "gone"),
    } <= listed(err)
    assert [p.code for p in err.problems].count("CM-E035") == 1
    assert any(p.file == "mandates.toml" and p.section == profile and p.column == "name"
               for p in err.problems)


def test_items_of_the_wrong_type_are_skipped_by_the_reference_checks() -> None:
    # Only the wrong types are reported: a non-citizen is neither a duplicate, nor a person
    # naming an unknown committee, nor missing the quota's attribute.
    citizens: list[Any] = [Citizen(id="c1", applied_to=["a"], attributes={"gender": "f"}),
                           "c1"]
    politicians: list[Any] = ["p1"]
    err = caught(lambda: Scenario(
        mandates=[Mandate(id="a", quotas=[Quota(attribute="gender", value="f")])],
        citizens=citizens, politicians=politicians))
    assert listed(err) == {
        ("CM-E016", "Scenario.citizens", None, 1, None, "c1"),
        ("CM-E016", "Scenario.politicians", None, 0, None, "p1"),
    }
    assert len(err.problems) == 2


def test_a_scenario_reports_a_list_given_as_no_list_with_its_other_problems() -> None:
    err = caught(lambda: Scenario(mandates=[], citizens=None,  # type: ignore[arg-type]
                                  cancelled=[Mandate(id="a")]))
    assert listed(err) == {
        ("CM-E012", None, None, None, "citizens", None),
        ("CM-E025", "Scenario.mandates", None, None, None, NO_VALUE),
    }


@pytest.mark.parametrize("build", [
    lambda: CompetenceProfile(name="", any_of=None, min=2, max=1),  # type: ignore[arg-type]
    lambda: CompetenceProfile(name=None, any_of=None, min=2, max=1),  # type: ignore[arg-type]
], ids=["empty name", "no name"])
def test_a_profile_without_a_name_reports_its_limits_and_tags_too(
        build: Callable[[], object]) -> None:
    err = caught(build)
    assert {(p.code, p.column) for p in err.problems} >= {
        ("CM-E001", "min"), ("CM-E012", "any_of")}
    assert [p.column for p in err.problems] == ["name", "min", "any_of"]


def test_a_profile_dict_without_a_name_reports_its_limits_too() -> None:
    err = caught(lambda: Mandate(id="a", profiles=[{"any_of": ["t"], "min": 2, "max": 1},
                                                   {"name": "b", "any_of": [], "min": 3,
                                                    "max": 0}],
                                 citizen_seats=-1))
    found = {(p.code, p.section, p.column) for p in err.problems}
    assert {
        ("CM-E009", None, "citizen_seats"),
        ("CM-E001", "profiles[0]", "min"),
        ("CM-E001", "profiles[1]", "min"),
        ("CM-E013", "profiles[1]", "any_of"),
    } <= found
    assert any(p.section == "profiles[0]" and p.column == "name" for p in err.problems)


def test_people_report_a_list_given_as_no_list_with_their_other_problems() -> None:
    err = caught(lambda: Citizen(id="", applied_to=None, tags=5,  # type: ignore[arg-type]
                                 open_to_any="yes"))  # type: ignore[arg-type]
    assert listed(err) == {
        ("CM-E004", None, None, None, "id", ""),
        ("CM-E012", None, None, None, "applied_to", None),
        ("CM-E012", None, None, None, "tags", 5),
        ("CM-E020", None, None, None, "open_to_any", "yes"),
    }
    err = caught(lambda: Politician(id="p", party=" A", preferences=3,  # type: ignore[arg-type]
                                    min_committees=3, max_committees=1))
    assert listed(err) == {
        ("CM-E012", None, None, None, "preferences", 3),
        ("CM-E005", None, None, None, "party", " A"),
        ("CM-E001", None, None, None, "min_committees", 3),
    }


def test_every_bad_parameter_of_generate_is_reported_at_once() -> None:
    err = caught(lambda: generate_scenario(
        committees=0, citizens="many", politicians=-1, seed=1.5,  # type: ignore[arg-type]
        any_share=2, households="x"))  # type: ignore[arg-type]
    assert listed(err) == {
        ("CM-E037", None, None, None, "committees", 0),
        ("CM-E008", None, None, None, "citizens", "many"),
        ("CM-E037", None, None, None, "politicians", -1),
        ("CM-E008", None, None, None, "seed", 1.5),
        ("CM-E039", None, None, None, "any_share", 2),
        ("CM-E038", None, None, None, "households", "x"),
    }


def test_every_problem_at_once_reads_in_each_language() -> None:
    err = caught(_mixed_scenario)
    for problem in err.problems:
        assert problem.code in catalogue(), problem
        english = problem.text("en")
        for lang in ("da", "nb"):
            assert problem.text(lang) != english, (lang, problem)
    [found] = [p for p in err.problems if p.code == "CM-E035"]
    assert found.text("da") == (
        "to regler ville begge hedde 'household/seats/citizens' (seats_citizens og household); "
        "omdøb udvalget, profilen, kvoteværdien eller husstanden")


def test_problems_keep_their_english_words() -> None:
    cases: list[tuple[Problem, str]] = [
        (Problem(code="CM-E007", params={"separator": "';'", "any": "'*'"}),
         "must not contain ';' or be '*'"),
        (Problem(code="CM-E036", params={"committees": "a, b"}),
         "unknown committee id (the committees: a, b)"),
        (Problem(code="CM-E040", params={"need": 20}),
         "must be at least committees * citizen_seats (20) to fill every citizen seat"),
        (Problem(code="CM-E041", params={"need": 5}),
         "must be at least politician_seats (5) to fill every committee's politician seats"),
        (Problem(code="CM-E042", params={"kind": "Envy"}), "must be an Envy"),
    ]
    for problem, english in cases:
        assert problem.message == english
