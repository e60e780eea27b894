"""The command line: exit code 6 from replace, every problem of the options and the scenario
at once, a fair solve without applicants, the --explain-out file against the result schema,
refused huge counts, -q with --json, what is said about the lot of a relaxed plan, problem
and explanation lines one line each with their codes, and plurals."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cocreate_match import json_schema
from cocreate_match.cli import MAX_PANELS, build_parser, main
from cocreate_match.messages import text

README = Path(__file__).resolve().parents[1] / "README.md"
CODE_AT_END = re.compile(r" \[CM-[A-Z]\d{3}\]$")

MANDATES = """
[council]
max_per_party = 1
min_parties = 2
[[committee]]
id = "a"
citizen_seats = 2
politician_seats = 2
  [[committee.profile]]
  name = "young"
  any_of = ["student"]
  min = 1
  [[committee.quota]]
  attribute = "gender"
  value = "female"
  min = 1
[[committee]]
id = "b"
citizen_seats = 2
politician_seats = 2
"""
POLITICIANS = """id,party,preferences,min_committees,max_committees
p1,A,a,0,2
p2,B,b,0,1
p3,C,,1,2
"""
CITIZENS = """id,applied_to,tags,household,gender
c1,a;b,student,h1,female
c2,a,,h1,male
c3,b,,,female
c4,*,,,male
c5,b;a,student,,male
"""
# Four of the five applicants share a household that may have one seated: no plan meets
# every rule.
HOUSEHOLD_CITIZENS = CITIZENS.replace("c3,b,,,", "c3,b,,h1,").replace("c5,b;a,student,,",
                                                                      "c5,b;a,student,h1,")
BAD_CITIZENS = """id,applied_to,tags,household,gender
c1,a;b,student,h1,female
c2,nowhere,,h1
c1,a,,,male
"""


def scenario_problems(err: str) -> int:
    """How many problem lines name citizens.csv (the scenario's own problems)."""
    return sum(1 for line in err.splitlines() if line.startswith("  - citizens.csv, row "))


def scenario_dir(where: Path, *, citizens: str = CITIZENS, mandates: str = MANDATES,
                 politicians: str = POLITICIANS) -> Path:
    where.mkdir(parents=True)
    (where / "mandates.toml").write_text(mandates, encoding="utf-8")
    (where / "citizens.csv").write_text(citizens, encoding="utf-8")
    (where / "politicians.csv").write_text(politicians, encoding="utf-8")
    return where


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def codes(err: str) -> list[str]:
    return re.findall(r"\[(CM-[A-Z]\d{3})\]$", err, flags=re.MULTILINE)


# -- 1. replace writes a plan that breaks rules: exit 6 ------------------------------------------

def test_replace_exits_6_when_the_new_plan_breaks_rules(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "s", citizens=HOUSEHOLD_CITIZENS)
    plan, new = tmp_path / "plan.csv", tmp_path / "new.csv"
    code, _, err = run(["solve", str(directory), "--out", str(plan), "--relax", "-q"], capsys)
    assert code == 6, err
    seated_outside = "c4"  # not of the household; the plan keeps breaking its rule
    assert f",{seated_outside},citizen" in plan.read_text(encoding="utf-8")
    (tmp_path / "ids.txt").write_text(f"{seated_outside}\n", encoding="utf-8")
    why = tmp_path / "why.json"
    code, out, err = run(["replace", str(directory), "--plan", str(plan), "--dropouts",
                          str(tmp_path / "ids.txt"), "--out", str(new), "--explain-out",
                          str(why)], capsys)
    assert code == 6, err
    assert out.startswith("relaxed: ") and "Rules broken:" in out
    assert new.exists()
    assert [r["rule"] for r in validate_explain_out(why)["relaxed"]] == ["household/h1"]


def test_the_exit_codes_6_and_70_are_documented() -> None:
    rows = {line.split("|")[1].strip(): line for line in README.read_text(encoding="utf-8")
            .splitlines() if re.match(r"\| \d+ \|", line)}
    assert "`replace`" in rows["6"] and "`--relax`" in rows["6"]
    assert "internal error" in rows["70"]
    epilog = build_parser().epilog or ""
    assert "70 internal error" in epilog and "replace" in epilog


# -- 2. every problem of the command line and of the scenario at once ----------------------------

@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return scenario_dir(tmp_path / "bad", citizens=BAD_CITIZENS)


def test_solve_reports_its_options_with_the_scenarios_problems(
        bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["solve", str(bad), "--out", str(tmp_path / "nope" / "x.csv"),
                          "--fair", "--relax", "--keep", str(tmp_path / "nothere.csv")], capsys)
    assert code == 2 and out == ""
    found = set(codes(err))
    # The output directory, --fair with --relax, --fair with --keep, the missing --keep
    # file, and the scenario's own problems.
    assert {"CM-E507", "CM-E509", "CM-E511", "CM-E100"} <= found, err
    assert scenario_problems(err) == 2, err


def test_solve_reports_an_output_onto_an_input_with_the_scenarios_problems(
        bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["solve", str(bad), "--out", str(bad / "citizens.csv")], capsys)
    assert code == 2
    assert {"CM-E506"} <= set(codes(err)), err
    assert scenario_problems(err) == 2, err


def test_solve_json_without_out_reports_the_scenario_too(
        bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["solve", str(bad), "--reserves", "3"], capsys)
    assert code == 2
    assert {"CM-E519"} <= set(codes(err)), err
    assert scenario_problems(err) == 2, err


def test_lottery_reports_its_options_with_the_scenarios_problems(
        bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["lottery", str(bad), "--out", str(tmp_path / "nope" / "x.csv"),
                        "--panels", "0"], capsys)
    assert code == 2
    assert {"CM-E503", "CM-E504", "CM-E507"} <= set(codes(err)), err
    assert scenario_problems(err) == 2, err


def test_lottery_reports_a_sortition_pools_problems_with_its_options(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["lottery", "--sortition", str(tmp_path / "missing"), "--seats", "3",
                        "--out", str(tmp_path / "nope" / "x.csv")], capsys)
    assert code == 2
    found = codes(err)
    assert "CM-E507" in found and len(found) >= 2, err


def test_replace_report_adhoc_and_check_report_every_problem_at_once(
        bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nothere.csv")
    unwritable = str(tmp_path / "nope" / "x.csv")
    code, _, err = run(["replace", str(bad), "--plan", missing, "--dropouts",
                        str(tmp_path / "nothere.txt"), "--out", unwritable], capsys)
    assert code == 2
    assert codes(err).count("CM-E100") == 2 and "CM-E507" in codes(err)
    assert scenario_problems(err) == 2, err
    # An output over an input is said with the rest, not alone.
    for argv in (["report", str(bad), "--plan", missing, "--html", str(bad / "citizens.csv")],
                 ["replace", str(bad), "--plan", missing, "--dropouts", missing,
                  "--out", str(bad / "mandates.toml")]):
        code, _, err = run(argv, capsys)
        assert code == 2
        assert {"CM-E506", "CM-E100"} <= set(codes(err)), argv
        assert scenario_problems(err) == 2, err
    code, _, err = run(["adhoc", str(bad), "--plan", missing, "--committee", "a", "--profile",
                        "young", "--count", "1", "--invited", unwritable], capsys)
    assert code == 2
    assert {"CM-E100", "CM-E507"} <= set(codes(err)), err
    assert scenario_problems(err) == 2, err
    code, _, err = run(["check", str(bad), missing], capsys)
    assert code == 2
    assert {"CM-E100"} <= set(codes(err)), err
    assert scenario_problems(err) == 2, err


def test_demo_reports_every_problem_of_its_options_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["demo", "--out", str(tmp_path / "nope" / "x.csv"), "--fair", "--relax",
                        "--reserves", "100000"], capsys)
    assert code == 2
    assert {"CM-E507", "CM-E509", "CM-E536"} <= set(codes(err)), err


# -- 3. a fair solve with no applicant -----------------------------------------------------------

def test_a_fair_solve_without_applicants_writes_its_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "empty", citizens="id,applied_to\n",
                             mandates='[[committee]]\nid = "a"\ncitizen_seats = 0\n'
                                      "politician_seats = 1\n",
                             politicians="id,party\np1,A\n")
    out_csv = tmp_path / "e.csv"
    code, out, err = run(["solve", str(directory), "--out", str(out_csv), "--fair"], capsys)
    assert code == 0, err
    assert "internal error" not in err
    assert f"Plan written to {out_csv}." in out
    assert "a,p1,politician" in out_csv.read_text(encoding="utf-8")


