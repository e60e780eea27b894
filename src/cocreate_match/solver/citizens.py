"""The citizens' half of the model: interchangeable applicants grouped, one function per rule.

Citizens whom no rule and no score can tell apart (same committees, same matched profiles and
counted quotas, no binding household) form one *type*. The model decides how many of each type
sit on each committee; the type's members of highest priority under the seed take those seats
(:func:`draw_citizens`), and the lot's stages weigh them person by person (:func:`lot_weights`).
This makes the
choice among equally qualified volunteers fair and reproducible, and shrinks the model: every
``*`` applicant would otherwise add one variable per committee.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..lot import distinct_weights, priorities, priority
from ..rules import RuleKind, rule_name
from ..scenario import Scenario
from .linear import IntArray, LinearModel, Lot, as_limit
from .locks import NO_LOCKS, Locks, add_lock_rows


@dataclass(frozen=True, slots=True)
class CitizenTypes:
    """Citizens grouped into interchangeable types, and the model's variables over them."""

    members: tuple[tuple[int, ...], ...]  # per type: citizen indices, sorted by citizen id
    households: dict[int, str]  # citizen index -> household, where the household rule binds
    var_type: IntArray  # per variable: its type
    var_committee: IntArray  # per variable: its committee index
    var_score: IntArray  # per variable: objective coefficient
    first_var: int  # index of the first citizen variable in the model


def score_table(scenario: Scenario, withdrawn: frozenset[str] = frozenset()
                ) -> list[dict[int, int]]:
    """Per citizen: committee index -> objective score (:meth:`Scenario.score`), for every
    committee they can sit on; none for a citizen who withdrew."""
    position = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    open_seats = [k for k, m in enumerate(scenario.mandates) if m.citizen_seats > 0]
    ids = scenario.committee_ids
    table: list[dict[int, int]] = []
    for c in scenario.citizens:
        if c.id in withdrawn:
            table.append({})
            continue
        where = open_seats if c.open_to_any else [
            position[cid] for cid in c.applied_to
            if scenario.mandates[position[cid]].citizen_seats > 0]
        table.append({k: scenario.score(c, ids[k]) for k in sorted(where)})
    return table


def binding_households(scenario: Scenario, scores: list[dict[int, int]]) -> dict[int, str]:
    """Citizen index -> household, for households where the rule can bind.

    A household limits anything only when two of its members could be seated at the same
    time: on two different committees, or together on one with at least two citizen seats.
    Members of other households are treated like everyone else (and so join the lottery among
    equally qualified applicants).
    """
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(scenario.citizens):
        if c.household is not None and scores[i]:
            members[c.household].append(i)
    seats = [m.citizen_seats for m in scenario.mandates]

    def together(a: set[int], b: set[int]) -> bool:
        shared = a & b
        return any(seats[k] >= 2 for k in shared) or len(a | b) >= 2

    binding: dict[int, str] = {}
    for household, ids in members.items():
        options = [set(scores[i]) for i in ids]
        if any(together(options[x], options[y])
               for x in range(len(ids)) for y in range(x + 1, len(ids))):
            binding.update(dict.fromkeys(ids, household))
    return binding


class Features:
    """Per citizen: which profile tags they hold and their values of the quotas' attributes,
    as arrays, so that whom a profile or quota counts is one vectorised selection (for the
    grouping and for the count rules alike)."""

    def __init__(self, scenario: Scenario) -> None:
        people = scenario.citizens
        self.n = len(people)
        tags = sorted({t for m in scenario.mandates for p in m.profiles for t in p.any_of})
        self._tag = {t: x for x, t in enumerate(tags)}
        self._has_tag = np.zeros((self.n, len(tags)), dtype=bool)
        for i, c in enumerate(people):
            for t in c.tags:
                if t in self._tag:
                    self._has_tag[i, self._tag[t]] = True
        self._codes: dict[str, dict[str, int]] = {}
        self._value: dict[str, np.ndarray] = {}
        for q in [q for m in scenario.mandates for q in m.quotas] + list(scenario.quotas):
            if q.attribute not in self._codes:
                known = self._codes[q.attribute] = {}
                # A citizen without the attribute matches no value, not even "": code -1.
                self._value[q.attribute] = np.array(
                    [known.setdefault(v, len(known)) if v is not None else -1
                     for v in (c.attributes.get(q.attribute) for c in people)],
                    dtype=np.int64)

    def fits(self, any_of: frozenset[str]) -> np.ndarray:
        """Per citizen: whether they hold one of ``any_of`` (a profile's tags)."""
        return np.asarray(np.any(self._has_tag[:, [self._tag[t] for t in sorted(any_of)]],
                                 axis=1), dtype=bool)

    def equals(self, attribute: str, value: str) -> np.ndarray:
        """Per citizen: whether their ``attribute`` is ``value`` (a quota's)."""
        code = self._codes[attribute].get(value)
        if code is None:
            return np.zeros(self.n, dtype=bool)
        return np.asarray(self._value[attribute] == code, dtype=bool)


