"""Scenarios, plans, results and lotteries as JSON-ready dicts (``serialize.py``), the JSON
Schemas, scenario ``.json`` files and ``solve --json``."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    InputError,
    Lottery,
    Mandate,
    Plan,
    Politician,
    Quota,
    Scenario,
    SolveResult,
    Status,
    add_reserves,
    json_schema,
    load_scenario,
    lottery,
    replace_dropouts,
    save_scenario,
    solve,
)
from cocreate_match.cli import _STATUS_EXIT, main
from cocreate_match.demo import demo_scenario
from strategies import Planted, feasible_scenarios, planted_scenarios, tiny_scenarios

README = Path(__file__).resolve().parents[1] / "README.md"
TIMES = ("build_time", "solve_time")  # the only fields of a result that vary run to run


def places(err: InputError) -> set[tuple[object, ...]]:
    """Where each problem is: file, JSON path, key, value (lists and dicts as JSON text)."""
    def frozen(value: object) -> object:
        return json.dumps(value) if isinstance(value, list | dict) else value

    return {(p.file, p.section, p.column, frozen(p.value) if p.has_value else None)
            for p in err.problems}


def assert_plain(value: object, where: str = "$") -> None:
    """Only the types JSON has: no numpy numbers, no enums, no tuples (exact types)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, f"{where}: key {key!r}"
            assert_plain(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), \
            f"{where}: {type(value).__name__}"


def validate(instance: dict[str, Any], name: str) -> None:
    jsonschema.Draft202012Validator(json_schema(name)).validate(instance)
    assert_plain(instance)
    assert json.loads(json.dumps(instance)) == instance


def rich_scenario() -> Scenario:
    """Every part a scenario can have: cancelled committees (with skipped preferences),
    global quotas, households, tags, attributes, '*', budgets, council rules."""
    return Scenario(
        mandates=[
            Mandate(id="climate", title="Klimatilpasning på Østerbro", citizen_seats=2,
                    politician_seats=1, background="Regn\nog hav", duration="9 months",
                    profiles=[CompetenceProfile(name="young", any_of=["student", "pupil"],
                                                min=1, max=2)],
                    quotas=[Quota(attribute="gender", value="female", min=1),
                            Quota(attribute="gender", value="male", max=1)]),
            Mandate(id="youth", citizen_seats=1, politician_seats=1),
        ],
        cancelled=[Mandate(id="culture", citizen_seats=3,
                           quotas=[Quota(attribute="district", value="Ørnegård", min=1)])],
        citizens=[
            Citizen(id="c1", applied_to=["culture", "climate"], tags=["student"],
                    household="h1", attributes={"gender": "female", "district": "Ørnegård"}),
            Citizen(id="c2", applied_to=["climate"], open_to_any=True,
                    attributes={"gender": "male"}),
            Citizen(id="c3", applied_to=["culture"], attributes={"gender": "female"}),
            Citizen(id="c4", open_to_any=True, household="h1", tags=["pupil", "parent"],
                    attributes={"gender": "female", "district": ""}),
        ],
        politicians=[Politician(id="p1", party="A", preferences=["youth", "culture"],
                                min_committees=1, max_committees=2),
                     Politician(id="p2", party="B")],
        council=CouncilRules(max_per_party=1, min_parties=1),
        quotas=[Quota(attribute="gender", value="female", min=1, max=3)],
    )


# -- round trips ----------------------------------------------------------------------------
def round_trip(s: Scenario) -> Scenario:
    data = s.to_dict()
    assert_plain(data)
    back = Scenario.from_dict(json.loads(json.dumps(data)))
    assert back == s
    assert set(back.skipped) == set(s.skipped)  # the record of cancellations survives too
    assert back.cancellation_notes() == s.cancellation_notes()
    for m in (*s.mandates, *s.cancelled):
        assert Mandate(**json.loads(json.dumps(m_dict(s, m.id)))) == m
    return back


def m_dict(s: Scenario, committee_id: str) -> dict[str, Any]:
    data = s.to_dict()
    return next(m for m in (*data["mandates"], *data["cancelled"]) if m["id"] == committee_id)


