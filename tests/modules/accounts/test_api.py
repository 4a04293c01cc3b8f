"""The users and teams API: CRUD, who may do what, and the tree's guards."""

import pytest
from django.contrib.auth import authenticate

from modules.accounts.models import Membership, Role, Team, User
from modules.api.schema import openapi_document
from modules.metamodel.runtime import get_snapshot

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
TEAMS = "/api/v1/teams/"
STRONG = "Correct-Horse-42"


def parents() -> dict:
    return {
        t.name: t.parent.name if t.parent else None for t in Team.objects.select_related("parent")
    }


def members(team) -> set:
    return {(m.user.username, m.role) for m in team.memberships.select_related("user")}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "detail", "errors"}
    assert body["code"] == code
    assert body["detail"]
    return body


# -- who may do what ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", USERS),
        ("post", USERS),
        ("get", f"{USERS}1/"),
        ("patch", f"{USERS}1/"),
        ("get", TEAMS),
        ("post", TEAMS),
        ("get", f"{TEAMS}1/"),
        ("patch", f"{TEAMS}1/"),
        ("delete", f"{TEAMS}1/"),
    ],
)
def test_anonymous_callers_get_401(api_client, method, path):
    # when
    response = getattr(api_client, method)(path, {}, format="json")
    # then
    assert_error(response, 401, "not_authenticated")


def test_non_administrators_may_not_write(user_client, tree, user):
    # given
    before = parents()
    north = tree["north"].pk
    calls = [
        ("post", USERS, {"username": "mallory"}),
        ("patch", f"{USERS}{user.pk}/", {"first_name": "Me"}),
        ("patch", f"{USERS}{tree['bob'].pk}/", {"is_active": False}),
        ("post", TEAMS, {"name": "Mine"}),
        ("patch", f"{TEAMS}{north}/", {"name": "Renamed", "members": []}),
        ("delete", f"{TEAMS}{tree['north_east'].pk}/", None),
        ("patch", f"{TEAMS}999999999/", {"name": "X"}),
    ]
    for method, path, body in calls:
        # when
        response = getattr(user_client, method)(path, body, format="json")
        # then
        body = assert_error(response, 403, "permission_denied")
        assert "administrators" in body["detail"]
    assert parents() == before
    assert not User.objects.filter(username="mallory").exists()
    assert User.objects.get(pk=tree["bob"].pk).is_active
    assert members(Team.objects.get(pk=north)) == {("bob", "manager")}


def test_non_administrators_read_only_what_a_picker_needs(user_client, tree, admin):
    # when
    users = user_client.get(USERS).json()["results"]
    one = user_client.get(f"{USERS}{tree['bob'].pk}/").json()
    teams = user_client.get(TEAMS).json()["results"]
    team = user_client.get(f"{TEAMS}{tree['north'].pk}/").json()
    # then
    assert all(set(u) == {"id", "username", "name", "status"} for u in users)
    assert {
        "id": tree["bob"].pk,
        "username": "bob",
        "name": "Bob Builder",
        "status": "active",
    } in users
    assert one == {
        "id": tree["bob"].pk,
        "username": "bob",
        "name": "Bob Builder",
        "status": "active",
    }
    assert {"id": tree["north"].pk, "name": "North"} in teams
    assert all(set(t) == {"id", "name"} for t in teams)
    assert team == {"id": tree["north"].pk, "name": "North"}


def test_administrators_read_every_key(admin_client, tree, admin):
    # when
    bob = admin_client.get(f"{USERS}{tree['bob'].pk}/").json()
    me = admin_client.get(f"{USERS}{admin.pk}/").json()
    north = admin_client.get(f"{TEAMS}{tree['north'].pk}/").json()
    # then
    assert bob == {
        "id": tree["bob"].pk,
        "username": "bob",
        "name": "Bob Builder",
        "first_name": "Bob",
        "last_name": "Builder",
        "email": "bob@example.com",
        "status": "active",
        "is_active": True,
        "must_change_password": False,
        "deleted_at": None,
        "anonymised_at": None,
        "is_administrator": False,
        "teams": [{"team": tree["north"].pk, "role": "manager"}],
    }
    assert me["is_administrator"] is True
    assert "password" not in bob
    assert north == {
        "id": tree["north"].pk,
        "name": "North",
        "parent": tree["sales"].pk,
        "members": [{"user": tree["bob"].pk, "role": "manager"}],
    }