def group_types(scenario: Scenario, scores: list[dict[int, int]],
                households: dict[int, str], *, ranks: bool = True,
                alone: frozenset[str] = frozenset(),
                features: Features | None = None) -> list[list[int]]:
    """Indices of citizens, grouped by everything the rules (and, with ``ranks``, the score)
    can see.

    Two citizens share a group when they can sit on the same committees (at the same scores,
    with ``ranks``), match the same competence profiles of those committees, count towards
    the same quotas (of those committees, and the global ones), and neither is in a household
    where the rule binds, nor named by a lock (``alone``). A tag that no profile of their
    committees names, or an attribute value that no quota they could count towards names,
    does not split a group: no rule can tell such citizens apart, so only the lot may. Groups
    come in a canonical order (by their smallest citizen id) with members sorted by id, so
    that the model does not depend on the order of the input rows. ``features`` are the
    scenario's, when already built.
    """
    n = len(scenario.citizens)
    features = Features(scenario) if features is None else features
    # Every rule a citizen may match, as a column of one boolean table (citizens x rules):
    # the profiles, then the quotas of each committee, in order; the global quotas apart.
    columns: list[np.ndarray] = []
    first = [0]  # per committee: its first column
    for m in scenario.mandates:
        columns.extend(features.fits(p.any_of) for p in m.profiles)
        columns.extend(features.equals(q.attribute, q.value) for q in m.quotas)
        first.append(len(columns))
    table = np.column_stack(columns) if columns else np.zeros((n, 0), dtype=bool)
    global_table = np.column_stack([features.equals(q.attribute, q.value)
                                    for q in scenario.quotas]) \
        if scenario.quotas else np.zeros((n, 0), dtype=bool)
    # Each (citizen, committee) they can sit on, in order: the committee, its score (with
    # ranks), and which of its rules the citizen matches, as bits of whole numbers.
    citizen = np.repeat(np.arange(n), [len(sc) for sc in scores])
    committee = np.fromiter((k for sc in scores for k in sorted(sc)), dtype=np.int64,
                            count=citizen.shape[0])
    score = np.fromiter((sc[k] if ranks else 0 for sc in scores for k in sorted(sc)),
                        dtype=np.int64, count=citizen.shape[0])
    widest = max((first[k + 1] - first[k] for k in range(len(first) - 1)), default=0)
    words = np.zeros((citizen.shape[0], (widest + 61) // 62), dtype=np.int64)
    starts = np.asarray(first[:-1], dtype=np.int64)[committee]
    sizes = np.diff(np.asarray(first, dtype=np.int64))[committee]
    for j in range(widest):
        inside = j < sizes
        bit = np.zeros(citizen.shape[0], dtype=bool)
        bit[inside] = table[citizen[inside], starts[inside] + j]
        words[:, j // 62] |= bit.astype(np.int64) << (j % 62)
    entries = np.column_stack([committee, score, words])
    bounds = np.concatenate([[0], np.cumsum([len(sc) for sc in scores])])
    groups: dict[object, list[int]] = {}
    for i, c in enumerate(scenario.citizens):
        if i in households or c.id in alone:
            key: object = ("alone", c.id)
        else:
            key = (entries[bounds[i]:bounds[i + 1]].tobytes(), global_table[i].tobytes())
        groups.setdefault(key, []).append(i)
    ordered = [sorted(g, key=lambda i: scenario.citizens[i].id) for g in groups.values()]
    ordered.sort(key=lambda g: scenario.citizens[g[0]].id)
    return ordered


def add_citizen_variables(model: LinearModel, scenario: Scenario, *,
                          ranks: bool = True, locks: Locks = NO_LOCKS,
                          features: Features | None = None) -> CitizenTypes:
    """One integer variable per (type, committee the type can sit on): how many of it sit there.

    With ``ranks=False`` the types ignore preference ranks (a lottery without a quality floor
    does not score plans), and every variable scores 1. Citizens who withdrew have no
    variable; citizens a lock names are types of their own.
    """
    scores = score_table(scenario, locks.withdrawn)
    households = binding_households(scenario, scores)
    groups = group_types(scenario, scores, households, ranks=ranks,
                         alone=locks.distinguished, features=features)
    var_type, var_committee, var_score, upper = [], [], [], []
    for t, members in enumerate(groups):
        for k, score in sorted(scores[members[0]].items()):
            var_type.append(t)
            var_committee.append(k)
            var_score.append(score if ranks else 1)
            # Not capped at the committee's seats: the seat rule does that, and a model with
            # the seat rule dropped (explanations) must not keep it through the bounds.
            upper.append(len(members))
    first = model.n_vars
    model.add_variables(np.zeros(len(var_type)), upper, var_score)
    return CitizenTypes(
        members=tuple(tuple(g) for g in groups),
        households=households,
        var_type=np.asarray(var_type, dtype=np.int64),
        var_committee=np.asarray(var_committee, dtype=np.int64),
        var_score=np.asarray(var_score, dtype=np.int64),
        first_var=first,
    )


def _columns(types: CitizenTypes) -> IntArray:
    return types.first_var + np.arange(types.var_type.shape[0], dtype=np.int64)


def add_citizen_seat_rules(model: LinearModel, scenario: Scenario, types: CitizenTypes) -> None:
    """Rule 1 (citizens): each committee seats exactly ``citizen_seats`` citizens."""
    seats = np.array([as_limit(m.citizen_seats) for m in scenario.mandates], dtype=np.float64)
    model.add_group_rows([rule_name(RuleKind.CITIZEN_SEATS, cid) for cid in scenario.committee_ids],
                         _columns(types), types.var_committee, seats, seats)


def add_one_seat_rules(model: LinearModel, types: CitizenTypes) -> None:
    """Rule 2: a citizen sits at most once (a type seats at most as many as it has members)."""
    sizes = np.array([len(m) for m in types.members], dtype=np.float64)
    model.add_group_rows([f"_type/{t}" for t in range(len(types.members))],
                         _columns(types), types.var_type, np.zeros_like(sizes), sizes)


def add_household_rules(model: LinearModel, scenario: Scenario, types: CitizenTypes) -> None:
    """Rule 3: at most one citizen per household is seated, over all committees."""
    type_of = {m[0]: t for t, m in enumerate(types.members) if len(m) == 1}
    row_of: dict[str, int] = {}  # household -> its row, in order of its first member
    household_of_type = np.full(len(types.members), -1, dtype=np.int64)
    for i, household in sorted(types.households.items()):
        household_of_type[type_of[i]] = row_of.setdefault(household, len(row_of))
    of_var = household_of_type[types.var_type]
    chosen = np.flatnonzero(of_var >= 0)
    model.add_group_rows([rule_name(RuleKind.HOUSEHOLD, key=h) for h in row_of],
                         _columns(types)[chosen], of_var[chosen], np.zeros(len(row_of)),
                         np.ones(len(row_of)))


def add_count_rules(model: LinearModel, scenario: Scenario, types: CitizenTypes,
                    features: Features) -> None:
    """Rules 4 and 5: per committee, seated citizens who fit a competence profile or have a
    quota's attribute value within its limits; global quotas over every committee. Whom each
    rule counts and its limits come from :meth:`Scenario.rules`; a type counts as its first
    member (all its members match the same rules)."""
    cols = _columns(types)
    position = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    first_member = np.array([m[0] for m in types.members], dtype=np.int64)
    order = np.argsort(types.var_committee, kind="stable")
    bounds = np.searchsorted(types.var_committee[order], np.arange(len(scenario.mandates) + 1))
    for rule in scenario.rules().values():
        if rule.kind is RuleKind.PROFILE and rule.any_of is not None:
            fits = features.fits(rule.any_of)[first_member]
        elif (rule.kind in (RuleKind.QUOTA, RuleKind.GLOBAL_QUOTA)
              and rule.attribute is not None and rule.value is not None):
            fits = features.equals(rule.attribute, rule.value)[first_member]
        else:
            continue
        if rule.committee is None:
            chosen = np.flatnonzero(fits[types.var_type])
        else:
            k = position[rule.committee]
            here = order[bounds[k]:bounds[k + 1]]
            chosen = here[fits[types.var_type[here]]]
        model.add_row(rule.name, cols[chosen], rule.low,
                      np.inf if rule.high is None else rule.high)


def seat_columns(scenario: Scenario, types: CitizenTypes) -> dict[tuple[str, str], int]:
    """(citizen id, committee id) -> model column, for citizens who form a type alone (as
    every citizen a lock names does)."""
    ids = scenario.committee_ids
    out = {}
    for v, (t, k) in enumerate(zip(types.var_type.tolist(), types.var_committee.tolist(),
                                   strict=True)):
        members = types.members[t]
        if len(members) == 1:
            out[scenario.citizens[members[0]].id, ids[k]] = types.first_var + v
    return out


def build_citizen_model(scenario: Scenario, *, ranks: bool = True,
                        locks: Locks = NO_LOCKS) -> tuple[LinearModel, CitizenTypes]:
    """The citizens' model: variables and every citizen rule, composed.

    ``ranks=False`` groups citizens without regard to preference ranks (see
    :func:`add_citizen_variables`); ``locks`` adds the locks of a re-plan.
    """
    model = LinearModel()
    features = Features(scenario)
    types = add_citizen_variables(model, scenario, ranks=ranks, locks=locks,
                                  features=features)
    add_citizen_seat_rules(model, scenario, types)
    add_one_seat_rules(model, types)
    add_household_rules(model, scenario, types)
    add_count_rules(model, scenario, types, features)
    add_lock_rows(model, locks, lambda: seat_columns(scenario, types),
                  {c.id for c in scenario.citizens})
    return model, types


def lot_weights(scenario: Scenario, types: CitizenTypes, seed: int, n_vars: int) -> Lot:
    """The lot over a model's variables (:mod:`cocreate_match.lot`).

    *Who*: every citizen weighs the weight of their priority under ``seed``. A type of one
    puts that weight on each of its variables (it sits at most once). A larger type gets
    slots: seating ``n`` of its members, on whichever committees, is worth their ``n``
    highest weights, so the second stage maximises the total weight of the people seated,
    person by person. :func:`draw_citizens` then seats, within each type, exactly its members
    of highest priority.

    *Where*: each (type, committee) variable weighs the priority of the type's first member
    (by id) for that committee.
    """
    citizen_weight = distinct_weights(priorities(seed, ((c.id, None)
                                                        for c in scenario.citizens)))
    weights = np.zeros(n_vars)
    group_var: list[int] = []
    group_of: list[int] = []
    slot_group: list[int] = []
    slot_weight: list[int] = []
    person_var: list[int] = []
    person_of: list[int] = []
    seats = [m.citizen_seats for m in scenario.mandates]
    columns = types.first_var + np.arange(types.var_type.shape[0])
    order = np.argsort(types.var_type, kind="stable")
    starts = np.searchsorted(types.var_type[order], np.arange(len(types.members) + 1))
    for t, members in enumerate(types.members):
        mine = order[starts[t]:starts[t + 1]]
        if len(members) == 1:
            weights[columns[mine]] = citizen_weight[members[0]]
            person_var += columns[mine].tolist()
            person_of += [t] * mine.shape[0]
            continue
        g = int(slot_group[-1]) + 1 if slot_group else 0
        group_var += columns[mine].tolist()
        group_of += [g] * mine.shape[0]
        # No more slots than the type or its committees could ever fill.
        ranked = sorted((citizen_weight[i] for i in members), reverse=True)
        top = ranked[: min(len(members), sum(seats[k] for k in types.var_committee[mine]))]
        slot_group += [g] * len(top)
        slot_weight += top
    ids = scenario.committee_ids
    where = np.zeros(n_vars)
    where[columns] = distinct_weights(priorities(seed, (
        (scenario.citizens[types.members[t][0]].id, ids[k])
        for t, k in zip(types.var_type.tolist(), types.var_committee.tolist(), strict=True))))
    return Lot(weights=weights, group_var=np.asarray(group_var, dtype=np.int64),
               group_of=np.asarray(group_of, dtype=np.int64),
               slot_group=np.asarray(slot_group, dtype=np.int64),
               slot_weight=np.asarray(slot_weight, dtype=np.float64), where=where,
               person_var=np.asarray(person_var, dtype=np.int64),
               person_of=np.asarray(person_of, dtype=np.int64))


def draw_citizens(scenario: Scenario, types: CitizenTypes, counts: np.ndarray,
                  seed: int) -> dict[int, list[int]]:
    """Which members of each type take its seats.

    The type's members of highest priority under ``seed`` are seated (as many as the type
    has seats), then shared out committee by committee in order of committee id, each
    committee taking the remaining seated members of highest priority for it. Members of a
    type are alike in every rule and score, so each is equally likely to be seated and to sit
    on each of the type's committees.

    Returns committee index -> seated citizen indices.
    """
    ids = scenario.committee_ids
    seated: dict[int, list[int]] = {k: [] for k in range(len(ids))}
    per_type: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for v in np.flatnonzero(counts > 0):
        k = int(types.var_committee[v])
        per_type[int(types.var_type[v])].append((ids[k], k, int(counts[v])))
    for t, allocation in per_type.items():
        members = types.members[t]
        total = sum(n for _, _, n in allocation)
        chosen = sorted(members, key=lambda i: (-priority(seed, scenario.citizens[i].id),
                                                scenario.citizens[i].id))[:total]
        free = set(chosen)
        for committee_id, k, n in sorted(allocation):
            ranked = sorted(free, key=lambda i: (-priority(seed, scenario.citizens[i].id,
                                                            committee_id),
                                                 scenario.citizens[i].id))
            seated[k].extend(ranked[:n])
            free.difference_update(ranked[:n])
    return seated
