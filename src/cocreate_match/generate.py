"""Synthetic scenarios of any size that are feasible by construction.

:func:`generate_scenario` first plants a plan that seats every committee, then derives the
rules around that plan (competence profiles, quotas, council rules, time budgets) so that the
planted plan meets all of them, and only then adds the rest of the applicant pool. A solver
given such a scenario must never answer "infeasible"; benchmarks and property tests rely on it.

All randomness comes from one ``numpy.random.default_rng(seed)``: the same arguments give an
equal :class:`~cocreate_match.Scenario` on every run and platform.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import InputError, Problem
from .mandate import CompetenceProfile, Mandate, Quota
from .people import Attributes, Citizen, Politician
from .scenario import CouncilRules, Scenario

__all__ = ["generate_scenario"]

IntArray = npt.NDArray[np.int64]

TAGS = ("student", "parent", "business-owner", "teacher", "nurse", "engineer", "artist",
        "retiree")
# Uneven on purpose: some competences are rare, so profiles asking for them bind.
TAG_WEIGHTS = (0.18, 0.2, 0.1, 0.1, 0.08, 0.12, 0.07, 0.15)
GENDERS = ("female", "male")
AGE_GROUPS = ("18-29", "30-49", "50-66", "67+")
AGE_WEIGHTS = (0.2, 0.35, 0.3, 0.15)
DISTRICTS = ("d1", "d2", "d3", "d4", "d5")
DISTRICT_WEIGHTS = (0.26, 0.2, 0.2, 0.18, 0.16)
PARTIES = ("A", "B", "C", "D", "E", "F")
TOPICS = ("climate adaptation", "school life", "care for the elderly", "local business",
          "culture and leisure", "health", "mobility", "housing", "integration",
          "nature and green spaces")

PROFILES_PER_COMMITTEE = 2
POLITICIAN_PREFERENCES = 3
# Total politician capacity aimed for, as a multiple of the politician seats to fill.
CAPACITY_FACTOR = 1.3
# How much more popular the most popular committee is than the k-th: weight 1 / k**ZIPF.
ZIPF = 1.0
# Chance that a politician lists a committee the planted plan seats him or her on.
PLANTED_PREFERENCE = 0.7
# Chance that a competence profile has no upper limit.
OPEN_PROFILE = 0.3
# With tight=True: the least share of citizens in households, and how profiles pick tags
# (each tag's chance falls with its frequency, so the rare ones are asked for most).
TIGHT_HOUSEHOLDS = 0.2
RARE_TAGS = tuple(float(w) for w in np.divide(np.reciprocal(TAG_WEIGHTS),
                                              np.reciprocal(TAG_WEIGHTS).sum()))
# Random keys drawn at once when sampling lists (rows times committees).
BLOCK_CELLS = 1 << 20


def generate_scenario(
    *,
    committees: int,
    citizens: int,
    politicians: int,
    seed: int,
    choices: int = 3,
    any_share: float = 0.1,
    citizen_seats: int = 10,
    politician_seats: int = 5,
    households: float = 0.02,
    tight: bool = False,
) -> Scenario:
    """A random scenario of the given size that has at least one plan meeting every rule.

    A valid plan is drawn first; the mandates' competence profiles and gender quotas, a global
    district quota, the council's party rules and the politicians' time budgets are then set
    so that this plan meets them, with random slack. The remaining applicants are added on
    top. Committee popularity is uneven (Zipf-like), so some committees are oversubscribed.

    Parameters
    ----------
    committees : int
        Number of task committees, ids ``c001``, ``c002``, ... (at least 1).
    citizens : int
        Number of citizen applicants, ids ``z00001``, ...; at least
        ``committees * citizen_seats``.
    politicians : int
        Number of politicians, ids ``p001``, ...; at least ``politician_seats``, so that every
        committee can get that many different politicians.
    seed : int
        Seeds every random choice (a whole number, at least 0).
    choices : int, default 3
        Committees each citizen lists, capped at ``committees`` (at least 1).
    any_share : float, default 0.1
        Share of citizens who apply to any committee (``open_to_any``, no list), in [0, 1].
    citizen_seats, politician_seats : int, default 10 and 5
        Seats per committee (each at least 1).
    households : float, default 0.02
        Share of citizens paired into two-person households, in [0, 1]; capped so that the
        planted plan seats at most one person per household.
    tight : bool, default False
        Rules that bind hard, for benchmarks that need more than the LP relaxation: each
        committee's profiles ask for rare competences and its gender, age and district quotas
        overlap, all within one seat of what the planted plan seats; global district and age
        quotas are as close; every politician's time budget is exactly his or her planted
        load (the minimum too, for about half of them); and at least 20 % of the citizens
        live in two-person households. Still feasible by construction.

    Returns
    -------
    Scenario
        Ids are zero-padded to a common width (at least 3 digits for committees and
        politicians, 5 for citizens, 4 for households), so they sort in order.

    Raises
    ------
    InputError
        One :class:`~cocreate_match.Problem` per bad parameter, all at once.

    Examples
    --------
    >>> s = generate_scenario(committees=3, citizens=60, politicians=9, seed=0)
    >>> s.committee_ids, len(s.citizens), len(s.politicians)
    (('c001', 'c002', 'c003'), 60, 9)
    >>> s == generate_scenario(committees=3, citizens=60, politicians=9, seed=0)
    True
    >>> hard = generate_scenario(committees=3, citizens=60, politicians=9, seed=0, tight=True)
    >>> [len(m.quotas) for m in hard.mandates], len(hard.quotas)
    ([3, 3, 3], 2)
    """
    scenario, _, _ = _generate(
        committees=committees, citizens=citizens, politicians=politicians, seed=seed,
        choices=choices, any_share=any_share, citizen_seats=citizen_seats,
        politician_seats=politician_seats, households=households, tight=tight,
    )
    return scenario


@dataclass(frozen=True, slots=True)
class _Pool:
    """The citizens as arrays, one row per citizen, before they become objects."""

    gender: IntArray
    age: IntArray
    district: IntArray
    tags: IntArray  # bit i set when the citizen holds TAGS[i]
    open_to_any: npt.NDArray[np.bool_]
    lists: IntArray  # committee indices, most wanted first; ignored when open_to_any
    household: IntArray  # household number, or -1 for none


def _generate(
    *,
    committees: int,
    citizens: int,
    politicians: int,
    seed: int,
    choices: int = 3,
    any_share: float = 0.1,
    citizen_seats: int = 10,
    politician_seats: int = 5,
    households: float = 0.02,
    tight: bool = False,
) -> tuple[Scenario, dict[str, str], dict[str, tuple[str, ...]]]:
    """:func:`generate_scenario`, also returning the planted plan.

    Returns the scenario, the seated citizens' committees (citizen id to committee id; citizens
    not in the map are not seated) and every politician's committees (politician id to
    committee ids in mandate order; empty for a politician with no seat).
    """
    _check_parameters(committees=committees, citizens=citizens, politicians=politicians,
                      seed=seed, choices=choices, any_share=any_share,
                      citizen_seats=citizen_seats, politician_seats=politician_seats,
                      households=households, tight=tight)
    rng = np.random.default_rng(seed)
    if tight:
        households = max(households, TIGHT_HOUSEHOLDS)
    committee_ids = _ids("c", committees, 3)
    citizen_ids = _ids("z", citizens, 5)
    politician_ids = _ids("p", politicians, 3)

    # The planted citizen plan: which citizens sit, and where (-1: not seated).
    seat_of = np.full(citizens, -1, dtype=np.int64)
    seated = rng.choice(citizens, size=committees * citizen_seats, replace=False)
    seat_of[seated] = np.repeat(np.arange(committees, dtype=np.int64), citizen_seats)

    pool = _citizen_pool(rng, seat_of, committees=committees, choices=choices,
                         any_share=any_share, households=households)
    mandates = [
        _mandate(rng, k, committee_ids[k], pool, np.flatnonzero(seat_of == k),
                 citizen_seats=citizen_seats, politician_seats=politician_seats, tight=tight)
        for k in range(committees)
    ]
    council, politician_seats_of, party_of, load = _plant_politicians(
        rng, committees=committees, politicians=politicians, seats=politician_seats)
    people = _politicians(rng, politician_ids, committee_ids, politician_seats_of, party_of,
                          load, committees=committees, tight=tight)

    d1_total = int(np.count_nonzero(pool.district[seated] == 0))
    slack = 1 if tight else max(1, round(0.1 * d1_total))
    global_quotas = [Quota(attribute="district", value=DISTRICTS[0],
                           min=max(0, d1_total - int(rng.integers(0, slack + 1))),
                           max=d1_total + int(rng.integers(0, slack + 1)))]
    if tight:
        oldest = int(np.count_nonzero(pool.age[seated] == len(AGE_GROUPS) - 1))
        global_quotas.append(_near("age_group", AGE_GROUPS[-1], oldest, rng))

    scenario = Scenario(
        mandates=tuple(mandates),
        citizens=tuple(_citizens(citizen_ids, committee_ids, pool)),
        politicians=tuple(people),
        council=council,
        quotas=tuple(global_quotas),
    )
    citizen_plan = {citizen_ids[i]: committee_ids[seat_of[i]] for i in np.sort(seated).tolist()}
    politician_plan = {
        pid: tuple(committee_ids[k] for k in sorted(politician_seats_of[i]))
        for i, pid in enumerate(politician_ids)
    }
    return scenario, citizen_plan, politician_plan


# -- parameters -------------------------------------------------------------------------------
def _check_parameters(**values: Any) -> None:
    problems: list[Problem] = []

    def whole(name: str, least: int) -> bool:
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            problems.append(Problem(code="CM-E008", column=name, value=value))
            return False
        if value < least:
            problems.append(Problem(code="CM-E037", params={"least": least}, column=name,
                                    value=value))
            return False
        return True

    def share(name: str) -> None:
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            problems.append(Problem(code="CM-E038", column=name, value=value))
        elif not 0 <= value <= 1:  # also rejects NaN
            problems.append(Problem(code="CM-E039", column=name, value=value))

    ok = {name: whole(name, 1) for name in ("committees", "citizen_seats", "politician_seats")}
    whole("seed", 0)
    whole("choices", 1)
    share("any_share")
    share("households")
    if not isinstance(values["tight"], bool):
        problems.append(Problem(code="CM-E020", column="tight", value=values["tight"]))
    if whole("citizens", 0) and ok["committees"] and ok["citizen_seats"]:
        need = values["committees"] * values["citizen_seats"]
        if values["citizens"] < need:
            problems.append(Problem(code="CM-E040", params={"need": need}, column="citizens",
                                    value=values["citizens"]))
    if whole("politicians", 0) and ok["politician_seats"]:
        need = values["politician_seats"]
        # Each politician sits at most once on a committee, so the capacity of the council
        # is politicians * committees seats, against committees * politician_seats to fill.
        if values["politicians"] < need:
            problems.append(Problem(code="CM-E041", params={"need": need},
                                    column="politicians", value=values["politicians"]))
    if problems:
        raise InputError(problems)


def _ids(prefix: str, count: int, width: int) -> list[str]:
    width = max(width, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


# -- citizens ---------------------------------------------------------------------------------
def _weighted_order(rng: np.random.Generator, weights: npt.ArrayLike, rows: int,
                    k: int) -> IntArray:
    """For each of ``rows`` rows, ``k`` distinct indices drawn by weight without replacement.

    Adding Gumbel noise to log-weights and taking the top k draws, for every row at once,
    a weighted sample without replacement in draw order. Rows are done in blocks so that the
    noise never takes more than a few megabytes.
    """
    logw = np.log(np.asarray(weights, dtype=np.float64))
    out = np.empty((rows, k), dtype=np.int64)
    block = max(1, BLOCK_CELLS // logw.size)
    for start in range(0, rows, block):
        keys = logw[None, :] + rng.gumbel(size=(min(block, rows - start), logw.size))
        top = np.argpartition(-keys, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1, kind="stable")
        out[start:start + block] = np.take_along_axis(top, order, axis=1)
    return out


def _citizen_pool(rng: np.random.Generator, seat_of: IntArray, *, committees: int,
                  choices: int, any_share: float, households: float) -> _Pool:
    n = seat_of.size
    gender = rng.integers(0, len(GENDERS), size=n)
    age = rng.choice(len(AGE_GROUPS), size=n, p=AGE_WEIGHTS)
    district = rng.choice(len(DISTRICTS), size=n, p=np.divide(DISTRICT_WEIGHTS,
                                                              sum(DISTRICT_WEIGHTS)))
    drawn = _weighted_order(rng, TAG_WEIGHTS, n, 2)
    tags = (1 << drawn[:, 0]) | np.where(rng.random(n) < 0.5, 1 << drawn[:, 1], 0)

    open_to_any = rng.random(n) < any_share
    # Zipf-like popularity over a random order of the committees.
    popularity = 1.0 / (1.0 + rng.permutation(committees)) ** ZIPF
    k = min(choices, committees)
    lists = _weighted_order(rng, popularity, n, k)
    # A planted citizen who gave a list must have listed the planted committee; put it in at a
    # random position when the draw left it out.
    must = np.flatnonzero((seat_of >= 0) & ~open_to_any)
    missing = must[~(lists[must] == seat_of[must, None]).any(axis=1)]
    lists[missing, rng.integers(0, k, size=missing.size)] = seat_of[missing]

    household = np.full(n, -1, dtype=np.int64)
    unseated = np.flatnonzero(seat_of < 0)
    pairs = min(math.floor(households * n) // 2, unseated.size)
    if pairs:
        # Each pair has an unseated member, so the planted plan seats at most one of the two.
        first = rng.choice(unseated, size=pairs, replace=False)
        rest = np.setdiff1d(np.arange(n), first)
        second = rng.choice(rest, size=pairs, replace=False)
        household[first] = household[second] = np.arange(pairs)
    return _Pool(gender=gender, age=age, district=district, tags=tags.astype(np.int64),
                 open_to_any=open_to_any, lists=lists, household=household)


def _citizens(ids: list[str], committee_ids: list[str], pool: _Pool) -> list[Citizen]:
    count = int(pool.household.max(initial=-1)) + 1
    household_ids = [None, *_ids("h", count, 4)]  # index 0 is "no household" (-1 + 1)
    tag_sets = [frozenset(t for b, t in enumerate(TAGS) if mask >> b & 1)
                for mask in range(1 << len(TAGS))]
    committees = np.asarray(committee_ids, dtype=object)
    rows = zip(ids, pool.open_to_any.tolist(), committees[pool.lists].tolist(),
               pool.tags.tolist(), (pool.household + 1).tolist(), pool.gender.tolist(),
               pool.age.tolist(), pool.district.tolist(), strict=True)
    return [
        Citizen(
            id=cid,
            applied_to=() if open_ else tuple(listed),
            open_to_any=open_,
            tags=tag_sets[mask],
            household=household_ids[h],
            attributes=Attributes({"gender": GENDERS[g], "age_group": AGE_GROUPS[a],
                                   "district": DISTRICTS[d]}),
        )
        for cid, open_, listed, mask, h, g, a, d in rows
    ]


# -- mandates ---------------------------------------------------------------------------------
def _within_one(have: int, rng: np.random.Generator) -> tuple[int, int]:
    """Limits within one seat of ``have`` on either side (so ``have`` meets them)."""
    return max(0, have - int(rng.integers(0, 2))), have + int(rng.integers(0, 2))


def _near(attribute: str, value: str, have: int, rng: np.random.Generator) -> Quota:
    """A quota within one seat of ``have`` on either side."""
    low, high = _within_one(have, rng)
    return Quota(attribute=attribute, value=value, min=low, max=high)


def _mandate(rng: np.random.Generator, k: int, committee_id: str, pool: _Pool,
             seated: IntArray, *, citizen_seats: int, politician_seats: int,
             tight: bool = False) -> Mandate:
    """Committee ``k``'s mandate, with rules that its planted citizens ``seated`` meet."""
    profiles: list[CompetenceProfile] = []
    while len(profiles) < PROFILES_PER_COMMITTEE:
        size = 1 if tight else int(rng.integers(1, 3))
        # Tight profiles ask for the rarer competences, which few applicants hold.
        picked = sorted(rng.choice(len(TAGS), size=size, replace=False,
                                   p=RARE_TAGS if tight else None).tolist())
        name = "-or-".join(TAGS[t] for t in picked)
        if any(p.name == name for p in profiles):
            continue
        mask = sum(1 << t for t in picked)
        fit = int(np.count_nonzero(pool.tags[seated] & mask))
        high: int | None
        if tight:
            low, high = _within_one(fit, rng)
        else:  # the maximum is drawn first, as it always was: the same seed, the same rules
            high = None if rng.random() < OPEN_PROFILE else \
                min(citizen_seats, fit + int(rng.integers(0, 3)))
            low = int(rng.integers(0, fit + 1))
        profiles.append(CompetenceProfile(name=name, any_of=frozenset(TAGS[t] for t in picked),
                                          min=low, max=high))

    # A 40-60 % gender rule, widened where the planted seating falls outside it.
    value = int(rng.integers(0, len(GENDERS)))
    have = int(np.count_nonzero(pool.gender[seated] == value))
    quotas = [Quota(attribute="gender", value=GENDERS[value],
                    min=min(have, math.floor(0.4 * citizen_seats)),
                    max=max(have, math.ceil(0.6 * citizen_seats)))]
    if tight:
        # Overlapping rules on the same seats: gender, an age group and a district, each
        # within one seat of the planted seating.
        quotas[0] = _near("gender", GENDERS[value], have, rng)
        for attribute, values, column in (("age_group", AGE_GROUPS, pool.age),
                                          ("district", DISTRICTS, pool.district)):
            pick = int(rng.integers(0, len(values)))
            quotas.append(_near(attribute, values[pick],
                                int(np.count_nonzero(column[seated] == pick)), rng))

    topic = TOPICS[k % len(TOPICS)]
    number = k + 1
    return Mandate(
        id=committee_id,
        title=f"Committee {number}",
        background=f"The council wants new ideas on {topic}.",
        purpose=f"Co-create proposals on {topic} with citizens and politicians.",
        premises="Proposals must fit within the current budget.",
        duration="Six months.",
        deliverable="A short report with recommendations to the council.",
        citizen_seats=citizen_seats,
        politician_seats=politician_seats,
        profiles=tuple(profiles),
        quotas=tuple(quotas),
    )