def test_missing_ids_are_404_for_everyone(admin_client, user_client):
    for client in (admin_client, user_client):
        for path in (f"{USERS}987654321/", f"{TEAMS}987654321/"):
            assert_error(client.get(path), 404, "not_found")
    assert_error(admin_client.patch(f"{TEAMS}987654321/", {}, format="json"), 404, "not_found")
    assert_error(admin_client.delete(f"{TEAMS}987654321/"), 404, "not_found")
    assert_error(admin_client.patch(f"{USERS}987654321/", {}, format="json"), 404, "not_found")


# -- users ----------------------------------------------------------------------------------------
def test_an_administrator_creates_a_user_with_a_password_and_teams(admin_client, tree):
    # when
    response = admin_client.post(
        USERS,
        {
            "username": "carol",
            "password": STRONG,
            "first_name": "Carol",
            "last_name": "Jones",
            "email": "Carol@EXAMPLE.com",
            "teams": [
                {"team": tree["support"].pk, "role": "administrator"},
                {"team": tree["north"].pk, "role": "user"},
            ],
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body
    assert body["username"] == "carol" and body["name"] == "Carol Jones"
    assert body["email"] == "Carol@example.com"
    assert body["is_administrator"] is True
    assert sorted(body["teams"], key=lambda t: t["team"]) == sorted(
        [
            {"team": tree["support"].pk, "role": "administrator"},
            {"team": tree["north"].pk, "role": "user"},
        ],
        key=lambda t: t["team"],
    )
    assert authenticate(username="carol", password=STRONG).pk == body["id"]


def test_a_user_created_without_a_password_cannot_sign_in_with_one(admin_client):
    # when
    response = admin_client.post(USERS, {"username": "dave"}, format="json")
    # then
    assert response.status_code == 201
    dave = User.objects.get(username="dave")
    assert not dave.has_usable_password()
    assert dave.is_active
    assert response.json()["teams"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "eve", "password": "123"}, "password"),
        ({"username": "eve", "password": "password1"}, "password"),
        ({"username": "bad name!"}, "username"),
        ({"username": ""}, "username"),
        ({"username": "eve", "email": "not an email"}, "email"),
        ({"username": "eve", "is_active": "yes"}, "is_active"),
        ({"username": "eve", "teams": [{"team": 987654321, "role": "user"}]}, "teams.0.team"),
        ({"username": "eve", "teams": [{"team": 1, "role": "boss"}]}, "teams.0.role"),
        ({"username": "eve", "superuser": True}, "superuser"),
        ({"username": "eve", "is_administrator": True}, "is_administrator"),
    ],
)
def test_invalid_users_are_refused_naming_the_key(admin_client, body, field):
    # when
    response = admin_client.post(USERS, body, format="json")
    # then
    result = assert_error(response, 400, "invalid")
    assert field in result["errors"], result
    assert not User.objects.filter(username="eve").exists()


def test_usernames_are_unique_whatever_the_case(admin_client, tree):
    # when
    response = admin_client.post(USERS, {"username": "BOB"}, format="json")
    # then
    body = assert_error(response, 400, "duplicate_name")
    assert list(body["errors"]) == ["username"]
    assert User.objects.filter(username__iexact="bob").count() == 1


