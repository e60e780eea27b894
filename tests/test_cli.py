"""The ``cocreate-match`` command line, run in-process through ``main`` (and once as a program).

Exit codes: 0 plan written or valid; 1 ``check`` found broken rules; 2 invalid input;
3 infeasible; 4 time limit without a plan; 5 solver failure.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cocreate_match import InputError, Problem, SolverError, SolveResult, Status, load_scenario
from cocreate_match.cli import main
from cocreate_match.demo import demo_scenario

MANDATES = """\
[council]
max_per_party = 2
min_parties = 1

[[committee]]
id = "climate"
title = "Climate adaptation"
citizen_seats = 2
politician_seats = 1

  [[committee.profile]]
  name = "young"
  any_of = ["student"]
  min = 1

[[committee]]
id = "youth"
title = "Youth and school life"
citizen_seats = 1
politician_seats = 1
"""

CITIZENS = """\
id,applied_to,tags,household,gender
c1,climate;youth,student,h1,female
c2,climate,,h2,male
c3,youth;*,,,female
c4,*,student,,male
c5,youth,,h1,male
"""

POLITICIANS = """\
id,party,preferences,min_committees,max_committees
p1,A,climate,0,2
p2,B,youth;climate,1,
"""


def write_scenario(directory: Path, mandates: str = MANDATES, citizens: str = CITIZENS,
                   politicians: str = POLITICIANS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "mandates.toml").write_text(mandates, encoding="utf-8")
    (directory / "citizens.csv").write_text(citizens, encoding="utf-8")
    (directory / "politicians.csv").write_text(politicians, encoding="utf-8")
    return directory


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process run.

    Argument errors end in ``SystemExit`` from argparse; its code counts like a returned one.
    """
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def plan_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- demo ---------------------------------------------------------------------------------------
def test_demo_prints_a_summary_per_committee(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["demo"], capsys)
    assert code == 0, err
    for mandate in demo_scenario().mandates:
        assert f"== {mandate.title} [{mandate.id}] ==" in out
    assert "Climate adaptation and green transition" in out
    # One parties line per committee, each meeting the demo's rule of at least 3 parties.
    parties = re.findall(r"^    parties: (\d+) \((.*)\)$", out, flags=re.MULTILINE)
    assert len(parties) == len(demo_scenario().mandates)
    assert all(int(n) == len(names.split(", ")) >= 3 for n, names in parties)
    assert "status optimal, objective " in out
    assert out.rstrip().splitlines()[-1].startswith("optimal: ")
    assert "Objective" in out.rstrip().splitlines()[-1]
    assert err == ""


