"""Sweeps: each row checked against solving the changed scenario by hand, infeasible points
as rows, quality floors against the lottery's promise, seats moved counted by hand, the same
rows with any executor, every bad setting named at once, and the price-of-fairness plot."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    InputError,
    Mandate,
    Quota,
    Scenario,
    Status,
    solve,
    sweep,
)
from cocreate_match.demo import demo_scenario

FEMALE_MIN = "a/quota/gender=female.min"


def person(pid: str, applied_to: list[str], gender: str) -> Citizen:
    return Citizen(id=pid, applied_to=applied_to, attributes={"gender": gender})


@pytest.fixture(scope="module")
def quota_scenario() -> Scenario:
    """Two committees of two; the women prefer ``b``, so each woman a quota puts on ``a``
    costs a point (optimum 8, 7, 6), and ``a`` cannot seat three (only two women can sit
    there)."""
    return Scenario(
        mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
                          quotas=[Quota(attribute="gender", value="female")]),
                  Mandate(id="b", citizen_seats=2, politician_seats=0)],
        citizens=[person("f1", ["b", "a"], "female"), person("f2", ["b", "a"], "female"),
                  person("f3", ["b"], "female"), person("m1", ["a", "b"], "male"),
                  person("m2", ["a"], "male"), person("m3", ["a", "b"], "male"),
                  person("m4", ["b", "a"], "male")])


def with_female_min(s: Scenario, low: int) -> Scenario:
    """The quota scenario with the quota's minimum changed, built without the sweep."""
    quota = Quota(attribute="gender", value="female", min=low)
    mandate = Mandate(id="a", citizen_seats=2, politician_seats=0, quotas=[quota])
    return Scenario(mandates=[mandate, s.mandates[1]], citizens=s.citizens)


@pytest.fixture(scope="module")
def floor_scenario() -> Scenario:
    """Two seats; x and y rank the committee first (score 2), u and v second (score 1).
    Optimum 4; without a floor everyone's chance is 1/2, and a floor of 1 seats only x, y."""
    return Scenario(
        mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0),
                  Mandate(id="other", citizen_seats=0, politician_seats=0)],
        citizens=[Citizen(id="x", applied_to=["a"]), Citizen(id="y", applied_to=["a"]),
                  Citizen(id="u", applied_to=["other", "a"]),
                  Citizen(id="v", applied_to=["other", "a"])])


def test_quota_grid_matches_solving_each_point(quota_scenario: Scenario) -> None:
    frame = sweep(quota_scenario, {FEMALE_MIN: [0, 1, 2, 3]})
    assert frame.columns.tolist() == [FEMALE_MIN, "status", "objective", "min_probability",
                                      "expected_score", "seats_moved", "seconds",
                                      "explanation"]
    assert frame[FEMALE_MIN].tolist() == [0, 1, 2, 3]
    for low, row in zip([0, 1, 2, 3], frame.itertuples(index=False), strict=True):
        direct = solve(with_female_min(quota_scenario, low))
        assert row.status == direct.status.value
        if direct.objective is None:
            assert pd.isna(row.objective)
        else:
            assert row.objective == direct.objective
    assert frame["objective"].tolist()[:3] == [8, 7, 6]
    assert frame["min_probability"].isna().all() and frame["expected_score"].isna().all()
    assert str(frame["objective"].dtype) == "Int64" and str(frame["seats_moved"].dtype) == "Int64"


def test_grid_order_is_the_mappings_last_setting_fastest(quota_scenario: Scenario) -> None:
    frame = sweep(quota_scenario, {"seed": [3, 4], FEMALE_MIN: [0, 1]})
    assert frame[["seed", FEMALE_MIN]].values.tolist() == [[3, 0], [3, 1], [4, 0], [4, 1]]


def test_infeasible_point_is_a_row_with_the_conflict(quota_scenario: Scenario) -> None:
    frame = sweep(quota_scenario, [{FEMALE_MIN: 3}, {FEMALE_MIN: 1}])
    infeasible, feasible = frame.iloc[0], frame.iloc[1]
    assert infeasible["status"] == Status.INFEASIBLE.value
    assert pd.isna(infeasible["objective"]) and pd.isna(infeasible["seats_moved"])
    assert "a/quota/gender=female" in infeasible["explanation"]
    assert infeasible["explanation"] == str(
        solve(with_female_min(quota_scenario, 3)).explanation)
    assert feasible["status"] == "optimal" and feasible["explanation"] == ""


