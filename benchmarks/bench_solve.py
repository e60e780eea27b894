"""Benchmark ``cocreate_match.solve`` against a plain HiGHS MIP of the same model.

For each size, a scenario is generated with ``generate_scenario`` (feasible by construction)
and solved twice, each time in a fresh Python process:

- ``library``: ``cocreate_match.solve(scenario)`` with the default backend;
- ``plain``: one binary per (citizen, committee the citizen may sit on) and per (politician,
  committee), every rule written out row by row, solved by ``scipy.optimize.milp`` (HiGHS)
  with ``mip_rel_gap=0``. It is written here from the rules, sharing no code with the
  library's solver, and serves as the baseline measured in the same run.

Reported per method: build time, solve time, total wall time, peak memory, objective, status;
per size: the ratio of the totals (library / plain) and whether the objectives are equal.
Every plan is checked with ``cocreate_match.check_plan`` and scored with ``plan_score``.
The whole command line (``cocreate-match solve DIR --out plan.csv``) is timed at the
smallest size against a 2 s target.

Peak memory is the process's peak resident set size (Linux ``VmHWM``) over the measured call
only: the worker process generates the scenario and imports numpy, SciPy and cocreate_match,
resets the high-water mark (``/proc/self/clear_refs``), makes the call and reads ``VmHWM``.
So it counts C allocations (numpy, HiGHS) as well as Python objects, and includes what was
already resident (interpreter, libraries, the scenario). Where the reset is not possible,
the worker's ``ru_maxrss`` (whole process, generation included) is used and the results say
so.

Run ``python benchmarks/bench_solve.py --help`` for the options. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SIZES = ((10, 500), (20, 2000), (50, 5000), (100, 10000), (100, 20000))
METHODS = ("library", "plain")
CLI_TARGET_SECONDS = 2.0
CITIZEN_SEATS = 10
POLITICIAN_SEATS = 5


def politicians_for(committees: int) -> int:
    """Enough politicians for the seats: the generator aims at 1.3 times the seats to fill,
    and a politician on three committees or so keeps budgets realistic."""
    return max(19, math.ceil(committees * POLITICIAN_SEATS * 1.3 / 3))


# -- the plain MIP ----------------------------------------------------------------------------
@dataclass
class PlainModel:
    """The whole scenario as one MIP over binaries: maximise ``score @ x`` within the rows."""

    score: Any  # objective coefficient per variable
    matrix: Any  # scipy.sparse CSR, rows by variables
    row_lo: Any
    row_hi: Any
    citizen_of: Any  # per citizen variable: citizen index
    citizen_committee: Any  # per citizen variable: committee index
    politician_of: Any  # per politician variable: politician index
    politician_committee: Any  # per politician variable: committee index
    n_vars: int


class _Rows:
    """Rows in COO form: ``lo <= sum(val * x[col]) <= hi``."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        self.rows: list[Any] = []
        self.cols: list[Any] = []
        self.vals: list[Any] = []
        self.lo: list[Any] = []
        self.hi: list[Any] = []
        self.count = 0

    def groups(self, cols: Any, group: Any, n_groups: int, lo: Any, hi: Any) -> None:
        """One row per group ``g`` in ``range(n_groups)`` over the ``cols`` with ``group == g``."""
        np = self.np
        self.rows.append(self.count + np.asarray(group, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.ones(len(cols)))
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (n_groups,)))
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=np.float64), (n_groups,)))
        self.count += n_groups

    def one(self, cols: Any, lo: float, hi: float, vals: Any = None) -> None:
        np = self.np
        cols = np.asarray(cols, dtype=np.int64)
        self.rows.append(np.full(len(cols), self.count, dtype=np.int64))
        self.cols.append(cols)
        self.vals.append(np.ones(len(cols)) if vals is None else np.asarray(vals, dtype=float))
        self.lo.append(np.array([lo], dtype=np.float64))
        self.hi.append(np.array([hi], dtype=np.float64))
        self.count += 1

    def matrix(self, n_vars: int) -> tuple[Any, Any, Any]:
        from scipy.sparse import coo_array

        np = self.np
        a = coo_array((np.concatenate(self.vals), (np.concatenate(self.rows),
                                                   np.concatenate(self.cols))),
                      shape=(self.count, n_vars)).tocsr()
        return a, np.concatenate(self.lo), np.concatenate(self.hi)


