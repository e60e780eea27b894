"""Benchmark sweeps: run the library over a grid of synthetic scenarios or sortition pools.

:func:`bench` runs every point of a grid, each in a fresh process (or on a worker of an
existing engine such as Dask), and writes one tidy table: a row per point with its parameters,
what the method found, its timings, its peak memory and the versions it ran with.

The grid
--------
A TOML file (or the same as a mapping). Every key that takes a list also takes one value;
the points are all combinations of the lists, in the order of the table below, the last
varying fastest: for generated scenarios size, citizen_seats, politician_seats, seed, choices,
any_share, households, tightness, method, quality_floor, run; for pools pool, seats, seed,
method, quality_floor, run. Generated points come before pool points.

Top level:

================  ===========================================================  ===========
key               meaning                                                      default
================  ===========================================================  ===========
``name``          the grid's name, written to ``machine.json``                 file stem
``method``        ``solve``, ``mip``, ``leximin``, ``maximin``, ``legacy``,    ``solve``
                  ``explain`` (below)
``seed``          seeds: of the generator, and of the solve or lottery          ``0``
``repeat``        runs of each point (column ``run``: 0, 1, ...)               ``1``
``time_limit``    seconds for each call; none when left out                    none
``quality_floor`` lottery quality floors in [0, 1], or ``"none"``              ``"none"``
``samples``       plans of the ``legacy`` baseline                             ``50``
================  ===========================================================  ===========

``[generated]``: scenarios of :func:`~cocreate_match.generate_scenario`.

====================  =======================================================  ===========
key                   meaning                                                  default
====================  =======================================================  ===========
``size``              ``"CxN"`` (committees x citizens) or ``"CxNxP"`` (and    required
                      politicians), or ``[C, N]`` / ``[C, N, P]``; without P,
                      ``max(19, politician_seats, ceil(C * politician_seats *
                      1.3 / 3))``
``citizen_seats``     citizen seats per committee                              ``10``
``politician_seats``  politician seats per committee                           ``5``
``choices``           committees each citizen lists                            ``3``
``any_share``         share of citizens open to any committee (``*``)          ``0.1``
``households``        share of citizens in two-person households               ``0.02``
``tightness``         quota tightness in [0, 1]: 0 keeps the generated rules;  ``0``
                      t moves every quota's and competence profile's limits
                      the share t of the way to the count in the plan the
                      generator planted (rounded), so 1 pins them to it;
                      every point stays feasible
``tight``             ``generate_scenario(tight=True)``: rare profiles,        ``false``
                      overlapping quotas, budgets without slack, households
                      (hard instances, still feasible)
====================  =======================================================  ===========

``[[pool]]`` (one table per pool): a single-panel sortition pool
(:func:`~cocreate_match.load_sortition`): ``path`` (a folder holding ``categories.csv`` and
``respondents.csv``, relative to the grid file's folder; required), ``seats`` (panel seats,
one number or a list; required) and ``name`` (default: the folder's name). A pool is known by
its name in the table; on a cluster the folder must be readable by every worker.

Methods
-------
``solve``
    :func:`~cocreate_match.solve`. *build s* and *solve s* are its ``build_time`` and
    ``solve_time``.
``mip``
    The plain HiGHS MIP baseline of :mod:`cocreate_match.solver.baseline`, written from the
    scenario's fields and sharing no code with the library's model: the yardstick for
    ``solve``.
``leximin``, ``maximin``
    :func:`~cocreate_match.lottery` with that method and the point's quality floor.
``legacy``
    The random-priority baseline of ``samples`` plans: the yardstick for the lotteries.
``explain``
    :func:`~cocreate_match.solve` with its explanation, on the generated scenario with a
    conflict planted: the first committee's quotas become "at most half the seats male" and
    "at most half the seats, less 2, female", which together leave a seat empty. The status is
    ``infeasible`` and ``explained_rules`` counts the rules of the explanation (generated
    scenarios only).

The table
---------
One row per point, in grid order: the parameters (``point``: an id hashed from the others,
then ``source`` (``generated`` or ``pool``), ``pool``, ``committees``, ``citizens``,
``politicians``, ``citizen_seats``, ``politician_seats``, ``seed``, ``choices``,
``any_share``, ``households``, ``tightness``, ``method``, ``quality_floor``, ``samples``,
``time_limit``, ``run``), what was found (``status``; ``objective`` of ``solve``, ``mip`` and
``explain``; ``min_probability``, ``levels`` (proven levels), ``groups`` and ``panels`` of a
lottery (``groups`` also of ``solve``); ``plan_score`` and ``violations`` (of
:func:`~cocreate_match.plan_score` and :func:`~cocreate_match.check_plan`, checked after the
clock stopped); ``explained_rules``; ``message``: why there is no plan, or the error that
stopped the point), the measurements (``prepare_s``: generating or loading the scenario,
not counted in the total; ``build_s``, ``solve_s``, ``total_s``: the whole call; ``peak_mb``,
``rise_mb``, ``memory_method``) and ``library_version``, ``highspy_version``,
``scipy_version``, ``ortools_version``. Apart from :data:`MEASURED_COLUMNS` the rows are the
same on every run and every executor, as long as no time limit stops a point.

Memory: the process running a point resets its resident high-water mark
(``/proc/self/clear_refs``) just before the call and reads ``VmHWM`` after it, so
``peak_mb`` covers everything resident during the call, C allocations of HiGHS included, and
``rise_mb`` is the peak less what was resident just before. Where the reset is not possible
(not Linux), ``peak_mb`` is the whole process's ``ru_maxrss`` and ``memory_method`` says so.
A Dask worker should run one task at a time (``--nthreads 1``), or the points running
together share one high-water mark.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import itertools
import json
import logging
import math
import multiprocessing
import os
import platform
import resource
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem
from .messages import log_message
from .messages import text as _message

if TYPE_CHECKING:
    import pandas as pd

    from .scenario import Scenario

__all__ = ["COLUMNS", "MEASURED_COLUMNS", "METHODS", "Grid", "bench", "dask_executor",
           "load_grid", "run_point"]

_log = logging.getLogger(__name__)

#: The methods a grid may name.
METHODS = ("solve", "mip", "leximin", "maximin", "legacy", "explain")
_LOTTERIES = ("leximin", "maximin", "legacy")

# The table's columns and their pandas types; strings are never missing (empty instead).
_PARAMETERS = {
    "point": "str", "source": "str", "pool": "str", "committees": "Int64",
    "citizens": "Int64", "politicians": "Int64", "citizen_seats": "Int64",
    "politician_seats": "Int64", "seed": "Int64", "choices": "Int64", "any_share": "float64",
    "households": "float64", "tightness": "float64", "tight": "boolean",
    "method": "str",
    "quality_floor": "float64", "samples": "Int64", "time_limit": "float64", "run": "Int64",
}
_RESULTS = {
    "status": "str", "objective": "Int64", "min_probability": "float64", "levels": "Int64",
    "groups": "Int64", "panels": "Int64", "plan_score": "Int64", "violations": "Int64",
    "explained_rules": "Int64", "message": "str",
}
_MEASURES = {
    "prepare_s": "float64", "build_s": "float64", "solve_s": "float64", "total_s": "float64",
    "peak_mb": "float64", "rise_mb": "float64", "memory_method": "str",
}
_VERSIONS = {"library_version": "str", "highspy_version": "str", "scipy_version": "str",
             "ortools_version": "str"}
#: Every column of the table, in order, with its pandas type.
COLUMNS: Mapping[str, str] = {**_PARAMETERS, **_RESULTS, **_MEASURES, **_VERSIONS}
#: The columns that differ between runs of the same grid: timings and memory.
MEASURED_COLUMNS = tuple(_MEASURES)

RESULTS_FILE = "results.csv"
PARQUET_FILE = "results.parquet"
MACHINE_FILE = "machine.json"

_TOP = "top level"
_GENERATED = "[generated]"
_TOP_KEYS = ("name", "method", "seed", "repeat", "time_limit", "quality_floor", "samples",
             "generated", "pool")
_GENERATED_KEYS = ("size", "citizen_seats", "politician_seats", "choices", "any_share",
                   "households", "tightness", "tight")
_POOL_KEYS = ("name", "path", "seats")
_DEFAULTS: Mapping[str, Any] = {
    "method": ["solve"], "seed": [0], "repeat": 1, "quality_floor": ["none"], "samples": 50,
    "citizen_seats": [10], "politician_seats": [5], "choices": [3], "any_share": [0.1],
    "households": [0.02], "tightness": [0.0], "tight": [False],
}


# -- the grid ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Grid:
    """A validated grid: its points in order, each a mapping of parameter to value.

    Attributes
    ----------
    name : str
    file : str or None
        The TOML file it was read from.
    points : tuple of dict
        Per point, every parameter column of the table (``point`` is the id), and
        ``pool_path``: the pool's folder, or None.

    Examples
    --------
    >>> grid = load_grid({"name": "two", "seed": [0, 1], "generated": {"size": "2x30"}})
    >>> grid.name, [(p["seed"], p["method"]) for p in grid.points]
    ('two', [(0, 'solve'), (1, 'solve')])
    """

    name: str
    file: str | None
    points: tuple[dict[str, Any], ...]


class _Invalid(Exception):
    """A value's problem: its code and fields (the place is added by the reader)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _whole(least: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise _Invalid("CM-E603", least=least)
        return value
    return check


