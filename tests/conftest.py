"""Shared pytest configuration.

Hypothesis runs derandomised so that a test run is reproducible: the same
examples every time, on every machine. Set HYPOTHESIS_PROFILE=explore to
search with fresh random examples.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
