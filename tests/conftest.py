"""Hypothesis settings profiles, chosen with the HYPOTHESIS_PROFILE environment variable.

``default``
    A modest number of examples, derandomized so that every CI run tests the same inputs.
``thorough``
    Many more examples, freshly randomized, for a hunt before a release:
    ``HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