def _number(low: float, high: float) -> Callable[[object], float]:
    def check(value: object) -> float:
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not low <= value <= high):  # also refuses NaN
            raise _Invalid("CM-E604", low=low, high=high)
        return float(value)
    return check


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("CM-E628")
    return value


def _seconds(value: object) -> float:
    if (isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
            or math.isinf(value)):
        raise _Invalid("CM-E605")
    return float(value)


def _method(value: object) -> str:
    if value not in METHODS:
        raise _Invalid("CM-E606", choices=", ".join(METHODS))
    return str(value)


def _floor(value: object) -> float | None:
    if value == "none":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _Invalid("CM-E609")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("CM-E610")
    return value


def _size(value: object) -> tuple[int, int, int | None]:
    """Committees, citizens and politicians (None: the default) of a size."""
    parts: list[object]
    if isinstance(value, str):
        try:
            parts = [int(p) for p in value.lower().split("x")]
        except ValueError:
            raise _Invalid("CM-E607") from None
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        raise _Invalid("CM-E607")
    if (len(parts) not in (2, 3) or any(isinstance(p, bool) or not isinstance(p, int) or p < 1
                                        for p in parts)):
        raise _Invalid("CM-E607")
    whole = [int(p) for p in parts if isinstance(p, int)]
    return whole[0], whole[1], whole[2] if len(whole) == 3 else None


