"""Compare three interfaces to HiGHS on the library's own linear models.

For each size and seed, a scenario is generated with ``generate_scenario`` and the library
builds its two ``LinearModel``s (``build_citizen_model``, ``build_politician_model``). Their
flat arrays (``LinearModel.arrays()``) are handed, unchanged, to each interface:

- ``scipy``: ``scipy.optimize.milp``, exactly as ``solve_highs`` uses it today (the baseline);
- ``highspy-pass``: ``highspy`` through ``new_highs()``, the model passed whole as a
  ``HighsLp`` (column-wise matrix) with ``passModel``;
- ``highspy-add``: the same, but built with ``addVars`` + ``changeColsCost`` + ``addRows``
  (row-wise matrix);
- ``mathopt-highs``: OR-Tools MathOpt with ``SolverType.HIGHS``, the model built as a
  ``ModelProto`` from the arrays and loaded with ``Model.from_model_proto`` (adding variables
  and rows one by one through the Python API is much slower);
- ``mathopt-gscip`` (only on request): the same with SCIP.

Every interface runs the same procedure: the LP relaxation first; if its solution is
integral and meets every row, it is optimal; otherwise the MIP with zero gaps. Reported per
interface: build and solve seconds (medians of ``--repeat`` runs inside one fresh process),
peak resident memory over build and solve (Linux ``VmHWM``, reset before each run), the
objective (sum over both models; all interfaces must agree), and ratios against ``scipy``
measured in the same run.

Also measured, each in a fresh process:

- gaps: whether zero absolute and relative MIP gaps can be set, read back where the
  interface allows it, and checked by effect: with a huge tolerance HiGHS must stop early on a
  small MIP, so a tolerance that changes nothing never reached HiGHS; and whether a MIP dual
  bound and LP row duals are reported;
- time-limit fidelity: the MIP step alone (integrality on from the start, as when the LP is
  fractional) on the citizens' model of the largest seed-7 scenario, with limits of 2 s and
  8 s: wall-clock seconds from the call until control returns.

Run ``python benchmarks/bench_backends.py --help`` for the options. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The sizes, politicians and memory readings are measured as in the solve benchmark.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_solve import _reset_peak, _status_kb, politicians_for

DEFAULT_SIZES = ((10, 500), (50, 5000), (100, 20000))
DEFAULT_SEEDS = (0, 7)
DEFAULT_INTERFACES = ("scipy", "highspy-pass", "highspy-add", "mathopt-highs")
ALL_INTERFACES = (*DEFAULT_INTERFACES, "mathopt-gscip")
BASELINE = "scipy"
DEFAULT_LIMITS = (2.0, 8.0)
INTEGRAL_TOL = 1e-6


# -- the arrays every interface receives -------------------------------------------------------
class Arrays:
    """The flat arrays of one ``LinearModel``: maximise ``obj @ x``, ``row_lb <= A x <= row_ub``."""

    def __init__(self, model: Any) -> None:
        (self.lb, self.ub, self.obj, self.rows, self.cols, self.vals,
         self.row_lb, self.row_ub) = model.arrays()
        self.n_vars = int(model.n_vars)
        self.n_rows = int(model.n_rows)

    def meets_rows(self, x: Any) -> bool:
        """Whether a rounded point meets every row and bound (the guard of the LP shortcut)."""
        import numpy as np

        activity = np.zeros(self.n_rows)
        np.add.at(activity, self.rows, self.vals * x[self.cols])
        return bool(np.all(activity >= self.row_lb - 1e-9)
                    and np.all(activity <= self.row_ub + 1e-9)
                    and np.all(x >= self.lb) and np.all(x <= self.ub))

    def integral(self, x: Any) -> tuple[bool, Any]:
        import numpy as np

        rounded = np.round(x)
        ok = bool(np.abs(x - rounded).max(initial=0.0) < INTEGRAL_TOL) and self.meets_rows(rounded)
        return ok, rounded


def knapsack(items: int = 60, rows: int = 5, seed: int = 1) -> Any:
    """A small multi-dimensional 0/1 knapsack as a ``LinearModel``: its LP bound is loose,
    so HiGHS branches, and its first solution is not optimal (unlike the library's models,
    whose LP relaxations are integral at these sizes)."""
    import numpy as np

    from cocreate_match.solver.linear import LinearModel

    rng = np.random.default_rng(seed)
    weights = rng.integers(10, 100, (rows, items)).astype(float)
    model = LinearModel()
    model.add_variables(np.zeros(items), np.ones(items),
                        rng.integers(10, 100, items).astype(float))
    for r in range(rows):
        model.add_row(f"capacity/{r}", np.arange(items), -math.inf,
                      float(weights[r].sum() / 3), weights[r])
    return model


# -- the interfaces ----------------------------------------------------------------------------
# Each interface has ``build(a) -> handle`` and ``solve(handle, a, integer, limit) -> dict``
# with keys status ("optimal", "time_limit", "infeasible", other), x (or None), objective,
# dual_bound (MIP only, or None) and duals (the LP's row duals, or None).


class Scipy:
    name = "scipy"

    def build(self, a: Arrays) -> Any:
        from scipy.optimize import Bounds, LinearConstraint
        from scipy.sparse import csr_array

        matrix = csr_array((a.vals, (a.rows, a.cols)), shape=(a.n_rows, a.n_vars))
        return Bounds(a.lb, a.ub), [LinearConstraint(matrix, a.row_lb, a.row_ub)]

    def solve(self, handle: Any, a: Arrays, integer: bool, limit: float | None,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
        import numpy as np
        from scipy.optimize import milp

        bounds, constraints = handle
        options: dict[str, Any] = {"mip_rel_gap": 0.0, "presolve": True}
        if limit is not None:
            options["time_limit"] = limit
        options.update(extra or {})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unrecognised options are passed on verbatim
            res = milp(-a.obj, integrality=np.full(a.n_vars, 1 if integer else 0),
                       bounds=bounds, constraints=constraints, options=options)
        status = {0: "optimal", 1: "time_limit", 2: "infeasible"}.get(res.status,
                                                                     f"status {res.status}")
        bound = getattr(res, "mip_dual_bound", None)
        return {"status": status, "x": res.x,
                "objective": None if res.x is None else float(a.obj @ res.x),
                "dual_bound": None if bound is None or not integer else -float(bound),
                "duals": None}  # milp returns no marginals


class HighspyPass:
    name = "highspy-pass"

    def new(self) -> Any:
        from cocreate_match.solver.highs import new_highs

        return new_highs()

    def build(self, a: Arrays) -> Any:
        import highspy
        import numpy as np
        from scipy.sparse import csc_array

        matrix = csc_array((a.vals, (a.rows, a.cols)), shape=(a.n_rows, a.n_vars))
        lp = highspy.HighsLp()
        lp.num_col_ = a.n_vars
        lp.num_row_ = a.n_rows
        lp.col_cost_ = a.obj
        lp.col_lower_ = a.lb
        lp.col_upper_ = a.ub
        lp.row_lower_ = a.row_lb
        lp.row_upper_ = a.row_ub
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = a.n_vars
        lp.a_matrix_.num_row_ = a.n_rows
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data
        h = self.new()
        h.passModel(lp)
        return h

    def solve(self, h: Any, a: Arrays, integer: bool, limit: float | None,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
        import highspy
        import numpy as np

        kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
        h.changeColsIntegrality(a.n_vars, np.arange(a.n_vars, dtype=np.int32),
                                np.full(a.n_vars, int(kind), dtype=np.uint8))
        h.setOptionValue("time_limit", math.inf if limit is None else float(limit))
        for key, value in (extra or {}).items():
            h.setOptionValue(key, value)
        h.run()
        model_status = h.getModelStatus()
        status = {highspy.HighsModelStatus.kOptimal: "optimal",
                  highspy.HighsModelStatus.kTimeLimit: "time_limit",
                  highspy.HighsModelStatus.kInfeasible: "infeasible"}.get(
                      model_status, str(model_status))
        solution = h.getSolution()
        x = np.asarray(solution.col_value) if solution.value_valid else None
        info = h.getInfo()
        bound = float(info.mip_dual_bound) if integer else None
        duals = (np.asarray(solution.row_dual) if not integer and solution.dual_valid
                 else None)
        return {"status": status, "x": x,
                "objective": None if x is None else float(a.obj @ x),
                "dual_bound": bound if bound is not None and math.isfinite(bound) else None,
                "duals": duals}


class HighspyAdd(HighspyPass):
    name = "highspy-add"

    def build(self, a: Arrays) -> Any:
        import highspy
        import numpy as np
        from scipy.sparse import csr_array

        matrix = csr_array((a.vals, (a.rows, a.cols)), shape=(a.n_rows, a.n_vars))
        h = self.new()
        h.addVars(a.n_vars, a.lb, a.ub)
        h.changeColsCost(a.n_vars, np.arange(a.n_vars, dtype=np.int32), a.obj)
        h.addRows(a.n_rows, a.row_lb, a.row_ub, int(matrix.nnz),
                  matrix.indptr[:-1].astype(np.int32), matrix.indices.astype(np.int32),
                  matrix.data)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return h


class MathOpt:
    def __init__(self, solver: str) -> None:
        self.solver = solver
        self.name = f"mathopt-{solver}"

    def build(self, a: Arrays) -> Any:
        import numpy as np
        from ortools.math_opt import model_pb2
        from ortools.math_opt.python import mathopt
        from scipy.sparse import csr_array

        matrix = csr_array((a.vals, (a.rows, a.cols)), shape=(a.n_rows, a.n_vars))
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        matrix.sort_indices()
        proto = model_pb2.ModelProto()
        proto.variables.ids.extend(range(a.n_vars))
        proto.variables.lower_bounds.extend(a.lb.tolist())
        proto.variables.upper_bounds.extend(a.ub.tolist())
        proto.variables.integers.extend([False] * a.n_vars)
        proto.objective.maximize = True
        nonzero = np.flatnonzero(a.obj)
        proto.objective.linear_coefficients.ids.extend(nonzero.tolist())
        proto.objective.linear_coefficients.values.extend(a.obj[nonzero].tolist())
        proto.linear_constraints.ids.extend(range(a.n_rows))
        proto.linear_constraints.lower_bounds.extend(a.row_lb.tolist())
        proto.linear_constraints.upper_bounds.extend(a.row_ub.tolist())
        row_ids = np.repeat(np.arange(a.n_rows), np.diff(matrix.indptr))
        proto.linear_constraint_matrix.row_ids.extend(row_ids.tolist())
        proto.linear_constraint_matrix.column_ids.extend(matrix.indices.tolist())
        proto.linear_constraint_matrix.coefficients.extend(matrix.data.tolist())
        model = mathopt.Model.from_model_proto(proto)
        return model, list(model.variables()), list(model.linear_constraints())

    def parameters(self, limit: float | None, extra: dict[str, Any] | None = None) -> Any:
        from ortools.math_opt.python import mathopt

        chosen: dict[str, Any] = {"relative_gap_tolerance": 0.0, "absolute_gap_tolerance": 0.0}
        if self.solver == "highs":
            # MathOpt refuses ``threads`` for HiGHS ("must be set using globals").
            chosen["random_seed"] = 0
        if limit is not None:
            chosen["time_limit"] = datetime.timedelta(seconds=limit)
        chosen.update(extra or {})
        return mathopt.SolveParameters(**chosen)

    def solve(self, handle: Any, a: Arrays, integer: bool, limit: float | None,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
        import numpy as np
        from ortools.math_opt.python import mathopt

        model, variables, constraints = handle
        for v in variables:
            v.integer = integer
        solver = {"highs": mathopt.SolverType.HIGHS, "gscip": mathopt.SolverType.GSCIP}
        res = mathopt.solve(model, solver[self.solver], params=self.parameters(limit, extra))
        reason = res.termination.reason
        status = {mathopt.TerminationReason.OPTIMAL: "optimal",
                  mathopt.TerminationReason.INFEASIBLE: "infeasible"}.get(reason)
        if status is None:
            limit_hit = (reason in (mathopt.TerminationReason.FEASIBLE,
                                    mathopt.TerminationReason.NO_SOLUTION_FOUND)
                         and res.termination.limit == mathopt.Limit.TIME)
            status = "time_limit" if limit_hit else str(reason)
        x = None
        if res.has_primal_feasible_solution():
            x = np.asarray(res.variable_values(variables), dtype=np.float64)
        duals = None
        if not integer and res.has_dual_feasible_solution():
            duals = np.asarray(res.dual_values(constraints), dtype=np.float64)
        bound = res.termination.objective_bounds.dual_bound if integer else None
        return {"status": status, "x": x,
                "objective": None if x is None else float(a.obj @ x),
                "dual_bound": bound if bound is not None and math.isfinite(bound) else None,
                "duals": duals}


def make_interface(name: str) -> Any:
    if name == "scipy":
        return Scipy()
    if name == "highspy-pass":
        return HighspyPass()
    if name == "highspy-add":
        return HighspyAdd()
    if name.startswith("mathopt-"):
        return MathOpt(name.split("-", 1)[1])
    raise ValueError(name)


# -- one measurement, in a fresh process -------------------------------------------------------
def _models(spec: dict[str, Any]) -> list[tuple[str, Arrays]]:
    import cocreate_match as cm
    from cocreate_match.solver.citizens import build_citizen_model
    from cocreate_match.solver.politicians import build_politician_model

    scenario = cm.generate_scenario(committees=spec["committees"], citizens=spec["citizens"],
                                    politicians=politicians_for(spec["committees"]),
                                    seed=spec["seed"], choices=3, any_share=0.1)
    return [("citizens", Arrays(build_citizen_model(scenario)[0])),
            ("politicians", Arrays(build_politician_model(scenario)[0]))]


def _import_all(interface: str) -> None:
    """Import (and wake) everything before any clock starts, so that no interface pays for it."""
    import scipy.optimize
    import scipy.sparse  # noqa: F401

    if interface.startswith("highspy"):
        from cocreate_match.solver.highs import new_highs

        new_highs()  # the first instance prints HiGHS' banner; new_highs() swallows it
    if interface.startswith("mathopt"):
        from ortools.math_opt import model_pb2  # noqa: F401
        from ortools.math_opt.python import mathopt  # noqa: F401


def measure_solve(spec: dict[str, Any]) -> dict[str, Any]:
    """Build and solve both models of one scenario with one interface, ``repeat`` times."""
    import numpy as np

    _import_all(spec["interface"])
    iface = make_interface(spec["interface"])
    models = _models(spec)
    runs = []
    for _ in range(spec["repeat"]):
        gc.collect()
        before_kb = _status_kb("VmRSS")
        exact = _reset_peak()
        build_s = solve_s = 0.0
        objective = 0.0
        parts = []
        for name, a in models:
            start = time.perf_counter()
            handle = iface.build(a)
            built = time.perf_counter()
            limit = spec["mip_time_limit"]
            lp = iface.solve(handle, a, integer=False, limit=limit)
            part: dict[str, Any] = {"model": name, "lp_status": lp["status"],
                                    "lp_duals": lp["duals"] is not None}
            done = lp["status"] == "infeasible"
            if lp["status"] == "optimal":
                integral, x = iface_integral(a, lp["x"])
                part["lp_integral"] = integral
                if integral:
                    part.update(status="optimal", objective=float(a.obj @ x), step="LP")
                    done = True
            if not done:
                mip = iface.solve(handle, a, integer=True, limit=limit)
                part.update(status=mip["status"], step="MIP",
                            objective=None if mip["x"] is None
                            else float(a.obj @ np.round(mip["x"])),
                            mip_dual_bound=mip["dual_bound"])
            elif lp["status"] == "infeasible":
                part.update(status="infeasible", objective=None, step="LP")
            solved = time.perf_counter()
            build_s += built - start
            solve_s += solved - built
            if part.get("objective") is None:
                objective = math.nan
            else:
                objective += part["objective"]
            parts.append(part)
            del handle
        peak_kb = _status_kb("VmHWM") if exact else None
        runs.append({"build_s": build_s, "solve_s": solve_s, "objective": objective,
                     "parts": parts,
                     "peak_mb": None if peak_kb is None else peak_kb / 1024,
                     "rise_mb": None if peak_kb is None or before_kb is None
                     else (peak_kb - before_kb) / 1024})
    out = {"interface": spec["interface"], "runs": runs,
           "build_s": statistics.median(r["build_s"] for r in runs),
           "solve_s": statistics.median(r["solve_s"] for r in runs),
           "objective": runs[0]["objective"],
           "objectives": sorted({r["objective"] for r in runs}),
           "parts": runs[0]["parts"],
           "variables": sum(a.n_vars for _, a in models),
           "rows": sum(a.n_rows for _, a in models),
           "nonzeros": sum(len(a.vals) for _, a in models)}
    peaks = [r["peak_mb"] for r in runs if r["peak_mb"] is not None]
    rises = [r["rise_mb"] for r in runs if r["rise_mb"] is not None]
    out["peak_mb"] = max(peaks) if peaks else None
    out["rise_mb"] = max(rises) if rises else None
    out["total_s"] = out["build_s"] + out["solve_s"]
    return out


def iface_integral(a: Arrays, x: Any) -> tuple[bool, Any]:
    if x is None:
        return False, None
    return a.integral(x)


def measure_limit(spec: dict[str, Any]) -> dict[str, Any]:
    """Wall-clock seconds of the MIP step alone on the citizens' model under a time limit."""
    _import_all(spec["interface"])
    iface = make_interface(spec["interface"])
    a = _models(spec)[0][1]
    handle = iface.build(a)
    gc.collect()
    start = time.perf_counter()
    res = iface.solve(handle, a, integer=True, limit=spec["limit"])
    wall = time.perf_counter() - start
    return {"interface": spec["interface"], "limit": spec["limit"], "wall_s": wall,
            "status": res["status"], "objective": res["objective"],
            "dual_bound": res["dual_bound"]}


