"""Fixtures of the access tests: empty throttles and an entity type with record visibility."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles and other cached state start empty in every test."""
    cache.clear()


@pytest.fixture
def entity(scratch_entity):
    """A fresh entity type whose records may be non-public; returns its slug."""
    return scratch_entity(supports_visibility=True)
