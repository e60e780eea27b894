"""Fair lotteries over plans: every citizen's chance of a seat, and plans to draw from.

Fairness is over citizens. Politicians are not part of the lottery: their seats are fixed
first by the optimal :func:`~cocreate_match.solve` (no rule links them to the citizens), and
every plan of a lottery seats them the same way.
"""

from __future__ import annotations

import itertools
import math
import numbers
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._validate import check_whole, parse_choice
from .errors import InputError, Problem
from .messages import text
from .plan import Plan
from .result import Status
from .scenario import Scenario
from .solver.leximin import LevelCertificate

if TYPE_CHECKING:
    import pandas as pd

    from .solver.citizens import CitizenTypes
    from .solver.linear import LinearModel

__all__ = ["Lottery", "LotteryMethod", "UniformLottery", "lottery"]


class LotteryMethod(StrEnum):
    """How :func:`lottery` spreads the chances of a seat.

    A string enum: each member equals, and prints as, its value, so ``"leximin"`` may be
    given wherever a method is asked for.

    LEXIMIN
        The smallest chance of a seat is as large as possible, then the next smallest, and so
        on (Flanigan et al., Nature 2021).
    MAXIMIN
        Only the smallest chance is made as large as possible.
    LEGACY
        The baseline: equally likely random-priority plans; it proves nothing.

    Examples
    --------
    >>> LotteryMethod.parse("maximin") is LotteryMethod.MAXIMIN, f"{LotteryMethod.LEXIMIN}"
    (True, 'leximin')
    """

    LEXIMIN = "leximin"
    MAXIMIN = "maximin"
    LEGACY = "legacy"

    @classmethod
    def parse(cls, value: LotteryMethod | str) -> LotteryMethod:
        """The method named by ``value``; InputError (column ``method``) for any other."""
        return parse_choice(cls, value, "method")

# A chance this close to 0 or 1 counts as 0 or 1 (probabilities are exact to about 1e-9).
_CHANCE_TOLERANCE = 1e-7


