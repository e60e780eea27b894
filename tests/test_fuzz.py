"""Fuzz tests of the file readers: whatever the bytes, a reader returns or raises InputError.

The readers are :func:`~cocreate_match.load_scenario` (``mandates.toml``, ``citizens.csv``,
``politicians.csv``), :func:`~cocreate_match.load_sortition` (``categories.csv``,
``respondents.csv``) and :func:`~cocreate_match.read_plan` (``plan.csv``). Each is fed

- random bytes and random text, alone or after a valid file's header or whole text,
- valid files (the seeds of ``fuzz_corpus.py``: a small hand-written scenario, the demo
  written by ``save_scenario``, their ``plan.csv`` written by ``Plan.to_csv``, two sortition
  pools) after a few random edits: bytes flipped, inserted or deleted; lines duplicated,
  dropped or swapped; cells, column names, numbers, TOML keys and values replaced or
  appended to, with quotes, separators, control characters, byte order marks, very long
  cells, huge, negative and non-numbers, unicode; truncated, empty and header-only files;
  CRLF and CR line ends,
- and, for ``mandates.toml``, random TOML documents made of the real key names (``id``,
  ``citizen_seats``, ``profile``, ``quota``, ``min``, ``any_of``, ``cancelled``, ...) with
  values mostly of the right type and sometimes of any other, nested or not.

The only outcomes allowed are a result, or an :class:`~cocreate_match.InputError` whose every
problem has a message and names the file it is about. Any other exception fails the test,
with the input that caused it (shrunk). When a scenario reads, :func:`~cocreate_match.precheck`
and :func:`~cocreate_match.check_plan` (with the seed's plan, or the plan read against the
seed's scenario) must not raise either, and a few mutated scenarios that read are solved
(``solve(..., time_limit=2)``), which may return any status but raise nothing other than
InputError. ``test_found_by_fuzzing`` keeps the smallest form of each failure found so far.

How many examples: each reader test runs ``FUZZ_SCALE`` times the ``max_examples`` of the
Hypothesis profile chosen in ``conftest.py`` (``HYPOTHESIS_PROFILE``; the derandomized
``default`` profile gives 400 examples a test, the same inputs on every run), and the solving
test runs ``SOLVE_EXAMPLES``. For a longer hunt, set ``COCREATE_FUZZ_EXAMPLES`` to the number
of examples per reader test; the inputs are then freshly randomized on every run, and the
solving test runs one example in 50 of that number (at least ``SOLVE_EXAMPLES``)::

    COCREATE_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py --hypothesis-show-statistics

The statistics give, per test, the examples run and how many inputs were read and how many
refused with an InputError.
"""

from __future__ import annotations

import math
import os
import tempfile
import tomllib
import traceback
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, assume, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from cocreate_match import (
    InputError,
    Plan,
    Scenario,
    check_plan,
    load_scenario,
    load_sortition,
    precheck,
    read_plan,
    solve,
)
from fuzz_corpus import (
    CATEGORIES,
    CITIZENS,
    MANDATES,
    PEOPLE_SEEDS,
    PLAN,
    POLITICIANS,
    PREFIXES,
    RESPONDENTS,
    SCENARIO_FILES,
    SORTITION_FILES,
    SORTITION_SEEDS,
    Mutation,
    mutated,
    mutations,
    plan_seeds,
    prefixed,
    random_contents,
    scenario_seeds,
    seed_plan,
    seed_scenario,
    squeezed,
    to_toml,
    toml_documents,
    write_files,
)

T = TypeVar("T")

# -- how many examples --------------------------------------------------------------------------
FUZZ_SCALE = 10  # reader tests run this many times the profile's max_examples
SOLVE_EXAMPLES = 5
_HUNT = os.environ.get("COCREATE_FUZZ_EXAMPLES", "").strip()
if _HUNT and not (_HUNT.isdigit() and int(_HUNT) > 0):
    raise ValueError(f"COCREATE_FUZZ_EXAMPLES must be a whole number above 0, not {_HUNT!r}")


