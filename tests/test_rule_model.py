"""One vocabulary of rules: every rule name the library produces is a rule of the scenario.

Findings, explanations and the violations of broken plans all name rules; each name must be a
key of ``Scenario.rules()``, a lock of the re-plan, or one of the few names that are not rules
of the scenario and are documented as such:

- ``politician/*/committees``: a finding about every politician's time budget at once;
- plan-level names of :func:`check_plan`: ``plan/...``, ``citizen/<id>/applied_to``,
  ``citizen/<id>/seats`` and ``politician/<id>/seats`` (a plan that is not a plan for the
  scenario, rather than a rule it breaks).

Names, limits and counts are spelled out and counted by hand here, never with the library's
own helpers, so that the test is a second opinion on :mod:`cocreate_match.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocreate_match import (
    Citizen,
    Mandate,
    Plan,
    Politician,
    Quota,
    Reserve,
    Role,
    Scenario,
    Seat,
    Status,
    Withdrawal,
    check_plan,
    generate_scenario,
    precheck,
    solve,
)
from cocreate_match.rules import Rule, RuleKind
from strategies import Planted, infeasible_scenarios, planted_scenarios, tiny_scenarios

EVERY_BUDGET = "politician/*/committees"
PLAN_RULES = ("plan/unknown_person", "plan/unknown_committee", "plan/missing_person",
              "plan/reserve", "plan/withdrawn")


# -- names and counts by hand -------------------------------------------------------------------


def spelled_out(s: Scenario) -> dict[str, tuple[RuleKind, str | None, str | None, int,
                                                int | None]]:
    """Every rule of a scenario by name, with (kind, committee, key, low, high), from its
    parts."""
    rules: dict[str, tuple[RuleKind, str | None, str | None, int, int | None]] = {}
    for m in s.mandates:
        rules[m.id + "/seats/citizens"] = (RuleKind.CITIZEN_SEATS, m.id, None, m.citizen_seats,
                                           m.citizen_seats)
        rules[m.id + "/seats/politicians"] = (RuleKind.POLITICIAN_SEATS, m.id, None,
                                              m.politician_seats, m.politician_seats)
        for p in m.profiles:
            rules[m.id + "/profile/" + p.name] = (RuleKind.PROFILE, m.id, p.name, p.min, p.max)
        for q in m.quotas:
            key = q.attribute + "=" + q.value
            rules[m.id + "/quota/" + key] = (RuleKind.QUOTA, m.id, key, q.min, q.max)
        rules[m.id + "/council/max_per_party"] = (RuleKind.MAX_PER_PARTY, m.id, None, 0,
                                                  s.council.max_per_party)
        rules[m.id + "/council/min_parties"] = (RuleKind.MIN_PARTIES, m.id, None,
                                                s.council.min_parties, None)
    for q in s.quotas:
        key = q.attribute + "=" + q.value
        rules["quota/" + key] = (RuleKind.GLOBAL_QUOTA, None, key, q.min, q.max)
    for pol in s.politicians:
        rules["politician/" + pol.id + "/committees"] = (RuleKind.POLITICIAN, None, pol.id,
                                                         pol.min_committees, pol.max_committees)
    for c in s.citizens:
        if c.household is not None:
            rules["household/" + c.household] = (RuleKind.HOUSEHOLD, None, c.household, 0, 1)
    return rules


def plan_level(s: Scenario) -> set[str]:
    """The names check_plan gives a plan that is not a plan for the scenario."""
    names = set(PLAN_RULES)
    for c in s.citizens:
        names |= {"citizen/" + c.id + "/applied_to", "citizen/" + c.id + "/seats"}
    names |= {"politician/" + p.id + "/seats" for p in s.politicians}
    return names


def assert_rules_of(s: Scenario, names: Iterable[str], also: Iterable[str] = ()) -> None:
    known = set(s.rules()) | set(also)
    unknown = [name for name in names if name not in known]
    assert not unknown, unknown


def fits_profile(c: Citizen, tags: frozenset[str]) -> bool:
    return any(t in tags for t in c.tags)


def has_value(c: Citizen, attribute: str, value: str) -> bool:
    return attribute in c.attributes and c.attributes[attribute] == value


def generated(seed: int) -> Scenario:
    return generate_scenario(committees=3, citizens=60, politicians=6, seed=seed,
                             citizen_seats=6, politician_seats=3, households=0.2)


SEEDS = (0, 1, 2)


# -- Scenario.rules() ---------------------------------------------------------------------------


def assert_rules_as_spelled_out(s: Scenario) -> None:
    rules = s.rules()
    expected = spelled_out(s)
    assert list(rules) == [rule.name for rule in rules.values()]
    assert set(rules) == set(expected)
    for name, rule in rules.items():
        assert (rule.kind, rule.committee, rule.key, rule.low, rule.high) == expected[name], name


@pytest.mark.parametrize("seed", SEEDS)
def test_rules_of_a_generated_scenario_are_as_spelled_out(seed: int) -> None:
    assert_rules_as_spelled_out(generated(seed))


@settings(max_examples=40, deadline=None)
@given(planted=planted_scenarios())
def test_rules_of_planted_scenarios_are_as_spelled_out(planted: Planted) -> None:
    assert_rules_as_spelled_out(planted.scenario)


def assert_counts_by_hand(s: Scenario, plan: Plan) -> None:
    """Each profile and quota rule counts whom a count by hand counts, person by person and
    over the plan's seats."""
    rules = s.rules()
    seated = {m.id: [s.citizen(pid) for pid in plan.committee(m.id).citizens]
              for m in s.mandates}
    everyone = [c for cs in seated.values() for c in cs]
    for m in s.mandates:
        for p in m.profiles:
            rule = rules[m.id + "/profile/" + p.name]
            assert [rule.counts(c) for c in s.citizens] == [
                fits_profile(c, p.any_of) for c in s.citizens]
            assert sum(map(rule.counts, seated[m.id])) == sum(
                1 for c in seated[m.id] if fits_profile(c, p.any_of))
        for q in m.quotas:
            rule = rules[m.id + "/quota/" + q.attribute + "=" + q.value]
            assert [rule.counts(c) for c in s.citizens] == [
                has_value(c, q.attribute, q.value) for c in s.citizens]
            assert sum(map(rule.counts, seated[m.id])) == sum(
                1 for c in seated[m.id] if has_value(c, q.attribute, q.value))
    for q in s.quotas:
        rule = rules["quota/" + q.attribute + "=" + q.value]
        assert sum(map(rule.counts, everyone)) == sum(
            1 for c in everyone if has_value(c, q.attribute, q.value))
    # Profiles and quotas are about citizens: no politician ever counts.
    counted = [r for r in rules.values()
               if r.kind in (RuleKind.PROFILE, RuleKind.QUOTA, RuleKind.GLOBAL_QUOTA)]
    assert not any(r.counts(p) for r in counted for p in s.politicians)


