"""Checks before solving: each finding proves a rule cannot be met; none on feasible input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    Mandate,
    Politician,
    Quota,
    Scenario,
    Status,
    precheck,
    save_scenario,
    solve,
)
from cocreate_match.cli import main
from strategies import feasible_scenarios, tiny_council_scenarios, tiny_scenarios


def _people(n: int, committee: str = "sport", **attributes: str) -> list[Citizen]:
    return [Citizen(id=f"c{i}", applied_to=[committee], attributes=attributes) for i in range(n)]


def test_too_few_applicants_for_the_seats() -> None:
    s = Scenario(mandates=[Mandate(id="sport", citizen_seats=3, politician_seats=0)],
                 citizens=_people(2))
    [f] = precheck(s)
    assert (f.rule, f.required, f.available) == ("sport/seats/citizens", 3, 2)
    assert "lower citizen_seats to 2" in f.suggestion


def test_a_profile_nobody_who_applied_fits() -> None:
    s = Scenario(mandates=[Mandate(id="sport", citizen_seats=1, politician_seats=0, profiles=[
        CompetenceProfile(name="young", any_of=["student"], min=1)])], citizens=_people(3))
    [f] = precheck(s)
    assert (f.rule, f.required, f.available) == ("sport/profile/young", 1, 0)
    assert "lower the profile's min to 0" in f.suggestion


def test_a_quota_max_that_too_many_applicants_exceed() -> None:
    # Three seats, and only one applicant who is not female: at least two women sit.
    citizens = [*_people(3, gender="female"),
                Citizen(id="m", applied_to=["sport"], attributes={"gender": "male"})]
    s = Scenario(mandates=[Mandate(id="sport", citizen_seats=3, politician_seats=0, quotas=[
        Quota(attribute="gender", value="female", max=1)])], citizens=citizens)
    [f] = precheck(s)
    assert (f.rule, f.required, f.available) == ("sport/quota/gender=female", 2, 1)


def test_a_global_quota_and_council_rules() -> None:
    s = Scenario(
        mandates=[Mandate(id="sport", citizen_seats=1, politician_seats=2)],
        citizens=_people(2, district="north"),
        politicians=[Politician(id="p1", party="A"), Politician(id="p2", party="A")],
        council=CouncilRules(max_per_party=1, min_parties=2),
        quotas=[Quota(attribute="district", value="south", min=1)],
    )
    rules = {f.rule: (f.required, f.available) for f in precheck(s)}
    assert rules == {"sport/council/min_parties": (2, 1), "sport/council/max_per_party": (2, 1),
                     "quota/district=south": (1, 0)}


def test_politicians_time_budgets() -> None:
    s = Scenario(
        mandates=[Mandate(id="a", citizen_seats=0, politician_seats=2),
                  Mandate(id="b", citizen_seats=0, politician_seats=2)],
        politicians=[Politician(id="p1", party="A", max_committees=1),
                     Politician(id="p2", party="B", max_committees=1),
                     Politician(id="p3", party="C", min_committees=3)],
    )
    rules = [(f.rule, f.required, f.available) for f in precheck(s)]
    assert ("politician/p3/committees", 3, 2) in rules
    assert ("politician/*/committees", 4, 4) not in rules  # capacity 1 + 1 + 2 = 4 suffices


@given(feasible_scenarios())
def test_no_finding_on_scenarios_that_have_a_plan(s: Scenario) -> None:
    assert precheck(s) == ()


@given(tiny_scenarios())
def test_every_finding_means_no_plan(s: Scenario) -> None:
    if precheck(s):
        assert solve(s).status is Status.INFEASIBLE


@given(tiny_council_scenarios())
def test_every_council_finding_means_no_plan(s: Scenario) -> None:
    if precheck(s):
        assert solve(s).status is Status.INFEASIBLE


def test_solve_prints_the_findings_when_infeasible(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    s = Scenario(mandates=[Mandate(id="sport", citizen_seats=1, politician_seats=0, profiles=[
        CompetenceProfile(name="young", any_of=["student"], min=1)])], citizens=_people(3))
    save_scenario(s, tmp_path / "s")
    code = main(["solve", str(tmp_path / "s"), "--out", str(tmp_path / "plan.csv")])
    err = capsys.readouterr().err
    assert code == 3
    assert "sport/profile/young" in err and "suggestion: lower the profile's min to 0" in err
    assert not (tmp_path / "plan.csv").exists()
