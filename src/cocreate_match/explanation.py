"""Why no plan meets every rule: a small set of named rules that cannot all be met together.

An :class:`Explanation` lists rules that conflict and is *irreducible*: drop any one of them
(keeping only the others) and the rest can be met. Each rule comes with the numbers that
matter: how many people it requires, how many it allows at most, and how many could count
towards it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .findings import Finding
from .messages import Coded, text
from .people import Citizen, Politician
from .plan import Plan, Role
from .rules import Rule, RuleKind
from .scenario import Scenario

__all__ = ["ExplainedRule", "Explanation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExplainedRule(Coded):
    """One rule of a conflict, with its numbers.

    Attributes
    ----------
    rule : str
        The rule's name, as :func:`~cocreate_match.check_plan` uses it.
    code : str
        The line's stable code, such as ``"CM-X012"`` (see :mod:`cocreate_match.messages`);
        :attr:`message` is its text: the rule and its numbers in plain words.
    params : mapping
        The fields the text is filled in with: ids, names and numbers.
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
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    required: int | None
    maximum: int | None
    available: int

    def to_dict(self) -> dict[str, Any]:
        """The line as plain JSON, its text in the current language."""
        return {"rule": self.rule, "code": self.code, "message": self.message,
                "required": self.required, "maximum": self.maximum,
                "available": self.available}


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation(Coded):
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
    code : str
        The stable code of the account's first line (see :mod:`cocreate_match.messages`);
        by default the one that fits the number of rules, ``CM-X001`` or ``CM-X002``.
    params : mapping
        The fields that line is filled in with.

    :attr:`message` is that line, a plain-language account, in the current language.
    """

    rules: tuple[ExplainedRule, ...]
    findings: tuple[Finding, ...] = ()
    irreducible: bool = True
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.code:  # the usual account of a conflict of these rules
            code, params = conflict_message(len(self.rules))
            object.__setattr__(self, "code", code)
            object.__setattr__(self, "params", params)

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.rules)

    def to_dict(self) -> dict[str, Any]:
        """``{"rules": [...], "findings": [...]}``, ready for ``json.dump``; texts in the
        current language, each beside its code."""
        return {"rules": [r.to_dict() for r in self.rules],
                "findings": [f.to_dict() for f in self.findings],
                "irreducible": self.irreducible, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  - {r.rule}: {r.message}" for r in self.rules]
        if self.findings:
            lines.append(text("CM-X004"))
            lines += ["  - " + text("CM-X005", rule=f.rule, message=f.message,
                                    suggestion=f.suggestion) for f in self.findings]
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
    # Only committees with a seat still to fill count as places to sit (all of them, when
    # nothing is kept).
    replacing = bool(context.kept.seats)
    # With seats kept, each line counts what is still to fill: its "... more ..." code.
    more = int(replacing)
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
        params: dict[str, Any] = {"committee": None if m is None else m.id}
        if rule.kind.is_lock:
            assert m is not None
            required, maximum = rule.low or None, rule.high
            params["person"] = rule.key
            if rule.kind is RuleKind.FORCE:
                available = int(_can_take(scenario, seats, m.id, str(rule.key)))
                code = "CM-X010"
            else:
                # Keeping someone off a committee is always possible: nobody has to be seated.
                available = 1
                code = "CM-X011"
        elif rule.kind is RuleKind.CITIZEN_SEATS:
            assert m is not None
            required = rule.low - len(kept_citizens[m.id])
            maximum, available = required, len(can_sit)
            code = ("CM-X012", "CM-X013")[more]
        elif rule.kind in (RuleKind.PROFILE, RuleKind.QUOTA, RuleKind.GLOBAL_QUOTA):
            if rule.kind is RuleKind.PROFILE:
                params |= {"profile": rule.key, "tags": ", ".join(sorted(rule.any_of or ()))}
            else:
                params["quota"] = rule.key
            counts = rule.counts
            pool = can_sit if m is not None else anywhere
            kept = sum(map(counts, kept_citizens[m.id] if m is not None else all_kept))
            required, maximum = _shift(rule.low, rule.high, kept)
            available = sum(map(counts, pool))
            form = ("between" if required and maximum is not None else
                    "at_most" if maximum is not None else "at_least")
            code = _COUNT_LINES[rule.kind, form][more]
        elif rule.kind is RuleKind.HOUSEHOLD:
            assert rule.high is not None
            required, maximum = None, rule.high - sum(map(rule.counts, all_kept))
            available = sum(map(rule.counts, anywhere))
            params["household"] = rule.key
            code = ("CM-X032", "CM-X033")[more]
        elif rule.kind is RuleKind.POLITICIAN_SEATS:
            assert m is not None
            required = rule.low - len(kept_politicians[m.id])
            maximum, available = required, len(others)
            code = ("CM-X034", "CM-X035")[more]
        elif rule.kind is RuleKind.POLITICIAN:
            pol = scenario.politician(str(rule.key))
            kept = sum(1 for ps in kept_politicians.values() if pol in ps)
            required, maximum = _shift(rule.low, rule.high, kept)
            available = sum(1 for x in scenario.mandates
                            if free_politician[x.id] and pol not in kept_politicians[x.id])
            params["politician"] = pol.id
            form = ("between" if required and maximum is not None else "at_least" if required
                    else "at_most" if maximum is not None else "any")
            code = _BUDGET_LINES[form][more]
        elif rule.kind is RuleKind.MIN_PARTIES:
            assert m is not None
            present = {p.party for p in kept_politicians[m.id]}
            required = max(rule.low - len(present), 0)
            maximum = None
            available = len({p.party for p in others} - present)
            code = ("CM-X044", "CM-X045")[more]
        else:  # max_per_party
            assert m is not None
            cap = rule.high
            assert cap is not None
            required, maximum = None, cap
            kept_parties = Counter(p.party for p in kept_politicians[m.id])
            parties = Counter(p.party for p in others)
            available = sum(max(min(cap - kept_parties[party], n), 0)
                            for party, n in parties.items())
            params |= {"cap": cap, "parties": len(parties)}
            code = ("CM-X046", "CM-X047")[more]
        params |= {"required": required, "maximum": maximum, "available": available}
        out.append(ExplainedRule(rule=name, code=code, params=params, required=required,
                                 maximum=maximum, available=available))
    return out


# The code of a line on a count of seated citizens, by rule kind and by the limits it has
# (both, only a maximum, only a minimum): without seats kept, and with them.
_COUNT_LINES = {
    (RuleKind.PROFILE, "between"): ("CM-X014", "CM-X015"),
    (RuleKind.PROFILE, "at_most"): ("CM-X016", "CM-X017"),
    (RuleKind.PROFILE, "at_least"): ("CM-X018", "CM-X019"),
    (RuleKind.QUOTA, "between"): ("CM-X020", "CM-X021"),
    (RuleKind.QUOTA, "at_most"): ("CM-X022", "CM-X023"),
    (RuleKind.QUOTA, "at_least"): ("CM-X024", "CM-X025"),
    (RuleKind.GLOBAL_QUOTA, "between"): ("CM-X026", "CM-X027"),
    (RuleKind.GLOBAL_QUOTA, "at_most"): ("CM-X028", "CM-X029"),
    (RuleKind.GLOBAL_QUOTA, "at_least"): ("CM-X030", "CM-X031"),
}

# The code of a line on a politician's time budget, by the limits it has.
_BUDGET_LINES = {
    "between": ("CM-X036", "CM-X037"),
    "at_least": ("CM-X038", "CM-X039"),
    "at_most": ("CM-X040", "CM-X041"),
    "any": ("CM-X042", "CM-X043"),
}


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


def conflict_message(n: int) -> tuple[str, dict[str, Any]]:
    """The code and fields of the account of a conflict of ``n`` rules."""
    if n == 1:
        return "CM-X001", {}
    return "CM-X002", {"count": n}
