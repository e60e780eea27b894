"""Cancelled committees: through ``Scenario.cancel`` and through ``cancelled = true`` in
``mandates.toml``, without editing the people's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocreate_match import (
    Citizen,
    InputError,
    Mandate,
    Politician,
    Quota,
    Role,
    Scenario,
    check_plan,
    generate_scenario,
    load_scenario,
    save_scenario,
    solve,
)

MANDATES = """\
[[committee]]
id = "climate"
citizen_seats = 1
politician_seats = 1

[[committee]]
id = "youth"
{cancelled}citizen_seats = 1
politician_seats = 1

  [[committee.quota]]
  attribute = "gender"
  value = "female"
  min = 1

[[committee]]
id = "culture"
citizen_seats = 1
politician_seats = 0
"""
CITIZENS = """\
id,applied_to,gender
c1,youth;climate;culture,female
c2,climate;youth,male
c3,youth,female
c4,culture;*,male
"""
POLITICIANS = """\
id,party,preferences,min_committees,max_committees
p1,A,youth;climate,0,2
p2,B,climate,0,
"""


def write(directory: Path, *, cancelled: bool) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    mandates = MANDATES.format(cancelled="cancelled = true\n" if cancelled else "")
    (directory / "mandates.toml").write_text(mandates, encoding="utf-8")
    (directory / "citizens.csv").write_text(CITIZENS, encoding="utf-8")
    (directory / "politicians.csv").write_text(POLITICIANS, encoding="utf-8")
    return directory


@pytest.fixture
def full(tmp_path: Path) -> Scenario:
    return load_scenario(write(tmp_path / "full", cancelled=False))


@pytest.fixture
def cancelled(full: Scenario) -> Scenario:
    return full.cancel("youth")


def test_cancelling_through_the_api_and_the_file_give_equal_scenarios(
        tmp_path: Path, cancelled: Scenario) -> None:
    from_file = load_scenario(write(tmp_path / "cancelled", cancelled=True))
    assert from_file == cancelled
    assert from_file.cancellation_notes() == cancelled.cancellation_notes()
    assert from_file.committee_ids == ("climate", "culture")
    assert [m.id for m in from_file.cancelled] == ["youth"]
    # The cancelled mandate is kept whole, quota and all.
    assert from_file.cancelled[0].quotas == (Quota(attribute="gender", value="female", min=1),)


def test_preferences_naming_the_cancelled_committee_are_skipped(full: Scenario,
                                                                 cancelled: Scenario) -> None:
    assert cancelled.citizen("c1").applied_to == ("climate", "culture")
    assert cancelled.citizen("c2").applied_to == ("climate",)
    assert cancelled.citizen("c3").applied_to == ()
    assert cancelled.citizen("c4") == full.citizen("c4")
    assert cancelled.politician("p1").preferences == ("climate",)
    assert cancelled.skipped == (("c1", "youth"), ("c2", "youth"), ("c3", "youth"),
                                 ("p1", "youth"))


def test_later_choices_move_up_a_rank(full: Scenario, cancelled: Scenario) -> None:
    # L, the longest list, is 3 before (c1) and 2 after; c1's climate goes from rank 2 to 1.
    c1_before, c1_after = full.citizen("c1"), cancelled.citizen("c1")
    assert (full.longest_list, cancelled.longest_list) == (3, 2)
    assert (c1_before.rank("climate"), c1_after.rank("climate")) == (2, 1)
    assert full.score(c1_before, "climate") == 3 + 1 - 2
    assert cancelled.score(c1_after, "climate") == 2 + 1 - 1
    assert cancelled.score(c1_after, "culture") == 2 + 1 - 2
    p1 = cancelled.politician("p1")
    assert (p1.rank("climate"), cancelled.score(p1, "climate")) == (1, 2)
    # A citizen open to any still scores 1 off their list, and cannot sit on youth at all.
    assert cancelled.score(cancelled.citizen("c4"), "climate") == 1
    assert "youth" not in cancelled.committee_ids


def test_notes_count_the_skipped_preferences(cancelled: Scenario) -> None:
    assert cancelled.cancellation_notes() == (
        "Committee 'youth' is cancelled: 4 preferences naming it were skipped (citizens: 3, "
        "politicians: 1).",
        "1 citizen named only cancelled committees and cannot be seated: c3.",
    )


def test_notes_for_a_committee_nobody_named(full: Scenario) -> None:
    assert full.cancel("culture").cancellation_notes() == (
        "Committee 'culture' is cancelled: 2 preferences naming it were skipped (citizens: 2, "
        "politicians: 0).",)
    lonely = Scenario(mandates=[Mandate(id="a")], cancelled=[Mandate(id="b")])
    assert lonely.cancellation_notes() == ("Committee 'b' is cancelled: no preference named it.",)


def test_notes_on_many_stranded_citizens_list_the_first_ten() -> None:
    s = Scenario(mandates=[Mandate(id="a")],
                 citizens=[Citizen(id=f"c{i:02}", applied_to=["b"]) for i in range(12)],
                 cancelled=[Mandate(id="b")])
    assert s.cancellation_notes()[-1] == (
        "12 citizens named only cancelled committees and cannot be seated: c00, c01, c02, c03, "
        "c04, c05, c06, c07, c08, c09 and 2 more.")


def test_cancelling_in_steps_keeps_every_note(full: Scenario) -> None:
    at_once = full.cancel("youth", "culture")
    in_steps = full.cancel("youth").cancel("culture")
    assert in_steps == at_once
    assert in_steps.cancellation_notes() == at_once.cancellation_notes()
    assert [m.id for m in at_once.cancelled] == ["youth", "culture"]
    # Cancelling what is already cancelled changes nothing.
    assert in_steps.cancel("youth") == in_steps
    assert in_steps.cancel("youth").cancellation_notes() == in_steps.cancellation_notes()


def test_the_skip_record_takes_no_part_in_equality(cancelled: Scenario) -> None:
    bare = Scenario(mandates=cancelled.mandates, cancelled=cancelled.cancelled,
                    citizens=cancelled.citizens, politicians=cancelled.politicians)
    assert bare == cancelled and hash(bare) == hash(cancelled)
    assert bare.skipped == ()
    assert bare.cancellation_notes()[0] == "Committee 'youth' is cancelled: no preference named it."


def test_a_cancelled_committee_has_no_rules(cancelled: Scenario) -> None:
    assert not any(rule.committee == "youth" for rule in cancelled.rules().values())
    assert not any(name.startswith("youth/") for name in cancelled.rules())


def test_solve_seats_nobody_on_the_cancelled_committee(cancelled: Scenario) -> None:
    result = solve(cancelled)
    assert result.plan is not None
    assert check_plan(cancelled, result.plan) == ()
    assert {seat.committee_id for seat in result.plan.seats} <= {"climate", "culture"}
    # c3 applied only to youth: still in the plan, unseated.
    assert "c3" in result.plan.unseated_citizens


def test_solve_on_a_generated_scenario_with_a_cancelled_committee() -> None:
    base = generate_scenario(committees=3, citizens=40, politicians=6, seed=1)
    lonely = Citizen(id="only-c001", applied_to=["c001"], attributes=base.citizens[0].attributes)
    s = Scenario(mandates=base.mandates, citizens=[*base.citizens, lonely],
                 politicians=base.politicians, council=base.council,
                 quotas=base.quotas).cancel("c001")
    result = solve(s, seed=0)
    assert result.plan is not None
    assert check_plan(s, result.plan) == ()
    assert not [seat for seat in result.plan.seats if seat.committee_id == "c001"]
    assert "only-c001" in result.plan.unseated_citizens
    everyone = {seat.person_id for seat in result.plan.seats if seat.role is Role.CITIZEN}
    assert everyone | set(result.plan.unseated_citizens) == {c.id for c in s.citizens}


def test_round_trip_keeps_the_cancelled_committee(tmp_path: Path, cancelled: Scenario) -> None:
    save_scenario(cancelled, tmp_path)
    loaded = load_scenario(tmp_path)
    assert loaded == cancelled
    assert loaded.cancellation_notes() == cancelled.cancellation_notes()
    assert "cancelled = true" in (tmp_path / "mandates.toml").read_text(encoding="utf-8")
    # The people's files still name youth, as they did before it was cancelled.
    rows = (tmp_path / "citizens.csv").read_text(encoding="utf-8").splitlines()
    assert "c3,youth,,,female" in rows
    assert "c1,climate;culture;youth,,,female" in rows


# -- mistakes -----------------------------------------------------------------------------
def test_cancelling_unknown_committees_names_each(full: Scenario) -> None:
    with pytest.raises(InputError) as info:
        full.cancel("youth", "sports", "arts")
    assert [(p.column, p.value) for p in info.value.problems] == [
        ("committee_ids", "sports"), ("committee_ids", "arts")]
    assert "unknown committee id" in info.value.problems[0].message


def test_cancelling_every_committee_is_refused(full: Scenario) -> None:
    with pytest.raises(InputError, match="at least one committee that is not cancelled"):
        full.cancel(*full.committee_ids)


def test_an_id_cannot_be_both_active_and_cancelled() -> None:
    with pytest.raises(InputError) as info:
        Scenario(mandates=[Mandate(id="a"), Mandate(id="b")],
                 cancelled=[Mandate(id="b"), Mandate(id="c"), Mandate(id="c")])
    assert {(p.file, p.row, p.value, p.message) for p in info.value.problems} == {
        ("Scenario.cancelled", 0, "b", "committee is both active and cancelled"),
        ("Scenario.cancelled", 2, "c", "cancelled committee id is used twice"),
    }


def test_the_file_says_which_section_is_both_active_and_cancelled(tmp_path: Path) -> None:
    write(tmp_path, cancelled=True)
    with (tmp_path / "mandates.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[committee]]\nid = "youth"\n')
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path)
    assert [(p.file, p.section, p.column, p.value, p.message)
            for p in info.value.problems] == [
        ("mandates.toml", "[[committee]] #2 (id 'youth')", "id", "youth",
         "committee is both active and cancelled")]


def test_cancelled_must_be_true_or_false(tmp_path: Path) -> None:
    write(tmp_path, cancelled=False)
    path = tmp_path / "mandates.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'id = "youth"\n', 'id = "youth"\ncancelled = "yes"\n'), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path)
    assert [(p.section, p.column, p.value) for p in info.value.problems] == [
        ("[[committee]] #2 (id 'youth')", "cancelled", "yes")]


def test_a_citizen_without_committees_is_valid_but_cannot_be_saved(tmp_path: Path) -> None:
    # Nothing in citizens.csv can say "no committee": an empty applied_to is an input mistake.
    s = Scenario(mandates=[Mandate(id="a")], citizens=[Citizen(id="c1")],
                 politicians=[Politician(id="p1", party="A")])
    with pytest.raises(InputError) as info:
        save_scenario(s, tmp_path / "out")
    assert [(p.file, p.column, p.value) for p in info.value.problems] == [
        ("citizens.csv", "id", "c1")]
    assert not (tmp_path / "out").exists()


def test_adding_a_committee_is_adding_a_section(tmp_path: Path, full: Scenario) -> None:
    write(tmp_path, cancelled=False)
    with (tmp_path / "mandates.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[committee]]\nid = "sports"\ncitizen_seats = 0\npolitician_seats = 0\n')
    grown = load_scenario(tmp_path)
    assert grown.committee_ids == (*full.committee_ids, "sports")
    assert grown.citizens == full.citizens
