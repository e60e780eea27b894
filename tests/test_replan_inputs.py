"""Re-planning's hostile inputs and orderings: outputs given twice, lock files named in
errors, lots that do not depend on row order, carriage returns in written files, seats on
committees that do not exist, cancellation notes on the command line."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from cocreate_match import (
    InputError,
    Plan,
    Role,
    Scenario,
    Seat,
    add_reserves,
    adhoc_invitations,
    read_plan,
    save_scenario,
    solve,
)
from cocreate_match.cli import main
from cocreate_match.demo import demo_scenario


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def shuffled(scenario: Scenario, seed: int) -> Scenario:
    """The same scenario with its citizens and politicians in another order."""
    rng = random.Random(seed)
    citizens, politicians = list(scenario.citizens), list(scenario.politicians)
    rng.shuffle(citizens)
    rng.shuffle(politicians)
    return replace(scenario, citizens=tuple(citizens), politicians=tuple(politicians))


@pytest.fixture(scope="module")
def demo_plan() -> tuple[Scenario, Plan]:
    scenario = demo_scenario()
    plan = solve(scenario, seed=3).plan
    assert plan is not None
    return scenario, plan


@pytest.mark.parametrize("seed", [0, 5])
def test_reserves_do_not_depend_on_the_order_of_the_rows(
        demo_plan: tuple[Scenario, Plan], seed: int) -> None:
    scenario, plan = demo_plan
    reserves = add_reserves(scenario, plan, 3, seed=seed).reserves
    for order in range(3):
        again = add_reserves(shuffled(scenario, order), plan, 3, seed=seed).reserves
        assert set(again) == set(reserves)
    # The seed still decides among equals: another seed gives other reserves.
    assert set(add_reserves(scenario, plan, 3, seed=seed + 1).reserves) != set(reserves)


def test_invitations_do_not_depend_on_the_order_of_the_rows(
        demo_plan: tuple[Scenario, Plan]) -> None:
    scenario, plan = demo_plan
    first = adhoc_invitations(scenario, plan, "climate", "young-voice", 3, seed=2)
    for order in range(3):
        assert adhoc_invitations(shuffled(scenario, order), plan, "climate", "young-voice", 3,
                                 seed=2) == first
    assert len(set(first)) == 3


def test_a_seat_on_a_committee_the_scenario_never_had_is_not_called_cancelled(
        demo_plan: tuple[Scenario, Plan]) -> None:
    scenario, plan = demo_plan
    moved = plan.seats[0]
    assert moved.role is Role.CITIZEN
    elsewhere = Seat(committee_id="ghost", person_id=moved.person_id, role=Role.CITIZEN)
    keep = replace(plan, seats=(elsewhere, *plan.seats[1:]))
    result = solve(scenario, seed=3, keep=keep)
    ghost = [c for c in result.changes if c.committee_id == "ghost"]
    assert [(c.left, c.left_because) for c in ghost] == [(moved.person_id, "unknown committee")]
    # A cancelled committee is named as such.
    cancelled = scenario.cancel(moved.committee_id)
    result = solve(cancelled, seed=3, keep=plan)
    reasons = {c.left_because for c in result.changes if c.committee_id == moved.committee_id}
    assert reasons == {"cancelled"}


@pytest.mark.parametrize("odd", ["c\r001", "c\n001", "c\x00", "c\x1b[2J"])
def test_control_characters_in_an_id_are_refused(odd: str) -> None:
    # A newline could never be named in --dropouts; an escape code would rewrite a terminal.
    first = demo_scenario().citizens[0]
    with pytest.raises(InputError) as err:
        replace(first, id=odd)
    assert "control characters" in err.value.problems[0].message


@pytest.mark.parametrize("command", ["solve", "replace"])
def test_an_output_given_twice_is_refused_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    directory = tmp_path / "demo"
    save_scenario(demo_scenario(), directory)
    plan_csv = tmp_path / "plan.csv"
    assert run(["solve", str(directory), "--out", str(plan_csv), "--quiet"], capsys)[0] == 0
    before = plan_csv.read_bytes()
    same = tmp_path / "same.csv"
    if command == "solve":
        argv = ["solve", str(directory), "--keep", str(plan_csv), "--out", str(same),
                "--changes-out", str(same)]
    else:
        leaving = read_plan(plan_csv).seats[0].person_id
        ids = tmp_path / "ids.txt"
        ids.write_text(f"{leaving}\n", encoding="utf-8")
        argv = ["replace", str(directory), "--plan", str(plan_csv), "--dropouts", str(ids),
                "--out", str(same), "--changes-out", str(same)]
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert "--changes-out" in err and "--out" in err
    assert not same.exists() and plan_csv.read_bytes() == before


def test_problems_with_locks_name_the_file_they_came_from(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "demo"
    save_scenario(demo_scenario(), directory)
    force = tmp_path / "force.csv"
    force.write_text("person_id,committee_id\nc001,nowhere\n", encoding="utf-8")
    keep = tmp_path / "keep.csv"
    Plan(seats=[Seat(committee_id="climate", person_id="ghost", role=Role.CITIZEN)]).to_csv(keep)
    code, out, err = run(["solve", str(directory), "--out", str(tmp_path / "p.csv"),
                          "--force", str(force), "--keep", str(keep)], capsys)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert any(str(force) in line and "nowhere" in line for line in lines)
    assert any(str(keep) in line and "ghost" in line for line in lines)


def test_the_command_line_reports_skipped_preferences(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = demo_scenario()
    directory = tmp_path / "demo"
    save_scenario(scenario.cancel("climate"), directory)
    code, _, err = run(["solve", str(directory), "--out", str(tmp_path / "p.csv"), "--quiet"],
                       capsys)
    assert code == 0
    named = sum(1 for c in scenario.citizens if "climate" in c.applied_to)
    named += sum(1 for p in scenario.politicians if "climate" in p.preferences)
    assert f"{named} preferences naming it were skipped" in err