def build_plain_model(scenario: Any) -> PlainModel:
    """Write every rule of ``scenario`` as rows over one binary per possible seat."""
    import numpy as np

    committee_ids = [m.id for m in scenario.mandates]
    position = {cid: k for k, cid in enumerate(committee_ids)}
    n_committees = len(committee_ids)
    citizens, politicians = scenario.citizens, scenario.politicians
    top = 1 + max([len(c.applied_to) for c in citizens]
                  + [len(p.preferences) for p in politicians] + [0])

    # Citizen variables: listed committees score top - rank; the rest, for "*", score 1.
    c_of: list[int] = []
    c_committee: list[int] = []
    c_score: list[int] = []
    for i, c in enumerate(citizens):
        listed: dict[int, int] = {}
        for rank, cid in enumerate(c.applied_to, start=1):
            listed.setdefault(position[cid], top - rank)
        where = range(n_committees) if c.open_to_any else sorted(listed)
        for k in where:
            c_of.append(i)
            c_committee.append(k)
            c_score.append(listed.get(k, 1))
    ci = np.array(c_of, dtype=np.int64)
    ck = np.array(c_committee, dtype=np.int64)
    n_c = len(ci)

    # Politician variables: every committee; listed committees score top - rank, others 0.
    n_p = len(politicians)
    pi = np.repeat(np.arange(n_p, dtype=np.int64), n_committees)
    pk = np.tile(np.arange(n_committees, dtype=np.int64), n_p)
    p_score = np.zeros((n_p, n_committees))
    for i, p in enumerate(politicians):
        for rank, cid in reversed(list(enumerate(p.preferences, start=1))):
            p_score[i, position[cid]] = top - rank
    p_cols = n_c + np.arange(n_p * n_committees, dtype=np.int64)

    parties = sorted({p.party for p in politicians})
    party_of = np.array([parties.index(p.party) for p in politicians], dtype=np.int64)
    n_parties = len(parties)
    council = scenario.council
    presence_committees = ([k for k, m in enumerate(scenario.mandates) if m.politician_seats > 0]
                           if council.min_parties > 0 else [])
    first_presence = n_c + n_p * n_committees
    n_vars = first_presence + len(presence_committees) * n_parties

    rows = _Rows()
    c_cols = np.arange(n_c, dtype=np.int64)
    # Exact citizen seats per committee; each citizen at most once.
    rows.groups(c_cols, ck, n_committees, [m.citizen_seats for m in scenario.mandates],
                [m.citizen_seats for m in scenario.mandates])
    rows.groups(c_cols, ci, len(citizens), 0, 1)
    # At most one seated citizen per household.
    household_ids = sorted({c.household for c in citizens if c.household is not None})
    household_index = {h: j for j, h in enumerate(household_ids)}
    household_of = np.array([-1 if c.household is None else household_index[c.household]
                             for c in citizens], dtype=np.int64)
    in_household = household_of[ci] >= 0
    rows.groups(c_cols[in_household], household_of[ci][in_household], len(household_ids), 0, 1)
    # Competence profiles and committee quotas, then global quotas, over seated citizens.
    all_tags = sorted({t for m in scenario.mandates for p in m.profiles for t in p.any_of})
    has_tag = {t: np.array([t in c.tags for c in citizens], dtype=bool) for t in all_tags}
    quota_attributes = sorted({q.attribute for m in scenario.mandates for q in m.quotas}
                              | {q.attribute for q in scenario.quotas})
    value_of = {a: np.array([c.attributes.get(a) for c in citizens], dtype=object)
                for a in quota_attributes}
    for k, m in enumerate(scenario.mandates):
        on_k = np.flatnonzero(ck == k)
        who = ci[on_k]
        for profile in m.profiles:
            fits = np.zeros(len(on_k), dtype=bool)
            for t in profile.any_of:
                fits |= has_tag[t][who]
            rows.one(on_k[fits], profile.min, math.inf if profile.max is None else profile.max)
        for quota in m.quotas:
            match = value_of[quota.attribute][who] == quota.value
            rows.one(on_k[match], quota.min, math.inf if quota.max is None else quota.max)
    for quota in scenario.quotas:
        match = value_of[quota.attribute][ci] == quota.value
        rows.one(c_cols[match], quota.min, math.inf if quota.max is None else quota.max)
    # Exact politician seats per committee; each politician's committee budget.
    rows.groups(p_cols, pk, n_committees, [m.politician_seats for m in scenario.mandates],
                [m.politician_seats for m in scenario.mandates])
    rows.groups(p_cols, pi, n_p, [p.min_committees for p in politicians],
                [math.inf if p.max_committees is None else p.max_committees
                 for p in politicians])
    # At most max_per_party politicians of a party on a committee.
    if council.max_per_party is not None:
        rows.groups(p_cols, pk * n_parties + party_of[pi], n_committees * n_parties, 0,
                    council.max_per_party)
    # At least min_parties parties: presence[k, j] may be 1 only if party j sits on k.
    for n, k in enumerate(presence_committees):
        present = first_presence + n * n_parties + np.arange(n_parties, dtype=np.int64)
        for j in range(n_parties):
            members = p_cols[(pk == k) & (party_of[pi] == j)]
            rows.one(np.concatenate([[present[j]], members]), -math.inf, 0,
                     np.concatenate([[1.0], -np.ones(len(members))]))
        rows.one(present, council.min_parties, math.inf)

    matrix, row_lo, row_hi = rows.matrix(n_vars)
    score = np.zeros(n_vars)
    score[:n_c] = c_score
    score[n_c:first_presence] = p_score.ravel()
    return PlainModel(score=score, matrix=matrix, row_lo=row_lo, row_hi=row_hi,
                      citizen_of=ci, citizen_committee=ck, politician_of=pi,
                      politician_committee=pk, n_vars=n_vars)


