"""Fixtures of the sales tests: deals hidden to other teams, teams with a manager."""

import pytest
from rest_framework.test import APIClient

from modules.access.services import AccessService
from modules.accounts.models import Membership, Role, Team
from modules.records.services import RecordService


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The users these tests make never sign in with a password: hash them cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def teams(make_user, admin):
    """Deals hidden by default, edited by their owner, seen by the owner's team; two teams
    (north, south) of two salespeople and a manager each."""
    service = AccessService()
    service.update_visibility(admin, "deals", allowed=["public", "hidden"], default="hidden")
    service.update_permissions(
        admin,
        "deals",
        system={"user": ["view", "add"], "manager": ["view", "add", "edit"]},
        objects={"owner": ["view", "edit", "delete"], "participant": ["view"]},
    )
    service.update_participants(admin, "deals", creator_team=True, users=[], teams=[])
    people = {}
    for name in ("north", "south"):
        team = Team.objects.create(name=f"Sales {name}")
        for n in (1, 2):
            person = make_user(f"{name}{n}")
            Membership.objects.create(user=person, team=team, role=Role.USER)
            people[f"{name}{n}"] = person
        boss = make_user(f"{name}_boss")
        Membership.objects.create(user=boss, team=team, role=Role.MANAGER)
        people[f"{name}_boss"] = boss
    return people


@pytest.fixture
def make_deal():
    def make(user, name="Deal", **values):
        return RecordService().create(user, "deals", {"name": name, **values})

    return make