@pytest.mark.parametrize("seed", SEEDS)
def test_counts_of_a_generated_scenario_agree_with_counting_by_hand(seed: int) -> None:
    s = generated(seed)
    result = solve(s)
    assert result.status is Status.OPTIMAL and result.plan is not None
    assert any(m.profiles and m.quotas for m in s.mandates) and s.quotas  # something to count
    assert_counts_by_hand(s, result.plan)


@settings(max_examples=40, deadline=None)
@given(planted=planted_scenarios())
def test_counts_of_planted_plans_agree_with_counting_by_hand(planted: Planted) -> None:
    assert_counts_by_hand(planted.scenario, planted.plan)


def test_a_citizen_without_the_attribute_counts_for_no_quota() -> None:
    s = Scenario(
        mandates=[Mandate(id="k", citizen_seats=1, politician_seats=0)],
        citizens=[Citizen(id="a", applied_to=["k"], attributes={"g": "f"}),
                  Citizen(id="b", applied_to=["k"], attributes={"d": "n"})],
        quotas=[Quota(attribute="g", value="f", max=1)],
    )
    rule = s.rules()["quota/g=f"]
    assert [rule.counts(c) for c in s.citizens] == [True, False]


# -- names the library produces -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(case=infeasible_scenarios())
def test_findings_name_rules_of_the_scenario(case: tuple[Scenario, str]) -> None:
    s, _ = case
    assert_rules_of(s, [f.rule for f in precheck(s)], also=[EVERY_BUDGET])