def measure_gaps(spec: dict[str, Any]) -> dict[str, Any]:
    """Whether zero MIP gaps can be set and reach HiGHS, and what the interface reports.

    On a small knapsack MIP (:func:`knapsack`), solved three times: with both gaps 0 (the
    optimum), with a huge absolute gap and with a huge relative gap. HiGHS finds a first
    solution before its bound is tight, so a huge tolerance that reaches it ends the search
    early with a worse objective or a dual bound above the objective; one that changes
    nothing did not reach HiGHS.
    """
    _import_all(spec["interface"])
    name = spec["interface"]
    iface = make_interface(name)
    a = Arrays(knapsack())
    out: dict[str, Any] = {"interface": name}

    # Read the options back where the interface allows it.
    if name.startswith("highspy"):
        h = iface.new()
        h.setOptionValue("time_limit", 8.0)
        out["read_back"] = {key: h.getOptionValue(key)[1]
                            for key in ("mip_abs_gap", "mip_rel_gap", "time_limit")}
    elif name.startswith("mathopt"):
        proto = iface.parameters(8.0).to_proto()
        out["read_back"] = {"absolute_gap_tolerance": proto.absolute_gap_tolerance,
                            "relative_gap_tolerance": proto.relative_gap_tolerance,
                            "time_limit": proto.time_limit.seconds,
                            "note": "SolveParameters echo; the HiGHS options are not readable"}
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Scipy().solve(Scipy().build(a), a, integer=False, limit=None,
                          extra={"mip_abs_gap": 0.0})
        out["read_back"] = {"note": "milp has no way to read options back",
                            "warnings": [str(w.message) for w in caught]}

    def run(extra: dict[str, Any]) -> dict[str, Any]:
        res = iface.solve(iface.build(a), a, integer=True, limit=60.0, extra=extra)
        return {"status": res["status"], "objective": res["objective"],
                "dual_bound": res["dual_bound"]}

    huge = 1e9
    if name == "scipy" or name.startswith("highspy"):
        zero, abs_huge, rel_huge = {}, {"mip_abs_gap": huge}, {"mip_rel_gap": huge}
    else:
        zero = {}
        abs_huge = {"absolute_gap_tolerance": huge}
        rel_huge = {"relative_gap_tolerance": huge}
    out["zero"] = run(zero)
    out["abs_huge"] = run(abs_huge)
    out["rel_huge"] = run(rel_huge)
    optimum = out["zero"]["objective"]
    for key in ("abs_huge", "rel_huge"):
        r = out[key]
        early = (r["objective"] is not None and optimum is not None
                 and r["objective"] < optimum - 0.5) or (
                     r["dual_bound"] is not None and r["objective"] is not None
                     and r["dual_bound"] > r["objective"] + 0.5)
        out[key]["reaches_highs"] = bool(early)
    out["dual_bound_reported"] = out["zero"]["dual_bound"] is not None
    lp = iface.solve(iface.build(a), a, integer=False, limit=None)
    out["lp_duals_reported"] = lp["duals"] is not None
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec["kind"]
    if kind == "solve":
        return measure_solve(spec)
    if kind == "limit":
        return measure_limit(spec)
    return measure_gaps(spec)


