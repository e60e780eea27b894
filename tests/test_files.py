"""Files as Danish and Norwegian offices have them, and files that are not files: ';' and
Windows-1252 from Excel, --excel output, FIFOs and devices, atomic writes, exit codes, the
log and Ctrl-C."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cocreate_match import InputError, load_scenario, read_plan, save_scenario, solve
from cocreate_match.cli import main
from cocreate_match.demo import demo_scenario
from cocreate_match.files import write_atomic


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    save_scenario(demo_scenario(), tmp_path / "demo")
    return tmp_path / "demo"


def test_windows_1252_gets_a_hint_and_reads_with_encoding(demo_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    text = (demo_dir / "citizens.csv").read_text(encoding="utf-8")
    (demo_dir / "citizens.csv").write_bytes(text.encode("cp1252"))  # 'Jægersborg' etc.
    with pytest.raises(InputError) as err:
        load_scenario(demo_dir)
    (problem,) = err.value.problems
    assert problem.file is not None and problem.file.endswith("citizens.csv")
    assert "--encoding cp1252" in problem.message
    assert main(["solve", str(demo_dir), "--out", str(demo_dir / "p.csv"), "--quiet",
                 "--encoding", "cp1252"]) == 0
    assert "Jægersborg" in text


def test_utf16_gets_a_hint(demo_dir: Path) -> None:
    text = (demo_dir / "politicians.csv").read_text(encoding="utf-8")
    (demo_dir / "politicians.csv").write_bytes(text.encode("utf-16"))
    with pytest.raises(InputError) as err:
        load_scenario(demo_dir)
    assert "UTF-16" in err.value.problems[0].message


def test_excel_output_has_a_bom_semicolons_and_reads_back(demo_dir: Path, tmp_path: Path
                                                         ) -> None:
    out = tmp_path / "plan.csv"
    assert main(["solve", str(demo_dir), "--out", str(out), "--quiet", "--excel"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.splitlines()[0].count(b";") >= 2
    assert read_plan(out) == solve(demo_scenario()).plan


def test_formulas_are_neutralised_for_excel_and_warned_about_otherwise(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from cocreate_match import Citizen, Mandate, Scenario

    ids = ["=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1", "plain"]
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=5, politician_seats=0)],
                 citizens=[Citizen(id=i, applied_to=["a"]) for i in ids])
    plan = solve(s).plan
    assert plan is not None
    with caplog.at_level(logging.WARNING, logger="cocreate_match"):
        plan.to_csv(tmp_path / "plain.csv")
    assert "3 cells start with =, +, - or @" in caplog.text
    from cocreate_match.files import spreadsheet

    with spreadsheet():
        plan.to_csv(tmp_path / "excel.csv")
    text = (tmp_path / "excel.csv").read_text(encoding="utf-8-sig")
    for cell in ids[:3]:
        assert f"'{cell}" in text.replace('""', '"')
    assert ";-1;" in text or "\n;-1;" in text or "-1;" in text  # a number is left alone
    assert read_plan(tmp_path / "excel.csv") == plan  # the apostrophes are Excel's, not data


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_or_a_device_is_refused_not_read(demo_dir: Path) -> None:
    (demo_dir / "citizens.csv").unlink()
    os.mkfifo(demo_dir / "citizens.csv")  # reading it would block for ever
    (demo_dir / "politicians.csv").unlink()
    (demo_dir / "politicians.csv").symlink_to("/dev/zero")  # reading it would never end
    with pytest.raises(InputError) as err:
        load_scenario(demo_dir)
    messages = {Path(p.file or "").name: p.message for p in err.value.problems}
    assert "not a regular file" in messages["citizens.csv"]
    assert "not a regular file" in messages["politicians.csv"]


def test_a_full_disk_names_the_file_and_exits_7(demo_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    assert main(["solve", str(demo_dir), "--out", "/dev/full", "--quiet"]) == 7
    assert "/dev/full" in capsys.readouterr().err


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomic(target, b"new, half written")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]  # no temporary left


def test_module_run_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "cocreate_match", "--version"],
                          capture_output=True, text=True, check=False)
    from cocreate_match import __version__

    assert done.returncode == 0 and done.stdout.strip() == f"cocreate-match {__version__}"


def test_ctrl_c_exits_130_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import cocreate_match.cli as cli

    def interrupted(args: object, out: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_command", interrupted)
    assert main(["demo"]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_log_has_no_handlers_on_import_and_no_personal_data_above_debug(
        demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = subprocess.run([sys.executable, "-c", "import logging, cocreate_match; "
                           "print(logging.getLogger('cocreate_match').handlers)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert main(["lottery", str(demo_dir), "--out", str(demo_dir / "p.csv"), "-v",
                 "--baseline-samples", "0"]) == 0
    err = capsys.readouterr().err
    assert "INFO: level 1" in err
    ids = {c.id for c in demo_scenario().citizens} | {p.id for p in demo_scenario().politicians}
    words = set(err.replace(",", " ").replace(":", " ").split())
    assert not ids & words
    assert main(["lottery", str(demo_dir), "--out", str(demo_dir / "p.csv"), "-q",
                 "--baseline-samples", "0"]) == 0
    assert capsys.readouterr().err == ""


def test_every_option_has_help_text() -> None:
    from cocreate_match.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert isinstance(sub.choices, dict)
    missing = [f"{name} {action.option_strings or action.dest}"
               for name, command in sub.choices.items() for action in command._actions
               if not action.help]
    assert missing == []


def test_export_onto_a_file_says_what_is_wrong(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.write_text("mine\n", encoding="utf-8")
    assert main(["demo", "--export", str(target)]) == 2
    assert "is a file; a scenario is written to a directory" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_a_missing_key_does_not_hide_the_other_problems(demo_dir: Path) -> None:
    text = (demo_dir / "mandates.toml").read_text(encoding="utf-8")
    start = text.index("[[committee.profile]]")
    block = text[start:text.index("\n\n", start)]
    lines = [line for line in block.splitlines() if not line.strip().startswith("name")]
    lines = [("  min = 9" if line.strip().startswith("min") else line) for line in lines]
    broken = "\n".join([*(line for line in lines if not line.strip().startswith("max")),
                        "  max = 1"])
    (demo_dir / "mandates.toml").write_text(text.replace(block, broken), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(demo_dir)
    keys = {p.column for p in err.value.problems}
    assert {"name", "min"} <= keys  # the missing name, and min above max, together


def test_an_output_onto_an_input_is_refused_before_any_work(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    citizens = demo_dir / "citizens.csv"
    before = citizens.read_bytes()
    assert main(["solve", str(demo_dir), "--out", str(citizens), "--quiet"]) == 2
    assert citizens.read_bytes() == before
    assert "is the input citizens.csv" in capsys.readouterr().err
    plan = tmp_path / "plan.csv"
    assert main(["solve", str(demo_dir), "--out", str(plan), "--quiet"]) == 0
    assert main(["report", str(demo_dir), "--plan", str(plan), "--html", str(plan)]) == 2
    # A new plan may replace the plan in force it was made from.
    assert main(["solve", str(demo_dir), "--keep", str(plan), "--out", str(plan),
                 "--quiet"]) == 0


def test_excel_keeps_an_apostrophe_of_the_data(tmp_path: Path) -> None:
    from cocreate_match import Citizen, Mandate, Scenario
    from cocreate_match.files import spreadsheet

    ids = ["'=x", "'+x", "'-x", "=y", "'plain", "''=z"]
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=6, politician_seats=0)],
                 citizens=[Citizen(id=i, applied_to=["a"]) for i in ids])
    plan = solve(s).plan
    assert plan is not None
    with spreadsheet():
        plan.to_csv(tmp_path / "excel.csv")
    assert read_plan(tmp_path / "excel.csv") == plan


def test_a_semicolon_inside_a_column_name_does_not_change_the_separator(demo_dir: Path
                                                                        ) -> None:
    # ',' cuts every line alike, so it stays the separator and the bad name is named once.
    (demo_dir / "citizens.csv").write_text(
        "id,applied_to,heard via web;paper;radio\nc1,climate,web\nc2,youth,paper\n",
        encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(demo_dir)
    about_citizens = [p for p in err.value.problems if str(p.file).endswith("citizens.csv")]
    assert len(about_citizens) == 1 and about_citizens[0].row == 1
    assert about_citizens[0].column == "heard via web;paper;radio"


def test_writing_through_a_symbolic_link_writes_the_file_it_names(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_atomic(link, b"new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


def test_an_error_in_the_progress_callback_reaches_the_caller() -> None:
    from cocreate_match import lottery

    calls = []

    def progress(line: str) -> None:
        calls.append(line)
        if len(calls) == 2:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        lottery(demo_scenario(), progress=progress)


def test_numpy_counts_still_make_json(tmp_path: Path) -> None:
    import json

    import numpy as np

    from cocreate_match import Citizen, Mandate, Scenario

    s = Scenario(mandates=[Mandate(id="a", citizen_seats=np.int64(1), politician_seats=0)],  # type: ignore[arg-type]
                 citizens=[Citizen(id="c", applied_to=["a"])])
    assert json.loads(json.dumps(s.to_dict()))["mandates"][0]["citizen_seats"] == 1
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(s.to_dict()).replace('"citizen_seats": 1',
                                                    '"citizen_seats": ' + "9" * 5000),
                    encoding="utf-8")
    with pytest.raises(InputError):
        load_scenario(huge)


def test_quiet_keeps_notes_off_and_stderr_shows_escapes(demo_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    text = (demo_dir / "mandates.toml").read_text(encoding="utf-8")
    start = text.index("[[committee]]", text.index("[[committee]]") + 1)
    (demo_dir / "mandates.toml").write_text(
        text[:start] + text[start:].replace("\n", "\ncancelled = true\n", 1), encoding="utf-8")
    out = demo_dir / "p.csv"
    main(["solve", str(demo_dir), "--out", str(out), "--quiet"])
    assert "cancelled" in capsys.readouterr().err
    main(["solve", str(demo_dir), "--out", str(out), "--quiet", "-q"])
    assert capsys.readouterr().err == ""
    (demo_dir / "mandates.toml").write_text(text.replace('title = "', 'title = "\\u001b[2J', 1),
                                            encoding="utf-8")
    main(["solve", str(demo_dir), "--out", str(out)])
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\\x1b[2J" in captured.out