def solve_plain_model(model: PlainModel, time_limit: float) -> Any:
    """HiGHS branch and cut through SciPy, to a zero relative gap."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    return milp(-model.score, integrality=np.ones(model.n_vars),
                bounds=Bounds(np.zeros(model.n_vars), np.ones(model.n_vars)),
                constraints=[LinearConstraint(model.matrix, model.row_lo, model.row_hi)],
                options={"mip_rel_gap": 0.0, "time_limit": time_limit, "disp": False})


def plain_plan(scenario: Any, model: PlainModel, x: Any) -> Any:
    """The plan that a 0/1 solution of the plain model describes."""
    import numpy as np

    from cocreate_match import Plan, Role, Seat

    on = np.asarray(x) > 0.5
    n_c = len(model.citizen_of)
    committee_ids = [m.id for m in scenario.mandates]
    seats = []
    seated: set[str] = set()
    for v in np.flatnonzero(on[:n_c]).tolist():
        person = scenario.citizens[model.citizen_of[v]].id
        seats.append(Seat(committee_id=committee_ids[model.citizen_committee[v]],
                          person_id=person, role=Role.CITIZEN))
        seated.add(person)
    n_p_vars = len(model.politician_of)
    for v in np.flatnonzero(on[n_c:n_c + n_p_vars]).tolist():
        person = scenario.politicians[model.politician_of[v]].id
        seats.append(Seat(committee_id=committee_ids[model.politician_committee[v]],
                          person_id=person, role=Role.POLITICIAN))
        seated.add(person)
    return Plan(seats=seats,
                unseated_citizens=[c.id for c in scenario.citizens if c.id not in seated],
                unseated_politicians=[p.id for p in scenario.politicians
                                      if p.id not in seated])


# -- one measurement, in a fresh process ------------------------------------------------------
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
    """Reset the process's peak-RSS mark (Linux 4.0+); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return _status_kb("VmHWM") is not None


