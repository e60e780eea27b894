"""``cocreate-match lottery``, run in-process through ``main``.

Exit codes: 0 written; 2 invalid input; 3 no plan meets every rule.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from cocreate_match import (
    Citizen,
    Mandate,
    Plan,
    Role,
    Scenario,
    Seat,
    check_plan,
    generate_scenario,
    load_scenario,
    save_scenario,
    solve,
)
from cocreate_match.cli import main
from routes import route

CITIZEN_COUNT = 40


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("scenario")
    save_scenario(generate_scenario(committees=3, citizens=CITIZEN_COUNT, politicians=6, seed=1),
                  directory)
    return directory


@pytest.fixture(scope="module")
def small_20_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public example pool example_small_20, rebuilt from its description: 99 liberal
    women, 100 conservative men, 1 conservative woman; 20 seats; every feature 9..20."""
    directory = tmp_path_factory.mktemp("example_small_20")
    (directory / "categories.csv").write_text(
        "category,feature,min,max\n"
        + "".join(f"{c},{f},9,20\n" for c, f in (("gender", "female"), ("gender", "male"),
                                                  ("leaning", "liberal"),
                                                  ("leaning", "conservative"))),
        encoding="utf-8")
    rows = (["female,liberal"] * 99 + ["male,conservative"] * 100
            + ["female,conservative"])
    (directory / "respondents.csv").write_text("gender,leaning\n" + "\n".join(rows) + "\n",
                                               encoding="utf-8")
    return directory


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def lottery_cli(*args: str | Path) -> int:
    return main(["lottery", *map(str, args)])


