"""Re-planning: solve(keep=, force=, forbid=), replace_dropouts() over several rounds, the changes
they report, and their commands.

Every optimum is checked against an answer computed without the library's model: brute force
over every refill of the freed seats (replacement order), and an integer programme over one
0/1 variable per person and seat written in ``oracle.py`` (fewest moves, then best score).
Validity is always judged by :func:`check_plan`.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from cocreate_match import (
    Change,
    Citizen,
    CompetenceProfile,
    InputError,
    Mandate,
    Plan,
    Politician,
    Quota,
    Reserve,
    Role,
    Scenario,
    Seat,
    SolveResult,
    Status,
    Withdrawal,
    add_reserves,
    adhoc_invitations,
    check_plan,
    plan_score,
    read_plan,
    replace_dropouts,
    save_scenario,
    solve,
)
from cocreate_match.cli import main
from cocreate_match.demo import demo_scenario
from oracle import replan_optimum
from strategies import Planted, planted_scenarios

# -- helpers ------------------------------------------------------------------------------------


def may_sit(citizen: Citizen, committee: str) -> bool:
    """Rule 2 as the README states it: listed in applied_to, or open to any committee."""
    return citizen.open_to_any or committee in citizen.applied_to


def seat_set(plan: Plan) -> set[tuple[str, str, Role]]:
    return {(s.committee_id, s.person_id, s.role) for s in plan.seats}


def moves_between(before: Plan, after: Plan) -> int:
    """Seats of ``before`` that ``after`` does not hold."""
    kept = {(s.committee_id, s.person_id) for s in after.seats}
    return sum(1 for s in before.seats if (s.committee_id, s.person_id) not in kept)


def seated_ids(plan: Plan) -> set[str]:
    return {s.person_id for s in plan.seats}


def withdrawals(plan: Plan) -> list[tuple[str, tuple[str, ...], str]]:
    return sorted((w.person_id, tuple(sorted(w.committee_ids)), w.when) for w in plan.withdrawn)


def with_mandate(scenario: Scenario, k: int, **changes: Any) -> Scenario:
    mandates = list(scenario.mandates)
    mandates[k] = replace(mandates[k], **changes)
    return replace(scenario, mandates=tuple(mandates))


def refillable(scenario: Scenario, plan: Plan, gone: Sequence[str]) -> bool:
    """Whether the oracle finds a plan keeping every seat of those who stay, without ``gone``
    and the people who withdrew before."""
    force = [(s.person_id, s.committee_id) for s in plan.seats if s.person_id not in gone]
    return replan_optimum(scenario, force=force,
                          withdrawn=set(gone) | plan.withdrawn_ids) is not None


def pick_dropouts(scenario: Scenario, plan: Plan, rng: random.Random, citizens: Sequence[str],
                  n_citizens: int, n_politicians: int) -> list[str]:
    """Drop-outs drawn at random whose seats the oracle can refill; each draw it cannot
    refill must be INFEASIBLE for replace_dropouts too."""
    politicians = sorted({s.person_id for s in plan.seats if s.role is Role.POLITICIAN})
    for _ in range(20):
        gone = rng.sample(sorted(citizens), n_citizens) + rng.sample(politicians, n_politicians)
        if refillable(scenario, plan, gone):
            return gone
        assert replace_dropouts(scenario, plan, gone).status is Status.INFEASIBLE
    raise AssertionError("no refillable drop-outs in 20 draws")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process run."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# -- 1a. the replacement order, by brute force over every refill ------------------------------


@st.composite
def replacement_cases(draw: st.DrawFn) -> tuple[Scenario, Plan, list[str]]:
    """Two committees of 1-2 citizen seats, 4-7 citizens, a valid plan in force with 0-3
    ranked reserves per committee (and now and then an earlier withdrawal), and 1-2 seated
    citizens who drop out.

    The plan in force is drawn first among every seating that fills the seats and keeps the
    households apart, and the profiles and quotas (when any) are drawn around it, so that it
    meets every rule; the bounds are often tight, so refills have to respect them.
    """
    ids = ["k0", "k1"]
    seats = {cid: draw(st.integers(1, 2), label=f"seats {cid}") for cid in ids}
    n = draw(st.integers(4, 7), label="citizens")
    people = []
    for i in range(n):
        applied = draw(st.lists(st.sampled_from(ids), unique=True, max_size=2))
        people.append(Citizen(
            id=f"c{i}", applied_to=applied, open_to_any=not applied or draw(st.booleans()),
            tags=draw(st.frozensets(st.sampled_from(("t0", "t1")))),
            household=draw(st.none() | st.none() | st.sampled_from(("h0", "h1"))),
            attributes={"g": draw(st.sampled_from(("f", "m")))}))
    options = [[None, *(cid for cid in ids if may_sit(c, cid))] for c in people]
    plantable = []
    for choice in itertools.product(*options):
        if any(choice.count(cid) != seats[cid] for cid in ids):
            continue
        homes = [c.household for c, x in zip(people, choice, strict=True)
                 if x is not None and c.household]
        if len(homes) == len(set(homes)):
            plantable.append(choice)
    assume(plantable)
    choice = draw(st.sampled_from(plantable), label="plan in force")
    on = {cid: [c for c, x in zip(people, choice, strict=True) if x == cid] for cid in ids}

    def bracket(count: int) -> tuple[int, int | None]:
        low = draw(st.integers(0, count))
        return low, draw(st.none() | st.integers(count, count + 1))

    mandates = []
    for cid in ids:
        profiles, quotas = [], []
        if draw(st.booleans()):
            any_of = draw(st.frozensets(st.sampled_from(("t0", "t1")), min_size=1))
            low, high = bracket(sum(1 for c in on[cid] if c.tags & any_of))
            profiles.append(CompetenceProfile(name="p", any_of=any_of, min=low, max=high))
        if draw(st.booleans()):
            low, high = bracket(sum(1 for c in on[cid] if c.attributes["g"] == "f"))
            quotas.append(Quota(attribute="g", value="f", min=low, max=high))
        mandates.append(Mandate(id=cid, citizen_seats=seats[cid], politician_seats=0,
                                profiles=profiles, quotas=quotas))
    global_quotas = []
    if draw(st.booleans()):
        low, high = bracket(sum(1 for c in on["k0"] + on["k1"] if c.attributes["g"] == "m"))
        global_quotas.append(Quota(attribute="g", value="m", min=low, max=high))
    scenario = Scenario(mandates=mandates, citizens=people, quotas=global_quotas)

    unseated = [c for c, x in zip(people, choice, strict=True) if x is None]
    reserves: list[Reserve] = []
    taken: set[str] = set()
    for cid in ids:
        pool = [c.id for c in unseated if may_sit(c, cid) and c.id not in taken]
        chosen = draw(st.lists(st.sampled_from(pool), unique=True, max_size=min(3, len(pool)))
                      if pool else st.just([]), label=f"reserves {cid}")
        taken |= set(chosen)
        reserves += [Reserve(committee_id=cid, person_id=pid, rank=r)
                     for r, pid in enumerate(chosen, start=1)]
    earlier: list[Withdrawal] = []
    others = [c.id for c in unseated if c.id not in taken]
    if others and draw(st.integers(0, 2)) == 0:
        earlier.append(Withdrawal(person_id=draw(st.sampled_from(others)), when="round 0"))
    gone = {w.person_id for w in earlier}
    plan = Plan(seats=[Seat(committee_id=x, person_id=c.id, role=Role.CITIZEN)
                       for c, x in zip(people, choice, strict=True) if x is not None],
                unseated_citizens=[c.id for c in unseated if c.id not in gone],
                reserves=reserves, withdrawn=earlier)
    seated = [s.person_id for s in plan.seats]
    dropouts = draw(st.lists(st.sampled_from(seated), unique=True, min_size=1, max_size=2),
                    label="dropouts")
    return scenario, plan, dropouts


def refills(scenario: Scenario, plan: Plan, dropouts: Sequence[str],
            when: str) -> Iterator[Plan]:
    """Every plan that keeps the other seats, fills the freed ones with citizens who are
    neither seated nor withdrawn, and records the drop-outs; valid or not."""
    gone = set(dropouts) | plan.withdrawn_ids
    kept = [s for s in plan.seats if s.person_id not in gone]
    free = [(m.id, m.citizen_seats - sum(1 for s in kept if s.committee_id == m.id))
            for m in scenario.mandates]
    sitting = {s.person_id for s in kept}
    candidates = [c for c in scenario.citizens if c.id not in sitting and c.id not in gone]
    left = tuple(Withdrawal(person_id=pid, when=when, committee_ids=tuple(
        s.committee_id for s in plan.seats if s.person_id == pid)) for pid in dropouts)

    def fill(k: int, used: frozenset[str]) -> Iterator[list[Seat]]:
        if k == len(free):
            yield []
            return
        cid, count = free[k]
        pool = [c.id for c in candidates if c.id not in used and may_sit(c, cid)]
        for group in itertools.combinations(pool, count):
            for rest in fill(k + 1, used | set(group)):
                yield [Seat(committee_id=cid, person_id=pid, role=Role.CITIZEN)
                       for pid in group] + rest

    for added in fill(0, frozenset()):
        on = sitting | {s.person_id for s in added}
        yield Plan(seats=kept + added,
                   unseated_citizens=[c.id for c in candidates if c.id not in on],
                   withdrawn=plan.withdrawn + left)


def order_vector(scenario: Scenario, before: Plan, after: Plan) -> tuple[int, ...]:
    """(rank-1 reserves of ``before`` seated on their committee, rank-2, ..., plan score)."""
    depth = max((len(before.reserves_for(m.id)) for m in scenario.mandates), default=0)
    seats = seat_set(after)
    counts = [sum(1 for m in scenario.mandates
                  if len(before.reserves_for(m.id)) > r
                  and (m.id, before.reserves_for(m.id)[r], Role.CITIZEN) in seats)
              for r in range(depth)]
    return (*counts, plan_score(scenario, after))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(case=replacement_cases(), seed=st.integers(0, 3))
def test_replacement_follows_the_exact_order_of_reserves_then_score(
        case: tuple[Scenario, Plan, list[str]], seed: int) -> None:
    scenario, plan, dropouts = case
    assert check_plan(scenario, plan) == ()  # the plan in force is valid by construction
    valid = {}
    for candidate in refills(scenario, plan, dropouts, "round 1"):
        if check_plan(scenario, candidate) == ():
            valid[frozenset(seat_set(candidate))] = order_vector(scenario, plan, candidate)
    result = replace_dropouts(scenario, plan, dropouts, seed=seed, when="round 1")
    event("no refill" if not valid else f"{len(valid)} valid refills")
    if not valid:
        assert result.status is Status.INFEASIBLE and result.plan is None
        assert result.explanation is not None and result.explanation.rule_names
        return
    assert result.status is Status.OPTIMAL, result.message
    assert result.plan is not None
    new = result.plan
    # The new plan is one of the refills that meet every rule ...
    assert frozenset(seat_set(new)) in valid
    assert check_plan(scenario, new) == ()
    # ... and the best of them in the order: rank-1 reserves, rank-2, ..., then the score.
    assert order_vector(scenario, plan, new) == max(valid.values())
    event("a reserve seated" if any(c.reserve_rank for c in result.changes) else "no reserve")
    assert result.objective == plan_score(scenario, new)
    # The drop-outs withdrew at 'round 1'; the earlier withdrawal stays as it was.
    assert withdrawals(new) == sorted(
        [(w.person_id, tuple(sorted(w.committee_ids)), w.when) for w in plan.withdrawn]
        + [(pid, (plan.committee_of(pid),), "round 1") for pid in dropouts])
    assert not new.withdrawn_ids & seated_ids(new)
    assert not new.withdrawn_ids & {r.person_id for r in new.reserves}
    assert_changes(scenario, plan, new, result)


def test_the_refill_enumeration_sees_the_one_valid_refill() -> None:
    # Guards the brute force above: k0 needs someone tagged t0; only b (not a reserve) is.
    scenario = Scenario(
        mandates=[Mandate(id="k0", citizen_seats=1, politician_seats=0,
                          profiles=[CompetenceProfile(name="p", any_of=["t0"], min=1)]),
                  Mandate(id="k1", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="a", applied_to=["k0"], tags=["t0"]),
                  Citizen(id="b", applied_to=["k0"], tags=["t0"]),
                  Citizen(id="r", applied_to=["k0", "k1"]),
                  Citizen(id="z", applied_to=["k1"])])
    plan = Plan(seats=[Seat(committee_id="k0", person_id="a", role=Role.CITIZEN),
                       Seat(committee_id="k1", person_id="z", role=Role.CITIZEN)],
                unseated_citizens=["b", "r"],
                reserves=[Reserve(committee_id="k0", person_id="r", rank=1)])
    every = list(refills(scenario, plan, ["a"], ""))
    assert {frozenset(seat_set(p)) for p in every} == {
        frozenset({("k0", "b", Role.CITIZEN), ("k1", "z", Role.CITIZEN)}),
        frozenset({("k0", "r", Role.CITIZEN), ("k1", "z", Role.CITIZEN)})}
    valid = [p for p in every if check_plan(scenario, p) == ()]
    assert [p.committee("k0").citizens for p in valid] == [("b",)]
    # No reserve seated; b and z sit on their only choice, 2 points each (L = 2).
    assert order_vector(scenario, plan, valid[0]) == (0, 4)
    result = replace_dropouts(scenario, plan, ["a"])
    assert result.plan is not None and result.plan.committee("k0").citizens == ("b",)


# -- 1b. keep: the fewest moves, against an independent integer programme ---------------------

SMALL = {"max_committees": 3, "max_citizen_seats": 3, "max_politician_seats": 2,
         "max_citizens": 9, "max_politicians": 4}


@st.composite
def edits(draw: st.DrawFn, planted: Planted,
          plan: Plan) -> tuple[str, Scenario, list[tuple[str, str]]]:
    """An edit of the scenario after ``plan`` came into force: a profile or quota minimum
    raised, a committee added or cancelled, or a few of the plan's seats forbidden."""
    s = planted.scenario
    kinds = ["add committee", "forbid seats"]
    if len(s.mandates) > 1:
        kinds.append("cancel committee")
    if any(m.profiles or m.quotas for m in s.mandates):
        kinds.append("raise a minimum")
    if s.quotas:
        kinds.append("raise a global minimum")
    kind = draw(st.sampled_from(kinds), label="edit")
    forbid: list[tuple[str, str]] = []
    if kind == "raise a minimum":
        k = draw(st.sampled_from([k for k, m in enumerate(s.mandates)
                                  if m.profiles or m.quotas]))
        m = s.mandates[k]
        rules = [("profiles", i) for i in range(len(m.profiles))] + [
            ("quotas", i) for i in range(len(m.quotas))]
        field, i = draw(st.sampled_from(rules))
        items = list(getattr(m, field))
        low = items[i].min + draw(st.integers(1, 2))
        high = items[i].max if items[i].max is None or items[i].max >= low else low
        items[i] = replace(items[i], min=low, max=high)
        s = with_mandate(s, k, **{field: items})
    elif kind == "raise a global minimum":
        i = draw(st.integers(0, len(s.quotas) - 1))
        quotas = list(s.quotas)
        low = quotas[i].min + draw(st.integers(1, 2))
        old_max = quotas[i].max
        high = old_max if old_max is None or old_max >= low else low
        quotas[i] = replace(quotas[i], min=low, max=high)
        s = replace(s, quotas=tuple(quotas))
    elif kind == "cancel committee":
        s = s.cancel(draw(st.sampled_from(s.committee_ids)))
    elif kind == "add committee":
        s = replace(s, mandates=(*s.mandates, Mandate(
            id="new", citizen_seats=draw(st.integers(0, 2)),
            politician_seats=draw(st.integers(0, 2)))))
    else:
        pairs = sorted((seat.person_id, seat.committee_id) for seat in plan.seats)
        assume(pairs)
        forbid = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=3))
    return kind, s, forbid


