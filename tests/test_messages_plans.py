"""Problems with plans, lotteries, reports and sweeps carry codes and read in each language;
the plan's constructors are typed for the lists they take."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cocreate_match import (
    Citizen,
    Committee,
    CompetenceProfile,
    InputError,
    Mandate,
    Plan,
    Reserve,
    Role,
    Scenario,
    Seat,
    Withdrawal,
    adhoc_invitations,
    lottery,
    read_plan,
)
from cocreate_match.messages import catalogue, set_language


def _scenario() -> Scenario:
    return Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                    citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y", "z")])


def test_the_plan_codes_are_in_their_range() -> None:
    codes = {key.split("/")[0] for key in catalogue()}
    ours = {c for c in codes if 200 <= int(c[4:]) <= 399 and c.startswith("CM-E")}
    assert "CM-E214" in ours
    assert all(re.fullmatch(r"CM-E[23]\d\d", c) for c in ours)


def test_a_bad_plan_file_has_codes_and_reads_in_danish_and_norwegian(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("committee_id,person_id,role,withdrawn\n"
                    "a,x,mayor,\n"
                    "a,,citizen,\n"
                    ",z,withdrawn,2026-01\n"
                    ",z,withdrawn,2026-02\n"
                    "a,y\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_plan(path)
    problems = caught.value.problems
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("CM-E214", 2, "role"), ("CM-E210", 3, "person_id"), ("CM-E211", 5, "withdrawn"),
        ("CM-E209", 6, None)]
    role, empty, withdrew, width = problems
    assert role.message == "role must be 'citizen', 'politician', 'reserve' or 'withdrawn'"
    assert withdrew.message == ("z withdrew at '2026-01' on an earlier row; one withdrawal "
                                "has one date or round")
    assert width.message == "has 2 fields, the header has 4"
    try:
        set_language("da")
        assert role.message == ("role skal være 'citizen', 'politician', 'reserve' eller "
                                "'withdrawn'")
        assert empty.message == "må ikke være tom"
        assert withdrew.message.startswith("z trak sig ud ved '2026-01'")
        assert width.message == "har 2 felter, overskriften har 4"
        assert str(caught.value).startswith("4 problemer i inddata:")
        set_language("nb")
        assert role.message == ("role må være 'citizen', 'politician', 'reserve' eller "
                                "'withdrawn'")
        assert withdrew.message.startswith("z trakk seg ved '2026-01'")
        assert width.message == "har 2 felter, overskriften har 4"
    finally:
        set_language("en")
    assert empty.message == "must not be empty"


def test_a_row_with_one_field_says_field(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("committee_id,person_id,role\nx\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_plan(path)
    [problem] = caught.value.problems
    assert problem.code == "CM-E209"
    assert problem.message == "has 1 field, the header has 3"
    assert problem.text("da") == "har 1 felt, overskriften har 3"


def test_a_missing_plan_column_has_its_code(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("committee_id,person_id\na,x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_plan(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.column) == ("CM-E208", "role")
    assert problem.message == "required column is missing"
    assert problem.text("nb") == "en påkrevd kolonne mangler"


def test_bad_lottery_parameters_have_codes_and_read_in_danish_and_norwegian() -> None:
    with pytest.raises(InputError) as caught:
        lottery(_scenario(), samples=0, quality_floor=2.0)
    by_column = {p.column: p for p in caught.value.problems}
    samples, floor = by_column["samples"], by_column["quality_floor"]
    assert (samples.code, samples.value) == ("CM-E202", 0)
    assert (floor.code, floor.value) == ("CM-E233", 2.0)
    assert samples.message == "must be a whole number of at least 1"
    assert floor.message == "must be a number between 0 and 1, or None"
    try:
        set_language("da")
        assert samples.message == "skal være et heltal på mindst 1"
        assert floor.message == "skal være et tal mellem 0 og 1, eller None"
        set_language("nb")
        assert samples.message == "må være et heltall på minst 1"
        assert floor.message == "må være et tall mellom 0 og 1, eller None"
    finally:
        set_language("en")


def test_a_cap_the_legacy_baseline_cannot_keep_has_its_code() -> None:
    with pytest.raises(InputError) as caught:
        lottery(_scenario(), method="legacy", max_probability=0.5)
    [problem] = caught.value.problems
    assert (problem.code, problem.column) == ("CM-E235", "max_probability")
    assert problem.message == ("caps LEXIMIN and MAXIMIN only; the legacy baseline cannot "
                               "keep a cap")
    assert problem.text("da").startswith("begrænser kun LEXIMIN og MAXIMIN")


def test_a_profile_a_committee_lacks_names_its_profiles_in_each_language() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0, profiles=[
        CompetenceProfile(name="coach", any_of=["coach"])]),
        Mandate(id="b", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="x", applied_to=["a"])])
    plan = Plan(seats=[], unseated_citizens=["x"])
    with pytest.raises(InputError) as caught:
        adhoc_invitations(s, plan, "a", "nurse", 1)
    [problem] = caught.value.problems
    assert problem.code == "CM-E222"
    assert problem.message == "is not a profile of a (its profiles: coach)"
    assert problem.text("nb") == "er ikke en kompetanseprofil i a (utvalgets profiler: coach)"
    with pytest.raises(InputError) as caught:
        adhoc_invitations(s, plan, "b", "nurse", 1)
    [problem] = caught.value.problems
    assert problem.code == "CM-E223"
    assert problem.message == "is not a profile of b (its profiles: none)"
    assert problem.text("da") == "er ikke en kompetenceprofil i b (udvalget har ingen profiler)"


def test_plan_classes_built_from_lists_hold_tuples() -> None:
    plan = Plan(seats=[Seat(committee_id="a", person_id="x", role="citizen")],
                unseated_citizens=["y"], reserves=[Reserve(committee_id="a", person_id="y",
                                                           rank=1)],
                withdrawn=[Withdrawal(person_id="z", committee_ids=["a"])])
    assert plan.seats[0].role is Role.CITIZEN
    assert isinstance(plan.seats, tuple) and plan.unseated_citizens == ("y",)
    assert plan.withdrawn[0].committee_ids == ("a",)
    committee = Committee(id="a", citizens=["x"], politicians=[])
    assert committee == plan.committee("a") and isinstance(committee.citizens, tuple)


SNIPPET = '''
from cocreate_match import Committee, Plan, Reserve, Role, Seat, Withdrawal

plan = Plan(
    seats=[Seat(committee_id="climate", person_id="c1", role=Role.CITIZEN),
           Seat(committee_id="climate", person_id="p1", role="politician")],
    unseated_citizens=["c2"],
    unseated_politicians=["p2"],
    reserves=[Reserve(committee_id="climate", person_id="c2", rank=1)],
    withdrawn=[Withdrawal(person_id="c3", committee_ids=["climate"], when="2026-03")],
)
committee = Committee(id="climate", citizens=["c1"], politicians=["p1"])
seats: tuple[Seat, ...] = plan.seats
ids: tuple[str, ...] = committee.citizens + plan.withdrawn[0].committee_ids
print(len(seats), ids)
'''


def test_a_plan_built_from_lists_type_checks(tmp_path: Path) -> None:
    # The constructors take lists; mypy --strict must agree, and still see tuples after.
    from mypy import api

    snippet = tmp_path / "plan_from_lists.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    out, err, status = api.run(["--strict", "--no-incremental", "--cache-dir", os.devnull,
                                str(snippet)])
    assert status == 0, out + err
