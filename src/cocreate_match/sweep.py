"""Sweeps: solve, or draw a lottery for, a grid of rule changes, one row per point.

A *setting* names one thing a point changes:

- ``<rule name>.min`` or ``<rule name>.max``: a limit of a rule of
  :meth:`Scenario.rules <cocreate_match.Scenario.rules>` of one of the kinds a council sets
  by hand: a competence profile (``climate/profile/young-voice.max``), a quota
  (``climate/quota/gender=female.min``), a global quota (``quota/district=Hellerup.min``) or
  a politician's budget (``politician/C1/committees.max``). A minimum is a whole number of at
  least 0; a maximum too, or None for no maximum.
- ``quality_floor``: the lottery's quality floor, a number in [0, 1] or None (only with
  ``what="lottery"``).
- ``seed``: a whole number of at least 0, in place of the ``seed`` argument.

Rule names may contain dots (ids may), so only the last ``.min`` or ``.max`` is taken off.
"""

from __future__ import annotations

import difflib
import itertools
import math
import numbers
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from .errors import InputError, Problem
from .rules import Rule, RuleKind
from .scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["sweep"]

SEED = "seed"
QUALITY_FLOOR = "quality_floor"
RESULT_COLUMNS = ("status", "objective", "min_probability", "expected_score", "seats_moved",
                  "seconds", "explanation")
_WHAT = ("solve", "lottery")
_LIMITS = ("min", "max")
# The rule kinds a sweep can change, and the fields of the object that holds their limits.
_FIELDS: dict[RuleKind, tuple[str, str]] = {
    RuleKind.PROFILE: ("min", "max"),
    RuleKind.QUOTA: ("min", "max"),
    RuleKind.GLOBAL_QUOTA: ("min", "max"),
    RuleKind.POLITICIAN: ("min_committees", "max_committees"),
}
# Which object a rule's limits live on: its kind, committee and key (profile name, quota
# name or politician id).
_Where = tuple[RuleKind, str | None, str | None]


@dataclass(frozen=True, slots=True)
class _Setting:
    """A parsed setting: a rule's limit (``rule`` and ``limit``), the seed, or the floor."""

    name: str
    rule: Rule | None = None
    limit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Task:
    """One call to make, with picklable arguments (an executor may run it in another
    process)."""

    scenario: Scenario
    what: str
    seed: int
    time_limit: float | None
    quality_floor: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Outcome:
    """What a task found, small enough to send back from another process."""

    status: str
    objective: int | None
    min_probability: float
    expected_score: float
    seats: frozenset[tuple[str, str, str]] | None
    seconds: float
    explanation: str


def _run(task: _Task) -> _Outcome:
    """Solve one point (and draw its lottery); module-level so that a process pool can
    pickle it."""
    from .lottery import lottery
    from .report import _fairness
    from .solver.solve import solve

    started = time.perf_counter()
    result = solve(task.scenario, seed=task.seed, time_limit=task.time_limit)
    status = result.status
    min_probability = expected_score = math.nan
    if task.what == "lottery":
        lot = lottery(task.scenario, seed=task.seed, time_limit=task.time_limit,
                      quality_floor=task.quality_floor)
        status = lot.status
        if lot.panels:  # a lottery cut short still is one, as far as it goes
            fairness, _ = _fairness(task.scenario, lot.to_frame(), lot, None, None)
            min_probability = fairness["min"]
            expected_score = fairness["expected_score"]
    plan = result.plan
    explanation = ""
    if plan is None:
        explanation = (str(result.explanation) if result.explanation is not None
                       else result.message)
    return _Outcome(
        status=status.value, objective=result.objective, min_probability=min_probability,
        expected_score=expected_score,
        seats=None if plan is None else frozenset(
            (s.committee_id, s.person_id, s.role.value) for s in plan.seats),
        seconds=time.perf_counter() - started, explanation=explanation)


