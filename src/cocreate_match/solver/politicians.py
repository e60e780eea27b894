"""The politicians' half of the model, one function per rule family.

No rule links citizens and politicians, so the two halves are solved as separate models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lot import distinct_weights, priorities
from ..rules import RuleKind, rule_name
from ..scenario import Scenario
from .linear import IntArray, LinearModel, Lot, as_limit
from .locks import NO_LOCKS, Locks, add_lock_rows


@dataclass(frozen=True, slots=True)
class PoliticianVariables:
    var_politician: IntArray  # per seat variable: politician index
    var_committee: IntArray  # per seat variable: committee index
    first_var: int


def add_politician_variables(model: LinearModel, scenario: Scenario,
                             locks: Locks = NO_LOCKS) -> PoliticianVariables:
    """One 0/1 variable per (politician, committee), scoring :meth:`Scenario.score`; held at
    0 for a politician who withdrew."""
    n_c = len(scenario.mandates)
    n_p = len(scenario.politicians)
    score = np.zeros((n_p, n_c))
    position = {cid: k for k, cid in enumerate(scenario.committee_ids)}
    for i, p in enumerate(scenario.politicians):
        for cid in p.preferences:
            score[i, position[cid]] = scenario.score(p, cid)
    upper = np.ones((n_p, n_c))
    upper[[i for i, p in enumerate(scenario.politicians) if p.id in locks.withdrawn], :] = 0
    var_politician = np.repeat(np.arange(n_p, dtype=np.int64), n_c)
    var_committee = np.tile(np.arange(n_c, dtype=np.int64), n_p)
    first = model.n_vars
    model.add_variables(np.zeros(n_p * n_c), upper.ravel(), score.ravel())
    return PoliticianVariables(var_politician, var_committee, first)


def _columns(v: PoliticianVariables) -> IntArray:
    return v.first_var + np.arange(v.var_politician.shape[0], dtype=np.int64)


def add_politician_seat_rules(model: LinearModel, scenario: Scenario,
                              v: PoliticianVariables) -> None:
    """Rule 1 (politicians): each committee seats exactly ``politician_seats`` politicians."""
    seats = np.array([as_limit(m.politician_seats) for m in scenario.mandates], dtype=np.float64)
    model.add_group_rows([rule_name(RuleKind.POLITICIAN_SEATS, cid)
                          for cid in scenario.committee_ids],
                         _columns(v), v.var_committee, seats, seats)


def add_time_budget_rules(model: LinearModel, scenario: Scenario, v: PoliticianVariables,
                          locks: Locks = NO_LOCKS) -> None:
    """Rule 6: each politician sits on between ``min_committees`` and ``max_committees``; a
    politician who withdrew is released from the minimum."""
    rules = scenario.rules()
    budgets = [rules[rule_name(RuleKind.POLITICIAN, key=p.id)] for p in scenario.politicians]
    low = np.array([0.0 if p.id in locks.withdrawn else as_limit(r.low)
                    for p, r in zip(scenario.politicians, budgets, strict=True)],
                   dtype=np.float64)
    high = np.array([np.inf if r.high is None else as_limit(r.high) for r in budgets],
                    dtype=np.float64)
    model.add_group_rows([r.name for r in budgets], _columns(v), v.var_politician, low, high)


def seat_columns(scenario: Scenario, v: PoliticianVariables) -> dict[tuple[str, str], int]:
    """(politician id, committee id) -> model column."""
    ids = scenario.committee_ids
    return {(scenario.politicians[i].id, ids[k]): v.first_var + j
            for j, (i, k) in enumerate(zip(v.var_politician.tolist(), v.var_committee.tolist(),
                                           strict=True))}


def _party_index(scenario: Scenario) -> tuple[list[str], IntArray]:
    parties = sorted({p.party for p in scenario.politicians})
    index = {name: j for j, name in enumerate(parties)}
    return parties, np.array([index[p.party] for p in scenario.politicians], dtype=np.int64)


def add_party_rules(model: LinearModel, scenario: Scenario, v: PoliticianVariables) -> None:
    """Rule 6: at most ``max_per_party`` of a party and at least ``min_parties`` parties per
    committee.

    ``min_parties`` uses one 0/1 variable per (committee, party) that may be 1 only when the
    party has a politician on the committee.
    """
    council = scenario.council
    parties, party_of = _party_index(scenario)
    cols = _columns(v)
    var_party = party_of[v.var_politician] if party_of.size else np.zeros(0, dtype=np.int64)
    n_parties = len(parties)
    if council.max_per_party is not None:
        for k, m in enumerate(scenario.mandates):
            if m.politician_seats > council.max_per_party:
                groups = var_party[v.var_committee == k]
                model.add_group_rows([rule_name(RuleKind.MAX_PER_PARTY, m.id)] * n_parties,
                                     cols[v.var_committee == k], groups,
                                     np.zeros(n_parties),
                                     np.full(n_parties, as_limit(council.max_per_party)))
    if council.min_parties > 0:
        for k, m in enumerate(scenario.mandates):
            rule = rule_name(RuleKind.MIN_PARTIES, m.id)
            if m.politician_seats == 0:
                continue  # a committee without politician seats has no parties to mix
            present = model.add_variables(np.zeros(n_parties), np.ones(n_parties),
                                          np.zeros(n_parties))
            here = v.var_committee == k
            for j in range(n_parties):
                members = cols[here & (var_party == j)]
                coefs = np.concatenate([[1.0], -np.ones(members.shape[0])])
                model.add_row(f"_present/{m.id}/{parties[j]}",
                              np.concatenate([[present[j]], members]), -np.inf, 0, coefs)
            model.add_row(rule, present, council.min_parties, np.inf)


def lot_weights(scenario: Scenario, v: PoliticianVariables, seed: int,
                n_vars: int) -> Lot:
    """The lot over a model's variables: each (politician, committee) seat weighs the
    politician's priority for the committee under ``seed`` (no two seats weigh the same), so
    that among plans of optimal score the seed, not the order of the rows, decides between
    equal politicians. For politicians, who sits and where are one choice."""
    out = np.zeros(n_vars)
    ids = scenario.committee_ids
    out[v.first_var + np.arange(v.var_politician.shape[0])] = distinct_weights(priorities(seed, (
        (scenario.politicians[i].id, ids[k])
        for i, k in zip(v.var_politician.tolist(), v.var_committee.tolist(), strict=True))))
    return Lot(weights=out)


def build_politician_model(scenario: Scenario, locks: Locks = NO_LOCKS
                           ) -> tuple[LinearModel, PoliticianVariables]:
    """The politicians' model: variables and every politician rule, composed (with the locks
    of a re-plan)."""
    model = LinearModel()
    v = add_politician_variables(model, scenario, locks)
    add_politician_seat_rules(model, scenario, v)
    add_time_budget_rules(model, scenario, v, locks)
    add_party_rules(model, scenario, v)
    add_lock_rows(model, locks, lambda: seat_columns(scenario, v),
                  {p.id for p in scenario.politicians})
    return model, v