# No explain phase: it re-runs a failing example many times to no use here (each failure
# already names the exception and its place in the library).
PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)


def fuzz_settings(examples: int | None = None, **kwargs: Any) -> settings:
    """The profile's settings with the number of examples of a fuzz test."""
    kwargs.setdefault("phases", PHASES)
    if _HUNT:
        count = int(_HUNT) if examples is None else max(examples, int(_HUNT) // 50)
        return settings(max_examples=count, derandomize=False, **kwargs)
    count = settings().max_examples * FUZZ_SCALE if examples is None else examples
    return settings(max_examples=count, **kwargs)


# -- the outcome --------------------------------------------------------------------------------
def count(outcome: str) -> None:
    """An outcome for the statistics (``--hypothesis-show-statistics``)."""
    if currently_in_test_context():
        event(outcome)


class UnexpectedError(AssertionError):
    """A call raised an exception it must not raise; one subclass per exception type and
    place in the library, so that Hypothesis tells the bugs apart."""


class BadProblem(AssertionError):
    """An InputError has a problem without a message, or that names no file of the input."""


_UNEXPECTED: dict[tuple[str, str], type[UnexpectedError]] = {}


def _library_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    return [frame for frame in traceback.extract_tb(exc.__traceback__)
            if f"{os.sep}cocreate_match{os.sep}" in frame.filename]


def unexpected(what: str, exc: Exception) -> UnexpectedError:
    """The failure to raise for ``exc``, with the library's part of its traceback.

    It is raised outside the ``except`` block, so that Hypothesis sees no context: the
    innermost frame of a RecursionError differs from run to run, which it would call flaky.
    """
    frames = _library_frames(exc)
    where = (f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames
             else "outside the library")
    kind = _UNEXPECTED.setdefault(
        (type(exc).__name__, where),
        type(f"Unexpected{type(exc).__name__}", (UnexpectedError,), {}))
    last = traceback.extract_tb(exc.__traceback__)[-3:]
    shown = "".join(traceback.format_list([*frames, *(f for f in last if f not in frames)]))
    return kind(f"{what} raised {type(exc).__name__} at {where}: {squeezed(str(exc))[:500]}\n"
                f"Traceback (the library's frames and the last three):\n{shown}")


def read_or_refuse(what: str, call: Callable[[], T], files: Collection[str] | None) -> T | None:
    """The result of ``call``, or None when it raised an InputError that is well formed.

    Fails on any other exception, and on a problem with no message or that does not name one
    of ``files`` (any file or none, when ``files`` is None).
    """
    failure: Exception | None = None
    refusal: InputError | None = None
    try:
        result = call()
    except InputError as err:
        refusal = err
    except Exception as exc:
        failure = exc
    if failure is not None:
        raise unexpected(what, failure)
    if refusal is not None:
        count(f"{what}: InputError")
        bad = [p for p in refusal.problems
               if not (isinstance(p.message, str) and p.message.strip())
               or (files is not None and p.file not in files)]
        if bad:
            raise BadProblem(f"{what}: problems without a message or without one of the files "
                             f"{sorted(files or ())}: {bad}")
        assert str(refusal)
        return None
    count(f"{what}: read")
    return result


def must_not_raise(what: str, call: Callable[[], T]) -> T:
    failure: Exception | None = None
    try:
        return call()
    except Exception as exc:
        failure = exc
    raise unexpected(what, failure)


def load_files(files: Mapping[str, bytes | None]) -> Scenario | None:
    with tempfile.TemporaryDirectory() as d:
        write_files(Path(d), files)
        return read_or_refuse("load_scenario", lambda: load_scenario(d), SCENARIO_FILES)


def load_pool(files: Mapping[str, bytes | None], seats: int) -> Scenario | None:
    with tempfile.TemporaryDirectory() as d:
        write_files(Path(d), files)
        return read_or_refuse("load_sortition", lambda: load_sortition(d, seats),
                              SORTITION_FILES)


def read_plan_bytes(data: bytes) -> Plan | None:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, PLAN)
        Path(path).write_bytes(data)
        return read_or_refuse("read_plan", lambda: read_plan(path), {path})


