"""The justified-envy audit: hand-made cases with known answers, and brute force through
check_plan on every swap of tiny scenarios and of the demo."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    Envy,
    EnvyAudit,
    InputError,
    Mandate,
    Plan,
    Politician,
    Quota,
    Role,
    Scenario,
    Seat,
    Violation,
    Withdrawal,
    check_plan,
    envy_audit,
    lottery,
    solve,
)
from oracle import valid_citizen_seatings
from strategies import Planted, planted_scenarios

Triple = tuple[str, str, str]  # (committee, envious citizen, seated citizen)


# -- brute force: every triple, swapped by hand and judged by check_plan --------------------------


def swapped(plan: Plan, a: str, b: str, committee: str) -> Plan:
    """``a`` takes ``b``'s seat on ``committee``; ``b`` takes ``a``'s place. No reserves."""
    seat = plan.committee_of(a)
    seats = []
    for s in plan.seats:
        if s.role is Role.CITIZEN and s.person_id == b and s.committee_id == committee:
            s = Seat(committee_id=committee, person_id=a, role=Role.CITIZEN)
        elif s.role is Role.CITIZEN and s.person_id == a:
            assert seat is not None
            s = Seat(committee_id=seat, person_id=b, role=Role.CITIZEN)
        seats.append(s)
    return Plan(seats=seats, unseated_citizens=[b if x == a else x for x in plan.unseated_citizens],
                unseated_politicians=plan.unseated_politicians, withdrawn=plan.withdrawn)


def candidates(scenario: Scenario, plan: Plan) -> Iterable[Triple]:
    """Every (c, a, b) where a prefers c to their place and b, seated on c, ranked it lower."""
    gone = plan.withdrawn_ids
    for a, c in itertools.product(scenario.citizens, scenario.committee_ids):
        rank = a.rank(c)
        if a.id in gone or rank is None or not a.can_sit_on(c):
            continue
        seat = plan.committee_of(a.id)
        own = a.rank(seat) if seat is not None else None
        if seat is not None and own is not None and own <= rank:
            continue
        for b in plan.committee(c).citizens:
            theirs = scenario.citizen(b).rank(c)
            if b != a and b not in gone and (theirs is None or theirs > rank):
                yield c, a.id, b


def brute_force(scenario: Scenario, plan: Plan) -> list[Triple]:
    return sorted(t for t in candidates(scenario, plan)
                  if check_plan(scenario, swapped(plan, t[1], t[2], t[0])) == ())


def triples(scenario: Scenario, plan: Plan) -> list[Triple]:
    return [(e.committee, e.citizen, e.seated) for e in envy_audit(scenario, plan)]


def outside(violations: Iterable[Violation]) -> dict[str, int]:
    """How far outside its limits each broken rule lies; 1 for a rule without counts."""
    found: dict[str, int] = {}
    for v in violations:
        far = abs(v.actual - v.limit) if v.actual is not None and v.limit is not None else 1
        found[v.rule] = max(found.get(v.rule, 0), far)
    return found


def brute_force_no_worse(scenario: Scenario, plan: Plan) -> list[Triple]:
    """For a plan that may break rules: the swaps after which no rule lies further outside."""
    before = outside(check_plan(scenario, plan))
    found = []
    for t in candidates(scenario, plan):
        after = outside(check_plan(scenario, swapped(plan, t[1], t[2], t[0])))
        if all(far <= before.get(rule, 0) for rule, far in after.items()):
            found.append(t)
    return sorted(found)


# -- hand-made cases -------------------------------------------------------------------------


def citizen_seat(committee: str, person: str) -> Seat:
    return Seat(committee_id=committee, person_id=person, role=Role.CITIZEN)


def climate(*citizens: Citizen, seats: int = 1, quotas: Iterable[Quota] = (),
            profiles: Iterable[CompetenceProfile] = ()) -> Scenario:
    """A committee 'climate' with ``seats`` citizen seats, 'youth' with one, and two committees
    without seats that exist only to be ranked above 'climate'."""
    return Scenario(
        mandates=[Mandate(id="climate", citizen_seats=seats, politician_seats=0,
                          quotas=quotas, profiles=profiles),
                  Mandate(id="youth", citizen_seats=1, politician_seats=0),
                  Mandate(id="x", citizen_seats=0, politician_seats=0),
                  Mandate(id="y", citizen_seats=0, politician_seats=0)],
        citizens=citizens,
    )


ANN = Citizen(id="ann", applied_to=["climate"], attributes={"g": "m"})
BO = Citizen(id="bo", applied_to=["x", "y", "climate"], attributes={"g": "f"})
YU = Citizen(id="yu", applied_to=["youth"], attributes={"g": "m"})
UNSEATED_ANN = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("youth", "yu")],
                    unseated_citizens=["ann"])


def test_an_unseated_citizen_who_ranked_the_committee_first_envies_one_who_ranked_it_third(
) -> None:
    s = climate(ANN, BO, YU)
    audit = envy_audit(s, UNSEATED_ANN)
    assert audit.cases == (Envy(citizen="ann", committee="climate", seated="bo",
                                citizen_rank=1, citizen_seat=None, citizen_seat_rank=None,
                                seated_rank=3),)
    assert bool(audit) and len(audit) == 1 and list(audit) == list(audit.cases)
    assert triples(s, UNSEATED_ANN) == brute_force(s, UNSEATED_ANN)


def test_a_quota_the_swap_would_break_leaves_no_case() -> None:
    s = climate(ANN, BO, YU, quotas=[Quota(attribute="g", value="f", min=1)])
    assert check_plan(s, UNSEATED_ANN) == ()
    assert not envy_audit(s, UNSEATED_ANN)
    assert brute_force(s, UNSEATED_ANN) == []
    assert [v.rule for v in check_plan(s, swapped(UNSEATED_ANN, "ann", "bo", "climate"))] == [
        "climate/quota/g=f"]


def test_a_global_quota_binds_only_when_the_envious_citizen_was_unseated() -> None:
    women = (Quota(attribute="g", value="f", min=1),)
    s = replace(climate(ANN, BO, YU), quotas=women)
    assert check_plan(s, UNSEATED_ANN) == ()
    assert not envy_audit(s, UNSEATED_ANN)  # ann for bo would seat no woman at all
    # Seated ann and bo trade seats: both stay seated, so the global count stays.
    t = replace(climate(Citizen(id="ann", applied_to=["climate", "youth"], attributes={"g": "m"}),
                        Citizen(id="bo", applied_to=["x", "climate", "youth"],
                                attributes={"g": "f"})), quotas=women)
    plan = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("youth", "ann")])
    assert triples(t, plan) == [("climate", "ann", "bo")] == brute_force(t, plan)


def test_a_household_the_swap_would_break_leaves_no_case() -> None:
    s = climate(Citizen(id="ann", applied_to=["climate"], household="h"), BO,
                Citizen(id="yu", applied_to=["youth"], household="h"))
    assert check_plan(s, UNSEATED_ANN) == ()
    assert not envy_audit(s, UNSEATED_ANN)
    assert brute_force(s, UNSEATED_ANN) == []


def test_a_swap_within_one_household_keeps_the_household_rule() -> None:
    # bo leaves as ann comes in: the household still has one seat.
    s = climate(Citizen(id="ann", applied_to=["climate"], household="h"),
                Citizen(id="bo", applied_to=["x", "climate"], household="h"), YU)
    assert triples(s, UNSEATED_ANN) == [("climate", "ann", "bo")] == brute_force(s, UNSEATED_ANN)


def test_a_seated_citizen_who_prefers_the_committee_swaps_with_one_who_can_take_their_seat(
) -> None:
    s = climate(Citizen(id="ann", applied_to=["climate", "youth"]),
                Citizen(id="bo", applied_to=["youth", "climate"]))
    plan = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("youth", "ann")])
    # Each would rather have the other's seat, so the one swap shows from both sides.
    assert envy_audit(s, plan).cases == (
        Envy(citizen="ann", committee="climate", seated="bo", citizen_rank=1,
             citizen_seat="youth", citizen_seat_rank=2, seated_rank=2),
        Envy(citizen="bo", committee="youth", seated="ann", citizen_rank=1,
             citizen_seat="climate", citizen_seat_rank=2, seated_rank=2))
    assert triples(s, plan) == brute_force(s, plan)


def test_a_seated_citizen_open_to_any_envies_from_an_unranked_seat() -> None:
    s = climate(Citizen(id="ann", applied_to=["climate"], open_to_any=True),
                Citizen(id="bo", applied_to=["youth", "climate"]))
    plan = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("youth", "ann")])
    ann, bo = envy_audit(s, plan)
    assert (ann.citizen, ann.citizen_seat, ann.citizen_seat_rank) == ("ann", "youth", None)
    assert "seated on 'youth', not ranked" in str(ann)
    # ann did not rank youth, so bo, who ranked it first, envies her seat there.
    assert (bo.citizen, bo.committee, bo.seated_rank) == ("bo", "youth", None)
    assert triples(s, plan) == brute_force(s, plan)


def test_no_case_when_the_seated_citizen_cannot_sit_on_the_envious_citizens_committee(
) -> None:
    s = climate(Citizen(id="ann", applied_to=["climate", "youth"]),
                Citizen(id="bo", applied_to=["x", "climate"]))
    plan = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("youth", "ann")])
    assert check_plan(s, plan) == ()
    assert not envy_audit(s, plan)
    assert brute_force(s, plan) == []


def test_no_case_when_the_seated_citizen_ranked_the_committee_as_high() -> None:
    s = climate(ANN, Citizen(id="bo", applied_to=["climate"]), YU)
    assert not envy_audit(s, UNSEATED_ANN)


def test_people_who_withdrew_and_politicians_take_no_part() -> None:
    s = Scenario(
        mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=1),
                  Mandate(id="x", citizen_seats=0, politician_seats=0)],
        citizens=[ANN, Citizen(id="bo", applied_to=["x", "climate"])],
        politicians=[Politician(id="p1", party="A", preferences=["climate"]),
                     Politician(id="p2", party="B", preferences=["x", "climate"])],
    )
    plan = Plan(seats=[citizen_seat("climate", "bo"),
                       Seat(committee_id="climate", person_id="p2", role=Role.POLITICIAN)],
                unseated_politicians=["p1"], withdrawn=[Withdrawal(person_id="ann")])
    assert check_plan(s, plan) == ()
    assert not envy_audit(s, plan)
    back = Plan(seats=plan.seats, unseated_citizens=["ann"], unseated_politicians=["p1"])
    assert triples(s, back) == [("climate", "ann", "bo")]


def test_a_plan_that_breaks_a_rule_may_keep_it_broken_but_not_worse() -> None:
    # climate needs two women and seats one (bo); ann and cy (a woman) ranked it first.
    s = climate(ANN, BO, Citizen(id="cy", applied_to=["climate"], attributes={"g": "f"}),
                Citizen(id="di", applied_to=["x", "climate"], attributes={"g": "m"}), YU,
                seats=2, quotas=[Quota(attribute="g", value="f", min=2)])
    plan = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("climate", "di"),
                       citizen_seat("youth", "yu")], unseated_citizens=["ann", "cy"])
    assert [v.rule for v in check_plan(s, plan)] == ["climate/quota/g=f"]
    # ann for bo would leave no woman (worse); ann for di keeps one (as broken as before);
    # cy for bo keeps one; cy for di seats two (repaired).
    expected = [("climate", "ann", "di"), ("climate", "cy", "bo"), ("climate", "cy", "di")]
    assert triples(s, plan) == expected == brute_force_no_worse(s, plan)
    assert check_plan(s, swapped(plan, "cy", "di", "climate")) == ()
    assert check_plan(s, swapped(plan, "ann", "di", "climate")) != ()


def test_the_order_of_rows_does_not_change_the_audit() -> None:
    people = [Citizen(id=f"a{i}", applied_to=["climate", "youth"]) for i in range(3)]
    people += [Citizen(id="bo", applied_to=["x", "climate"]),
               Citizen(id="b2", applied_to=["y", "climate"])]
    s = climate(*people, seats=2)
    plan = Plan(seats=[citizen_seat("climate", "bo"), citizen_seat("climate", "b2"),
                       citizen_seat("youth", "a1")], unseated_citizens=["a0", "a2"])
    rows = Plan(seats=plan.seats[::-1], unseated_citizens=plan.unseated_citizens[::-1])
    shuffled = Scenario(mandates=s.mandates[::-1], citizens=s.citizens[::-1])
    audit = envy_audit(s, plan)
    assert len(audit) == 4  # a0 and a2, each for bo and b2; a1 cannot leave youth to either
    assert envy_audit(shuffled, rows) == audit
    # Sorted by committee, then citizen, then the one seated; the same triples as brute force.
    assert [(e.committee, e.citizen, e.seated) for e in audit] == brute_force(s, plan)
    assert [(e.committee, e.citizen, e.seated) for e in audit] == [
        ("climate", "a0", "b2"), ("climate", "a0", "bo"), ("climate", "a2", "b2"),
        ("climate", "a2", "bo")]


# -- the result's tables and words -----------------------------------------------------------


def test_to_frame_has_one_row_per_case_with_integer_ranks() -> None:
    frame = envy_audit(climate(ANN, BO, YU), UNSEATED_ANN).to_frame()
    assert list(frame.columns) == ["citizen", "committee", "seated", "citizen_rank",
                                   "citizen_seat", "citizen_seat_rank", "seated_rank"]
    assert frame.loc[0, ["citizen", "committee", "seated"]].tolist() == ["ann", "climate", "bo"]
    assert {frame[c].dtype for c in ("citizen_rank", "citizen_seat_rank", "seated_rank")} == {
        pd.Int64Dtype()}
    assert frame.loc[0, "citizen_rank"] == 1 and frame.loc[0, "seated_rank"] == 3
    assert frame.loc[0, "citizen_seat_rank"] is pd.NA and frame.loc[0, "citizen_seat"] is None
    empty = EnvyAudit(cases=()).to_frame()
    assert len(empty) == 0 and empty["seated_rank"].dtype == pd.Int64Dtype()


def test_summary_says_plainly_whether_there_is_envy() -> None:
    none = envy_audit(climate(ANN, BO, YU, quotas=[Quota(attribute="g", value="f", min=1)]),
                      UNSEATED_ANN)
    assert none.summary().startswith("No justified envy: ")
    some = envy_audit(climate(ANN, BO, YU), UNSEATED_ANN).summary()
    assert some == ("Justified envy in 1 case: 1 citizen could take a seat on 1 committee "
                    "from someone who ranked it lower, keeping every rule.")


def test_bad_arguments_raise_input_error_naming_them() -> None:
    s = climate(ANN, BO, YU)
    with pytest.raises(InputError) as err:
        envy_audit(s, Plan(seats=[citizen_seat("climate", "bo")]))
    assert {p.value for p in err.value.problems} == {"ann", "yu"}
    with pytest.raises(InputError) as err:
        envy_audit("scenario", UNSEATED_ANN)  # type: ignore[arg-type]
    assert [p.column for p in err.value.problems] == ["scenario"]
    with pytest.raises(InputError):
        EnvyAudit(cases=("ann",))  # type: ignore[arg-type]


# -- brute force over tiny scenarios ---------------------------------------------------------

TINY = {"max_committees": 2, "max_citizen_seats": 3, "max_politician_seats": 2,
        "min_citizens": 3, "max_citizens": 6, "max_politicians": 3}


def with_citizens(plan: Plan, scenario: Scenario, choice: Iterable[str | None]) -> Plan:
    """``plan``'s politicians, with the citizens seated as ``choice`` says (scenario order)."""
    pairs = list(zip(scenario.citizens, choice, strict=True))
    return Plan(seats=[*(s for s in plan.seats if s.role is Role.POLITICIAN),
                       *(citizen_seat(cid, c.id) for c, cid in pairs if cid is not None)],
                unseated_citizens=[c.id for c, cid in pairs if cid is None],
                unseated_politicians=plan.unseated_politicians)


