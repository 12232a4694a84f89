"""Shared by the API tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_throttle_counts():
    """Throttle counts live in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()
