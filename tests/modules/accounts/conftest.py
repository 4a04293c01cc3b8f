"""Fixtures of the accounts tests: empty throttles and a small team tree."""

import pytest
from django.core.cache import cache

from modules.accounts.models import Membership, Role, Team


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles and other cached state start empty in every test."""
    cache.clear()


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
