"""Shared pytest configuration.

Hypothesis runs derandomised so that a test run is reproducible: the same
examples every time, on every machine. Two profiles, both deterministic:
``dev`` (the default: 20 examples a property, for a quick local ``make
test``) and ``ci`` (60 examples a property; ``.ci/run`` selects it). Set
HYPOTHESIS_PROFILE=explore to search with fresh random examples.
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
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=20)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

