"""The access settings API: /meta/entity-types/{slug}/visibility|permissions|participants/."""

import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator

from modules.access import grants
from modules.access.services import AccessService
from modules.accounts.models import Team
from modules.api import routes
from modules.core.exceptions import PermissionDenied
from modules.metamodel.models import SchemaState
from modules.records.services import RecordService
from tests.support.permission_tables import ALL_ACTIONS, OBJECT_DEFAULTS, SYSTEM_DEFAULTS

META = "/api/v1/meta/entity-types"
PARTS = ("visibility", "permissions", "participants")


def version():
    return SchemaState.current()[0]


def part_url(slug, part):
    return f"{META}/{slug}/{part}/"


def stored(slug):
    """The settings as a fresh snapshot sees them."""
    return AccessService().settings(slug)


# -- who may read and write --------------------------------------------------------------------
@pytest.mark.parametrize("part", PARTS)
def test_anonymous_users_get_401_and_change_nothing(api_client, entity, part):
    # given
    before = version()
    # when
    read = api_client.get(part_url(entity, part))
    write = api_client.put(part_url(entity, part), {}, format="json")
    # then
    assert read.status_code == write.status_code == 401
    assert read.json()["code"] == "not_authenticated"
    assert set(write.json()) >= {"code", "detail", "errors"}
    assert version() == before


@pytest.mark.parametrize("part", PARTS)
def test_plain_users_read_but_get_403_on_writes(user_client, entity, part):
    # given
    before = version()
    # when
    read = user_client.get(part_url(entity, part))
    write = user_client.put(part_url(entity, part), {}, format="json")
    # then
    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["code"] == "permission_denied"
    assert version() == before


@pytest.mark.parametrize("part", PARTS)
def test_an_unknown_entity_type_is_a_404(admin_client, db, part):
    # when
    read = admin_client.get(part_url("nothing_here", part))
    write = admin_client.put(part_url("nothing_here", part), {"bad": 1}, format="json")
    # then
    assert read.status_code == write.status_code == 404
    assert read.json()["code"] == write.json()["code"] == "not_found"


def test_the_defaults_of_a_new_entity_type(user_client, entity):
    # when
    visibility = user_client.get(part_url(entity, "visibility")).json()
    permissions = user_client.get(part_url(entity, "permissions")).json()
    participants = user_client.get(part_url(entity, "participants")).json()
    # then
    assert visibility == {"allowed": ["public", "non_public", "hidden"], "default": "public"}
    assert permissions["object_roles"] == ["owner", "participant"]
    assert permissions["system"] == SYSTEM_DEFAULTS
    assert permissions["objects"] == OBJECT_DEFAULTS
    assert participants == {"creator_team": True, "users": [], "teams": []}


# -- visibility ---------------------------------------------------------------------------------
def test_visibility_roundtrips_and_new_records_get_the_new_default(admin_client, admin, entity):
    # given: the settings were read once already, in the same process
    admin_client.get(part_url(entity, "visibility"))
    before = version()
    payload = {"allowed": ["public", "hidden"], "default": "hidden"}
    # when
    response = admin_client.put(part_url(entity, "visibility"), payload, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json() == payload
    assert admin_client.get(part_url(entity, "visibility")).json() == payload
    assert version() == before + 1
    record = RecordService().create(admin, entity, {})
    assert record.visibility == "hidden"


def test_a_visibility_key_left_out_keeps_its_value(admin_client, entity):
    # when
    response = admin_client.put(
        part_url(entity, "visibility"), {"default": "non_public"}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "allowed": ["public", "non_public", "hidden"],
        "default": "non_public",
    }


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"allowed": ["public", "hidden"], "default": "non_public"}, "default"),
        ({"allowed": ["public", "secret"], "default": "public"}, "allowed"),
        ({"allowed": [], "default": "public"}, "allowed"),
        ({"allowed": "public", "default": "public"}, "allowed"),
        ({"allowed": [3], "default": "public"}, "allowed.0"),
        ({"default": "nowhere"}, "default"),
        ({"default": "public", "colour": "red"}, "colour"),
    ],
)
def test_invalid_visibility_is_a_400_naming_the_key(admin_client, entity, payload, key):
    # given
    before, settings = version(), stored(entity)
    # when
    response = admin_client.put(part_url(entity, "visibility"), payload, format="json")
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert key in body["errors"], body
    assert version() == before
    assert stored(entity) == settings


def test_a_type_without_record_visibility_stays_public(admin_client, scratch_entity):
    # given
    slug = scratch_entity(supports_visibility=False)
    # when
    refused = admin_client.put(
        part_url(slug, "visibility"), {"allowed": ["public", "hidden"]}, format="json"
    )
    kept = admin_client.put(part_url(slug, "visibility"), {"allowed": ["public"]}, format="json")
    # then
    assert refused.status_code == 400
    assert "allowed" in refused.json()["errors"]
    assert kept.status_code == 200
    assert kept.json() == {"allowed": ["public"], "default": "public"}


