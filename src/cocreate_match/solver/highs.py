"""One place that creates HiGHS instances (through ``highspy``), quiet and with exact gaps.

``highspy`` is used rather than ``scipy.optimize.milp`` because it can set the absolute MIP gap
(SciPy fixes it at HiGHS' default 1e-6), reports the MIP's dual bound and the LP's duals, keeps
a model between solves (warm starts when only the objective or a bound changes), and stops at
its time limit inside the solve.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .linear import LinearModel

_LOCK = threading.Lock()
_BANNER_SHOWN = False


def new_highs(time_limit: float | None = None) -> Any:
    """A ``highspy.Highs`` that prints nothing, with zero relative and absolute MIP gaps.

    HiGHS writes a banner to the process's standard output the first time an instance is
    made (before any option can be set), which would corrupt output written to a pipe; that
    first construction runs with file descriptor 1 pointed at the null device.
    """
    import highspy

    make: Any = highspy.Highs  # highspy's constructor carries no type annotations
    global _BANNER_SHOWN
    with _LOCK:
        if _BANNER_SHOWN:
            h = make()
        else:
            h = _construct_silently(make)
            _BANNER_SHOWN = True
    for name, value in (("output_flag", False), ("log_to_console", False),
                        ("mip_rel_gap", 0.0), ("mip_abs_gap", 0.0), ("threads", 1),
                        ("random_seed", 0)):
        h.setOptionValue(name, value)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 0.001))
    return h


def highs_model(model: LinearModel, *, integer: bool) -> Any:
    """A HiGHS instance holding ``model``'s variables, bounds and rows, maximising (the
    objective is left to the caller); its variables integer when ``integer``."""
    import highspy
    import numpy as np
    from scipy.sparse import csr_array

    lb, ub, _, rows, cols, vals, row_lb, row_ub = model.arrays()
    h = new_highs()
    h.addVars(model.n_vars, lb, ub)
    if integer and model.n_vars:
        h.changeColsIntegrality(model.n_vars, np.arange(model.n_vars, dtype=np.int32),
                                np.full(model.n_vars, int(highspy.HighsVarType.kInteger),
                                        dtype=np.uint8))
    a = csr_array((vals, (rows, cols)), shape=(model.n_rows, model.n_vars))
    a.sum_duplicates()
    if model.n_rows:
        h.addRows(model.n_rows, row_lb, row_ub, a.nnz, a.indptr.astype(np.int32),
                  a.indices.astype(np.int32), a.data.astype(np.float64))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def _construct_silently(make: Any) -> Any:
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no file descriptor 1 (embedded interpreters)
        return make()
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            return make()
        finally:
            os.dup2(saved, 1)
            os.close(null)
    finally:
        os.close(saved)