def test_a_scenario_with_every_part_round_trips() -> None:
    s = rich_scenario()
    assert s.skipped  # the cancelled committee was named
    back = round_trip(s)
    assert back.citizen("c1").applied_to == ("climate",)
    assert back.citizen("c4").attributes == {"gender": "female"}
    c1 = s.to_dict()["citizens"][0]
    assert c1 == {"id": "c1", "applied_to": ["climate", "culture"], "open_to_any": False,
                  "tags": ["student"], "household": "h1",
                  "attributes": {"district": "Ørnegård", "gender": "female"}}


def test_the_demo_round_trips_and_matches_its_schema() -> None:
    s = demo_scenario()
    round_trip(s)
    validate(s.to_dict(), "scenario")
    validate(rich_scenario().to_dict(), "scenario")


@given(feasible_scenarios())
def test_feasible_scenarios_round_trip(s: Scenario) -> None:
    round_trip(s)


@given(tiny_scenarios(), st.data())
def test_tiny_scenarios_round_trip_also_with_a_committee_cancelled(s: Scenario,
                                                                   data: st.DataObject) -> None:
    round_trip(s)
    if len(s.mandates) > 1:
        cancelled = s.cancel(data.draw(st.sampled_from(s.committee_ids)))
        round_trip(cancelled)
        jsonschema.validate(cancelled.to_dict(), json_schema("scenario"))


@given(planted_scenarios(max_committees=3, max_citizens=10))
def test_planted_plans_round_trip(planted: Planted) -> None:
    plan = planted.plan
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


@settings(max_examples=12)
@given(tiny_scenarios(), st.integers(0, 3))
def test_plans_from_solve_round_trip(s: Scenario, seed: int) -> None:
    result = solve(s, seed=seed, relax=True, explain=False)
    d = result.to_dict()
    validate(d, "result")
    if result.plan is not None:
        assert Plan.from_dict(d["plan"]) == result.plan
        with_reserves = add_reserves(s, result.plan, 1, seed=seed)
        assert Plan.from_dict(with_reserves.to_dict()) == with_reserves


def test_a_plan_with_reserves_and_withdrawals_round_trips() -> None:
    s = demo_scenario()
    plan = solve(s, seed=0).plan
    assert plan is not None
    plan = add_reserves(s, plan, 2, seed=0)
    gone = [plan.committee("climate").citizens[0], plan.committee("youth").politicians[0]]
    result = replace_dropouts(s, plan, gone, seed=0, when="2026-03")
    assert result.plan is not None and result.plan.withdrawn and result.plan.reserves
    d = result.to_dict()
    validate(d, "result")
    assert Plan.from_dict(d["plan"]) == result.plan
    assert d["moves"] == result.moves and len(d["changes"]) == len(result.changes) > 0
    assert d["changes"][0]["role"] in ("citizen", "politician")
    assert {w["person_id"] for w in d["plan"]["withdrawn"]} == set(gone)


# -- Mandate(**d) -----------------------------------------------------------------------------
def test_mandate_takes_profiles_and_quotas_as_dicts_or_objects() -> None:
    m = Mandate(id="a", citizen_seats=3,
                profiles=[{"name": "young", "any_of": ["student"], "min": 1},
                          CompetenceProfile(name="old", any_of=["senior"])],
                quotas=({"attribute": "gender", "value": "female", "max": 2},))
    assert m.profiles == (CompetenceProfile(name="young", any_of=["student"], min=1),
                          CompetenceProfile(name="old", any_of=["senior"]))
    assert m.quotas == (Quota(attribute="gender", value="female", max=2),)


def test_mandate_names_each_bad_nested_dict_and_keeps_its_own_checks() -> None:
    with pytest.raises(InputError) as caught:
        Mandate(id="a", citizen_seats=-1,
                profiles=[{"name": "young", "any_of": ["student"]},
                          {"name": "old", "any_of": ["senior"], "mn": 1},
                          {"any_of": "student", "min": "1"},
                          {"name": "young", "any_of": ["x"]}],
                quotas=[{"attribute": "gender", "value": "", "min": 3, "max": 1}, 7])  # type: ignore[list-item]
    assert places(caught.value) == {
        (None, None, "citizen_seats", -1),
        (None, "profiles[1]", "mn", None),
        (None, "profiles[2]", "name", None),
        (None, "profiles[2]", "any_of", "student"),
        (None, "profiles[2]", "min", "1"),
        (None, None, "profile", "young"),  # the existing check: a name used twice
        (None, "quotas[0]", "value", ""),
        (None, "quotas[0]", "min", 3),
        (None, None, "quotas", 7),  # the existing check: not a Quota
    }
    messages = {(p.section, p.column): p.message for p in caught.value.problems}
    assert messages["profiles[1]", "mn"] == "unknown key (known keys: name, any_of, min, max)"
    assert messages["profiles[2]", "name"] == "required key is missing"
    assert messages["profiles[2]", "any_of"] == "must be a list (a JSON array)"
    assert messages["profiles[2]", "min"] == "must be a whole number"
    assert messages["quotas[0]", "min"] == "min (3) is greater than max (1)"


