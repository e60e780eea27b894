"""Plots of fairness and representation, each a function returning a matplotlib Figure.

matplotlib is the optional extra ``plot`` (``pip install 'cocreate-match[plot]'``). Figures are
built without ``pyplot``, so nothing here changes a notebook's or a script's backend; a
notebook shows a returned Figure as it shows any other.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem
from .messages import text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .lottery import Lottery
    from .report import Report

__all__ = ["plot_price_of_fairness", "plot_probabilities", "plot_ranks",
           "plot_representation"]


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as err:  # the optional extra is missing
        raise ImportError(f"{text('CM-E392')} [CM-E392]") from err
    return Figure(figsize=(width, height), layout="constrained")


def _sorted_chances(source: Lottery | Report | Sequence[float]) -> list[float]:
    from .lottery import Lottery
    from .report import Report

    if isinstance(source, Lottery):
        return sorted(source.probabilities().values())
    if isinstance(source, Report):
        if source.chances is None:
            raise InputError([Problem(code="CM-E390", column="lottery")])
        return [float(p) for p in source.chances["probability"]]
    return sorted(float(p) for p in source)


def plot_probabilities(lottery: Lottery | Report | Sequence[float],
                       baseline: Lottery | Report | Sequence[float] | None = None, *,
                       label: str = "LEXIMIN") -> Figure:
    """Each citizen's chance of a seat, smallest first, against the uniform chance (seats
    shared equally among the applicants) and, when given, the random-priority baseline.

    Examples
    --------
    >>> fig = plot_probabilities([0.1, 0.3, 0.2], baseline=[0.0, 0.2, 0.4])
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['LEXIMIN', 'random priority', 'uniform']
    """
    ours = _sorted_chances(lottery)
    fig = _figure()
    ax = fig.add_subplot()
    positions = [i / max(len(ours) - 1, 1) for i in range(len(ours))]
    ax.plot(positions, ours, label=label, color="#1f5fa8", linewidth=2)
    if baseline is not None:
        other = _sorted_chances(baseline)
        ax.plot([i / max(len(other) - 1, 1) for i in range(len(other))], other,
                label=text("CM-R360"), color="#c0392b", linestyle="--")
    mean = sum(ours) / len(ours) if ours else 0.0
    ax.axhline(mean, label=text("CM-R361"), color="#777777", linestyle=":")
    ax.set_xlabel(text("CM-R362"))
    ax.set_ylabel(text("CM-R363"))
    ax.set_ylim(bottom=0.0)
    ax.legend(loc="upper left")
    return fig


def plot_representation(report: Report, committee_id: str = "*",
                        attributes: Sequence[str] | None = None) -> Figure:
    """Bars per attribute value: the share among the seated, in the pool of applicants, and
    the population target where one is given (``committee_id`` ``"*"``: all committees)."""
    frame = report.representation
    rows = frame[frame["committee_id"] == committee_id]
    if attributes is not None:
        rows = rows[rows["attribute"].isin(list(attributes))]
    if rows.empty:
        raise InputError([Problem(code="CM-E391", column="committee_id", value=committee_id)])
    labels = [f"{a}={v}" for a, v in zip(rows["attribute"], rows["value"], strict=True)]
    series: list[tuple[str, Any, str]] = [(text("CM-R364"), rows["seated_share"], "#1f5fa8"),
                                          (text("CM-R365"), rows["pool_share"], "#9bb7d4")]
    if rows["target_share"].notna().any():
        series.append((text("CM-R366"), rows["target_share"], "#e67e22"))
    fig = _figure(width=max(6.0, 0.5 * len(labels) + 2.0))
    ax = fig.add_subplot()
    width = 0.8 / len(series)
    for k, (name, values, colour) in enumerate(series):
        ax.bar([i + (k - (len(series) - 1) / 2) * width for i in range(len(labels))],
               values.fillna(0.0).tolist(), width=width, label=name, color=colour)
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel(text("CM-R367"))
    ax.set_title(text("CM-R368") if committee_id == "*"
                 else text("CM-R369", committee=committee_id))
    ax.legend()
    return fig


def plot_ranks(report: Report) -> Figure:
    """How many seated citizens and politicians got their first, second, ... choice."""
    frame = report.ranks
    fig = _figure(width=5.5)
    ax = fig.add_subplot()
    roles = ["citizen", "politician"]
    width = 0.4
    ranks = sorted({int(r) for r in frame["rank"].dropna()})
    anywhere = frame["rank"].isna().any()
    labels = [str(r) for r in ranks] + ([text("CM-R370")] if anywhere else [])
    for k, role in enumerate(roles):
        mine = frame[frame["role"] == role]
        heights = [int(mine.loc[mine["rank"] == r, "people"].sum()) for r in ranks]
        if anywhere:
            heights.append(int(mine.loc[mine["rank"].isna(), "people"].sum()))
        ax.bar([i + (k - 0.5) * width for i in range(len(labels))], heights, width=width,
               label=text(("CM-R371", "CM-R372")[k]), color=("#1f5fa8", "#e67e22")[k])
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlabel(text("CM-R373"))
    ax.set_ylabel(text("CM-R374"))
    ax.legend()
    return fig


def plot_price_of_fairness(sweep: pd.DataFrame) -> Figure:
    """From a :func:`~cocreate_match.sweep` of quality floors with ``what="lottery"``: the
    smallest chance and the expected score against the floor."""
    frame = sweep.dropna(subset=["quality_floor"]).sort_values("quality_floor")
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(frame["quality_floor"], frame["min_probability"], marker="o", color="#1f5fa8",
            label=text("CM-R375"))
    ax.set_xlabel(text("CM-R376"))
    ax.set_ylabel(text("CM-R377"), color="#1f5fa8")
    right = ax.twinx()
    right.plot(frame["quality_floor"], frame["expected_score"], marker="s", color="#e67e22",
               label=text("CM-R378"))
    right.set_ylabel(text("CM-R378"), color="#e67e22")
    ax.set_title(text("CM-R379"))
    return fig


def figure_svg(fig: Figure) -> str:
    """The figure as an inline SVG element (the same text for the same figure)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "cocreate_match", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def report_figures_svg(report: Report) -> dict[str, str] | None:
    """The report's plots as SVG by name, or None when matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return None
    figures: dict[str, str] = {}
    if report.chances is not None and len(report.chances):
        baseline = (None if report.baseline is None else
                    [float(p) for p in report.baseline["probability"]])
        figures["probabilities"] = figure_svg(plot_probabilities(report, baseline))
    overall = report.representation[report.representation["committee_id"] == "*"]
    if len(overall) and overall["pool"].sum() > 0:
        figures["representation"] = figure_svg(plot_representation(report))
    if len(report.ranks):
        figures["ranks"] = figure_svg(plot_ranks(report))
    return figures
