"""A report on a plan and a lottery: representation, rules, preferences, load and fairness.

:func:`report` gathers tidy DataFrames (one row per observation, numbers as numbers) that an
analyst can filter and plot, and a short summary a council can read. :class:`Report` writes
them as one self-contained HTML page (plots embedded as SVG when the ``plot`` extra is
installed) or as Markdown, and shows itself in a notebook.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem
from .messages import get_language, text
from .plan import Plan, Role
from .result import Note, SolveResult
from .rules import RuleKind
from .scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from .lottery import Lottery

__all__ = ["Report", "read_targets", "report"]

# Chances within this of 0 or 1 count as 0 or 1 (the lottery's own tolerance).
_CERTAIN = 1e-9
_COUNTED = (RuleKind.CITIZEN_SEATS, RuleKind.POLITICIAN_SEATS, RuleKind.PROFILE,
            RuleKind.QUOTA, RuleKind.GLOBAL_QUOTA)
OVERALL = "*"


@dataclass(frozen=True, eq=False)
class Report:
    """What :func:`report` found, as tidy DataFrames.

    Attributes
    ----------
    about : dict
        What a reader needs to reproduce the figures: scenario, seed, library version, solver,
        status, objective, lottery method (only what was given). Keys and values are data;
        ``plan``, when the plan is the lottery's draw, says so in English here and in the
        reader's language on the page.
    sentences : tuple of Note
        The summary as coded sentences (see :mod:`cocreate_match.messages`).
    summary : tuple of str
        A few plain sentences, the first thing a council reads, in the current language
        (:meth:`summary_text` for another); read-only.
    representation : DataFrame
        ``committee_id`` (``*`` for all committees together), ``attribute``, ``value``,
        ``seated``, ``seated_share``, ``pool``, ``pool_share`` (the committee's applicants),
        ``target_share`` (from the targets, else empty) and, with a lottery,
        ``expected_share`` (the lottery's expected share of the seats).
    rules : DataFrame
        ``rule``, ``kind``, ``committee_id``, ``count``, ``min``, ``max``, ``holds``: seats,
        competence profiles and quotas against their limits (counted as
        :func:`~cocreate_match.check_plan` counts).
    ranks : DataFrame
        ``role``, ``committee_id``, ``rank`` (1 = first choice; empty for a citizen open to any
        committee), ``people``.
    load : DataFrame
        ``politician_id``, ``party``, ``committees``, ``min_committees``, ``max_committees``,
        ``within``.
    parties : DataFrame
        ``committee_id``, ``party``, ``politicians``.
    chances : DataFrame or None
        With a lottery: ``person_id``, ``probability`` (of a seat on any committee), sorted
        from the smallest, with ``position`` (0-based).
    extremes : DataFrame or None
        With a lottery: ``person_id``, ``probability``, ``kind`` (``chance 0`` or ``certain``):
        every citizen the lottery never seats, and every forced selection.
    baseline : DataFrame or None
        With a ``baseline`` lottery: its chances, as ``chances`` (for the plot).
    fairness : dict or None
        With a lottery: ``min``, ``max``, ``mean``, ``gini``, ``zero_chance``, ``certain``,
        ``expected_score``, ``optimum``, ``price_of_fairness`` (``1 - expected_score /
        optimum``). The expected score counts the politicians as the lottery seats them (as
        in the optimal plan), or, for probabilities alone, as the plan given seats them.
    """

    about: dict[str, str]
    sentences: tuple[Note, ...]
    representation: pd.DataFrame = field(repr=False)
    rules: pd.DataFrame = field(repr=False)
    ranks: pd.DataFrame = field(repr=False)
    load: pd.DataFrame = field(repr=False)
    parties: pd.DataFrame = field(repr=False)
    chances: pd.DataFrame | None = field(default=None, repr=False)
    fairness: dict[str, float] | None = field(default=None, repr=False)
    extremes: pd.DataFrame | None = field(default=None, repr=False)
    baseline: pd.DataFrame | None = field(default=None, repr=False)
    drawn_seed: int | None = field(default=None, repr=False)

    @property
    def summary(self) -> tuple[str, ...]:
        """The summary's sentences in the current language."""
        return self.summary_text()

    def summary_text(self, lang: str | None = None) -> tuple[str, ...]:
        """The summary's sentences in ``lang`` (the current language when None)."""
        return tuple(note.text(lang) for note in self.sentences)

    def _about(self) -> list[tuple[str, str]]:
        """What the report was made from, as shown: the drawn plan said in the reader's
        language."""
        return [(k, text("CM-R353", seed=self.drawn_seed)
                 if k == "plan" and self.drawn_seed is not None else v)
                for k, v in self.about.items()]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables by name, in the order the HTML page shows them."""
        out = {"representation": self.representation, "rules": self.rules,
               "ranks": self.ranks, "load": self.load, "parties": self.parties}
        if self.extremes is not None:
            out["extremes"] = self.extremes
        if self.chances is not None:
            out["chances"] = self.chances
        return out

    def __repr__(self) -> str:
        lines = [f"Report({self.about.get('scenario', 'scenario')})"]
        lines += [f"  {line}" for line in self.summary]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The report as Markdown: the summary, what it was made from, then every table.

        Examples
        --------
        >>> from cocreate_match import solve
        >>> from cocreate_match.demo import demo_scenario
        >>> s = demo_scenario()
        >>> text = report(s, solve(s), name="demo").to_markdown()
        >>> text.splitlines()[0]
        '# Committee report: demo'
        """
        parts = [f"# {text('CM-R340', name=self.about.get('scenario', 'scenario'))}", ""]
        parts += [f"- {line}" for line in self.summary] + [""]
        parts += [f"## {text('CM-R342')}", "",
                  _markdown_rows([text("CM-R354"), text("CM-R355")],
                                 [[k, v] for k, v in self._about()]), ""]
        if self.fairness is not None:
            parts += [f"## {text('CM-R343')}", "",
                      _markdown_rows([text("CM-R356"), text("CM-R355")],
                                     [[k, _number(v)] for k, v in self.fairness.items()]), ""]
        for name, frame in self.tables().items():
            parts += [f"## {text(_TITLES[name])}", "", _markdown_frame(frame), ""]
        return "\n".join(parts)

    def to_html(self, path: str | os.PathLike[str] | None = None) -> str:
        """One self-contained HTML page (no network; plots as inline SVG); written to ``path``
        when given, and returned.

        The page starts with the summary and what the figures were made from (scenario, seed,
        library version, solver, status), then the tables and plots. Plots need the ``plot``
        extra (matplotlib); without it the page says so in their place.
        """
        from .plots import report_figures_svg

        title = text("CM-R340", name=self.about.get("scenario", "scenario"))
        body = [f"<h1>{html.escape(title)}</h1>",
                f"<section id='summary'><h2>{html.escape(text('CM-R341'))}</h2><ul>"]
        body += [f"<li>{html.escape(line)}</li>" for line in self.summary]
        body += ["</ul></section>",
                 f"<section id='about'><h2>{html.escape(text('CM-R342'))}</h2>",
                 _html_pairs(self._about()), "</section>"]
        figures = report_figures_svg(self)
        if self.fairness is not None:
            body += [f"<section id='fairness'><h2>{html.escape(text('CM-R343'))}</h2>",
                     _html_pairs((k, _number(v)) for k, v in self.fairness.items())]
            body += [_figure(figures, "probabilities"), "</section>"]
        for name, frame in self.tables().items():
            body += [f"<section id='{name}'><h2>{html.escape(text(_TITLES[name]))}</h2>"]
            if name == "representation":
                body.append(_figure(figures, "representation"))
            if name == "ranks":
                body.append(_figure(figures, "ranks"))
            body += [frame.to_html(index=False, na_rep="", border=0,
                                   classes="table", table_id=f"table-{name}"), "</section>"]
        page = "\n".join([
            "<!DOCTYPE html>", f"<html lang='{get_language()}'>", "<head>",
            "<meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>",
            "<body>", *body, "</body>", "</html>", ""])
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.summary)
        about = _html_pairs(self._about())
        title = html.escape(text("CM-R352"))
        return f"<div><strong>{title}</strong><ul>{items}</ul>{about}</div>"


# The code of each table's title.
_TITLES = {"representation": "CM-R344", "rules": "CM-R345", "ranks": "CM-R346",
           "load": "CM-R347", "parties": "CM-R348", "extremes": "CM-R349",
           "chances": "CM-R350"}

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
          "color:#222}table{border-collapse:collapse;margin:0.5rem 0 1.5rem}"
          "th,td{padding:0.2rem 0.6rem;border-bottom:1px solid #ddd;text-align:left}"
          "td{font-variant-numeric:tabular-nums}figure{margin:0.5rem 0}"
          ".note{color:#666;font-style:italic}")


