"""The two ways a LEXIMIN lottery is computed, so that tests can run each.

``relaxation``: the library's first try, the LEXIMIN of the LP relaxation decomposed into
panels (it falls back on column generation by itself when the decomposition fails).
``columns``: column generation alone, as when the relaxation's point is not a lottery.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from unittest import mock

ROUTES = ("relaxation", "columns")


@contextlib.contextmanager
def route(name: str) -> Iterator[None]:
    if name == "relaxation":
        yield
        return
    assert name == "columns", name
    with mock.patch("cocreate_match.solver.leximin.relaxed_leximin", return_value=None):
        yield
