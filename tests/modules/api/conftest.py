"""API tests start with empty throttles (the clients are in tests/fixtures/api.py)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Login throttling counts in the cache; each test starts with none."""
    cache.clear()