_PLAIN_STATUS = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded"}


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Generate the scenario, time one method on it, check the plan; runs in a worker."""
    # Import everything first so that neither method pays for imports in its timings.
    import numpy as np

    import cocreate_match as cm

    for name in ("scipy.optimize", "scipy.sparse", "cocreate_match.solver.backends"):
        importlib.import_module(name)
    scenario = cm.generate_scenario(committees=spec["committees"], citizens=spec["citizens"],
                                    politicians=spec["politicians"], seed=spec["seed"],
                                    choices=3, any_share=0.1)
    gc.collect()
    before_kb = _status_kb("VmRSS")
    exact = _reset_peak()
    out: dict[str, Any] = {"method": spec["method"]}
    if spec["method"] == "library":
        start = time.perf_counter()
        result = cm.solve(scenario)
        out["total_s"] = time.perf_counter() - start
        out.update(build_s=result.build_time, solve_s=result.solve_time,
                   status=result.status.value, objective=result.objective, bound=result.bound)
        plan = result.plan
    else:
        start = time.perf_counter()
        model = build_plain_model(scenario)
        built = time.perf_counter()
        res = solve_plain_model(model, spec["time_limit"])
        solved = time.perf_counter()
        plan = None if res.x is None else plain_plan(scenario, model, res.x)
        out["total_s"] = time.perf_counter() - start
        objective = None if res.x is None else round(float(model.score @ np.round(res.x)))
        bound = getattr(res, "mip_dual_bound", None)
        out.update(build_s=built - start, solve_s=solved - built,
                   status=_PLAIN_STATUS.get(res.status, f"error {res.status}: {res.message}"),
                   objective=objective, bound=None if bound is None else -float(bound),
                   variables=model.n_vars, rows=int(model.matrix.shape[0]),
                   nonzeros=int(model.matrix.nnz))
    if exact:
        peak_kb = _status_kb("VmHWM") or 0
        out["memory_method"] = "VmHWM over the call"
    else:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["memory_method"] = "ru_maxrss of the whole worker"
    out["peak_mb"] = peak_kb / 1024
    out["rss_before_mb"] = None if before_kb is None else before_kb / 1024
    if plan is not None:
        violations = cm.check_plan(scenario, plan)
        out["violations"] = [f"{v.rule}: {v.message}" for v in violations[:10]]
        out["violation_count"] = len(violations)
        out["plan_score"] = cm.plan_score(scenario, plan)
    return out


def run_worker(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run :func:`measure` in a fresh interpreter and return what it reports."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {"method": spec["method"], "status": f"killed after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"method": spec["method"], "status": f"worker failed ({done.returncode})",
                "stderr": done.stderr[-2000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- aggregation and reporting ----------------------------------------------------------------
def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median times and the highest peak over repeats; status and objective of the first run,
    and the distinct statuses and objectives of all runs."""
    good = [r for r in runs if "total_s" in r]
    first = runs[0]
    out = {k: first.get(k) for k in ("method", "status", "objective", "bound", "plan_score",
                                     "violation_count", "violations", "memory_method",
                                     "variables", "rows", "nonzeros", "stderr")}
    out = {k: v for k, v in out.items() if v is not None}
    out["repeats"] = len(runs)
    out["statuses"] = sorted({str(r.get("status")) for r in runs})
    out["objectives"] = sorted({r.get("objective") for r in runs}, key=str)
    if good:
        for key in ("build_s", "solve_s", "total_s"):
            out[key] = statistics.median(r[key] for r in good)
        highest = max(good, key=lambda r: r["peak_mb"])
        out["peak_mb"] = highest["peak_mb"]
        out["rss_before_mb"] = highest.get("rss_before_mb")
        # A run stopped by the time limit may have no plan; it has nothing to check.
        with_plan = [r for r in good if "violation_count" in r]
        out["plans_checked"] = len(with_plan)
        out["all_plans_valid"] = all(r["violation_count"] == 0
                                     and r.get("plan_score") == r.get("objective")
                                     for r in with_plan)
    return out


def compare(library: dict[str, Any], plain: dict[str, Any]) -> dict[str, Any]:
    """The ratio of total times, and whether both found the same objective in every run."""
    objectives = library["objectives"]
    out: dict[str, Any] = {
        "objectives_equal": len(objectives) == 1 and objectives[0] is not None
                            and objectives == plain["objectives"],
        "both_optimal": library["statuses"] == ["optimal"] == plain["statuses"],
    }
    if "total_s" in library and "total_s" in plain:
        ratio = library["total_s"] / plain["total_s"]
        # A plain MIP stopped by its limit would have taken longer: the ratio is at most this.
        upper = "time_limit" in plain["statuses"]
        out["ratio"] = ratio
        out["ratio_text"] = f"< {ratio:.3g}" if upper else f"{ratio:.3g}"
    else:
        out["ratio"] = None
        out["ratio_text"] = "n/a"
    return out


