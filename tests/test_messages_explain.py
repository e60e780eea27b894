"""Findings, explanation lines and broken rules carry codes, and read in Danish and Norwegian.

Also: the search for conflicting rules reports its progress, and every explanation or
finding in a result's JSON is one well-formed sentence with its code.
"""

from __future__ import annotations

import json
import logging
import re

import jsonschema
import pytest
from hypothesis import given, settings

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    Mandate,
    Plan,
    Politician,
    Quota,
    Role,
    Scenario,
    Seat,
    Status,
    check_plan,
    json_schema,
    precheck,
    solve,
)
from cocreate_match.check import plan_in_force_problems
from cocreate_match.explanation import Context
from cocreate_match.messages import set_language
from cocreate_match.plan import Withdrawal
from cocreate_match.solver import conflicts
from cocreate_match.solver.citizens import build_citizen_model
from cocreate_match.solver.conflicts import explain_model
from strategies import infeasible_scenarios

CODE = re.compile(r"CM-[A-Z][0-9]{3}")


def _applicants(n: int, committee: str = "sport", **attributes: str) -> list[Citizen]:
    return [Citizen(id=f"c{i}", applied_to=[committee], attributes=attributes)
            for i in range(n)]


def too_few_applicants() -> Scenario:
    return Scenario(mandates=[Mandate(id="sport", citizen_seats=3, politician_seats=0)],
                    citizens=_applicants(2))


def nobody_fits_the_profile() -> Scenario:
    return Scenario(mandates=[Mandate(id="sport", citizen_seats=1, politician_seats=0,
                                      profiles=[CompetenceProfile(name="young",
                                                                  any_of=["student"],
                                                                  min=1)])],
                    citizens=_applicants(3))


# -- findings --------------------------------------------------------------------------------


def test_a_finding_has_a_code_and_reads_in_each_language(language: None) -> None:
    [f] = precheck(too_few_applicants())
    assert (f.code, f.rule) == ("CM-F001", "sport/seats/citizens")
    assert dict(f.params) == {"committee": "sport", "wanted": 3, "applicants": 2}
    assert f.message == "sport: 3 citizen seats, but only 2 applicants can sit there"
    assert f.suggestion == ("lower citizen_seats to 2, or invite more applicants for sport "
                            "(or open to any committee)")
    set_language("da")
    assert f.message == "sport: 3 borgerpladser, men kun 2 ansøgere kan sidde der"
    assert f.suggestion.startswith("sæt citizen_seats ned til 2")
    assert f.to_dict() == {"rule": "sport/seats/citizens", "code": "CM-F001",
                           "message": f.message, "suggestion": f.suggestion,
                           "required": 3, "available": 2}
    set_language("nb")
    assert f.message == "sport: 3 innbyggerplasser, men bare 2 søkere kan sitte der"
    assert f.suggestion.startswith("senk citizen_seats til 2")


def test_a_profile_and_a_quota_finding_name_only_data(language: None) -> None:
    s = Scenario(mandates=[Mandate(id="sport", citizen_seats=2, politician_seats=0, profiles=[
        CompetenceProfile(name="young", any_of=["student", "pupil"], min=1)], quotas=[
        Quota(attribute="gender", value="female", min=2)])],
        citizens=_applicants(3, gender="male"))
    found = {f.rule: f for f in precheck(s)}
    profile, quota = found["sport/profile/young"], found["sport/quota/gender=female"]
    assert (profile.code, quota.code) == ("CM-F002", "CM-F004")
    # Fields hold ids, names and numbers, never words of a language.
    assert dict(profile.params) == {"committee": "sport", "profile": "young",
                                    "tags": "pupil, student", "low": 1, "fits": 0}
    assert profile.message == ("sport: 1 seated citizen must be profile 'young' (pupil, "
                               "student), but only 0 applicants who can sit there are")
    assert quota.suggestion == ("lower the quota's min to 0, or find more applicants who are "
                                "gender=female")
    set_language("da")
    assert profile.message == ("sport: 1 borger med plads skal passe til profilen 'young' "
                               "(pupil, student), men kun 0 ansøgere, der kan sidde der, "
                               "gør det")
    assert quota.suggestion == "sæt kvotens min ned til 0, eller find flere ansøgere med " \
                               "gender=female"