def test_an_administrator_changes_a_user(admin_client, tree):
    # given
    bob = tree["bob"]
    # when
    response = admin_client.patch(
        f"{USERS}{bob.pk}/",
        {
            "first_name": "Robert",
            "email": "robert@example.com",
            "is_active": False,
            "password": STRONG,
            "teams": [{"team": tree["sales"].pk, "role": "manager"}],
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["email"], body["is_active"]) == (
        "Robert Builder",
        "robert@example.com",
        False,
    )
    assert body["teams"] == [{"team": tree["sales"].pk, "role": "manager"}]
    assert not Membership.objects.filter(user=bob, team=tree["north"]).exists()
    bob.refresh_from_db()
    assert bob.check_password(STRONG)


def test_a_patch_with_only_some_keys_keeps_the_rest(admin_client, tree):
    # when
    response = admin_client.patch(f"{USERS}{tree['bob'].pk}/", {"last_name": "B."}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["teams"] == [{"team": tree["north"].pk, "role": "manager"}]
    assert response.json()["first_name"] == "Bob"


def test_null_password_takes_the_password_away(admin_client, tree):
    # when
    response = admin_client.patch(f"{USERS}{tree['bob'].pk}/", {"password": None}, format="json")
    # then
    assert response.status_code == 200
    assert not User.objects.get(pk=tree["bob"].pk).has_usable_password()


def test_an_administrator_cannot_deactivate_themselves(admin_client, admin):
    # when
    response = admin_client.patch(f"{USERS}{admin.pk}/", {"is_active": False}, format="json")
    # then
    body = assert_error(response, 400, "invalid")
    assert "is_active" in body["errors"]
    assert User.objects.get(pk=admin.pk).is_active


def test_the_last_administrator_cannot_be_removed(make_user, tree):
    # given a team administrator who is the only administrator there is
    from rest_framework.test import APIClient

    boss = make_user("boss")
    Membership.objects.create(user=boss, team=tree["support"], role=Role.ADMINISTRATOR)
    client = APIClient()
    client.force_authenticate(boss)
    # when they drop their own administrator role, through the user or through the team
    by_user = client.patch(f"{USERS}{boss.pk}/", {"teams": []}, format="json")
    by_team = client.patch(f"{TEAMS}{tree['support'].pk}/", {"members": []}, format="json")
    by_delete = client.delete(f"{TEAMS}{tree['support'].pk}/")
    # then
    for response in (by_user, by_team, by_delete):
        assert_error(response, 400, "last_administrator")
    assert members(Team.objects.get(pk=tree["support"].pk)) == {("boss", "administrator")}


def test_users_can_be_searched_and_filtered(user_client, tree, make_user):
    # given
    make_user("zed", first_name="Zed", is_active=False)
    # when
    found = user_client.get(USERS, {"search": "BUILD"}).json()["results"]
    inactive = user_client.get(USERS, {"is_active": "false"}).json()["results"]
    everyone = user_client.get(USERS).json()["results"]
    # then
    assert [u["username"] for u in found] == ["bob"]
    assert [u["username"] for u in inactive] == ["zed"]
    assert [u["username"] for u in everyone] == sorted(u["username"] for u in everyone)
    assert_error(user_client.get(USERS, {"is_active": "maybe"}), 400, "invalid")
    assert (
        "ordering"
        in assert_error(user_client.get(USERS, {"ordering": "x"}), 400, "invalid")["errors"]
    )


# -- teams ----------------------------------------------------------------------------------------
def test_an_administrator_creates_reads_changes_and_deletes_a_team(admin_client, tree, user):
    # when
    created = admin_client.post(
        TEAMS,
        {
            "name": "  Sales West ",
            "parent": tree["sales"].pk,
            "members": [
                {"user": user.pk, "role": "user"},
                {"user": tree["bob"].pk, "role": "manager"},
            ],
        },
        format="json",
    )
    # then
    assert created.status_code == 201, created.content
    team = created.json()
    assert team["name"] == "Sales West"
    assert team["parent"] == tree["sales"].pk
    assert sorted(team["members"], key=lambda m: m["user"]) == sorted(
        [{"user": user.pk, "role": "user"}, {"user": tree["bob"].pk, "role": "manager"}],
        key=lambda m: m["user"],
    )
    # when
    changed = admin_client.patch(
        f"{TEAMS}{team['id']}/",
        {"name": "West", "parent": None, "members": [{"user": user.pk, "role": "manager"}]},
        format="json",
    )
    # then
    assert changed.status_code == 200, changed.content
    assert changed.json() == {
        "id": team["id"],
        "name": "West",
        "parent": None,
        "members": [{"user": user.pk, "role": "manager"}],
    }
    # when
    deleted = admin_client.delete(f"{TEAMS}{team['id']}/")
    # then
    assert deleted.status_code == 204
    assert not Team.objects.filter(pk=team["id"]).exists()
    assert User.objects.filter(pk=user.pk).exists()


def test_the_team_list_is_the_tree_depth_first(admin_client, tree):
    # when
    names = [t["name"] for t in admin_client.get(TEAMS).json()["results"]]
    # then
    assert names == ["Sales", "North", "North East", "Support"]


def test_a_patch_without_members_keeps_them(admin_client, tree):
    # when
    response = admin_client.patch(f"{TEAMS}{tree['north'].pk}/", {"name": "N"}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["members"] == [{"user": tree["bob"].pk, "role": "manager"}]


@pytest.mark.parametrize("under", ["north", "north_east", "sales"])
def test_a_parent_that_makes_a_cycle_is_refused_naming_parent(admin_client, tree, under):
    # given
    before = parents()
    # when Sales is put under itself or under one of its own sub-teams
    response = admin_client.patch(
        f"{TEAMS}{tree['sales'].pk}/", {"parent": tree[under].pk, "name": "Sales 2"}, format="json"
    )
    # then
    body = assert_error(response, 400, "team_cycle")
    assert list(body["errors"]) == ["parent"]
    assert parents() == before
    assert Team.objects.filter(name="Sales").exists()


def test_moving_a_team_elsewhere_in_the_tree_works(admin_client, tree):
    # when North East moves to the top and Sales under Support
    first = admin_client.patch(f"{TEAMS}{tree['north_east'].pk}/", {"parent": None}, format="json")
    second = admin_client.patch(
        f"{TEAMS}{tree['sales'].pk}/", {"parent": tree["support"].pk}, format="json"
    )
    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert parents() == {
        "Sales": "Support",
        "North": "Sales",
        "North East": None,
        "Support": None,
    }


@pytest.mark.parametrize("name", ["Support", "support", " SUPPORT "])
def test_team_names_are_unique(admin_client, tree, name):
    # when
    created = admin_client.post(TEAMS, {"name": name}, format="json")
    renamed = admin_client.patch(f"{TEAMS}{tree['north'].pk}/", {"name": name}, format="json")
    # then
    for response in (created, renamed):
        body = assert_error(response, 400, "duplicate_name")
        assert list(body["errors"]) == ["name"]
    assert Team.objects.filter(name__iexact="support").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"name": 5}, "name"),
        ({"name": "T", "parent": 987654321}, "parent"),
        ({"name": "T", "parent": "1"}, "parent"),
        ({"name": "T", "members": [{"user": 987654321, "role": "user"}]}, "members.0.user"),
        ({"name": "T", "members": [{"user": 1, "role": "owner"}]}, "members.0.role"),
        ({"name": "T", "members": [{"user": 1}]}, "members.0.role"),
        ({"name": "T", "colour": "red"}, "colour"),
    ],
)
def test_invalid_teams_are_refused_naming_the_key(admin_client, body, field):
    # when
    response = admin_client.post(TEAMS, body, format="json")
    # then
    result = assert_error(response, 400, "invalid")
    assert field in result["errors"], result
    assert not Team.objects.exists()