def solved(scenario: Scenario, seed: int = 0) -> Plan:
    result = solve(scenario, seed=seed)
    assert result.status is Status.OPTIMAL and result.plan is not None
    return result.plan


def assert_fewest_moves(scenario: Scenario, keep: Plan, result: SolveResult,
                        forbid: Sequence[tuple[str, str]] = (),
                        force: Sequence[tuple[str, str]] = ()) -> None:
    """The result of ``solve(scenario, keep=keep, force=force, forbid=forbid)`` against the
    oracle."""
    best = replan_optimum(scenario, keep=keep, forbid=forbid, force=force)
    event("infeasible" if best is None else f"{best.moves} moves")
    if best is None:
        assert result.status is Status.INFEASIBLE and result.plan is None, result.message
        return
    assert result.status is Status.OPTIMAL, result.message
    new = result.plan
    assert new is not None
    assert check_plan(scenario, new) == ()
    assert result.moves == moves_between(keep, new) == best.moves
    # Among the plans with the fewest moves, none scores higher.
    assert result.objective == plan_score(scenario, new) == best.score
    held = {(s.person_id, s.committee_id) for s in new.seats}
    assert not held & set(forbid)
    assert set(force) <= held
    assert_changes(scenario, keep, new, result, forbid)
    # The withdrawals of the plan kept are carried over, and those people stay out.
    assert withdrawals(new) == withdrawals(keep)
    assert not keep.withdrawn_ids & (seated_ids(new) | set(new.unseated_citizens)
                                     | set(new.unseated_politicians))


