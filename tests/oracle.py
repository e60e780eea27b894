"""Brute force for tiny scenarios: every citizen seating, checked against rules 1-5 as stated.

Shared by the tests that compare the solver (best score) and the lottery (LEXIMIN) with an
answer computed without the library's model.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterator, Sequence, Sized
from dataclasses import dataclass

from cocreate_match import Plan, Scenario

Seating = tuple[str | None, ...]  # per citizen, in scenario order: committee id or None


def within(count: int, low: int, high: int | None) -> bool:
    return low <= count and (high is None or count <= high)


def valid_citizen_seatings(scenario: Scenario) -> Iterator[Seating]:
    """Every assignment of citizens to committees (or to none) that meets rules 1-5."""
    options = [[None] + [m.id for m in scenario.mandates if c.can_sit_on(m.id)]
               for c in scenario.citizens]
    for choice in itertools.product(*options):
        on = {m.id: [c for c, x in zip(scenario.citizens, choice, strict=True) if x == m.id]
              for m in scenario.mandates}
        seated = [c for c, x in zip(scenario.citizens, choice, strict=True) if x is not None]
        households = Counter(c.household for c in seated if c.household is not None)
        if any(n > 1 for n in households.values()):
            continue
        if not all(len(on[m.id]) == m.citizen_seats for m in scenario.mandates):
            continue
        if not all(within(sum(1 for c in on[m.id] if c.tags & p.any_of), p.min, p.max)
                   for m in scenario.mandates for p in m.profiles):
            continue
        if not all(within(sum(1 for c in on[m.id] if c.attributes.get(q.attribute) == q.value),
                           q.min, q.max) for m in scenario.mandates for q in m.quotas):
            continue
        if not all(within(sum(1 for c in seated if c.attributes.get(q.attribute) == q.value),
                           q.min, q.max) for q in scenario.quotas):
            continue
        yield choice


# -- rules as sets: which rules each seating breaks --------------------------------------------
#
# Citizens and politicians share no rule, so each half is enumerated on its own. A seating only
# has to respect the structural constraints (a citizen sits at most once, only where they may
# sit and only on committees with citizen seats; a politician sits at most once per committee);
# everything else is a named rule that the seating meets or breaks.

MAX_SEATINGS = 50_000  # keeps an accidental large scenario from running for hours


def is_seat_rule_name(rule: str) -> bool:
    return rule.endswith("/seats/citizens") or rule.endswith("/seats/politicians")


def _bounded(options: Sequence[Sized]) -> None:
    total = 1
    for choices in options:
        total *= len(choices)
    if total > MAX_SEATINGS:
        raise ValueError(f"{total} seatings to enumerate; the oracle is for tiny scenarios")


def citizen_broken_sets(scenario: Scenario) -> set[frozenset[str]]:
    """For every structurally allowed seating of the citizens, the set of rules it breaks."""
    options: list[list[str | None]] = [
        [None] + [m.id for m in scenario.mandates if m.citizen_seats > 0 and c.can_sit_on(m.id)]
        for c in scenario.citizens]
    _bounded(options)
    out: set[frozenset[str]] = set()
    for choice in itertools.product(*options):
        seated = [c for c, x in zip(scenario.citizens, choice, strict=True) if x is not None]
        broken: set[str] = set()
        for m in scenario.mandates:
            on = [c for c, x in zip(scenario.citizens, choice, strict=True) if x == m.id]
            if len(on) != m.citizen_seats:
                broken.add(f"{m.id}/seats/citizens")
            for p in m.profiles:
                if not within(sum(1 for c in on if c.tags & p.any_of), p.min, p.max):
                    broken.add(f"{m.id}/profile/{p.name}")
            for q in m.quotas:
                have = sum(1 for c in on if c.attributes.get(q.attribute) == q.value)
                if not within(have, q.min, q.max):
                    broken.add(f"{m.id}/quota/{q.name}")
        for q in scenario.quotas:
            have = sum(1 for c in seated if c.attributes.get(q.attribute) == q.value)
            if not within(have, q.min, q.max):
                broken.add(f"quota/{q.name}")
        households = Counter(c.household for c in seated if c.household is not None)
        broken.update(f"household/{h}" for h, n in households.items() if n > 1)
        out.add(frozenset(broken))
    return out


def politician_broken_sets(scenario: Scenario) -> set[frozenset[str]]:
    """For every choice of a set of committees per politician, the set of rules it breaks."""
    ids = [m.id for m in scenario.mandates]
    subsets = [frozenset(s) for r in range(len(ids) + 1)
               for s in itertools.combinations(ids, r)]
    options = [subsets] * len(scenario.politicians)
    _bounded(options)
    council = scenario.council
    out: set[frozenset[str]] = set()
    for choice in itertools.product(*options):
        broken: set[str] = set()
        for p, sits in zip(scenario.politicians, choice, strict=True):
            if not within(len(sits), p.min_committees, p.max_committees):
                broken.add(f"politician/{p.id}/committees")
        for m in scenario.mandates:
            members = [p for p, sits in zip(scenario.politicians, choice, strict=True)
                       if m.id in sits]
            if len(members) != m.politician_seats:
                broken.add(f"{m.id}/seats/politicians")
            parties = Counter(p.party for p in members)
            if council.max_per_party is not None and any(
                    n > council.max_per_party for n in parties.values()):
                broken.add(f"{m.id}/council/max_per_party")
            # The party mix is a rule only for committees that seat politicians.
            if m.politician_seats > 0 and len(parties) < council.min_parties:
                broken.add(f"{m.id}/council/min_parties")
        out.add(frozenset(broken))
    return out


@dataclass(frozen=True)
class RuleOracle:
    """Every seating of a tiny scenario, reduced to the rules it breaks, for set queries."""

    citizens: frozenset[frozenset[str]]
    politicians: frozenset[frozenset[str]]

    @classmethod
    def of(cls, scenario: Scenario) -> RuleOracle:
        return cls(frozenset(citizen_broken_sets(scenario)),
                   frozenset(politician_broken_sets(scenario)))

    def feasible(self, keep: Collection[str]) -> bool:
        """Whether some assignment meets every rule in ``keep`` (all other rules dropped)."""
        kept = frozenset(keep)
        return (any(not broken & kept for broken in self.citizens)
                and any(not broken & kept for broken in self.politicians))

    def fewest_broken(self) -> int | None:
        """The fewest rules other than seat rules that a plan meeting every seat rule breaks;
        None when the seat rules alone cannot be met."""
        best = []
        for half in (self.citizens, self.politicians):
            counts = [len(b) for b in half if not any(map(is_seat_rule_name, b))]
            if not counts:
                return None
            best.append(min(counts))
        return sum(best)


# -- re-planning: an independent integer programme over one 0/1 variable per person and seat -----
#
# Written from the rules as the README states them, not from the library's model (which works
# on groups of alike citizens and solves the two halves apart). The score of a seat is read
# from check.plan_score on a plan of that one seat, the checker's own definition.


@dataclass(frozen=True)
class Replan:
    """The best a re-plan can do: the fewest seats of ``keep`` lost, then the best score."""

    moves: int
    score: int


def replan_optimum(scenario: Scenario, *, keep: Plan | None = None,
                   force: Collection[tuple[str, str]] = (),
                   forbid: Collection[tuple[str, str]] = (),
                   withdrawn: Collection[str] = ()) -> Replan | None:
    """Fewest moves from ``keep`` (0 without it), then the best score, over every plan that
    meets every rule with the locks; None when there is no such plan.

    ``withdrawn`` people (and those withdrawn from ``keep``) sit nowhere, and a withdrawn
    politician has no minimum. A move is a seat of ``keep`` the new plan does not hold.
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    from cocreate_match import Role, Seat, plan_score

    gone = set(withdrawn) | (set(keep.withdrawn_ids) if keep is not None else set())
    forbidden = set(forbid)
    columns: list[tuple[str, str, Role]] = []  # (person, committee, role)
    for m in scenario.mandates:
        if m.citizen_seats > 0:
            columns += [(c.id, m.id, Role.CITIZEN) for c in scenario.citizens
                        if c.id not in gone and (c.open_to_any or m.id in c.applied_to)
                        and (c.id, m.id) not in forbidden]
        if m.politician_seats > 0:
            columns += [(p.id, m.id, Role.POLITICIAN) for p in scenario.politicians
                        if p.id not in gone and (p.id, m.id) not in forbidden]
    index = {(pid, cid): j for j, (pid, cid, _) in enumerate(columns)}
    if any(pair not in index for pair in force):
        return None  # a forced seat nobody may take
    citizens = {c.id: c for c in scenario.citizens}
    politicians = {p.id: p for p in scenario.politicians}
    parties = sorted({p.party for p in scenario.politicians})
    party_columns = [(m.id, party) for m in scenario.mandates
                     if m.politician_seats > 0 and scenario.council.min_parties > 0
                     for party in parties]
    n = len(columns) + len(party_columns)
    rows: list[tuple[dict[int, float], float, float]] = []

    def add(cols: dict[int, float], low: float, high: float) -> None:
        rows.append((cols, low, high))

    inf = float("inf")
    for m in scenario.mandates:
        on = [j for j, (_, cid, _) in enumerate(columns) if cid == m.id]
        cit = [j for j in on if columns[j][2] is Role.CITIZEN]
        pol = [j for j in on if columns[j][2] is Role.POLITICIAN]
        add(dict.fromkeys(cit, 1.0), m.citizen_seats, m.citizen_seats)
        add(dict.fromkeys(pol, 1.0), m.politician_seats, m.politician_seats)
        for profile in m.profiles:
            fit = [j for j in cit if citizens[columns[j][0]].tags & profile.any_of]
            add(dict.fromkeys(fit, 1.0), profile.min,
                inf if profile.max is None else profile.max)
        for quota in m.quotas:
            have = [j for j in cit
                    if citizens[columns[j][0]].attributes.get(quota.attribute) == quota.value]
            add(dict.fromkeys(have, 1.0), quota.min, inf if quota.max is None else quota.max)
        council = scenario.council
        for party in parties:
            mine = [j for j in pol if politicians[columns[j][0]].party == party]
            if council.max_per_party is not None:
                add(dict.fromkeys(mine, 1.0), 0, council.max_per_party)
            if (m.id, party) in party_columns:
                z = len(columns) + party_columns.index((m.id, party))
                add({z: 1.0, **dict.fromkeys(mine, -1.0)}, -inf, 0)
        if m.politician_seats > 0 and council.min_parties > 0:
            zs = [len(columns) + k for k, (cid, _) in enumerate(party_columns) if cid == m.id]
            add(dict.fromkeys(zs, 1.0), council.min_parties, inf)
    for quota in scenario.quotas:
        have = [j for j, (pid, _, role) in enumerate(columns) if role is Role.CITIZEN
                and citizens[pid].attributes.get(quota.attribute) == quota.value]
        add(dict.fromkeys(have, 1.0), quota.min, inf if quota.max is None else quota.max)
    for c in scenario.citizens:
        add(dict.fromkeys((j for j, col in enumerate(columns) if col[0] == c.id), 1.0), 0, 1)
    for household in {c.household for c in scenario.citizens if c.household}:
        add(dict.fromkeys((j for j, col in enumerate(columns)
                           if col[2] is Role.CITIZEN
                           and citizens[col[0]].household == household), 1.0), 0, 1)
    for p in scenario.politicians:
        if p.id in gone:
            continue
        add(dict.fromkeys((j for j, col in enumerate(columns) if col[0] == p.id), 1.0),
            p.min_committees, inf if p.max_committees is None else p.max_committees)

    lower = np.zeros(n)
    for pair in force:
        lower[index[pair]] = 1.0
    kept = np.zeros(n)
    seats = tuple(keep.seats) if keep is not None else ()
    for s in seats:
        j = index.get((s.person_id, s.committee_id))
        if j is not None and columns[j][2] is s.role:
            kept[j] = 1.0
    score = np.zeros(n)
    for j, (pid, cid, role) in enumerate(columns):
        score[j] = plan_score(scenario, Plan(seats=[Seat(committee_id=cid, person_id=pid,
                                                         role=role)]))

    def run(objective: np.ndarray, extra: list[tuple[dict[int, float], float, float]]
            ) -> float | None:
        everything = rows + extra
        if not everything or n == 0:
            # Nothing to decide: feasible exactly when every row is met at zero.
            ok = all(low <= 0 <= high for _, low, high in everything)
            return 0.0 if ok else None
        matrix = np.zeros((len(everything), n))
        for r, (cols, _, _) in enumerate(everything):
            for j, value in cols.items():
                matrix[r, j] = value
        result = milp(-objective, integrality=np.ones(n), bounds=Bounds(lower, np.ones(n)),
                      constraints=LinearConstraint(matrix, [low for _, low, _ in everything],
                                                   [high for _, _, high in everything]))
        if result.status == 2:
            return None
        assert result.status == 0, result.message
        return float(objective @ np.rint(result.x))

    most_kept = run(kept, [])
    if most_kept is None:
        return None
    best = run(score, [({int(j): 1.0 for j in np.flatnonzero(kept)}, most_kept - 0.5, inf)]
               if kept.any() else [])
    assert best is not None
    return Replan(moves=len(seats) - round(most_kept), score=round(best))
