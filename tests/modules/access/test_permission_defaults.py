"""The permission matrix a new entity type starts with, and the `change_visibility` column.

The expected tables are written out in `tests/support/permission_tables.py` on purpose: a
change of the defaults must show up as a change of that file.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from modules.access.models import EntityAccess
from modules.access.services import AccessService
from modules.metamodel.models import EntityType, SchemaState
from tests.support.permission_tables import OBJECT_DEFAULTS, SYSTEM_DEFAULTS


def test_a_new_entity_type_starts_with_the_documented_matrix(user_client, entity):
    # when
    permissions = user_client.get(f"/api/v1/meta/entity-types/{entity}/permissions/").json()
    # then
    assert permissions == {
        "object_roles": ["owner", "participant"],
        "system": SYSTEM_DEFAULTS,
        "objects": OBJECT_DEFAULTS,
    }


def test_roles_switched_on_later_do_not_change_visibility(admin, entity):
    # when
    settings = AccessService().update_permissions(
        admin, entity, object_roles=["author", "responsible", "owner", "participant"]
    )
    # then: a role switched on starts with nothing; none may hide the record
    assert settings["objects"]["author"] == settings["objects"]["responsible"] == []


def test_change_visibility_is_a_column_of_the_settings_api_and_history(
    admin_client, client, admin, entity
):
    # given: the type's settings were saved once
    url = f"/api/v1/meta/entity-types/{entity}/permissions/"
    admin_client.put(url, {"system": {"user": ["view"]}}, format="json")
    # when
    response = admin_client.put(
        url, {"system": {"user": ["view", "change_visibility"]}}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["system"]["user"] == ["view", "change_visibility"]
    client.force_login(admin)
    history = client.get(
        reverse("tessera_settings:config_history"), {"kind": ["access"], "entity": entity}
    )
    assert "change_visibility" in history.content.decode()


def test_the_settings_screen_shows_the_column(client, admin, entity):
    # given
    client.force_login(admin)
    # when
    html = client.get(reverse("access_settings:entity", args=[entity])).content.decode()
    # then
    assert 'name="system_manager" value="change_visibility" checked' in html
    assert 'name="system_user" value="change_visibility"' in html
    assert 'name="system_user" value="change_visibility" checked' not in html


# -- the migration of existing installations ------------------------------------------------
migration = importlib.import_module("modules.access.migrations.0002_change_visibility")


@pytest.fixture
def old_rows(db, entity):
    """An installation from before the column: one type as shipped, one customised."""
    shipped = EntityAccess.objects.get_or_create(entity_type=EntityType.objects.get(slug=entity))[0]
    shipped.system_permissions = {
        "manager": ["view", "add", "edit", "delete", "export", "import", "change_user"],
        "user": ["view", "add", "edit", "export", "view_history"],
    }
    shipped.object_permissions = {
        "owner": ["view", "edit", "delete", "export", "change_user", "view_history"],
        "participant": ["view", "view_history"],
    }
    shipped.save()
    customised = EntityAccess.objects.get_or_create(
        entity_type=EntityType.objects.get(slug="deals")
    )[0]
    customised.system_permissions = {"manager": ["view", "edit"], "user": ["view", "delete"]}
    customised.object_permissions = {"owner": ["view", "delete"], "responsible": ["edit", "delete"]}
    customised.save()
    return shipped.pk, customised.pk


def test_the_migration_gives_the_column_to_roles_that_may_edit_and_delete(old_rows):
    # given
    shipped, customised = old_rows
    before = SchemaState.current()[0]
    # when
    migration.grant(apps, None)
    # then
    first, second = EntityAccess.objects.get(pk=shipped), EntityAccess.objects.get(pk=customised)
    assert first.system_permissions == {
        "manager": [
            "view",
            "add",
            "edit",
            "delete",
            "export",
            "import",
            "change_user",
            "change_visibility",
        ],
        "user": ["view", "add", "edit", "export", "view_history"],
    }
    assert first.object_permissions["owner"] == [
        "view",
        "edit",
        "delete",
        "export",
        "change_user",
        "change_visibility",
        "view_history",
    ]
    assert first.object_permissions["participant"] == ["view", "view_history"]
    assert second.system_permissions == {"manager": ["view", "edit"], "user": ["view", "delete"]}
    assert second.object_permissions == {
        "owner": ["view", "delete"],
        "responsible": ["edit", "delete", "change_visibility"],
    }
    assert SchemaState.current()[0] == before + 1


def test_the_migration_reversed_takes_the_column_away(old_rows):
    # given
    shipped, _customised = old_rows
    migration.grant(apps, None)
    # when
    migration.revoke(apps, None)
    # then
    row = EntityAccess.objects.get(pk=shipped)
    assert "change_visibility" not in row.system_permissions["manager"]
    assert "change_visibility" not in row.object_permissions["owner"]