@settings(max_examples=40, deadline=None)
@given(planted=planted_scenarios(**SMALL), data=st.data())
def test_keep_moves_are_the_fewest_and_score_best_among_them(planted: Planted,
                                                            data: st.DataObject) -> None:
    seed = data.draw(st.integers(0, 3), label="seed")
    old = solved(planted.scenario, seed)
    seated = sorted(seated_ids(old))
    if bool(seated) and data.draw(st.booleans(), label="drop-outs first"):
        # The plan in force is the outcome of a replacement, with withdrawals to respect.
        gone = data.draw(st.lists(st.sampled_from(seated), unique=True, min_size=1,
                                  max_size=2), label="drop-outs")
        replaced = replace_dropouts(planted.scenario, old, gone, seed=seed, when="r1")
        if replaced.plan is not None:
            old = replaced.plan
    kind, scenario, forbid = data.draw(edits(planted, old), label="edit")
    people = [c.id for c in scenario.citizens] + [p.id for p in scenario.politicians]
    force = data.draw(st.lists(st.sampled_from([(pid, cid) for pid in people
                                                for cid in scenario.committee_ids]),
                               max_size=1), label="force")
    result = solve(scenario, keep=old, force=force, forbid=forbid, seed=seed)
    assert_fewest_moves(scenario, old, result, forbid, force)
    if kind == "cancel committee" and result.plan is not None:
        # Seats on the cancelled committee cannot be kept.
        (cancelled,) = scenario.cancelled
        assert not result.plan.committee(cancelled.id).citizens
        assert result.moves is not None
        assert result.moves >= sum(1 for s in old.seats if s.committee_id == cancelled.id)
    if kind == "add committee" and result.plan is not None:
        # Nobody sat on the new committee before: its seats are new seats, nobody left them.
        new_seats = [c for c in result.changes if c.committee_id == "new"]
        assert all(c.left is None and c.came_in is not None for c in new_seats)
        assert len(new_seats) == len([s for s in result.plan.seats if s.committee_id == "new"])


