"""solve(fair=True) and ``solve --fair``: a plan of optimal score drawn from the LEXIMIN
lottery over such plans, with every citizen's chance."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from scipy.stats import binomtest

from cocreate_match import (
    Citizen,
    InputError,
    Mandate,
    Scenario,
    Status,
    check_plan,
    plan_score,
    save_scenario,
    solve,
)
from cocreate_match.cli import main

DRAWS = 300
P_VALUE = 0.001


def _kite() -> Scenario:
    """Two one-seat committees. x may sit only on a; y and w only on b; z anywhere; z and w
    share a household.

    Every plan scores 2 and seats one of {x, y}, {x, z}, {x, w} or {y, z}. LEXIMIN gives each
    of the four 1/2 (half the plans {x, w}, half {y, z}). The ordinary lot seats the pair of
    largest total priority, which favours x (in three of the pairs) and leaves w, in one
    pair only, well below 1/2."""
    return Scenario(
        mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                  Mandate(id="b", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="x", applied_to=["a"]), Citizen(id="y", applied_to=["b"]),
                  Citizen(id="w", applied_to=["b"], household="h"),
                  Citizen(id="z", open_to_any=True, household="h")])


def test_the_fair_draw_gives_everyone_the_leximin_chance() -> None:
    scenario = _kite()
    result = solve(scenario, fair=True, seed=0)
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert result.chances is not None
    assert result.chances == pytest.approx({c: 0.5 for c in "xyzw"}, abs=1e-6)
    seated: Counter[str] = Counter()
    for seed in range(DRAWS):
        fair = solve(scenario, fair=True, seed=seed)
        assert fair.plan is not None and check_plan(scenario, fair.plan) == ()
        assert plan_score(scenario, fair.plan) == fair.objective == 2
        seated.update(fair.plan.seated_citizens)
    for pid in "xyzw":
        assert binomtest(seated[pid], DRAWS, 0.5).pvalue > P_VALUE, seated
    # The ordinary lot is fair only among equals: here it favours x over w.
    ordinary: Counter[str] = Counter()
    for seed in range(DRAWS):
        plain = solve(scenario, seed=seed).plan
        assert plain is not None
        ordinary.update(plain.seated_citizens)
    assert binomtest(ordinary["w"], DRAWS, 0.5).pvalue < P_VALUE, ordinary
    assert ordinary["x"] > ordinary["w"], ordinary


def test_fair_keeps_the_optimal_score_and_names_who_cannot_sit() -> None:
    # w listed only a committee without citizen seats: no plan seats w, chance 0.
    scenario = Scenario(
        mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                  Mandate(id="b", citizen_seats=0, politician_seats=0)],
        citizens=[Citizen(id="v", applied_to=["a"]), Citizen(id="w", applied_to=["b"]),
                  Citizen(id="u", applied_to=["a"])])
    result = solve(scenario, fair=True, seed=4)
    assert result.status is Status.OPTIMAL
    assert result.chances == pytest.approx({"u": 0.5, "v": 0.5, "w": 0.0}, abs=1e-6)
    assert result.objective == solve(scenario).objective


def test_fair_with_relax_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        solve(_kite(), fair=True, relax=True)
    assert caught.value.problems[0].column == "fair"


def test_fair_on_an_infeasible_scenario_returns_the_explanation() -> None:
    scenario = Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0)],
                        citizens=[Citizen(id="x", applied_to=["a"])])
    result = solve(scenario, fair=True)
    assert result.status is Status.INFEASIBLE
    assert result.explanation is not None and result.chances is None


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_fair_writes_each_citizens_chance_beside_the_plan(tmp_path: Path) -> None:
    save_scenario(_kite(), tmp_path / "s")
    out = tmp_path / "plan.csv"
    assert main(["solve", str(tmp_path / "s"), "--fair", "--seed", "3", "--out", str(out),
                 "--quiet"]) == 0
    rows = _rows(out)
    assert {r["person_id"]: r["chance"] for r in rows} == dict.fromkeys("xyzw", "0.500000")
    again = tmp_path / "again.csv"
    assert main(["solve", str(tmp_path / "s"), "--fair", "--seed", "3", "--out", str(again),
                 "--quiet"]) == 0
    assert out.read_bytes() == again.read_bytes()
    assert main(["check", str(tmp_path / "s"), str(out)]) == 0


def test_cli_refuses_fair_with_relax(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_scenario(_kite(), tmp_path / "s")
    code = main(["solve", str(tmp_path / "s"), "--fair", "--relax", "--out",
                 str(tmp_path / "p.csv")])
    assert code == 2
    assert "--fair" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_fair_keeps_to_its_time_limit_and_falls_back_on_a_valid_plan() -> None:
    import time

    from cocreate_match import generate_scenario

    scenario = generate_scenario(committees=60, citizens=8000, politicians=150, seed=7)
    start = time.perf_counter()
    result = solve(scenario, fair=True, time_limit=2.0)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0, elapsed
    if result.plan is not None:
        assert check_plan(scenario, result.plan) == ()
    if result.chances is None:
        assert "fair lottery" in result.message or result.status is not Status.OPTIMAL
