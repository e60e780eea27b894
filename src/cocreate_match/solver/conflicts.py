"""Irreducible sets of conflicting rules, found by re-solving a model with rules left out.

The search is QuickXplain (Junker, AAAI 2004): split the candidate rules in halves, and keep a
half only when the rest cannot do without it. It needs about ``k log(n / k)`` feasibility checks
for ``k`` conflicting rules among ``n``, against ``n`` for a plain deletion filter. Each check
solves the LP relaxation first, which proves most subsets infeasible (or integrally feasible)
without branching.

With a ``progress`` callback the search reports how far it is: a line as it starts, one at
most every :data:`REPORT_EVERY` seconds as subsets of the rules are tested, and one when it
ends. The caller's :class:`~cocreate_match.solver.clock.Heartbeat` repeats the last line
while a test runs long, as for the other steps of a solve. The search logs to
``cocreate_match.solver.conflicts``: counts and rule names, never people's attributes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..explanation import Context, Explanation, conflict_message, describe
from ..findings import Finding
from ..messages import log_message, text
from ..scenario import Scenario
from .clock import HEARTBEAT, Progress
from .linear import LinearModel, is_structural
from .relax import seat_rules

log = logging.getLogger("cocreate_match.solver.conflicts")

#: Seconds between progress lines as subsets of the rules are tested.
REPORT_EVERY = HEARTBEAT


class TimeLimitReached(Exception):
    """The deadline passed during a feasibility check."""


class RuleSubsets:
    """A model's rows grouped by rule, to test whether a subset of the rules can be met."""

    def __init__(self, model: LinearModel, deadline: float | None = None,
                 report: Callable[[int], None] | None = None) -> None:
        from scipy.sparse import csr_array

        lb, ub, _, rows, cols, vals, row_lb, row_ub = model.arrays()
        self.rules = model.rules()
        index = {rule: j for j, rule in enumerate(self.rules)}
        self._row_rule = np.array([-1 if is_structural(r) else index[r] for r in model.row_rule],
                                  dtype=np.int64)
        self._matrix = csr_array((vals, (rows, cols)), shape=(model.n_rows, model.n_vars))
        self._lb, self._ub, self._row_lb, self._row_ub = lb, ub, row_lb, row_ub
        self._deadline = deadline
        self._report = report
        self.checks = 0

    def feasible(self, keep: Sequence[int]) -> bool:
        """Whether the rules with indices ``keep`` (and the structural rows) can all be met.

        Raises :class:`TimeLimitReached` when the deadline passes first. After each test,
        ``report`` (if given) is called with the number of tests so far.
        """
        found = self._feasible(keep)
        if self._report is not None:
            self._report(self.checks)
        return found

    def _feasible(self, keep: Sequence[int]) -> bool:
        # Before the import: the first import of scipy.optimize alone takes about half a
        # second, which a deadline already passed must not pay for.
        if self._deadline is not None and self._deadline <= time.perf_counter():
            raise TimeLimitReached
        from scipy.optimize import Bounds, LinearConstraint, milp

        self.checks += 1
        chosen = np.zeros(len(self.rules) + 1, dtype=bool)
        chosen[np.asarray(keep, dtype=np.int64)] = True
        chosen[-1] = True  # index -1: structural rows
        rows = np.flatnonzero(chosen[self._row_rule])
        n = self._lb.shape[0]
        if n == 0:
            return bool(np.all(self._row_lb[rows] <= 0) and np.all(self._row_ub[rows] >= 0))
        constraints = [LinearConstraint(self._matrix[rows], self._row_lb[rows],
                                        self._row_ub[rows])] if rows.size else []
        bounds = Bounds(self._lb, self._ub)
        for integral in (False, True):
            options: dict[str, float | bool] = {"presolve": True}
            if self._deadline is not None:
                left = self._deadline - time.perf_counter()
                if left <= 0:
                    raise TimeLimitReached
                options["time_limit"] = left
            res = milp(np.zeros(n), integrality=np.full(n, int(integral)), bounds=bounds,
                       constraints=constraints, options=options)
            if res.status == 2:
                return False
            if res.status != 0:
                raise TimeLimitReached
            if not integral and np.abs(res.x - np.round(res.x)).max(initial=0.0) < 1e-9:
                return True  # an integral vertex of the LP is a plan
        return True


