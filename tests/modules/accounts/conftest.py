"""Fixtures of the accounts tests: API clients and a small team tree."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from modules.accounts.models import Membership, Role, Team


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
    """Signed in as `admin`, a superuser."""
    client = APIClient()
    client.force_authenticate(admin)
    return client


@pytest.fixture
def tree(db, make_user):
    """Sales > North > North East, and Support at the top; Bob manages North."""
    sales = Team.objects.create(name="Sales")
    north = Team.objects.create(name="North", parent=sales)
    north_east = Team.objects.create(name="North East", parent=north)
    support = Team.objects.create(name="Support")
    bob = make_user("bob", first_name="Bob", last_name="Builder")
    Membership.objects.create(user=bob, team=north, role=Role.MANAGER)
    return {
        "sales": sales,
        "north": north,
        "north_east": north_east,
        "support": support,
        "bob": bob,
    }