def _figure(figures: dict[str, str] | None, name: str) -> str:
    if figures is None:
        return f"<p class='note'>{html.escape(text('CM-R351'), quote=False)}</p>"
    svg = figures.get(name)
    return f"<figure id='plot-{name}'>{svg}</figure>" if svg else ""


def _html_pairs(pairs: Any) -> str:
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in pairs)
    return f"<table class='pairs'>{rows}</table>"


def _number(value: float) -> str:
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()
                                  and abs(value) >= 1):
        return str(int(value))
    return f"{value:.6f}"


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6f}"
    text = str(value)
    if text in ("<NA>", "nan"):
        return ""
    # One table row per line, and text as text (Markdown renders raw HTML).
    return html.escape(" ".join(text.splitlines()), quote=False).replace("|", "\\|")


def _markdown_rows(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _markdown_frame(frame: pd.DataFrame) -> str:
    return _markdown_rows([str(c) for c in frame.columns],
                          [list(row) for row in frame.itertuples(index=False)])


def read_targets(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``targets.csv`` (columns ``attribute``, ``value``, ``share``): the population's
    share of each attribute value, to compare committees with.

    Raises :class:`~cocreate_match.InputError` naming every bad row (file, line, column,
    value): a missing column, an empty attribute or value, a share that is not a number in
    [0, 1], a pair given twice.
    """
    from .tables import read_csv

    name = os.fspath(path)
    problems: list[Problem] = []
    table = read_csv(Path(path), name, problems)
    if table is None:
        raise InputError(problems)
    missing = [c for c in ("attribute", "value", "share") if c not in table.header]
    if missing:
        raise InputError([Problem(code="CM-E240", file=name, row=table.header_label,
                                  column=c, params={"column": c}) for c in missing])
    rows = []
    extra: list[Problem] = []
    for label, raw in zip(table.labels, table.rows, strict=True):
        if len(raw) > len(table.header):
            extra.append(Problem(code="CM-E241", file=name, row=label,
                                 params={"count": len(raw), "width": len(table.header)}))
        cells = dict(zip(table.header, (c.strip() for c in raw), strict=False))
        rows.append((cells.get("attribute", ""), cells.get("value", ""),
                     cells.get("share", ""), label))
    try:
        frame = _targets_frame(rows, name)
    except InputError as err:
        raise InputError([*extra, *err.problems]) from None
    if extra:
        raise InputError(extra)
    return frame


def _targets_frame(rows: Sequence[tuple[object, object, object, int | str]],
                   name: str) -> pd.DataFrame:
    import pandas as pd

    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    out = []
    for attribute, value, share, label in rows:
        for column, cell in (("attribute", attribute), ("value", value)):
            if not isinstance(cell, str) or not cell:
                problems.append(Problem(code="CM-E210", file=name, row=label,
                                        column=column, value=cell))
        try:
            number = float(share)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if not 0.0 <= number <= 1.0:
            problems.append(Problem(code="CM-E242", file=name, row=label, column="share",
                                    value=share))
        key = (str(attribute), str(value))
        if key in seen:
            problems.append(Problem(code="CM-E243", file=name, row=label, column="value",
                                    value=value))
        seen.add(key)
        out.append((str(attribute), str(value), number))
    totals: dict[str, float] = {}
    for attribute, _, number in out:
        totals[attribute] = totals.get(attribute, 0.0) + (0.0 if math.isnan(number) else number)
    for attribute, total in totals.items():
        if total > 1.0 + 1e-9:
            problems.append(Problem(code="CM-E244", file=name, column="attribute",
                                    value=attribute, params={"total": total}))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out, columns=["attribute", "value", "share"])


def _target_problems(scenario: Scenario, targets: pd.DataFrame) -> list[Problem]:
    """Targets naming an attribute or value no citizen has: a typo, not a target."""
    values: dict[str, set[str]] = {}
    for c in scenario.citizens:
        for a, v in c.attributes.items():
            values.setdefault(a, set()).add(v)
    problems = []
    for attribute, value, _ in targets.itertuples(index=False):
        if attribute not in values:
            problems.append(Problem(code="CM-E245", file="targets", column="attribute",
                                    value=attribute))
        elif value not in values[attribute]:
            problems.append(Problem(code="CM-E246", file="targets", column="value",
                                    value=value, params={"attribute": attribute}))
    return problems


def _as_targets(targets: object) -> pd.DataFrame | None:
    import pandas as pd

    if targets is None:
        return None
    if isinstance(targets, str | os.PathLike):
        return read_targets(targets)
    if isinstance(targets, pd.DataFrame):
        missing = [c for c in ("attribute", "value", "share") if c not in targets.columns]
        if missing:
            raise InputError([Problem(code="CM-E240", file="targets", column=c,
                                      params={"column": c}) for c in missing])
        return _targets_frame([(a, v, s, label) for label, a, v, s in zip(
            targets.index, targets["attribute"], targets["value"], targets["share"],
            strict=True)], "targets")
    if isinstance(targets, Mapping):
        return _targets_frame([(a, v, s, f"{a}={v}") for (a, v), s in targets.items()],
                              "targets")
    raise InputError([Problem(code="CM-E247", column="targets",
                              value=type(targets).__name__)])


def read_chances(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a ``probs.csv`` that ``cocreate-match lottery`` wrote (``person_id``,
    ``committee_id``, ``probability``) as a DataFrame indexed by file line.

    Raises :class:`~cocreate_match.InputError` when the file cannot be read as CSV or lacks a
    column; the values are checked against the scenario by :func:`report`.
    """
    import pandas as pd

    from .tables import read_csv

    name = os.fspath(path)
    problems: list[Problem] = []
    table = read_csv(Path(path), name, problems)
    if table is None:
        raise InputError(problems)
    missing = [c for c in ("person_id", "committee_id", "probability")
               if c not in table.header]
    if missing:
        raise InputError([Problem(code="CM-E240", file=name, row=table.header_label,
                                  column=c, params={"column": c}) for c in missing])
    width = len(table.header)
    return pd.DataFrame([list(r)[:width] + [""] * (width - len(r)) for r in table.rows],
                        columns=list(table.header), index=list(table.labels))


def _as_chances(scenario: Scenario, lottery: object) -> tuple[pd.DataFrame | None,
                                                              Lottery | None]:
    """The lottery's probabilities as ``person_id, committee_id, probability`` rows."""
    import pandas as pd

    from .lottery import Lottery

    if lottery is None:
        return None, None
    if isinstance(lottery, Lottery):
        return lottery.to_frame(), lottery
    file = "lottery"
    if isinstance(lottery, str | os.PathLike):
        file = os.fspath(lottery)
        lottery = read_chances(lottery)
    if isinstance(lottery, pd.DataFrame):
        missing = [c for c in ("person_id", "committee_id", "probability")
                   if c not in lottery.columns]
        problems = [Problem(code="CM-E240", file=file, column=c, params={"column": c})
                    for c in missing]
        if not problems:
            known = {c.id for c in scenario.citizens}
            committees = set(scenario.committee_ids) | {OVERALL}
            for label, pid, cid, p in zip(lottery.index, lottery["person_id"],
                                          lottery["committee_id"], lottery["probability"],
                                          strict=True):
                if pid not in known:
                    problems.append(Problem(code="CM-E248", file=file, row=label,
                                            column="person_id", value=pid))
                if cid not in committees:
                    problems.append(Problem(code="CM-E221", file=file, row=label,
                                            column="committee_id", value=cid))
                try:
                    ok = 0.0 <= float(p) <= 1.0 + _CERTAIN
                except (TypeError, ValueError):
                    ok = False
                if not ok:
                    problems.append(Problem(code="CM-E249", file=file, row=label,
                                            column="probability", value=p))
        if not problems:
            problems += _chance_problems(scenario, lottery, file)
        if problems:
            raise InputError(problems)
        frame = lottery[["person_id", "committee_id", "probability"]].copy()
        frame["probability"] = frame["probability"].astype(float)
        return frame, None
    raise InputError([Problem(code="CM-E250", column="lottery",
                              value=type(lottery).__name__)])


def _chance_problems(scenario: Scenario, frame: pd.DataFrame, file: str) -> list[Problem]:
    """What makes well-formed probability rows inconsistent with the scenario: a pair given
    twice, a committee the citizen cannot sit on, a citizen without a total (``*``) row or
    whose committee rows do not add up to it, a committee whose chances add up to more than
    its seats, and citizens' totals that do not add up to the seats."""
    problems: list[Problem] = []
    tolerance = 1e-6
    seen: set[tuple[str, str]] = set()
    totals: dict[str, float] = {}
    parts: dict[str, float] = {}
    per_committee: dict[str, float] = {}
    citizens = {c.id: c for c in scenario.citizens}
    for label, pid, cid, p in zip(frame.index, frame["person_id"], frame["committee_id"],
                                  frame["probability"], strict=True):
        if (pid, cid) in seen:
            problems.append(Problem(code="CM-E251", file=file, row=label,
                                    column="committee_id", value=cid))
        seen.add((pid, cid))
        if cid == OVERALL:
            totals[pid] = float(p)
            continue
        if not citizens[pid].can_sit_on(cid) and float(p) > 0.0:
            problems.append(Problem(code="CM-E252", file=file, row=label,
                                    column="committee_id", value=cid))
        parts[pid] = parts.get(pid, 0.0) + float(p)
        per_committee[cid] = per_committee.get(cid, 0.0) + float(p)
    for pid in citizens:
        if pid not in totals:
            problems.append(Problem(code="CM-E253", file=file, column="person_id",
                                    value=pid))
        elif abs(totals[pid] - parts.get(pid, 0.0)) > tolerance:
            problems.append(Problem(code="CM-E254", file=file, column="person_id", value=pid,
                                    params={"parts": parts.get(pid, 0.0),
                                            "total": totals[pid]}))
    for m in scenario.mandates:
        if per_committee.get(m.id, 0.0) > m.citizen_seats + tolerance:
            problems.append(Problem(code="CM-E255", file=file, column="committee_id",
                                    value=m.id, params={"chances": per_committee[m.id],
                                                        "seats": m.citizen_seats}))
    seats = sum(m.citizen_seats for m in scenario.mandates)
    if not problems and abs(sum(totals.values()) - seats) > tolerance * max(1, seats):
        problems.append(Problem(code="CM-E256", file=file, column="probability",
                                params={"total": sum(totals.values()), "seats": seats}))
    return problems


def report(scenario: Scenario, plan: Plan | SolveResult | None = None,
           lottery: Lottery | pd.DataFrame | str | os.PathLike[str] | None = None,
           targets: pd.DataFrame | str | os.PathLike[str] | Mapping[tuple[str, str], float]
           | None = None, *, name: str | None = None, optimum: int | None = None,
           baseline: Lottery | pd.DataFrame | str | os.PathLike[str] | None = None) -> Report:
    """Representation, rules, preferences, politicians' load and, with a lottery, fairness.

    Parameters
    ----------
    scenario : Scenario
    plan : Plan or SolveResult or None
        The plan to report on; a :class:`~cocreate_match.SolveResult` also gives the seed,
        solver, status and objective. Without one, a lottery's draw for its seed is used when
        a :class:`~cocreate_match.Lottery` is given; otherwise the plan tables are empty.
    lottery : Lottery, DataFrame, path or None
        A lottery, or its probabilities as ``Lottery.to_frame()`` gives them (a DataFrame, or
        the path of a ``probs.csv`` that ``cocreate-match lottery`` wrote).
    targets : path, DataFrame or mapping, optional
        Population shares (``attribute``, ``value``, ``share``), as :func:`read_targets`.
    name : str, optional
        What to call the scenario in the report (default ``"scenario"``).
    baseline : Lottery, DataFrame, path or None
        Another lottery to compare with (such as ``lottery(s, method="legacy")``, the
        random-priority baseline): its sorted chances are drawn beside the lottery's.
    optimum : int, optional
        The optimal score, for the price of fairness when the lottery is given as
        probabilities (a :class:`~cocreate_match.Lottery` carries its own; else a
        :class:`~cocreate_match.SolveResult`'s objective is used).

    Returns
    -------
    Report

    Examples
    --------
    >>> from cocreate_match import lottery, solve
    >>> from cocreate_match.demo import demo_scenario
    >>> s = demo_scenario()
    >>> r = report(s, solve(s), lottery(s), name="demo")
    >>> bool(r.rules["holds"].all()), round(r.fairness["min"], 6)
    (True, 0.333333)
    >>> r.representation.columns.tolist()[:4]
    ['committee_id', 'attribute', 'value', 'seated']
    """
    import pandas as pd

    from . import __version__
    from .lottery import Lottery

    problems: list[Problem] = []
    if not isinstance(scenario, Scenario):
        problems.append(Problem(code="CM-E220", column="scenario",
                                value=type(scenario).__name__))
    if plan is not None and not isinstance(plan, Plan | SolveResult):
        problems.append(Problem(code="CM-E257", column="plan", value=type(plan).__name__))
    if problems:
        raise InputError(problems)
    about: dict[str, str] = {"scenario": name or "scenario",
                             "library": f"cocreate_match {__version__}"}
    result = plan if isinstance(plan, SolveResult) else None
    the_plan = result.plan if result is not None else plan
    if result is not None:
        about.update({"solver": result.backend, "status": result.status.value,
                      "seed": str(result.seed),
                      "objective": "" if result.objective is None else str(result.objective)})
    chances, lot = _as_chances(scenario, lottery)
    drawn_seed = None
    if lot is not None:
        about.update({"lottery": f"{lot.method.value} ({lot.status.value})",
                      "lottery seed": str(lot.seed)})
        if the_plan is None and list(lot.plans()):
            the_plan = lot.draw(lot.seed)
            drawn_seed = lot.seed
            about["plan"] = text("CM-R353", "en", seed=lot.seed)
    wanted = _as_targets(targets)
    if wanted is not None:
        wrong = _target_problems(scenario, wanted)
        if wrong:
            raise InputError(wrong)
    assert the_plan is None or isinstance(the_plan, Plan)
    if the_plan is not None:
        from .check import plan_in_force_problems

        # A plan may break rules (a relaxed plan), but not name people or seats that are not
        # this scenario's.
        wrong = plan_in_force_problems(scenario, the_plan)
        if wrong:
            raise InputError(wrong)
    representation = _representation(scenario, the_plan, chances, wanted)
    rules = _rules(scenario, the_plan)
    ranks = _ranks(scenario, the_plan)
    load, parties = _load(scenario, the_plan)
    fairness = None
    sorted_chances = extremes = compared = None
    if chances is not None:
        if isinstance(lot, Lottery) and lot.optimum is not None:
            optimum = lot.optimum
        if optimum is None and result is not None:
            optimum = result.objective
        fairness, sorted_chances = _fairness(scenario, chances, lot, optimum, the_plan)
        extremes = pd.DataFrame(
            [(pid, p, "chance 0" if p <= _CERTAIN else "certain")
             for pid, p in zip(sorted_chances["person_id"], sorted_chances["probability"],
                               strict=True) if p <= _CERTAIN or p >= 1.0 - _CERTAIN],
            columns=["person_id", "probability", "kind"])
    if baseline is not None:
        base, base_lot = _as_chances(scenario, baseline)
        assert base is not None
        _, compared = _fairness(scenario, base, base_lot, None, None)
    sentences = _summary(scenario, the_plan, rules, ranks, fairness, representation)
    return Report(about=about, sentences=sentences, representation=representation,
                  rules=rules, extremes=extremes, baseline=compared,
                  ranks=ranks, load=load, parties=parties, chances=sorted_chances,
                  fairness=fairness, drawn_seed=drawn_seed)


def _pool(scenario: Scenario, committee_id: str | None, plan: Plan | None) -> list[Any]:
    gone = plan.withdrawn_ids if plan is not None else frozenset()
    return [c for c in scenario.citizens if c.id not in gone
            and (committee_id is None or c.can_sit_on(committee_id))]


def _representation(scenario: Scenario, plan: Plan | None, chances: pd.DataFrame | None,
                    targets: pd.DataFrame | None) -> pd.DataFrame:
    import pandas as pd

    attributes = sorted({a for c in scenario.citizens for a in c.attributes})
    values = {a: sorted({c.attributes[a] for c in scenario.citizens if a in c.attributes})
              for a in attributes}
    target = {} if targets is None else {(a, v): s for a, v, s in targets.itertuples(
        index=False)}
    for a, v in target:
        if a in values and v not in values[a]:
            values[a].append(v)
        elif a not in values:
            values[a] = [v]
    expected: dict[str, dict[str, float]] = {}
    if chances is not None:
        for pid, cid, p in chances.itertuples(index=False):
            expected.setdefault(cid, {})[pid] = float(p)
    rows = []
    by_id = {c.id: c for c in scenario.citizens}
    in_plan = set() if plan is None else {c.id for c in plan.committees}
    for cid in [*scenario.committee_ids, OVERALL]:
        where = None if cid == OVERALL else cid
        if plan is None:
            seated = []
        elif where is None:
            seated = [by_id[p] for p in sorted(plan.seated_citizens) if p in by_id]
        elif cid in in_plan:
            seated = [by_id[p] for p in plan.committee(cid).citizens if p in by_id]
        else:
            seated = []
        pool = _pool(scenario, where, plan)
        seats = (sum(m.citizen_seats for m in scenario.mandates) if where is None
                 else scenario.mandate(cid).citizen_seats)
        chance = expected.get(cid, {})
        for a in sorted(values):
            for v in values[a]:
                n_seated = sum(c.attributes.get(a) == v for c in seated)
                n_pool = sum(c.attributes.get(a) == v for c in pool)
                row: dict[str, object] = {
                    "committee_id": cid, "attribute": a, "value": v, "seated": n_seated,
                    "seated_share": n_seated / len(seated) if seated else math.nan,
                    "pool": n_pool, "pool_share": n_pool / len(pool) if pool else math.nan,
                    "target_share": target.get((a, v), math.nan)}
                if chances is not None:
                    mass = sum(p for pid, p in chance.items()
                               if by_id[pid].attributes.get(a) == v)
                    row["expected_share"] = mass / seats if seats else math.nan
                rows.append(row)
    columns = ["committee_id", "attribute", "value", "seated", "seated_share", "pool",
               "pool_share", "target_share"] + (["expected_share"] if chances is not None
                                                else [])
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"seated": "int64", "pool": "int64", "seated_share": "float64",
                         "pool_share": "float64", "target_share": "float64"})


