"""Seed files, mutations and random TOML documents for the fuzz tests in ``test_fuzz.py``.

- Seeds: valid inputs to start from. The scenario seeds are a small hand-written scenario
  (every feature of the file format in a few lines) and the demo, written by
  :func:`~cocreate_match.save_scenario`; the plan seeds are ``plan.csv`` files written by
  :meth:`Plan.to_csv <cocreate_match.Plan.to_csv>` for both; the sortition seeds are two small
  pools, one in each header form of ``categories.csv``.
- :func:`mutations`: a list of edits of the files' bytes (bytes, lines, cells, keys and values,
  line ends, byte order marks, truncation). A :class:`Mutation` prints short, so a failing
  example reads as the seed and a few edits, not as kilobytes of file.
- :func:`toml_documents`: random ``mandates.toml`` documents built from the real key names
  with values of every TOML type (and of the wrong ones), written in either TOML style.

Everything is drawn with the simplest choice first (the small seed, the first line, the first
token), so that failures shrink towards short, readable inputs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from cocreate_match import Plan, Reserve, Withdrawal, save_scenario, solve
from cocreate_match.demo import demo_scenario
from cocreate_match.scenario_files import load_scenario

MANDATES = "mandates.toml"
CITIZENS = "citizens.csv"
POLITICIANS = "politicians.csv"
SCENARIO_FILES = (MANDATES, CITIZENS, POLITICIANS)
CATEGORIES = "categories.csv"
RESPONDENTS = "respondents.csv"
SORTITION_FILES = (CATEGORIES, RESPONDENTS)
PLAN = "plan.csv"

# -- seeds --------------------------------------------------------------------------------------
# A small scenario using every part of the format: council rules, a global quota, profiles,
# committee quotas, a cancelled committee, '*' applicants, tags, households, a missing
# attribute, a quoted cell and politicians' limits.
SMALL_MANDATES = """\
# A small scenario for the fuzz tests.
[council]
max_per_party = 2
min_parties = 1

[[quota]]
attribute = "gender"
value = "female"
min = 1

[[committee]]
id = "climate"
title = "Climate adaptation"
citizen_seats = 2
politician_seats = 1

  [[committee.profile]]
  name = "young"
  any_of = ["student", "pupil"]
  min = 1
  max = 2

  [[committee.quota]]
  attribute = "district"
  value = "north"
  min = 1

[[committee]]
id = "youth"
title = "Youth \\"and\\" school"
citizen_seats = 1
politician_seats = 1

[[committee]]
id = "culture"
cancelled = true
citizen_seats = 3
politician_seats = 2
"""

SMALL_CITIZENS = """\
id,applied_to,tags,household,gender,district
c1,climate;youth,student,h1,female,north
c2,youth;*,,h1,male,south
c3,*,pupil;planner,,female,
c4,culture;climate,,h2,male,north
c5,climate,student,,"x, y",south
"""

SMALL_POLITICIANS = """\
id,party,preferences,min_committees,max_committees
p1,A,climate;youth,0,2
p2,B,youth,1,
p3,A,,0,1
"""

# The same people, every citizen open to any committee and no politician with preferences:
# they fit any committees, so that random mandates.toml files can read.
OPEN_CITIZENS = """\
id,applied_to,tags,household,gender,district
c1,*,student,h1,female,north
c2,*,,h1,male,south
c3,*,pupil;planner,,female,
c4,*,,h2,male,north
"""

OPEN_POLITICIANS = """\
id,party,preferences,min_committees,max_committees
p1,A,,0,2
p2,B,,0,
"""

SORTITION_SEEDS: dict[str, dict[str, bytes]] = {
    "pool": {
        CATEGORIES: b"category,feature,min,max\ngender,female,1,2\ngender,male,1,2\n"
                    b"age,young,0,3\nage,old,0,3\n",
        RESPONDENTS: b'id,gender,age,email\nr1,female,young,a@x\nr2,male,old,"b, c"\n'
                     b"r3,female,old,\nr4,male,young,d\n",
    },
    "feature_value": {
        CATEGORIES: b"feature,value,min,max\ndistrict,north,1,1\ndistrict,south,0,1\n",
        RESPONDENTS: b"district,note\nnorth,x\nsouth,y\nnorth,\n",
    },
}


def _read_dir(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@lru_cache(maxsize=1)
def scenario_seeds() -> dict[str, dict[str, bytes]]:
    """Scenario directories as file name -> bytes: ``small`` (hand-written) and ``demo``."""
    small = {MANDATES: SMALL_MANDATES.encode(), CITIZENS: SMALL_CITIZENS.encode(),
             POLITICIANS: SMALL_POLITICIANS.encode()}
    with tempfile.TemporaryDirectory() as d:
        save_scenario(demo_scenario(), d)
        demo = _read_dir(Path(d))
    return {"small": small, "demo": demo}


PEOPLE_SEEDS: dict[str, dict[str, bytes]] = {
    "open": {CITIZENS: OPEN_CITIZENS.encode(), POLITICIANS: OPEN_POLITICIANS.encode()},
    "small": {CITIZENS: SMALL_CITIZENS.encode(), POLITICIANS: SMALL_POLITICIANS.encode()},
}


@cache
def seed_scenario(name: str) -> Any:
    """The scenario a seed's files hold."""
    with tempfile.TemporaryDirectory() as d:
        write_files(Path(d), scenario_seeds()[name])
        return load_scenario(d)


