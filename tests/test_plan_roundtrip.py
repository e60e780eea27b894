"""plan.csv round trip: ``read_plan`` of what ``Plan.to_csv`` wrote is the same plan.

Plans are drawn with seats, unseated citizens and politicians, ranked reserves and
withdrawals (with and without committees, and with dates or rounds holding commas, quotes
and other characters), and written with and without a scenario (which adds the ``rank`` and
``profiles`` columns).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    InputError,
    Mandate,
    Plan,
    Politician,
    Reserve,
    Role,
    Scenario,
    Seat,
    Withdrawal,
    read_plan,
)

# Identifiers as a scenario accepts them: not empty, no surrounding spaces, no ';', not '*',
# no control characters. Commas, quotes and characters beyond ASCII are welcome; they are what
# CSV quoting is for.
ID_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=";")
IDS = st.text(ID_CHARS, min_size=1, max_size=8).filter(
    lambda v: v == v.strip() and v != "*")


def accepted_when(text: str) -> bool:
    """Whether a Withdrawal takes ``text`` as its date or round."""
    try:
        Withdrawal(person_id="w", when=text)
    except InputError:
        return False
    return True


ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
# A date or round as Withdrawal accepts it, whatever it refuses (a newline, at least).
WHEN = ANY_TEXT.filter(accepted_when)
FRIENDLY_WHEN = st.sampled_from(["", "2027-03", "round 2, March", 'the "spring" round',
                                 "Jægersborg, marts 2027", "第二轮", "a,b,\"c\""])


def _subset(draw: st.DrawFn, items: list[str]) -> list[str]:
    return draw(st.lists(st.sampled_from(items), unique=True)) if items else []


@st.composite
def plans_with_people(draw: st.DrawFn, when: st.SearchStrategy[str] = WHEN
                      ) -> tuple[Plan, Scenario]:
    """A plan over drawn committees and people, and a scenario with those people in it.

    The plan is well formed (a reserve is an unseated citizen, reserve once; each person in
    one part of the plan) but need not meet the scenario's rules.
    """
    names = draw(st.lists(IDS, unique=True, min_size=2, max_size=24))
    n_committees = draw(st.integers(1, min(3, len(names) - 1)))
    committees, people = names[:n_committees], names[n_committees:]
    split = draw(st.integers(0, len(people)))
    citizens, politicians = people[:split], people[split:]

    # Citizens: seated, withdrawn, or unseated (some of those reserves).
    parts = [draw(st.sampled_from(("seated", "unseated", "withdrawn"))) for _ in citizens]
    seats = [Seat(committee_id=draw(st.sampled_from(committees)), person_id=pid,
                  role=Role.CITIZEN)
             for pid, part in zip(citizens, parts, strict=True) if part == "seated"]
    unseated = [pid for pid, part in zip(citizens, parts, strict=True) if part == "unseated"]
    reserves = [Reserve(committee_id=draw(st.sampled_from(committees)), person_id=pid,
                        rank=draw(st.integers(1, 10**12)))
                for pid in _subset(draw, unseated)]
    withdrawn = [Withdrawal(person_id=pid, committee_ids=_subset(draw, committees),
                            when=draw(when))
                 for pid, part in zip(citizens, parts, strict=True) if part == "withdrawn"]
    # Politicians: on a few committees, on none, or withdrawn.
    unseated_politicians = []
    for pid in politicians:
        part = draw(st.sampled_from(("seated", "unseated", "withdrawn")))
        if part == "withdrawn":
            withdrawn.append(Withdrawal(person_id=pid, committee_ids=_subset(draw, committees),
                                        when=draw(when)))
            continue
        on = _subset(draw, committees) if part == "seated" else []
        seats += [Seat(committee_id=cid, person_id=pid, role=Role.POLITICIAN) for cid in on]
        if not on:
            unseated_politicians.append(pid)
    seats = draw(st.permutations(seats))
    plan = Plan(seats=seats, unseated_citizens=draw(st.permutations(unseated)),
                unseated_politicians=draw(st.permutations(unseated_politicians)),
                reserves=draw(st.permutations(reserves)),
                withdrawn=draw(st.permutations(withdrawn)))

    tags = ["t0", "t1"]
    scenario = Scenario(
        mandates=[Mandate(id=cid, citizen_seats=1, politician_seats=1, profiles=[
            CompetenceProfile(name=f"p{k}", any_of=_subset(draw, tags) or ["t0"])
            for k in range(draw(st.integers(0, 2)))]) for cid in committees],
        citizens=[Citizen(id=pid, applied_to=_subset(draw, committees),
                          open_to_any=draw(st.booleans()), tags=_subset(draw, tags))
                  for pid in citizens],
        politicians=[Politician(id=pid, party="A", preferences=_subset(draw, committees))
                     for pid in politicians])
    return plan, scenario


def write_read(plan: Plan, path: Path, scenario: Scenario | None) -> Plan:
    plan.to_csv(path, scenario)
    return read_plan(path)


@settings(max_examples=150, deadline=None)
@given(case=plans_with_people(FRIENDLY_WHEN), annotate=st.booleans())
def test_a_plan_reads_back_equal(case: tuple[Plan, Scenario], annotate: bool,
                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    plan, scenario = case
    path = tmp_path_factory.mktemp("plan") / "plan.csv"
    back = write_read(plan, path, scenario if annotate else None)
    assert back == plan
    assert hash(back) == hash(plan)
    assert set(back.seats) == set(plan.seats)
    assert set(back.reserves) == set(plan.reserves)
    assert {(w.person_id, frozenset(w.committee_ids), w.when) for w in back.withdrawn} == {
        (w.person_id, frozenset(w.committee_ids), w.when) for w in plan.withdrawn}
    # Written again, the plan read back gives the same bytes.
    again = path.with_name("again.csv")
    back.to_csv(again, scenario if annotate else None)
    assert again.read_bytes() == path.read_bytes()


@settings(max_examples=150, deadline=None)
@given(case=plans_with_people(), annotate=st.booleans())
def test_any_withdrawal_text_reads_back_equal(case: tuple[Plan, Scenario], annotate: bool,
                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    # The date or round of a withdrawal is free text: whatever Withdrawal accepts must
    # survive plan.csv exactly.
    plan, scenario = case
    path = tmp_path_factory.mktemp("plan") / "plan.csv"
    back = write_read(plan, path, scenario if annotate else None)
    assert sorted((w.person_id, w.when) for w in back.withdrawn) == sorted(
        (w.person_id, w.when) for w in plan.withdrawn)
    assert back == plan


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT)
def test_a_withdrawal_text_is_refused_or_kept_exactly(
        text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Text plan.csv could not hold (a newline; spaces that reading strips) must be refused
    # when the withdrawal is made, never changed on the way through the file.
    if not accepted_when(text):
        assert "\n" in text or text != text.strip() or not text.isprintable()
        return
    plan = Plan(seats=[], unseated_citizens=["a"],
                withdrawn=[Withdrawal(person_id="w", committee_ids=["k"], when=text),
                           Withdrawal(person_id="v", when=text)])
    back = write_read(plan, tmp_path_factory.mktemp("plan") / "plan.csv", None)
    assert {w.when for w in back.withdrawn} == {text}
    assert back == plan


def test_ordinary_dates_and_rounds_are_accepted() -> None:
    # Guards the property above: refusing every text would pass it.
    for text in ("", "2027-03", "round 2, March", 'the "spring" round', "Jægersborg, marts 2027",
                 "第二轮"):
        assert accepted_when(text), text


@pytest.mark.parametrize("text", [" 2027-03", "2027-03 ", "\t2027", "2027\u00a0", "a\rb"])
def test_a_withdrawal_text_plan_csv_cannot_hold_is_refused_or_kept(text: str,
                                                                   tmp_path: Path) -> None:
    # read_plan strips cells, and a lone carriage return ends a row: such text must be
    # refused when the withdrawal is made, or come back exactly.
    if accepted_when(text):
        plan = Plan(seats=[], withdrawn=[Withdrawal(person_id="w", committee_ids=["k"],
                                                    when=text)])
        assert write_read(plan, tmp_path / "p.csv", None) == plan


@pytest.mark.parametrize("where", ["person", "committee"])
def test_an_id_with_a_carriage_return_is_refused_or_survives_plan_csv(
        where: str, tmp_path: Path) -> None:
    # A carriage return inside an id: either the scenario refuses the id, or plan.csv keeps
    # it (csv.writer quotes only the characters of its line terminator, and the reader takes
    # a lone carriage return as the end of a row).
    odd = "c\r1"
    person, committee = (odd, "k") if where == "person" else ("c1", odd)
    try:
        scenario = Scenario(
            mandates=[Mandate(id=committee, citizen_seats=1, politician_seats=0)],
            citizens=[Citizen(id=person, applied_to=[committee]),
                      Citizen(id="c2", applied_to=[committee])])
    except InputError:
        return  # refused up front: nothing can go wrong in plan.csv
    plan = Plan(seats=[Seat(committee_id=committee, person_id=person, role=Role.CITIZEN)],
                unseated_citizens=["c2"],
                reserves=[Reserve(committee_id=committee, person_id="c2", rank=1)])
    for annotated in (None, scenario):
        path = tmp_path / "plan.csv"
        assert write_read(plan, path, annotated) == plan


@settings(max_examples=60, deadline=None)
@given(case=plans_with_people(FRIENDLY_WHEN), data=st.data())
def test_the_same_plan_in_another_order_reads_back_equal(
        case: tuple[Plan, Scenario], data: st.DataObject,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    plan, scenario = case
    other = Plan(seats=data.draw(st.permutations(plan.seats)),
                 unseated_citizens=data.draw(st.permutations(plan.unseated_citizens)),
                 unseated_politicians=data.draw(st.permutations(plan.unseated_politicians)),
                 reserves=data.draw(st.permutations(plan.reserves)),
                 withdrawn=[Withdrawal(person_id=w.person_id, when=w.when,
                                       committee_ids=data.draw(st.permutations(w.committee_ids)))
                            for w in data.draw(st.permutations(plan.withdrawn))])
    assert other == plan and hash(other) == hash(plan)
    directory = tmp_path_factory.mktemp("plan")
    assert write_read(other, directory / "other.csv", scenario) == plan
    assert write_read(plan, directory / "plan.csv", None) == other


def test_plans_that_differ_do_not_read_back_equal(tmp_path: Path) -> None:
    # Guards the properties above: equality sees every part of a plan.
    base = Plan(seats=[Seat(committee_id="k", person_id="a", role=Role.CITIZEN)],
                unseated_citizens=["b", "c"], unseated_politicians=["p"],
                reserves=[Reserve(committee_id="k", person_id="b", rank=1)],
                withdrawn=[Withdrawal(person_id="w", committee_ids=["k"], when="2027-03")])
    variants = [
        Plan(seats=[Seat(committee_id="j", person_id="a", role=Role.CITIZEN)],
             unseated_citizens=base.unseated_citizens, unseated_politicians=["p"],
             reserves=base.reserves, withdrawn=base.withdrawn),
        Plan(seats=base.seats, unseated_citizens=["b", "c"], unseated_politicians=["p"],
             reserves=[Reserve(committee_id="k", person_id="b", rank=2)],
             withdrawn=base.withdrawn),
        Plan(seats=base.seats, unseated_citizens=["b", "c"], unseated_politicians=["p"],
             reserves=base.reserves,
             withdrawn=[Withdrawal(person_id="w", committee_ids=["k"], when="2027-04")]),
        Plan(seats=base.seats, unseated_citizens=["b", "c"], unseated_politicians=["p"],
             reserves=base.reserves, withdrawn=[Withdrawal(person_id="w", when="2027-03")]),
    ]
    back = write_read(base, tmp_path / "base.csv", None)
    assert back == base
    for k, variant in enumerate(variants):
        assert write_read(variant, tmp_path / f"v{k}.csv", None) != back


def test_withdrawal_rows_in_the_file(tmp_path: Path) -> None:
    plan = Plan(seats=[Seat(committee_id="k", person_id="a", role=Role.CITIZEN)],
                withdrawn=[Withdrawal(person_id="p", committee_ids=["k", "j"],
                                      when='round 2, "late"'),
                           Withdrawal(person_id="c", when="")])
    path = tmp_path / "plan.csv"
    plan.to_csv(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["committee_id", "person_id", "role", "withdrawn"],
                    ["k", "a", "citizen", ""],
                    ["k", "p", "withdrawn", 'round 2, "late"'],
                    ["j", "p", "withdrawn", 'round 2, "late"'],
                    ["", "c", "withdrawn", ""]]
    assert read_plan(path) == plan