def test_the_council_findings_have_a_code_for_each_reason(language: None) -> None:
    few_parties = Scenario(
        mandates=[Mandate(id="a", citizen_seats=0, politician_seats=2)],
        politicians=[Politician(id="p1", party="A"), Politician(id="p2", party="A")],
        council=CouncilRules(min_parties=2))
    few_seats = Scenario(
        mandates=[Mandate(id="a", citizen_seats=0, politician_seats=1)],
        politicians=[Politician(id="p1", party="A"), Politician(id="p2", party="B")],
        council=CouncilRules(min_parties=2))
    [by_parties] = precheck(few_parties)
    [by_seats] = precheck(few_seats)
    assert (by_parties.code, by_seats.code) == ("CM-F009", "CM-F010")
    assert by_parties.message == "a: at least 2 parties must sit, but the council has 1 party"
    assert by_seats.message == "a: at least 2 parties must sit, but there is 1 politician seat"
    set_language("nb")
    assert by_seats.message == ("a: minst 2 partier må være representert, men det er 1 "
                                "politikerplass")
    assert by_seats.suggestion == "senk min_parties til 1"


# -- explanations ----------------------------------------------------------------------------


def test_explanation_lines_have_codes_and_read_in_each_language(language: None) -> None:
    explanation = solve(nobody_fits_the_profile()).explanation
    assert explanation is not None
    [line] = explanation.rules
    assert (explanation.code, line.code) == ("CM-X001", "CM-X018")
    assert line.message == ("sport: at least 1 of the seated citizens must fit profile "
                            "'young' (student); 0 of the applicants who can sit there do")
    english = str(explanation)
    assert english.splitlines()[0] == "No plan meets this rule, whatever the other rules say:"
    assert "(suggestion: lower the profile's min to 0" in english
    set_language("da")
    danish = str(explanation)
    assert danish.splitlines()[0] == ("Ingen plan overholder denne regel, uanset hvad de andre "
                                      "regler siger:")
    assert danish.splitlines()[1] == (
        "  - sport/profile/young: sport: mindst 1 af borgerne med plads skal passe til "
        "profilen 'young' (student); 0 af de ansøgere, der kan sidde der, gør det")
    assert "Regler, der ikke kan overholdes, uanset hvad planen ellers gør:" in danish
    assert "(forslag: sæt profilens min ned til 0" in danish
    set_language("nb")
    data = explanation.to_dict()
    assert data["code"] == "CM-X001" and data["message"].startswith("Ingen plan oppfyller")
    assert data["rules"][0]["code"] == "CM-X018"
    assert data["rules"][0]["message"].startswith("sport: minst 1 av innbyggerne med plass")
    assert data["findings"][0]["code"] == "CM-F002"
    assert data["findings"][0]["suggestion"].startswith("senk profilens min til 0")


def test_a_conflict_of_several_rules_counts_them_in_each_language(language: None) -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0),
                           Mandate(id="b", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id=f"c{i}", applied_to=["a", "b"]) for i in range(2)])
    explanation = solve(s).explanation
    assert explanation is not None and explanation.code == "CM-X002"
    assert dict(explanation.params) == {"count": 2}
    assert explanation.message.startswith("No plan meets these 2 rules together; drop or")
    assert [r.code for r in explanation.rules] == ["CM-X012", "CM-X012"]
    set_language("da")
    assert explanation.message.startswith("Ingen plan overholder disse 2 regler på én gang")
    assert explanation.rules[0].message == ("a: 2 borgerpladser skal besættes; 2 ansøgere kan "
                                            "sidde der")


def test_an_explanation_cut_short_says_so_with_its_own_code(language: None) -> None:
    s = too_few_applicants()
    model = build_citizen_model(s)[0]
    cut = explain_model(s, model, Context(list(s.citizens), []), (), deadline=0.0)
    assert cut.code == "CM-X003" and not cut.irreducible
    assert cut.message.startswith("The time limit was reached before the conflicting rules "
                                  "were narrowed down")
    set_language("nb")
    assert cut.message.startswith("Tidsgrensen ble nådd")


# -- broken rules ----------------------------------------------------------------------------


def test_a_violation_has_a_code_and_reads_in_each_language(language: None) -> None:
    s = Scenario(mandates=[Mandate(id="climate", citizen_seats=2, politician_seats=0)],
                 citizens=_applicants(2, "climate"))
    plan = Plan(seats=[Seat(committee_id="climate", person_id="c0", role=Role.CITIZEN)],
                unseated_citizens=["c1"])
    [v] = check_plan(s, plan)
    assert (v.code, v.rule) == ("CM-X112", "climate/seats/citizens")
    assert v.message == "climate: 1 citizen seated, 2 required"
    assert v.to_dict() == {"rule": "climate/seats/citizens", "code": "CM-X112",
                           "message": v.message, "limit": 2, "actual": 1, "person_id": None}
    set_language("da")
    assert v.message == "climate: 1 borger med plads, der kræves 2"
    set_language("nb")
    assert v.message == "climate: 1 innbygger med plass, 2 kreves"