def _cell(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_size(size: dict[str, Any]) -> None:
    print(f"\n{size['committees']} committees, {size['citizens']} citizens, "
          f"{size['politicians']} politicians (seed {size['seed']})")
    header = ("method", "build s", "solve s", "total s", "peak MB", "rise MB", "objective",
              "status", "plan check")
    print("  " + "".join(f"{h:>12}" for h in header))
    for name in METHODS:
        r = size[name]
        if not r.get("plans_checked"):
            check = "no plan"
        elif r.get("all_plans_valid"):
            check = "ok"
        else:
            check = f"{r.get('violation_count', '?')} broken"
        cells = (name, _cell(r.get("build_s")), _cell(r.get("solve_s")), _cell(r.get("total_s")),
                 _cell(r.get("peak_mb"), 1), _cell(_rise(r), 1), _cell(r.get("objective")),
                 str(r.get("status")),
                 check)
        print("  " + "".join(f"{c:>12}" for c in cells))
        for line in r.get("violations", [])[:3]:
            print(f"    {line}")
    c = size["comparison"]
    print(f"  ratio library total / plain total: {c['ratio_text']}; objectives equal: "
          f"{'yes' if c['objectives_equal'] else 'NO'}")


def _rise(r: dict[str, Any]) -> float | None:
    """Peak memory over the call minus what the process held just before it."""
    if r.get("peak_mb") is None or r.get("rss_before_mb") is None:
        return None
    return float(r["peak_mb"] - r["rss_before_mb"])


def markdown_table(sizes: list[dict[str, Any]]) -> str:
    lines = [
        "| committees | citizens | politicians | method | build s | solve s | total s "
        "| peak MB | rise MB | objective | status | ratio (library / plain) | equal objective |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for s in sizes:
        for name in METHODS:
            r = s[name]
            tail = (f"| {s['comparison']['ratio_text']} | "
                    f"{'yes' if s['comparison']['objectives_equal'] else 'no'} |"
                    if name == "library" else "| | |")
            lines.append(
                f"| {s['committees']} | {s['citizens']} | {s['politicians']} | {name} "
                f"| {_cell(r.get('build_s'))} | {_cell(r.get('solve_s'))} "
                f"| {_cell(r.get('total_s'))} | {_cell(r.get('peak_mb'), 1)} "
                f"| {_cell(_rise(r), 1)} "
                f"| {_cell(r.get('objective'))} | {r.get('status')} {tail}")
    return "\n".join(lines)


# -- the command line -------------------------------------------------------------------------
def _cli_executable() -> str:
    beside = Path(sys.executable).parent / "cocreate-match"
    if beside.exists():
        return str(beside)
    found = shutil.which("cocreate-match")
    if found is None:
        raise SystemExit("cocreate-match is not installed (pip install -e .)")
    return found


def time_cli(committees: int, citizens: int, seed: int, repeat: int) -> dict[str, Any]:
    """Median wall time of ``cocreate-match solve DIR --out plan.csv``, process start to exit."""
    import cocreate_match as cm

    politicians = politicians_for(committees)
    scenario = cm.generate_scenario(committees=committees, citizens=citizens,
                                    politicians=politicians, seed=seed, choices=3,
                                    any_share=0.1)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "scenario"
        cm.save_scenario(scenario, directory)
        plan_path = Path(tmp) / "plan.csv"
        command = [_cli_executable(), "solve", str(directory), "--out", str(plan_path)]
        codes, errors, violations = [], [], []
        for _ in range(repeat):
            plan_path.unlink(missing_ok=True)
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            codes.append(done.returncode)
            if done.returncode != 0:
                errors.append(done.stderr.strip()[-500:])
            elif plan_path.exists():
                violations.append(len(cm.check_plan(scenario, cm.read_plan(plan_path))))
    median = statistics.median(times)
    ok = all(code == 0 for code in codes) and violations == [0] * repeat
    return {"committees": committees, "citizens": citizens, "politicians": politicians,
            "seed": seed, "times_s": times, "median_s": median, "exit_codes": codes,
            "errors": errors, "plan_violations": violations, "all_runs_ok": ok,
            "target_s": CLI_TARGET_SECONDS, "meets_target": ok and median <= CLI_TARGET_SECONDS}


def _size(text: str) -> tuple[int, int]:
    try:
        committees, citizens = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a size must be COMMITTEESxCITIZENS such as 10x500, got {text!r}") from None
    if committees < 1 or citizens < committees * CITIZEN_SEATS:
        raise argparse.ArgumentTypeError(
            f"a size needs at least 1 committee and {CITIZEN_SEATS} citizens per committee, "
            f"got {text!r}")
    return committees, citizens


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=_size, metavar="CxN",
                   default=list(DEFAULT_SIZES),
                   help="committees x citizens, e.g. 10x500 100x20000 (default: "
                        + " ".join(f"{c}x{n}" for c, n in DEFAULT_SIZES) + ")")
    p.add_argument("--quick", action="store_true", help="only the two smallest sizes")
    p.add_argument("--repeat", type=int, default=1,
                   help="fresh-process runs per method and size; times are medians (1)")
    p.add_argument("--seed", type=int, default=0, help="scenario seed (0)")
    p.add_argument("--time-limit", type=_positive, default=600.0, metavar="S",
                   help="seconds for the plain MIP (600)")
    p.add_argument("--cli-repeat", type=int, default=3,
                   help="runs of the command line; the median is reported (3)")
    p.add_argument("--no-cli", action="store_true", help="skip timing the command line")
    p.add_argument("--out", metavar="JSON", help="write all results to this file")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    return p


def _machine() -> dict[str, Any]:
    import numpy
    import scipy

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                                capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=root, text=True,
                               capture_output=True, check=True).stdout.strip()
        commit += " (src has uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "commit": commit,
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "platform": platform.platform()}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.worker:
        print(json.dumps(measure(json.loads(args.worker))))
        return 0
    sizes = sorted(args.sizes, key=lambda s: (s[0] * s[1], s))
    if args.quick:
        sizes = sizes[:2]
    machine = _machine()
    print(f"machine: {machine['cpu']}, {machine['cores']} cores; Python {machine['python']}, "
          f"numpy {machine['numpy']}, SciPy {machine['scipy']}; commit {machine['commit']}")
    print(f"repeats: {args.repeat}; plain MIP time limit: {args.time_limit:g} s")

    load_start = os.getloadavg()
    print(f"load average at start: {load_start[0]:.2f} (1 min)")
    results: list[dict[str, Any]] = []
    for committees, citizens in sizes:
        size: dict[str, Any] = {"committees": committees, "citizens": citizens,
                                "politicians": politicians_for(committees), "seed": args.seed}
        runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _ in range(args.repeat):
            for method in METHODS:
                spec = {**size, "method": method, "time_limit": args.time_limit}
                print(f"  running {method} at {committees}x{citizens} ...", file=sys.stderr,
                      flush=True)
                runs[method].append(run_worker(spec, timeout=3 * args.time_limit + 600))
        for method in METHODS:
            size[method] = summarise(runs[method])
            size[method]["runs"] = runs[method]
        size["comparison"] = compare(size["library"], size["plain"])
        print_size(size)
        results.append(size)

    cli = None
    if not args.no_cli:
        committees, citizens = DEFAULT_SIZES[0]
        cli = time_cli(committees, citizens, args.seed, args.cli_repeat)
        print(f"\ncommand line at {committees}x{citizens}: median "
              f"{cli['median_s']:.2f} s over {len(cli['times_s'])} runs "
              f"({', '.join(f'{t:.2f}' for t in cli['times_s'])}); target "
              f"{CLI_TARGET_SECONDS:g} s: {'met' if cli['meets_target'] else 'MISSED'}; "
              f"exit codes {cli['exit_codes']}; violations in the written plans "
              f"{cli['plan_violations']}")
        for error in dict.fromkeys(cli["errors"]):
            print(f"  failed run: {error}")

    load_end = os.getloadavg()
    print(f"\nload average at end: {load_end[0]:.2f} (1 min), {load_end[1]:.2f} (5 min), "
          f"{load_end[2]:.2f} (15 min)")
    memory = sorted({r[m].get("memory_method", "?") for r in results for m in METHODS})
    print(f"\npeak memory: {', '.join(memory)}")
    print("\n" + markdown_table(results))
    sound = all(r[m].get("all_plans_valid", False) for r in results for m in METHODS)
    optimal_equal = all(r["comparison"]["both_optimal"] and r["comparison"]["objectives_equal"]
                        for r in results)
    print(f"\nall plans pass check_plan and score their objective: {'yes' if sound else 'NO'}")
    print(f"both proven optimal with equal objectives at every size: "
          f"{'yes' if optimal_equal else 'NO'}")
    if args.out:
        report = {"machine": machine, "date": time.strftime("%Y-%m-%d"),
                  "load_average_start": load_start, "load_average_end": load_end,
                  "repeat": args.repeat, "time_limit_s": args.time_limit,
                  "sizes": results, "cli": cli}
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if sound and (cli is None or cli["all_runs_ok"]) else 1


if __name__ == "__main__":
    sys.exit(main())