def test_a_member_listed_twice_is_refused(admin_client, user):
    # when
    response = admin_client.post(
        TEAMS,
        {
            "name": "Twice",
            "members": [{"user": user.pk, "role": "user"}, {"user": user.pk, "role": "manager"}],
        },
        format="json",
    )
    # then
    body = assert_error(response, 400, "invalid")
    assert "members.1.user" in body["errors"]
    assert not Team.objects.filter(name="Twice").exists()


def test_a_team_with_sub_teams_cannot_be_deleted(admin_client, tree):
    # when
    response = admin_client.delete(f"{TEAMS}{tree['north'].pk}/")
    # then
    body = assert_error(response, 400, "team_has_children")
    assert "North East" in body["detail"]
    assert Team.objects.filter(pk=tree["north"].pk).exists()


def test_a_team_other_data_refers_to_cannot_be_deleted(admin_client, tree):
    # given a record grant for the team (the access module's)
    access = pytest.importorskip("modules.access.models")
    from modules.metamodel.models import EntityType

    access.RecordGrant.objects.create(
        entity_type=EntityType.objects.get(slug="persons"),
        record_id=1,
        role="participant",
        team=tree["support"],
    )
    # when
    response = admin_client.delete(f"{TEAMS}{tree['support'].pk}/")
    # then
    body = assert_error(response, 400, "team_in_use")
    assert "Support" in body["detail"]
    assert Team.objects.filter(pk=tree["support"].pk).exists()