class _Reader:
    """Reads a grid's keys, collecting every problem instead of stopping at the first."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, code: str, section: str, key: str | None, *value: object,
            **params: Any) -> None:
        problem = Problem(code=code, params=params, file=self.file, section=section,
                          column=key)
        self.problems.append(replace(problem, value=value[0]) if value else problem)

    def keys(self, table: Mapping[str, Any], known: Sequence[str], section: str) -> None:
        for key in table:
            if key not in known:
                self.add("CM-E602", section, str(key), known=", ".join(known))

    def one(self, table: Mapping[str, Any], key: str, section: str,
            check: Callable[[object], Any], default: Any = None) -> Any:
        """The key's single value, checked; ``default`` when missing or bad."""
        if key not in table:
            return default
        try:
            return check(table[key])
        except _Invalid as bad:
            self.add(bad.code, section, key, table[key], **bad.params)
            return default

    def many(self, table: Mapping[str, Any], key: str, section: str,
             check: Callable[[object], Any]) -> list[Any]:
        """The key's values (one value is a list of one), checked, without repeats."""
        raw = table.get(key, _DEFAULTS.get(key))
        items = list(raw) if isinstance(raw, list | tuple) else [raw]
        if not items:
            self.add("CM-E611", section, key)
        found: list[Any] = []
        for item in items:
            try:
                value = check(item)
            except _Invalid as bad:
                self.add(bad.code, section, key, item, **bad.params)
                continue
            if value in found:  # the same point twice would have one id
                self.add("CM-E612", section, key, item)
            else:
                found.append(value)
        return found


@dataclass(frozen=True, slots=True)
class _Pool:
    name: str
    path: str
    people: int
    seats: tuple[int, ...]


def _politicians(committees: int, seats: int) -> int:
    """Enough politicians for the seats: the generator aims at 1.3 times the seats to fill,
    and a politician on about three committees keeps budgets realistic."""
    return max(19, seats, math.ceil(committees * seats * 1.3 / 3))


def _read_generated(reader: _Reader, table: object) -> dict[str, list[Any]] | None:
    if not isinstance(table, Mapping):
        reader.add("CM-E614", _TOP, "generated", type(table).__name__)
        return None
    section = _GENERATED
    reader.keys(table, _GENERATED_KEYS, section)
    if "size" not in table:
        reader.add("CM-E616", section, "size")
    values = {
        "size": reader.many(table, "size", section, _size) if "size" in table else [],
        "citizen_seats": reader.many(table, "citizen_seats", section, _whole(1)),
        "politician_seats": reader.many(table, "politician_seats", section, _whole(1)),
        "choices": reader.many(table, "choices", section, _whole(1)),
        "any_share": reader.many(table, "any_share", section, _number(0, 1)),
        "households": reader.many(table, "households", section, _number(0, 1)),
        "tightness": reader.many(table, "tightness", section, _number(0, 1)),
        "tight": reader.many(table, "tight", section, _flag),
    }
    # The generator's own rules on sizes, for every seat count the grid combines them with.
    for committees, citizens, politicians in values["size"]:
        shown = f"{committees}x{citizens}" + ("" if politicians is None else f"x{politicians}")
        for seats in values["citizen_seats"]:
            if citizens < committees * seats:
                reader.add("CM-E608", section, "size", shown, need=committees * seats,
                           committees=committees, seats=seats)
        for seats in values["politician_seats"]:
            if politicians is not None and politicians < seats:
                reader.add("CM-E620", section, "size", shown, need=seats, seats=seats)
    return values


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return max(sum(1 for line in handle if line.strip()) - 1, 0)


def _read_pools(reader: _Reader, tables: object, base: Path) -> list[_Pool]:
    if not isinstance(tables, list | tuple) or not all(isinstance(t, Mapping) for t in tables):
        reader.add("CM-E615", _TOP, "pool", type(tables).__name__)
        return []
    pools: list[_Pool] = []
    for number, table in enumerate(tables, start=1):
        section = f"[[pool]] #{number}"
        reader.keys(table, _POOL_KEYS, section)
        for key in ("path", "seats"):
            if key not in table:
                reader.add("CM-E616", section, key)
        text = reader.one(table, "path", section, _text)
        seats = reader.many(table, "seats", section, _whole(1)) if "seats" in table else []
        if text is None:
            continue
        folder = (base / text).resolve()
        files = [folder / "categories.csv", folder / "respondents.csv"]
        if not all(f.is_file() for f in files):
            reader.add("CM-E617", section, "path", text)
            continue
        name = reader.one(table, "name", section, _text, default=folder.name)
        if any(p.name == name for p in pools):
            reader.add("CM-E612", section, "name", name)
            continue
        people = _count_rows(files[1])
        for k in seats:
            if k > people:
                reader.add("CM-E621", section, "seats", k, people=people)
        pools.append(_Pool(name=name, path=str(folder), people=people, seats=tuple(seats)))
    return pools


def _read_top(reader: _Reader, table: Mapping[str, Any]) -> dict[str, Any]:
    reader.keys(table, _TOP_KEYS, _TOP)
    top = {
        "method": reader.many(table, "method", _TOP, _method),
        "seed": reader.many(table, "seed", _TOP, _whole(0)),
        "repeat": reader.one(table, "repeat", _TOP, _whole(1), default=1),
        "time_limit": reader.one(table, "time_limit", _TOP, _seconds),
        "quality_floor": reader.many(table, "quality_floor", _TOP, _floor),
        "samples": reader.one(table, "samples", _TOP, _whole(1), default=_DEFAULTS["samples"]),
        "name": reader.one(table, "name", _TOP, _text),
    }
    lotteries = [m for m in top["method"] if m in _LOTTERIES]
    if "quality_floor" in table and not lotteries:
        reader.add("CM-E619", _TOP, "quality_floor", methods=", ".join(_LOTTERIES))
    if "samples" in table and "legacy" not in top["method"]:
        reader.add("CM-E619", _TOP, "samples", methods="legacy")
    return top