@dataclass(frozen=True, slots=True, kw_only=True)
class UniformLottery:
    """``m`` equally likely plans, and how far they are from the exact lottery.

    Attributes
    ----------
    plans : tuple of Plan
        Each drawn with probability ``1 / len(plans)``; a council can publish the list and
        draw one with dice or a public random number.
    max_deviation : float
        The largest difference, over citizens, between the chance of a seat under these
        plans and under the exact lottery.
    """

    plans: tuple[Plan, ...]
    max_deviation: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Lottery:
    """A probability distribution over plans that all meet every rule.

    Citizens of one *group* (identical in everything the rules and the objective see) have
    the same probabilities; within a group, the members who take its seats in a panel are
    chosen by a shared rotation, which makes every member's chance exact (see :meth:`plans`).

    Attributes
    ----------
    method : LotteryMethod
        A string enum: it equals and prints as ``"leximin"``, ``"maximin"`` or ``"legacy"``.
    status : Status
        OPTIMAL when the method's levels are proven; INFEASIBLE when no plan meets every rule
        (then there are no panels); TIME_LIMIT when the time limit stopped it (the
        certificates are the levels proven so far; every plan still meets every rule).
    certificates : tuple of LevelCertificate
        Per level: its value and the proven upper bound (pricing bound against the dual
        value). Empty for ``"legacy"``, which proves nothing.
    optimum : int or None
        The objective of the optimal plan (:func:`~cocreate_match.solve`).
    floor : int or None
        The objective every plan of the lottery reaches, when a quality floor was asked for.
    seconds : float
    seed : int
    """

    method: LotteryMethod
    status: Status
    scenario: Scenario = field(repr=False)
    groups: tuple[tuple[int, ...], ...] = field(repr=False)
    var_group: NDArray[np.int64] = field(repr=False, compare=False)
    var_committee: NDArray[np.int64] = field(repr=False, compare=False)
    panels: tuple[NDArray[np.int64], ...] = field(repr=False, compare=False)
    weights: NDArray[np.float64] = field(repr=False, compare=False)
    politicians_on: dict[int, list[int]] = field(repr=False)
    seatable: NDArray[np.bool_] = field(repr=False, compare=False)
    certificates: tuple[LevelCertificate, ...]
    optimum: int | None
    floor: int | None
    seconds: float
    seed: int

    # -- probabilities --------------------------------------------------------------------
    def __repr__(self) -> str:
        from .display import lottery_text

        return lottery_text(self)

    def _repr_html_(self) -> str:
        from .display import lottery_html

        return lottery_html(self)

    def committee_probabilities(self) -> NDArray[np.float64]:
        """Citizens x committees: the chance of a seat on each committee (scenario order)."""
        n_c = len(self.scenario.mandates)
        per_group = np.zeros((len(self.groups), n_c))
        for weight, counts in zip(self.weights, self.panels, strict=True):
            np.add.at(per_group, (self.var_group, self.var_committee), weight * counts)
        sizes = np.array([len(g) for g in self.groups], dtype=np.float64)
        per_group /= sizes[:, None]
        out = np.zeros((len(self.scenario.citizens), n_c))
        for g, members in enumerate(self.groups):
            out[list(members)] = per_group[g]
        return out

    def probabilities(self) -> dict[str, float]:
        """Citizen id -> chance of a seat on any committee."""
        totals = self.committee_probabilities().sum(axis=1)
        return {c.id: float(p) for c, p in zip(self.scenario.citizens, totals, strict=True)}

    def to_frame(self) -> pd.DataFrame:
        """Columns ``person_id``, ``committee_id``, ``probability``: one row per citizen and
        committee they can sit on, then one row per citizen with ``committee_id`` ``*`` for
        the total."""
        import pandas as pd

        per = self.committee_probabilities()
        rows: list[tuple[str, str, float]] = []
        ids = self.scenario.committee_ids
        for i, c in enumerate(self.scenario.citizens):
            for k, cid in enumerate(ids):
                if c.can_sit_on(cid) and self.scenario.mandates[k].citizen_seats > 0:
                    rows.append((c.id, cid, float(per[i, k])))
        for i, c in enumerate(self.scenario.citizens):
            rows.append((c.id, "*", float(per[i].sum())))
        return pd.DataFrame(rows, columns=["person_id", "committee_id", "probability"])

    def to_dict(self) -> dict[str, Any]:
        """The lottery as a plain dict that ``json.dumps`` takes.

        Keys: ``method`` and ``status`` (their values), ``seed``, ``optimum``, ``floor``,
        ``seconds``, ``min_probability``, ``zero_chance``, ``certain``, ``unseatable``;
        ``probabilities`` (citizen id -> ``total`` and ``committees``: committee id ->
        chance, for the committees the citizen can sit on, as :meth:`to_frame` lists them);
        ``certificates`` (per level: ``level``, ``value``, ``upper_bound``, ``gap``,
        ``fixed``); and ``plans``: every plan of the lottery (:meth:`plans`) as
        ``probability`` and ``plan`` (:meth:`Plan.to_dict <cocreate_match.Plan.to_dict>`).
        The JSON Schema is ``json_schema("lottery")``.

        Examples
        --------
        >>> from cocreate_match import Citizen, Mandate, Scenario
        >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
        ...              citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y")])
        >>> d = lottery(s).to_dict()
        >>> d["method"], d["probabilities"]["x"], [p["probability"] for p in d["plans"]]
        ('leximin', {'total': 0.5, 'committees': {'a': 0.5}}, [0.5, 0.5])
        """
        from .serialize import lottery_to_dict

        return lottery_to_dict(self)

    def _can_sit(self) -> NDArray[np.bool_]:
        """Per citizen (scenario order): some plan meeting every rule seats them."""
        out = np.zeros(len(self.scenario.citizens), dtype=bool)
        for g, members in enumerate(self.groups):
            if self.seatable.shape[0] > g and self.seatable[g]:
                out[list(members)] = True
        return out

    @property
    def min_probability(self) -> float:
        """The smallest chance of a seat among citizens who can sit in some plan meeting every
        rule, whether or not this lottery seats them: a quality floor that shuts a citizen
        out, or a baseline that never drew one, shows 0. Citizens whom no plan can seat are
        left out (0 when nobody can sit)."""
        can_sit = self._can_sit()
        if not can_sit.any():
            return 0.0
        return float(self.committee_probabilities().sum(axis=1)[can_sit].min())

    @property
    def zero_chance(self) -> int:
        """How many citizens have no chance of a seat in this lottery (also those no plan can
        seat; :attr:`unseatable` says how many of them)."""
        return int(np.sum(self.committee_probabilities().sum(axis=1) <= _CHANCE_TOLERANCE))

    @property
    def unseatable(self) -> int:
        """How many citizens no plan meeting every rule can seat."""
        return int(len(self.scenario.citizens) - self._can_sit().sum())

    @property
    def certain(self) -> int:
        """How many citizens are seated in every plan of this lottery (chance 1); without a
        quality floor, these are the selections the rules force."""
        totals = self.committee_probabilities().sum(axis=1)
        return int(np.sum(totals >= 1.0 - _CHANCE_TOLERANCE))

    def certificate_plan(self, certificate: LevelCertificate) -> Plan:
        """The best panel of a level's final pricing (its evidence) as a plan: anyone can
        check it with :func:`~cocreate_match.check_plan` and add up its value from
        ``certificate.group_weights`` and :attr:`groups`."""
        if certificate.best_panel is None:
            raise InputError([Problem(code="CM-E230", column="certificate",
                                      value=certificate.level)])
        return self._plan(certificate.best_panel, Fraction(0))

    # -- plans ------------------------------------------------------------------------------
    def plans(self) -> Iterator[tuple[float, Plan]]:
        """Every plan of the lottery with its probability (they sum to 1).

        Within a panel, the members of each group are rotated by ``floor(u * n)`` for a
        shared ``u`` uniform in [0, 1): member ``(j + r) mod n`` takes the group's ``j``-th
        slot (its seats committee by committee, then the unseated). Each member is equally
        likely to hold each slot, so every member's chance equals the group's; the finitely
        many ``u`` intervals are the plans listed here.
        """
        for weight, counts in zip(self.weights, self.panels, strict=True):
            cuts = self._cuts(counts)
            for lo, hi in itertools.pairwise(cuts):
                yield float(weight) * float(hi - lo), self._plan(counts, (lo + hi) / 2)

    def draw(self, seed: int) -> Plan:
        """One plan drawn from the lottery; the same seed gives the same plan.

        Examples
        --------
        >>> from cocreate_match.demo import demo_scenario
        >>> lot = lottery(demo_scenario(), method="legacy", samples=3)
        >>> lot.draw(7) == lot.draw(7)
        True
        """
        _check_seed(seed, "seed")
        if not self.panels:
            raise InputError([Problem(code="CM-E231", column="status",
                                      value=self.status.value)])
        rng = np.random.default_rng(seed)
        k = int(rng.choice(len(self.panels), p=self.weights / self.weights.sum()))
        return self._plan(self.panels[k], Fraction(float(rng.random())))

    def to_uniform(self, m: int) -> UniformLottery:
        """``m`` equally likely plans close to this lottery (the plans to publish).

        Panels get ``m`` slots by largest remainder of ``m * weight``. Within each group the
        plans then hand out seats in turn: each plan seats the members after those the
        previous plan seated, so that over the ``m`` plans every member of a group is seated
        as often as any other, give or take one. The result reports the largest deviation of
        a citizen's chance from the exact lottery.
        """
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise InputError([Problem(code="CM-E202", column="m", value=m)])
        if not self.panels:
            raise InputError([Problem(code="CM-E232", column="status",
                                      value=self.status.value)])
        exact = self.weights / self.weights.sum() * m
        slots = np.floor(exact).astype(int)
        order = np.argsort(-(exact - slots), kind="stable")
        slots[order[: m - int(slots.sum())]] += 1
        plans: list[Plan] = []
        offsets = [0] * len(self.groups)
        for counts, s in zip(self.panels, slots, strict=True):
            per_group = np.bincount(self.var_group, weights=counts, minlength=len(self.groups))
            for _ in range(s):
                plans.append(self._plan(counts, list(offsets)))
                offsets = [(o + int(x)) % len(g)
                           for o, x, g in zip(offsets, per_group, self.groups, strict=True)]
        seated = {c.id: 0 for c in self.scenario.citizens}
        for plan in plans:
            for pid in plan.seated_citizens:
                seated[pid] += 1
        target = self.probabilities()
        deviation = max((abs(seated[pid] / m - p) for pid, p in target.items()), default=0.0)
        return UniformLottery(plans=tuple(plans), max_deviation=deviation)

    def _cuts(self, counts: NDArray[np.int64]) -> list[Fraction]:
        cuts = {Fraction(0), Fraction(1)}
        per_group = np.bincount(self.var_group, weights=counts, minlength=len(self.groups))
        spread = np.bincount(self.var_group, weights=(counts > 0), minlength=len(self.groups))
        for g, members in enumerate(self.groups):
            n = len(members)
            if 0 < per_group[g] < n or spread[g] > 1:  # else every rotation gives one plan
                cuts.update(Fraction(r, n) for r in range(1, n))
        return sorted(cuts)

    def _plan(self, counts: NDArray[np.int64], u: Fraction | list[int]) -> Plan:
        """The plan of a panel with each group rotated by ``floor(u * n)``, or by the given
        offsets."""
        from .solver.solve import assemble_plan

        on: dict[int, list[int]] = {k: [] for k in range(len(self.scenario.mandates))}
        slots: dict[int, list[int]] = {}
        for v in np.flatnonzero(counts):
            slots.setdefault(int(self.var_group[v]), []).extend(
                [int(self.var_committee[v])] * int(counts[v]))
        for g, committees in slots.items():
            members = self.groups[g]
            n = len(members)
            r = u[g] if isinstance(u, list) else math.floor(u * n)
            for j, k in enumerate(sorted(committees)):
                on[k].append(members[(j + r) % n])
        return assemble_plan(self.scenario, on, self.politicians_on)


