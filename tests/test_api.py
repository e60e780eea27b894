"""The public surface: every exported name resolves, the README's examples run, and they and
the tests type-check."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import cocreate_match

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_exported_name_resolves() -> None:
    missing = [name for name in cocreate_match.__all__ if not hasattr(cocreate_match, name)]
    assert missing == []
    assert len(set(cocreate_match.__all__)) == len(cocreate_match.__all__)


def test_the_core_names_are_exported() -> None:
    required = {"Mandate", "CompetenceProfile", "Quota", "Citizen", "Politician", "CouncilRules",
                "Scenario", "load_scenario", "solve", "Plan", "Status", "check_plan",
                "InputError", "CocreateMatchError"}
    assert required <= set(cocreate_match.__all__)


def test_input_error_is_a_value_error() -> None:
    assert issubclass(cocreate_match.InputError, ValueError)
    assert issubclass(cocreate_match.InputError, cocreate_match.CocreateMatchError)
    assert issubclass(cocreate_match.SolverError, RuntimeError)


def _python_blocks(text: str, heading: str) -> list[str]:
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_lottery_example_runs() -> None:
    blocks = _python_blocks(README.read_text(encoding="utf-8"), "Fair lotteries")
    assert blocks, "the README has no python example under 'Fair lotteries'"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    fair = namespace["fair"]
    assert isinstance(fair, cocreate_match.Lottery)
    assert fair.certificates and max(c.gap for c in fair.certificates) < 1e-6


def test_readme_report_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks(README.read_text(encoding="utf-8"), "Reports, sweeps and audits")
    assert blocks, "the README has no python example under 'Reports, sweeps and audits'"
    monkeypatch.chdir(tmp_path)  # the example writes report.html
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    capped = namespace["capped"]
    assert isinstance(capped, cocreate_match.Lottery)
    assert max(capped.probabilities().values()) <= 0.5 + 1e-9
    assert list(namespace["quotas"]["status"]) == ["optimal"] * 3  # type: ignore[index]


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks(README.read_text(encoding="utf-8"), "Python API")
    assert blocks, "the README has no python example under 'Python API'"
    monkeypatch.chdir(tmp_path)  # the example writes plan.csv into the working directory
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "plan.csv").read_text(encoding="utf-8").startswith(
        "committee_id,person_id,role")


def test_readme_rules_example_runs_and_prints_what_the_readme_shows(
        capsys: pytest.CaptureFixture[str]) -> None:
    heading = "When the rules cannot be met; reserves and drop-outs"
    text = README.read_text(encoding="utf-8")
    blocks = _python_blocks(text, heading)
    assert blocks, f"the README has no python example under {heading!r}"
    exec(compile(blocks[0], str(README), "exec"), {})
    section = text.split(f"## {heading}", 1)[1]
    shown = section.split("```python\n", 1)[1].split("```\n\n```\n", 1)[1].split("```", 1)[0]
    assert capsys.readouterr().out == shown


# -- mypy ------------------------------------------------------------------------------------

# Every python block of the README, by the heading it is under and its place there (from 1). A
# "program" is type-checked with mypy --strict; so is a "continuation", appended to the program
# before it; a "fragment" (a piece of a program, a >>> session) is not. A block not listed here
# fails test_every_readme_python_block_is_listed.
README_PYTHON_BLOCKS = {
    ("Python API", 1): "program",
    ("JSON", 1): "program",
    ("When the rules cannot be met; reserves and drop-outs", 1): "program",
    ("Fair lotteries", 1): "program",
    ("Reports, sweeps and audits", 1): "program",
}
KINDS = {"program", "continuation", "fragment"}
PYPROJECT = README.parent / "pyproject.toml"
# tests/ is checked without --strict, but with the bodies of unannotated functions; imported
# modules (the package, checked strictly with pyproject.toml) report no errors here. The same
# check from the shell: mypy --config-file= --python-version 3.11 --check-untyped-defs
# --ignore-missing-imports --follow-imports silent tests
MYPY_TESTS = ["--config-file", "", "--python-version", "3.11", "--check-untyped-defs",
              "--ignore-missing-imports", "--follow-imports", "silent"]
# Both report errors only in the files given, not in the package they import. No cache: the
# two runs differ in options, so neither could reuse the other's.
NO_CACHE = ["--no-incremental", "--cache-dir", os.devnull]


def _readme_python_blocks(text: str) -> list[tuple[tuple[str, int], int, str]]:
    """Each fenced python block: (heading, place under it), its first line (from 1), its code."""
    found: list[tuple[tuple[str, int], int, str]] = []
    heading, place, fence, indent, start = "", 0, "", 0, 0
    code: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if not fence and stripped.startswith("```"):
            fence = stripped[3:].strip() or "text"
            indent, start, code = len(line) - len(stripped), number + 1, []
        elif not fence and line.startswith("#"):
            heading, place = line.lstrip("#").strip(), 0
        elif fence and stripped.startswith("```"):
            if fence.startswith("py"):
                place += 1
                found.append(((heading, place), start, "".join(code)))
            fence = ""
        elif fence:
            code.append(line[indent:] + "\n")
    return found


def _readme_programs(text: str) -> list[str]:
    """The README's programs, each on the lines it has in the README (mypy's line numbers are
    the README's)."""
    programs: list[str] = []
    lines = 0
    for key, start, code in _readme_python_blocks(text):
        kind = README_PYTHON_BLOCKS[key]
        if kind == "fragment":
            continue
        if kind == "program":
            programs.append("")
            lines = 1
        assert programs, f"the README's block {key} continues no program"
        programs[-1] += "\n" * (start - lines) + code
        lines = start + code.count("\n")
    return programs


def test_every_readme_python_block_is_listed() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = [key for key, _, _ in _readme_python_blocks(text)]
    assert len(blocks) == len(re.findall(r"^[ \t]*```[ \t]*py", text, flags=re.M))
    assert set(README_PYTHON_BLOCKS.values()) <= KINDS
    unlisted = [key for key in blocks if key not in README_PYTHON_BLOCKS]
    assert unlisted == [], "list each python block of the README in README_PYTHON_BLOCKS"
    assert sorted(README_PYTHON_BLOCKS) == sorted(blocks), "README_PYTHON_BLOCKS names a block " \
        "the README does not have"
    for key, _, code in _readme_python_blocks(text):
        if code.lstrip().startswith(">>>"):
            assert README_PYTHON_BLOCKS[key] == "fragment", f"{key} is a >>> session"


def test_readme_python_examples_type_check(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The constructors take lists and dicts; the README's examples say so to mypy --strict.
    from mypy import api

    # mypy sets this while it reads pyproject.toml; it is undone after the test.
    monkeypatch.setenv("MYPY_CONFIG_FILE_DIR", str(README.parent))
    programs = _readme_programs(README.read_text(encoding="utf-8"))
    files = [tmp_path / f"readme_{number}.py" for number in range(1, len(programs) + 1)]
    for path, program in zip(files, programs, strict=True):
        path.write_text(program, encoding="utf-8")
    out, err, status = api.run(["--config-file", str(PYPROJECT), "--strict",
                                "--follow-imports", "silent", *NO_CACHE, *map(str, files)])
    for path in files:
        out = out.replace(str(path), "README.md")
    assert status == 0, out + err
    assert f"no issues found in {len(files)} source file" in out


def test_tests_type_check() -> None:
    from mypy import api

    tests = Path(__file__).resolve().parent
    out, err, status = api.run([*MYPY_TESTS, *NO_CACHE, str(tests)])
    assert status == 0, out + err
