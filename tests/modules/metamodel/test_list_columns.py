"""Administrators choose the columns of an entity type's record list."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from modules.metamodel.exceptions import InvalidDefinition
from modules.metamodel.models import EntityType
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity(schema, admin, scratch_entity):
    slug = scratch_entity()
    for name, kind in (("name", "text"), ("size", "integer"), ("notes", "long_text")):
        schema.add_field(admin, slug, api_name=name, label=name.title(), type=kind)
    return slug


def columns(slug):
    return [spec.api_name for spec in get_snapshot().entity(slug).column_fields()]


def test_chosen_columns_are_shown_in_order_and_survive_a_rename(client, admin, schema, entity):
    schema.update_entity_type(admin, entity, list_columns=["notes", "name"])
    assert columns(entity) == ["notes", "name"]
    RecordService().create(admin, entity, {"name": "Alpha", "size": 12345, "notes": "Nota bene"})
    client.force_login(admin)
    page = client.get(f"/records/{entity}/").content.decode()
    assert "Nota bene" in page and "12345" not in page
    schema.update_field(admin, entity, "notes", api_name="remarks")
    assert columns(entity) == ["remarks", "name"]
    schema.update_entity_type(admin, entity, list_columns=[])
    assert columns(entity) == ["name", "size", "remarks"]


@pytest.mark.parametrize("bad", [["missing"], ["name", "name"], "name", [1], ["size"] * 11])
def test_bad_column_lists_are_refused_and_change_nothing(admin, schema, entity, bad):
    before = EntityType.objects.get(slug=entity).version
    with pytest.raises(InvalidDefinition) as refusal:
        schema.update_entity_type(admin, entity, list_columns=bad)
    assert "list_columns" in refusal.value.errors
    assert EntityType.objects.get(slug=entity).version == before
    assert columns(entity) == ["name", "size", "notes"]


def test_the_settings_screen_and_the_api_set_them(client, admin, entity):
    client.force_login(admin)
    edit = reverse("tessera_settings:entity_type_edit", args=[entity])
    form = client.get(edit).context["form"]
    data = {
        "label_0": "Scratch",
        "label_plural_0": "Scratches",
        "icon": form.initial["icon"],
        "version": form.initial["version"],
        "list_columns": ["size"],
        "supports_visibility": "on",
        "supports_relations": "on",
    }
    assert client.post(edit, data).status_code == 302
    assert columns(entity) == ["size"]
    api = APIClient()
    api.force_authenticate(admin)
    url = f"/api/v1/meta/entity-types/{entity}/"
    assert api.get(url).json()["list_columns"] == ["size"]
    changed = api.patch(url, {"list_columns": ["notes", "size"]}, format="json")
    assert changed.status_code == 200 and changed.json()["list_columns"] == ["notes", "size"]
    refused = api.patch(url, {"list_columns": ["nope"]}, format="json")
    assert refused.status_code == 400 and "list_columns" in refused.json()["errors"]