@cache
def seed_plan(name: str) -> Plan:
    """A solved plan of a seed scenario; the small one with a reserve and a withdrawal too."""
    scenario = seed_scenario(name)
    plan = solve(scenario, time_limit=30).plan
    assert plan is not None
    if name == "small":
        # A reserve stays among the unseated citizens; a person who withdrew does not.
        reserve, gone = plan.unseated_citizens[:2]
        plan = Plan(seats=plan.seats, unseated_citizens=(reserve,),
                    unseated_politicians=plan.unseated_politicians,
                    reserves=(Reserve(committee_id="climate", person_id=reserve, rank=1),),
                    withdrawn=(Withdrawal(person_id=gone, when="2026-03"),))
    return plan


@lru_cache(maxsize=1)
def plan_seeds() -> dict[str, bytes]:
    """``plan.csv`` bytes written by ``Plan.to_csv`` for each scenario seed."""
    seeds = {}
    for name in scenario_seeds():
        with tempfile.TemporaryDirectory() as d:
            path = Path(d, PLAN)
            seed_plan(name).to_csv(path, seed_scenario(name))
            seeds[name] = path.read_bytes()
    return seeds


def write_files(directory: Path, files: Mapping[str, bytes | None]) -> None:
    """Write each file (None: leave it out)."""
    for name, data in files.items():
        if data is not None:
            (directory / name).write_bytes(data)