def run_worker(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it reports."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {**spec, "error": f"killed after {timeout:.0f} s"}
    if done.returncode != 0:
        last = " ".join(done.stderr.strip().splitlines()[-1:])
        return {**spec, "error": f"worker failed ({done.returncode}): {last}"[:300]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- reporting ---------------------------------------------------------------------------------
def _f(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(value: Any, base: Any) -> str:
    if value is None or base is None or not base:
        return "-"
    return f"{value / base:.2f}"


SOLVE_COLUMNS = ("committees", "citizens", "seed", "interface", "build s", "solve s", "total s",
                 "build ratio", "solve ratio", "total ratio", "peak MB", "rise MB",
                 "objective", "steps", "equal objective")


def solve_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for size in results:
        base = size["interfaces"].get(BASELINE, {})
        objectives = {r.get("objective") for r in size["interfaces"].values()}
        equal = len(objectives) == 1 and None not in objectives
        for name, r in size["interfaces"].items():
            if "error" in r:
                rows.append([str(size["committees"]), str(size["citizens"]), str(size["seed"]),
                             name] + ["-"] * 9 + [r["error"][:60], "-"])
                continue
            steps = "+".join(f"{p['step']}" for p in r["parts"])
            rows.append([str(size["committees"]), str(size["citizens"]), str(size["seed"]),
                         name, _f(r["build_s"]), _f(r["solve_s"]), _f(r["total_s"]),
                         _ratio(r["build_s"], base.get("build_s")),
                         _ratio(r["solve_s"], base.get("solve_s")),
                         _ratio(r["total_s"], base.get("total_s")),
                         _f(r["peak_mb"], 1), _f(r["rise_mb"], 1),
                         _f(r["objective"], 0), steps, "yes" if equal else "NO"])
    return rows


LIMIT_COLUMNS = ("interface", "limit s", "returned after s", "overrun s", "ratio to scipy",
                 "status", "objective", "dual bound")


def limit_rows(limits: list[dict[str, Any]]) -> list[list[str]]:
    base = {r["limit"]: r.get("wall_s") for r in limits if r["interface"] == BASELINE}
    rows = []
    for r in limits:
        if "error" in r:
            rows.append([r["interface"], _f(r["limit"], 0), "-", "-", "-", r["error"][:60],
                         "-", "-"])
            continue
        rows.append([r["interface"], _f(r["limit"], 0), _f(r["wall_s"], 2),
                     _f(r["wall_s"] - r["limit"], 2), _ratio(r["wall_s"], base.get(r["limit"])),
                     r["status"], _f(r["objective"], 0), _f(r["dual_bound"], 1)])
    return rows


GAP_COLUMNS = ("interface", "read back (abs, rel, time limit)", "huge abs gap stops early",
               "huge rel gap stops early", "objective with gaps 0", "MIP dual bound",
               "LP row duals")


def gap_rows(gaps: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for g in gaps:
        if "error" in g:
            rows.append([g["interface"], g["error"][:60]] + ["-"] * 5)
            continue
        back = g["read_back"]
        if "mip_abs_gap" in back:
            text = f"{back['mip_abs_gap']}, {back['mip_rel_gap']}, {back['time_limit']}"
        elif "absolute_gap_tolerance" in back:
            text = (f"{back['absolute_gap_tolerance']}, {back['relative_gap_tolerance']}, "
                    f"{back['time_limit']} (parameters only)")
        else:
            text = "not possible"
        yes = {True: "yes", False: "no"}
        rows.append([g["interface"], text, yes[g["abs_huge"]["reaches_highs"]],
                     yes[g["rel_huge"]["reaches_highs"]], _f(g["zero"]["objective"], 0),
                     yes[g["dual_bound_reported"]], yes[g["lp_duals_reported"]]])
    return rows


def markdown(columns: Sequence[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def csv_text(columns: Sequence[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


# -- the command line --------------------------------------------------------------------------
def _size(text: str) -> tuple[int, int]:
    try:
        committees, citizens = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a size must be COMMITTEESxCITIZENS such as 10x500, got {text!r}") from None
    if committees < 1 or citizens < committees * 10:
        raise argparse.ArgumentTypeError(f"too few citizens for the seats in {text!r}")
    return committees, citizens


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=_size, metavar="CxN", default=list(DEFAULT_SIZES),
                   help="committees x citizens (default: "
                        + " ".join(f"{c}x{n}" for c, n in DEFAULT_SIZES) + ")")
    p.add_argument("--seeds", nargs="+", type=int, default=list(DEFAULT_SEEDS),
                   help="scenario seeds (default: 0 7)")
    p.add_argument("--interfaces", nargs="+", choices=ALL_INTERFACES,
                   default=list(DEFAULT_INTERFACES),
                   help="interfaces to compare; scipy is always included as the baseline")
    p.add_argument("--repeat", type=int, default=3,
                   help="build+solve runs per interface and scenario, in one process; "
                        "times are medians (3)")
    p.add_argument("--mip-time-limit", type=float, default=120.0, metavar="S",
                   help="time limit of each LP and MIP step in the main table (120)")
    p.add_argument("--limits", nargs="*", type=float, default=list(DEFAULT_LIMITS), metavar="S",
                   help="time limits for the fidelity test (2 8); none to skip it")
    p.add_argument("--limit-size", type=_size, default=None, metavar="CxN",
                   help="scenario of the fidelity test (the largest of --sizes), seed 7")
    p.add_argument("--no-gaps", action="store_true", help="skip the gap and reporting checks")
    p.add_argument("--format", choices=("markdown", "csv"), default="markdown",
                   help="table format on standard output (markdown)")
    p.add_argument("--out", metavar="FILE",
                   help="also write the tables (.md or .csv) or everything (.json) to FILE")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    return p


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for package in ("numpy", "scipy", "highspy", "ortools"):
        try:
            out[package] = version(package)
        except Exception:
            out[package] = "missing"
    root = Path(__file__).resolve().parent.parent
    try:
        out["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                                       text=True, capture_output=True,
                                       check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out["commit"] = "unknown"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.worker:
        print(json.dumps(_jsonable(worker(json.loads(args.worker)))))
        return 0
    interfaces = [BASELINE] + [i for i in args.interfaces if i != BASELINE]
    sizes = sorted(args.sizes, key=lambda s: s[0] * s[1])
    versions = _versions()
    say = sys.stderr.write
    say(f"versions: {versions}; cores: {os.cpu_count()}; "
        f"load average at start: {os.getloadavg()[0]:.2f}\n")
    started = time.perf_counter()

    results = []
    for committees, citizens in sizes:
        for seed in args.seeds:
            size: dict[str, Any] = {"committees": committees, "citizens": citizens,
                                    "seed": seed, "interfaces": {}}
            for name in interfaces:
                say(f"  {name} at {committees}x{citizens} seed {seed} ...\n")
                spec = {"kind": "solve", "committees": committees, "citizens": citizens,
                        "seed": seed, "interface": name, "repeat": args.repeat,
                        "mip_time_limit": args.mip_time_limit}
                size["interfaces"][name] = run_worker(
                    spec, timeout=args.repeat * 6 * args.mip_time_limit + 300)
            results.append(size)

    limits = []
    if args.limits:
        committees, citizens = args.limit_size or sizes[-1]
        for limit in args.limits:
            for name in interfaces:
                say(f"  time limit {limit:g} s: {name} at {committees}x{citizens} seed 7 ...\n")
                spec = {"kind": "limit", "committees": committees, "citizens": citizens,
                        "seed": 7, "interface": name, "limit": limit}
                limits.append({**run_worker(spec, timeout=10 * limit + 300), "limit": limit,
                               "interface": name})

    gaps = []
    if not args.no_gaps:
        for name in interfaces:
            say(f"  gaps and reports: {name} ...\n")
            spec = {"kind": "gaps", "interface": name}
            gaps.append({**run_worker(spec, timeout=600), "interface": name})

    tables = [("Build and solve (LP first, MIP where the LP is fractional); ratios are "
               f"interface / {BASELINE}", SOLVE_COLUMNS, solve_rows(results))]
    if limits:
        committees, citizens = args.limit_size or sizes[-1]
        tables.append((f"Time-limit fidelity: MIP step on the citizens' model, "
                       f"{committees}x{citizens} seed 7", LIMIT_COLUMNS, limit_rows(limits)))
    if gaps:
        tables.append(("Gaps and reports: a 60-item knapsack MIP", GAP_COLUMNS,
                       gap_rows(gaps)))
    text = []
    for title, columns, rows in tables:
        body = markdown(columns, rows) if args.format == "markdown" else csv_text(columns, rows)
        text.append(f"{title}\n\n{body}\n")
    footer = ("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items())
              + f"; {os.cpu_count()} cores; load average at end {os.getloadavg()[0]:.2f}; "
              f"wall time {time.perf_counter() - started:.0f} s")
    print("\n".join(text) + "\n" + footer)

    if args.out:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".json":
            path.write_text(json.dumps(_jsonable({"versions": versions, "solve": results,
                                                  "limits": limits, "gaps": gaps}), indent=2)
                            + "\n", encoding="utf-8")
        elif path.suffix == ".csv":
            path.write_text("\n".join(f"# {t}\n{csv_text(c, r)}" for t, c, r in tables),
                            encoding="utf-8")
        else:
            path.write_text("\n".join(f"{t}\n\n{markdown(c, r)}\n" for t, c, r in tables)
                            + "\n" + footer + "\n", encoding="utf-8")

    agree = all(len({r.get("objective") for r in s["interfaces"].values()}) == 1
                for s in results)
    failed = any("error" in r for s in results for r in s["interfaces"].values())
    return 0 if agree and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