def test_seats_moved_against_the_unchanged_plan(quota_scenario: Scenario) -> None:
    frame = sweep(quota_scenario, {FEMALE_MIN: [0, 2]}, seed=5)
    base = solve(quota_scenario, seed=5).plan
    forced = solve(with_female_min(quota_scenario, 2), seed=5).plan
    assert base is not None and forced is not None
    moved = len({(s.committee_id, s.person_id, s.role) for s in base.seats}
                - {(s.committee_id, s.person_id, s.role) for s in forced.seats})
    assert frame["seats_moved"].tolist() == [0, moved]
    assert moved > 0


def test_points_that_leave_a_setting_out_show_the_scenarios_value(
        quota_scenario: Scenario) -> None:
    frame = sweep(quota_scenario, [{"seed": 7}, {FEMALE_MIN: 1}], seed=2)
    assert frame[["seed", FEMALE_MIN]].values.tolist() == [[7, 0], [2, 1]]
    # Against the unchanged scenario solved with the point's seed, counted by hand: a woman
    # on a costs a point, so the quota moves seats.
    assert frame["seats_moved"][0] == 0
    forced = solve(with_female_min(quota_scenario, 1), seed=2).plan
    base = solve(quota_scenario, seed=2).plan
    assert forced is not None and base is not None
    seats = {(x.committee_id, x.person_id) for x in forced.seats}
    before = {(x.committee_id, x.person_id) for x in base.seats}
    assert frame["seats_moved"][1] == len(before - seats) > 0


def test_quality_floors_trade_chances_for_score(floor_scenario: Scenario) -> None:
    floors = [0.0, 0.5, 0.75, 1.0]
    frame = sweep(floor_scenario, {"quality_floor": floors}, what="lottery")
    chances = frame["min_probability"].tolist()
    assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(chances))
    assert chances[0] == pytest.approx(0.5) and chances[-1] == pytest.approx(0.0, abs=1e-9)
    optimum = solve(floor_scenario).objective
    assert optimum == 4 and (frame["objective"] == optimum).all()
    for floor, score in zip(floors, frame["expected_score"], strict=True):
        assert score >= floor * optimum - 1e-6
    assert frame["expected_score"].tolist() == pytest.approx([3.0, 3.0, 3.0, 4.0])


def test_demo_rule_kinds_match_solving_by_hand() -> None:
    demo = demo_scenario().cancel("sport")
    points = [{"quota/district=Hellerup.min": 6, "climate/profile/young-voice.max": 1,
               "politician/C1/committees.max": None, "youth/quota/gender=female.min": 5}]
    frame = sweep(demo, points)

    def rebuilt(m: Mandate) -> Mandate:
        if m.id == "climate":
            profiles = tuple(dataclasses.replace(p, max=1) if p.name == "young-voice" else p
                             for p in m.profiles)
            return dataclasses.replace(m, profiles=profiles)
        if m.id == "youth":
            quotas = tuple(dataclasses.replace(q, min=5) if q.name == "gender=female" else q
                           for q in m.quotas)
            return dataclasses.replace(m, quotas=quotas)
        return m

    by_hand = Scenario(
        mandates=[rebuilt(m) for m in demo.mandates], cancelled=demo.cancelled,
        citizens=demo.citizens, council=demo.council,
        politicians=[dataclasses.replace(p, max_committees=None) if p.id == "C1" else p
                     for p in demo.politicians],
        quotas=[dataclasses.replace(q, min=6) if q.name == "district=Hellerup" else q
                for q in demo.quotas])
    assert by_hand.cancelled == demo.cancelled
    direct = solve(by_hand)
    assert frame["status"][0] == direct.status.value
    assert frame["objective"][0] == direct.objective
    assert pd.isna(frame["politician/C1/committees.max"][0])


