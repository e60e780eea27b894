"""The benchmark sweep harness: grids checked with every problem at once, a tiny grid run in
fresh processes (rows, columns, files), resuming after a deleted row and after a killed
sweep, the same rows on a second run and on a Dask cluster, the plain MIP baseline against
``solve``, the sidecar and the plots."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cocreate_match import (
    InputError,
    Status,
    check_plan,
    generate_scenario,
    load_sortition,
    plan_score,
    solve,
)
from cocreate_match.bench import (
    COLUMNS,
    MEASURED_COLUMNS,
    bench,
    load_grid,
    run_point,
)
from cocreate_match.solver.baseline import solve_baseline

GRID = """\
name = "tiny"
method = ["solve", "mip", "leximin", "legacy"]
samples = 5

[generated]
size = ["2x30"]

[[pool]]
path = "pool"
seats = 4
"""


def write_pool(folder: Path) -> None:
    """Twelve people, two categories, four seats: small enough to solve at once."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "categories.csv").write_text(
        "category,feature,min,max\ngender,f,1,3\ngender,m,1,3\nage,young,1,2\nage,old,2,3\n",
        encoding="utf-8")
    people = ["f,young", "f,old", "m,young", "m,old", "f,old", "m,old", "f,young", "m,old",
              "f,old", "m,young", "f,old", "m,old"]
    (folder / "respondents.csv").write_text("gender,age\n" + "\n".join(people) + "\n",
                                            encoding="utf-8")


def write_grid(folder: Path, text: str = GRID) -> Path:
    write_pool(folder / "pool")
    path = folder / "grid.toml"
    path.write_text(text, encoding="utf-8")
    return path


def unmeasured(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=list(MEASURED_COLUMNS))


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, list[str]]:
    """The tiny grid, run once in local processes: its folder, table and progress lines."""
    folder = tmp_path_factory.mktemp("local")
    lines: list[str] = []
    frame = bench(write_grid(folder), folder / "out", workers=2, progress=lines.append)
    return folder, frame, lines


# -- the grid ---------------------------------------------------------------------------------
def test_a_bad_grid_names_every_problem_at_once() -> None:
    with pytest.raises(InputError) as caught:
        load_grid({"method": ["solve", "slove", "solve"], "seed": -1, "repeat": 0,
                   "time_limit": 0, "quality_floor": [2], "samples": 3, "colour": "red",
                   "generated": {"size": ["10x50", "3", [2, 40, 3]], "choices": [],
                                 "any_share": 1.5, "tightness": "tight"},
                   "pool": [{"path": "no/such/folder", "seats": 3}, {"seats": 0}]})
    found = {(p.section, p.column, p.code) for p in caught.value.problems}
    assert found == {
        ("top level", "method", "CM-E606"),      # unknown method
        ("top level", "method", "CM-E612"),      # named twice
        ("top level", "seed", "CM-E603"),
        ("top level", "repeat", "CM-E603"),
        ("top level", "time_limit", "CM-E605"),
        ("top level", "quality_floor", "CM-E609"),
        ("top level", "quality_floor", "CM-E619"),  # no lottery among the methods
        ("top level", "samples", "CM-E619"),        # no legacy baseline
        ("top level", "colour", "CM-E602"),
        ("[generated]", "size", "CM-E607"),      # "3"
        ("[generated]", "size", "CM-E608"),      # 10 committees of 10 need 100 citizens
        ("[generated]", "size", "CM-E620"),      # 3 politicians for 5 seats
        ("[generated]", "choices", "CM-E611"),
        ("[generated]", "any_share", "CM-E604"),
        ("[generated]", "tightness", "CM-E604"),
        ("[[pool]] #1", "path", "CM-E617"),
        ("[[pool]] #2", "path", "CM-E616"),
        ("[[pool]] #2", "seats", "CM-E603"),
    }
    assert str(caught.value).startswith("18 problems in the input:")