def _check_seed(seed: object, name: str) -> None:
    problems = check_whole(seed, name)
    if problems:
        raise InputError(problems)


def lottery(
    scenario: Scenario,
    *,
    method: LotteryMethod | str = LotteryMethod.LEXIMIN,
    seed: int = 0,
    quality_floor: float | None = None,
    samples: int = 200,
    time_limit: float | None = None,
    progress: Callable[[str], None] | None = None,
    max_probability: float | None = None,
) -> Lottery:
    """A fair lottery over plans that meet every rule.

    Parameters
    ----------
    scenario : Scenario
    method : LotteryMethod or {"leximin", "maximin", "legacy"}
        ``"leximin"`` (Flanigan et al., Nature 2021): the smallest chance of a seat is as
        large as possible, then the next smallest, and so on, over all committees together.
        ``"maximin"``: only the smallest. ``"legacy"``: the baseline of ``samples`` equally
        likely random-priority plans (each gives every group of interchangeable citizens a
        random priority and takes the best plan for it).
    seed : int
        Feeds the baseline's priorities (the exact methods have no randomness).
    quality_floor : float in [0, 1] or None
        Every plan of the lottery must reach this fraction of the optimal objective of
        :func:`~cocreate_match.solve`; compare ``min_probability`` with and without to see
        the price of preference quality in fairness.
    samples : int
        Plans for ``"legacy"``.
    time_limit : float or None
        Seconds for the whole call (it returns within about a second of it). When reached,
        the result has ``Status.TIME_LIMIT`` and is still a valid lottery whenever a feasible
        plan was found: LEXIMIN and MAXIMIN return the master's current distribution, whose
        ``certificates`` are the levels proven so far; ``"legacy"`` returns the plans drawn so
        far. Only when no plan was found yet is the lottery empty.
    progress : callable or None
        Called with a line of text as levels are proven, and at least every 2 seconds while
        the computation runs (also inside a level, and inside long solver calls: a helper
        thread then repeats the last line; calls never overlap).
    max_probability : float in (0, 1] or None
        A cap on everyone's chance of a seat (a "Goldilocks" lottery: no one's chance too
        small, no one's too large). LEXIMIN and MAXIMIN then run over the lotteries that keep
        every citizen at or below the cap. A cap below the smallest that any lottery of valid
        plans keeps raises :class:`~cocreate_match.InputError`, which names that smallest cap
        (a citizen whom every plan seats, ``certain``, makes it 1).

    Returns
    -------
    Lottery

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate, Scenario
    >>> s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id=c, applied_to=["a"]) for c in ("x", "y", "z", "w")])
    >>> {pid: round(p, 6) for pid, p in lottery(s).probabilities().items()}
    {'x': 0.25, 'y': 0.25, 'z': 0.25, 'w': 0.25}
    >>> found = lottery(s, method=LotteryMethod.MAXIMIN)
    >>> found.method is LotteryMethod.MAXIMIN, found.method == "maximin", f"{found.method}"
    (True, True, 'maximin')
    """
    from .solver.solve import argument_problems

    problems = argument_problems(scenario, seed, time_limit)
    chosen = LotteryMethod.LEXIMIN  # only until parsed; a bad method raises below
    try:
        chosen = LotteryMethod.parse(method)
    except InputError as err:  # reported together with the other bad arguments
        problems += err.problems
    if quality_floor is not None and (isinstance(quality_floor, bool) or not isinstance(
            quality_floor, int | float) or not 0.0 <= quality_floor <= 1.0):
        problems.append(Problem(code="CM-E233", column="quality_floor", value=quality_floor))
    if max_probability is not None and (isinstance(max_probability, bool | np.bool_)
                                        or not isinstance(max_probability, numbers.Real)
                                        or not 0.0 < float(max_probability) <= 1.0):
        problems.append(Problem(code="CM-E234", column="max_probability",
                                value=max_probability))
    elif max_probability is not None and chosen is LotteryMethod.LEGACY:
        problems.append(Problem(code="CM-E235", column="max_probability",
                                value=max_probability))
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        problems.append(Problem(code="CM-E202", column="samples", value=samples))
    if problems:
        raise InputError(problems)
    if progress is None:
        return _lottery(scenario, chosen, seed, quality_floor, samples, time_limit,
                        lambda _: None, max_probability)
    from .solver.clock import Heartbeat

    with Heartbeat(progress, text("CM-R111")) as beat:
        return _lottery(scenario, chosen, seed, quality_floor, samples, time_limit, beat,
                        max_probability)


