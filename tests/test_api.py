"""The public surface: every exported name resolves, and the README's example runs."""

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


def test_readme_python_example_type_checks(tmp_path: Path) -> None:
    # The constructors take lists and dicts; the README's example says so to mypy --strict.
    from mypy import api

    blocks = _python_blocks(README.read_text(encoding="utf-8"), "Python API")
    snippet = tmp_path / "readme_api.py"
    snippet.write_text("\n".join(blocks), encoding="utf-8")
    out, err, status = api.run(["--strict", "--no-incremental", "--cache-dir", os.devnull,
                                str(snippet)])
    assert status == 0, out + err
