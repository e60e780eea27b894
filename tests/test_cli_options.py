"""Options of the command line: every bad argument at once, --excel with an encoding, a full
stdout, and progress in the log with -v."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cocreate_match import generate_scenario, replace_dropouts, save_scenario, solve
from cocreate_match.cli import build_parser, main
from cocreate_match.demo import demo_scenario

BOM = b"\xef\xbb\xbf"
CODED = re.compile(r" \[CM-E\d{3}\]$")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("  - ")]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("small")
    save_scenario(generate_scenario(committees=2, citizens=30, politicians=10, seed=1),
                  directory)
    return directory


# -- every bad argument at once -------------------------------------------------------------------
def test_an_unknown_option_a_bad_choice_a_bad_number_and_a_missing_argument_together(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["replace", "DIR", "--frobnicate", "--backend", "gurobi", "--seed",
                          "x", "--time-limit", "0", "--plan", "plan.csv"], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("usage: cocreate-match replace")
    assert "cocreate-match replace: invalid input (5 problems):" in err
    lines = problem_lines(err)
    assert len(lines) == 5
    assert all(CODED.search(line) for line in lines), lines
    said = "\n".join(lines)
    for part in ("argument --backend: invalid choice: 'gurobi' (choose from 'highs', 'cpsat') "
                 "[CM-E527]",
                 "argument --seed: must be a whole number, got 'x' [CM-E520]",
                 "argument --time-limit: must be a positive number of seconds, got '0' "
                 "[CM-E523]",
                 "the following arguments are required: --dropouts, --out [CM-E528]",
                 "unrecognized arguments: --frobnicate [CM-E529]"):
        assert part in said
    assert "Traceback" not in err


def test_several_bad_values_of_generate_and_the_missing_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["generate", str(tmp_path / "g"), "--committees", "-2", "--any-share",
                        "1.5", "--delimiter", "pipe", "--choices", "many"], capsys)
    assert code == 2
    said = "\n".join(problem_lines(err))
    assert "argument --committees: must not be negative, got '-2' [CM-E521]" in said
    assert "argument --any-share: must be between 0 and 1, got '1.5' [CM-E525]" in said
    assert "argument --delimiter: invalid choice: 'pipe'" in said
    assert "argument --choices: must be a whole number, got 'many' [CM-E520]" in said
    assert ("the following arguments are required: --citizens, --politicians, --seed "
            "[CM-E528]") in said
    assert not (tmp_path / "g").exists()


def test_an_unknown_command_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["bogus", "--seed", "x"], capsys)
    assert code == 2
    assert "argument COMMAND: invalid choice: 'bogus'" in err and "[CM-E527]" in err
    code, _, err = run([], capsys)
    assert code == 2
    assert "the following arguments are required: COMMAND [CM-E528]" in err


def test_an_option_without_its_value_stops_the_reading_and_says_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["solve", "DIR", "--out"], capsys)
    assert code == 2
    assert "argument --out: expected one argument [CM-E530]" in err


def test_the_usage_still_marks_required_options_and_lists_choices(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    replace = commands.choices["replace"]  # type: ignore[index]
    usage = replace.format_usage()
    assert "--plan PLAN_CSV" in usage and "[--plan" not in usage
    assert "--backend {highs,cpsat}" in usage and "--lang {en,da,nb}" in usage
    # Parsing a good command line (twice: the parser is left as it was) still works.
    for _ in range(2):
        code, _, err = run(["solve", str(small), "--out", str(tmp_path / "p.csv"), "--quiet",
                            "--backend", "highs", "--seed", "2"], capsys)
        assert code == 0, err


def test_help_lists_the_language_and_the_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--lang" in out and "[CM-E105]" in out
    assert main(["solve", "--help"]) == 0
    assert "--lang {en,da,nb}" in capsys.readouterr().out


# -- --excel with --encoding utf-8-sig -------------------------------------------------------------
def test_excel_with_a_utf8_sig_encoding_writes_the_bom_once(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options = ["--excel", "--encoding", "utf-8-sig", "-q"]
    plan, new, changes = tmp_path / "plan.csv", tmp_path / "new.csv", tmp_path / "changes.csv"
    code, _, err = run(["solve", str(small), "--out", str(plan), "--quiet", *options], capsys)
    assert code == 0, err
    # The plan, read back with the same options, is the plan in force of a re-plan.
    code, _, err = run(["solve", str(small), "--keep", str(plan), "--out", str(new),
                        "--changes-out", str(changes), "--quiet", *options], capsys)
    assert code == 0, err
    probs, panels = tmp_path / "probs.csv", tmp_path / "panels.csv"
    code, _, err = run(["lottery", str(small), "--out", str(probs), "--panels", "2",
                        "--panels-out", str(panels), "--baseline-samples", "0", *options],
                       capsys)
    assert code == 0, err
    for path in (plan, new, changes, probs, panels):
        data = path.read_bytes()
        assert data.startswith(BOM) and not data[len(BOM):].startswith(BOM), path.name
        assert data.count(BOM) == 1, path.name
        assert b";" in data.splitlines()[0], path.name


def test_excel_export_read_back_with_a_utf8_sig_encoding(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "template"
    assert run(["demo", "--export", str(template), "--excel"], capsys)[0] == 0
    for name in ("citizens.csv", "politicians.csv"):
        assert (template / name).read_bytes().count(BOM) == 1
    plan = tmp_path / "plan.csv"
    code, _, err = run(["solve", str(template), "--out", str(plan), "--quiet", "--excel",
                        "--encoding", "utf-8-sig"], capsys)
    assert code == 0, err
    assert plan.read_bytes().count(BOM) == 1


# -- a full stdout -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_with_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("demo")
    save_scenario(demo_scenario(), directory)
    plan = directory / "plan.csv"
    result = solve(demo_scenario())
    assert result.plan is not None
    result.plan.to_csv(plan, demo_scenario())
    return directory, plan


def _to_full_stdout(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    with open("/dev/full", "w", encoding="utf-8") as full:
        return subprocess.run([sys.executable, "-m", "cocreate_match", *argv], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=300, check=False,
                              env=env)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_one_line_naming_stdout_and_the_io_exit_code(
        demo_with_plan: tuple[Path, Path]) -> None:
    directory, plan = demo_with_plan
    done = _to_full_stdout(["check", str(directory), str(plan)])
    assert done.returncode == 7, done.stderr
    assert done.stderr.splitlines() == [
        "cocreate-match: cannot write to stdout: No space left on device [CM-C006]"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_json_to_a_full_stdout(demo_with_plan: tuple[Path, Path]) -> None:
    directory, _ = demo_with_plan
    done = _to_full_stdout(["solve", str(directory), "--json", "--quiet"])
    assert done.returncode == 7, done.stderr
    lines = done.stderr.splitlines()
    # With --json the outcome goes to stderr; then the one line about stdout, nothing more.
    assert [line for line in lines if "stdout" in line] == [lines[-1]]
    assert lines[-1].startswith("cocreate-match: cannot write to stdout: ")
    assert lines[-1].endswith(" [CM-C006]")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


# -- progress with -v ----------------------------------------------------------------------------
def _progress_log(err: str) -> list[str]:
    # A line the library logs with its code ends with it: "... [CM-R112]".
    return [re.sub(r" \[CM-[A-Z]\d{3}\]$", "", line.removeprefix("cocreate-match: INFO: "))
            for line in err.splitlines() if line.startswith("cocreate-match: INFO: ")]


def test_lottery_v_logs_its_first_progress_line_too(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["lottery", str(small), "--out", str(tmp_path / "probs.csv"),
            "--baseline-samples", "0", "--lang", "en"]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    shown = [line.removeprefix("[leximin] ") for line in err.splitlines()
             if line.startswith("[leximin] ")]
    assert shown
    code, _, err = run([*argv, "-v"], capsys)
    assert code == 0, err
    assert not any(line.startswith("[leximin] ") for line in err.splitlines())
    logged = _progress_log(err)
    assert logged[0] == shown[0]  # the line the lottery starts with
    assert set(shown) <= set(logged)


def test_replace_v_logs_its_progress(small: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from cocreate_match import load_scenario

    scenario = load_scenario(small)
    result = solve(scenario)
    assert result.plan is not None
    plan = tmp_path / "plan.csv"
    result.plan.to_csv(plan, scenario)
    gone = result.plan.committees[0].citizens[0]
    (tmp_path / "gone.txt").write_text(f"{gone}\n", encoding="utf-8")
    reported: list[str] = []
    replace_dropouts(scenario, result.plan, [gone], progress=reported.append)
    argv = ["replace", str(small), "--plan", str(plan), "--dropouts",
            str(tmp_path / "gone.txt"), "--out", str(tmp_path / "new.csv"), "--lang", "en"]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    assert "[replace]" not in err  # a script's stderr stays quiet without -v
    code, _, err = run([*argv, "-v"], capsys)
    assert code == 0, err
    logged = _progress_log(err)
    assert logged[0] == reported[0]
    assert set(reported) <= set(logged)
