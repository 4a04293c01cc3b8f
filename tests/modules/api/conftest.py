"""API client fixtures: anonymous, a plain user and an administrator."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Login throttling counts in the cache; each test starts with none."""
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