@pytest.mark.parametrize("make", [lambda: ThreadPoolExecutor(max_workers=3),
                                  lambda: ProcessPoolExecutor(max_workers=2)],
                         ids=["threads", "processes"])
def test_executors_give_the_same_rows(quota_scenario: Scenario,
                                      make: Callable[[], Executor]) -> None:
    changes: dict[str, list[object]] = {"seed": [0, 1], FEMALE_MIN: [1, 3],
                                        "quality_floor": [None, 0.9]}
    alone = sweep(quota_scenario, changes, what="lottery")
    with make() as executor:
        pooled = sweep(quota_scenario, changes, what="lottery", executor=executor)
    assert len(alone) == 8 and (alone["status"] == "infeasible").sum() == 4
    pd.testing.assert_frame_equal(alone.drop(columns="seconds"),
                                  pooled.drop(columns="seconds"))


def test_bad_settings_are_reported_at_once(quota_scenario: Scenario) -> None:
    changes: dict[str, list[object]] = {
               "a/quota/gender=female": [1],             # a rule without .min or .max
               "a/quota/gender=femal.min": [1],          # no such rule
               "a/seats/citizens.max": [3],              # a kind a sweep cannot change
               FEMALE_MIN: [1, "two", -1, None],         # not whole numbers
               "quality_floor": [0.5],                   # a lottery's setting
               "seed": [1.5]}
    with pytest.raises(InputError) as caught:
        sweep(quota_scenario, changes)
    found = [(p.column, p.value, p.message) for p in caught.value.problems]
    assert [(column, value) for column, value, _ in found] == [
        ("changes", "a/quota/gender=female"), ("changes", "a/quota/gender=femal.min"),
        ("changes", "a/seats/citizens.max"), ("changes", FEMALE_MIN),
        ("changes", FEMALE_MIN), ("changes", FEMALE_MIN), ("changes", "quality_floor"),
        ("changes", "seed")]
    assert "did you mean 'a/quota/gender=female.min'" in found[1][2]
    assert found[3][2].startswith("value 'two'")


def test_bad_arguments_are_reported_at_once(quota_scenario: Scenario) -> None:
    with pytest.raises(InputError) as caught:
        sweep(quota_scenario, {"quality_floor": [1.5]}, what="optimise",  # type: ignore[arg-type]
              executor="pool", seed=-1, time_limit=0)  # type: ignore[arg-type]
    assert {p.column for p in caught.value.problems} == {
        "seed", "time_limit", "what", "executor", "changes"}
    with pytest.raises(InputError) as caught:
        sweep(quota_scenario, "a/quota/gender=female.min")  # type: ignore[arg-type]
    assert caught.value.problems[0].column == "changes"


def test_limits_that_cross_at_a_point_name_the_point() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0, profiles=[
        CompetenceProfile(name="young", any_of=["student"], max=2)])],
        citizens=[Citizen(id="c", applied_to=["a"], tags=["student"])])
    with pytest.raises(InputError) as caught:
        sweep(s, [{"a/profile/young.min": 1}, {"a/profile/young.min": 3}])
    [problem] = caught.value.problems
    assert (problem.row, problem.value) == (1, "a/profile/young.min")
    assert "min (3) is greater than max (2)" in problem.message


def test_price_of_fairness_plot_carries_the_sweep(floor_scenario: Scenario) -> None:
    pytest.importorskip("matplotlib")
    from cocreate_match.plots import plot_price_of_fairness

    frame = sweep(floor_scenario, {"quality_floor": [1.0, 0.0, 0.75]}, what="lottery")
    fig = plot_price_of_fairness(frame)
    left, right = fig.axes
    ordered = frame.sort_values("quality_floor")
    [chances], [scores] = left.get_lines(), right.get_lines()
    xs = np.asarray(chances.get_xdata()).tolist()
    assert xs == ordered["quality_floor"].tolist() == [0.0, 0.75, 1.0]
    assert np.asarray(chances.get_ydata()).tolist() == ordered["min_probability"].tolist()
    assert np.asarray(scores.get_ydata()).tolist() == ordered["expected_score"].tolist()