def _rules(scenario: Scenario, plan: Plan | None) -> pd.DataFrame:
    import pandas as pd

    from .check import rule_counts

    counts = rule_counts(scenario, plan) if plan is not None else {}
    rows = []
    for rule in scenario.rules().values():
        if rule.kind not in _COUNTED or rule.name not in counts:
            continue
        count = counts[rule.name]
        rows.append({"rule": rule.name, "kind": rule.kind.value,
                     "committee_id": rule.committee or OVERALL, "count": count,
                     "min": rule.low, "max": rule.high, "holds": rule.holds(count)})
    frame = pd.DataFrame(rows, columns=["rule", "kind", "committee_id", "count", "min", "max",
                                        "holds"])
    return frame.astype({"count": "int64", "min": "int64", "max": "Int64", "holds": "bool"})


def _ranks(scenario: Scenario, plan: Plan | None) -> pd.DataFrame:
    import pandas as pd

    tally: Counter[tuple[str, str, int | None]] = Counter()
    if plan is not None:
        citizens = {c.id: c for c in scenario.citizens}
        politicians = {p.id: p for p in scenario.politicians}
        for seat in plan.seats:
            people: Mapping[str, Any] = citizens if seat.role is Role.CITIZEN else politicians
            person = people.get(seat.person_id)
            if person is not None:
                tally[seat.role.value, seat.committee_id, person.rank(seat.committee_id)] += 1
    order = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    rows = sorted(tally.items(), key=lambda item: (item[0][0], order.get(item[0][1], 10**9),
                                                   item[0][2] is None, item[0][2] or 0))
    frame = pd.DataFrame([{"role": role, "committee_id": cid, "rank": rank, "people": n}
                          for (role, cid, rank), n in rows],
                         columns=["role", "committee_id", "rank", "people"])
    return frame.astype({"rank": "Int64", "people": "int64"})