@settings(max_examples=15, deadline=None)
@given(planted=planted_scenarios(**SMALL), seed=st.integers(0, 3))
def test_keeping_a_valid_plan_moves_nothing(planted: Planted, seed: int) -> None:
    # The planted plan meets every rule, so it can be kept whole, even when it scores less
    # than the optimum: fewest moves come before the score.
    scenario, old = planted.scenario, planted.plan
    result = solve(scenario, keep=old, seed=seed)
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert result.moves == 0 and result.changes == ()
    assert seat_set(result.plan) == seat_set(old)


def test_the_oracle_agrees_with_a_plain_solve_and_counts_moves() -> None:
    # Guards the oracle: without keep it finds the optimum score; with a plan of two seats of
    # which only one can stay, it counts one move.
    scenario = Scenario(
        mandates=[Mandate(id="k", citizen_seats=1, politician_seats=1),
                  Mandate(id="j", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="a", applied_to=["k", "j"]), Citizen(id="b", applied_to=["j"]),
                  Citizen(id="c", applied_to=["k"])],
        politicians=[Politician(id="p", party="A", preferences=["j", "k"])])
    plain = replan_optimum(scenario)
    assert plain is not None and plain.moves == 0
    # L = 2: a or c on k and b on j score 2 each; p on k (listed second) scores 1.
    assert plain.score == solve(scenario).objective == 2 + 2 + 1
    old = Plan(seats=[Seat(committee_id="k", person_id="a", role=Role.CITIZEN),
                      Seat(committee_id="j", person_id="b", role=Role.CITIZEN),
                      Seat(committee_id="k", person_id="p", role=Role.POLITICIAN)],
               unseated_citizens=["c"])
    one_seat = with_mandate(scenario, 1, citizen_seats=0)  # j closes its citizen seat
    best = replan_optimum(one_seat, keep=old)
    assert best is not None and best.moves == 1
    result = solve(one_seat, keep=old)
    assert result.moves == 1 and result.plan is not None
    assert result.plan.committee("k").citizens == ("a",)
    assert [(c.committee_id, c.left, c.came_in, c.left_because) for c in result.changes] == [
        ("j", "b", None, "re-plan")]
    assert replan_optimum(one_seat, keep=old, forbid=[("a", "k"), ("c", "k")]) is None


def test_keep_prefers_fewer_moves_to_a_better_score() -> None:
    # Re-solving would seat both first choices (moving two seats); keeping costs one move.
    scenario = Scenario(
        mandates=[Mandate(id="k", citizen_seats=1, politician_seats=0),
                  Mandate(id="j", citizen_seats=1, politician_seats=0,
                          quotas=[Quota(attribute="g", value="f", min=1)])],
        citizens=[Citizen(id="a", applied_to=["j", "k"], attributes={"g": "m"}),
                  Citizen(id="b", applied_to=["k", "j"], attributes={"g": "f"}),
                  Citizen(id="c", applied_to=["j"], attributes={"g": "f"}),
                  Citizen(id="d", applied_to=["k"], attributes={"g": "f"})])
    old = Plan(seats=[Seat(committee_id="k", person_id="a", role=Role.CITIZEN),
                      Seat(committee_id="j", person_id="b", role=Role.CITIZEN)],
               unseated_citizens=["c", "d"])
    assert check_plan(scenario, old) == ()
    fresh = solve(scenario)
    assert fresh.plan is not None and moves_between(old, fresh.plan) == 2
    tight = with_mandate(scenario, 0, quotas=[Quota(attribute="g", value="m", max=0)])
    result = solve(tight, keep=old)
    assert result.status is Status.OPTIMAL and result.plan is not None
    # a cannot stay on k (no men there now). Keeping b on j and seating d on k moves one
    # seat and scores 3; b and c on their first choices would score 4 but move two.
    assert result.moves == 1 == replan_optimum(tight, keep=old).moves  # type: ignore[union-attr]
    assert result.plan.committee("j").citizens == ("b",)
    assert result.plan.committee("k").citizens == ("d",)
    assert result.objective == 3
    assert "1 seat of the plan in force changed" in result.message


# -- 1c. locks --------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(planted=planted_scenarios(**SMALL), data=st.data())
def test_forced_and_forbidden_seats_against_the_oracle(planted: Planted,
                                                       data: st.DataObject) -> None:
    scenario = planted.scenario
    people = [c.id for c in scenario.citizens] + [p.id for p in scenario.politicians]
    pairs = [(pid, cid) for pid in people for cid in scenario.committee_ids]
    planted_pairs = sorted((s.person_id, s.committee_id) for s in planted.plan.seats)
    force = data.draw(st.lists(st.sampled_from(planted_pairs), unique=True, max_size=3)
                      if planted_pairs else st.just([]), label="force")
    if data.draw(st.booleans(), label="any force"):
        force += data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=1))
    forbid = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3),
                       label="forbid")
    force = list(dict.fromkeys(force))
    result = solve(scenario, force=force, forbid=forbid)
    best = replan_optimum(scenario, force=force, forbid=forbid)
    event("infeasible" if best is None else "feasible")
    if best is None:
        assert result.status is Status.INFEASIBLE and result.plan is None, result.message
        assert result.explanation is not None and result.explanation.rule_names
        return
    assert result.status is Status.OPTIMAL and result.plan is not None, result.message
    held = {(s.person_id, s.committee_id) for s in result.plan.seats}
    assert set(force) <= held
    assert not set(forbid) & held
    assert check_plan(scenario, result.plan) == ()
    assert result.objective == plan_score(scenario, result.plan) == best.score
    assert result.moves is None and result.changes == ()


def lock_scenario() -> Scenario:
    """k: 2 citizen seats (a, b, c applied; d applied to j only), 1 politician seat."""
    return Scenario(
        mandates=[Mandate(id="k", citizen_seats=2, politician_seats=1),
                  Mandate(id="j", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="a", applied_to=["k"]), Citizen(id="b", applied_to=["k", "j"]),
                  Citizen(id="c", applied_to=["j", "k"]), Citizen(id="d", applied_to=["j"])],
        politicians=[Politician(id="p1", party="A", preferences=["k"]),
                     Politician(id="p2", party="B")])


