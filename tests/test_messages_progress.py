"""Progress lines, notes on cancelled committees and the place of a problem: each has a code,
reads in the language chosen when it is said, and is logged in English with its code."""

from __future__ import annotations

import logging

import pytest

from cocreate_match import (
    Citizen,
    Mandate,
    Problem,
    Scenario,
    lottery,
    replace_dropouts,
    solve,
)
from cocreate_match.bench import _point_line
from cocreate_match.demo import demo_scenario
from cocreate_match.messages import set_language


def one_seat() -> Scenario:
    return Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                    citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y", "z", "w")])


@pytest.mark.usefixtures("language")
def test_a_lottery_reports_its_progress_in_danish() -> None:
    set_language("da")
    lines: list[str] = []
    found = lottery(one_seat(), progress=lines.append)
    assert found.min_probability == pytest.approx(0.25)
    assert lines[0] == "finder den optimale score"
    assert "LEXIMIN af LP-relaksationen" in lines
    assert any(line.startswith("niveau 1: sandsynlighed 0.250000000 fastlagt for 4 borgere")
               for line in lines), lines
    assert not any("level" in line or "probability" in line for line in lines)


def test_a_lottery_reports_its_progress_in_english() -> None:
    lines: list[str] = []
    lottery(one_seat(), progress=lines.append)
    assert lines[0] == "solving for the optimal score"
    assert any(line.startswith("level 1: probability 0.250000000 fixed for 4 citizens (")
               for line in lines), lines


@pytest.mark.usefixtures("language")
def test_a_replacement_reports_in_danish_and_logs_in_english_with_codes(
        caplog: pytest.LogCaptureFixture) -> None:
    scenario = demo_scenario()
    plan = solve(scenario, seed=1).plan
    assert plan is not None
    gone = sorted(plan.seated_citizens)[:3]
    set_language("da")
    lines: list[str] = []
    with caplog.at_level(logging.INFO, logger="cocreate_match"):
        replace_dropouts(scenario, plan, gone, seed=2, progress=lines.append)
    assert lines[0] == "erstatter 3 frafald"
    assert "kontrollerer den gældende plan" in lines
    assert "bygger modellen" in lines
    assert any(line.startswith("løser for borgerne: ") for line in lines)
    assert any(line.startswith("løser for politikerne: ") for line in lines)
    logged = {getattr(r, "code", None): r.getMessage() for r in caplog.records}
    assert logged["CM-R121"] == "checking the plan in force"
    assert logged["CM-R112"] == "building the model"
    assert logged["CM-R113"].startswith("solving for the citizens: ")
    assert logged["CM-R122"].startswith("replacing 3 drop-outs (0 already withdrawn): ")
    assert logged["CM-R125"].startswith("replaced: optimal, ")


def test_a_replacement_of_one_drop_out_says_it_in_the_singular() -> None:
    scenario = demo_scenario()
    plan = solve(scenario, seed=1).plan
    assert plan is not None
    lines: list[str] = []
    replace_dropouts(scenario, plan, sorted(plan.seated_citizens)[:1], progress=lines.append)
    assert lines[0] == "replacing 1 drop-out"


@pytest.mark.usefixtures("language")
def test_a_bench_point_line_in_danish() -> None:
    point = {"pool": None, "committees": 2, "citizens": 30, "seed": 0, "method": "leximin",
             "quality_floor": 0.9, "run": 1}
    assert _point_line("1/8", point, {"status": "optimal", "total_s": 1.25}) == (
        "1/8 2x30 seed 0 leximin floor 0.9 run 1: optimal in 1.25 s")
    set_language("da")
    assert _point_line("1/8", point, {"status": "optimal", "total_s": 1.25}) == (
        "1/8 2x30 seed 0 leximin kvalitetskrav 0.9 kørsel 1: optimal på 1.25 s")
    assert _point_line("2/8", {**point, "quality_floor": None, "run": 0},
                       {"status": "error"}) == "2/8 2x30 seed 0 leximin: fejl"


