"""A readable account of a plan, committee by committee."""

from __future__ import annotations

from collections import Counter

from .check import rule_counts
from .messages import text
from .result import SolveResult, Status
from .rules import RuleKind, rule_name
from .scenario import Scenario


def _limits(low: int, high: int | None) -> str:
    return f"{low}..{high}" if high is not None else f">= {low}"


def _rank(rank: int | None) -> str:
    """``#2``: where the committee is in a person's list; "any" for an applicant open to
    every committee."""
    return f"#{rank}" if rank is not None else text("CM-C071")


def format_summary(scenario: Scenario, result: SolveResult) -> str:
    """The plan of ``result`` as text: per committee its mandate title, seated people with the
    rank of the committee in their list, profile and quota counts against their limits, and
    parties; then global quotas and totals. In the language of
    :func:`~cocreate_match.messages.set_language`; a line's code is in ``data/messages/cli.toml``.

    Examples
    --------
    >>> from cocreate_match import solve
    >>> from cocreate_match.demo import demo_scenario
    >>> text = format_summary(demo_scenario(), solve(demo_scenario()))
    >>> "Climate" in text and "objective" in text
    True
    """
    plan = result.plan
    if plan is None:
        return text("CM-C060", status=result.status.value, message=result.message)
    counts = rule_counts(scenario, plan)
    lines: list[str] = []
    ranks: Counter[int] = Counter()  # 0 stands for a committee not in the list
    for m in scenario.mandates:
        committee = plan.committee(m.id)
        lines.append(f"== {m.label} [{m.id}] ==")
        citizens = []
        for pid in committee.citizens:
            rank = scenario.citizen(pid).rank(m.id)
            ranks[rank or 0] += 1
            citizens.append(f"{pid} ({_rank(rank)})")
        lines.append("  " + text("CM-C061", seated=len(committee.citizens),
                                 seats=m.citizen_seats, people=", ".join(citizens)))
        reserves = plan.reserves_for(m.id)
        if reserves:
            lines.append("  " + text("CM-C062", ids=", ".join(reserves)))
        for p in m.profiles:
            n = counts[rule_name(RuleKind.PROFILE, m.id, p.name)]
            lines.append("    " + text("CM-C063", name=p.name, tags=", ".join(sorted(p.any_of)),
                                       count=n, limits=_limits(p.min, p.max)))
        for q in m.quotas:
            n = counts[rule_name(RuleKind.QUOTA, m.id, q.name)]
            lines.append("    " + text("CM-C064", name=q.name, count=n,
                                       limits=_limits(q.min, q.max)))
        politicians = []
        for pid in committee.politicians:
            pol = scenario.politician(pid)
            rank = pol.rank(m.id)
            politicians.append(f"{pid} [{pol.party}] "
                               f"({_rank(rank) if rank else text('CM-C072')})")
        parties = sorted({scenario.politician(pid).party for pid in committee.politicians})
        lines.append("  " + text("CM-C065", seated=len(committee.politicians),
                                 seats=m.politician_seats, people=", ".join(politicians)))
        lines.append("    " + text("CM-C066", count=len(parties), parties=", ".join(parties)))
    if scenario.quotas:
        lines.append(f"== {text('CM-C067')} ==")
        for q in scenario.quotas:
            lines.append("  " + text("CM-C068", name=q.name, count=counts[f"quota/{q.name}"],
                                     limits=_limits(q.min, q.max)))
    if result.relaxed:
        lines.append(f"== {text('CM-C069', count=len(result.relaxed))} ==")
        lines += ["  " + text("CM-C070", rule=v.rule, limit=v.limit, actual=v.actual,
                              message=v.message) for v in result.relaxed]
    seated = len(plan.seated_citizens)
    lines.append(f"== {text('CM-C073')} ==")
    by_rank = ", ".join(f"{_rank(k or None)}: {v}" for k, v in sorted(ranks.items(),
                                                                      key=lambda kv: kv[0] or 99))
    lines.append("  " + text("CM-C074", seated=seated, applicants=len(scenario.citizens),
                             ranks=by_rank))
    lines.append("  " + (text("CM-C075", status=result.status.value, objective=result.objective,
                              bound=result.bound) if result.bound is not None else
                         text("CM-C076", status=result.status.value,
                              objective=result.objective)))
    lines.append("  " + text("CM-C077", build=result.build_time, solve=result.solve_time,
                             backend=result.backend, seed=result.seed))
    if result.chances is not None:
        chances = sorted(result.chances.values())
        lines.append("  " + text("CM-C078" if result.lot_complete else "CM-C079",
                                 groups=result.groups))
        if chances:  # none when no citizen applied
            lines.append("  " + text("CM-C080", low=chances[0], high=chances[-1]))
    elif result.groups is not None:
        # The lot among equally good plans runs for plans that meet every rule; one that
        # breaks rules was not cut short by a time limit, it had none.
        code = ("CM-C083" if result.status is Status.RELAXED
                else "CM-C081" if result.lot_complete else "CM-C082")
        lines.append("  " + text(code, groups=result.groups))
    return "\n".join(lines)