def test_a_lone_dict_or_none_in_place_of_a_list_is_named() -> None:
    with pytest.raises(InputError) as caught:
        Mandate(id="a", profiles={"name": "young", "any_of": ["student"]},  # type: ignore[dict-item]
                quotas=None)  # type: ignore[arg-type]
    assert [(p.column, p.message) for p in caught.value.problems] == [
        ("profiles", "must be a list of CompetenceProfile (or dicts)"),
        ("quotas", "must be a list of Quota (or dicts)")]


def test_a_profile_dict_with_a_string_count_is_named() -> None:
    with pytest.raises(InputError) as caught:
        Mandate(id="a", profiles=[{"name": "young", "any_of": ["student"], "min": "1"}])
    [problem] = caught.value.problems
    assert (problem.section, problem.column, problem.value, problem.message) == (
        "profiles[0]", "min", "1", "must be a whole number")


# -- bad dicts --------------------------------------------------------------------------------
def test_every_problem_of_a_scenario_dict_is_reported_at_once_with_its_path() -> None:
    data = {
        "mandates": [{"id": "a", "citizen_seats": "2",
                      "profiles": [{"name": "p", "any_of": "t", "min": 2, "max": 1}],
                      "quotas": [{"attribute": "g", "value": "f", "mx": 1}]},
                     "b"],
        "citizens": [{"id": "c1", "applied_to": ["a"], "attributes": {"g": " f"}},
                     {"id": "c2", "applied_to": "a", "household": ""}],
        "politicians": [{"id": "p1"}],
        "council": {"min_parties": -1},
        "quotas": {"attribute": "g"},
        "extra": 1,
    }
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data, file="scenario.json")
    f = "scenario.json"
    assert places(caught.value) == {
        (f, "top level", "extra", None),
        (f, "top level", "quotas", '{"attribute": "g"}'),
        (f, "council", "min_parties", -1),
        (f, "mandates[0]", "citizen_seats", "2"),
        (f, "mandates[0].profiles[0]", "any_of", "t"),
        (f, "mandates[0].profiles[0]", "min", 2),
        (f, "mandates[0].quotas[0]", "mx", None),
        (f, "mandates[1]", None, "b"),
        (f, "citizens[0].attributes", "g", " f"),
        (f, "citizens[1]", "applied_to", "a"),
        (f, "citizens[1]", "household", ""),
        (f, "politicians[0]", "party", None),
    }
    text = str(caught.value)
    assert text.startswith("12 problems in the input:")
    assert ("scenario.json, mandates[0].profiles[0], key min, value 2: min (2) is greater "
            "than max (1)") in text


def test_references_between_parts_are_placed_at_their_json_paths() -> None:
    data = {
        "mandates": [{"id": "a", "quotas": [{"attribute": "g", "value": "f"},
                                            {"attribute": "age", "value": "young"},
                                            {"attribute": "age", "value": "old"}]},
                     {"id": "a"}],
        "cancelled": [{"id": "b"}],
        "citizens": [{"id": "c1", "applied_to": ["a", "zz"], "attributes": {"g": "f"}},
                     {"id": "c1"}],
        "politicians": [{"id": "c1", "party": "A", "preferences": ["b", "yy"]}],
        "quotas": [{"attribute": "district", "value": "n"}],
    }
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert places(caught.value) == {
        (None, "mandates[1]", "id", "a"),
        (None, "citizens[1]", "id", "c1"),
        (None, "politicians[0]", "id", "c1"),
        (None, "citizens[0]", "applied_to", "zz"),
        (None, "politicians[0]", "preferences", "yy"),
        (None, "quotas[0]", "attribute", "district"),
        (None, "mandates[0].quotas[1]", "attribute", "age"),
        (None, "mandates[0].quotas[2]", "attribute", "age"),
    }