def _point(values: dict[str, Any]) -> dict[str, Any]:
    """A point with every parameter column, typed, and its id: a hash of the parameters."""
    row: dict[str, Any] = {}
    for name, kind in _PARAMETERS.items():
        value = values.get(name)
        if name == "point":
            continue
        if value is None:
            row[name] = "" if kind == "str" else None
        else:
            row[name] = (float(value) if kind == "float64" else int(value) if kind == "Int64"
                         else bool(value) if kind == "boolean" else str(value))
    text = json.dumps(row, sort_keys=True, separators=(",", ":"))
    return {"point": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], **row,
            "pool_path": values.get("pool_path")}


def _runs(top: Mapping[str, Any], base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The points of one scenario: methods, quality floors (lotteries only) and runs."""
    for method in top["method"]:
        floors = top["quality_floor"] if method in _LOTTERIES else [None]
        for floor, run in itertools.product(floors, range(top["repeat"])):
            yield _point({**base, "method": method, "quality_floor": floor,
                          "samples": top["samples"] if method == "legacy" else None,
                          "time_limit": top["time_limit"], "run": run})


def _generated_points(top: Mapping[str, Any],
                      generated: Mapping[str, list[Any]]) -> Iterator[dict[str, Any]]:
    keys = ("citizen_seats", "politician_seats", "seed", "choices", "any_share", "households",
            "tightness", "tight")
    lists = [generated[k] if k != "seed" else top["seed"] for k in keys]
    for committees, citizens, politicians in generated["size"]:
        for combination in itertools.product(*lists):
            values = dict(zip(keys, combination, strict=True))
            count = (politicians if politicians is not None
                     else _politicians(committees, values["politician_seats"]))
            yield from _runs(top, {"source": "generated", "committees": committees,
                                   "citizens": citizens, "politicians": count, **values})


def _pool_points(top: Mapping[str, Any], pools: Sequence[_Pool]) -> Iterator[dict[str, Any]]:
    for pool in pools:
        for seats, seed in itertools.product(pool.seats, top["seed"]):
            yield from _runs(top, {"source": "pool", "pool": pool.name, "committees": 1,
                                   "citizens": pool.people, "politicians": 0,
                                   "citizen_seats": seats, "politician_seats": 0,
                                   "seed": seed, "pool_path": pool.path})


def load_grid(grid: str | os.PathLike[str] | Mapping[str, Any]) -> Grid:
    """Read and check a grid (described in :mod:`cocreate_match.bench`).

    Parameters
    ----------
    grid : path or mapping
        A TOML file, or the same keys as a mapping (pool paths then relative to the
        working folder).

    Returns
    -------
    Grid

    Raises
    ------
    InputError
        Naming every problem of the grid at once: unknown keys, values of the wrong kind,
        repeated values, sizes the generator refuses, missing pools.
    OSError
        When the file cannot be read.

    Examples
    --------
    >>> grid = load_grid({"method": ["solve", "mip"], "generated": {"size": ["3x60"]}})
    >>> [(p["committees"], p["citizens"], p["politicians"], p["method"]) for p in grid.points]
    [(3, 60, 19, 'solve'), (3, 60, 19, 'mip')]
    >>> try:
    ...     load_grid({"method": "slove", "generated": {"size": "3x20", "seats": 1}})
    ... except InputError as err:
    ...     print(err)
    3 problems in the input:
      - [generated], key seats: unknown key; the keys here are size, citizen_seats, \
politician_seats, choices, any_share, households, tightness, tight
      - [generated], key size, value '3x20': needs at least 30 citizens to fill 3 \
committees of 10 citizen seats
      - top level, key method, value 'slove': must be one of solve, mip, leximin, maximin, \
legacy, explain
    """
    file: str | None = None
    base = Path.cwd()
    if isinstance(grid, str | os.PathLike):
        path = Path(grid)
        file, base = path.name, path.resolve().parent
        try:
            table: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise InputError([Problem(code="CM-E600", file=file,
                                      params={"reason": str(err)})]) from None
    elif isinstance(grid, Mapping):
        table = grid
    else:
        raise InputError([Problem(code="CM-E601", column="grid", value=type(grid).__name__)])
    reader = _Reader(file)
    generated = (_read_generated(reader, table["generated"]) if "generated" in table
                 else None)
    pools = _read_pools(reader, table["pool"], base) if "pool" in table else []
    top = _read_top(reader, table)
    if "generated" not in table and "pool" not in table:
        reader.add("CM-E613", _TOP, None)
    if pools and "explain" in top["method"]:
        reader.add("CM-E618", _TOP, "method", "explain")
    if reader.problems:
        raise InputError(reader.problems)
    points = [*(_generated_points(top, generated) if generated else ()),
              *_pool_points(top, pools)]
    name = top["name"] or (Path(file).stem if file else "grid")
    return Grid(name=name, file=None if file is None else str(base / file),
                points=tuple(points))


# -- one point, in the process that runs it ---------------------------------------------------
def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the process's resident high-water mark (Linux 4.0 on); False where that is not
    possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return _status_kb("VmHWM") is not None


def _max_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes there, else KiB


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _versions() -> dict[str, str]:
    from . import __version__

    return {"library_version": __version__, "highspy_version": _version("highspy"),
            "scipy_version": _version("scipy"), "ortools_version": _version("ortools")}


def _memory_total_mb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    except (ValueError, OSError, AttributeError):
        return None


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _machine() -> dict[str, Any]:
    """The machine a process runs on, as ``machine.json`` records it."""
    return {"host": platform.node(), "cpu": _cpu(), "cores": os.cpu_count(),
            "memory_mb": _memory_total_mb(), "python": platform.python_version(),
            "platform": platform.platform()}


def _pull(low: int, high: int | None, have: int, cap: int, share: float) -> tuple[int, int]:
    """Limits moved the share of the way towards ``have`` (which they hold)."""
    top = cap if high is None else high
    return (low + math.floor(share * (have - low) + 0.5),
            top - math.floor(share * (top - have) + 0.5))


def _tightened(params: Mapping[str, Any]) -> Scenario:
    """The generated scenario with every quota and profile pulled towards the planted plan."""
    from .generate import _generate

    scenario, planted, _ = _generate(**_generator_arguments(params))
    share = float(params["tightness"])
    seated: dict[str | None, list[Any]] = {None: []}
    for citizen in scenario.citizens:
        committee = planted.get(citizen.id)
        if committee is not None:
            seated.setdefault(committee, []).append(citizen)
            seated[None].append(citizen)

    def pulled(rule: Any, members: list[Any], cap: int) -> Any:
        have = sum(1 for c in members if rule.matches(c))
        low, high = _pull(rule.min, rule.max, have, cap, share)
        return replace(rule, min=low, max=high)

    mandates = tuple(
        replace(m, profiles=tuple(pulled(p, seated.get(m.id, []), m.citizen_seats)
                                  for p in m.profiles),
                quotas=tuple(pulled(q, seated.get(m.id, []), m.citizen_seats)
                             for q in m.quotas))
        for m in scenario.mandates)
    total = sum(m.citizen_seats for m in scenario.mandates)
    quotas = tuple(pulled(q, seated[None], total) for q in scenario.quotas)
    return replace(scenario, mandates=mandates, quotas=quotas)


def _generator_arguments(params: Mapping[str, Any]) -> dict[str, Any]:
    return {"committees": int(params["committees"]), "citizens": int(params["citizens"]),
            "politicians": int(params["politicians"]), "seed": int(params["seed"]),
            "choices": int(params["choices"]), "any_share": float(params["any_share"]),
            "citizen_seats": int(params["citizen_seats"]),
            "politician_seats": int(params["politician_seats"]),
            "households": float(params["households"]), "tight": bool(params["tight"])}


def _planted_conflict(scenario: Scenario) -> Scenario:
    """The first committee's quotas replaced by two whose maxima leave a seat empty."""
    from .mandate import Quota

    first = scenario.mandates[0]
    half = first.citizen_seats // 2
    quotas = (Quota(attribute="gender", value="male", max=half),
              Quota(attribute="gender", value="female", max=max(half - 2, 0)))
    return replace(scenario, mandates=(replace(first, quotas=quotas), *scenario.mandates[1:]))


def _scenario(params: Mapping[str, Any]) -> Scenario:
    """The point's scenario, as its parameters describe it."""
    if params["source"] == "pool":
        from .sortition import load_sortition

        return load_sortition(params["pool_path"], int(params["citizen_seats"]))
    from .generate import generate_scenario

    if float(params["tightness"]) > 0:
        scenario = _tightened(params)
    else:
        scenario = generate_scenario(**_generator_arguments(params))
    return _planted_conflict(scenario) if params["method"] == "explain" else scenario


def _limit(params: Mapping[str, Any]) -> float | None:
    value = params.get("time_limit")
    return None if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


def _solve(scenario: Scenario, params: Mapping[str, Any]) -> dict[str, Any]:
    from .solver.solve import solve

    start = time.perf_counter()
    result = solve(scenario, seed=int(params["seed"]), time_limit=_limit(params))
    total = time.perf_counter() - start
    rules = None if result.explanation is None else len(result.explanation.rule_names)
    return {"status": result.status.value, "objective": result.objective,
            "groups": result.groups, "explained_rules": rules,
            "message": "" if result.status.value == "optimal" else result.message,
            "build_s": result.build_time, "solve_s": result.solve_time, "total_s": total,
            "plan": result.plan}


def _mip(scenario: Scenario, params: Mapping[str, Any]) -> dict[str, Any]:
    from .solver.baseline import solve_baseline

    start = time.perf_counter()
    result = solve_baseline(scenario, time_limit=_limit(params))
    total = time.perf_counter() - start
    return {"status": result.status.value, "objective": result.objective,
            "message": "" if result.status.value == "optimal" else result.message,
            "build_s": result.build_time, "solve_s": result.solve_time, "total_s": total,
            "plan": result.plan}


def _lottery(scenario: Scenario, params: Mapping[str, Any]) -> dict[str, Any]:
    from .lottery import lottery

    floor = params.get("quality_floor")
    options: dict[str, Any] = {} if params["method"] != "legacy" else {
        "samples": int(params["samples"])}
    start = time.perf_counter()
    lot = lottery(scenario, method=params["method"], seed=int(params["seed"]),
                  time_limit=_limit(params),
                  quality_floor=None if floor is None or math.isnan(floor) else float(floor),
                  **options)
    total = time.perf_counter() - start
    return {"status": lot.status.value,
            "min_probability": lot.min_probability if lot.panels else math.nan,
            "levels": None if params["method"] == "legacy" else len(lot.certificates),
            "groups": len(lot.groups), "panels": len(lot.panels), "solve_s": lot.seconds,
            "total_s": total}


_RUNNERS: dict[str, Callable[[Scenario, Mapping[str, Any]], dict[str, Any]]] = {
    "solve": _solve, "explain": _solve, "mip": _mip, "leximin": _lottery,
    "maximin": _lottery, "legacy": _lottery,
}


def _warm_up(method: str) -> None:
    """Run the method once on a tiny scenario, so that the timed call pays for no import and
    no first-call set-up."""
    from .generate import generate_scenario

    tiny = generate_scenario(committees=1, citizens=12, politicians=6, seed=0)
    params = {"seed": 0, "method": method, "samples": 2, "quality_floor": None}
    _RUNNERS[method](_planted_conflict(tiny) if method == "explain" else tiny, params)


def _checked(scenario: Scenario, plan: Any) -> dict[str, Any]:
    """The plan's recomputed score and broken rules (outside the clock)."""
    if plan is None:
        return {}
    from .check import check_plan, plan_score

    return {"plan_score": plan_score(scenario, plan),
            "violations": len(check_plan(scenario, plan))}


def run_point(params: Mapping[str, Any]) -> dict[str, Any]:
    """Run one point of a grid in this process and measure it; what an executor runs.

    Parameters
    ----------
    params : mapping
        A point of :attr:`Grid.points`.

    Returns
    -------
    dict
        The result and measurement columns of the table, the versions, and ``machine``: the
        machine that ran it. An exception inside the point is a row with status ``error``
        and the exception in ``message``, not a failure of the sweep.

    Examples
    --------
    >>> grid = load_grid({"generated": {"size": "2x30"}})
    >>> row = run_point(grid.points[0])
    >>> row["status"], row["objective"] > 0, row["violations"]
    ('optimal', True, 0)
    """
    row: dict[str, Any] = {"message": "", **_versions(), "machine": _machine()}
    try:
        method = str(params["method"])
        _warm_up(method)
        start = time.perf_counter()
        scenario = _scenario(params)
        row["prepare_s"] = time.perf_counter() - start
        gc.collect()  # what earlier work left behind must not count as this call's memory
        before = _status_kb("VmRSS")
        exact = _reset_peak()
        found = _RUNNERS[method](scenario, params)
        peak = _status_kb("VmHWM") if exact else None
    except Exception as err:  # a point's failure is its row: the sweep goes on
        row.update(status="error", message=f"{type(err).__name__}: {err}")
        return row
    if peak is not None and before is not None:
        row.update(peak_mb=peak / 1024, rise_mb=(peak - before) / 1024,
                   memory_method="VmHWM over the call")
    else:
        row.update(peak_mb=_max_rss_mb(), memory_method="ru_maxrss of the whole process")
    plan = found.pop("plan", None)
    row.update(found)
    row.update(_checked(scenario, plan))
    return row


# -- the table --------------------------------------------------------------------------------
def _frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The rows as the table, every column of its type."""
    import pandas as pd

    data: dict[str, Any] = {}
    for name, kind in COLUMNS.items():
        values: list[Any] = [row.get(name) for row in rows]
        if kind == "str":
            # "str": the type pandas itself reads text columns as (object before pandas 3).
            data[name] = pd.Series(["" if v is None else str(v) for v in values],
                                   dtype="str")
        elif kind == "Int64":
            data[name] = pd.array([None if _missing(v) else int(v) for v in values],
                                  dtype="Int64")
        elif kind == "boolean":
            data[name] = pd.array([None if _missing(v) else bool(v) for v in values],
                                  dtype="boolean")
        else:
            data[name] = pd.Series([math.nan if _missing(v) else float(v) for v in values],
                                   dtype="float64")
    return pd.DataFrame(data, columns=list(COLUMNS))


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _read_table(path: Path, out: str) -> list[dict[str, Any]]:
    """The rows of a table written before, each value as :func:`_frame` takes it."""
    import pandas as pd

    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as err:
        raise InputError([Problem(code="CM-E625", file=RESULTS_FILE, column="out", value=out,
                                  params={"reason": str(err)})]) from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in COLUMNS]
    if missing or unknown:
        raise InputError([Problem(code="CM-E624", file=RESULTS_FILE, column="out", value=out,
                                  params={"missing": ", ".join(missing) or "-",
                                          "unknown": ", ".join(unknown) or "-"})])
    rows = []
    for record in raw.to_dict("records"):
        rows.append({name: _parse_cell(str(record[name]), COLUMNS[name]) for name in COLUMNS})
    return rows


def _parse_cell(text: str, kind: str) -> Any:
    if kind == "str":
        return text
    if text == "":
        return None
    if kind == "boolean":
        return text == "True"
    return int(text) if kind == "Int64" else float(text)


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside ``path`` and rename: a kill leaves the old file or the new one whole."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_text(path: Path, text: str) -> None:
    def write(temporary: Path) -> None:
        temporary.write_text(text, encoding="utf-8")

    _write_atomically(path, write)


def _ordered(grid: Grid, rows: Mapping[str, dict[str, Any]],
             earlier: Sequence[str]) -> list[dict[str, Any]]:
    """The grid's rows in grid order, then rows of points no longer in the grid (kept, not
    lost), in their earlier order."""
    ids = [p["point"] for p in grid.points]
    known = set(ids)
    return ([rows[i] for i in ids if i in rows]
            + [rows[i] for i in earlier if i not in known and i in rows])


# -- running ----------------------------------------------------------------------------------
def _local_executor(workers: int) -> Executor:
    """Processes that each run one point and exit. Forked from a server that has imported
    the library and the solvers, so a point costs no interpreter start-up (where the
    platform has a fork server); else spawned."""
    from .solver.baseline import SOLVER_LIBRARIES

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=1,
                                   mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cocreate_match", "cocreate_match.bench",
                                    *SOLVER_LIBRARIES])
    return ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=1, mp_context=context)


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on a running Dask cluster, for :func:`bench`'s ``executor``.

    Needs the ``dask`` extra (``pip install 'cocreate-match[dask]'``). Start the workers
    with ``--nthreads 1`` so that each measures one point at a time.

    Parameters
    ----------
    address : str
        The scheduler, such as ``tcp://host:8786``.

    Raises
    ------
    InputError
        When Dask's ``distributed`` is not installed.
    OSError
        When the scheduler cannot be reached.

    Examples
    --------
    >>> with dask_executor("tcp://scheduler:8786") as ex:  # doctest: +SKIP
    ...     bench("grid.toml", "results", executor=ex)
    """
    try:
        from distributed import Client
    except ImportError:  # the optional extra is missing: a problem the caller can fix
        raise InputError([Problem(code="CM-E627", column="address", value=address)]) from None
    make: Any = Client  # distributed's constructor carries no type annotations
    with make(address) as client:
        # Not pure: a point run again must run, not come back from the cluster's memory.
        yield client.get_executor(pure=False)