def _load(scenario: Scenario, plan: Plan | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    on: Counter[str] = Counter()
    parties: Counter[tuple[str, str]] = Counter()
    party = {p.id: p.party for p in scenario.politicians}
    if plan is not None:
        for seat in plan.seats:
            if seat.role is Role.POLITICIAN and seat.person_id in party:
                on[seat.person_id] += 1
                parties[seat.committee_id, party[seat.person_id]] += 1
    load = pd.DataFrame([{"politician_id": p.id, "party": p.party, "committees": on[p.id],
                          "min_committees": p.min_committees,
                          "max_committees": p.max_committees,
                          "within": p.min_committees <= on[p.id] and (
                              p.max_committees is None or on[p.id] <= p.max_committees)}
                         for p in scenario.politicians],
                        columns=["politician_id", "party", "committees", "min_committees",
                                 "max_committees", "within"])
    order = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    mix = pd.DataFrame([{"committee_id": cid, "party": name, "politicians": n}
                        for (cid, name), n in sorted(parties.items(), key=lambda item: (
                            order.get(item[0][0], 10**9), item[0][1]))],
                       columns=["committee_id", "party", "politicians"])
    return (load.astype({"committees": "int64", "min_committees": "int64",
                         "max_committees": "Int64", "within": "bool"}),
            mix.astype({"politicians": "int64"}))


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient of non-negative values (0: all equal; near 1: one has all).

    Examples
    --------
    >>> gini([0.5, 0.5, 0.5]), round(gini([0.0, 0.0, 1.0]), 6)
    (0.0, 0.666667)
    """
    xs = sorted(float(v) for v in values)
    n, total = len(xs), sum(xs)
    if n == 0 or total <= 0.0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return max(0.0, (2.0 * weighted) / (n * total) - (n + 1) / n)


def _fairness(scenario: Scenario, chances: pd.DataFrame, lot: Lottery | None,
              optimum: int | None, plan: Plan | None) -> tuple[dict[str, float], pd.DataFrame]:
    import pandas as pd

    totals = chances[chances["committee_id"] == OVERALL]
    by_person = dict(zip(totals["person_id"], totals["probability"].astype(float), strict=True))
    if not by_person:  # per-committee rows only: add them up
        for pid, cid, p in chances.itertuples(index=False):
            if cid != OVERALL:
                by_person[pid] = by_person.get(pid, 0.0) + float(p)
    ids = [c.id for c in scenario.citizens if c.id in by_person]
    probabilities = [by_person[pid] for pid in ids]
    citizens = {c.id: c for c in scenario.citizens}
    expected = 0.0
    for pid, cid, p in chances.itertuples(index=False):
        if cid != OVERALL:
            expected += float(p) * scenario.score(citizens[pid], cid)
    if lot is not None:
        # Politicians sit as in the optimal plan, the same in every plan of the lottery.
        for k, seated in lot.politicians_on.items():
            for i in seated:
                expected += scenario.score(scenario.politicians[i], scenario.committee_ids[k])
    elif plan is not None:  # probabilities only: the politicians sit as in the plan given
        politicians = {p.id: p for p in scenario.politicians}
        for seat in plan.seats:
            if seat.role is Role.POLITICIAN and seat.person_id in politicians:
                expected += scenario.score(politicians[seat.person_id], seat.committee_id)
    if lot is not None:
        smallest = lot.min_probability
    else:  # as Lottery.min_probability: over the citizens some plan meeting every rule seats
        seatable = _seatable(scenario)
        smallest = min((p for pid, p in zip(ids, probabilities, strict=True)
                        if pid in seatable), default=0.0)
    fairness: dict[str, float] = {
        "min": smallest,
        "max": max(probabilities, default=0.0),
        "mean": sum(probabilities) / len(probabilities) if probabilities else 0.0,
        "gini": gini(probabilities),
        "zero_chance": sum(p <= _CERTAIN for p in probabilities),
        "certain": sum(p >= 1.0 - _CERTAIN for p in probabilities),
        "expected_score": expected}
    if optimum is not None:
        fairness["optimum"] = float(optimum)
        fairness["price_of_fairness"] = 1.0 - expected / optimum if optimum else 0.0
    order = sorted(zip(probabilities, ids, strict=True))
    frame = pd.DataFrame({"position": range(len(order)),
                          "person_id": [pid for _, pid in order],
                          "probability": [p for p, _ in order]})
    return fairness, frame


def _seatable(scenario: Scenario) -> set[str]:
    """The citizens whom some plan meeting every rule seats."""
    from .lottery import _citizen_model
    from .solver.leximin import seatable_groups

    model, types = _citizen_model(scenario, grouped_by_rank=False)
    if types.var_type.shape[0] == 0:
        return set()
    found = seatable_groups(model, types, deadline=None, progress=lambda _: None)
    return {scenario.citizens[i].id for g, members in enumerate(types.members) if found[g]
            for i in members}


def _summary(scenario: Scenario, plan: Plan | None, rules: pd.DataFrame, ranks: pd.DataFrame,
             fairness: dict[str, float] | None,
             representation: pd.DataFrame) -> tuple[Note, ...]:
    lines = []
    if plan is None:
        lines.append(Note("CM-R330"))
    else:
        from .check import check_plan

        counts = {"committees": len(scenario.mandates),
                  "citizens": sum(1 for s in plan.seats if s.role is Role.CITIZEN),
                  "politicians": sum(1 for s in plan.seats if s.role is Role.POLITICIAN)}
        broken = check_plan(scenario, plan)
        if not broken:
            lines.append(Note("CM-R331", counts))
        else:
            lines.append(Note("CM-R333" if len(broken) > 5 else "CM-R332", {
                **counts, "count": len(broken), "rules": "; ".join(v.rule for v in broken[:5])}))
        seated = ranks[ranks["role"] == Role.CITIZEN.value]
        total = int(seated["people"].sum())
        if total:
            first = int(seated.loc[seated["rank"] == 1, "people"].sum())
            lines.append(Note("CM-R334", {"first": first, "total": total,
                                          "percent": 100 * first / total}))
        gaps = representation[(representation["committee_id"] == OVERALL)
                               & representation["target_share"].notna()]
        if len(gaps):
            worst = gaps.assign(gap=(gaps["seated_share"] - gaps["target_share"]).abs()
                                ).sort_values(["gap", "attribute", "value"],
                                              ascending=[False, True, True]).iloc[0]
            lines.append(Note("CM-R335", {
                "attribute": worst["attribute"], "value": worst["value"],
                "seated": float(worst["seated_share"]), "target": float(worst["target_share"])}))
    if fairness is not None:
        lines.append(Note("CM-R336", {
            "min": fairness["min"], "max": fairness["max"], "gini": fairness["gini"],
            "zero": int(fairness["zero_chance"]), "certain": int(fairness["certain"])}))
        if "optimum" in fairness:
            lines.append(Note("CM-R337", {"expected": fairness["expected_score"],
                                          "optimum": fairness["optimum"],
                                          "price": fairness["price_of_fairness"]}))
    return tuple(lines)
