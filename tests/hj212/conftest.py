"""Shared settings for the HJ 212 tests.

The Hypothesis profile is registered, not loaded: loading it here would change the settings
of every other test in the session. Tests opt in with ``@settings.get_profile("hj212")``.
"""

from hypothesis import HealthCheck, settings

# derandomize: CI runs are repeatable; database=None: nothing written next to the sources.
settings.register_profile(
    "hj212",
    derandomize=True,
    database=None,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