def _point_line(count: str, point: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """The progress line of a point that finished, in the current language."""
    where = point["pool"] or f"{point['committees']}x{point['citizens']}"
    floor = "" if point["quality_floor"] is None else _message(
        "CM-R132", floor=point["quality_floor"])
    run = _message("CM-R133", run=point["run"]) if point["run"] else ""
    label = {"count": count, "where": where, "seed": point["seed"], "method": point["method"],
             "floor": floor, "run": run}
    seconds = result.get("total_s")
    if seconds is None:  # only a point that failed has no time
        return _message("CM-R131", **label)
    return _message("CM-R130", **label, status=result.get("status"), seconds=seconds)


def _arguments(executor: object, workers: object, out: object) -> list[Problem]:
    problems: list[Problem] = []
    if executor is not None and not isinstance(executor, Executor):
        problems.append(Problem(code="CM-E622", column="executor",
                                value=type(executor).__name__))
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            problems.append(Problem(code="CM-E603", column="workers", value=workers,
                                    params={"least": 1}))
        elif executor is not None:
            problems.append(Problem(code="CM-E623", column="workers", value=workers))
    if isinstance(out, str | os.PathLike) and Path(out).exists() and not Path(out).is_dir():
        problems.append(Problem(code="CM-E626", column="out", value=str(out)))
    return problems


@dataclass
class _Sweep:
    """What a sweep keeps while it runs."""

    grid: Grid
    out: Path | None
    rows: dict[str, dict[str, Any]]
    earlier: list[str]
    machines: list[dict[str, Any]]
    say: Callable[[str], None]

    def save(self) -> None:
        if self.out is None:
            return
        frame = _frame(_ordered(self.grid, self.rows, self.earlier))
        _write_atomically(self.out / RESULTS_FILE,
                          lambda p: frame.to_csv(p, index=False, lineterminator="\n"))

    def done(self, point: Mapping[str, Any], result: dict[str, Any], count: str) -> None:
        machine = result.pop("machine", None)
        if machine is not None and machine not in self.machines:
            self.machines.append(machine)
        row = {k: v for k, v in point.items() if k in _PARAMETERS}
        self.rows[str(point["point"])] = {**row, **result}
        self.save()
        self.say(_point_line(count, point, result))


def _run_all(sweep: _Sweep, todo: Sequence[dict[str, Any]], executor: Executor) -> None:
    futures: dict[Future[dict[str, Any]], dict[str, Any]] = {
        executor.submit(run_point, point): point for point in todo}
    try:
        for number, future in enumerate(as_completed(futures), start=1):
            sweep.done(futures[future], future.result(), f"{number}/{len(todo)}")
    finally:  # stopped (an error, Ctrl-C): what has not started does not start
        for future in futures:
            future.cancel()


def bench(
    grid: str | os.PathLike[str] | Mapping[str, Any],
    out: str | os.PathLike[str] | None = None,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run every point of a grid and tabulate what each found, how long it took and how
    much memory it needed.

    Parameters
    ----------
    grid : path or mapping
        A grid (see :mod:`cocreate_match.bench` for its keys), as a TOML file or a mapping.
    out : path or None
        A folder for ``results.csv`` (rewritten after each point, by writing a new file and
        renaming it, so that a kill loses at most the points running), ``results.parquet``
        (at the end, with the ``bench`` extra), ``machine.json`` (the machine, the versions
        and the sweep's start and end) and, with the ``plot`` extra, ``time.svg`` and
        ``memory.svg``. A point already in ``results.csv`` is not run again: run a stopped
        sweep again to finish it (delete a row to run its point again). None: nothing is
        written and every point runs.
    executor : concurrent.futures.Executor or None
        Runs the points, such as ``dask.distributed.Client.get_executor()`` (see
        :func:`dask_executor`); it is not shut down. None: local processes, each running one
        point and exiting.
    workers : int or None
        Local processes at once (default 1, so that points do not share the cores they
        are timed on); only without ``executor``.
    progress : callable or None
        Called with a line of text as each point finishes, and with notes.

    Returns
    -------
    pandas.DataFrame
        The table: one row per point, in grid order, with the columns of :data:`COLUMNS`
        (rows of an earlier table whose points left the grid follow, kept).

    Raises
    ------
    InputError
        Before any point runs, naming every problem with the grid and the arguments.
    OSError
        When the grid or the output folder cannot be read or written.

    Examples
    --------
    >>> frame = bench({"method": ["solve", "mip"], "generated": {"size": "2x30"}})
    >>> frame[["method", "status", "objective"]].to_dict("list")
    {'method': ['solve', 'mip'], 'status': ['optimal', 'optimal'], 'objective': [57, 57]}
    """
    problems = _arguments(executor, workers, out)
    try:
        loaded = load_grid(grid)
    except InputError as err:
        problems = [*err.problems, *problems]
    if problems:
        raise InputError(problems)
    say = progress or (lambda line: None)
    folder = None if out is None else Path(out)
    rows: dict[str, dict[str, Any]] = {}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / RESULTS_FILE).exists():
            rows = {str(r["point"]): r for r in _read_table(folder / RESULTS_FILE, str(out))}
    sweep = _Sweep(grid=loaded, out=folder, rows=rows, earlier=list(rows), machines=[],
                   say=say)
    todo = [p for p in loaded.points if p["point"] not in rows]
    if len(todo) < len(loaded.points):
        say(_message("CM-R134", done=len(loaded.points) - len(todo),
                     total=len(loaded.points), file=RESULTS_FILE, todo=len(todo)))
    # Written now without an end, so that a sweep killed halfway still says where it ran.
    record = _Record(grid=loaded, started=_now(), executor=_described(executor, workers),
                     points_run=len(todo),
                     earlier=[] if folder is None else _earlier_records(folder))
    if folder is not None:
        _write_machine(folder, record, sweep.machines, finished=None)
    own = executor is None
    runner = _local_executor(workers or 1) if executor is None else executor
    try:
        _run_all(sweep, todo, runner)
    finally:
        if own:
            runner.shutdown(wait=True, cancel_futures=True)
    frame = _frame(_ordered(loaded, sweep.rows, sweep.earlier))
    if folder is not None:
        sweep.save()
        _write_parquet(folder, frame, say)
        _write_machine(folder, record, sweep.machines, finished=_now())
        _write_plots(folder, frame, say)
    return frame


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _described(executor: Executor | None, workers: int | None) -> str:
    if executor is None:
        return f"local processes ({workers or 1} at once)"
    return f"{type(executor).__module__}.{type(executor).__qualname__}"


def _note(say: Callable[[str], None], code: str, **params: Any) -> None:
    """Log a note in English with its code, and say it in the current language."""
    log_message(_log, code, **params)
    say(_message(code, **params))


def _write_parquet(folder: Path, frame: pd.DataFrame, say: Callable[[str], None]) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        _note(say, "CM-R135", file=PARQUET_FILE)
        return
    _write_atomically(folder / PARQUET_FILE, lambda p: frame.to_parquet(p, index=False))


@dataclass(frozen=True, slots=True)
class _Record:
    """What ``machine.json`` says about a run, apart from its end and its workers."""

    grid: Grid
    started: str
    executor: str
    points_run: int
    earlier: list[Any]


def _earlier_records(folder: Path) -> list[Any]:
    """The records of the runs before this one into the same folder (a resumed sweep may
    have run elsewhere), oldest first."""
    path = folder / MACHINE_FILE
    if not path.exists():
        return []
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:  # a sidecar that is no JSON says nothing worth keeping
        return []
    if not isinstance(before, dict):
        return []
    return [*before.pop("earlier", []), before]


def _write_machine(folder: Path, record: _Record, workers: list[dict[str, Any]],
                   finished: str | None) -> None:
    """``machine.json``: the machine, the versions, the sweep's start and end (None while it
    runs), the executor, and the machines of the workers that ran its points."""
    import numpy
    import pandas

    versions = {"cocreate_match": _versions()["library_version"], "numpy": numpy.__version__,
                "pandas": pandas.__version__,
                **{name: _version(name) for name in ("scipy", "highspy", "ortools")}}
    content = {
        "grid": record.grid.name, "grid_file": record.grid.file, "started": record.started,
        "finished": finished, "points": len(record.grid.points),
        "points_run": record.points_run, "executor": record.executor, "machine": _machine(),
        "versions": versions, "workers": workers, "earlier": record.earlier,
    }
    _write_text(folder / MACHINE_FILE, json.dumps(content, indent=2) + "\n")


_BASELINES = ("mip", "legacy")
_PLOTS = (("total_s", "time.svg", "seconds (whole call)"),
          ("peak_mb", "memory.svg", "peak resident MB"))
# Parameters that name a line of a plot when they vary; size, seed and run are on the axis
# or pooled into the median.
_LINE_PARAMETERS = ("source", "citizen_seats", "politician_seats", "choices", "any_share",
                    "households", "tightness", "tight", "quality_floor", "samples",
                    "time_limit")


def _write_plots(folder: Path, frame: pd.DataFrame, say: Callable[[str], None]) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        _note(say, "CM-R136")
        return
    from .plots import figure_svg

    measured = frame[frame["status"] != "error"]
    for column, name, label in _PLOTS:
        _write_text(folder / name, figure_svg(_plot(measured, column, label)))


def _plot(frame: pd.DataFrame, column: str, label: str) -> Any:
    """Median ``column`` against the number of citizens, a line per method (and per
    setting that varies); the baselines dashed."""
    from .plots import _figure

    varying = [c for c in _LINE_PARAMETERS if frame[c].nunique() > 1]
    fig = _figure(width=9.0, height=4.2)
    ax = fig.add_subplot()
    for key, part in frame.groupby(["method", *varying], dropna=False, sort=False):
        line = part.groupby("citizens")[column].median().dropna()
        if not len(line):
            continue
        method, *values = key if isinstance(key, tuple) else (key,)
        settings = [f"{c} {v:g}" if isinstance(v, float) else f"{c} {v}"
                    for c, v in zip(varying, values, strict=True) if not _missing(v)]
        ax.plot(line.index.astype(float), line.to_numpy(dtype=float), marker="o",
                linestyle="--" if method in _BASELINES else "-",
                label=", ".join([str(method), *settings]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("citizens (applicants in the pool)")
    ax.set_ylabel(label)
    if ax.get_lines():
        fig.legend(loc="outside right upper", fontsize="small")
    return fig
