"""What the library returns: who sits where."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._validate import as_tuple
from .errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from .scenario import Scenario

__all__ = ["Committee", "Plan", "Reserve", "Role", "Seat", "Withdrawal", "read_plan"]

PLAN_COLUMNS = ("committee_id", "person_id", "role")
WITHDRAWN = "withdrawn"  # the role of a withdrawal's rows in plan.csv


class Role(Enum):
    """The kind of member a row of a plan is about."""

    CITIZEN = "citizen"
    POLITICIAN = "politician"


@dataclass(frozen=True, slots=True, kw_only=True)
class Seat:
    """One person seated on one committee."""

    committee_id: str
    person_id: str
    role: Role

    if TYPE_CHECKING:  # what the constructor takes: a role's name becomes the Role
        def __init__(self, *, committee_id: str, person_id: str, role: Role | str) -> None: ...

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.role, Role):
            try:
                object.__setattr__(self, "role", Role(self.role))
            except ValueError:
                problems.append(Problem(code="CM-E200", column="role", value=self.role))
        for name in ("committee_id", "person_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                problems.append(Problem(code="CM-E201", column=name, value=value))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reserve:
    """An unseated citizen who stands ready to take a seat on a committee.

    ``rank`` 1 is asked first. In ``plan.csv`` a reserve is a row with role ``reserve`` and a
    ``reserve_rank`` column, in place of the citizen's unseated row.
    """

    committee_id: str
    person_id: str
    rank: int

    def __post_init__(self) -> None:
        problems = [Problem(code="CM-E201", column=name, value=value)
                    for name in ("committee_id", "person_id")
                    if not isinstance(value := getattr(self, name), str) or not value]
        if isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1:
            problems.append(Problem(code="CM-E202", column="reserve_rank", value=self.rank))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True, slots=True, kw_only=True)
class Withdrawal:
    """A person who withdrew: seated nowhere in this plan, and never again in later rounds.

    ``committee_ids`` are the committees the person left (empty when they withdrew while not
    seated); ``when`` is the date or round of the withdrawal, as given (may be empty). In
    ``plan.csv`` a withdrawal is one row per committee left (or one row with no committee),
    with role ``withdrawn`` and the ``when`` text in a ``withdrawn`` column.

    :func:`~cocreate_match.replace_dropouts` records its drop-outs here, and every later
    re-plan (``solve(..., keep=plan)``, reserves, ad hoc invitations) leaves them out. A
    withdrawn politician is released from ``min_committees``.

    Examples
    --------
    >>> Withdrawal(person_id="c7", committee_ids=["climate"], when="2026-03").committee_ids
    ('climate',)
    """

    person_id: str
    committee_ids: tuple[str, ...] = ()
    when: str = ""

    if TYPE_CHECKING:  # what the constructor takes: a list of committees becomes a tuple
        def __init__(self, *, person_id: str, committee_ids: Iterable[str] = (),
                     when: str = "") -> None: ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "committee_ids", as_tuple(self.committee_ids))
        problems = [Problem(code="CM-E201", column=name, value=value)
                    for name, value in (("person_id", self.person_id),
                                        *(("committee_id", c) for c in self.committee_ids))
                    if not isinstance(value, str) or not value]
        if (not isinstance(self.when, str) or self.when != self.when.strip()
                or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in self.when)):
            problems.append(Problem(code="CM-E203", column="withdrawn", value=self.when))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True, slots=True, kw_only=True)
class Committee:
    """A committee as a plan seats it: its citizens and politicians, in plan order."""

    id: str
    citizens: tuple[str, ...]
    politicians: tuple[str, ...]

    if TYPE_CHECKING:  # what the constructor takes: lists of ids become tuples
        def __init__(self, *, id: str, citizens: Iterable[str],
                     politicians: Iterable[str]) -> None: ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "citizens", as_tuple(self.citizens))
        object.__setattr__(self, "politicians", as_tuple(self.politicians))


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Plan:
    """Seats on committees, and everyone who is not seated.

    Every person of the scenario appears in a valid plan: each citizen once (seated on one
    committee, in :attr:`unseated_citizens`, or in :attr:`withdrawn`), each politician on zero
    or more committees (in :attr:`unseated_politicians` when on none, or withdrawn).
    :func:`~cocreate_match.check_plan` checks this along with every rule.

    Two plans are equal when they hold the same seats, unseated people, reserves and
    withdrawals, in whatever order.

    Examples
    --------
    >>> plan = Plan(seats=[Seat(committee_id="climate", person_id="c1", role=Role.CITIZEN)],
    ...             unseated_citizens=["c2"])
    >>> plan.committee("climate").citizens, plan.committee_of("c1")
    (('c1',), 'climate')
    """

    seats: tuple[Seat, ...]
    unseated_citizens: tuple[str, ...] = ()
    unseated_politicians: tuple[str, ...] = ()
    reserves: tuple[Reserve, ...] = ()
    withdrawn: tuple[Withdrawal, ...] = ()
    _committees: dict[str, Committee] = field(init=False, repr=False, compare=False,
                                              hash=False, default_factory=dict)
    _citizen_seat: dict[str, str] = field(init=False, repr=False, compare=False, hash=False,
                                          default_factory=dict)

    if TYPE_CHECKING:  # what the constructor takes: lists (any iterables) become tuples
        def __init__(self, *, seats: Iterable[Seat],
                     unseated_citizens: Iterable[str] = (),
                     unseated_politicians: Iterable[str] = (),
                     reserves: Iterable[Reserve] = (),
                     withdrawn: Iterable[Withdrawal] = ()) -> None: ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "seats", as_tuple(self.seats))
        object.__setattr__(self, "unseated_citizens", as_tuple(self.unseated_citizens))
        object.__setattr__(self, "unseated_politicians", as_tuple(self.unseated_politicians))
        object.__setattr__(self, "reserves", as_tuple(self.reserves))
        object.__setattr__(self, "withdrawn", as_tuple(self.withdrawn))
        bad = [Problem(code="CM-E204", column="seats", value=s)
               for s in self.seats if not isinstance(s, Seat)]
        bad += [Problem(code="CM-E205", column="reserves", value=r)
                for r in self.reserves if not isinstance(r, Reserve)]
        bad += [Problem(code="CM-E206", column="withdrawn", value=w)
                for w in self.withdrawn if not isinstance(w, Withdrawal)]
        if bad:
            raise InputError(bad)
        order: dict[str, tuple[list[str], list[str]]] = {}
        for seat in self.seats:
            citizens, politicians = order.setdefault(seat.committee_id, ([], []))
            (citizens if seat.role is Role.CITIZEN else politicians).append(seat.person_id)
            if seat.role is Role.CITIZEN:
                self._citizen_seat.setdefault(seat.person_id, seat.committee_id)
        self._committees.update(
            (cid, Committee(id=cid, citizens=tuple(c), politicians=tuple(p)))
            for cid, (c, p) in order.items())

    def _canonical(self) -> tuple[object, ...]:
        return (sorted((s.committee_id, s.person_id, s.role.value) for s in self.seats),
                sorted(self.unseated_citizens), sorted(self.unseated_politicians),
                sorted((r.committee_id, r.rank, r.person_id) for r in self.reserves),
                sorted((w.person_id, sorted(w.committee_ids), w.when) for w in self.withdrawn))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return self._canonical() == other._canonical()

    def __hash__(self) -> int:
        return hash(repr(self._canonical()))

    @property
    def withdrawn_ids(self) -> frozenset[str]:
        """The ids of everyone who withdrew."""
        return frozenset(w.person_id for w in self.withdrawn)

    @property
    def committees(self) -> tuple[Committee, ...]:
        """Each committee that has a seat, in order of first appearance."""
        return tuple(self._committees.values())

    def committee(self, committee_id: str) -> Committee:
        """The seats of one committee (empty when it has none)."""
        empty = Committee(id=committee_id, citizens=(), politicians=())
        return self._committees.get(committee_id, empty)

    def committee_of(self, citizen_id: str) -> str | None:
        """The committee a citizen sits on, or None."""
        return self._citizen_seat.get(citizen_id)

    @property
    def seated_citizens(self) -> frozenset[str]:
        return frozenset(s.person_id for s in self.seats if s.role is Role.CITIZEN)

    def reserves_for(self, committee_id: str) -> tuple[str, ...]:
        """The reserves of a committee, by rank (first asked first)."""
        ranked = sorted((r.rank, r.person_id) for r in self.reserves
                        if r.committee_id == committee_id)
        return tuple(pid for _, pid in ranked)

    # -- dicts --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The plan as a plain dict that ``json.dumps`` takes and :meth:`from_dict` reads back:
        ``Plan.from_dict(p.to_dict()) == p``.

        Keys ``seats`` (each ``committee_id``, ``person_id``, ``role``: ``"citizen"`` or
        ``"politician"``), ``unseated_citizens``, ``unseated_politicians``, ``reserves``
        (each ``committee_id``, ``person_id``, ``rank``) and ``withdrawn`` (each
        ``person_id``, ``committee_ids``, ``when``), in plan order.

        Examples
        --------
        >>> plan = Plan(seats=[Seat(committee_id="climate", person_id="c1", role=Role.CITIZEN)],
        ...             unseated_citizens=["c2"])
        >>> plan.to_dict()["seats"]
        [{'committee_id': 'climate', 'person_id': 'c1', 'role': 'citizen'}]
        >>> Plan.from_dict(plan.to_dict()) == plan
        True
        """
        from .serialize import plan_to_dict

        return plan_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> Plan:
        """Read a plan from a dict laid out as :meth:`to_dict` writes it (parsed JSON).

        Only ``seats`` is required. Every problem is reported at once, placed by JSON path
        (``section``, such as ``seats[3]``) and key (``column``), in ``file`` when given.

        Raises
        ------
        InputError
            For unknown or missing keys and bad values (an unknown role, a rank below 1).
        """
        from .serialize import plan_from_dict

        return plan_from_dict(data, file=file)

    # -- tables -------------------------------------------------------------------------------
    def to_frame(self, scenario: Scenario | None = None, *,
                 chances: Mapping[str, float] | None = None) -> pd.DataFrame:
        """The plan as a DataFrame with one row per seat, then one per person not seated.

        Columns ``committee_id``, ``person_id`` and ``role`` (``citizen`` or ``politician``);
        ``committee_id`` is empty for people who are not seated. A plan with reserves writes
        them (role ``reserve``, the committee, and a last ``reserve_rank`` column) after the seats,
        in place of their unseated rows. Given the scenario, also
        ``rank`` (the committee's 1-based position in the person's list, a nullable integer;
        missing when not listed) and ``profiles`` (the competence profiles a seated citizen
        fits, ``;``-separated). Given ``chances`` (person id -> probability, as a fair
        lottery computes them), a last column ``chance`` (a float; missing for people it does
        not name). ``reserve_rank`` is a nullable integer too. :meth:`to_csv` writes the same
        table as text.

        Examples
        --------
        >>> plan = Plan(seats=[Seat(committee_id="climate", person_id="c1", role=Role.CITIZEN)])
        >>> plan.to_frame().columns.tolist()
        ['committee_id', 'person_id', 'role']
        """
        import pandas as pd

        header, *rows = self._rows(scenario, chances)
        frame = pd.DataFrame(rows, columns=header, dtype=str)
        # Numbers as numbers (empty cells missing); the CSV keeps its text.
        for column in ("reserve_rank", "rank"):
            if column in frame.columns:
                frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
        if "chance" in frame.columns:
            frame["chance"] = pd.to_numeric(frame["chance"].replace("", None)).astype("float64")
        return frame

    def to_csv(self, path: str | os.PathLike[str], scenario: Scenario | None = None, *,
               chances: Mapping[str, float] | None = None) -> None:
        """Write :meth:`to_frame` as UTF-8 CSV with ``\\n`` line ends (the same bytes each time)."""
        from .tables import write_csv

        write_csv(path, self._rows(scenario, chances))

    def _rows(self, scenario: Scenario | None,
              chances: Mapping[str, float] | None = None) -> list[list[str]]:
        # The columns every plan of a scenario has come first, those only some plans have
        # (reserves, withdrawals) last: a spreadsheet's columns stay where they were.
        header = list(PLAN_COLUMNS) + (
            ["rank", "profiles"] if scenario is not None else []) + (
            ["chance"] if chances is not None else []) + (
            ["reserve_rank"] if self.reserves else []) + (
            ["withdrawn"] if self.withdrawn else [])
        rows = [header]
        reserve_ids = {r.person_id for r in self.reserves}
        ordered = sorted(self.reserves, key=lambda r: (self._committee_order(r.committee_id),
                                                       r.rank, r.person_id))
        everyone = [(s.committee_id, s.person_id, s.role.value, "", "") for s in self.seats]
        everyone += [(r.committee_id, r.person_id, "reserve", str(r.rank), "")
                     for r in ordered]
        everyone += [("", pid, Role.CITIZEN.value, "", "") for pid in self.unseated_citizens
                     if pid not in reserve_ids]
        everyone += [("", pid, Role.POLITICIAN.value, "", "")
                     for pid in self.unseated_politicians]
        everyone += [(cid, w.person_id, WITHDRAWN, "", w.when) for w in self.withdrawn
                     for cid in (w.committee_ids or ("",))]
        for committee_id, person_id, role, rank, when in everyone:
            row = [committee_id, person_id, role]
            if scenario is not None:
                role_of = Role.POLITICIAN if role == "politician" else Role.CITIZEN
                row += (["", ""] if role == WITHDRAWN else
                        _annotations(scenario, committee_id, person_id, role_of))
            if chances is not None:
                row.append(f"{chances[person_id]:.6f}" if person_id in chances else "")
            row += ([rank] if self.reserves else []) + ([when] if self.withdrawn else [])
            rows.append(row)
        return rows

    def _committee_order(self, committee_id: str) -> int:
        order = list(self._committees)
        return order.index(committee_id) if committee_id in order else len(order)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, file: str = "plan frame") -> Plan:
        """Read a plan from a DataFrame with the columns of :meth:`to_frame`.

        Extra columns are ignored. Raises :class:`~cocreate_match.InputError` naming every bad
        row.
        """
        from .tables import frame_to_table

        table = frame_to_table(frame, "plan")
        return _plan_from_rows(file, table.header, table.rows, table.labels, None)