def test_listed_parts_of_a_violation_are_joined_in_its_language(language: None) -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=0, politician_seats=4)],
                 politicians=[Politician(id=f"p{i}", party="AB"[i % 2]) for i in range(4)],
                 council=CouncilRules(max_per_party=1))
    plan = Plan(seats=[Seat(committee_id="a", person_id=f"p{i}", role=Role.POLITICIAN)
                       for i in range(4)],
                withdrawn=[Withdrawal(person_id="p0"), Withdrawal(person_id="p0")])
    found = {v.code: v for v in check_plan(s, plan)}
    parties, withdrew = found["CM-X120"], found["CM-X138"]
    assert parties.message == ("a: 2 of party 'A' and 2 of party 'B' among its politicians, "
                               "at most 1 per party allowed")
    assert withdrew.message == "p0 withdrew but is seated on 1 committee and listed as " \
                               "withdrawn 2 times"
    set_language("da")
    assert parties.message == ("a: 2 fra partiet 'A' og 2 fra partiet 'B' blandt politikerne, "
                               "højst 1 pr. parti er tilladt")
    assert withdrew.message == ("p0 har trukket sig, men er med plads i 1 udvalg og opført som "
                                "udtrådt 2 gange")


def test_a_plan_that_does_not_fit_its_scenario_is_a_coded_problem(language: None) -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id="c1", applied_to=["a"])])
    [missing] = plan_in_force_problems(s, Plan(seats=()))
    assert missing.code == "CM-E401" and missing.value == "c1"
    assert missing.message == ("the plan is not a plan for this scenario: citizen 'c1' "
                               "appears nowhere in the plan (neither seated nor unseated)")
    [wrong] = plan_in_force_problems("scenario.toml", Plan(seats=()))
    assert (wrong.code, wrong.column, wrong.message) == ("CM-E400", "scenario",
                                                         "must be a Scenario")
    set_language("da")
    # The violation inside reads in the language chosen when shown, like the rest.
    assert missing.message == ("planen er ikke en plan for dette scenarie: borger 'c1' står "
                               "ingen steder i planen (hverken med eller uden plads)")


# -- the JSON of infeasible results ----------------------------------------------------------


def _sentences(result_dict: dict[str, object]) -> list[tuple[str, str]]:
    """Every (code, message) of the explanation and its findings, suggestions as well."""
    explanation = result_dict["explanation"]
    assert isinstance(explanation, dict)
    found = [(explanation["code"], explanation["message"])]
    found += [(r["code"], r["message"]) for r in explanation["rules"]]
    found += [(f["code"], f["message"]) for f in explanation["findings"]]
    return found


def _ids(s: Scenario) -> set[str]:
    return ({m.id for m in s.mandates} | {c.id for c in s.citizens}
            | {p.id for p in s.politicians})


def assert_well_formed_json(s: Scenario, *, relax: bool = False) -> None:
    result = solve(s, relax=relax)
    if result.explanation is None:
        return
    data = json.loads(json.dumps(result.to_dict()))
    jsonschema.Draft202012Validator(json_schema("result")).validate(data)
    names = set(s.rules()) | _ids(s)
    for code, message in _sentences(data):
        assert CODE.fullmatch(code), code
        assert "Noinfeasible" not in message and "  " not in message, message
        first = message.split(":")[0].split(" ")[0]
        # A sentence starts with a capital or a number, or with the id it is about.
        assert message[0].isupper() or message[0].isdigit() or first in names, message
    for finding in data["explanation"]["findings"]:
        assert finding["suggestion"] and "  " not in finding["suggestion"]


@settings(max_examples=20)
@given(infeasible_scenarios())
def test_every_explanation_and_finding_in_json_is_one_sentence(
        planted: tuple[Scenario, str]) -> None:
    s, _ = planted
    assert_well_formed_json(s)