# -- politicians ------------------------------------------------------------------------------
def _parties(politicians: int, seats: int) -> int:
    """The most parties (up to six) such that each has enough members for its share of seats.

    With members dealt to parties evenly, every party has at least ``politicians // p`` members
    and is given at most ``ceil(seats / p)`` seats on one committee. One party always works,
    since there are at least ``seats`` politicians.
    """
    for p in range(min(len(PARTIES), politicians), 0, -1):
        if politicians // p >= -(-seats // p):
            return p
    raise AssertionError("unreachable: politicians >= seats was checked")  # pragma: no cover


def _plant_politicians(rng: np.random.Generator, *, committees: int, politicians: int,
                       seats: int) -> tuple[CouncilRules, list[list[int]], IntArray, IntArray]:
    """Council rules and a seating of politicians that meets them.

    The politician seats of all committees, taken in a random committee order, are dealt to the
    parties in turn, so each committee gets ``ceil`` or ``floor`` of ``seats / parties`` seats of
    each party and ``min(seats, parties)`` parties. Each party deals its seats to its members
    in turn, so a member never gets two seats on one committee and loads differ by at most one
    within a party.

    Returns the rules, each politician's committee indices, party indices and load.
    """
    parties = _parties(politicians, seats)
    party_of = rng.permutation(np.arange(politicians, dtype=np.int64) % parties)
    members = [rng.permutation(np.flatnonzero(party_of == p)) for p in range(parties)]
    total = committees * seats
    seat_committee = np.repeat(rng.permutation(committees), seats)
    seat_party = (np.arange(total) + int(rng.integers(0, parties))) % parties
    committees_of: list[list[int]] = [[] for _ in range(politicians)]
    for p in range(parties):
        for r, k in enumerate(seat_committee[seat_party == p].tolist()):
            committees_of[int(members[p][r % members[p].size])].append(k)
    load = np.array([len(ks) for ks in committees_of], dtype=np.int64)
    rules = CouncilRules(max_per_party=max(min(2, seats), -(-seats // parties)),
                         min_parties=min(3, seats, parties))
    return rules, committees_of, party_of, load


def _politicians(rng: np.random.Generator, ids: list[str], committee_ids: list[str],
                 committees_of: list[list[int]], party_of: IntArray, load: IntArray, *,
                 committees: int, tight: bool = False) -> list[Politician]:
    """Politicians whose preferences, minimum and time budget fit their planted seats."""
    n = len(ids)
    # Budgets that give the council CAPACITY_FACTOR times the seats to fill (as far as one seat
    # per committee allows), plus a random extra committee for some.
    base = math.ceil(CAPACITY_FACTOR * int(load.sum()) / n)
    budget = np.minimum(committees, base + rng.integers(0, 2, size=n))
    budget = np.maximum(budget, load)
    minimum = np.where(load > 0, rng.integers(0, 2, size=n), 0)
    if tight:
        # No spare capacity: each budget is the planted load, and half must sit that often.
        budget = load.copy()
        minimum = np.where(rng.random(n) < 0.5, load, 0)
    k = min(POLITICIAN_PREFERENCES, committees)
    popularity = 1.0 / (1.0 + rng.permutation(committees)) ** ZIPF
    drawn = _weighted_order(rng, popularity, n, k)
    people = []
    for i, pid in enumerate(ids):
        own = [c for c in rng.permutation(committees_of[i]).tolist()
               if rng.random() < PLANTED_PREFERENCE][:k]
        others = [c for c in drawn[i].tolist() if c not in own][: k - len(own)]
        prefs = rng.permutation(np.array(own + others, dtype=np.int64)).tolist()
        people.append(Politician(
            id=pid,
            party=PARTIES[int(party_of[i])],
            preferences=tuple(committee_ids[c] for c in prefs),
            min_committees=int(minimum[i]),
            max_committees=int(budget[i]),
        ))
    return people