def sweep(
    scenario: Scenario,
    changes: Mapping[str, Iterable[Any]] | Sequence[Mapping[str, Any]],
    *,
    what: Literal["solve", "lottery"] = "solve",
    seed: int = 0,
    executor: Executor | None = None,
    time_limit: float | None = None,
) -> pd.DataFrame:
    """Solve (or draw the LEXIMIN lottery for) the scenario under each point of a grid of rule
    changes, and tabulate what each point gives.

    Parameters
    ----------
    scenario : Scenario
        Left unchanged; each point is a copy with its settings applied.
    changes : mapping or sequence of mappings
        A mapping ``{setting: values}`` is a grid: every combination of the values, in the
        mapping's order, the last setting varying fastest. A sequence of mappings
        ``{setting: value}`` lists the points one by one; a point that leaves out a setting
        another point names keeps the scenario's value (the row shows it). Settings are
        described in :mod:`cocreate_match.sweep`.
    what : {"solve", "lottery"}
        ``"solve"`` runs :func:`~cocreate_match.solve` at each point; ``"lottery"`` runs
        :func:`~cocreate_match.lottery` (LEXIMIN) too, with the point's quality floor.
    seed : int, default 0
        The seed of every point that does not set its own.
    executor : concurrent.futures.Executor or None
        Runs the points, such as a ``ProcessPoolExecutor``; None runs them one after another
        here. The rows are the same either way, apart from ``seconds``.
    time_limit : float or None
        Seconds for each solve and each lottery; None for no limit.

    Returns
    -------
    pandas.DataFrame
        One row per point, in grid order: a column per setting (named as the setting), then
        ``status`` (the lottery's with ``what="lottery"``, else the solve's), ``objective``
        (the optimal solve's score), ``min_probability`` and ``expected_score`` (the
        lottery's smallest chance of a seat among citizens some plan can seat, and its
        expected score, counted as :func:`~cocreate_match.report.report` counts it; NaN
        without a lottery), ``seats_moved`` (the seats of the unchanged scenario's plan, for
        the same seed, that the point's plan does not hold), ``seconds``, and
        ``explanation`` (empty when a plan was found; else why none was: the conflicting
        rules when the point is infeasible). An infeasible point is a row, not an error.

    Raises
    ------
    InputError
        Before any point is solved, naming every bad argument at once: an unknown setting,
        a rule kind a sweep cannot change, a value of the wrong type, limits that cross at a
        point (the point's row label), a quality floor without a lottery, an unknown
        ``what``, an ``executor`` that is no Executor, a bad seed or time limit.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Quota, Scenario
    >>> s = Scenario(
    ...     mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
    ...                       quotas=[Quota(attribute="gender", value="female")])],
    ...     citizens=[Citizen(id="x", applied_to=["a"], attributes={"gender": "female"}),
    ...               Citizen(id="y", applied_to=["a"], attributes={"gender": "male"}),
    ...               Citizen(id="z", applied_to=["a"], attributes={"gender": "male"})])
    >>> frame = sweep(s, {"a/quota/gender=female.min": [0, 1, 2]})
    >>> frame["status"].tolist(), frame["objective"].tolist()
    (['optimal', 'optimal', 'infeasible'], [2, 2, <NA>])
    >>> print(frame["explanation"][2].splitlines()[1])
      - a/quota/gender=female: a: at least 2 of the seated citizens must have gender=female; \
1 of the applicants who can sit there does
    """
    problems, points, settings = _read(scenario, changes, what, seed, executor, time_limit)
    if problems:
        raise InputError(problems)
    tasks: list[_Task] = []
    for row, point in enumerate(points):
        changed = _changed(scenario, row, point, settings, problems)
        floor = point.get(QUALITY_FLOOR)
        tasks.append(_Task(scenario=changed, what=what, seed=point.get(SEED, seed),
                           time_limit=time_limit,
                           quality_floor=None if floor is None else float(floor)))
    if problems:
        raise InputError(problems)
    # The plan of the unchanged scenario for each seed, to count the seats each point moves.
    bases = {task.seed: _Task(scenario=scenario, what="solve", seed=task.seed,
                              time_limit=time_limit) for task in tasks}
    # A point that changes nothing and only solves is its own base: solve it once.
    todo = [*bases.values(), *(t for t in tasks if not _is_base(t, scenario))]
    if executor is None:
        done = [_run(task) for task in todo]
    else:
        futures = [executor.submit(_run, task) for task in todo]
        done = [future.result() for future in futures]
    base = dict(zip(bases, done[:len(bases)], strict=True))
    rest = iter(done[len(bases):])
    outcomes = [base[t.seed] if _is_base(t, scenario) else next(rest) for t in tasks]
    return _frame(scenario, seed, settings, points, outcomes, [base[t.seed] for t in tasks])


def _is_base(task: _Task, scenario: Scenario) -> bool:
    return task.what == "solve" and task.scenario is scenario