# -- tokens -------------------------------------------------------------------------------------
HUGE_DIGITS = "9" * 5000  # more digits than int() converts by default (4300)
KEY_NAMES = (
    "id", "title", "background", "purpose", "premises", "duration", "deliverable",
    "citizen_seats", "politician_seats", "cancelled", "profile", "profiles", "quota", "quotas",
    "name", "any_of", "min", "max", "attribute", "value", "council", "committee",
    "max_per_party", "min_parties", "mn", "",
)
COLUMN_NAMES = (
    "id", "applied_to", "tags", "household", "party", "preferences", "min_committees",
    "max_committees", "gender", "district", "committee_id", "person_id", "role", "rank",
    "profiles", "reserve_rank", "withdrawn", "chance", "category", "feature", "value", "min",
    "max", " id", "ID", "id;applied_to", "id\tparty",
)
_TEXT_TOKENS = (
    "", " ", '"', '""', "'", ",", ";", ";;", "*", "*;climate", "climate;*;youth", "\x00", "\r",
    "\n", "\r\n", "\t", "\x1b", "\x7f", "\x85", "\ufeff", "\u2028", "\u200b", "\u00a0", "é",
    "e\u0301", "İ", "ß", "日本", "👩‍👩‍👧", "\u202e", "\U0010ffff",
    HUGE_DIGITS, "9" * 30, "-" + HUGE_DIGITS, "-1", "-0", "0", "1", "+1", "00", "1.5", "1e3",
    "1_000", "0x10", "NaN", "nan", "inf", "-inf", "Infinity", "\uff11", "٣", "²", "True", "None",
    "null", "x" * 300, "z" * 5000,
    "climate", "youth", "culture", "panel", "c1", "c2", "p1", "A", "female", "north", "young",
    "student", "citizen", "politician", "reserve", "withdrawn",
)
CSV_TOKENS = (
    *(t.encode() for t in (*_TEXT_TOKENS, *COLUMN_NAMES)),
    b"y" * 140_000,  # longer than the csv module's field limit
    b'"' + b"q" * 2000, b'a"b', b'"a,b"', b'"a\nb"', b"\xff", b"\xc3", b"\xed\xa0\x80",
    b"\xef\xbb\xbf", b"\xff\xfe",
)
TOML_VALUES = tuple(t.encode() for t in (
    "0", "1", "-1", "2", "99", HUGE_DIGITS, "-" + HUGE_DIGITS, "99999999999999999999",
    "-9223372036854775809", "nan", "+nan", "-nan", "inf", "+inf", "-inf", "1e400", "1.5", "-0.0",
    "0x7f", "0o7", "0b1", "1_0", "true", "false", '""', '" "', '" x"', '"a;b"', '"*"', '"climate"',
    '"youth"', '"gender"', '"female"', '"\\u0000"', '"\\u00e9"', "'lit;*'", '"""two\nlines"""',
    "[]", '["student"]', "[1, 2]", '[["a"]]', '["a", 1]', "{}", "{ min = 1 }",
    '{ id = "x" }', "1979-05-27T07:32:00Z", "1979-05-27", "07:32:00",
    "[" * 3000 + "]" * 3000, "{a=" * 3000 + "1" + "}" * 3000,
    '"' + "x" * 100_000 + '"', '"unterminated', "= =",
))
TOML_LINES = tuple(t.encode() for t in (
    "[council]", "[[quota]]", "[[committee]]", "[[committee.profile]]", "[[committee.quota]]",
    "[committee]", "[quota]", "[[council]]", "[committee.council]", "[[committee.profile.x]]",
    "cancelled = true", "cancelled = 1", 'id = "climate"', 'id = "new"', 'id = ""', "id = 3",
    "min = 5", "max = 0", "max = -1", "any_of = []", 'any_of = "student"', "citizen_seats = -1",
    "politician_seats = 1e3", "max_per_party = 0", "min_parties = 99", 'attribute = "gender"',
    'attribute = "id"', 'value = ""', "quota = 1", "committee = []", "council = []",
    "profile = {}", "mn = 2", 'name = "young"', "# comment", "",
))


def _text_tokens(alphabet: str | None = None) -> st.SearchStrategy[bytes]:
    chars = st.characters(codec="utf-8") if alphabet is None else st.sampled_from(alphabet)
    return st.text(chars, max_size=8).map(lambda s: s.encode("utf-8"))


def tokens(file: str) -> st.SearchStrategy[bytes]:
    """Bytes to put into a file: listed tokens first, then random text and random bytes."""
    listed = (CSV_TOKENS if file.endswith(".csv")
              else TOML_VALUES + TOML_LINES + tuple(k.encode() for k in KEY_NAMES) + CSV_TOKENS)
    return st.one_of(st.sampled_from(listed), _text_tokens(), st.binary(max_size=4))


