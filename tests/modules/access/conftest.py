"""Fixtures of the access tests: API clients and an entity type with record visibility."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles and other cached state start empty in every test."""
    cache.clear()


@pytest.fixture
def api_client():
    """A client that has not signed in."""
    return APIClient()


@pytest.fixture
def user_client(user):
    """Signed in as `user`, who is not an administrator."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin_client(admin):
    """Signed in as `admin`, an administrator."""
    client = APIClient()
    client.force_authenticate(admin)
    return client


@pytest.fixture
def entity(scratch_entity):
    """A fresh entity type whose records may be non-public; returns its slug."""
    return scratch_entity(supports_visibility=True)
