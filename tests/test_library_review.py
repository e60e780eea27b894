"""Texts of changes, reports and envy audits in each language; every problem of a record at
once (its references and the checks between records too); a capped lottery with no citizen
seats."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cocreate_match import (
    Citizen,
    InputError,
    Mandate,
    Plan,
    Politician,
    Quota,
    Role,
    Scenario,
    Seat,
    Status,
    envy_audit,
    load_scenario,
    lottery,
    report,
    solve,
)
from cocreate_match.changes import Change, write_changes
from cocreate_match.envy import Envy, EnvyAudit
from cocreate_match.messages import catalogue, set_language

TEXTS = Path(__file__).parents[1] / "src" / "cocreate_match" / "data" / "messages" / "texts.toml"


def _codes(err: InputError) -> list[tuple[str, object, object, object]]:
    return [(p.code, p.row if p.section is None else p.section, p.column,
             p.value if p.has_value else None) for p in err.problems]


# -- texts ------------------------------------------------------------------------------------
def test_the_texts_codes_are_in_their_range() -> None:
    codes = re.findall(r'^\["(CM-[A-Z]\d{3})"\]', TEXTS.read_text(encoding="utf-8"), re.M)
    assert codes and all(re.fullmatch(r"CM-R3\d\d", c) for c in codes)
    assert all(c in catalogue() for c in codes)


def test_a_change_reads_in_the_language_chosen() -> None:
    change = Change(committee_id="climate", role=Role.CITIZEN, left="c007", came_in="c053",
                    left_because="withdrawn", reserve_rank=1)
    assert str(change) == "climate: c007 left (withdrawn); c053 came in (reserve rank 1)"
    set_language("da")
    assert str(change) == "climate: c007 gik ud (trukket sig); c053 kom ind (reserve nr. 1)"
    set_language("nb")
    assert str(change) == "climate: c007 gikk ut (trukket seg); c053 kom inn (reserve nr. 1)"
    set_language("en")
    new_seat = Change(committee_id="a", role=Role.POLITICIAN, left=None, came_in="p1",
                      by_lot=True)
    assert str(new_seat) == "a: a new seat; p1 came in (not in preferences; lot among equals)"
    assert new_seat.text("da") == ("a: en ny plads; p1 kom ind (ikke blandt ønskerne; "
                                   "lodtrækning blandt ligestillede)")
    gone = Change(committee_id="a", role=Role.CITIZEN, left="x", came_in=None,
                  left_because="cancelled")
    assert gone.text("nb") == "a: x gikk ut (utvalget er avlyst); ingen kom inn"
    assert gone.reason == ""


def test_the_reason_column_is_in_the_language_chosen_and_the_keys_stay(tmp_path: Path) -> None:
    change = Change(committee_id="a", role=Role.CITIZEN, left="x", came_in="y",
                    left_because="re-plan", preference_rank=2)
    set_language("da")
    write_changes([change], tmp_path / "changes.csv")
    with (tmp_path / "changes.csv").open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    assert header[3:6] == ["left_because", "came_in", "reason"]
    assert row[3:6] == ["re-plan", "y", "ønske nr. 2"]


def _two_committees() -> tuple[Scenario, Plan]:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                           Mandate(id="b", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id="ann", applied_to=["a", "b"]),
                           Citizen(id="bo", applied_to=["b", "a"])])
    # Each sits on their second choice: both envy each other.
    plan = Plan(seats=[Seat(committee_id="b", person_id="ann", role=Role.CITIZEN),
                       Seat(committee_id="a", person_id="bo", role=Role.CITIZEN)])
    return s, plan


def test_an_envy_audit_reads_in_the_language_chosen() -> None:
    s, plan = _two_committees()
    audit = envy_audit(s, plan)
    english = ("Justified envy in 2 cases: 2 citizens could take a seat on 2 committees from "
               "someone who ranked it lower, keeping every rule.")
    assert audit.summary() == english
    set_language("da")
    assert audit.summary() == (
        "Berettiget misundelse i 2 tilfælde: 2 borgere kunne tage en plads i 2 udvalg fra en, "
        "der har ønsket udvalget lavere, og stadig overholde alle regler.")
    assert str(audit.cases[0]) == ("ann (har plads i 'b', ønske nr. 2) har 'a' som ønske nr. "
                                   "1; bo, der har pladsen, har det som ønske nr. 2")
    assert EnvyAudit(cases=()).summary("nb").startswith("Ingen berettiget misunnelse: ")
    set_language("en")
    assert audit.summary("nb").startswith("Berettiget misunnelse i 2 tilfeller: ")
    one = Envy(citizen="ann", committee="a", seated="bo", citizen_rank=1, citizen_seat=None,
               citizen_seat_rank=None, seated_rank=None)
    assert str(one) == "ann (unseated) ranks 'a' 1; bo, seated there, did not rank it (open to any)"
    assert EnvyAudit(cases=[one]).summary() == (
        "Justified envy in 1 case: 1 citizen could take a seat on 1 committee from someone who "
        "ranked it lower, keeping every rule.")


def test_a_report_reads_in_the_language_chosen_when_shown() -> None:
    s, plan = _two_committees()
    found = report(s, plan, name="town")
    assert found.summary == (
        "2 committees; 2 citizens and 0 politicians seated; every rule is met.",
        "0 of 2 seated citizens (0%) sit on their first choice.")
    markdown = found.to_markdown()
    assert markdown.startswith("# Committee report: town\n")
    assert "## Made from\n\n| item | value |" in markdown
    set_language("da")  # after the report was made: it is said when shown
    assert found.summary == (
        "2 udvalg; 2 borgere og 0 politikere har fået plads; alle regler er overholdt.",
        "0 af 2 borgere med plads (0 %) sidder i det udvalg, de ønskede mest.")
    markdown = found.to_markdown()
    assert markdown.startswith("# Udvalgsrapport: town\n")
    assert "## Grundlag\n\n| punkt | værdi |" in markdown
    assert "## Opnåede ønskenumre" in markdown
    # The tables' column names are keys, in every language.
    assert "| committee_id | attribute | value | seated |" in markdown
    page = found.to_html()
    assert "<html lang='da'>" in page and "<h2>Sammenfatning</h2>" in page
    assert found.summary_text("en")[0].endswith("every rule is met.")


def test_a_report_names_the_broken_rules_and_the_drawn_plan_in_each_language() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0)],
                 citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y", "z")])
    short = Plan(seats=[Seat(committee_id="a", person_id="x", role=Role.CITIZEN)],
                 unseated_citizens=["y", "z"])
    found = report(s, short)
    assert found.summary[0] == ("1 committee; 1 citizen and 0 politicians seated; "
                                "1 rule violation: a/seats/citizens.")
    assert found.summary_text("nb")[0] == (
        "1 utvalg; 1 innbygger og 0 politikere har fått plass; 1 regel er brutt: "
        "a/seats/citizens.")
    drawn = report(s, None, lottery(s))
    assert drawn.about["plan"].startswith("drawn from the lottery with seed ")
    set_language("da")
    assert "| plan | udtrukket ved lodtrækningen med seed " in drawn.to_markdown()
    assert drawn.summary[-2].startswith("Lodtrækning: den mindste chance for en plads er ")


# -- every problem of a record at once ----------------------------------------------------------
def _directory(tmp_path: Path, mandates: str, citizens: str, politicians: str) -> Path:
    (tmp_path / "mandates.toml").write_text(mandates, encoding="utf-8")
    (tmp_path / "citizens.csv").write_text(citizens, encoding="utf-8")
    (tmp_path / "politicians.csv").write_text(politicians, encoding="utf-8")
    return tmp_path


ONE_COMMITTEE = '[[committee]]\nid = "a"\ncitizen_seats = 1\npolitician_seats = 1\n'


def test_a_politician_row_reports_its_limits_and_its_unknown_committee(tmp_path: Path) -> None:
    root = _directory(tmp_path, ONE_COMMITTEE, "id,applied_to\nc1,a\n",
                      "id,party,preferences,min_committees,max_committees\np1,A,zz,3,1\n")
    with pytest.raises(InputError) as caught:
        load_scenario(root)
    assert _codes(caught.value) == [("CM-E001", 2, "min_committees", 3),
                                    ("CM-E032", 2, "preferences", "zz")]


def test_a_citizen_row_reports_its_household_and_its_unknown_committee(tmp_path: Path) -> None:
    root = _directory(tmp_path, ONE_COMMITTEE, "id,applied_to,household\nc1,a;qq,h;h\n",
                      "id,party\np1,A\n")
    with pytest.raises(InputError) as caught:
        load_scenario(root)
    assert _codes(caught.value) == [("CM-E007", 2, "household", "h;h"),
                                    ("CM-E032", 2, "applied_to", "qq")]


def test_a_dict_citizen_reports_its_tags_and_its_unknown_committee() -> None:
    data = {"mandates": [{"id": "a", "citizen_seats": 1, "politician_seats": 0}],
            "citizens": [{"id": "c", "tags": "x", "applied_to": ["qq"]}]}
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert _codes(caught.value) == [("CM-E191", "citizens[0]", "tags", "x"),
                                    ("CM-E032", "citizens[0]", "applied_to", "qq")]


def test_an_invalid_citizen_does_not_hide_a_quota_no_citizen_can_meet() -> None:
    quota = Quota(attribute="gender", value="f", min=1)
    with pytest.raises(InputError) as caught:
        Scenario(mandates=[Mandate(id="a")], citizens=[Citizen(id="c", applied_to=["a"])],
                 quotas=[quota])
    assert [p.code for p in caught.value.problems] == ["CM-E033"]
    data = {"mandates": [{"id": "a"}],
            "citizens": [{"id": "c", "tags": "x", "applied_to": ["a"]}],
            "quotas": [{"attribute": "gender", "value": "f", "min": 1}]}
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert _codes(caught.value) == [("CM-E191", "citizens[0]", "tags", "x"),
                                    ("CM-E033", "quotas[0]", "attribute", "gender")]
    # The invalid citizen's own attributes count: then some citizen has it.
    data["citizens"][0]["attributes"] = {"gender": "f"}  # type: ignore[index]
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert [p.code for p in caught.value.problems] == ["CM-E191"]
    # A citizen that is no object at all may have had it: nothing is said of the quota.
    data["citizens"] = [5]
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert [p.code for p in caught.value.problems] == ["CM-E190"]


def test_the_files_report_a_quota_no_citizen_can_meet_beside_a_bad_row(tmp_path: Path) -> None:
    mandates = '[[quota]]\nattribute = "gender"\nvalue = "f"\nmin = 1\n\n' + ONE_COMMITTEE
    root = _directory(tmp_path, mandates, "id,applied_to,tags,gender\nc1,a,x,\nc2,a,,\n"
                      "c3,a,x;*,\n", "id,party\np1,A\n")
    with pytest.raises(InputError) as caught:
        load_scenario(root)
    assert [(p.code, p.row, p.section) for p in caught.value.problems] == [
        ("CM-E007", 4, None), ("CM-E033", None, "[[quota]] #1")]
    # The bad row has the value: some citizen has the attribute.
    (root / "citizens.csv").write_text("id,applied_to,tags,gender\nc1,a,x,\nc3,a,x;*,f\n",
                                       encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(root)
    assert [p.code for p in caught.value.problems] == ["CM-E007"]


def test_a_bad_quota_and_a_bad_committee_keep_their_other_checks(tmp_path: Path) -> None:
    mandates = ('[[quota]]\nattribute = "nope"\nvalue = "x"\nmin = 3\nmax = 1\n\n'
                '[[committee]]\nid = "a"\ncitizen_seats = "2"\npolitician_seats = 0\n')
    root = _directory(tmp_path, mandates, "id,applied_to,gender\nc1,a,f\n", "id,party\n")
    with pytest.raises(InputError) as caught:
        load_scenario(root)
    assert [(p.code, p.section, p.column) for p in caught.value.problems] == [
        ("CM-E001", "[[quota]] #1", "min"),
        ("CM-E008", "[[committee]] #1 (id 'a')", "citizen_seats"),
        ("CM-E152", "[[quota]] #1", "attribute")]  # c1 names committee a: it is known
    data = {"mandates": [{"id": "a", "citizen_seats": "1",
                          "quotas": [{"attribute": "z", "value": "1", "min": 2, "max": 1},
                                     {"attribute": "gender", "value": "f"}]}],
            "citizens": [{"id": "c", "applied_to": ["a"], "attributes": {"gender": "f"}}]}
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    assert _codes(caught.value) == [
        ("CM-E008", "mandates[0]", "citizen_seats", "1"),
        ("CM-E001", "mandates[0].quotas[0]", "min", 2),
        ("CM-E033", "mandates[0].quotas[0]", "attribute", "z")]


def test_a_bad_row_with_a_taken_id_says_so_once_in_any_language(tmp_path: Path) -> None:
    root = _directory(tmp_path, ONE_COMMITTEE, "id,applied_to,household\nc1,a,\nc1,a,h;h\n",
                      "id,party,preferences\nc1,,a\n")
    for lang in ("en", "da"):
        set_language(lang)
        with pytest.raises(InputError) as caught:
            load_scenario(root)
        assert [(p.code, p.row) for p in caught.value.problems] == [
            ("CM-E135", 3), ("CM-E007", 3), ("CM-E004", 2), ("CM-E031", 2)]


def test_a_frame_row_reports_its_unknown_committee_too() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(InputError) as caught:
        Scenario.from_frames(
            mandates=[Mandate(id="a")],
            citizens=pd.DataFrame({"id": ["c1"], "applied_to": ["a"]}),
            politicians=pd.DataFrame({"id": ["p1"], "party": ["A"], "preferences": ["zz"],
                                      "min_committees": [3], "max_committees": [1]}))
    assert _codes(caught.value) == [("CM-E001", 0, "min_committees", 3),
                                    ("CM-E032", 0, "preferences", "zz")]


# -- a capped lottery with no citizen seats ------------------------------------------------------
@pytest.mark.parametrize("method", ["leximin", "maximin"])
def test_a_capped_lottery_without_citizen_seats_gives_everyone_chance_0(method: str) -> None:
    nobody = Scenario(mandates=[Mandate(id="a", citizen_seats=0, politician_seats=1)],
                      politicians=[Politician(id="p1", party="A")])
    found = lottery(nobody, method=method, max_probability=0.5)
    assert found.status is Status.OPTIMAL and found.probabilities() == {}
    assert found.draw(0) == solve(nobody).plan
    seatless = Scenario(mandates=[Mandate(id="a", citizen_seats=0, politician_seats=0)],
                        citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y")])
    found = lottery(seatless, method=method, max_probability=0.5)
    assert found.status is Status.OPTIMAL
    assert found.probabilities() == {"x": 0.0, "y": 0.0}


def test_the_empty_case_of_the_files_draws_a_capped_lottery(tmp_path: Path) -> None:
    root = _directory(tmp_path, '[[committee]]\nid = "a"\ncitizen_seats = 0\n'
                      "politician_seats = 1\n", "id,applied_to\n", "id,party\np1,A\n")
    found = lottery(load_scenario(root), max_probability=0.5)
    assert found.status is Status.OPTIMAL and found.min_probability == 0.0
