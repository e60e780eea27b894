"""Same input and same seed give the same plan.csv, byte for byte, across processes.

Each run is a fresh interpreter with a different hash seed, so an iteration over a set or a
frozenset that leaked into the output would show up here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cocreate_match import generate_scenario, save_scenario


def _solve_in_fresh_process(directory: Path, out: Path, hash_seed: str, seed: int) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    code = "import sys; from cocreate_match.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "solve", str(directory), "--out", str(out), "--quiet",
         "--seed", str(seed)],
        env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_plan_bytes_do_not_depend_on_the_process(tmp_path: Path) -> None:
    scenario = generate_scenario(committees=4, citizens=120, politicians=8, seed=5)
    save_scenario(scenario, tmp_path / "scenario")
    first = _solve_in_fresh_process(tmp_path / "scenario", tmp_path / "a.csv", "1", seed=7)
    second = _solve_in_fresh_process(tmp_path / "scenario", tmp_path / "b.csv", "2", seed=7)
    assert first == second
    citizen_rows = [line for line in first.splitlines() if b",citizen," in line]
    assert len(citizen_rows) == 120  # every citizen once, seated or not


def test_another_seed_draws_other_equally_good_applicants(tmp_path: Path) -> None:
    # Many '*' applicants with identical data: the seed decides who among them is drawn.
    scenario = generate_scenario(committees=2, citizens=60, politicians=6, seed=1,
                                 any_share=1.0)
    save_scenario(scenario, tmp_path / "scenario")
    plans = {_solve_in_fresh_process(tmp_path / "scenario", tmp_path / f"{s}.csv", "0", seed=s)
             for s in range(3)}
    assert len(plans) > 1
