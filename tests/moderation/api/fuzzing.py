"""Hypothesis settings of the API fuzz tests (schemathesis' and the Akismet one)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

REPEATABLE = settings(
    deadline=None,
    derandomize=True,  # the same examples on every run: CI results are repeatable
    database=None,
    # Requests are slow next to plain functions, and the database fixture is per test.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
