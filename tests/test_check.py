"""The plan checker: one hand-made plan per rule, each breaking exactly that rule."""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    Mandate,
    Plan,
    Politician,
    Quota,
    Role,
    Scenario,
    Seat,
    generate_scenario,
    solve,
)
from cocreate_match.check import Violation, check_plan, plan_score

# Who sits where in the valid base plan. Ids starting with "p" are politicians.
BASE = {"climate": ["c1", "c2", "p1", "p2"], "youth": ["c3", "p3", "p4"]}


def make_scenario() -> Scenario:
    """Two committees; each spare person exists to break one rule when swapped in."""
    return Scenario(
        mandates=[
            Mandate(
                id="climate", citizen_seats=2, politician_seats=2,
                profiles=[CompetenceProfile(name="young", any_of=["student"], min=1, max=1)],
                quotas=[Quota(attribute="gender", value="female", min=1, max=1)],
            ),
            Mandate(id="youth", citizen_seats=1, politician_seats=2),
        ],
        citizens=[
            Citizen(id="c1", applied_to=["climate"], tags=["student"], household="h1",
                    attributes={"gender": "female"}),
            Citizen(id="c2", applied_to=["climate", "youth"], attributes={"gender": "male"}),
            Citizen(id="c3", applied_to=["youth"], household="h2",
                    attributes={"gender": "female", "district": "north"}),
            Citizen(id="c4", applied_to=["youth"], household="h1",
                    attributes={"gender": "female", "district": "north"}),
            Citizen(id="c5", open_to_any=True,
                    attributes={"gender": "male", "district": "north"}),
            Citizen(id="c6", applied_to=["climate"], attributes={"gender": "female"}),
            Citizen(id="c7", applied_to=["climate"], tags=["student"],
                    attributes={"gender": "male"}),
            Citizen(id="c8", applied_to=["youth"], attributes={"gender": "male"}),
        ],
        politicians=[
            Politician(id="p1", party="A", preferences=["climate", "youth"], min_committees=1),
            Politician(id="p2", party="B", preferences=["climate"], max_committees=1),
            Politician(id="p3", party="A", preferences=["youth"]),
            Politician(id="p4", party="B", preferences=["youth", "climate"]),
            Politician(id="p5", party="A"),
            Politician(id="p6", party="C"),
        ],
        council=CouncilRules(max_per_party=1, min_parties=2),
        quotas=[Quota(attribute="district", value="north", min=1, max=1)],
    )


SCENARIO = make_scenario()


def seat_plan(committees: dict[str, list[str]], scenario: Scenario = SCENARIO) -> Plan:
    """A plan seating ``committees``; everyone of the scenario not seated is listed unseated."""
    seats = [
        Seat(committee_id=cid, person_id=pid,
             role=Role.POLITICIAN if pid.startswith("p") else Role.CITIZEN)
        for cid, people in committees.items() for pid in people
    ]
    seated = {s.person_id for s in seats}
    return Plan(
        seats=seats,
        unseated_citizens=[c.id for c in scenario.citizens if c.id not in seated],
        unseated_politicians=[p.id for p in scenario.politicians if p.id not in seated],
    )


def swap(committee: str, old: str, new: str) -> Plan:
    """The base plan with ``new`` sitting on ``committee`` in place of ``old``."""
    committees = {cid: list(people) for cid, people in BASE.items()}
    committees[committee][committees[committee].index(old)] = new
    return seat_plan(committees)


def only(violations: tuple[Violation, ...]) -> Violation:
    assert len(violations) == 1, [v.rule for v in violations]
    return violations[0]


# -- a valid plan ----------------------------------------------------------------------------


def test_valid_plan_has_no_violations() -> None:
    assert check_plan(SCENARIO, seat_plan(BASE)) == ()


# -- committee rules -------------------------------------------------------------------------


def test_too_few_citizens_on_a_committee() -> None:
    v = only(check_plan(SCENARIO, seat_plan({**BASE, "climate": ["c1", "p1", "p2"]})))
    assert (v.rule, v.limit, v.actual) == ("climate/seats/citizens", 2, 1)
    assert v.message == "climate: 1 citizen seated, 2 required"


def test_too_many_politicians_on_a_committee() -> None:
    plan = seat_plan({**BASE, "climate": [*BASE["climate"], "p6"]})
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.limit, v.actual) == ("climate/seats/politicians", 2, 3)


def test_profile_too_few() -> None:
    v = only(check_plan(SCENARIO, swap("climate", "c1", "c6")))
    assert (v.rule, v.limit, v.actual) == ("climate/profile/young", 1, 0)
    assert v.message == "climate: 0 seated citizens fit profile 'young', at least 1 required"


def test_profile_too_many() -> None:
    v = only(check_plan(SCENARIO, swap("climate", "c2", "c7")))
    assert (v.rule, v.limit, v.actual) == ("climate/profile/young", 1, 2)
    assert "at most 1 allowed" in v.message