def test_a_bad_mandate_does_not_make_its_committee_unknown() -> None:
    data = {"mandates": [{"id": "a", "politician_seats": -2}],
            "citizens": [{"id": "c", "applied_to": ["a"]}]}
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert places(caught.value) == {(None, "mandates[0]", "politician_seats", -2)}


@pytest.mark.parametrize(("data", "expected"), [
    ([], {(None, None, None, "[]")}),
    ({}, {(None, "top level", "mandates", None)}),
    ({"mandates": []}, {(None, "top level", "mandates", None)}),
])
def test_the_outermost_object_is_checked(data: Any, expected: set[tuple[object, ...]]) -> None:
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert places(caught.value) == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False,
                                                               allow_infinity=False)
    | st.sampled_from(["", " a", "a;b", "*", "climate", "c1", "female", "citizen"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "min", "max", "name", "any_of", "x"]), inner, max_size=3),
    max_leaves=8)


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value: keys of dicts and indices of lists."""
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*at, i))
    return found


def put(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    if not at:
        return new
    copy = json.loads(json.dumps(value))
    target = copy
    for step in at[:-1]:
        target = target[step]
    target[at[-1]] = new
    return copy


@settings(max_examples=150)
@given(st.data())
def test_any_json_in_any_place_is_a_scenario_or_an_input_error(data: st.DataObject) -> None:
    good = rich_scenario().to_dict()
    at = data.draw(st.sampled_from(paths(good)))
    bad = put(good, at, data.draw(JSON_VALUES))
    try:
        Scenario.from_dict(bad)
    except InputError as err:  # each problem placed, unless the whole dict was replaced
        assert at == () or all(p.section is not None for p in err.problems), err


@settings(max_examples=80)
@given(st.data())
def test_any_json_in_any_place_is_a_plan_or_an_input_error(data: st.DataObject) -> None:
    plan = Plan.from_dict({"seats": [{"committee_id": "a", "person_id": "c1", "role": "citizen"}],
                           "unseated_citizens": ["c2"], "unseated_politicians": ["p1"],
                           "reserves": [{"committee_id": "a", "person_id": "c2", "rank": 1}],
                           "withdrawn": [{"person_id": "c3", "committee_ids": ["a"],
                                          "when": "May"}]})
    good = plan.to_dict()
    at = data.draw(st.sampled_from(paths(good)))
    with contextlib.suppress(InputError):
        Plan.from_dict(put(good, at, data.draw(JSON_VALUES)))


def test_every_problem_of_a_plan_dict_is_reported_at_once() -> None:
    data = {"seats": [{"committee_id": "a", "person_id": "c1", "role": "chair"},
                      {"committee_id": "a", "person_id": ""}],
            "unseated_citizens": ["c2", 3],
            "reserves": [{"committee_id": "a", "person_id": "c3", "rank": 0}],
            "withdrawn": [{"person_id": "c4", "committee_ids": "a", "when": " x"}],
            "notes": []}
    with pytest.raises(InputError) as caught:
        Plan.from_dict(data, file="plan.json")
    f = "plan.json"
    assert places(caught.value) == {
        (f, "top level", "notes", None),
        (f, "seats[0]", "role", "chair"),
        (f, "seats[1]", "role", None),
        (f, "seats[1]", "person_id", ""),
        (f, "top level", "unseated_citizens", 3),
        (f, "reserves[0]", "rank", 0),
        (f, "withdrawn[0]", "committee_ids", "a"),
        (f, "withdrawn[0]", "when", " x"),
    }


# -- results and lotteries ---------------------------------------------------------------------
def infeasible_scenario() -> Scenario:
    """Two seats and a profile asking for two students, with one student among three."""
    return Scenario(
        mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
                          profiles=[CompetenceProfile(name="young", any_of=["student"],
                                                      min=2)])],
        citizens=[Citizen(id="c1", applied_to=["a"], tags=["student"]),
                  Citizen(id="c2", applied_to=["a"]), Citizen(id="c3", applied_to=["a"])])


def test_a_demo_result_matches_its_schema_and_its_attributes() -> None:
    result = solve(demo_scenario(), seed=3)
    d = result.to_dict()
    validate(d, "result")
    assert d["status"] == "optimal" and d["objective"] == result.objective
    assert d["bound"] == result.bound and d["gap"] == result.gap == 0.0
    assert (d["seed"], d["backend"], d["groups"]) == (3, "highs", result.groups)
    assert result.plan is not None and d["plan"] == result.plan.to_dict()
    assert d["explanation"] is None and d["relaxed"] == [] and d["chances"] is None


def test_a_relaxed_result_lists_the_broken_rules() -> None:
    result = solve(infeasible_scenario(), relax=True)
    assert result.status is Status.RELAXED
    d = result.to_dict()
    validate(d, "result")
    assert d["relaxed"] == [{"rule": "a/profile/young", "code": "CM-X114", "message": v.message,
                             "limit": 2,
                             "actual": 1, "person_id": None} for v in result.relaxed]


def test_an_infeasible_result_carries_its_explanation() -> None:
    result = solve(infeasible_scenario())
    assert result.status is Status.INFEASIBLE and result.explanation is not None
    d = result.to_dict()
    validate(d, "result")
    assert d["plan"] is None and d["objective"] is None
    assert d["explanation"] == result.explanation.to_dict()
    assert [r["rule"] for r in d["explanation"]["rules"]] == ["a/profile/young"]


def test_a_fair_result_has_the_chances() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y")])
    d = solve(s, fair=True).to_dict()
    validate(d, "result")
    assert d["chances"] == pytest.approx({"x": 0.5, "y": 0.5})


def test_an_infinite_bound_is_null() -> None:
    result = solve(infeasible_scenario(), relax=True)
    assert replace(result, bound=float("inf")).to_dict()["bound"] is None


@pytest.mark.parametrize("method", ["leximin", "legacy"])
def test_a_lottery_matches_its_schema(method: str) -> None:
    s = demo_scenario()
    found = lottery(s, method=method, samples=5)
    d = found.to_dict()
    validate(d, "lottery")
    assert (d["method"], d["status"]) == (method, "optimal")
    assert d["min_probability"] == found.min_probability
    totals = found.probabilities()
    assert {pid: p["total"] for pid, p in d["probabilities"].items()} == totals
    frame = found.to_frame()
    per = frame[frame["committee_id"] != "*"]
    assert sum(len(p["committees"]) for p in d["probabilities"].values()) == len(per)
    plans = list(found.plans())
    assert [p["probability"] for p in d["plans"]] == [w for w, _ in plans]
    assert sum(p["probability"] for p in d["plans"]) == pytest.approx(1.0)
    assert [Plan.from_dict(p["plan"]) for p in d["plans"]] == [plan for _, plan in plans]
    assert len(d["certificates"]) == len(found.certificates)
    if method == "leximin":
        assert d["certificates"][0]["gap"] == found.certificates[0].gap


def test_an_empty_lottery_is_plain_too() -> None:
    d = lottery(infeasible_scenario()).to_dict()
    validate(d, "lottery")
    assert (d["status"], d["plans"], d["certificates"]) == ("infeasible", [], [])


# -- schemas ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["scenario", "result", "lottery"])
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = json_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "changed"
    assert json_schema(name)["title"] != "changed"  # a fresh dict each time


def test_result_and_lottery_schemas_describe_plans_alike() -> None:
    assert json_schema("result")["$defs"]["plan"] == json_schema("lottery")["$defs"]["plan"]


def test_the_schemas_refuse_what_from_dict_refuses_in_shape() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("scenario"))
    good = rich_scenario().to_dict()
    bad = json.loads(json.dumps(good))
    bad["mandates"][0]["profiles"][0]["mn"] = 1
    bad["citizens"][0]["applied_to"] = "climate"
    bad["politicians"][0]["max_committees"] = -1
    bad["citizens"][1]["id"] = "c;2"
    assert len(list(validator.iter_errors(bad))) == 4
    assert len(list(validator.iter_errors({**good, "mandates": []}))) == 1


def test_json_schema_refuses_an_unknown_name() -> None:
    with pytest.raises(InputError) as caught:
        json_schema("plan")
    assert places(caught.value) == {(None, None, "name", "plan")}


# -- files and the command line ----------------------------------------------------------------
def test_load_scenario_reads_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "x.json"
    s = rich_scenario()
    save_scenario(s, path)
    assert json.loads(path.read_text(encoding="utf-8")) == s.to_dict()
    assert "Ørnegård" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    assert load_scenario(path) == s
    assert load_scenario(str(path)).cancellation_notes() == s.cancellation_notes()


def test_a_directory_named_json_keeps_the_directory_form(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    save_scenario(demo_scenario(), path.with_suffix(".d"))
    path.with_suffix(".d").rename(path)
    assert load_scenario(path) == demo_scenario()


@pytest.mark.parametrize(("text", "expected"), [
    (None, {"file not found"}),
    ('{"mandates": [}', {"is not valid JSON: Expecting value (line 1, column 15)"}),
    ('{"mandates": [{"id": "a", "id": "b"}]}', {"key appears twice in one object"}),
    ('{"mandates": [{"id": "a", "citizen_seats": -1}]}', {"must not be negative"}),
])
def test_problems_of_a_json_file_name_the_file(tmp_path: Path, text: str | None,
                                               expected: set[str]) -> None:
    path = tmp_path / "s.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert {p.message for p in caught.value.problems} == expected
    assert {p.file for p in caught.value.problems} == {str(path)}


def test_solve_json_writes_the_result_alone_on_stdout(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.json"
    save_scenario(demo_scenario(), path)
    code = main(["solve", str(path), "--json", "--seed", "2", "--reserves", "1",
                 "--out", str(tmp_path / "plan.csv")])
    out, err = capsys.readouterr()
    assert code == 0
    printed = json.loads(out)
    assert out.startswith('{\n  "backend": "highs",')  # indented, keys sorted
    assert "Plan written to" in err and "optimal:" in err  # the summary went to stderr
    result = solve(load_scenario(path), seed=2)
    assert result.plan is not None
    expected = replace(result, plan=add_reserves(demo_scenario(), result.plan, 1, seed=2))
    assert without_times(printed) == without_times(expected.to_dict())
    assert (tmp_path / "plan.csv").read_text(encoding="utf-8").startswith("committee_id,")


def without_times(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in TIMES}


def test_solve_json_needs_no_out_and_keeps_the_exit_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    save_scenario(infeasible_scenario(), path)
    assert main(["solve", str(path), "--json"]) == 3
    out, err = capsys.readouterr()
    d = json.loads(out)
    assert d["status"] == "infeasible" and d["explanation"]["rules"]
    assert without_times(d) == without_times(solve(infeasible_scenario()).to_dict())
    assert "infeasible:" in err
    assert main(["solve", str(path), "--json", "--relax"]) == _STATUS_EXIT[Status.RELAXED]
    assert json.loads(capsys.readouterr().out)["status"] == "relaxed"


def test_solve_without_out_or_json_is_refused_with_the_scenario_problems(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"mandates": [{"id": ""}]}', encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "the following arguments are required: --out (or --json)" in err
    assert f"{path}, mandates[0], key id, value '': must not be empty" in err


def test_other_commands_take_a_json_scenario(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.json"
    save_scenario(demo_scenario(), path)
    plan = tmp_path / "plan.csv"
    assert main(["solve", str(path), "--out", str(plan), "--quiet"]) == 0
    assert main(["check", str(path), str(plan)]) == 0
    assert "meets every rule" in capsys.readouterr().out


# -- the README -------------------------------------------------------------------------------
def _python_blocks(text: str, heading: str) -> list[str]:
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_json_example_runs_and_prints_what_it_says(
        capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _python_blocks(README.read_text(encoding="utf-8"), "JSON")
    assert blocks, "the README has no python example under 'JSON'"
    namespace: dict[str, Any] = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    shown = [line[2:] for line in blocks[0].splitlines() if line.startswith("# ")]
    assert capsys.readouterr().out.splitlines() == shown
    assert isinstance(namespace["mandate"], Mandate)
    jsonschema.validate(namespace["payload"], namespace["schema"])


def test_the_public_names_resolve() -> None:
    import cocreate_match

    assert cocreate_match.json_schema is json_schema
    assert "json_schema" in cocreate_match.__all__
    for kind in (Scenario, Plan, SolveResult, Lottery):
        assert callable(kind.to_dict)
