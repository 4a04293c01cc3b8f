"""The user and team lookups behind the owner, participants and user-field pickers."""

import pytest

from modules.accounts.models import Team
from modules.accounts.screens.lookup import LOOKUP_LIMIT

LOOKUP = "/lookup/users/"

pytestmark = pytest.mark.django_db


def found(client, q):
    response = client.get(LOOKUP, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def titles(client, q):
    return [row["title"] for row in found(client, q)]


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(LOOKUP, {"q": "a"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_finds_active_users_by_name_and_username(client, user, make_user):
    anna = make_user("anowak", first_name="Anna", last_name="Nowak")
    make_user("anna2", first_name="Anna", last_name="Zielińska", is_active=False)
    make_user("piotr", first_name="Piotr", last_name="Kowalski")
    client.force_login(user)
    assert found(client, "nowak") == [{"id": anna.pk, "title": "Anna Nowak (anowak)"}]
    assert titles(client, "anna") == ["Anna Nowak (anowak)"]  # the inactive one is left out
    assert titles(client, "ann now") == ["Anna Nowak (anowak)"]
    assert titles(client, "PIOTR") == ["Piotr Kowalski (piotr)"]
    assert titles(client, "nobody") == []


def test_only_administrators_find_users_by_email(client, user, admin, make_user):
    make_user("quiet", first_name="Quiet", last_name="One")  # quiet@example.com
    client.force_login(user)
    assert titles(client, "quiet@example") == []
    client.force_login(admin)
    assert titles(client, "quiet@example") == ["Quiet One (quiet)"]


def test_it_returns_at_most_the_limit_in_name_order(client, user, make_user):
    for i in range(LOOKUP_LIMIT + 5):
        make_user(f"sales{i:02}", first_name="Sales", last_name=f"Rep {i:02}")
    client.force_login(user)
    rows = titles(client, "sales")
    assert len(rows) == LOOKUP_LIMIT
    assert rows[:2] == ["Sales Rep 00 (sales00)", "Sales Rep 01 (sales01)"]


def test_it_finds_teams_by_name(client, user):
    north = Team.objects.create(name="Sales North")
    Team.objects.create(name="Sales South")
    Team.objects.create(name="Support")
    client.force_login(user)
    response = client.get("/lookup/teams/", {"q": "sales"})
    assert [row["title"] for row in response.json()] == ["Sales North", "Sales South"]
    assert client.get("/lookup/teams/", {"q": "sal nor"}).json() == [
        {"id": north.pk, "title": "Sales North"}
    ]
    client.logout()
    assert client.get("/lookup/teams/").status_code == 302
