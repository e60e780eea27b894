"""What :func:`~cocreate_match.solve` returns: a status, maybe a plan, and how good it is."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from .messages import Coded
from .plan import Plan

if TYPE_CHECKING:
    from .changes import Change
    from .check import Violation
    from .explanation import Explanation

__all__ = ["Note", "SolveResult", "Status"]


class Status(Enum):
    """How a solve ended.

    OPTIMAL
        A plan meeting every rule, proven to have the best objective.
    FEASIBLE
        A plan meeting every rule, found before the time limit; not proven best.
    INFEASIBLE
        Proven: no plan meets every rule.
    TIME_LIMIT
        The time limit was reached before any plan was found, and infeasibility was not proven.
    RELAXED
        Asked for with ``relax=True``: no plan meets every rule, and this plan meets every
        seat rule while breaking as few other rules as possible (listed in
        :attr:`SolveResult.relaxed`).
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    RELAXED = "relaxed"

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE, Status.RELAXED)


@dataclass(frozen=True, slots=True)
class Note(Coded):
    """One sentence of a result's message: a code and the fields its text is filled in with
    (see :mod:`cocreate_match.messages`).

    Examples
    --------
    >>> note = Note("CM-R011", {"moves": 2})
    >>> note.text("en")
    '2 seats of the plan in force changed, the fewest the rules allow (proven).'
    >>> note.text("da")
    '2 pladser i den gældende plan blev ændret, så få som reglerne tillader (bevist).'
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveResult:
    """The outcome of :func:`~cocreate_match.solve`.

    Attributes
    ----------
    status : Status
    plan : Plan or None
        Present exactly when ``status.has_plan``.
    objective : int or None
        The plan's objective value (see :func:`~cocreate_match.solve`).
    bound : float or None
        The best proven upper bound on the objective; equal to ``objective`` when optimal.
    build_time, solve_time : float
        Seconds spent building the model and in the solver.
    seed : int
        The seed that drove every random choice.
    backend : str
        The solver backend used.
    code : str
        The stable code of the outcome's message, such as ``"CM-R008"`` (optimal); see
        :mod:`cocreate_match.messages`. Software can act on it whatever the language.
    params : mapping of str to object
        The fields the code's text is filled in with (counts, chances).
    notes : tuple of Note
        Further coded sentences that follow the first, such as how many seats of a plan in
        force changed.
    message : str
        A plain-language account of the outcome (the code's text, then each note's), in the
        current language (:func:`~cocreate_match.messages.set_language`); read-only.
    explanation : Explanation or None
        When INFEASIBLE: rules that cannot be met together, and why.
    relaxed : tuple of Violation
        When RELAXED: each rule the plan breaks, with its limit and what the plan achieves
        (as :func:`~cocreate_match.check_plan` reports it); empty otherwise.
    groups : int or None
        How many groups of citizens the model has: citizens in one group are alike in
        everything the rules and the score can see, and only the lot tells them apart.
    lot_complete : bool
        Whether the lot among equally good plans was settled (the seed decided every tie);
        False when the time limit cut it short, or the plan is not proven optimal. With
        ``fair=True``: whether every level of the LEXIMIN lottery was proven.
    chances : mapping of str to float, or None
        With ``fair=True``: each citizen's chance of a seat under the LEXIMIN lottery from
        which the plan was drawn.
    moves : int or None
        With ``keep`` (and after a replacement): how many seats of the plan in force the new
        plan does not keep; proven the fewest the rules allow when OPTIMAL.
    changes : tuple of Change
        With ``keep`` (and after a replacement): each seat that changed hands, with who left,
        who came in and why.
    """

    status: Status
    plan: Plan | None
    objective: int | None
    bound: float | None
    build_time: float
    solve_time: float
    seed: int
    backend: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    explanation: Explanation | None = None
    relaxed: tuple[Violation, ...] = ()
    groups: int | None = None
    lot_complete: bool = False
    chances: Mapping[str, float] | None = None
    moves: int | None = None
    changes: tuple[Change, ...] = ()

    @property
    def message(self) -> str:
        """The outcome in plain words, in the current language."""
        return self.message_text()

    def message_text(self, lang: str | None = None) -> str:
        """The outcome in plain words in ``lang`` (the current language when None).

        Examples
        --------
        >>> from cocreate_match import Citizen, Mandate, Scenario, solve
        >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
        ...              citizens=[Citizen(id="x", applied_to=["a"])])
        >>> result = solve(s)
        >>> result.code, result.message
        ('CM-R008', 'Optimal plan: every rule is met and no plan scores higher.')
        >>> result.message_text("nb")
        'Optimal plan: alle regler er oppfylt, og ingen plan gir høyere poengsum.'
        """
        parts = ([Note(self.code, self.params)] if self.code else []) + list(self.notes)
        return " ".join(part.text(lang) for part in parts)

    def noted(self, code: str, **params: Any) -> SolveResult:
        """This result with one more note (``code`` and its fields) after its message."""
        return dataclasses.replace(self, notes=(*self.notes, Note(code, params)))

    def __repr__(self) -> str:
        from .display import result_text

        return result_text(self)

    def _repr_html_(self) -> str:
        from .display import result_html

        return result_html(self)

    def to_dict(self) -> dict[str, Any]:
        """The result as a plain dict that ``json.dumps`` takes.

        Keys: ``status`` (its value, such as ``"optimal"``), ``code`` (the message's code),
        ``params`` (its fields), ``notes`` (per further sentence: ``code`` and ``params``),
        ``message`` (in the current language), ``objective``,
        ``bound``, ``gap``, ``seed``, ``backend``, ``build_time`` and ``solve_time``
        (seconds), ``groups``, ``lot_complete``, ``plan`` (:meth:`Plan.to_dict
        <cocreate_match.Plan.to_dict>`, or ``null``), ``relaxed`` (per broken rule: ``rule``,
        ``message``, ``limit``, ``actual``, ``person_id``), ``explanation``
        (:meth:`Explanation.to_dict <cocreate_match.Explanation.to_dict>`, or ``null``),
        ``moves``, ``changes`` (per change its fields, ``role`` as a string, and ``reason``)
        and ``chances`` (citizen id -> chance, or ``null``). A bound that is not finite is
        ``null``. The JSON Schema is ``json_schema("result")``.

        Examples
        --------
        >>> import json
        >>> from cocreate_match import solve
        >>> from cocreate_match.demo import demo_scenario
        >>> d = solve(demo_scenario(), seed=0).to_dict()
        >>> d["status"], len(d["plan"]["seats"]), d["explanation"]
        ('optimal', 150, None)
        >>> json.loads(json.dumps(d)) == d
        True
        """
        from .serialize import result_to_dict

        return result_to_dict(self)

    @property
    def gap(self) -> float | None:
        """Relative distance between objective and bound (0.0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, self.bound - self.objective) / max(1.0, abs(self.bound))