def test_a_forced_seat_holds_even_against_the_score() -> None:
    scenario = lock_scenario()
    free = solved(scenario)
    # Unlocked, c sits on j (first choice) and p1 on k.
    assert free.committee("j").citizens in {("c",), ("d",)}
    assert free.committee("k").politicians == ("p1",)
    result = solve(scenario, force=[("d", "j"), ("p2", "k")], forbid=[("a", "k")])
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert result.plan.committee("j").citizens == ("d",)
    assert result.plan.committee("k").politicians == ("p2",)
    assert set(result.plan.committee("k").citizens) == {"b", "c"}
    assert check_plan(scenario, result.plan) == ()


def test_an_impossible_forced_seat_is_infeasible_and_named() -> None:
    scenario = lock_scenario()
    # d did not apply to k and is not open to any committee.
    result = solve(scenario, force=[("d", "k")])
    assert result.status is Status.INFEASIBLE and result.plan is None
    assert result.explanation is not None
    assert "lock/force/k/d" in result.explanation.rule_names
    # Every named rule is a rule of the scenario or the lock.
    assert set(result.explanation.rule_names) <= {
        "lock/force/k/d", "k/seats/citizens", "j/seats/citizens"}
    # A politician forced onto a committee without politician seats.
    result = solve(scenario, force=[("p2", "j")])
    assert result.status is Status.INFEASIBLE
    assert result.explanation is not None
    assert "lock/force/j/p2" in result.explanation.rule_names


def test_two_forced_seats_that_clash_are_named_together() -> None:
    scenario = lock_scenario()
    # b on k and on j: a citizen sits at most once.
    result = solve(scenario, force=[("b", "k"), ("b", "j")])
    assert result.status is Status.INFEASIBLE
    assert result.explanation is not None
    assert {"lock/force/k/b", "lock/force/j/b"} <= set(result.explanation.rule_names)


def test_a_forbid_that_leaves_a_committee_unfillable_names_the_forbids() -> None:
    scenario = lock_scenario()
    result = solve(scenario, forbid=[("a", "k")])
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert set(result.plan.committee("k").citizens) == {"b", "c"}  # and d on j
    result = solve(scenario, forbid=[("a", "k"), ("b", "k"), ("c", "k")])
    assert result.status is Status.INFEASIBLE and result.plan is None
    assert result.explanation is not None
    names = set(result.explanation.rule_names)
    # k needs two of a, b and c, so any two of the forbids together with the seat rule
    # conflict; an irreducible conflict names two forbids and the seats of k.
    assert "k/seats/citizens" in names
    forbids = {n for n in names if n.startswith("lock/forbid/k/")}
    assert len(forbids) == 2 and forbids <= {"lock/forbid/k/a", "lock/forbid/k/b",
                                             "lock/forbid/k/c"}
    assert len(names) == 3


def test_bad_lock_arguments_are_listed_at_once() -> None:
    scenario = lock_scenario()
    with pytest.raises(InputError) as info:
        solve(scenario, force=[("ghost", "k"), ("a", "nowhere"), ("a",)],  # type: ignore[list-item]
              forbid=[("b", "k", "extra"), "bk", ("c", 3)])  # type: ignore[list-item]
    found = [(p.column, p.value) for p in info.value.problems]
    assert ("force", "ghost") in found
    assert ("force", "nowhere") in found
    assert ("force", ("a",)) in found
    assert ("forbid", ("b", "k", "extra")) in found
    assert ("forbid", "bk") in found
    assert ("forbid", ("c", 3)) in found
    assert len(found) == 6
    with pytest.raises(InputError) as info:
        solve(scenario, force="ak", forbid=5, keep="plan.csv")  # type: ignore[arg-type]
    assert sorted(str(p.column) for p in info.value.problems) == ["forbid", "force", "keep"]
    # A plan to keep that seats someone the scenario does not have.
    stranger = Plan(seats=[Seat(committee_id="k", person_id="zed", role=Role.CITIZEN)])
    with pytest.raises(InputError) as info:
        solve(scenario, keep=stranger, force=[("ghost", "k")])
    assert {(p.column, p.value) for p in info.value.problems} == {
        ("keep", "zed"), ("force", "ghost")}


# -- 1d. drop-outs stay out over rounds, on the demo ------------------------------------------


def assert_nowhere(scenario: Scenario, plan: Plan, withdrawn: set[str]) -> int:
    """No withdrawn person is seated, unseated, a reserve, or invited ad hoc. Returns how
    many (committee, profile, withdrawn citizen) would be invited were they not withdrawn."""
    assert not withdrawn & seated_ids(plan)
    assert not withdrawn & {r.person_id for r in plan.reserves}
    assert not withdrawn & (set(plan.unseated_citizens) | set(plan.unseated_politicians))
    assert plan.withdrawn_ids == withdrawn
    tempting = 0
    for m in scenario.mandates:
        for profile in m.profiles:
            invited = adhoc_invitations(scenario, plan, m.id, profile.name, 400)
            assert not withdrawn & set(invited)
            tempting += sum(1 for c in scenario.citizens if c.id in withdrawn
                            and may_sit(c, m.id) and c.tags & profile.any_of)
    return tempting