def test_committee_quota() -> None:
    v = only(check_plan(SCENARIO, swap("climate", "c2", "c6")))
    assert (v.rule, v.limit, v.actual) == ("climate/quota/gender=female", 1, 2)


def test_global_quota_too_many() -> None:
    v = only(check_plan(SCENARIO, swap("climate", "c2", "c5")))
    assert (v.rule, v.limit, v.actual) == ("quota/district=north", 1, 2)


def test_global_quota_too_few() -> None:
    v = only(check_plan(SCENARIO, swap("youth", "c3", "c8")))
    assert (v.rule, v.limit, v.actual) == ("quota/district=north", 1, 0)


def test_max_per_party_names_the_party() -> None:
    scenario = replace(SCENARIO, council=CouncilRules(max_per_party=1))
    v = only(check_plan(scenario, swap("youth", "p4", "p5")))
    assert (v.rule, v.limit, v.actual) == ("youth/council/max_per_party", 1, 2)
    assert "'A'" in v.message


def test_min_parties() -> None:
    scenario = replace(SCENARIO, council=CouncilRules(min_parties=2))
    v = only(check_plan(scenario, swap("youth", "p4", "p5")))
    assert (v.rule, v.limit, v.actual) == ("youth/council/min_parties", 2, 1)


# -- politicians -----------------------------------------------------------------------------


def test_politician_on_too_many_committees() -> None:
    v = only(check_plan(SCENARIO, swap("youth", "p4", "p2")))
    assert (v.rule, v.limit, v.actual, v.person_id) == ("politician/p2/committees", 1, 2, "p2")


def test_politician_on_too_few_committees() -> None:
    v = only(check_plan(SCENARIO, swap("climate", "p1", "p5")))
    assert (v.rule, v.limit, v.actual, v.person_id) == ("politician/p1/committees", 1, 0, "p1")


def test_politician_twice_on_one_committee() -> None:
    plan = seat_plan({**BASE, "climate": [*BASE["climate"], "p1"]})
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.limit, v.actual, v.person_id) == ("politician/p1/seats", 1, 2, "p1")


def test_politician_seated_and_unseated() -> None:
    base = seat_plan(BASE)
    plan = replace(base, unseated_politicians=(*base.unseated_politicians, "p3"))
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.person_id) == ("politician/p3/seats", "p3")


def test_politician_listed_unseated_twice() -> None:
    base = seat_plan(BASE)
    plan = replace(base, unseated_politicians=(*base.unseated_politicians, "p5"))
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.person_id) == ("politician/p5/seats", "p5")


# -- households and citizens -----------------------------------------------------------------


def test_two_citizens_of_one_household() -> None:
    v = only(check_plan(SCENARIO, swap("youth", "c3", "c4")))
    assert (v.rule, v.limit, v.actual, v.person_id) == ("household/h1", 1, 2, None)
    assert "c1" in v.message and "c4" in v.message


def test_citizen_seated_where_they_did_not_apply() -> None:
    v = only(check_plan(SCENARIO, swap("climate", "c2", "c8")))
    assert (v.rule, v.person_id) == ("citizen/c8/applied_to", "c8")
    assert "'climate'" in v.message


def test_open_citizen_may_sit_anywhere() -> None:
    # c5 applied to nothing but is open to any committee; c3 also is in district north.
    assert check_plan(SCENARIO, swap("youth", "c3", "c5")) == ()


def test_citizen_seated_twice_fills_one_seat() -> None:
    plan = seat_plan({**BASE, "climate": [*BASE["climate"], "c2"]})
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.limit, v.actual, v.person_id) == ("citizen/c2/seats", 1, 2, "c2")


def test_citizen_seated_and_unseated() -> None:
    base = seat_plan(BASE)
    plan = replace(base, unseated_citizens=(*base.unseated_citizens, "c1"))
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.actual, v.person_id) == ("citizen/c1/seats", 2, "c1")


# -- the plan itself -------------------------------------------------------------------------


def test_unknown_person() -> None:
    base = seat_plan(BASE)
    plan = replace(base, unseated_citizens=(*base.unseated_citizens, "ghost"))
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.person_id) == ("plan/unknown_person", "ghost")


def test_politician_listed_as_citizen() -> None:
    base = seat_plan(BASE)
    plan = replace(base, unseated_citizens=(*base.unseated_citizens, "p5"),
                   unseated_politicians=("p6",))
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.person_id) == ("plan/unknown_person", "p5")
    assert "politician" in v.message


def test_unknown_committee() -> None:
    base = seat_plan(BASE)
    plan = replace(
        base,
        seats=(*base.seats, Seat(committee_id="culture", person_id="c4", role=Role.CITIZEN)),
        unseated_citizens=tuple(c for c in base.unseated_citizens if c != "c4"),
    )
    v = only(check_plan(SCENARIO, plan))
    assert (v.rule, v.actual) == ("plan/unknown_committee", 1)
    assert "'culture'" in v.message


