"""The command line in Danish and Norwegian: ``--lang``, or the language of the environment.
Problem lines on stderr end with their code; lines on stdout show none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cocreate_match.cli import main
from cocreate_match.messages import get_language, text

LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

MANDATES = """\
[[committee]]
id = "climate"
title = "Climate adaptation"
citizen_seats = 2
politician_seats = 1
"""
CITIZENS = "id,applied_to\nc1,climate\nc2,climate\nc3,climate\n"
# p2 asks for at least 3 committees and at most 1: a problem in any language.
POLITICIANS = "id,party,min_committees,max_committees\np1,A,0,1\np2,B,3,1\n"


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "mandates.toml").write_text(MANDATES, encoding="utf-8")
    (directory / "citizens.csv").write_text(CITIZENS + "c4,nowhere\n", encoding="utf-8")
    (directory / "politicians.csv").write_text(POLITICIANS, encoding="utf-8")
    return directory


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("  - ")]


def min_over_max(lang: str) -> str:
    return text("CM-E001", lang=lang, low_name="min_committees", low=3,
                high_name="max_committees", high=1)


@pytest.mark.parametrize(("lang", "head"), [("da", "ugyldige inddata (2 problemer):"),
                                            ("nb", "ugyldige inndata (2 problemer):"),
                                            ("en", "invalid input (2 problems):")])
def test_a_broken_scenario_with_lang(lang: str, head: str, broken: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["solve", str(broken), "--out", str(tmp_path / "p.csv"), "--lang",
                          lang], capsys)
    assert code == 2
    assert out == ""
    assert f"cocreate-match: {head}" in err
    lines = problem_lines(err)
    assert len(lines) == 2
    assert all(re.search(r" \[CM-E\d{3}\]$", line) for line in lines), lines
    assert any(line.endswith(f": {min_over_max(lang)} [CM-E001]") for line in lines), lines
    assert get_language() == "en"  # the choice holds while the command runs, not after


def test_a_broken_scenario_in_the_language_of_the_environment(
        broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    code, _, err = run(["solve", str(broken), "--out", str(tmp_path / "p.csv")], capsys)
    assert code == 2
    assert "cocreate-match: ugyldige inndata (2 problemer):" in err
    assert any(line.endswith(f": {min_over_max('nb')} [CM-E001]")
               for line in problem_lines(err))
    # --lang wins over the environment.
    code, _, err = run(["solve", str(broken), "--out", str(tmp_path / "p.csv"), "--lang",
                        "da"], capsys)
    assert "cocreate-match: ugyldige inddata (2 problemer):" in err
    assert get_language() == "en"


def test_bad_arguments_are_said_in_the_language_given(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    code, out, err = run(["solve", "--lang", "da", "--seed", "x", "--bogus"], capsys)
    assert code == 2 and out == ""
    assert "cocreate-match solve: ugyldige inddata (3 problemer):" in err
    said = "\n".join(problem_lines(err))
    assert "argument --seed: skal være et heltal, fik 'x' [CM-E520]" in said
    assert "følgende argumenter er påkrævet: DIR [CM-E528]" in said
    assert "ukendte argumenter: --bogus [CM-E529]" in said


def test_the_demo_in_danish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    code, out, err = run(["demo", "--lang", "da", "--out", str(plan)], capsys)
    assert code == 0, err
    assert "== Climate adaptation and green transition [climate] ==" in out  # data stays
    assert "  borgere (10/10): " in out
    assert re.search(r"^    partier: \d+ \(", out, flags=re.MULTILINE)
    assert "== I alt ==" in out
    assert "  status optimal, målværdi " in out
    lines = out.rstrip().splitlines()
    assert lines[-2].startswith("optimal: ") and "Målværdi" in lines[-2]
    assert lines[-1] == f"Planen er skrevet til {plan}."
    assert "[CM-" not in out  # stdout shows no codes
    assert "citizens (" not in out and "Plan written" not in out


def test_the_demo_in_norwegian_from_the_environment(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    code, out, err = run(["demo"], capsys)
    assert code == 0, err
    assert "  innbyggere (10/10): " in out
    assert "== Totalt ==" in out
    assert "Målverdi" in out.rstrip().splitlines()[-1]
    assert "[CM-" not in out
    assert get_language() == "en"


def test_check_in_danish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    assert run(["demo", "--out", str(plan)], capsys)[0] == 0
    template = tmp_path / "demo"
    assert run(["demo", "--export", str(template)], capsys)[0] == 0
    code, out, _ = run(["check", str(template), str(plan), "--lang", "da"], capsys)
    assert (code, out) == (0, "Planen overholder alle regler.\n")


def test_an_unknown_language_exits_2_with_the_choices(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    code, out, err = run(["demo", "--lang", "sv"], capsys)
    assert code == 2
    assert out == ""
    assert ("argument --lang: invalid choice: 'sv' (choose from 'en', 'da', 'nb') [CM-E527]"
            in err)
    assert get_language() == "en"


@pytest.mark.parametrize("before", [["--lang", "nb"], ["--lang=nb"]])
def test_lang_before_the_command_is_taken_too(before: list[str], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    code, out, err = run([*before, "demo", "--out", str(plan)], capsys)
    assert code == 0, err
    assert "Målverdi" in out.rstrip().splitlines()[-2]
    # The command's own --lang wins over the one before it.
    code, out, err = run([*before, "demo", "--lang", "da", "--out", str(plan)], capsys)
    assert code == 0, err
    assert "Målværdi" in out.rstrip().splitlines()[-2]
    code, out, err = run(["--lang", "sv", "demo"], capsys)
    assert code == 2 and "[CM-E527]" in err and "'nb'" in err