def test_a_grid_file_is_read_with_pools_relative_to_it(tmp_path: Path) -> None:
    floors = GRID.replace("samples = 5", 'quality_floor = ["none", 0.9]\nsamples = 5')
    grid = load_grid(write_grid(tmp_path, floors))
    assert grid.name == "tiny" and grid.file == str(tmp_path / "grid.toml")
    shown = [(p["source"], p["method"], p["quality_floor"], p["samples"]) for p in grid.points]
    # Quality floors only multiply the lotteries; samples belong to the legacy baseline.
    assert shown[:6] == [("generated", "solve", None, None), ("generated", "mip", None, None),
                         ("generated", "leximin", None, None),
                         ("generated", "leximin", 0.9, None),
                         ("generated", "legacy", None, 5), ("generated", "legacy", 0.9, 5)]
    assert [p["source"] for p in grid.points[6:]] == ["pool"] * 6
    pool = grid.points[6]
    assert (pool["pool"], pool["citizens"], pool["citizen_seats"], pool["pool_path"]) == (
        "pool", 12, 4, str(tmp_path / "pool"))
    # Ids are hashes of the parameters: the same on every reading, different per point.
    assert [p["point"] for p in load_grid(tmp_path / "grid.toml").points] == [
        p["point"] for p in grid.points]
    assert len({p["point"] for p in grid.points}) == len(grid.points)


def test_a_grid_that_is_not_toml_or_names_explain_with_pools_is_refused(
        tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("method = [solve\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_grid(bad)
    assert [(p.code, p.file) for p in caught.value.problems] == [("CM-E600", "bad.toml")]
    with pytest.raises(InputError) as caught:
        load_grid(write_grid(tmp_path, GRID.replace('"mip"', '"explain"')))
    assert {p.code for p in caught.value.problems} == {"CM-E618"}
    with pytest.raises(InputError) as caught:
        load_grid({"method": "solve"})
    assert [p.code for p in caught.value.problems] == ["CM-E613"]


def test_sizes_take_politicians_and_repeats_and_seeds_multiply_points() -> None:
    grid = load_grid({"seed": [3, 4], "repeat": 2, "time_limit": 5,
                      "generated": {"size": [[2, 30, 7], "100x1000"]}})
    assert [(p["committees"], p["politicians"], p["seed"], p["run"]) for p in grid.points] == [
        (2, 7, 3, 0), (2, 7, 3, 1), (2, 7, 4, 0), (2, 7, 4, 1),
        (100, 217, 3, 0), (100, 217, 3, 1), (100, 217, 4, 0), (100, 217, 4, 1)]
    assert {p["time_limit"] for p in grid.points} == {5.0}


def test_bad_arguments_are_named_with_the_grid_s_problems(tmp_path: Path) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        bench({"method": "mip"}, afile, executor="pool", workers=0)  # type: ignore[arg-type]
    assert [p.code for p in caught.value.problems] == ["CM-E613", "CM-E622", "CM-E603",
                                                       "CM-E626"]
    with ThreadPoolExecutor(1) as executor, pytest.raises(InputError) as caught:
        bench({"generated": {"size": "2x30"}}, executor=executor, workers=2)
    assert [p.code for p in caught.value.problems] == ["CM-E623"]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "results.csv").write_text("point,colour\nx,red\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        bench({"generated": {"size": "2x30"}}, foreign)
    [problem] = caught.value.problems
    assert problem.code == "CM-E624" and "colour" in problem.message


# -- a run ------------------------------------------------------------------------------------
def test_the_table_has_a_row_per_point_in_grid_order_with_every_column(
        local: tuple[Path, pd.DataFrame, list[str]]) -> None:
    folder, frame, lines = local
    grid = load_grid(folder / "grid.toml")
    assert list(frame.columns) == list(COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items() if COLUMNS[c] != "str"} == {
        c: t for c, t in COLUMNS.items() if t != "str"}
    assert frame["point"].tolist() == [p["point"] for p in grid.points]
    assert len(lines) == len(grid.points)
    assert set(frame["status"]) == {"optimal"}
    solved = frame[frame["method"].isin(["solve", "mip"])]
    # The baseline and solve agree, and every plan meets every rule and scores its objective.
    assert solved.groupby("source")["objective"].nunique().tolist() == [1, 1]
    assert (solved["plan_score"] == solved["objective"]).all()
    assert (solved["violations"] == 0).all()
    lotteries = frame[frame["method"].isin(["leximin", "legacy"])]
    assert lotteries["min_probability"].between(0, 1).all() and lotteries["panels"].gt(0).all()
    leximin = frame[frame["method"] == "leximin"]
    assert leximin["levels"].gt(0).all()
    # LEXIMIN's smallest chance is at least the baseline's, floor by floor.
    for source, part in lotteries.groupby("source"):
        chances = part.set_index("method")["min_probability"]
        assert chances["leximin"] >= chances["legacy"] - 1e-9, source
    assert frame["total_s"].gt(0).all() and frame["peak_mb"].gt(0).all()
    assert set(frame["memory_method"]) == {"VmHWM over the call"}
    assert frame["library_version"].ne("").all() and frame["highspy_version"].ne("").all()


def test_the_files_beside_the_table(local: tuple[Path, pd.DataFrame, list[str]]) -> None:
    folder, frame, _ = local
    out = folder / "out"
    if importlib.util.find_spec("pyarrow") is not None:  # the bench extra
        pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), frame)
    record = json.loads((out / "machine.json").read_text(encoding="utf-8"))
    assert record["grid"] == "tiny" and record["points"] == record["points_run"] == 8
    assert record["started"] <= record["finished"]
    assert record["executor"] == "local processes (2 at once)"
    assert record["machine"]["cores"] == os.cpu_count() and record["machine"]["memory_mb"] > 0
    assert set(record["versions"]) == {"cocreate_match", "numpy", "pandas", "scipy",
                                       "highspy", "ortools"}
    assert [w["host"] for w in record["workers"]] == [record["machine"]["host"]]
    pytest.importorskip("matplotlib")
    for name in ("time.svg", "memory.svg"):
        text = (out / name).read_text(encoding="utf-8")
        assert text.startswith("<svg") and text.count("<path") > 10