@given(planted=planted_scenarios(**TINY))
def test_the_audit_finds_exactly_the_swaps_check_plan_accepts(planted: Planted) -> None:
    s = planted.scenario
    solved = solve(s).plan
    assert solved is not None  # feasible by construction
    # Tiny scenarios have a handful of valid seatings (a few on average): audit them all.
    seatings = itertools.islice(valid_citizen_seatings(s), 50)
    for plan in (solved, planted.plan, *(with_citizens(planted.plan, s, c) for c in seatings)):
        assert check_plan(s, plan) == ()
        assert triples(s, plan) == brute_force(s, plan)


@given(planted=planted_scenarios(**TINY), data=st.data())
def test_on_a_plan_that_breaks_rules_no_swap_makes_a_rule_worse(planted: Planted,
                                                                 data: st.DataObject) -> None:
    s = planted.scenario
    # Any seating where each citizen may sit: it may break seats, profiles, quotas, households.
    choice = [data.draw(st.sampled_from([None, *(m.id for m in s.mandates
                                                 if m.citizen_seats and c.can_sit_on(m.id))]))
              for c in s.citizens]
    plan = with_citizens(planted.plan, s, choice)
    assert triples(s, plan) == brute_force_no_worse(s, plan)


# -- the demo --------------------------------------------------------------------------------


def test_demo_audit_runs_and_every_case_is_confirmed_by_check_plan() -> None:
    from cocreate_match.demo import demo_scenario

    s = demo_scenario()
    optimal = solve(s).plan
    assert optimal is not None
    audit = envy_audit(s, optimal)
    # The optimal plan seats nobody where a higher-ranking applicant could swap in: brute
    # force over every candidate swap agrees.
    assert triples(s, optimal) == brute_force(s, optimal) == []
    sentence = audit.summary()
    assert sentence.endswith(".") and "\n" not in sentence
    assert sentence.startswith("No justified envy: ")
    # A panel of the fair lottery trades rank for chance, so it leaves envy to find.
    _, panel = next(iter(lottery(s).plans()))
    found = envy_audit(s, panel)
    assert found and found.summary().startswith("Justified envy in ")
    for e in found:
        assert check_plan(s, swapped(panel, e.citizen, e.seated, e.committee)) == ()