def irreducible_conflict(subsets: RuleSubsets, preferred: Sequence[str] = ()) -> list[str]:
    """An irreducible set of rules that cannot all be met, among all rules of the model.

    The model must be infeasible with every rule. Rules in ``preferred`` are tried first, so
    that a conflict among them (such as one already found by counting) is the one reported.
    Returns rule names in the model's order.
    """
    order = sorted(range(len(subsets.rules)),
                   key=lambda j: (subsets.rules[j] not in set(preferred), j))

    def search(background: list[int], added: bool, candidates: list[int]) -> list[int]:
        if added and not subsets.feasible(background):
            return []
        if len(candidates) == 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        from_second = search(background + first, bool(first), second)
        from_first = search(background + from_second, bool(from_second), first)
        return from_first + from_second

    if not order or subsets.feasible(order):
        return []
    found = search([], False, order)
    return [subsets.rules[j] for j in sorted(found)]


class _Report:
    """The search's progress: tests counted and logged, a line to ``say`` at most every
    :data:`REPORT_EVERY` seconds, and lines of its start and end."""

    def __init__(self, say: Progress | None, rules: int) -> None:
        self._say = say
        self.rules = rules
        self.checks = 0
        self._last = time.perf_counter()

    def line(self, code: str, **params: Any) -> None:
        """Log the line (in English) and say it (in the current language)."""
        log_message(log, code, **params)
        if self._say is not None:
            self._last = time.perf_counter()
            self._say(text(code, **params))

    def checked(self, checks: int) -> None:
        self.checks = checks
        log_message(log, "CM-X007", logging.DEBUG, checks=checks, count=self.rules)
        if self._say is not None and time.perf_counter() - self._last >= REPORT_EVERY:
            self._last = time.perf_counter()
            self._say(text("CM-X007", checks=checks, count=self.rules))


def explain_model(scenario: Scenario, model: LinearModel, context: Context,
                  findings: Sequence[Finding], deadline: float | None, *,
                  seat_rules_only: bool = False,
                  progress: Progress | None = None) -> Explanation:
    """An :class:`Explanation` of why ``model`` (infeasible) has no solution.

    Rules the findings name are tried first, so that a conflict the counting checks already
    proved is the one reported. With ``seat_rules_only`` (least relaxation, where every other
    rule may be broken) the seat rules come first. ``progress``, when given, is called with
    lines of text as the search goes on (see the module's description).
    """
    report = _Report(progress, len(model.rules()))
    report.line("CM-X006", count=report.rules)
    try:
        if deadline is not None and deadline <= time.perf_counter():
            raise TimeLimitReached  # no time to build the search at all
        subsets = RuleSubsets(model, deadline, report.checked)
        preferred = [r for r in subsets.rules if r in seat_rules(scenario)] \
            if seat_rules_only else [f.rule for f in findings]
        names = irreducible_conflict(subsets, preferred)
    except TimeLimitReached:
        report.line("CM-X009", checks=report.checks)
        proven = [f.rule for f in findings if f.rule in set(model.rules())]
        if proven and not seat_rules_only:
            # A finding counts that its rule alone cannot be met: a conflict of one rule,
            # irreducible without any search.
            code, params = conflict_message(1)
            return Explanation(rules=tuple(describe(scenario, proven[:1], context)),
                               findings=tuple(findings), code=code, params=params)
        # Every rule together still conflicts; only the narrowing down is missing.
        return Explanation(rules=tuple(describe(scenario, model.rules(), context)),
                           findings=tuple(findings), irreducible=False, code="CM-X003")
    report.line("CM-X008", found=len(names), checks=subsets.checks)
    # Rule names can name people (politician/<id>/committees, lock/..., household/...):
    # DEBUG only, like every other name of a person.
    log_message(log, "CM-X048", logging.DEBUG, names=", ".join(names))
    rules = describe(scenario, names, context)
    code, params = conflict_message(len(rules))
    return Explanation(rules=tuple(rules), findings=tuple(findings), code=code, params=params)
