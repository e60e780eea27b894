"""Short text and HTML views of scenarios, results and lotteries, for consoles and notebooks.

A full ``repr`` of a scenario lists every citizen (tens of thousands of characters for the
demo); these views give sizes, status and the key figures in a few lines, and a small table
in a notebook. The data itself is in ``Scenario.to_frames()``, ``Plan.to_frame()``,
``Lottery.to_frame()`` and :func:`~cocreate_match.report`. The views are in the language of
:func:`~cocreate_match.messages.set_language` (their codes are in ``data/messages/cli.toml``).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .messages import text

if TYPE_CHECKING:
    from .lottery import Lottery
    from .result import SolveResult
    from .scenario import Scenario


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def scenario_text(s: Scenario) -> str:
    citizen_seats = sum(m.citizen_seats for m in s.mandates)
    politician_seats = sum(m.politician_seats for m in s.mandates)
    lines = [text("CM-C100", committees=len(s.mandates), citizen_seats=citizen_seats,
                  politician_seats=politician_seats),
             "  " + text("CM-C101", citizens=len(s.citizens), politicians=len(s.politicians),
                         quotas=len(s.quotas))]
    if s.cancelled:
        lines.append("  " + text("CM-C102", ids=", ".join(m.id for m in s.cancelled)))
    return "\n".join(lines)


def scenario_html(s: Scenario) -> str:
    rows: list[list[object]] = []
    for m in s.mandates:
        applicants = sum(1 for c in s.citizens if c.can_sit_on(m.id))
        rows.append([m.id, m.label, m.citizen_seats, m.politician_seats, applicants,
                     len(m.profiles), len(m.quotas)])
    title = html.escape(scenario_text(s).splitlines()[0])
    return (f"<div><strong>{title}</strong>"
            + _table([text(code) for code in ("CM-C110", "CM-C111", "CM-C112", "CM-C113",
                                              "CM-C114", "CM-C115", "CM-C116")], rows)
            + "</div>")


def result_text(r: SolveResult) -> str:
    seats = len(r.plan.seats) if r.plan is not None else 0
    line = text("CM-C103", status=r.status.value, objective=r.objective,
                bound="-" if r.bound is None else f"{r.bound:g}", seats=seats)
    lines = [line, "  " + text("CM-C104", backend=r.backend, seed=r.seed,
                               seconds=r.build_time + r.solve_time)]
    if r.relaxed:
        lines.append("  " + text("CM-C105", count=len(r.relaxed)))
    if r.moves is not None:
        lines.append("  " + text("CM-C106", moves=r.moves))
    if r.message:
        lines.append(f"  {r.message}")
    return "\n".join(lines)


def result_html(r: SolveResult) -> str:
    rows: list[list[object]] = []
    if r.plan is not None:
        for committee in r.plan.committees:
            rows.append([committee.id, len(committee.citizens), len(committee.politicians)])
    lines = "<br>".join(html.escape(x) for x in result_text(r).splitlines())
    table = _table([text("CM-C110"), text("CM-C117"), text("CM-C118")], rows) if rows else ""
    return f"<div>{lines}{table}</div>"


def lottery_text(lot: Lottery) -> str:
    plans = len(lot.panels)
    return "\n".join([
        text("CM-C107", method=lot.method.value, status=lot.status.value,
             citizens=len(lot.scenario.citizens), panels=plans),
        "  " + text("CM-C108", chance=lot.min_probability, levels=len(lot.certificates),
                    zero=lot.zero_chance, certain=lot.certain, seconds=lot.seconds)])


def lottery_html(lot: Lottery) -> str:
    rows: list[list[object]] = [[c.level, f"{c.value:.9f}", c.fixed, f"{c.gap:.1e}"]
                                for c in lot.certificates[:20]]
    more = (f"<p>{html.escape(text('CM-C109', count=len(lot.certificates) - 20))}</p>"
            if len(lot.certificates) > 20 else "")
    lines = "<br>".join(html.escape(x) for x in lottery_text(lot).splitlines())
    table = (_table([text(code) for code in ("CM-C119", "CM-C120", "CM-C121", "CM-C122")],
                    rows) if rows else "")
    return f"<div>{lines}{table}{more}</div>"