def _read(scenario: object, changes: object, what: object, seed: object, executor: object,
          time_limit: object) -> tuple[list[Problem], list[dict[str, Any]],
                                       dict[str, _Setting]]:
    """Every problem with the arguments, the points (setting -> value, only what each point
    sets) and the settings by name, in column order."""
    from .solver.solve import argument_problems

    problems = argument_problems(scenario, seed, time_limit)
    if what not in _WHAT:
        problems.append(Problem(code="CM-E260", column="what", value=what))
    if executor is not None and not isinstance(executor, Executor):
        problems.append(Problem(code="CM-E261", column="executor",
                                value=type(executor).__name__))
    # Without a scenario its rules cannot be looked up; its problem is reported already.
    rules = scenario.rules() if isinstance(scenario, Scenario) else None
    settings: dict[str, _Setting] = {}
    bad: list[object] = []  # settings reported already (a list: a bad one may not hash)
    points: list[dict[str, Any]] = []

    def parse(name: object) -> _Setting | None:
        if isinstance(name, str) and name in settings:
            return settings[name]
        if name in bad:
            return None
        found = _parse(name, rules, what, problems)
        if found is None:
            bad.append(name)
            return None
        settings[found.name] = found
        return found

    if isinstance(changes, Mapping):
        columns: list[list[Any]] = []
        for name, values in changes.items():
            setting = parse(name)
            if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
                problems.append(Problem(code="CM-E262", column="changes", value=name))
                continue
            values = [_plain(v) for v in values]
            for value in {repr(v): v for v in values}.values():  # a bad value is named once
                if setting is not None:
                    problems += _value_problems(setting, value, None)
            columns.append(values)
        if not problems:
            points = [dict(zip(changes, combination, strict=True))
                      for combination in itertools.product(*columns)]
    elif isinstance(changes, str | bytes) or not isinstance(changes, Iterable):
        problems.append(Problem(code="CM-E263", column="changes",
                                value=type(changes).__name__))
    else:
        for row, point in enumerate(changes):
            if not isinstance(point, Mapping):
                problems.append(Problem(code="CM-E264", column="changes", row=row,
                                        value=type(point).__name__))
                continue
            plain = {name: _plain(value) for name, value in point.items()}
            for name, value in plain.items():
                setting = parse(name)
                if setting is not None:
                    problems += _value_problems(setting, value, row)
            points.append(plain)
    return problems, points, settings


def _parse(name: object, rules: Mapping[str, Rule] | None, what: object,
           problems: list[Problem]) -> _Setting | None:
    """The setting ``name`` names, or None after adding its problem to ``problems``."""
    if not isinstance(name, str):
        problems.append(Problem(code="CM-E265", column="changes", value=name))
        return None
    if name == SEED:
        return _Setting(name)
    if name == QUALITY_FLOOR:
        if what == "solve":
            problems.append(Problem(code="CM-E266", column="changes", value=name))
            return None
        return _Setting(name)
    if rules is None:
        return None
    rule_name, _, limit = name.rpartition(".")
    rule = rules.get(rule_name) if limit in _LIMITS else None
    if rule is None:
        if name in rules:
            problems.append(Problem(code="CM-E267", column="changes", value=name))
            return None
        known = [f"{n}.{end}" for n, r in rules.items() if r.kind in _FIELDS
                 for end in _LIMITS] + [SEED, QUALITY_FLOOR]
        close = difflib.get_close_matches(name, known, n=1)
        problems.append(Problem(code="CM-E269", column="changes", value=name,
                                params={"close": close[0]}) if close else
                        Problem(code="CM-E268", column="changes", value=name))
        return None
    if rule.kind not in _FIELDS:
        problems.append(Problem(code="CM-E270", column="changes", value=name,
                                params={"kind": rule.kind.value,
                                        "kinds": ", ".join(kind.value for kind in _FIELDS)}))
        return None
    return _Setting(name, rule, limit)


