"""Hypothesis settings profiles, chosen with the HYPOTHESIS_PROFILE environment variable.

``default``
    A modest number of examples, derandomized so that every CI run tests the same inputs.
``thorough``
    Many more examples, freshly randomized, for a hunt before a release:
    ``HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from cocreate_match.messages import set_language

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("default"),
    max_examples=500,
    derandomize=False,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English texts whatever the machine's locale, and leave English behind."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    yield
    set_language("en")


@pytest.fixture
def language() -> Iterator[None]:
    """For tests that switch the language: English comes back, whatever happens (as it does
    for every test; named so that such a test says it)."""
    try:
        yield
    finally:
        set_language("en")
