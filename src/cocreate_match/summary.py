"""A readable account of a plan, committee by committee."""

from __future__ import annotations

from collections import Counter

from .check import rule_counts
from .result import SolveResult
from .rules import RuleKind, rule_name
from .scenario import Scenario


def _limits(low: int, high: int | None) -> str:
    return f"{low}..{high}" if high is not None else f">= {low}"


def _rank(rank: int | None) -> str:
    return f"#{rank}" if rank is not None else "any"


def format_summary(scenario: Scenario, result: SolveResult) -> str:
    """The plan of ``result`` as text: per committee its mandate title, seated people with the
    rank of the committee in their list, profile and quota counts against their limits, and
    parties; then global quotas and totals.

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
        return f"No plan ({result.status.value}): {result.message}"
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
        lines.append(f"  citizens ({len(committee.citizens)}/{m.citizen_seats}): "
                     + ", ".join(citizens))
        reserves = plan.reserves_for(m.id)
        if reserves:
            lines.append(f"  reserves, first asked first: {', '.join(reserves)}")
        for p in m.profiles:
            n = counts[rule_name(RuleKind.PROFILE, m.id, p.name)]
            lines.append(f"    profile {p.name} [{', '.join(sorted(p.any_of))}]: {n} "
                         f"(limits {_limits(p.min, p.max)})")
        for q in m.quotas:
            n = counts[rule_name(RuleKind.QUOTA, m.id, q.name)]
            lines.append(f"    quota {q.name}: {n} (limits {_limits(q.min, q.max)})")
        politicians = []
        for pid in committee.politicians:
            pol = scenario.politician(pid)
            rank = pol.rank(m.id)
            politicians.append(f"{pid} [{pol.party}] ({_rank(rank) if rank else 'unlisted'})")
        parties = sorted({scenario.politician(pid).party for pid in committee.politicians})
        lines.append(f"  politicians ({len(committee.politicians)}/{m.politician_seats}): "
                     + ", ".join(politicians))
        lines.append(f"    parties: {len(parties)} ({', '.join(parties)})")
    if scenario.quotas:
        lines.append("== Global quotas ==")
        for q in scenario.quotas:
            lines.append(f"  {q.name}: {counts[f'quota/{q.name}']} "
                         f"(limits {_limits(q.min, q.max)})")
    if result.relaxed:
        lines.append(f"== Rules broken ({len(result.relaxed)}, as few as possible) ==")
        lines += [f"  {v.rule}: limit {v.limit}, achieved {v.actual} ({v.message})"
                  for v in result.relaxed]
    seated = len(plan.seated_citizens)
    lines.append("== Totals ==")
    by_rank = ", ".join(f"{_rank(k or None)}: {v}" for k, v in sorted(ranks.items(),
                                                                      key=lambda kv: kv[0] or 99))
    lines.append(f"  citizens seated: {seated} of {len(scenario.citizens)} applicants "
                 f"(committee rank in their list: {by_rank})")
    lines.append(f"  status {result.status.value}, objective {result.objective}, "
                 f"bound {result.bound:g}" if result.bound is not None else
                 f"  status {result.status.value}, objective {result.objective}")
    lines.append(f"  model built in {result.build_time:.2f} s, solved in {result.solve_time:.2f} s"
                 f" ({result.backend}), seed {result.seed}")
    if result.chances is not None:
        chances = sorted(result.chances.values())
        proven = ("every level proven" if result.lot_complete else
                  "the time limit came before every level was proven")
        lines.append(f"  {result.groups} groups of citizens alike to every rule; the plan was "
                     f"drawn from the LEXIMIN lottery over plans of optimal score ({proven})")
        lines.append(f"  fair draw: chances of a seat from {chances[0]:.4f} to "
                     f"{chances[-1]:.4f}")
    elif result.groups is not None:
        lot = ("the seed decided among equally good plans" if result.lot_complete else
               "the lot among equally good plans was not settled in time")
        lines.append(f"  {result.groups} groups of citizens alike to every rule; {lot}")
    return "\n".join(lines)