def test_missing_people_are_reported_one_by_one() -> None:
    base = seat_plan(BASE)
    plan = replace(base, unseated_citizens=tuple(c for c in base.unseated_citizens if c != "c8"),
                   unseated_politicians=("p5",))
    found = check_plan(SCENARIO, plan)
    assert [(v.rule, v.person_id) for v in found] == [
        ("plan/missing_person", "c8"), ("plan/missing_person", "p6"),
    ]


# -- many at once, and their order -----------------------------------------------------------


def test_empty_committee_is_still_checked() -> None:
    found = check_plan(SCENARIO, seat_plan({"climate": BASE["climate"]}))
    assert [(v.rule, v.limit, v.actual) for v in found] == [
        ("youth/seats/citizens", 1, 0),
        ("youth/seats/politicians", 2, 0),
        ("youth/council/min_parties", 2, 0),
        ("quota/district=north", 1, 0),
    ]


def test_every_violation_is_reported_in_a_fixed_order() -> None:
    plan = Plan(
        seats=[
            Seat(committee_id="climate", person_id="c8", role=Role.CITIZEN),
            Seat(committee_id="climate", person_id="c3", role=Role.CITIZEN),
            Seat(committee_id="climate", person_id="c3", role=Role.CITIZEN),
            Seat(committee_id="youth", person_id="c4", role=Role.CITIZEN),
            Seat(committee_id="youth", person_id="c1", role=Role.CITIZEN),
            Seat(committee_id="youth", person_id="p5", role=Role.POLITICIAN),
            Seat(committee_id="youth", person_id="p3", role=Role.POLITICIAN),
            Seat(committee_id="arts", person_id="p2", role=Role.POLITICIAN),
            Seat(committee_id="youth", person_id="nobody", role=Role.POLITICIAN),
        ],
        unseated_citizens=["c2", "c5", "c6", "c7"],
        unseated_politicians=["p1", "p4"],
    )
    found = check_plan(SCENARIO, plan)
    assert [v.rule for v in found] == [
        "climate/seats/politicians",
        "climate/profile/young",
        "climate/council/min_parties",
        "youth/seats/citizens",
        "youth/council/max_per_party",
        "youth/council/min_parties",
        "quota/district=north",
        "politician/p1/committees",
        "household/h1",
        "citizen/c1/applied_to",
        "citizen/c3/applied_to",
        "citizen/c3/seats",
        "citizen/c8/applied_to",
        "plan/unknown_person",
        "plan/unknown_committee",
        "plan/missing_person",
    ]
    assert found[-1].person_id == "p6"
    assert check_plan(SCENARIO, plan) == found


# -- the objective ---------------------------------------------------------------------------


def score_scenario() -> Scenario:
    return Scenario(
        mandates=[Mandate(id=m, citizen_seats=1, politician_seats=1) for m in ("a", "b", "c")],
        citizens=[
            Citizen(id="x", applied_to=["a", "b"]),
            Citizen(id="y", applied_to=["a"], open_to_any=True),
            Citizen(id="z", open_to_any=True),
        ],
        politicians=[
            # The longest list is a politician's: L = 3, not the citizens' 2.
            Politician(id="p", party="A", preferences=["c", "b", "a"]),
            Politician(id="q", party="B", preferences=["a"]),
        ],
    )


def test_plan_score_by_hand() -> None:
    scenario = score_scenario()
    assert scenario.longest_list == 3
    seats = [
        ("b", "x", Role.CITIZEN),      # rank 2: 3 + 1 - 2 = 2
        ("c", "y", Role.CITIZEN),      # not listed, open to any: 1
        ("a", "z", Role.CITIZEN),      # applied to nothing, open to any: 1
        ("b", "p", Role.POLITICIAN),   # rank 2: 2
        ("a", "p", Role.POLITICIAN),   # rank 3: 1
        ("a", "q", Role.POLITICIAN),   # rank 1: 3
        ("b", "q", Role.POLITICIAN),   # not listed: 0
    ]
    plan = Plan(seats=[Seat(committee_id=c, person_id=p, role=r) for c, p, r in seats])
    assert plan_score(scenario, plan) == 2 + 1 + 1 + 2 + 1 + 3 + 0


def test_plan_score_ignores_invalid_seats() -> None:
    scenario = score_scenario()
    plan = Plan(seats=[
        Seat(committee_id="c", person_id="x", role=Role.CITIZEN),      # not applied, not open
        Seat(committee_id="zzz", person_id="p", role=Role.POLITICIAN),  # unknown committee
        Seat(committee_id="c", person_id="ghost", role=Role.POLITICIAN),
        Seat(committee_id="a", person_id="q", role=Role.CITIZEN),      # wrong role
        Seat(committee_id="c", person_id="p", role=Role.POLITICIAN),   # rank 1: 3
    ])
    assert plan_score(scenario, plan) == 3