def test_a_team_only_members_belong_to_can_be_deleted(admin_client, tree):
    # when
    response = admin_client.delete(f"{TEAMS}{tree['north_east'].pk}/")
    # then
    assert response.status_code == 204
    assert parents() == {"Sales": None, "North": "Sales", "Support": None}


def test_messages_follow_the_callers_language(admin_client, tree):
    # when
    response = admin_client.delete(f"{TEAMS}{tree['north'].pk}/", HTTP_ACCEPT_LANGUAGE="pl")
    # then
    body = assert_error(response, 400, "team_has_children")
    assert "North East" in body["detail"]
    assert (
        body["detail"] == "Zespół North ma podzespoły (North East); najpierw je przenieś lub usuń."
    )


# -- OpenAPI --------------------------------------------------------------------------------------
def test_the_openapi_document_describes_users_and_teams(admin_client):
    # when
    document = openapi_document(get_snapshot())
    # then
    paths = document["paths"]
    assert set(paths["/api/v1/users/"]) >= {"get", "post"}
    assert set(paths["/api/v1/users/{id}/"]) >= {"get", "patch"}
    assert set(paths["/api/v1/teams/"]) >= {"get", "post"}
    assert set(paths["/api/v1/teams/{id}/"]) >= {"get", "patch", "delete"}
    schemas = document["components"]["schemas"]
    assert set(schemas["User"]["required"]) == {"id", "username", "name", "status"}
    assert "password" not in schemas["User"]["properties"]
    assert "password" in schemas["UserCreateRequest"]["properties"]
    assert set(schemas["Team"]["required"]) == {"id", "name"}
    assert schemas["Team"]["properties"]["members"]["type"] == "array"


def test_only_administrators_search_emails(user_client, admin_client, make_user):
    # given
    quiet = make_user("quiet")
    User.objects.filter(pk=quiet.pk).update(email="secret.address@example.org")
    # when
    as_user = user_client.get(USERS, {"search": "secret.address"}).json()["results"]
    as_admin = admin_client.get(USERS, {"search": "secret.address"}).json()["results"]
    # then
    assert as_user == []
    assert [u["username"] for u in as_admin] == ["quiet"]


def test_default_participants_count_as_use_but_their_history_does_not(admin_client, tree):
    # given the team is a default participant of persons (the access module's settings)
    access = pytest.importorskip("modules.access.models")
    from modules.metamodel.models import EntityType

    settings, _created = access.EntityAccess.objects.get_or_create(
        entity_type=EntityType.objects.get(slug="persons")
    )
    settings.default_participant_teams.add(tree["support"])
    # when
    refused = admin_client.delete(f"{TEAMS}{tree['support'].pk}/")
    settings.default_participant_teams.remove(tree["support"])
    deleted = admin_client.delete(f"{TEAMS}{tree['support'].pk}/")
    # then
    assert_error(refused, 400, "team_in_use")
    assert deleted.status_code == 204, deleted.content
    assert not Team.objects.filter(name="Support").exists()


def test_users_and_teams_are_paged_like_every_list(admin_client, tree):
    # given more teams and users than one page holds
    # when
    first = admin_client.get(TEAMS, {"page_size": 2, "count": "true"}).json()
    second = admin_client.get(first["next"]).json()
    back = admin_client.get(second["previous"]).json()
    users = admin_client.get(USERS, {"page_size": 1}).json()
    following = admin_client.get(users["next"]).json()
    # then pages follow one another without gaps or repeats, in the list's order
    everyone = [t["name"] for t in admin_client.get(TEAMS, {"page_size": 500}).json()["results"]]
    assert len(everyone) > 2
    assert [t["name"] for t in first["results"] + second["results"]] == everyone[:4]
    assert first["previous"] is None and first["count"] == len(everyone)
    assert back["results"] == first["results"]
    assert users["previous"] is None
    assert users["results"][0]["username"] < following["results"][0]["username"]
    assert_error(admin_client.get(TEAMS, {"cursor": "nonsense"}), 400, "invalid_cursor")
    assert_error(admin_client.get(TEAMS, {"page_size": 0}), 400, "invalid")
    assert_error(admin_client.get(TEAMS, {"sort": "name"}), 400, "invalid")