def _lottery(scenario: Scenario, chosen: LotteryMethod, seed: int,
             quality_floor: float | None, samples: int, time_limit: float | None,
             say: Callable[[str], None], max_probability: float | None) -> Lottery:
    from .solver.leximin import (
        CapTooLow,
        PanelLottery,
        column_lottery,
        random_priority_lottery,
        seatable_groups,
    )
    from .solver.solve import politicians_on, solve_parts

    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit

    parts = solve_parts(scenario, seed=seed, time_limit=time_limit)
    result = parts.result
    model, types = _citizen_model(scenario, grouped_by_rank=quality_floor is not None)
    floor = None
    if result.status is not Status.OPTIMAL:
        status = Status.INFEASIBLE if result.status is Status.INFEASIBLE else Status.TIME_LIMIT
        return _empty(chosen, status, scenario, types, result.objective, start, seed)
    assert result.objective is not None
    seatable = None
    if quality_floor is not None:
        # Who can sit at all is decided without the floor: a citizen whom only the floor
        # shuts out counts, with chance 0, in min_probability.
        try:
            seatable = seatable_groups(model, types, deadline=deadline, progress=say)
        except TimeoutError:
            return _empty(chosen, Status.TIME_LIMIT, scenario, types, result.objective,
                          start, seed)
        floor = math.ceil(quality_floor * result.objective - 1e-9)
        citizen_floor = floor - parts.politician_score
        cols = types.first_var + np.arange(types.var_type.shape[0])
        model.add_row("lottery/quality_floor", cols, citizen_floor, np.inf,
                      types.var_score.astype(np.float64))
    try:
        if chosen is LotteryMethod.LEGACY:
            found: PanelLottery = random_priority_lottery(
                model, types, samples=samples, rng=np.random.default_rng(seed),
                deadline=deadline, progress=say)
        else:
            levels = 1 if chosen is LotteryMethod.MAXIMIN else None
            cap = None if max_probability is None or float(max_probability) >= 1.0 else \
                float(max_probability)
            try:
                found = column_lottery(model, types, levels=levels, deadline=deadline,
                                       progress=say, cap=cap)
            except CapTooLow as low:
                raise InputError([Problem(code="CM-E236", column="max_probability",
                                          value=max_probability,
                                          params={"smallest": low.smallest})]) from None
    except TimeoutError:
        return _empty(chosen, Status.TIME_LIMIT, scenario, types, result.objective, start,
                      seed)
    return Lottery(
        method=chosen, status=Status.OPTIMAL if found.complete else Status.TIME_LIMIT,
        scenario=scenario, groups=types.members,
        var_group=types.var_type, var_committee=types.var_committee, panels=found.panels,
        weights=found.weights,
        politicians_on=politicians_on(scenario, parts.politician_vars, parts.politician_x),
        seatable=found.seatable if seatable is None else seatable,
        certificates=found.certificates, optimum=result.objective, floor=floor,
        seconds=time.perf_counter() - start, seed=seed)


def _citizen_model(scenario: Scenario, *, grouped_by_rank: bool) -> tuple[LinearModel,
                                                                         CitizenTypes]:
    """The citizens' model; without a quality floor the ranks of preferences do not matter
    to a lottery, so citizens are grouped only by where they can sit (fewer, larger
    groups)."""
    from .solver.citizens import build_citizen_model

    return build_citizen_model(scenario, ranks=grouped_by_rank)


def _empty(method: LotteryMethod, status: Status, scenario: Scenario, types: CitizenTypes,
           optimum: int | None, start: float, seed: int) -> Lottery:
    return Lottery(method=method, status=status, scenario=scenario, groups=types.members,
                   var_group=types.var_type, var_committee=types.var_committee, panels=(),
                   weights=np.zeros(0), politicians_on={},
                   seatable=np.zeros(len(types.members), dtype=bool), certificates=(),
                   optimum=optimum,
                   floor=None, seconds=time.perf_counter() - start, seed=seed)