# -- independence and scale ------------------------------------------------------------------


# Run in a fresh interpreter in which the solver package and every solver library raise on
# import. The package's __init__ imports the solver (it exports solve), so the package is
# stood in for by an empty module with the same path: only what check.py imports itself runs.
BLOCKED = ("cocreate_match.solver", "scipy.optimize", "highspy", "ortools")
GUARDED = """
import importlib.abc, importlib.util, pathlib, pickle, sys, types

BLOCKED = {blocked!r}


class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"blocked: {{name}}")
        return None


sys.meta_path.insert(0, Blocked())
package = types.ModuleType("cocreate_match")
package.__path__ = [str(pathlib.Path(importlib.util.find_spec("cocreate_match").origin).parent)]
sys.modules["cocreate_match"] = package
{body}
assert not [m for m in sys.modules if any(m == b or m.startswith(b + ".") for b in BLOCKED)]
"""


def run_guarded(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "guarded.py"
    script.write_text(GUARDED.format(blocked=BLOCKED, body=body), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=False, cwd=tmp_path)


def test_checker_runs_with_the_solver_and_solver_libraries_blocked(tmp_path: Path) -> None:
    scenario = generate_scenario(committees=4, citizens=120, politicians=12, seed=3)
    plan = solve(scenario, seed=3).plan
    assert plan is not None
    # Break the plan: the first committee's first citizen leaves their seat.
    first = scenario.mandates[0]
    leaving = plan.committee(first.id).citizens[0]
    broken = replace(plan, seats=tuple(s for s in plan.seats if s.person_id != leaving),
                     unseated_citizens=(*plan.unseated_citizens, leaving))
    expected = check_plan(scenario, broken)
    # Counted by hand: one seat short on that committee, and nothing about anyone's seats.
    assert ((f"{first.id}/seats/citizens", first.citizen_seats, first.citizen_seats - 1)
            in {(v.rule, v.limit, v.actual) for v in expected})
    assert not any(v.rule.startswith(("citizen/", "plan/")) for v in expected)
    (tmp_path / "case.pickle").write_bytes(pickle.dumps((scenario, plan, broken)))
    done = run_guarded(
        "from cocreate_match.check import check_plan\n"
        "scenario, plan, broken = pickle.loads(pathlib.Path('case.pickle').read_bytes())\n"
        "assert check_plan(scenario, plan) == ()\n"
        "pathlib.Path('found.pickle').write_bytes(pickle.dumps(check_plan(scenario, broken)))\n",
        tmp_path)
    assert done.returncode == 0, done.stderr
    assert pickle.loads((tmp_path / "found.pickle").read_bytes()) == expected


@pytest.mark.parametrize("module", [*BLOCKED, "cocreate_match.solver.solve",
                                    "ortools.sat.python.cp_model"])
def test_the_guard_blocks_each_solver_module(module: str, tmp_path: Path) -> None:
    # The same interpreter set-up fails as soon as code under it imports a blocked module, so
    # the test above would fail if check.py (or what it imports) used the solver.
    done = run_guarded(f"import {module}\n", tmp_path)
    assert done.returncode != 0
    assert f"ImportError: blocked: {module.split('.')[0]}" in done.stderr


@pytest.mark.parametrize("broken", [False, True])
def test_large_plan(broken: bool) -> None:
    committees = [f"m{i}" for i in range(100)]
    # Citizens 2k and 2k + 1 share a household and both apply to m(k mod 100), then the next.
    citizens = [Citizen(id=f"c{i}", household=f"h{i // 2}",
                        applied_to=[committees[i // 2 % 100], committees[(i // 2 + 1) % 100]])
                for i in range(20_000)]
    scenario = Scenario(
        mandates=[Mandate(id=m, citizen_seats=100, politician_seats=0) for m in committees],
        citizens=citizens,
    )
    # Citizens 0, 2, 4, ... each sit on their first choice: 100 per committee, one per household.
    plan = Plan(
        seats=[Seat(committee_id=committees[i // 2 % 100], person_id=f"c{i}", role=Role.CITIZEN)
               for i in range(0, 20_000, 2)],
        unseated_citizens=[f"c{i}" for i in range(1, 20_000, 2)],
    )
    if broken:
        plan = replace(plan, unseated_citizens=(*plan.unseated_citizens[1:], "c0"))
        assert [v.rule for v in check_plan(scenario, plan)] == [
            "citizen/c0/seats", "plan/missing_person",
        ]
    else:
        assert check_plan(scenario, plan) == ()
    assert plan_score(scenario, plan) == 10_000 * 2
