"""The demo scenario shipped with the package: ten task committees in a Gentofte-like municipality.

The scenario has 10 committees of 10 citizens and 5 politicians each (climate adaptation,
health, youth and school life, senior life, business and tourism, sport, culture, integration,
urban development and mobility, digital welfare), 300 citizen applicants from the districts of
Gentofte, and a council of 19 politicians. Every rule can be met: the data were generated
around a complete valid plan by ``examples/make_demo_data.py``.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

from .scenario import Scenario
from .scenario_files import load_scenario

__all__ = ["demo_directory", "demo_scenario"]


def demo_directory() -> contextlib.AbstractContextManager[Path]:
    """The directory of the demo scenario's files, as a context manager.

    The directory holds ``mandates.toml``, ``citizens.csv`` and ``politicians.csv``. Use the
    path only inside the ``with`` block: when the package is installed as a zip file, the files
    are extracted to a temporary directory that is removed on exit.

    Returns
    -------
    contextlib.AbstractContextManager of pathlib.Path

    Examples
    --------
    >>> with demo_directory() as directory:
    ...     sorted(path.name for path in directory.iterdir())
    ['citizens.csv', 'mandates.toml', 'politicians.csv']
    """
    return as_file(files("cocreate_match") / "data" / "gentofte")


@lru_cache(maxsize=1)
def demo_scenario() -> Scenario:
    """The demo scenario, loaded with :func:`~cocreate_match.load_scenario`.

    The scenario is read once and cached; it is immutable, so every call returns the same
    object.

    Returns
    -------
    Scenario

    Examples
    --------
    >>> len(demo_scenario().mandates)
    10
    >>> s = demo_scenario()
    >>> len(s.citizens), len(s.politicians), s is demo_scenario()
    (300, 19, True)
    >>> s.mandate("climate").title
    'Climate adaptation and green transition'
    >>> [profile.name for profile in s.mandate("youth").profiles]
    ['young-person', 'school-parent', 'educator']
    """
    with demo_directory() as directory:
        return load_scenario(directory)