def test_demo_export_writes_the_demo_scenario(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "template"
    code, out, err = run(["demo", "--export", str(target)], capsys)
    assert code == 0, err
    assert str(target) in out
    assert sorted(p.name for p in target.iterdir()) == [
        "citizens.csv", "mandates.toml", "politicians.csv"]
    assert load_scenario(target) == demo_scenario()
    code, out, err = run(["solve", str(target), "--out", str(tmp_path / "plan.csv"), "--quiet"],
                         capsys)
    assert code == 0, err
    assert (tmp_path / "plan.csv").is_file()


def test_demo_with_out_writes_the_plan(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["demo", "--out", str(tmp_path / "plan.csv")], capsys)
    assert code == 0, err
    citizens = [r for r in plan_rows(tmp_path / "plan.csv") if r["role"] == "citizen"]
    assert sorted(r["person_id"] for r in citizens) == sorted(
        c.id for c in demo_scenario().citizens)
    assert sum(1 for r in citizens if r["committee_id"]) == 100  # 10 committees of 10


# -- solve and check ------------------------------------------------------------------------------
def test_solve_writes_a_plan_that_check_accepts(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(tmp_path / "scenario")
    plan = tmp_path / "plan.csv"
    code, out, err = run(["solve", str(scenario_dir), "--out", str(plan)], capsys)
    assert code == 0, err
    assert "== Climate adaptation [climate] ==" in out
    assert f"Plan written to {plan}." in out
    rows = plan_rows(plan)
    assert list(rows[0]) == ["committee_id", "person_id", "role", "rank", "profiles"]
    assert {r["person_id"] for r in rows if r["role"] == "citizen"} == {
        "c1", "c2", "c3", "c4", "c5"}
    assert sum(1 for r in rows if r["role"] == "citizen" and r["committee_id"]) == 3

    code, out, err = run(["check", str(scenario_dir), str(plan)], capsys)
    assert (code, out, err) == (0, "The plan meets every rule.\n", "")


def test_solve_quiet_prints_only_the_outcome(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(tmp_path / "scenario")
    code, out, _ = run(["solve", str(scenario_dir), "--out", str(tmp_path / "p.csv"),
                        "--quiet"], capsys)
    assert code == 0
    assert "==" not in out
    assert out.splitlines()[0].startswith("optimal: ")


def test_check_names_the_broken_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(tmp_path / "scenario")
    plan = tmp_path / "plan.csv"
    assert run(["solve", str(scenario_dir), "--out", str(plan), "--quiet"], capsys)[0] == 0
    rows = plan_rows(plan)
    # Unseat the first citizen on the youth committee: youth is now one citizen short.
    seat = next(r for r in rows if r["role"] == "citizen" and r["committee_id"] == "youth")
    seat["committee_id"] = ""
    with plan.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    code, out, err = run(["check", str(scenario_dir), str(plan)], capsys)
    assert code == 1, err
    assert out.startswith("The plan breaks 1 rule:")
    assert "  - youth/seats/citizens: " in out


def test_check_with_a_bad_plan_file_is_invalid_input(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(tmp_path / "scenario")
    plan = tmp_path / "plan.csv"
    plan.write_text("committee_id,person_id,role\nclimate,c1,mayor\nclimate,,citizen\n",
                    encoding="utf-8")
    code, out, err = run(["check", str(scenario_dir), str(plan)], capsys)
    assert code == 2
    assert out == ""
    assert "invalid input (2 problems)" in err
    assert f"{plan}, row 2, column role, value 'mayor'" in err
    assert f"{plan}, row 3, column person_id, value ''" in err

    code, _, err = run(["check", str(scenario_dir), str(tmp_path / "missing.csv")], capsys)
    assert code == 2
    assert "missing.csv: file not found" in err


def test_solve_on_invalid_input_lists_every_problem(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(
        tmp_path / "scenario",
        mandates=MANDATES.replace("citizen_seats = 1", "citizen_seats = -1"),
        citizens=CITIZENS + "c6,nope,,,male\nc1,climate,,,male\n",
        politicians=POLITICIANS + "p3,A,,3,1\n",
    )
    plan = tmp_path / "plan.csv"
    code, out, err = run(["solve", str(scenario_dir), "--out", str(plan)], capsys)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert "invalid input (4 problems)" in err
    for line in (
        "mandates.toml, [[committee]] #2 (id 'youth'), key citizen_seats, value -1: "
        "must not be negative",
        "citizens.csv, row 7, column applied_to, value 'nope': unknown committee id",
        "citizens.csv, row 8, column id, value 'c1': citizen id is used twice",
        "politicians.csv, row 4, column min_committees, value 3: min_committees (3) is "
        "greater than max_committees (1)",
    ):
        assert f"  - {line} [CM-E" in err  # each problem line ends with its code
    assert not plan.exists()


def test_solve_on_a_missing_directory(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["solve", str(tmp_path / "nowhere"), "--out", "plan.csv"], capsys)
    assert code == 2
    assert f"{tmp_path / 'nowhere'}: directory not found" in err
    assert "Traceback" not in err


def test_solve_on_an_infeasible_scenario(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(
        tmp_path / "scenario",
        mandates='[[committee]]\nid = "climate"\ncitizen_seats = 3\npolitician_seats = 1\n',
        citizens="id,applied_to\nc1,climate\n", politicians="id,party\np1,A\n")
    plan = tmp_path / "plan.csv"
    code, out, err = run(["solve", str(scenario_dir), "--out", str(plan)], capsys)
    assert code == 3
    assert out == ""
    assert err.startswith("infeasible: No plan meets every rule")
    assert "Traceback" not in err
    assert not plan.exists()


def _no_plan(status: Status, code: str) -> SolveResult:
    return SolveResult(status=status, plan=None, objective=None, bound=None, build_time=0.0,
                       solve_time=0.0, seed=0, backend="highs", code=code)


def test_time_limit_without_a_plan_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # No real scenario runs out of time deterministically; the solver's answer is stubbed.
    monkeypatch.setattr("cocreate_match.solver.solve", lambda *a, **k: _no_plan(
        Status.TIME_LIMIT, "CM-R003"))
    scenario_dir = write_scenario(tmp_path / "scenario")
    plan = tmp_path / "plan.csv"
    code, out, err = run(["solve", str(scenario_dir), "--out", str(plan), "--time-limit",
                          "0.5"], capsys)
    assert code == 4
    assert out == ""
    # On stderr, where it stands for an error, the outcome ends with its code.
    assert err == ("time_limit: The time limit was reached before a plan for the citizens was "
                   "found. [CM-R003]\n")
    assert not plan.exists()


def test_solver_failure_exits_5(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> SolveResult:
        raise SolverError("HiGHS returned status 'model error'")

    monkeypatch.setattr("cocreate_match.solver.solve", broken)
    scenario_dir = write_scenario(tmp_path / "scenario")
    code, out, err = run(["solve", str(scenario_dir), "--out", str(tmp_path / "p.csv")], capsys)
    assert code == 5
    assert out == ""
    assert err == ("cocreate-match: the solver failed: HiGHS returned status 'model error' "
                   "[CM-C002]\n")


def test_an_input_error_from_the_solver_exits_2(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses(*args: object, **kwargs: object) -> SolveResult:
        raise InputError([Problem(code="CM-E451", column="time_limit", value=0)])

    monkeypatch.setattr("cocreate_match.solver.solve", refuses)
    scenario_dir = write_scenario(tmp_path / "scenario")
    code, _, err = run(["solve", str(scenario_dir), "--out", str(tmp_path / "p.csv")], capsys)
    assert code == 2
    assert ("  - column time_limit, value 0: must be a positive number of seconds or None "
            "[CM-E451]\n") in err


def test_same_seed_gives_byte_identical_plans(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = tmp_path / "scenario"
    assert run(["generate", str(scenario_dir), "--committees", "3", "--citizens", "40",
                "--politicians", "6", "--seed", "5"], capsys)[0] == 0
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for plan in (first, second):
        code, _, err = run(["solve", str(scenario_dir), "--out", str(plan), "--seed", "7",
                            "--quiet"], capsys)
        assert code == 0, err
    assert first.read_bytes() == second.read_bytes()
    citizens = [r["person_id"] for r in plan_rows(first) if r["role"] == "citizen"]
    assert len(citizens) == len(set(citizens)) == 40


def test_out_into_a_missing_directory(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = write_scenario(tmp_path / "scenario")
    plan = tmp_path / "no" / "such" / "plan.csv"
    code, out, err = run(["solve", str(scenario_dir), "--out", str(plan)], capsys)
    assert code == 2
    assert f"{plan}: cannot be written: directory '{plan.parent}' does not exist" in err
    assert out == ""  # refused before solving, so no summary either
    assert "Traceback" not in err
    assert not plan.parent.exists()


# -- generate -----------------------------------------------------------------------------------
def test_generate_writes_a_scenario_that_solves(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    scenario_dir = tmp_path / "generated"
    code, out, err = run(["generate", str(scenario_dir), "--committees", "3", "--citizens", "40",
                          "--politicians", "6", "--seed", "1"], capsys)
    assert code == 0, err
    assert "3 committees, 40 citizens and 6 politicians" in out
    scenario = load_scenario(scenario_dir)
    assert (len(scenario.mandates), len(scenario.citizens), len(scenario.politicians)) == (
        3, 40, 6)
    plan = tmp_path / "plan.csv"
    code, _, err = run(["solve", str(scenario_dir), "--out", str(plan), "--quiet"], capsys)
    assert code == 0, err
    assert run(["check", str(scenario_dir), str(plan)], capsys)[0] == 0


# -- bad arguments --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["solve", "DIR", "--out", "p.csv", "--seed", "-1"], "argument --seed: must not be "
         "negative, got '-1'"),
        (["solve", "DIR", "--out", "p.csv", "--seed", "x"], "argument --seed: must be a whole "
         "number, got 'x'"),
        (["solve", "DIR", "--out", "p.csv", "--time-limit", "0"], "argument --time-limit: must "
         "be a positive number of seconds, got '0'"),
        (["solve", "DIR", "--out", "p.csv", "--time-limit", "inf"], "argument --time-limit"),
        (["solve", "DIR", "--out", "p.csv", "--backend", "gurobi"], "argument --backend"),
        (["solve", "DIR"], "the following arguments are required: --out"),
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: COMMAND"),
        (["generate", "DIR", "--committees", "3", "--citizens", "4", "--politicians", "2",
          "--seed", "1", "--any-share", "1.5"], "must be between 0 and 1, got '1.5'"),
        (["generate", "DIR", "--committees", "3"], "the following arguments are required"),
    ],
)
def test_bad_arguments_exit_2(argv: list[str], says: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert says in err
    assert "invalid input" in err
    assert "Traceback" not in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "Exit codes: 0 plan written or valid" in out


# -- the installed program ----------------------------------------------------------------------
def test_console_script_runs_the_demo() -> None:
    script = (shutil.which("cocreate-match", path=str(Path(sys.executable).parent))
              or shutil.which("cocreate-match"))
    assert script is not None, "the cocreate-match console script is not installed"
    done = subprocess.run([script, "demo"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "== Climate adaptation and green transition [climate] ==" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("optimal: ")
    assert "Traceback" not in done.stderr