@pytest.mark.parametrize("lang", ["en", "da", "nb"])
def test_json_sentences_are_well_formed_in_each_language(lang: str, language: None) -> None:
    set_language(lang)
    budgets = Scenario(
        mandates=[Mandate(id="a", citizen_seats=0, politician_seats=1)],
        politicians=[Politician(id="p1", party="A", min_committees=2),
                     Politician(id="p2", party="B", min_committees=1)])
    households = Scenario(
        mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0)],
        citizens=[Citizen(id=c, applied_to=["a"], household="h") for c in ("x", "y")])
    global_quota = Scenario(
        mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
        citizens=_applicants(2, "a", district="north"),
        quotas=[Quota(attribute="district", value="south", min=1)])
    for s in (too_few_applicants(), nobody_fits_the_profile(), budgets, households,
              global_quota):
        assert solve(s).status is Status.INFEASIBLE
        assert_well_formed_json(s)
    assert_well_formed_json(nobody_fits_the_profile(), relax=True)


# -- progress of the search ------------------------------------------------------------------


def two_committees_too_few_applicants() -> Scenario:
    return Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
                                      quotas=[Quota(attribute="gender", value="female",
                                                    max=2)]),
                              Mandate(id="b", citizen_seats=2, politician_seats=0)],
                    citizens=[Citizen(id=name, applied_to=["a", "b"],
                                      attributes={"gender": "female"}, tags=["retired"])
                              for name in ("alice", "bertha", "clara")])


def test_the_search_reports_its_progress_and_logs_no_people(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    s = two_committees_too_few_applicants()
    model = build_citizen_model(s)[0]
    n = len(model.rules())
    lines: list[str] = []
    monkeypatch.setattr(conflicts, "REPORT_EVERY", 0.0)  # every test, not once a second
    with caplog.at_level(logging.INFO, logger="cocreate_match.solver.conflicts"):
        explanation = explain_model(s, model, Context(list(s.citizens), []), (), None,
                                    progress=lines.append)
    assert set(explanation.rule_names) == {"a/seats/citizens", "b/seats/citizens"}
    assert lines[0] == f"explaining: looking for the conflicting rules among {n}"
    tested = lines[1:-1]
    assert tested and all(re.fullmatch(rf"explaining: \d+ combinations? of the {n} rules "
                                       r"tested", line) for line in tested)
    counts = [int(line.split()[1]) for line in tested]
    assert counts == list(range(1, len(counts) + 1))
    assert lines[-1] == f"explaining: 2 conflicting rules found after {len(counts)} tests"
    logged = caplog.text
    assert "explaining: looking for the conflicting rules" in logged
    # The rules found are logged at DEBUG only: their names can name people.
    assert "a/seats/citizens" not in logged
    for private in ("alice", "bertha", "clara", "retired"):
        assert private not in logged


def test_progress_lines_are_few_and_in_the_language_chosen(language: None) -> None:
    s = two_committees_too_few_applicants()
    model = build_citizen_model(s)[0]
    lines: list[str] = []
    set_language("da")
    explain_model(s, model, Context(list(s.citizens), []), (), None, progress=lines.append)
    # A fast search: its start and its end, and no line for each test.
    assert len(lines) == 2
    assert lines[0].startswith("forklarer: leder efter de modstridende regler blandt")
    assert re.fullmatch(r"forklarer: 2 modstridende regler fundet efter \d+ afprøvninger",
                        lines[1])


def test_progress_says_when_the_time_limit_cut_the_search_short() -> None:
    s = too_few_applicants()
    model = build_citizen_model(s)[0]
    lines: list[str] = []
    explain_model(s, model, Context(list(s.citizens), []), (), deadline=0.0,
                  progress=lines.append)
    assert lines[-1] == "explaining: the time limit came first, after 0 tests"


def test_an_explanation_naming_politicians_logs_no_id_above_debug(
        caplog: pytest.LogCaptureFixture) -> None:
    from cocreate_match import CouncilRules, Politician, solve

    # Two seats on each of two committees, but the politicians may sit on one each.
    scenario = Scenario(
        mandates=[Mandate(id=k, citizen_seats=0, politician_seats=2) for k in ("a", "b")],
        politicians=[Politician(id=f"councillor{i}", party="AB"[i % 2], max_committees=1)
                     for i in range(3)],
        council=CouncilRules(min_parties=1))
    with caplog.at_level(logging.INFO, logger="cocreate_match"):
        result = solve(scenario)
    assert result.explanation is not None
    assert any("councillor" in name for name in result.explanation.rule_names)
    assert caplog.records and "councillor" not in caplog.text