# -- permissions --------------------------------------------------------------------------------
def test_permissions_roundtrip_and_parts_left_out_stay(admin_client, entity):
    # given
    admin_client.get(part_url(entity, "permissions"))
    before = version()
    # when
    response = admin_client.put(
        part_url(entity, "permissions"),
        {"system": {"user": ["export", "view"]}},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["system"] == {"manager": ALL_ACTIONS, "user": ["view", "export"]}
    assert body["object_roles"] == ["owner", "participant"]
    assert body["objects"]["participant"] == ["view", "view_history"]
    assert admin_client.get(part_url(entity, "permissions")).json() == body
    assert version() == before + 1


def test_object_roles_are_switched_on_with_their_permission_sets(admin_client, entity):
    # when
    response = admin_client.put(
        part_url(entity, "permissions"),
        {
            "object_roles": ["owner", "responsible", "author"],
            "objects": {"responsible": ["edit", "view"], "owner": ["view"]},
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["object_roles"] == ["author", "responsible", "owner"]
    assert body["objects"] == {"author": [], "responsible": ["view", "edit"], "owner": ["view"]}
    assert stored(entity)["object_roles"] == ["author", "responsible", "owner"]


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"object_roles": ["participant"]}, "object_roles"),
        ({"object_roles": ["owner", "boss"]}, "object_roles"),
        ({"system": {"user": ["view", "fly"]}}, "system.user"),
        ({"system": {"administrator": ["view"]}}, "system.administrator"),
        ({"system": {"user": "view"}}, "system.user"),
        ({"objects": {"owner": ["view", "add"]}}, "objects.owner"),
        ({"objects": {"author": ["view"]}}, "objects.author"),
        ({"objects": ["owner"]}, "objects"),
        ({"roles": ["owner"]}, "roles"),
    ],
)
def test_invalid_permissions_are_a_400_and_change_nothing(admin_client, entity, payload, key):
    # given
    before, settings = version(), stored(entity)
    # when
    response = admin_client.put(part_url(entity, "permissions"), payload, format="json")
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert key in body["errors"], body
    assert version() == before
    assert stored(entity) == settings


def test_the_system_matrix_applies_to_plain_users_at_once(admin_client, user, entity):
    # given: users may add records of this type
    RecordService().create(user, entity, {})
    # when: they may no longer
    response = admin_client.put(
        part_url(entity, "permissions"), {"system": {"user": ["view"]}}, format="json"
    )
    # then
    assert response.status_code == 200
    with pytest.raises(PermissionDenied):
        RecordService().create(user, entity, {})


# -- participants -------------------------------------------------------------------------------
def test_participants_roundtrip_and_new_records_invite_them(admin_client, admin, make_user, entity):
    # given
    colleague = make_user("colleague")
    team = Team.objects.create(name="Sales")
    admin_client.get(part_url(entity, "participants"))
    payload = {"creator_team": False, "users": [colleague.pk], "teams": [team.pk]}
    # when
    response = admin_client.put(part_url(entity, "participants"), payload, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json() == payload
    assert admin_client.get(part_url(entity, "participants")).json() == payload
    record = RecordService().create(admin, entity, {})
    invited = grants.holders(entity, [record.pk])[record.pk]["participant"]
    assert invited == {"users": [colleague.pk], "teams": [team.pk]}


def test_an_empty_list_clears_the_participants_and_left_out_keys_stay(
    admin_client, make_user, entity
):
    # given
    AccessService().update_participants(None, entity, users=[make_user().pk], creator_team=False)
    # when
    response = admin_client.put(part_url(entity, "participants"), {"users": []}, format="json")
    # then
    assert response.status_code == 200
    assert response.json() == {"creator_team": False, "users": [], "teams": []}


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"users": ["inactive"]}, "users"),
        ({"teams": [987654321]}, "teams"),
        ({"users": ["abc"]}, "users.0"),
        ({"users": [0]}, "users.0"),
        ({"teams": 4}, "teams"),
        ({"creator_team": "yes"}, "creator_team"),
    ],
)
def test_invalid_participants_are_a_400_and_change_nothing(
    admin_client, make_user, entity, payload, key
):
    # given
    inactive = make_user(is_active=False)
    if payload.get("users") == ["inactive"]:
        payload = {"users": [inactive.pk]}
    before, settings = version(), stored(entity)
    # when
    response = admin_client.put(part_url(entity, "participants"), payload, format="json")
    # then
    assert response.status_code == 400
    assert key in response.json()["errors"], response.json()
    assert version() == before
    assert stored(entity) == settings


# -- documentation ------------------------------------------------------------------------------
def test_the_openapi_schema_documents_the_access_settings(db):
    # given
    generator = SchemaGenerator(
        patterns=[path("api/v1/meta/", include(routes.fixed_urlpatterns("meta/")))]
    )
    # when
    schema = generator.get_schema(request=None, public=True)
    # then
    components = schema["components"]["schemas"]
    for part, name in [
        ("visibility", "Visibility"),
        ("permissions", "Permissions"),
        ("participants", "Participants"),
    ]:
        operations = schema["paths"][f"/api/v1/meta/entity-types/{{slug}}/{part}/"]
        assert set(operations) == {"get", "put"}
        body = operations["put"]["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith(f"/{name}UpdateRequest")
        assert {"200", "400", "403", "404"} <= set(operations["put"]["responses"])
        assert f"{name}Settings" in components
    assert components["VisibilityEnum"]["enum"] == ["public", "non_public", "hidden"]
    assert "RecordActionEnum" in components and "ObjectRoleEnum" in components