# -- 4. the --explain-out file: the result's explanation and relaxed rules -----------------------

def validate_explain_out(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    schema = json_schema("result")
    assert set(data) == {"explanation", "relaxed"}

    def check(instance: object, definition: str) -> None:
        jsonschema.Draft202012Validator({"$defs": schema["$defs"],
                                         "$ref": f"#/$defs/{definition}"}).validate(instance)

    if data["explanation"] is not None:
        check(data["explanation"], "explanation")
    for item in data["relaxed"]:
        check(item, "violation")
    return data


@pytest.fixture
def clash(tmp_path: Path) -> Path:
    return scenario_dir(tmp_path / "clash", citizens=HOUSEHOLD_CITIZENS)


def test_explain_out_of_an_infeasible_solve_follows_the_result_schema(
        clash: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    why = tmp_path / "why.json"
    code, _, _ = run(["solve", str(clash), "--out", str(tmp_path / "p.csv"),
                      "--explain-out", str(why)], capsys)
    assert code == 3
    data = validate_explain_out(why)
    assert data["explanation"]["code"].startswith("CM-X")
    assert "household/h1" in {r["rule"] for r in data["explanation"]["rules"]}
    assert data["relaxed"] == []


def test_explain_out_of_a_relaxed_solve_follows_the_result_schema(
        clash: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    why = tmp_path / "why.json"
    code, _, _ = run(["solve", str(clash), "--out", str(tmp_path / "p.csv"), "--relax",
                      "--explain-out", str(why)], capsys)
    assert code == 6
    data = validate_explain_out(why)
    assert [(r["rule"], r["limit"], r["actual"], r["person_id"]) for r in data["relaxed"]] == [
        ("household/h1", 1, 3, None)]
    assert data["relaxed"][0]["code"].startswith("CM-X")
    # As --json writes them.
    code, out, _ = run(["solve", str(clash), "--json", "--relax", "-q"], capsys)
    result = json.loads(out)
    assert data == {"explanation": result["explanation"], "relaxed": result["relaxed"]}


def test_explain_out_of_a_feasible_solve_and_replace_follows_the_result_schema(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "ok")
    why, plan = tmp_path / "why.json", tmp_path / "p.csv"
    code, _, err = run(["solve", str(directory), "--out", str(plan), "--explain-out", str(why)],
                       capsys)
    assert code == 0, err
    assert validate_explain_out(why) == {"explanation": None, "relaxed": []}
    # replace: a seat refilled (nothing to explain), then seats that cannot be refilled.
    for leaving, exit_code in (("p2", 0), ("p3", 3)):
        (tmp_path / "ids.txt").write_text(f"{leaving}\n", encoding="utf-8")
        code, _, err = run(["replace", str(directory), "--plan", str(plan), "--dropouts",
                            str(tmp_path / "ids.txt"), "--out", str(tmp_path / "new.csv"),
                            "--explain-out", str(why)], capsys)
        assert code == exit_code, err
        data = validate_explain_out(why)
        assert (data["explanation"] is None) == (exit_code == 0)
        assert data["relaxed"] == []


def test_the_readme_describes_the_explain_out_file() -> None:
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert '`why.json` then holds the result\'s `"explanation"` and `"relaxed"`' in readme
    assert '"actual": 0' in readme and '"achieved"' not in readme


# -- 5. counts too large to do ---------------------------------------------------------------------

def test_huge_panel_counts_are_refused_with_the_largest_accepted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "ok")
    for count in ("99999999999999999999", "10000000000", str(MAX_PANELS + 1)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no numpy overflow warning either
            code, out, err = run(["lottery", str(directory), "--out", str(tmp_path / "h.csv"),
                                  "--panels", count, "--panels-out", str(tmp_path / "p.csv")],
                                 capsys)
        assert code == 2 and out == ""
        assert f"value {count}: must be at most 1000000 [CM-E535]" in err
        assert "RuntimeWarning" not in err
        assert not (tmp_path / "p.csv").exists()
    assert MAX_PANELS == 1_000_000
    # The largest is accepted (here only another problem stops the command).
    code, _, err = run(["lottery", str(directory), "--out", str(tmp_path / "h.csv"),
                        "--panels", str(MAX_PANELS)], capsys)
    assert code == 2 and codes(err) == ["CM-E503"]


def test_huge_reserve_counts_are_refused_with_the_number_of_citizens(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "ok")
    code, out, err = run(["solve", str(directory), "--out", str(tmp_path / "p.csv"),
                          "--reserves", "99999999999999999999"], capsys)
    assert code == 2 and out == ""
    assert ("value 99999999999999999999: must be at most 5, the number of citizens in the "
            "scenario [CM-E536]") in err
    code, out, err = run(["solve", str(directory), "--out", str(tmp_path / "p.csv"),
                          "--reserves", "5"], capsys)
    assert code == 0, err
    assert "Reserves:" in out


def test_the_limits_are_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lottery", "--help"]) == 0
    assert "at most 1000000" in " ".join(capsys.readouterr().out.split())
    assert main(["solve", "--help"]) == 0
    assert "at most the number of citizens" in " ".join(capsys.readouterr().out.split())


# -- 6. -q with --json: nothing on stderr but errors -----------------------------------------------

def test_quiet_json_says_nothing_on_stderr(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "ok")
    code, out, err = run(["solve", str(directory), "--json", "-q"], capsys)
    assert code == 0
    assert err == ""
    assert json.loads(out)["status"] == "optimal"
    # Without -q the summary is on stderr, as before.
    code, out, err = run(["solve", str(directory), "--json"], capsys)
    assert code == 0 and "== a [a] ==" in err and json.loads(out)["plan"] is not None


def test_quiet_json_still_reports_no_plan(clash: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["solve", str(clash), "--json", "-q"], capsys)
    assert code == 3
    assert json.loads(out)["status"] == "infeasible"
    assert err.startswith("infeasible: ") and "[CM-R001]" in err


# -- 7. the lot of a relaxed plan ------------------------------------------------------------------

def test_a_relaxed_plan_without_a_time_limit_is_not_said_to_be_late(
        clash: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["solve", str(clash), "--out", str(tmp_path / "p.csv"), "--relax"],
                       capsys)
    assert code == 6
    assert "not settled in time" not in out
    assert ("groups of citizens alike to every rule; the lot among equally good plans is not "
            "drawn for a plan that breaks rules") in out
    for lang in ("da", "nb"):
        code, out, _ = run(["solve", str(clash), "--out", str(tmp_path / "p.csv"), "--relax",
                            "--lang", lang], capsys)
        assert code == 6
        assert text("CM-C083", lang, groups=5) in out


# -- 8. problem and explanation lines -------------------------------------------------------------

@pytest.mark.parametrize("key", ["x\\n  - fake: all good [CM-E000]",
                                 "x\\r  - fake: all good [CM-E000]"])
def test_a_line_break_in_a_problem_stays_on_its_line(
        key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "nl", mandates=f'"{key}" = 1\n' + MANDATES)
    code, _, err = run(["solve", str(directory), "--out", str(tmp_path / "p.csv")], capsys)
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith("cocreate-match: invalid input (1 problem)")
    assert len(lines) == 2, err
    assert lines[1].startswith("  - ") and lines[1].endswith(" [CM-E154]")
    assert key in lines[1]  # the break shown as \n or \r
    assert "\r" not in err


def test_explanation_and_finding_lines_end_with_their_codes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = scenario_dir(tmp_path / "pol", mandates=MANDATES.replace("min_parties = 2",
                                                                         "min_parties = 4"))
    code, _, err = run(["solve", str(directory), "--out", str(tmp_path / "p.csv")], capsys)
    assert code == 3
    lines = err.splitlines()
    assert len(lines) >= 5
    assert all(CODE_AT_END.search(line) for line in lines), err
    found = codes(err)
    assert found[0] == "CM-R002" and found[1].startswith("CM-X")
    assert "CM-X004" in found and "CM-F010" in found
    from cocreate_match import solve
    from cocreate_match.scenario_files import load_scenario

    explanation = solve(load_scenario(directory)).explanation
    assert explanation is not None
    assert "[CM-" not in str(explanation)  # the library's text is unchanged
    assert f"  - {explanation.rules[0].rule}: {explanation.rules[0].message} " \
           f"[{explanation.rules[0].code}]" in lines
    finding = explanation.findings[0]
    assert f"  - {finding.rule}: {finding.message} (suggestion: {finding.suggestion}) " \
           f"[{finding.code}]" in lines


# -- 9. plurals -----------------------------------------------------------------------------------

def test_counts_of_one_take_the_singular() -> None:
    assert text("CM-C042", "en", method="leximin", citizens=1, panels=1,
                seconds=0.5) == "leximin: 1 citizen, 1 panel, 0.50 s"
    assert text("CM-C042", "en", method="leximin", citizens=2, panels=3,
                seconds=0.5) == "leximin: 2 citizens, 3 panels, 0.50 s"
    assert text("CM-C042", "da", method="leximin", citizens=1, panels=1,
                seconds=0.5) == "leximin: 1 borger, 1 plan, 0.50 s"
    assert text("CM-C042", "nb", method="leximin", citizens=2, panels=1,
                seconds=0.5) == "leximin: 2 innbyggere, 1 plan, 0.50 s"
    assert text("CM-C043", "en", method="leximin", citizens=1, panels=1, seconds=0.5,
                status="time_limit").startswith("leximin: 1 citizen, 1 panel, ")
    assert text("CM-C036", "en", committees=1, citizens=1, politicians=1, path="d") == (
        "Scenario with 1 committee, 1 citizen and 1 politician written to d.")
    assert text("CM-C036", "en", committees=2, citizens=3, politicians=4, path="d") == (
        "Scenario with 2 committees, 3 citizens and 4 politicians written to d.")
    assert text("CM-C036", "da", committees=1, citizens=1, politicians=1, path="d") == (
        "Scenarie med 1 udvalg, 1 borger og 1 politiker er skrevet til d.")
    assert text("CM-C036", "nb", committees=2, citizens=1, politicians=2, path="d") == (
        "Scenario med 2 utvalg, 1 innbygger og 2 politikere er skrevet til d.")
    assert text("CM-C045", "en", zero=1, never=0, certain=0).startswith("chance 0: 1 citizen ")
    assert "(1 plan)" in text("CM-C049", "en", samples=1, chance=0.5)
    assert text("CM-C051", "en", panels=1, path="p", deviation=0.0).startswith(
        "1 equally likely plan written")
    assert text("CM-C081", "en", groups=1).startswith("1 group of citizens")


def test_generate_and_lottery_say_one_in_the_singular(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["generate", str(tmp_path / "g"), "--committees", "1", "--citizens",
                          "10", "--politicians", "5", "--seed", "1"], capsys)
    assert code == 0, err
    assert "with 1 committee, 10 citizens and 5 politicians" in out
    directory = scenario_dir(tmp_path / "ok")
    code, out, err = run(["lottery", str(directory), "--out", str(tmp_path / "h.csv"),
                          "--panels", "1", "--panels-out", str(tmp_path / "p.csv"),
                          "--baseline-samples", "1"], capsys)
    assert code == 0, err
    assert "(1 plan)" in out and "1 equally likely plan written" in out


def test_a_capped_lottery_with_no_citizen_seats_exits_0(tmp_path: Path) -> None:
    from cocreate_match import Mandate, Politician, Scenario, save_scenario
    from cocreate_match.cli import main

    scenario = Scenario(mandates=[Mandate(id="a", citizen_seats=0, politician_seats=1)],
                        politicians=[Politician(id="p", party="A")])
    save_scenario(scenario, tmp_path / "empty")
    assert main(["lottery", str(tmp_path / "empty"), "--out", str(tmp_path / "probs.csv"),
                 "--max-probability", "0.5"]) == 0


def test_replace_places_a_plan_problem_at_the_line_of_the_plan_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cocreate_match.cli import main

    demo = tmp_path / "demo"
    assert main(["demo", "--export", str(demo)]) == 0
    plan = tmp_path / "plan.csv"
    assert main(["solve", str(demo), "--out", str(plan), "-q"]) == 0
    lines = plan.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    gone = first[1]
    lines[1] = ",".join([first[0], "ghost", *first[2:]])
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dropouts = tmp_path / "drop.txt"
    dropouts.write_text("c001\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["replace", str(demo), "--plan", str(plan), "--dropouts", str(dropouts),
                 "--out", str(tmp_path / "new.csv")]) == 2
    err = capsys.readouterr().err
    assert f"{plan}, row 2, column plan, value 'ghost': " in err
    # The person no line names has no row.
    assert f"{plan}, column plan, value '{gone}': " in err


def test_counts_that_would_run_for_days_are_refused_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cocreate_match.cli import main

    assert main(["generate", str(tmp_path / "g"), "--committees", "20000", "--citizens",
                 "99999999999", "--politicians", "5", "--seed", "0"]) == 2
    err = capsys.readouterr().err
    assert "option --committees, value 20000: must be at most 10000 [CM-E535]" in err
    assert "option --citizens, value 99999999999: must be at most 1000000 [CM-E535]" in err
    assert not (tmp_path / "g").exists()
    demo = tmp_path / "demo"
    assert main(["demo", "--export", str(demo)]) == 0
    capsys.readouterr()
    assert main(["lottery", str(demo), "--out", str(tmp_path / "p.csv"), "--method", "legacy",
                 "--samples", "10000000000", "--baseline-samples", "200000"]) == 2
    err = capsys.readouterr().err
    assert "option --samples, value 10000000000: must be at most 100000" in err
    assert "option --baseline-samples, value 200000: must be at most 100000" in err