@pytest.mark.usefixtures("language")
def test_the_place_of_a_problem_reads_in_danish() -> None:
    csv = Problem(code="CM-E001", file="citizens.csv", row=3, column="min", value="x",
                  params={"low_name": "min", "low": 3, "high_name": "max", "high": 1})
    toml = Problem(code="CM-E001", file="mandates.toml", section="top level", column="quota",
                   params={"low_name": "min", "low": 3, "high_name": "max", "high": 1})
    english = (str(csv), str(toml))
    assert english == (
        "citizens.csv, row 3, column min, value 'x': min (3) is greater than max (1)",
        "mandates.toml, top level, key quota: min (3) is greater than max (1)")
    set_language("da")
    assert str(csv) == ("citizens.csv, række 3, kolonne min, værdi 'x': "
                        "min (3) er større end max (1)")
    assert str(toml) == "mandates.toml, øverste niveau, nøgle quota: min (3) er større end max (1)"
    assert toml.section == "top level"  # the field stays the same in every language
    assert (csv.where("nb"), csv.where("en")) == ("citizens.csv, rad 3, kolonne min, verdi 'x'",
                                                  english[0].split(": ")[0])


@pytest.mark.usefixtures("language")
def test_cancellation_notes_in_norwegian() -> None:
    s = Scenario(mandates=[Mandate(id="a")], cancelled=[Mandate(id="b"), Mandate(id="c")],
                 citizens=[Citizen(id=f"p{i:02}", applied_to=["b"]) for i in range(12)])
    english = s.cancellation_notes()
    set_language("nb")
    assert s.cancellation_notes() == (
        "Utvalget 'b' er avlyst: 12 ønsker om utvalget er hoppet over (innbyggere: 12, "
        "politikere: 0).",
        "Utvalget 'c' er avlyst: ingen hadde ønsket det.",
        "12 innbyggere ønsket bare avlyste utvalg og kan ikke få plass: p00, p01, p02, p03, "
        "p04, p05, p06, p07, p08, p09 og 2 til.")
    set_language("en")
    assert s.cancellation_notes() == english
    one = Scenario(mandates=[Mandate(id="a")], cancelled=[Mandate(id="b")],
                   citizens=[Citizen(id="c", applied_to=["b"])])
    set_language("nb")
    assert one.cancellation_notes() == (
        "Utvalget 'b' er avlyst: 1 ønske om utvalget er hoppet over (innbyggere: 1, "
        "politikere: 0).",
        "1 innbygger ønsket bare avlyste utvalg og kan ikke få plass: c.")


def test_a_command_line_option_is_named_as_an_option_not_a_column() -> None:
    from cocreate_match import Problem

    p = Problem(code="CM-E451", column="--time-limit", value=0)
    assert p.where("en") == "option --time-limit, value 0"
    assert p.where("da") == "tilvalg --time-limit, værdi 0"
    assert Problem(code="CM-E451", column="time_limit").where("en") == "column time_limit"


def test_plots_are_labelled_in_the_language_chosen(language: None) -> None:
    pytest.importorskip("matplotlib")
    from cocreate_match import InputError, plot_probabilities, plot_ranks, report, solve
    from cocreate_match.demo import demo_scenario

    scenario = demo_scenario()
    made = report(scenario, solve(scenario).plan)
    set_language("da")
    fig = plot_probabilities([0.1, 0.2, 0.3], [0.0, 0.2, 0.4])
    assert fig.axes[0].get_ylabel() == "chance for en plads"
    assert [line.get_label() for line in fig.axes[0].get_lines()] == [
        "LEXIMIN", "tilfældig prioritet", "ligelig"]
    assert plot_ranks(made).axes[0].get_ylabel() == "personer med plads"
    with pytest.raises(InputError) as caught:
        plot_probabilities(made)  # a report made without a lottery
    assert [p.code for p in caught.value.problems] == ["CM-E390"]