@settings(max_examples=60, deadline=None)
@given(s=tiny_scenarios())
def test_findings_of_tiny_scenarios_name_rules_of_the_scenario(s: Scenario) -> None:
    assert_rules_of(s, [f.rule for f in precheck(s)], also=[EVERY_BUDGET])


@settings(max_examples=25, deadline=None)
@given(case=infeasible_scenarios())
def test_explanations_and_relaxed_plans_name_rules_of_the_scenario(
        case: tuple[Scenario, str]) -> None:
    s, _ = case
    result = solve(s, relax=True, time_limit=20)
    assert result.explanation is not None
    assert_rules_of(s, result.explanation.rule_names)
    assert_rules_of(s, [f.rule for f in result.explanation.findings], also=[EVERY_BUDGET])
    if result.plan is not None:
        # Relaxed plans break rules of the scenario, never the plan's own shape.
        assert_rules_of(s, [v.rule for v in check_plan(s, result.plan)])
        assert_rules_of(s, [v.rule for v in result.relaxed])
        assert {v.rule for v in result.relaxed} == {v.rule for v in check_plan(s, result.plan)}


def test_an_explanation_names_the_locks_it_needs() -> None:
    # One seat, and two citizens forced onto it; a third is kept off it.
    s = Scenario(mandates=[Mandate(id="k", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id=c, applied_to=["k"]) for c in "abc"])
    result = solve(s, force=[("a", "k"), ("b", "k")], forbid=[("c", "k")])
    assert result.status is Status.INFEASIBLE and result.explanation is not None
    locks = ["lock/force/k/a", "lock/force/k/b", "lock/forbid/k/c"]
    assert_rules_of(s, result.explanation.rule_names, also=locks)
    explained = {r.rule: r for r in result.explanation.rules}
    assert "lock/force/k/a" in explained and "lock/force/k/b" in explained
    forced = explained["lock/force/k/a"]
    assert forced.message == "k: a must sit on k (a forced seat)"
    assert (forced.required, forced.maximum, forced.available) == (1, 1, 1)


def test_lock_rules_are_described_from_the_context() -> None:
    from cocreate_match.explanation import Context, describe

    s = Scenario(mandates=[Mandate(id="k", citizen_seats=1, politician_seats=1),
                           Mandate(id="m", citizen_seats=0, politician_seats=0)],
                 citizens=[Citizen(id="a", applied_to=["k"])],
                 politicians=[Politician(id="p", party="A")])

    def lock(kind: RuleKind, committee: str, person: str) -> Rule:
        word = "force" if kind is RuleKind.FORCE else "forbid"
        level = 1 if kind is RuleKind.FORCE else 0
        return Rule(name="lock/" + word + "/" + committee + "/" + person, kind=kind,
                    committee=committee, key=person, low=level, high=level)

    locks = [lock(RuleKind.FORCE, "k", "a"), lock(RuleKind.FORCE, "k", "p"),
             lock(RuleKind.FORCE, "m", "a"), lock(RuleKind.FORCE, "m", "p"),
             lock(RuleKind.FORBID, "k", "a")]
    context = Context(list(s.citizens), list(s.politicians),
                      locks={rule.name: rule for rule in locks})
    described = describe(s, [rule.name for rule in locks], context)
    assert [(r.rule, r.message, r.required, r.maximum, r.available) for r in described] == [
        ("lock/force/k/a", "k: a must sit on k (a forced seat)", 1, 1, 1),
        ("lock/force/k/p", "k: p must sit on k (a forced seat)", 1, 1, 1),
        ("lock/force/m/a", "m: a must sit on m (a forced seat)", 1, 1, 0),  # no seats on m
        ("lock/force/m/p", "m: p must sit on m (a forced seat)", 1, 1, 0),
        ("lock/forbid/k/a", "k: a must not sit on k (a forbidden seat)", None, 0, 1),
    ]
    # Rules of the scenario are still found there first.
    [seats] = describe(s, ["k/seats/citizens"], context)
    assert seats.required == 1


