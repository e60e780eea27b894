"""Outcome messages of solve, the fair draw and replace_dropouts: each carries a code and its
fields, and reads in the language chosen when it is shown; replacement reports its progress
and logs no people above DEBUG."""

from __future__ import annotations

import logging

import pytest

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    InputError,
    Mandate,
    Scenario,
    Status,
    replace_dropouts,
    solve,
)
from cocreate_match.demo import demo_scenario
from cocreate_match.messages import set_language
from cocreate_match.result import Note


def two_seats(profile_min: int = 1) -> Scenario:
    """Two seats on ``a`` and a profile asking for ``profile_min`` students; one of three is."""
    return Scenario(
        mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
                          profiles=[CompetenceProfile(name="young", any_of=["student"],
                                                      min=profile_min)])],
        citizens=[Citizen(id="c1", applied_to=["a"], tags=["student"]),
                  Citizen(id="c2", applied_to=["a"]), Citizen(id="c3", applied_to=["a"])])


def test_an_optimal_result_has_a_code_and_reads_in_danish_and_norwegian(
        language: None) -> None:
    result = solve(two_seats(), seed=1)
    assert result.status is Status.OPTIMAL
    assert (result.code, dict(result.params), result.notes) == ("CM-R008", {}, ())
    assert result.message == "Optimal plan: every rule is met and no plan scores higher."
    set_language("da")
    assert result.message == ("Optimal plan: alle regler er overholdt, og ingen plan giver en "
                              "højere score.")
    set_language("nb")
    assert result.message == ("Optimal plan: alle regler er oppfylt, og ingen plan gir høyere "
                              "poengsum.")
    assert result.message_text("en") == ("Optimal plan: every rule is met and no plan scores "
                                         "higher.")


def test_an_infeasible_result_has_a_code_and_reads_in_danish_and_norwegian(
        language: None) -> None:
    result = solve(two_seats(profile_min=2), explain=False)
    assert result.status is Status.INFEASIBLE and result.plan is None
    assert result.code == "CM-R001"
    assert result.message == ("No plan meets every rule: the rules for the citizens cannot all "
                              "be met together.")
    set_language("da")
    assert result.message == ("Ingen plan overholder alle regler: reglerne for borgerne kan "
                              "ikke alle overholdes på samme tid.")
    set_language("nb")
    assert result.message == ("Ingen plan oppfyller alle regler: reglene for innbyggerne kan "
                              "ikke alle oppfylles samtidig.")


def test_a_relaxed_result_has_a_code_with_its_count_and_reads_in_danish_and_norwegian(
        language: None) -> None:
    result = solve(two_seats(profile_min=2), relax=True, explain=False)
    assert result.status is Status.RELAXED and len(result.relaxed) == 1
    assert (result.code, dict(result.params)) == ("CM-R005", {"count": 1})
    assert result.message == (
        "No plan meets every rule. This plan meets every seat rule and breaks 1 other rule, as "
        "few as possible by the smallest total shortfall.")
    set_language("da")
    assert result.message == (
        "Ingen plan overholder alle regler. Denne plan overholder alle pladsregler og bryder 1 "
        "anden regel, så få som muligt og med den mindste samlede afvigelse.")
    set_language("nb")
    assert result.message == (
        "Ingen plan oppfyller alle regler. Denne planen oppfyller alle plassregler og bryter 1 "
        "annen regel, så få som mulig og med minst mulig samlet avvik.")


def test_a_replan_adds_its_moves_as_a_note(language: None) -> None:
    scenario = two_seats()
    plan = solve(scenario, seed=1).plan
    assert plan is not None
    result = solve(scenario, seed=2, keep=plan)
    assert result.code == "CM-R008"
    assert result.notes == (Note("CM-R011", {"moves": 0}),)
    assert result.message.endswith(
        " 0 seats of the plan in force changed, the fewest the rules allow (proven).")
    set_language("da")
    assert result.message.endswith(
        " 0 pladser i den gældende plan blev ændret, så få som reglerne tillader (bevist).")


