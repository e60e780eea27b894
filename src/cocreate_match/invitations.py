"""Ad hoc invitations: citizens brought into a single meeting for a competence it needs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ._validate import check_whole
from .check import plan_in_force_problems
from .errors import InputError, Problem
from .lot import priority
from .plan import Plan
from .scenario import Scenario

__all__ = ["adhoc_invitations"]


def adhoc_invitations(scenario: Scenario, plan: Plan, committee: str, profile: str,
                      count: int, *, invited: Iterable[str] = (),
                      seed: int = 0) -> tuple[str, ...]:
    """Up to ``count`` citizens to invite to one meeting of ``committee`` for ``profile``.

    Candidates are citizens not seated in ``plan`` and not withdrawn from it who fit the
    committee's competence profile and applied to the committee (or to any). Those invited
    least often before (``invited`` lists earlier invitations, one id per invitation, repeats
    allowed) come first; ties are drawn by lot with ``seed``. Over repeated calls that pass on
    the growing list, invitations spread evenly: no candidate is invited twice more than
    another. Fewer than ``count`` come back when there are fewer candidates.

    Raises
    ------
    InputError
        When the committee or profile does not exist, or an argument is invalid.

    Examples
    --------
    >>> from cocreate_match import Citizen, CompetenceProfile, Mandate, Plan, Scenario
    >>> s = Scenario(mandates=[Mandate(id="sport", citizen_seats=1, politician_seats=0,
    ...     profiles=[CompetenceProfile(name="coach", any_of=["coach"])])],
    ...     citizens=[Citizen(id=c, applied_to=["sport"], tags=["coach"]) for c in "abc"])
    >>> plan = Plan(seats=(), unseated_citizens=("a", "b", "c"))
    >>> first = adhoc_invitations(s, plan, "sport", "coach", 2)
    >>> second = adhoc_invitations(s, plan, "sport", "coach", 1, invited=first)
    >>> sorted(first + second)
    ['a', 'b', 'c']
    """
    earlier = list(invited) if isinstance(invited, Iterable) and not isinstance(
        invited, str) else invited
    problems = invitation_problems(scenario, plan, committee, profile, count, earlier, seed)
    if problems:
        raise InputError(problems)
    assert isinstance(earlier, list)
    mandate = scenario.mandate(committee)
    wanted = next(p for p in mandate.profiles if p.name == profile)
    # Whoever withdrew is out of the process, not only off the committees.
    away = plan.seated_citizens | plan.withdrawn_ids
    times = Counter(earlier)
    candidates = [c.id for c in scenario.citizens if c.id not in away
                  and c.can_sit_on(committee) and wanted.matches(c)]
    # The lot is keyed by id (not by row), so the rows' order cannot change the choice.
    order = sorted(candidates, key=lambda pid: (times[pid], -priority(seed, pid), pid))
    return tuple(order[:count])


def invitation_problems(scenario: object, plan: object, committee: object, profile: object,
                        count: object = 0, invited: object = (), seed: object = 0
                        ) -> list[Problem]:
    """Every problem with the arguments of :func:`adhoc_invitations`, at once; ``plan`` may be
    None when it could not be read (its own problems are reported elsewhere)."""
    problems = []
    if not isinstance(scenario, Scenario):
        problems.append(Problem(code="CM-E220", column="scenario",
                                value=type(scenario).__name__))
    elif not isinstance(committee, str) or committee not in scenario.committee_ids:
        problems.append(Problem(code="CM-E221", column="committee", value=committee))
    else:
        mandate = scenario.mandate(committee)
        if profile not in [p.name for p in mandate.profiles]:
            names = ", ".join(p.name for p in mandate.profiles)
            problems.append(Problem(code="CM-E222" if names else "CM-E223", column="profile",
                                    value=profile,
                                    params={"committee": committee, "names": names}))
    if plan is not None and (isinstance(scenario, Scenario) or not isinstance(plan, Plan)):
        # Who is seated decides who may be invited: the plan must be this scenario's.
        problems += [p for p in plan_in_force_problems(scenario, plan)
                     if p.column != "scenario"]
    problems += check_whole(count, "count") + check_whole(seed, "seed")
    if not isinstance(invited, list) or not all(isinstance(pid, str) for pid in invited):
        problems.append(Problem(code="CM-E224", column="invited", value=invited))
    return problems