@st.composite
def broken_plans(draw: st.DrawFn) -> tuple[Scenario, Plan]:
    """A planted scenario and its valid plan, broken by a few random edits: seats moved,
    dropped, repeated or added, people unknown or missing, reserves and withdrawals that do
    not fit."""
    planted = draw(planted_scenarios())
    s, plan = planted.scenario, planted.plan
    committees = [*s.committee_ids, "nowhere"]
    people = [*(c.id for c in s.citizens), *(p.id for p in s.politicians), "ghost"]
    seats = list(plan.seats)
    unseated = list(plan.unseated_citizens)
    reserves: list[Reserve] = []
    withdrawn: list[Withdrawal] = []
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(("move", "drop", "repeat", "add", "reserve", "withdraw")))
        if edit in ("move", "drop", "repeat") and not seats:
            continue
        if edit == "move":
            i = draw(st.integers(0, len(seats) - 1))
            seats[i] = replace(seats[i], committee_id=draw(st.sampled_from(committees)))
        elif edit == "drop":
            seats.pop(draw(st.integers(0, len(seats) - 1)))
        elif edit == "repeat":
            seats.append(seats[draw(st.integers(0, len(seats) - 1))])
        elif edit == "add":
            seats.append(Seat(committee_id=draw(st.sampled_from(committees)),
                              person_id=draw(st.sampled_from(people)),
                              role=draw(st.sampled_from(Role))))
        elif edit == "reserve":
            reserves.append(Reserve(committee_id=draw(st.sampled_from(committees)),
                                    person_id=draw(st.sampled_from(people)),
                                    rank=draw(st.integers(1, 2))))
        else:
            withdrawn.append(Withdrawal(person_id=draw(st.sampled_from(people))))
    broken = Plan(seats=seats, unseated_citizens=unseated,
                  unseated_politicians=plan.unseated_politicians, reserves=reserves,
                  withdrawn=withdrawn)
    return s, broken


@settings(max_examples=80, deadline=None)
@given(case=broken_plans())
def test_violations_of_broken_plans_name_rules_of_the_scenario(case: tuple[Scenario, Plan]
                                                               ) -> None:
    s, plan = case
    assert_rules_of(s, [v.rule for v in check_plan(s, plan)], also=plan_level(s))


@pytest.mark.parametrize("seed", SEEDS)
def test_violations_of_a_shuffled_generated_plan_name_rules_of_the_scenario(seed: int) -> None:
    # Every citizen seat moves to the next committee (applications and perhaps profiles and
    # quotas break) and the first seat is dropped (a seat rule breaks).
    s = generated(seed)
    result = solve(s)
    assert result.plan is not None
    ids = s.committee_ids
    moved = [replace(seat, committee_id=ids[(ids.index(seat.committee_id) + 1) % len(ids)])
             if seat.role is Role.CITIZEN else seat for seat in result.plan.seats]
    plan = replace(result.plan, seats=tuple(moved[1:]))
    violations = check_plan(s, plan)
    assert any(v.rule in s.rules() for v in violations)
    assert_rules_of(s, [v.rule for v in violations], also=plan_level(s))