def test_drop_outs_stay_out_over_three_rounds_on_the_demo() -> None:
    scenario = demo_scenario()
    plan = add_reserves(scenario, solved(scenario, seed=4), 2, seed=4)
    rng = random.Random(4)

    # Round 1: two citizens and a politician leave.
    round1 = pick_dropouts(scenario, plan, rng, sorted(plan.seated_citizens), 2, 1)
    first = replace_dropouts(scenario, plan, round1, seed=4, when="2027-01")
    assert first.status is Status.OPTIMAL and first.plan is not None
    assert check_plan(scenario, first.plan) == ()
    assert_nowhere(scenario, first.plan, set(round1))
    assert first.moves == sum(1 for s in plan.seats if s.person_id in round1)

    # Round 2: two more citizens, one of them a newcomer of round 1 when there is one.
    newcomers = sorted({c.came_in for c in first.changes if c.came_in is not None
                        and c.role is Role.CITIZEN})
    round2 = []
    for _ in range(20):
        round2 = [*newcomers[:1], *rng.sample(sorted(first.plan.seated_citizens - set(newcomers)),
                                              2 - len(newcomers[:1]))]
        if refillable(scenario, first.plan, round2):
            break
        newcomers = newcomers[1:]
    second = replace_dropouts(scenario, first.plan, round2, seed=4, when="2027-02")
    assert second.status is Status.OPTIMAL and second.plan is not None
    assert check_plan(scenario, second.plan) == ()
    assert_nowhere(scenario, second.plan, set(round1) | set(round2))
    assert {(w.person_id, w.when) for w in second.plan.withdrawn} == {
        *((pid, "2027-01") for pid in round1), *((pid, "2027-02") for pid in round2)}
    # Each withdrawal keeps the committees the person left.
    left = {w.person_id: set(w.committee_ids) for w in second.plan.withdrawn}
    for pid in round1:
        assert left[pid] == {s.committee_id for s in plan.seats if s.person_id == pid}
    for pid in round2:
        assert left[pid] == {s.committee_id for s in first.plan.seats if s.person_id == pid}

    # Round 3: a committee is added; re-plan keeping the plan in force.
    added = Mandate(id="housing", title="Housing", citizen_seats=4, politician_seats=3)
    third_scenario = replace(scenario, mandates=(*scenario.mandates, added))
    third = solve(third_scenario, keep=second.plan, seed=4)
    assert third.status is Status.OPTIMAL and third.plan is not None
    assert check_plan(third_scenario, third.plan) == ()
    gone = set(round1) | set(round2)
    assert withdrawals(third.plan) == withdrawals(second.plan)
    tempting = assert_nowhere(third_scenario,
                              add_reserves(third_scenario, third.plan, 2, seed=4), gone)
    assert tempting > 0  # otherwise leaving them out of the invitations proves nothing
    assert len(third.plan.committee("housing").citizens) == 4
    # Re-solving from scratch (without the people who withdrew) moves at least as many
    # seats of the plan in force.
    remaining = replace(third_scenario,
                        citizens=tuple(c for c in scenario.citizens if c.id not in gone),
                        politicians=tuple(p for p in scenario.politicians if p.id not in gone))
    scratch = solved(remaining, seed=4)
    assert third.moves == moves_between(second.plan, third.plan)
    assert third.moves <= moves_between(second.plan, scratch)
    best = replan_optimum(third_scenario, keep=second.plan)
    assert best is not None and (third.moves, third.objective) == (best.moves, best.score)


# -- 1e. check_plan on plans with withdrawals ------------------------------------------------


def test_check_plan_still_reports_real_violations_with_withdrawals() -> None:
    scenario = lock_scenario()
    base = [Seat(committee_id="k", person_id="a", role=Role.CITIZEN),
            Seat(committee_id="k", person_id="b", role=Role.CITIZEN),
            Seat(committee_id="j", person_id="d", role=Role.CITIZEN),
            Seat(committee_id="k", person_id="p1", role=Role.POLITICIAN)]
    good = Plan(seats=base, unseated_citizens=["c"], unseated_politicians=["p2"])
    assert check_plan(scenario, good) == ()
    # c withdrew while unseated: still valid.
    fine = Plan(seats=base, unseated_politicians=["p2"],
                withdrawn=[Withdrawal(person_id="c", when="x")])
    assert check_plan(scenario, fine) == ()
    # a withdrew yet is still seated.
    seated = Plan(seats=base, unseated_citizens=["c"], unseated_politicians=["p2"],
                  withdrawn=[Withdrawal(person_id="a", committee_ids=["k"])])
    assert [(v.rule, v.person_id) for v in check_plan(scenario, seated)] == [
        ("plan/withdrawn", "a")]
    # a withdrew and the seat was left empty: k is one citizen short.
    short = Plan(seats=base[1:], unseated_citizens=["c"], unseated_politicians=["p2"],
                 withdrawn=[Withdrawal(person_id="a", committee_ids=["k"])])
    found = check_plan(scenario, short)
    assert [(v.rule, v.limit, v.actual) for v in found] == [("k/seats/citizens", 2, 1)]
    # Withdrawn, yet listed as unseated, or as a reserve.
    listed = Plan(seats=base, unseated_citizens=["c"], unseated_politicians=["p2"],
                  withdrawn=[Withdrawal(person_id="c")])
    assert [(v.rule, v.person_id) for v in check_plan(scenario, listed)] == [
        ("plan/withdrawn", "c")]
    reserve = Plan(seats=base, unseated_citizens=["c"], unseated_politicians=["p2"],
                   reserves=[Reserve(committee_id="k", person_id="c", rank=1)],
                   withdrawn=[Withdrawal(person_id="c")])
    assert "plan/withdrawn" in [v.rule for v in check_plan(scenario, reserve)]
    # A withdrawn politician's seat left empty is a seat rule broken, not released.
    no_politician = Plan(seats=base[:3], unseated_citizens=["c"], unseated_politicians=["p2"],
                         withdrawn=[Withdrawal(person_id="p1", committee_ids=["k"])])
    assert [v.rule for v in check_plan(scenario, no_politician)] == ["k/seats/politicians"]


def test_check_plan_releases_only_the_withdrawn_politicians_minimum() -> None:
    scenario = replace(lock_scenario(), politicians=(
        Politician(id="p1", party="A", min_committees=1),
        Politician(id="p2", party="B", min_committees=1),
        Politician(id="p3", party="C")))
    seats = [Seat(committee_id="k", person_id="a", role=Role.CITIZEN),
             Seat(committee_id="k", person_id="b", role=Role.CITIZEN),
             Seat(committee_id="j", person_id="d", role=Role.CITIZEN),
             Seat(committee_id="k", person_id="p3", role=Role.POLITICIAN)]
    plan = Plan(seats=seats, unseated_citizens=["c"], unseated_politicians=["p2"],
                withdrawn=[Withdrawal(person_id="p1", committee_ids=["k"])])
    # p1 withdrew (released); p2 did not and sits nowhere.
    assert [(v.rule, v.limit, v.actual) for v in check_plan(scenario, plan)] == [
        ("politician/p2/committees", 1, 0)]


# -- 1f. changes are consistent with the two plans ---------------------------------------------


def swapped_in(plan: Plan, committee: str, seated: str, other: str) -> Plan:
    """``plan`` with the unseated citizen ``other`` in the seat of ``seated``, no reserves."""
    seats = [replace(s, person_id=other) if (s.committee_id, s.person_id) == (committee, seated)
             else s for s in plan.seats]
    unseated = [pid for pid in plan.unseated_citizens if pid != other] + [seated]
    return Plan(seats=seats, unseated_citizens=unseated,
                unseated_politicians=plan.unseated_politicians, withdrawn=plan.withdrawn)


