"""Short text and HTML views of scenarios, results and lotteries, for consoles and notebooks.

A full ``repr`` of a scenario lists every citizen (tens of thousands of characters for the
demo); these views give sizes, status and the key figures in a few lines, and a small table
in a notebook. The data itself is in ``Scenario.to_frames()``, ``Plan.to_frame()``,
``Lottery.to_frame()`` and :func:`~cocreate_match.report`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lottery import Lottery
    from .result import SolveResult
    from .scenario import Scenario


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def scenario_text(s: Scenario) -> str:
    citizen_seats = sum(m.citizen_seats for m in s.mandates)
    politician_seats = sum(m.politician_seats for m in s.mandates)
    lines = [f"Scenario: {_plural(len(s.mandates), 'committee')} ({citizen_seats} citizen and "
             f"{politician_seats} politician seats)",
             f"  {_plural(len(s.citizens), 'citizen')}, {_plural(len(s.politicians), 'politician')}"
             f", {_plural(len(s.quotas), 'global quota')}"]
    if s.cancelled:
        lines.append(f"  cancelled: {', '.join(m.id for m in s.cancelled)}")
    return "\n".join(lines)


def scenario_html(s: Scenario) -> str:
    rows: list[list[object]] = []
    for m in s.mandates:
        applicants = sum(1 for c in s.citizens if c.can_sit_on(m.id))
        rows.append([m.id, m.label, m.citizen_seats, m.politician_seats, applicants,
                     len(m.profiles), len(m.quotas)])
    title = html.escape(scenario_text(s).splitlines()[0])
    return (f"<div><strong>{title}</strong>"
            + _table(["committee", "title", "citizen seats", "politician seats", "applicants",
                      "profiles", "quotas"], rows) + "</div>")


def result_text(r: SolveResult) -> str:
    seats = len(r.plan.seats) if r.plan is not None else 0
    line = (f"SolveResult: {r.status.value}, objective {r.objective}, bound "
            f"{'-' if r.bound is None else f'{r.bound:g}'}, {_plural(seats, 'seat')}")
    lines = [line, f"  backend {r.backend}, seed {r.seed}, "
                   f"{r.build_time + r.solve_time:.2f} s"]
    if r.relaxed:
        lines.append(f"  breaks {_plural(len(r.relaxed), 'rule')} (relaxed)")
    if r.moves is not None:
        lines.append(f"  {_plural(r.moves, 'move')} from the plan kept")
    if r.message:
        lines.append(f"  {r.message}")
    return "\n".join(lines)


def result_html(r: SolveResult) -> str:
    rows: list[list[object]] = []
    if r.plan is not None:
        for committee in r.plan.committees:
            rows.append([committee.id, len(committee.citizens), len(committee.politicians)])
    lines = "<br>".join(html.escape(x) for x in result_text(r).splitlines())
    table = _table(["committee", "citizens", "politicians"], rows) if rows else ""
    return f"<div>{lines}{table}</div>"


def lottery_text(lot: Lottery) -> str:
    plans = len(lot.panels)
    return "\n".join([
        f"Lottery: {lot.method.value}, {lot.status.value}, "
        f"{_plural(len(lot.scenario.citizens), 'citizen')}, {_plural(plans, 'panel')}",
        f"  smallest chance {lot.min_probability:.6f}, "
        f"{_plural(len(lot.certificates), 'level')} proven, chance 0: {lot.zero_chance}, "
        f"certain: {lot.certain}, {lot.seconds:.2f} s"])


def lottery_html(lot: Lottery) -> str:
    rows: list[list[object]] = [[c.level, f"{c.value:.9f}", c.fixed, f"{c.gap:.1e}"]
                                for c in lot.certificates[:20]]
    more = (f"<p>and {len(lot.certificates) - 20} more levels</p>"
            if len(lot.certificates) > 20 else "")
    lines = "<br>".join(html.escape(x) for x in lottery_text(lot).splitlines())
    table = _table(["level", "chance", "citizens fixed", "gap"], rows) if rows else ""
    return f"<div>{lines}{table}{more}</div>"