def check_scenario(scenario: Scenario, plan: Plan) -> None:
    """What may be asked of a scenario that was read must not raise."""
    must_not_raise("precheck", lambda: precheck(scenario))
    must_not_raise("check_plan", lambda: check_plan(scenario, plan))


# -- load_scenario ------------------------------------------------------------------------------
RANDOM_FILE = st.tuples(st.sampled_from(PREFIXES), random_contents())


@fuzz_settings()
@given(seed=st.sampled_from(("small", "demo")),
       replaced=st.dictionaries(st.sampled_from(SCENARIO_FILES), RANDOM_FILE, min_size=1))
def test_scenario_random_bytes(seed: str, replaced: dict[str, tuple[str, bytes]]) -> None:
    """Some of the three files replaced by random bytes or text (alone, or after the valid
    file's first line or whole text), the others valid."""
    files = dict(scenario_seeds()[seed])
    files.update((name, prefixed(files[name], *random)) for name, random in replaced.items())
    if (scenario := load_files(files)) is not None:
        check_scenario(scenario, seed_plan(seed))


@fuzz_settings()
@given(seed=st.sampled_from(("small", "demo")), edits=mutations(SCENARIO_FILES))
def test_scenario_mutated(seed: str, edits: list[Mutation]) -> None:
    """A valid scenario after a few edits of its files."""
    if (scenario := load_files(mutated(scenario_seeds()[seed], edits))) is not None:
        check_scenario(scenario, seed_plan(seed))


@fuzz_settings()
@given(document=toml_documents(), headers=st.booleans(),
       people=st.sampled_from(tuple(PEOPLE_SEEDS)))
def test_scenario_random_toml(document: dict[str, Any], headers: bool, people: str) -> None:
    """A random ``mandates.toml``, with people open to any committee or the small scenario's."""
    text = to_toml(document, headers)
    note(f"mandates.toml:\n{squeezed(text)}")
    files = {**PEOPLE_SEEDS[people], MANDATES: text.encode("utf-8")}
    if (scenario := load_files(files)) is not None:
        check_scenario(scenario, seed_plan("small"))