def _plain(value: object) -> object:
    """A numpy number as the Python number it is (``np.arange`` gives whole numbers that are
    no ``int``); anything else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, float):
        return float(value)
    return value


def _value_problems(setting: _Setting, value: object, row: int | None) -> list[Problem]:
    def problem(code: str) -> list[Problem]:
        return [Problem(code=code, column="changes", row=row, value=setting.name,
                        params={"value": value})]

    whole = not isinstance(value, bool) and isinstance(value, int) and value >= 0
    if setting.name == SEED:
        return [] if whole else problem("CM-E271")
    if setting.name == QUALITY_FLOOR:
        if value is None or (not isinstance(value, bool) and isinstance(value, int | float)
                             and 0.0 <= value <= 1.0):
            return []
        return problem("CM-E272")
    if setting.limit == "max":
        return [] if whole or value is None else problem("CM-E273")
    return [] if whole else problem("CM-E271")


def _changed(scenario: Scenario, row: int, point: Mapping[str, Any],
             settings: Mapping[str, _Setting], problems: list[Problem]) -> Scenario:
    """The scenario with the point's limits, built anew so that every object is checked;
    limits that cross are added to ``problems`` (and the scenario is returned unchanged)."""
    limits: dict[_Where, dict[str, int | None]] = {}
    named: dict[_Where, str] = {}
    for name, value in point.items():
        rule = settings[name].rule
        if rule is None:
            continue
        where = (rule.kind, rule.committee, rule.key)
        field = _FIELDS[rule.kind][_LIMITS.index(settings[name].limit)]
        limits.setdefault(where, {})[field] = value
        named.setdefault(where, name)
    if not limits:
        return scenario  # nothing to rebuild: the point is the scenario itself
    found: list[Problem] = []

    def limited(kind: RuleKind, committee: str | None, key: str, item: Any) -> Any:
        where = (kind, committee, key)
        if where not in limits:
            return item
        try:
            return replace(item, **limits[where])
        except InputError as err:  # min above max: name the setting, not the object
            found.extend(
                Problem(code="CM-E274", column="changes", row=row, value=named[where],
                        params=p.params) if p.code == "CM-E001" else
                replace(p, column="changes", row=row, value=named[where])
                for p in err.problems)
            return item

    mandates = tuple(
        replace(m, profiles=tuple(limited(RuleKind.PROFILE, m.id, p.name, p)
                                  for p in m.profiles),
                quotas=tuple(limited(RuleKind.QUOTA, m.id, q.name, q) for q in m.quotas))
        if any(committee == m.id for _, committee, _ in limits) else m
        for m in scenario.mandates)
    quotas = tuple(limited(RuleKind.GLOBAL_QUOTA, None, q.name, q) for q in scenario.quotas)
    politicians = tuple(limited(RuleKind.POLITICIAN, None, p.id, p)
                        for p in scenario.politicians)
    if found:
        problems += found
        return scenario
    # Rebuilt through the constructor: the cancelled committees and the record of skipped
    # preferences are passed on as they are.
    return replace(scenario, mandates=mandates, quotas=quotas, politicians=politicians)


def _frame(scenario: Scenario, seed: int, settings: Mapping[str, _Setting],
           points: Sequence[Mapping[str, Any]], outcomes: Sequence[_Outcome],
           bases: Sequence[_Outcome]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for point, outcome, base in zip(points, outcomes, bases, strict=True):
        values = [point[name] if name in point else _unchanged(setting, seed)
                  for name, setting in settings.items()]
        moved = (None if outcome.seats is None or base.seats is None
                 else len(base.seats - outcome.seats))
        rows.append([*values, outcome.status, outcome.objective, outcome.min_probability,
                     outcome.expected_score, moved, outcome.seconds, outcome.explanation])
    frame = pd.DataFrame(rows, columns=[*settings, *RESULT_COLUMNS])
    types: dict[str, str] = {
        name: "float64" if name == QUALITY_FLOOR else "int64" if name == SEED else "Int64"
        for name in settings}
    for name in settings:
        # Python's whole numbers have no bound (a quota's min of 10**30 is valid and
        # infeasible); a column holding one beyond 64 bits keeps them as Python ints.
        if any(isinstance(v, int) and abs(v) >= 2**63 for v in frame[name]):
            types[name] = "object"
    types.update({"status": "object", "objective": "Int64", "min_probability": "float64",
                  "expected_score": "float64", "seats_moved": "Int64", "seconds": "float64",
                  "explanation": "object"})
    return frame.astype(types)


def _unchanged(setting: _Setting, seed: int) -> object:
    """The value a point that leaves the setting out runs with."""
    if setting.name == SEED:
        return seed
    if setting.rule is None:
        return None  # no quality floor
    return setting.rule.low if setting.limit == "min" else setting.rule.high