def test_a_replacement_reads_in_each_language(language: None) -> None:
    scenario = two_seats()
    plan = solve(scenario, seed=1).plan
    assert plan is not None
    # Not the student: the one left of the others takes the seat.
    [gone] = [c for c in plan.committee("a").citizens if c != "c1"]
    result = replace_dropouts(scenario, plan, [gone])
    assert result.status is Status.OPTIMAL
    assert (result.code, dict(result.params)) == (
        "CM-R020", {"dropouts": 1, "filled": 1, "reserves": 0})
    assert [n.code for n in result.notes] == ["CM-R021"]
    assert result.message == (
        "1 drop-out: 1 seat filled (0 by reserves); every other seat is kept. Proven best in "
        "the order: reserves by rank, then preference, then the lot.")
    set_language("da")
    assert result.message.startswith("1 frafald: 1 plads besat (0 med reserver); ")
    set_language("nb")
    assert result.message.startswith("1 frafall: 1 plass fylt (0 med reserver); ")


def test_an_impossible_replacement_has_its_own_code(language: None) -> None:
    scenario = two_seats()
    plan = solve(scenario, seed=1).plan
    assert plan is not None
    # Without the student, no one left can meet the profile.
    result = replace_dropouts(scenario, plan, ["c1"], explain=False)
    assert result.status is Status.INFEASIBLE
    assert (result.code, result.notes) == ("CM-R019", ())
    assert result.message == "The freed seats cannot be filled without breaking a rule."
    set_language("nb")
    assert result.message == "De ledige plassene kan ikke fylles uten å bryte en regel."


def test_a_fair_draw_names_the_smallest_chance(language: None) -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y")])
    result = solve(s, fair=True)
    assert result.code == "CM-R015" and result.params["smallest"] == pytest.approx(0.5)
    assert result.message == ("Optimal plan drawn from the LEXIMIN lottery over the plans of "
                              "optimal score: the smallest chance of a seat is 0.5000.")
    set_language("da")
    assert result.message.endswith("den mindste chance for en plads er 0.5000.")


def test_a_message_follows_the_language_chosen_after_the_result_was_made(
        language: None) -> None:
    result = solve(two_seats(profile_min=2), explain=False)
    english = result.message
    set_language("da")
    assert result.message != english and result.message_text("en") == english


def test_argument_problems_have_codes(language: None) -> None:
    scenario = two_seats()
    plan = solve(scenario).plan
    assert plan is not None
    with pytest.raises(InputError) as caught:
        replace_dropouts(scenario, plan, ["nobody", 7], progress="loud")  # type: ignore[arg-type, list-item]
    found = {(p.code, p.column, p.value) for p in caught.value.problems}
    assert found == {("CM-E456", "dropouts", "nobody"), ("CM-E461", "dropouts", 7),
                     ("CM-E462", "progress", "str")}
    assert {p.code: p.message for p in caught.value.problems}["CM-E456"] == (
        "is not a citizen or politician of the scenario")
    with pytest.raises(InputError) as caught:
        solve(scenario, fair="yes", force=[("c1",)])  # type: ignore[arg-type, list-item]
    assert {(p.code, p.column) for p in caught.value.problems} == {
        ("CM-E452", "fair"), ("CM-E455", "force")}
    set_language("da")
    assert {p.code: p.message for p in caught.value.problems}["CM-E455"] == (
        "skal være et par (person-id, udvalgs-id)")


def test_a_replacement_reports_progress_and_logs_no_citizen_at_info(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # A beat every few milliseconds, so that the run is long enough to repeat a line.
    monkeypatch.setattr("cocreate_match.solver.clock.HEARTBEAT", 0.005)
    scenario = demo_scenario()
    plan = solve(scenario, seed=1).plan
    assert plan is not None
    gone = [c for c in sorted(plan.seated_citizens)][:3]
    lines: list[str] = []
    with caplog.at_level(logging.DEBUG, logger="cocreate_match"):
        result = replace_dropouts(scenario, plan, gone, seed=2, progress=lines.append)
    assert result.status is Status.OPTIMAL
    assert lines and lines[0] == "replacing 3 drop-outs"
    assert any(line.startswith("solving for the citizens") for line in lines)
    assert len(lines) > len(set(lines))  # the last line is repeated while a step runs
    info = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert any(r.name == "cocreate_match.solver.replace" for r in info)
    ids = {c.id for c in scenario.citizens}
    said = [r.getMessage() for r in info] + lines
    assert [line for line in said if any(pid in line for pid in ids)] == []
    # The drop-outs' ids are there for DEBUG, where personal data may go.
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG
             and r.name == "cocreate_match.solver.replace"]
    assert any(gone[0] in line for line in debug)


def test_an_error_in_the_progress_callback_reaches_the_caller() -> None:
    scenario = two_seats()
    plan = solve(scenario).plan
    assert plan is not None

    def failing(line: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_dropouts(scenario, plan, ["c2"], progress=failing)