def assert_changes(scenario: Scenario, before: Plan, after: Plan, result: SolveResult,
                   forbidden: Sequence[tuple[str, str]] = ()) -> None:
    """Each change against the plans. A leaver left because they withdrew (in ``after``),
    because the seat is forbidden, or else for the re-plan."""
    old, new = seat_set(before), seat_set(after)
    score = plan_score(scenario, after)
    for change in result.changes:
        assert isinstance(change, Change)
        cid, role = change.committee_id, change.role
        if change.left is not None:
            assert (cid, change.left, role) in old and (cid, change.left, role) not in new
            assert change.left_because == (
                "withdrawn" if change.left in after.withdrawn_ids else
                "cancelled" if cid in {m.id for m in scenario.cancelled} else
                "forbidden" if (change.left, cid) in set(forbidden) else "re-plan")
        else:
            assert change.left_because == ""
        if change.came_in is not None:
            assert (cid, change.came_in, role) in new and (cid, change.came_in, role) not in old
            reserves = before.reserves_for(cid)
            expected = reserves.index(change.came_in) + 1 if change.came_in in reserves else None
            assert change.reserve_rank == expected
            person = (scenario.citizen(change.came_in) if role is Role.CITIZEN
                      else scenario.politician(change.came_in))
            assert change.preference_rank == person.rank(cid)
            if change.reserve_rank is not None:
                assert change.reason.startswith(f"reserve rank {change.reserve_rank}")
                assert not change.by_lot
            elif change.preference_rank is not None:
                assert change.reason.startswith(f"preference rank {change.preference_rank}")
            if change.by_lot and role is Role.CITIZEN:
                # The lot decided: someone left unseated could have sat there instead, in a
                # plan just as valid and just as good.
                assert any(check_plan(scenario, alt := swapped_in(after, cid, change.came_in, x))
                           == () and plan_score(scenario, alt) == score
                           for x in after.unseated_citizens), change
        else:
            assert not change.by_lot
    # Every lost seat and every new seat appears in exactly one change.
    lost = Counter((c.committee_id, c.left, c.role) for c in result.changes if c.left)
    gained = Counter((c.committee_id, c.came_in, c.role) for c in result.changes if c.came_in)
    assert lost == Counter(old - new)
    assert gained == Counter(new - old)
    assert sum(1 for c in result.changes if c.left is not None) == result.moves