# -- mutations ----------------------------------------------------------------------------------
OPS = (
    "set_number", "set_header", "cell_append", "column_append", "set_cell", "set_value",
    "set_key", "insert", "insert_line", "dup_line", "drop_line", "swap_lines", "swap_cells",
    "insert_cell", "delete_cell", "flip", "delete", "truncate", "line_ends", "bom",
    "header_only", "empty",
)
BOMS = (b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00")
LINE_ENDS = (b"\r\n", b"\r", b"\n\n", b"\r\r\n", b"\n\r")


def squeezed(text: str) -> str:
    """Text with each run of more than 20 of one character shown as ``<c * n>``."""
    return re.sub(r"(.)\1{20,}", lambda m: f"<{m.group(1)!r} * {len(m.group(0))}>", text,
                  flags=re.DOTALL)


def _short(data: bytes) -> str:
    if len(data) > 8 and len(set(data)) == 1:
        return f"{data[:1]!r} * {len(data)}"
    if len(data) > 60:
        return f"{data[:24]!r} + ... ({len(data)} bytes) + {data[-12:]!r}"
    return repr(data)


@dataclass(frozen=True)
class Mutation:
    """One edit of one file. ``i``, ``j`` and ``k`` pick places (taken modulo the size)."""

    op: str
    file: str
    i: int = 0
    j: int = 0
    k: int = 0
    token: bytes = b""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return (f"Mutation({self.op!r}, {self.file!r}, i={self.i}, j={self.j}, k={self.k}, "
                f"token={_short(self.token)})")

    def apply(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        at = self.i % len(lines)
        line = lines[at]
        op = self.op
        if op == "flip":
            if not data:
                return data
            p = self.i % len(data)
            return data[:p] + bytes([data[p] ^ (self.j % 255 + 1)]) + data[p + 1:]
        if op == "set_number":
            numbers = list(_NUMBER.finditer(data))
            if not numbers:
                return data
            found = numbers[self.i % len(numbers)]
            return data[:found.start()] + self.token + data[found.end():]
        if op == "insert":
            p = self.i % (len(data) + 1)
            return data[:p] + self.token + data[p:]
        if op == "delete":
            p = self.i % (len(data) + 1)
            return data[:p] + data[p + 1 + self.j % 64:]
        if op == "truncate":
            return data[: self.i % (len(data) + 1)]
        if op == "empty":
            return b""
        if op == "header_only":
            return lines[0] + b"\n"
        if op == "bom":
            return BOMS[self.j % len(BOMS)] + data
        if op == "line_ends":
            return data.replace(b"\n", LINE_ENDS[self.j % len(LINE_ENDS)])
        if op == "dup_line":
            lines.insert(at, line)
        elif op == "drop_line":
            del lines[at]
        elif op == "swap_lines":
            other = self.j % len(lines)
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "insert_line":
            lines.insert(self.i % (len(lines) + 1), self.token)
        elif op == "set_value":  # TOML: the value after '='; CSV: the line
            key, eq, _ = line.partition(b"=")
            lines[at] = key + eq + b" " + self.token if eq else self.token
        elif op == "set_key":  # TOML: the key before '='; CSV: a header cell
            key, eq, value = line.partition(b"=")
            if eq:
                lines[at] = self.token + b" =" + value
            else:
                cells = lines[0].split(b",")
                cells[self.j % len(cells)] = self.token
                lines[0] = b",".join(cells)
        elif op == "set_header":
            cells = lines[0].split(b",")
            cells[self.j % len(cells)] = self.token
            lines[0] = b",".join(cells)
        elif op == "column_append":  # the token at the end of one column's cell on every row
            for n, row in enumerate(lines[1:], start=1):
                cells = row.split(b",")
                if self.j < len(cells):
                    cells[self.j] += self.token
                lines[n] = b",".join(cells)
        else:
            cells = line.split(b",")
            c = self.j % len(cells)
            if op == "cell_append":
                cells[c] += self.token
            elif op == "set_cell":
                cells[c] = self.token
            elif op == "swap_cells":
                d = self.k % len(cells)
                cells[c], cells[d] = cells[d], cells[c]
            elif op == "insert_cell":
                cells.insert(self.j % (len(cells) + 1), self.token)
            elif op == "delete_cell":
                del cells[c]
            else:  # pragma: no cover - every op is handled
                raise AssertionError(op)
            lines[at] = b",".join(cells)
        return b"\n".join(lines)


_PLACE = st.integers(0, 1 << 20)
# A whole number that is a whole CSV cell or TOML value.
_NUMBER = re.compile(rb"(?<![^,=\s\[])-?[0-9]+(?![^,\s\]])")
NUMBERS = tuple(t.encode() for t in (
    HUGE_DIGITS, "-" + HUGE_DIGITS, "99999999999999999999", "-1", "-0", "0", "00", "+1", "1.0",
    "1e3", "1_000", "0x10", "NaN", "inf", "-inf", "\uff11", "٣", "", " 1", "1 ",
))


# Characters that a cell may not hold, or that mean something to CSV, lists or ids.
SPECIALS = tuple(t.encode() for t in (
    "\x01", "\x00", "\x1b", "\x7f", "\t", "\r", "\n", " ", '"', ";", "*", ",", "\x1f", "\x85",
    "\u2028", "\ufeff", "\u00a0", "é", ";*", "*;", "=",
))


@st.composite
def mutation(draw: st.DrawFn, files: Sequence[str]) -> Mutation:
    file = draw(st.sampled_from(files))
    op = draw(st.sampled_from(OPS))
    if op == "set_number":
        token = draw(st.sampled_from(NUMBERS))
    elif op == "set_header":
        token = draw(st.sampled_from(tuple(c.encode() for c in COLUMN_NAMES)) | tokens(file))
    elif op in ("cell_append", "column_append"):
        token = draw(st.sampled_from(SPECIALS) | tokens(file))
    else:
        token = draw(tokens(file))
    # Column-wide edits take a column (a small number); other places are taken modulo sizes.
    j = draw(st.integers(0, 8) if op == "column_append" else _PLACE)
    return Mutation(op, file, draw(_PLACE), j, draw(_PLACE), token)


def mutations(files: Sequence[str], max_size: int = 4) -> st.SearchStrategy[list[Mutation]]:
    return st.lists(mutation(files), min_size=1, max_size=max_size)


def mutated(files: Mapping[str, bytes], edits: Sequence[Mutation]) -> dict[str, bytes]:
    """The files after the edits, in order."""
    out = dict(files)
    for edit in edits:
        out[edit.file] = edit.apply(out[edit.file])
    return out


def random_contents() -> st.SearchStrategy[bytes]:
    """Random bytes, random UTF-8 text, and random text over the characters that matter to CSV
    and TOML."""
    structural = ',;*"\'\n\r\t =[]{}#.-_0123456789aceidnmx\ufeff'
    return st.one_of(
        st.binary(max_size=400),
        st.text(max_size=200).map(lambda s: s.encode("utf-8")),
        st.text(st.sampled_from(structural), max_size=300).map(lambda s: s.encode("utf-8")),
    )


PREFIXES = ("none", "first_line", "whole_file")


def prefixed(seed: bytes, prefix: str, data: bytes) -> bytes:
    """Random ``data`` alone, after the seed file's first line (a CSV header), or after the
    whole seed file, so that random bytes also reach the rows past a valid header."""
    if prefix == "first_line":
        return seed.split(b"\n")[0] + b"\n" + data
    if prefix == "whole_file":
        return seed + data
    return data


# -- random TOML --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Raw:
    """A TOML value written as is (numbers and forms that Python values do not round-trip)."""

    text: str

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return f"Raw({_short(self.text.encode())})"


RAW_VALUES = tuple(Raw(t) for t in (
    HUGE_DIGITS, "-" + HUGE_DIGITS, "nan", "-nan", "+inf", "1e400", "0x7fffffffffffffffffffffff",
    "0o777", "0b101", "1_000", "1979-05-27T07:32:00Z", "1979-05-27", "07:32:00",
    "'literal;*'", '"""two\nlines"""', "[" * 3000 + "]" * 3000, "{a = {b = {c = 1}}}",
))
IDS = ("climate", "youth", "culture", "new", "", " climate", "a;b", "*", "Climate", "é")
ATTRIBUTES = ("gender", "district", "age", "id", "tags", "", "gender ")
VALUES = ("female", "male", "north", "south", "", " female", "x, y")
TAGS = ("student", "pupil", "planner", "", "a;b", "*")


def _scalars(raw: bool) -> st.SearchStrategy[Any]:
    options = [
        st.integers(-3, 12), st.integers(), st.booleans(), st.sampled_from(IDS), st.text(),
        st.floats(), st.datetimes(), st.dates(), st.times(),
    ]
    if raw:
        options.append(st.sampled_from(RAW_VALUES))
    return st.one_of(options)


def _any_values(raw: bool) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(KEY_NAMES) | st.text(max_size=4)
    return st.recursive(_scalars(raw), lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(keys, inner, max_size=3), max_leaves=8)


@st.composite
def _mostly(draw: st.DrawFn, usual: st.SearchStrategy[Any],
            rare: st.SearchStrategy[Any]) -> Any:
    """From ``usual`` seven times in eight, else from ``rare``."""
    return draw(rare if draw(st.integers(0, 7)) == 7 else usual)


@st.composite
def _table(draw: st.DrawFn, typed: Mapping[str, st.SearchStrategy[Any]], raw: bool,
           required: Collection[str] = ()) -> dict[str, Any]:
    """A table with real keys (the ``required`` ones seven times in eight, the others one
    time in two), each mostly of its own type (one in eight of any type), and one time in
    eight with other keys too."""
    anything = _any_values(raw)
    table = {}
    if draw(st.integers(0, 7)) == 7:
        table = draw(st.dictionaries(st.sampled_from(KEY_NAMES) | st.text(max_size=4),
                                     anything, max_size=2))
    for key, value in typed.items():
        present = draw(st.integers(0, 7)) != 7 if key in required else draw(st.booleans())
        if present:
            table[key] = draw(_mostly(value, anything))
    return table


def toml_documents(raw: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Random contents of ``mandates.toml`` as Python values, for :func:`to_toml`.

    Mostly of the right shape, with the ids, attributes and tags of the seed scenarios, so
    that some documents read; with ``raw``, some values are :class:`Raw` TOML text that has no
    Python value to write.
    """
    count = _mostly(st.integers(0, 4), st.integers(-2, 1 << 70))
    limits = {"min": count, "max": count}
    quota = _table({"attribute": _mostly(st.sampled_from(ATTRIBUTES[:2]),
                                         st.sampled_from(ATTRIBUTES)),
                    "value": _mostly(st.sampled_from(VALUES[:4]), st.sampled_from(VALUES)),
                    **limits}, raw, required=("attribute", "value"))
    profile = _table({
        "name": _mostly(st.sampled_from(("young", "old")), st.sampled_from(("", "a;b", " x"))),
        "any_of": st.lists(_mostly(st.sampled_from(TAGS[:3]), st.sampled_from(TAGS)),
                           max_size=3),
        **limits}, raw, required=("name", "any_of"))
    committee = _table({
        "id": _mostly(st.sampled_from(IDS[:4]), st.sampled_from(IDS)),
        "title": st.text(max_size=10), "citizen_seats": count, "politician_seats": count,
        "cancelled": st.booleans(), "profile": st.lists(profile, max_size=2),
        "quota": st.lists(quota, max_size=2),
    }, raw, required=("id",))
    council = _table({"max_per_party": count, "min_parties": count}, raw)
    return _table({"council": council, "quota": st.lists(quota, max_size=2),
                   "committee": _mostly(st.lists(committee, min_size=1, max_size=4),
                                        st.lists(committee, max_size=4))},
                  raw, required=("committee",))


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_text(key)


def _toml_text(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _inline(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_inline(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))  # pragma: no cover - the strategies make no other values


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def to_toml(document: Mapping[str, Any], headers: bool) -> str:
    """TOML text of a document: all inline, or with ``[table]`` and ``[[array]]`` headers for
    top-level tables and arrays of tables (and arrays of tables in those)."""
    if not headers:
        return "".join(f"{_toml_key(k)} = {_inline(v)}\n" for k, v in document.items())
    lines = [f"{_toml_key(k)} = {_inline(v)}" for k, v in document.items()
             if not isinstance(v, dict) and not _is_tables(v)]
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"[{_toml_key(key)}]")
            lines += [f"{_toml_key(k)} = {_inline(v)}" for k, v in value.items()]
        elif _is_tables(value):
            for item in value:
                lines.append(f"[[{_toml_key(key)}]]")
                lines += [f"{_toml_key(k)} = {_inline(v)}" for k, v in item.items()
                          if not _is_tables(v)]
                for sub, items in item.items():
                    if _is_tables(items):
                        for entry in items:
                            lines.append(f"  [[{_toml_key(key)}.{_toml_key(sub)}]]")
                            lines += [f"  {_toml_key(k)} = {_inline(v)}"
                                      for k, v in entry.items()]
    return "\n".join(lines) + "\n"