@fuzz_settings(examples=SOLVE_EXAMPLES,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(seed=st.sampled_from(("small", "demo")),
       edits=mutations((MANDATES, CITIZENS, POLITICIANS), max_size=2))
def test_solve_mutated_scenario(seed: str, edits: list[Mutation]) -> None:
    """Solving a mutated scenario that reads returns a result (of any status)."""
    scenario = load_files(mutated(scenario_seeds()[seed], edits))
    assume(scenario is not None)
    assert scenario is not None
    result = read_or_refuse("solve", lambda: solve(scenario, time_limit=2), None)
    count(f"solve: {result.status.name if result is not None else 'InputError'}")
    if result is not None and (plan := result.plan) is not None:
        must_not_raise("check_plan", lambda: check_plan(scenario, plan))


# -- load_sortition -----------------------------------------------------------------------------
@fuzz_settings()
@given(seed=st.sampled_from(tuple(SORTITION_SEEDS)),
       replaced=st.dictionaries(st.sampled_from(SORTITION_FILES), RANDOM_FILE, min_size=1),
       seats=st.integers(0, 6))
def test_sortition_random_bytes(seed: str, replaced: dict[str, tuple[str, bytes]],
                                seats: int) -> None:
    files = dict(SORTITION_SEEDS[seed])
    files.update((name, prefixed(files[name], *random)) for name, random in replaced.items())
    if (scenario := load_pool(files, seats)) is not None:
        must_not_raise("precheck", lambda: precheck(scenario))


@fuzz_settings()
@given(seed=st.sampled_from(tuple(SORTITION_SEEDS)), edits=mutations(SORTITION_FILES),
       seats=st.integers(0, 6))
def test_sortition_mutated(seed: str, edits: list[Mutation], seats: int) -> None:
    if (scenario := load_pool(mutated(SORTITION_SEEDS[seed], edits), seats)) is not None:
        must_not_raise("precheck", lambda: precheck(scenario))


# -- read_plan ----------------------------------------------------------------------------------
@fuzz_settings()
@given(seed=st.sampled_from(("small", "demo")), random=RANDOM_FILE)
def test_plan_random_bytes(seed: str, random: tuple[str, bytes]) -> None:
    if (plan := read_plan_bytes(prefixed(plan_seeds()[seed], *random))) is not None:
        must_not_raise("check_plan", lambda: check_plan(seed_scenario(seed), plan))


@fuzz_settings()
@given(seed=st.sampled_from(("small", "demo")), edits=mutations((PLAN,)))
def test_plan_mutated(seed: str, edits: list[Mutation]) -> None:
    """A plan.csv written by Plan.to_csv after a few edits, checked against its scenario."""
    if (plan := read_plan_bytes(mutated({PLAN: plan_seeds()[seed]}, edits)[PLAN])) is not None:
        must_not_raise("check_plan", lambda: check_plan(seed_scenario(seed), plan))


# -- inputs the fuzz tests found ----------------------------------------------------------------
# Each the smallest form of a failure the fuzz tests found, read the same way; they fail until
# the reader refuses the input with a well-formed InputError.
FOUND: dict[str, tuple[str, dict[str, bytes]]] = {
    "mandates.toml: a whole number of more than 4300 digits": (
        "scenario", {MANDATES: b'[[committee]]\nid = "climate"\ncitizen_seats = '
                               + b"9" * 5000 + b"\n"}),
    "mandates.toml: arrays nested 1000 deep": (
        "scenario", {MANDATES: b"x = " + b"[" * 1000 + b"]" * 1000 + b"\n"}),
    "mandates.toml: every committee cancelled": (
        "scenario", {MANDATES: b'[[committee]]\nid = "climate"\ncancelled = true\n'}),
    "categories.csv: a min or max of more than 4300 digits": (
        "sortition", {CATEGORIES: b"category,feature,min,max\ngender,female,0," + b"9" * 5000
                                  + b"\n", RESPONDENTS: b"gender\nfemale\n"}),
    "respondents.csv: a column named tags, household or applied_to": (
        "sortition", {CATEGORIES: b"category,feature,min,max\ngender,female,0,1\n",
                      RESPONDENTS: b"gender,tags\nfemale,x\n"}),
    "plan.csv: a reserve_rank of more than 4300 digits": (
        "plan", {PLAN: b"committee_id,person_id,role,reserve_rank\nclimate,c1,reserve,"
                       + b"9" * 5000 + b"\n"}),
    "plan.csv: a control character in withdrawn": (
        "plan", {PLAN: b"committee_id,person_id,role,withdrawn\n,c1,withdrawn,2026\x01\n"}),
}


@pytest.mark.parametrize("name", list(FOUND))
def test_found_by_fuzzing(name: str) -> None:
    reader, files = FOUND[name]
    if reader == "scenario":
        load_files({**PEOPLE_SEEDS["open"], **files})
    elif reader == "sortition":
        load_pool(files, 1)
    else:
        read_plan_bytes(files[PLAN])


# -- the generators themselves ------------------------------------------------------------------
def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(document=toml_documents(raw=False), headers=st.booleans())
def test_random_toml_is_the_document(document: dict[str, Any], headers: bool) -> None:
    """The random TOML is valid TOML holding the drawn document, so that the fuzz test of
    ``mandates.toml`` gets past the TOML parser."""
    assert _same(tomllib.loads(to_toml(document, headers)), document)


def test_seeds_are_valid() -> None:
    """Every seed reads without a problem, so that mutations start from valid files."""
    for name, files in scenario_seeds().items():
        scenario = load_files(files)
        assert scenario is not None, name
        assert check_plan(scenario, seed_plan(name)) == ()
        assert read_plan_bytes(plan_seeds()[name]) == seed_plan(name)
    for files in SORTITION_SEEDS.values():
        assert load_pool(files, 2) is not None
