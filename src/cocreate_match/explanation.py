"""Why no plan meets every rule: a small set of named rules that cannot all be met together.

An :class:`Explanation` lists rules that conflict and is *irreducible*: drop any one of them
(keeping only the others) and the rest can be met. Each rule comes with the numbers that
matter: how many people it requires, how many it allows at most, and how many could count
towards it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .findings import Finding
from .people import Citizen, Politician
from .plan import Plan, Role
from .rules import Rule, RuleKind
from .scenario import Scenario

__all__ = ["ExplainedRule", "Explanation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExplainedRule:
    """One rule of a conflict, with its numbers.

    Attributes
    ----------
    rule : str
        The rule's name, as :func:`~cocreate_match.check_plan` uses it.
    message : str
        The rule and its numbers in plain words.
    required : int or None
        How many must count towards the rule (the seats, for a seat rule); None when the rule
        sets only a maximum.
    maximum : int or None
        How many may count at most; None when there is no maximum.
    available : int
        How many people could count towards it at all (applicants who can sit on the committee
        and fit, politicians, parties, committees, members of the household).
    """

    rule: str
    message: str
    required: int | None
    maximum: int | None
    available: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """Rules that together cannot be met, and the findings of the checks before solving.

    Attributes
    ----------
    rules : tuple of ExplainedRule
        A conflict: no plan meets all of these rules. Irreducible when :attr:`irreducible`.
    findings : tuple of Finding
        Rules that cannot be met on their own (see :func:`~cocreate_match.precheck`).
    irreducible : bool
        False only when the time limit stopped the search early; the rules then still
        conflict, but some may not be needed.
    message : str
        A plain-language account.
    """

    rules: tuple[ExplainedRule, ...]
    findings: tuple[Finding, ...] = ()
    irreducible: bool = True
    message: str = ""

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.rules)

    def to_dict(self) -> dict[str, Any]:
        """``{"rules": [...], "findings": [...]}``, ready for ``json.dump``."""
        return {"rules": [r.to_dict() for r in self.rules],
                "findings": [asdict(f) for f in self.findings],
                "irreducible": self.irreducible, "message": self.message}

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  - {r.rule}: {r.message}" for r in self.rules]
        if self.findings:
            lines.append("Rules that cannot be met whatever else the plan does:")
            lines += [f"  - {f.rule}: {f.message} (suggestion: {f.suggestion})"
                      for f in self.findings]
        return "\n".join(lines)


@dataclass(slots=True)
class Context:
    """What an explanation counts against: a pool of people, seats already kept, and locks.

    For :func:`~cocreate_match.solve` the pool is everyone and nothing is kept; for
    :func:`~cocreate_match.replace` the pool is who could fill the freed seats, and the kept
    seats count towards every rule already. ``locks`` holds the lock rules of a re-plan
    (kinds ``FORCE`` and ``FORBID``) by name: they are not rules of the scenario, so
    :func:`describe` finds them here.
    """

    citizens: list[Citizen]
    politicians: list[Politician]
    kept: Plan = field(default_factory=lambda: Plan(seats=()))
    locks: Mapping[str, Rule] = field(default_factory=dict)


def _shift(low: int, high: int | None, kept: int) -> tuple[int | None, int | None]:
    return max(low - kept, 0) or None, None if high is None else high - kept


def describe(scenario: Scenario, names: Iterable[str], context: Context) -> list[ExplainedRule]:
    """Each named rule with its numbers, counted over ``context``.

    A name is looked up among the scenario's rules, then among ``context.locks``; the rule's
    limits and whom it counts come from that :class:`~cocreate_match.rules.Rule`.

    Examples
    --------
    >>> from cocreate_match import Citizen, Mandate
    >>> from cocreate_match.rules import Rule, RuleKind, rule_name
    >>> s = Scenario(mandates=[Mandate(id="climate", citizen_seats=1, politician_seats=0)],
    ...              citizens=[Citizen(id="c12", applied_to=["climate"])])
    >>> name = rule_name(RuleKind.FORCE, "climate", "c12")
    >>> lock = Rule(name=name, kind=RuleKind.FORCE, committee="climate", key="c12", low=1,
    ...             high=1)
    >>> [r] = describe(s, [name], Context(list(s.citizens), [], locks={name: lock}))
    >>> r.message, r.required, r.maximum, r.available
    ('climate: c12 must sit on climate (a forced seat)', 1, 1, 1)
    """
    info = scenario.rules()
    kept_citizens: dict[str, list[Citizen]] = {m.id: [] for m in scenario.mandates}
    kept_politicians: dict[str, list[Politician]] = {m.id: [] for m in scenario.mandates}
    for seat in context.kept.seats:
        if seat.role is Role.CITIZEN:
            kept_citizens[seat.committee_id].append(scenario.citizen(seat.person_id))
        else:
            kept_politicians[seat.committee_id].append(scenario.politician(seat.person_id))
    all_kept = [c for cs in kept_citizens.values() for c in cs]
    more = " more" if context.kept.seats else ""
    # Only committees with a seat still to fill count as places to sit (all of them, when
    # nothing is kept).
    replacing = bool(context.kept.seats)
    seats = {(rule.kind, rule.committee): rule.low for rule in info.values()
             if rule.kind.is_seat_rule}
    free_citizen = {m.id: seats[RuleKind.CITIZEN_SEATS, m.id] - len(kept_citizens[m.id]) > 0
                    if replacing else seats[RuleKind.CITIZEN_SEATS, m.id] > 0
                    for m in scenario.mandates}
    free_politician = {m.id: seats[RuleKind.POLITICIAN_SEATS, m.id]
                       - len(kept_politicians[m.id]) > 0 or not replacing
                       for m in scenario.mandates}
    anywhere = [c for c in context.citizens
                if any(free_citizen[x.id] and c.can_sit_on(x.id) for x in scenario.mandates)]
    out = []
    for name in names:
        rule = info[name] if name in info else context.locks[name]
        m = scenario.mandate(rule.committee) if rule.committee is not None else None
        can_sit = [c for c in context.citizens if m is not None and free_citizen[m.id]
                   and c.can_sit_on(m.id)]
        others = [p for p in context.politicians
                  if m is not None and free_politician[m.id] and p not in kept_politicians[m.id]]
        required: int | None
        maximum: int | None
        if rule.kind.is_lock:
            assert m is not None
            required, maximum = rule.low or None, rule.high
            if rule.kind is RuleKind.FORCE:
                available = int(_can_take(scenario, seats, m.id, str(rule.key)))
                message = f"{rule.key} must sit on {m.id} (a forced seat)"
            else:
                # Keeping someone off a committee is always possible: nobody has to be seated.
                available = 1
                message = f"{rule.key} must not sit on {m.id} (a forbidden seat)"
        elif rule.kind is RuleKind.CITIZEN_SEATS:
            assert m is not None
            required = rule.low - len(kept_citizens[m.id])
            maximum, available = required, len(can_sit)
            message = (f"{required}{more} citizen seat{'s' if required != 1 else ''} to fill; "
                       f"{available} applicant{'s' if available != 1 else ''} can sit there")
        elif rule.kind in (RuleKind.PROFILE, RuleKind.QUOTA, RuleKind.GLOBAL_QUOTA):
            if rule.kind is RuleKind.PROFILE:
                what = f"fit profile {rule.key!r} ({', '.join(sorted(rule.any_of or ()))})"
            else:
                what = f"have {rule.key}"
            counts = rule.counts
            pool = can_sit if m is not None else anywhere
            kept = sum(map(counts, kept_citizens[m.id] if m is not None else all_kept))
            required, maximum = _shift(rule.low, rule.high, kept)
            available = sum(map(counts, pool))
            where = "who can sit there" if m is not None else "who can sit anywhere"
            if required and maximum is not None:
                need = f"between {required} and {maximum}{more} of the seated citizens must"
            elif maximum is not None:
                need = f"at most {maximum}{more} of the seated citizens may"
            else:
                need = f"at least {required}{more} of the seated citizens must"
            message = (f"{need} {what}; {available} of the applicants {where} "
                       f"{'does' if available == 1 else 'do'}")
        elif rule.kind is RuleKind.HOUSEHOLD:
            assert rule.high is not None
            required, maximum = None, rule.high - sum(map(rule.counts, all_kept))
            available = sum(map(rule.counts, anywhere))
            message = (f"at most {maximum}{more} of its {available} applicant"
                       f"{'s' if available != 1 else ''} may be seated")
        elif rule.kind is RuleKind.POLITICIAN_SEATS:
            assert m is not None
            required = rule.low - len(kept_politicians[m.id])
            maximum, available = required, len(others)
            message = (f"{required}{more} politician seat{'s' if required != 1 else ''} to "
                       f"fill; {available} politician{'s' if available != 1 else ''} can sit")
        elif rule.kind is RuleKind.POLITICIAN:
            pol = scenario.politician(str(rule.key))
            kept = sum(1 for ps in kept_politicians.values() if pol in ps)
            required, maximum = _shift(rule.low, rule.high, kept)
            available = sum(1 for x in scenario.mandates
                            if free_politician[x.id] and pol not in kept_politicians[x.id])
            message = (f"{pol.id} sits on {_limits(required, maximum)}{more} committees; "
                       f"{available} committee{'s' if available != 1 else ''} to choose from")
        elif rule.kind is RuleKind.MIN_PARTIES:
            assert m is not None
            present = {p.party for p in kept_politicians[m.id]}
            required = max(rule.low - len(present), 0)
            maximum = None
            available = len({p.party for p in others} - present)
            message = (f"politicians from at least {required}{more} parties; "
                       f"{available} part{'ies' if available != 1 else 'y'} to choose from")
        else:  # max_per_party
            assert m is not None
            cap = rule.high
            assert cap is not None
            required, maximum = None, cap
            kept_parties = Counter(p.party for p in kept_politicians[m.id])
            parties = Counter(p.party for p in others)
            available = sum(max(min(cap - kept_parties[party], n), 0)
                            for party, n in parties.items())
            message = (f"at most {cap} politician{'s' if cap != 1 else ''} per party; with "
                       f"{len(parties)} part{'ies' if len(parties) != 1 else 'y'} that fills "
                       f"{available}{more} seat{'s' if available != 1 else ''} at most")
        where = f"{m.id}: " if m is not None else ("all committees: "
                                                   if rule.kind is RuleKind.GLOBAL_QUOTA else
                                                   f"household {rule.key!r}: "
                                                   if rule.kind is RuleKind.HOUSEHOLD else "")
        out.append(ExplainedRule(rule=name, message=where + message, required=required,
                                 maximum=maximum, available=available))
    return out


def _can_take(scenario: Scenario, seats: Mapping[tuple[RuleKind, str | None], int],
              committee: str, person_id: str) -> bool:
    """Whether the person could sit on the committee at all: a citizen who applied (or is
    open to any committee) where there are citizen seats, any politician where there are
    politician seats (``seats``: each seat rule's number by kind and committee)."""
    try:
        citizen = scenario.citizen(person_id)
    except KeyError:
        try:
            scenario.politician(person_id)
        except KeyError:
            return False
        return seats[RuleKind.POLITICIAN_SEATS, committee] > 0
    return seats[RuleKind.CITIZEN_SEATS, committee] > 0 and citizen.can_sit_on(committee)


def _limits(required: int | None, maximum: int | None) -> str:
    parts = ([f"at least {required}"] if required else []) + (
        [f"at most {maximum}"] if maximum is not None else [])
    return " and ".join(parts) or "any number of"


def conflict_message(n: int) -> str:
    if n == 1:
        return "No plan meets this rule, whatever the other rules say:"
    return (f"No plan meets these {n} rules together; drop or loosen any one of them and the "
            "others can be met:")