def test_without_the_extras_the_sweep_says_what_it_left_out(
        local: tuple[Path, pd.DataFrame, list[str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cocreate_match.bench import _write_parquet, _write_plots

    _, frame, _ = local
    for name in ("pyarrow", "matplotlib"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
    lines: list[str] = []
    _write_parquet(tmp_path, frame, lines.append)
    _write_plots(tmp_path, frame, lines.append)
    assert lines == ["no results.parquet: Parquet needs pyarrow (the bench extra)",
                     "no plots: they need matplotlib (the plot extra)"]
    assert list(tmp_path.iterdir()) == []


def test_a_rerun_runs_only_the_point_whose_row_was_deleted(
        local: tuple[Path, pd.DataFrame, list[str]], tmp_path: Path) -> None:
    folder, frame, _ = local
    out = tmp_path / "out"
    out.mkdir()
    table = (folder / "out" / "results.csv").read_text(encoding="utf-8").splitlines()
    gone = frame["point"][2]
    (out / "results.csv").write_text("\n".join(line for line in table
                                               if not line.startswith(gone)) + "\n",
                                     encoding="utf-8")
    lines: list[str] = []
    again = bench(folder / "grid.toml", out, progress=lines.append)
    assert lines[0] == "7 of 8 points are in results.csv already; running the other 1"
    assert len(lines) == 2 and lines[1].startswith("1/1 2x30 seed 0 leximin: ")
    # Only that row's measurements are new; the rest came back from the file exactly.
    kept = frame["point"] != gone
    pd.testing.assert_frame_equal(again[kept], frame[kept])
    pd.testing.assert_frame_equal(unmeasured(again), unmeasured(frame))


def _rows(path: Path) -> int:
    try:
        return len(pd.read_csv(path))
    except (OSError, pd.errors.EmptyDataError):
        return 0


def test_a_killed_sweep_goes_on_where_it_stopped_and_gives_the_same_rows(
        local: tuple[Path, pd.DataFrame, list[str]], tmp_path: Path) -> None:
    folder, frame, _ = local
    out = tmp_path / "out"
    script = ("import sys\nfrom cocreate_match.bench import bench\n"
              "if __name__ == '__main__':\n    bench(sys.argv[1], sys.argv[2], workers=1)\n")
    (tmp_path / "run.py").write_text(script, encoding="utf-8")
    # Its own session, so that the sweep and the processes it started are killed together.
    child = subprocess.Popen([sys.executable, str(tmp_path / "run.py"),
                              str(folder / "grid.toml"), str(out)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _rows(out / "results.csv") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    done = _rows(out / "results.csv")
    assert 1 <= done < len(frame)
    killed = json.loads((out / "machine.json").read_text(encoding="utf-8"))
    assert killed["started"] and killed["finished"] is None
    lines: list[str] = []
    again = bench(folder / "grid.toml", out, workers=2, progress=lines.append)
    assert lines[0].startswith(f"{done} of 8 points are in results.csv already")
    assert len(lines) == 1 + 8 - done
    record = json.loads((out / "machine.json").read_text(encoding="utf-8"))
    assert record["points_run"] == 8 - done and record["finished"] is not None
    assert record["earlier"] == [{k: v for k, v in killed.items() if k != "earlier"}]
    # Fresh processes again, on another run: the same rows apart from the measurements.
    pd.testing.assert_frame_equal(unmeasured(again), unmeasured(frame))


def test_a_dask_cluster_gives_the_same_rows(local: tuple[Path, pd.DataFrame, list[str]],
                                            tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    folder, frame, _ = local
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = bench(folder / "grid.toml", tmp_path / "out",
                        executor=client.get_executor(pure=False))
    pd.testing.assert_frame_equal(unmeasured(on_dask), unmeasured(frame))
    record = json.loads((tmp_path / "out" / "machine.json").read_text(encoding="utf-8"))
    assert record["executor"] == "distributed.cfexecutor.ClientExecutor"


def test_without_dask_its_executor_is_an_input_problem(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cocreate_match.bench import dask_executor

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(InputError) as caught, dask_executor("tcp://nowhere:8786"):
        pass
    [problem] = caught.value.problems
    assert problem.code == "CM-E627" and "cocreate-match[dask]" in problem.message


# -- methods ----------------------------------------------------------------------------------
def _one(grid: dict[str, Any]) -> dict[str, Any]:
    [point] = load_grid(grid).points
    return run_point(point)


def test_explain_plants_a_conflict_and_counts_the_rules_of_its_explanation() -> None:
    row = _one({"method": "explain", "generated": {"size": "2x30"}})
    assert row["status"] == "infeasible" and row["objective"] is None
    # The seats and the two quotas on the first committee.
    assert row["explained_rules"] == 3 and row["message"]


def test_tightness_one_pins_every_limit_to_the_planted_plan_and_stays_feasible() -> None:
    from cocreate_match.bench import _tightened

    [point] = load_grid({"generated": {"size": "3x60", "tightness": 1}}).points
    tight = _tightened(point)
    loose = generate_scenario(committees=3, citizens=60, politicians=19, seed=0)
    assert tight != loose
    limits = [(p.min, p.max) for m in tight.mandates for p in m.profiles]
    limits += [(q.min, q.max) for m in tight.mandates for q in m.quotas]
    limits += [(q.min, q.max) for q in tight.quotas]
    assert all(low == high for low, high in limits)
    assert solve(tight).status is Status.OPTIMAL


def test_a_quality_floor_reaches_the_lottery() -> None:
    grid = {"method": ["leximin", "legacy"], "quality_floor": [0.0, 1.0], "samples": 5,
            "generated": {"size": "2x30"}}
    rows = [run_point(p) for p in load_grid(grid).points]
    assert [r["status"] for r in rows] == ["optimal"] * 4
    # Only optimal plans at floor 1: nobody's smallest chance can grow.
    assert rows[1]["min_probability"] <= rows[0]["min_probability"]
    assert rows[3]["min_probability"] <= rows[1]["min_probability"] + 1e-9


def test_a_failing_point_is_a_row_not_a_failed_sweep() -> None:
    [point] = load_grid({"generated": {"size": "2x30"}}).points
    row = run_point({**point, "method": "no-such-method"})
    assert row["status"] == "error" and "KeyError" in row["message"]


@pytest.mark.parametrize("seed", range(4))
def test_the_plain_mip_baseline_agrees_with_solve(seed: int) -> None:
    scenario = generate_scenario(committees=3 + seed, citizens=40 * (3 + seed),
                                 politicians=12, seed=seed, any_share=0.2, households=0.1)
    ours, plain = solve(scenario), solve_baseline(scenario)
    assert plain.status is Status.OPTIMAL and plain.plan is not None
    assert plain.objective == ours.objective
    assert check_plan(scenario, plain.plan) == ()
    assert plan_score(scenario, plain.plan) == plain.objective


def test_the_baseline_solves_a_sortition_pool_and_proves_infeasibility(tmp_path: Path) -> None:
    write_pool(tmp_path)
    pool = load_sortition(tmp_path, 4)
    plain = solve_baseline(pool)
    assert plain.status is Status.OPTIMAL and plain.objective == solve(pool).objective
    assert plain.plan is not None and check_plan(pool, plain.plan) == ()
    assert solve_baseline(load_sortition(tmp_path, 7)).status is Status.INFEASIBLE


def test_bench_without_a_folder_writes_nothing(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines: list[str] = []
    say: Callable[[str], None] = lines.append
    frame = bench({"method": ["solve", "mip"], "generated": {"size": "2x30"}}, progress=say)
    assert frame["objective"].nunique() == 1 and len(lines) == 2
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_runs_a_grid_and_refuses_a_bad_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cocreate_match.cli import main

    grid = tmp_path / "grid.toml"
    grid.write_text('method = ["solve"]\nseed = [0]\n[generated]\nsize = ["2x40"]\n',
                    encoding="utf-8")
    assert main(["bench", str(grid), "--out", str(tmp_path / "out")]) == 0
    table = pd.read_csv(tmp_path / "out" / "results.csv")
    assert table["status"].tolist() == ["optimal"]
    assert "1/1 2x40 seed 0 solve: optimal" in capsys.readouterr().err

    grid.write_text('method = ["nothing"]\n[generated]\nsize = ["2x40"]\n', encoding="utf-8")
    assert main(["bench", str(grid), "--out", str(tmp_path / "out2")]) == 2
    err = capsys.readouterr().err
    assert "nothing" in err and "[CM-E6" in err
    assert main(["bench", str(grid), "--out", str(tmp_path / "out3"), "--workers", "2",
                 "--dask", "tcp://127.0.0.1:1"]) == 2
    assert "[CM-E623]" in capsys.readouterr().err


@pytest.mark.parametrize("tight", [False, True])
def test_a_point_solves_the_scenario_the_generator_makes_for_it(tight: bool) -> None:
    from cocreate_match import generate_scenario, solve

    frame = bench({"method": ["solve", "mip"], "seed": [2],
                   "generated": {"size": "3x90x12", "tight": tight}})
    expected = solve(generate_scenario(committees=3, citizens=90, politicians=12, seed=2,
                                       tight=tight), seed=2).objective
    assert frame["objective"].tolist() == [expected, expected]
    assert frame["tight"].tolist() == [tight, tight]