def test_scenario_directory_writes_probabilities(scenario_dir: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "probs.csv"
    assert lottery_cli(scenario_dir, "--out", out, "--baseline-samples", "5") == 0
    captured = capsys.readouterr()
    assert f"Probabilities written to {out}." in captured.out
    assert "smallest chance of a seat" in captured.out
    assert "random-priority baseline (5 plans)" in captured.out
    assert "levels proven" in captured.out
    # Progress goes to stderr, one line per step, tagged with the method.
    progress = [line for line in captured.err.splitlines() if line.startswith("[leximin] ")]
    assert any("level 1:" in line for line in progress)

    scenario = load_scenario(scenario_dir)
    header, rows = read_rows(out)
    assert header == ["person_id", "committee_id", "probability"]
    totals = {pid: float(p) for pid, cid, p in rows if cid == "*"}
    assert list(totals) == [c.id for c in scenario.citizens]
    assert len([r for r in rows if r[1] == "*"]) == CITIZEN_COUNT
    per_committee: dict[str, float] = defaultdict(float)
    per_citizen: dict[str, float] = defaultdict(float)
    for pid, cid, p in rows:
        assert 0.0 <= float(p) <= 1.0 + 1e-9
        if cid != "*":
            assert scenario.citizen(pid).can_sit_on(cid)
            per_committee[cid] += float(p)
            per_citizen[pid] += float(p)
    for m in scenario.mandates:
        assert per_committee[m.id] == pytest.approx(m.citizen_seats, abs=1e-9)
    for pid, total in totals.items():
        assert per_citizen[pid] == pytest.approx(total, abs=1e-9)
    assert min(totals.values()) > 0


def test_panels_out_writes_m_valid_plans(scenario_dir: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    panels = tmp_path / "panels.csv"
    code = lottery_cli(scenario_dir, "--out", tmp_path / "probs.csv", "--panels", "5",
                       "--panels-out", panels, "--baseline-samples", "0")
    assert code == 0
    assert f"5 equally likely plans written to {panels}" in capsys.readouterr().out
    header, rows = read_rows(panels)
    assert header == ["panel", "committee_id", "person_id", "role"]
    by_panel: dict[str, list[Seat]] = defaultdict(list)
    for panel, cid, pid, role in rows:
        by_panel[panel].append(Seat(committee_id=cid, person_id=pid, role=Role(role)))
    assert sorted(by_panel, key=int) == ["1", "2", "3", "4", "5"]
    scenario = load_scenario(scenario_dir)
    for seats in by_panel.values():
        seated = {s.person_id for s in seats}
        plan = Plan(seats=seats,
                    unseated_citizens=[c.id for c in scenario.citizens if c.id not in seated],
                    unseated_politicians=[p.id for p in scenario.politicians
                                          if p.id not in seated])
        assert check_plan(scenario, plan) == ()


def test_draw_out_writes_a_plan_that_check_accepts(scenario_dir: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    code = lottery_cli(scenario_dir, "--out", tmp_path / "probs.csv", "--draw-out", plan,
                       "--seed", "3", "--baseline-samples", "0")
    assert code == 0
    assert f"Plan drawn with seed 3 written to {plan}." in capsys.readouterr().out
    assert main(["check", str(scenario_dir), str(plan)]) == 0
    assert "The plan meets every rule." in capsys.readouterr().out


def test_same_seed_gives_the_same_files(scenario_dir: Path, tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        folder = tmp_path / run
        folder.mkdir()
        assert lottery_cli(scenario_dir, "--out", folder / "probs.csv", "--panels", "4",
                           "--panels-out", folder / "panels.csv", "--draw-out",
                           folder / "plan.csv", "--seed", "7", "--baseline-samples", "0") == 0
        outputs.append([(folder / name).read_bytes()
                        for name in ("probs.csv", "panels.csv", "plan.csv")])
    assert outputs[0] == outputs[1]
    assert all(outputs[0])


def test_legacy_method_with_a_seed_is_reproducible(scenario_dir: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for run in ("one", "two"):
        out = tmp_path / f"{run}.csv"
        assert lottery_cli(scenario_dir, "--out", out, "--method", "legacy", "--samples", "8",
                           "--seed", "11") == 0
        files.append(out.read_bytes())
    assert files[0] == files[1]
    captured = capsys.readouterr()
    assert "legacy:" in captured.out
    assert "levels proven" not in captured.out  # the baseline proves nothing
    assert "random-priority baseline" not in captured.out  # it is the baseline


def test_quality_floor_is_reported(scenario_dir: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert lottery_cli(scenario_dir, "--out", tmp_path / "probs.csv", "--quality-floor", "1",
                       "--baseline-samples", "0") == 0
    optimum = solve(load_scenario(scenario_dir)).objective
    assert f"every plan scores at least {optimum} (optimum {optimum})" in capsys.readouterr().out


def test_sortition_example_small_20_gives_one_tenth(small_20_dir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "probs.csv"
    assert lottery_cli("--sortition", small_20_dir, "--seats", "20", "--out", out,
                       "--baseline-samples", "0", "--panels", "10", "--panels-out",
                       tmp_path / "panels.csv") == 0
    captured = capsys.readouterr()
    assert "[leximin] " in captured.err
    assert "largest deviation of a citizen's chance: 0.000000" in captured.out
    header, rows = read_rows(out)
    assert header == ["person_id", "committee_id", "probability"]
    totals = [float(p) for _, cid, p in rows if cid == "*"]
    assert len(totals) == 200
    assert all(abs(p - 0.1) <= 1e-6 for p in totals)
    assert {cid for _, cid, _ in rows} == {"panel", "*"}
    _, panel_rows = read_rows(tmp_path / "panels.csv")
    assert len(panel_rows) == 10 * 20
    assert sorted(pid for _, _, pid, _ in panel_rows) == sorted(str(i) for i in range(200))


@pytest.mark.parametrize("args", [
    # both a scenario DIR and --sortition
    ["SCENARIO", "--sortition", "SORTITION", "--seats", "20"],
    # neither
    [],
    # --sortition without --seats
    ["--sortition", "SORTITION"],
    # --panels without --panels-out, and the other way round
    ["SCENARIO", "--panels", "3"],
    ["SCENARIO", "--panels-out", "OUTDIR/panels.csv"],
    ["SCENARIO", "--panels", "0", "--panels-out", "OUTDIR/panels.csv"],
    ["SCENARIO", "--method", "foo"],
    ["SCENARIO", "--quality-floor", "1.5"],
    ["SCENARIO", "--seed", "-1"],
    ["SCENARIO", "--sortition", "SORTITION"],
])
def test_bad_combinations_are_invalid_input(args: list[str], scenario_dir: Path,
                                            small_20_dir: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    names = {"SCENARIO": str(scenario_dir), "SORTITION": str(small_20_dir)}
    argv = [names.get(a, a.replace("OUTDIR", str(tmp_path))) for a in args]
    out = tmp_path / "probs.csv"
    assert lottery_cli(*argv, "--out", out) == 2
    assert "invalid input" in capsys.readouterr().err
    assert not out.exists()
    assert not (tmp_path / "panels.csv").exists()


def test_infeasible_scenario_exits_3(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    # Two seats and one applicant.
    save_scenario(Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0)],
                           citizens=[Citizen(id="x", applied_to=["a"])]), tmp_path / "s")
    out = tmp_path / "probs.csv"
    assert lottery_cli(tmp_path / "s", "--out", out, "--draw-out", tmp_path / "plan.csv") == 3
    assert "infeasible: no lottery" in capsys.readouterr().err
    assert not out.exists()
    assert not (tmp_path / "plan.csv").exists()


def test_time_limit_without_a_lottery_exits_4(scenario_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "probs.csv"
    assert lottery_cli(scenario_dir, "--out", out, "--time-limit", "0.000001") == 4
    assert "time_limit: no lottery" in capsys.readouterr().err
    assert not out.exists()


def test_summary_counts_chances_of_zero_and_one(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # One seat, x (listed first) and y (listed second) can take it; n can never sit. Under a
    # floor of 1.0 only x sits: two citizens have chance 0 (y and n), one has chance 1.
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                           Mandate(id="b", citizen_seats=0, politician_seats=0)],
                 citizens=[Citizen(id="x", applied_to=["a"]),
                           Citizen(id="y", applied_to=["b", "a"]),
                           Citizen(id="n", applied_to=["b"])])
    directory = tmp_path / "scenario"
    save_scenario(s, directory)
    out = tmp_path / "probs.csv"
    assert lottery_cli(directory, "--out", out, "--quality-floor", "1",
                       "--baseline-samples", "0") == 0
    text = capsys.readouterr().out
    assert "smallest chance of a seat: 0.000000" in text
    assert "chance 0: 2 citizens (of whom 1 can never sit); chance 1: 1" in text


def test_a_time_limit_writes_the_levels_proven_so_far(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    directory = tmp_path / "scenario"
    save_scenario(generate_scenario(committees=10, citizens=300, politicians=22, seed=3),
                  directory)
    out = tmp_path / "probs.csv"
    # Column generation proves level after level; that way the limit comes first.
    with route("columns"):
        assert lottery_cli(directory, "--out", out, "--time-limit", "1.5",
                           "--baseline-samples", "0") == 0
    captured = capsys.readouterr()
    assert "time_limit: levels proven so far" in captured.out
    _, rows = read_rows(out)
    totals = [float(r[2]) for r in rows if r[1] == "*"]
    assert len(totals) == 300
    assert abs(sum(totals) - 100) <= 1e-6  # ten committees of ten citizen seats