@pytest.fixture(scope="module")
def demo_plans() -> dict[int, Plan]:
    """The demo solved with three seeds, each with two reserves per committee."""
    scenario = demo_scenario()
    return {seed: add_reserves(scenario, solved(scenario, seed), 2, seed=seed)
            for seed in (0, 1, 2)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_changes_of_a_replacement_match_the_plans(seed: int,
                                                  demo_plans: dict[int, Plan]) -> None:
    scenario = demo_scenario()
    plan = demo_plans[seed]
    gone = pick_dropouts(scenario, plan, random.Random(seed), sorted(plan.seated_citizens), 3, 1)
    result = replace_dropouts(scenario, plan, gone, seed=seed)
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert_changes(scenario, plan, result.plan, result)
    assert result.moves == sum(1 for s in plan.seats if s.person_id in gone)
    # Reserves were asked: at least one newcomer is a reserve on the demo.
    assert any(c.reserve_rank is not None for c in result.changes)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_changes_of_a_re_plan_match_the_plans(seed: int, demo_plans: dict[int, Plan]) -> None:
    scenario = demo_scenario()
    plan = demo_plans[seed]
    rng = random.Random(seed)
    # Forbid two seats, and raise youth's age quota by two.
    forbid = [(s.person_id, s.committee_id) for s in rng.sample(list(plan.seats), 2)]
    k = scenario.committee_ids.index("youth")
    youth = scenario.mandates[k]
    quotas = [replace(q, min=q.min + 2) if q.attribute == "age_group" else q
              for q in youth.quotas]
    edited = with_mandate(scenario, k, quotas=quotas)
    result = solve(edited, keep=plan, forbid=forbid, seed=seed)
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert check_plan(edited, result.plan) == ()
    assert_changes(edited, plan, result.plan, result, forbid)
    assert result.moves is not None and result.moves >= 2
    best = replan_optimum(edited, keep=plan, forbid=forbid)
    assert best is not None and (result.moves, result.objective) == (best.moves, best.score)


# -- 1g. determinism --------------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(planted=planted_scenarios(**SMALL), data=st.data())
def test_re_plans_are_the_same_bytes_for_the_same_seed_and_any_row_order(
        planted: Planted, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    seed = data.draw(st.integers(0, 5), label="seed")
    old = solved(planted.scenario, seed)
    _, scenario, forbid = data.draw(edits(planted, old), label="edit")
    directory = tmp_path_factory.mktemp("bytes")
    written: list[tuple[Plan, bytes, int | None]] = []
    permuted = replace(scenario, citizens=tuple(data.draw(st.permutations(scenario.citizens))),
                       politicians=tuple(data.draw(st.permutations(scenario.politicians))))
    for which in (scenario, scenario, permuted):
        result = solve(which, keep=old, forbid=forbid, seed=seed)
        if result.plan is None:
            assert result.status is Status.INFEASIBLE
            return
        path = directory / f"plan{len(written)}.csv"
        result.plan.to_csv(path, scenario)
        written.append((result.plan, path.read_bytes(), result.moves))
    assert written[0] == written[1] == written[2]


def test_a_demo_re_plan_is_the_same_bytes_for_the_same_seed(demo_plans: dict[int, Plan],
                                                           tmp_path: Path) -> None:
    scenario = demo_scenario()
    added = replace(scenario, mandates=(*scenario.mandates, Mandate(
        id="housing", citizen_seats=3, politician_seats=3)))
    old = demo_plans[1]
    shuffled = list(added.citizens)
    random.Random(7).shuffle(shuffled)
    runs = []
    for which in (added, added, replace(added, citizens=tuple(shuffled))):
        result = solve(which, keep=old, seed=1)
        assert result.plan is not None
        result.plan.to_csv(tmp_path / "p.csv", added)
        runs.append((tmp_path / "p.csv").read_bytes())
    assert runs[0] == runs[1] == runs[2]


# -- 1h. commands -------------------------------------------------------------------------------


def cli_scenario() -> Scenario:
    return Scenario(
        mandates=[Mandate(id="climate", citizen_seats=2, politician_seats=1,
                          quotas=[Quota(attribute="gender", value="f", min=0)]),
                  Mandate(id="youth", citizen_seats=2, politician_seats=1)],
        citizens=[Citizen(id=f"c{i}", applied_to=["climate", "youth"] if i % 2 else ["youth"],
                          attributes={"gender": "f" if i % 3 == 0 else "m"})
                  for i in range(1, 11)],
        politicians=[Politician(id="p1", party="A", preferences=["climate"]),
                     Politician(id="p2", party="B", preferences=["youth"]),
                     Politician(id="p3", party="C")])


def test_solve_keep_writes_one_row_per_change(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    first_dir, second_dir = tmp_path / "s1", tmp_path / "s2"
    scenario = cli_scenario()
    save_scenario(scenario, first_dir)
    plan_csv = tmp_path / "plan.csv"
    code, _, err = run(["solve", str(first_dir), "--out", str(plan_csv), "--quiet"], capsys)
    assert code == 0, err
    old = read_plan(plan_csv)
    # climate now needs two women; at most one can already sit there.
    edited = with_mandate(scenario, 0, quotas=[Quota(attribute="gender", value="f", min=2)])
    save_scenario(edited, second_dir)
    forbid = tmp_path / "forbid.csv"
    seat = old.committee("youth").citizens[0]
    forbid.write_text(f"person_id,committee_id\n{seat},youth\n", encoding="utf-8")
    new_csv, changes_csv = tmp_path / "new.csv", tmp_path / "changes.csv"
    code, out, err = run(["solve", str(second_dir), "--out", str(new_csv), "--keep",
                          str(plan_csv), "--forbid", str(forbid), "--changes-out",
                          str(changes_csv)], capsys)
    assert code == 0, err
    new = read_plan(new_csv)
    assert check_plan(edited, new) == ()
    assert seat not in new.committee("youth").citizens
    with changes_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["committee_id", "role", "left", "left_because", "came_in", "reason",
                       "reserve_rank", "preference_rank", "by_lot"]
    expected = solve(edited, keep=old, forbid=[(seat, "youth")])
    assert rows[1:] == [c.row() for c in expected.changes]
    assert len(rows) > 1
    moved = 0
    for row in rows[1:]:
        cid, role, left, because, came_in = row[:5]
        if left:
            moved += 1
            assert (cid, left, Role(role)) in seat_set(old) - seat_set(new)
            assert because == ("forbidden" if left == seat else "re-plan")
        if came_in:
            assert (cid, came_in, Role(role)) in seat_set(new) - seat_set(old)
    assert moved == moves_between(old, new) >= 1
    assert f"Changes: {len(rows) - 1} seat" in out
    assert f"Changes written to {changes_csv}" in out


def test_a_pairs_file_without_a_column_exits_2_naming_file_and_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "s"
    save_scenario(cli_scenario(), directory)
    pairs = tmp_path / "force.csv"
    pairs.write_text("person_id\nc1\n", encoding="utf-8")
    out_csv = tmp_path / "plan.csv"
    code, out, err = run(["solve", str(directory), "--out", str(out_csv), "--force",
                          str(pairs)], capsys)
    assert code == 2 and out == ""
    assert str(pairs) in err and "committee_id" in err and "missing" in err
    assert not out_csv.exists()
    # An unknown id in a pairs file is invalid input too.
    pairs.write_text("person_id,committee_id\nnobody,climate\n", encoding="utf-8")
    code, out, err = run(["solve", str(directory), "--out", str(out_csv), "--forbid",
                          str(pairs)], capsys)
    assert code == 2 and out == "" and "nobody" in err
    # A forced seat no one can hold exits 3 and names the lock.
    pairs.write_text("person_id,committee_id\nc2,climate\n", encoding="utf-8")
    code, out, err = run(["solve", str(directory), "--out", str(out_csv), "--force",
                          str(pairs)], capsys)
    assert code == 3 and out == "" and "lock/force/climate/c2" in err
    assert not out_csv.exists()


def test_replace_records_when_and_check_accepts_the_result(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "s"
    scenario = cli_scenario()
    save_scenario(scenario, directory)
    plan_csv = tmp_path / "plan.csv"
    code, _, err = run(["solve", str(directory), "--out", str(plan_csv), "--quiet",
                        "--reserves", "2"], capsys)
    assert code == 0, err
    old = read_plan(plan_csv)
    leaving = [old.committee("climate").citizens[0], "p2"]
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(leaving) + "\n", encoding="utf-8")
    new_csv, changes_csv = tmp_path / "new.csv", tmp_path / "changes.csv"
    code, out, err = run(["replace", str(directory), "--plan", str(plan_csv), "--dropouts",
                          str(ids), "--out", str(new_csv), "--when", "2027-03",
                          "--changes-out", str(changes_csv)], capsys)
    assert code == 0, err
    with new_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    withdrawn_rows = [r for r in rows if r["role"] == "withdrawn"]
    assert sorted(r["person_id"] for r in withdrawn_rows) == sorted(leaving)
    assert {r["withdrawn"] for r in withdrawn_rows} == {"2027-03"}
    assert {r["committee_id"] for r in withdrawn_rows if r["person_id"] == "p2"} == {
        s.committee_id for s in old.seats if s.person_id == "p2"}
    assert all(r["withdrawn"] == "" for r in rows if r["role"] != "withdrawn")
    code, out, err = run(["check", str(directory), str(new_csv)], capsys)
    assert code == 0 and "meets every rule" in out
    # A second round from the new plan keeps the first round's withdrawals.
    again = tmp_path / "again.csv"
    ids.write_text(read_plan(new_csv).committee("youth").citizens[0] + "\n", encoding="utf-8")
    code, out, err = run(["replace", str(directory), "--plan", str(new_csv), "--dropouts",
                          str(ids), "--out", str(again), "--when", "2027-04"], capsys)
    assert code == 0, err
    final = read_plan(again)
    assert {(w.person_id, w.when) for w in final.withdrawn} >= {
        (pid, "2027-03") for pid in leaving}
    assert len(final.withdrawn) == 3
    assert check_plan(scenario, final) == ()
    # Re-planning from it on the command line (with reserves) keeps everyone who withdrew out.
    third = tmp_path / "third.csv"
    code, out, err = run(["solve", str(directory), "--out", str(third), "--keep", str(again),
                          "--reserves", "2", "--quiet"], capsys)
    assert code == 0, err
    replanned = read_plan(third)
    assert withdrawals(replanned) == withdrawals(final)
    assert not final.withdrawn_ids & (seated_ids(replanned)
                                      | {r.person_id for r in replanned.reserves})
    assert replanned.reserves and check_plan(scenario, replanned) == ()
    assert "Changes: 0 seats changed hands (0 of the plan in force not kept)." in out