def _annotations(scenario: Scenario, committee_id: str, person_id: str, role: Role) -> list[str]:
    # An invalid plan (unknown person or committee) still writes; its annotations stay empty.
    try:
        mandate = scenario.mandate(committee_id)
        if role is Role.CITIZEN:
            citizen = scenario.citizen(person_id)
            rank = citizen.rank(committee_id)
            profiles = [p.name for p in mandate.profiles if p.any_of & citizen.tags]
            return ["" if rank is None else str(rank), ";".join(profiles)]
        rank = scenario.politician(person_id).rank(committee_id)
    except KeyError:
        return ["", ""]
    return ["" if rank is None else str(rank), ""]


def _plan_from_rows(file: str, header: Iterable[str], rows: Iterable[tuple[str, ...]],
                    labels: Iterable[int | str], header_label: int | str | None) -> Plan:
    header = tuple(header)
    problems = [Problem(code="CM-E207", file=file, row=header_label, column=c)
                for c in PLAN_COLUMNS if header.count(c) > 1]
    problems += [Problem(code="CM-E208", file=file, row=header_label, column=c)
                 for c in PLAN_COLUMNS if c not in header]
    if problems:
        raise InputError(problems)
    at = {c: header.index(c) for c in PLAN_COLUMNS}
    rank_at = header.index("reserve_rank") if "reserve_rank" in header else None
    when_at = header.index(WITHDRAWN) if WITHDRAWN in header else None
    seats: list[Seat] = []
    reserves: list[Reserve] = []
    left: dict[str, tuple[list[str], str]] = {}
    first_left: dict[str, int | str] = {}
    unseated: dict[Role, list[str]] = {Role.CITIZEN: [], Role.POLITICIAN: []}
    for row, label in zip(rows, labels, strict=True):
        if len(row) != len(header):
            problems.append(Problem(code="CM-E209", file=file, row=label,
                                    params={"count": len(row), "width": len(header)}))
            continue
        committee_id, person_id, role_text = (row[at[c]].strip() for c in PLAN_COLUMNS)
        row_problems = []
        if role_text == WITHDRAWN:
            when = row[when_at].strip() if when_at is not None else ""
            if not person_id:
                problems.append(Problem(code="CM-E210", file=file, row=label,
                                        column="person_id", value=person_id))
                continue
            committees, earlier = left.setdefault(person_id, ([], when))
            first_left.setdefault(person_id, label)
            if earlier != when:
                problems.append(Problem(code="CM-E211", file=file, row=label,
                                        column=WITHDRAWN, value=when,
                                        params={"person_id": person_id, "earlier": earlier}))
            if committee_id:
                committees.append(committee_id)
            continue
        if role_text == "reserve":
            rank_text = row[rank_at].strip() if rank_at is not None else ""
            if not committee_id:
                row_problems.append(Problem(code="CM-E212", file=file, row=label,
                                            column="committee_id"))
            if not (rank_text.isascii() and rank_text.isdigit()) or len(rank_text) > 18 \
                    or int(rank_text) < 1:
                row_problems.append(Problem(code="CM-E213", file=file, row=label,
                                            column="reserve_rank", value=rank_text))
            if not person_id:
                row_problems.append(Problem(code="CM-E210", file=file, row=label,
                                            column="person_id", value=person_id))
            if row_problems:
                problems += row_problems
            else:
                reserves.append(Reserve(committee_id=committee_id, person_id=person_id,
                                        rank=int(rank_text)))
                unseated[Role.CITIZEN].append(person_id)
            continue
        try:
            role = Role(role_text)
        except ValueError:
            row_problems.append(Problem(code="CM-E214", file=file, row=label, column="role",
                                        value=role_text))
        if not person_id:
            row_problems.append(Problem(code="CM-E210", file=file, row=label,
                                        column="person_id", value=person_id))
        if row_problems:
            problems += row_problems
        elif committee_id:
            seats.append(Seat(committee_id=committee_id, person_id=person_id, role=role))
        else:
            unseated[role].append(person_id)
    if problems:
        raise InputError(problems)
    withdrawn_list = []
    for pid, (committees, when) in left.items():
        try:
            withdrawn_list.append(Withdrawal(person_id=pid, committee_ids=tuple(committees),
                                             when=when))
        except InputError as err:  # a bad date or round: named at the person's first row
            problems += [dataclasses.replace(p, file=file, row=first_left[pid])
                         for p in err.problems]
    if problems:
        raise InputError(problems)
    withdrawn = tuple(withdrawn_list)
    return Plan(seats=tuple(seats), unseated_citizens=tuple(unseated[Role.CITIZEN]),
                unseated_politicians=tuple(unseated[Role.POLITICIAN]), reserves=tuple(reserves),
                withdrawn=withdrawn)


def read_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a ``plan.csv`` written by :meth:`Plan.to_csv` (or by other software).

    Problems name the file as ``path`` gives it, and the line (the header is line 1).

    Raises
    ------
    InputError
        When the file is missing, unreadable, not UTF-8, lacks a column, or has bad rows (all
        listed).
    """
    from .tables import read_csv

    name = os.fspath(path)
    problems: list[Problem] = []
    table = read_csv(Path(path), name, problems)
    if table is None:
        raise InputError(problems)
    return _plan_from_rows(name, table.header, table.rows, table.labels, table.header_label)
