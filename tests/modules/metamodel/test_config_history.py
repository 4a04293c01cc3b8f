"""The configuration history: who changed which metadata, when and what, for administrators."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from modules.metamodel.models import FieldDefinition
from modules.relations.type_service import RelationTypeService

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"tessera_settings:{name}", args=args)


@pytest.fixture
def entity(schema, admin, scratch_entity):
    """A scratch type with two fields."""
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="name", label="Name", type="text")
    schema.add_field(admin, slug, api_name="size", label="Size", type="integer")
    return slug


def rows(response) -> list[str]:
    """The text of each change line."""
    html = response.content.decode()
    return [part.split("</tr>")[0] for part in html.split("<tr data-change=")[1:]]


def test_a_renamed_field_shows_who_when_before_and_after(client, schema, admin, entity):
    # given
    schema.update_field(admin, entity, "name", label={"en": "Full name"})
    client.force_login(admin)
    # when
    response = client.get(url("entity_type_history", entity))
    # then
    assert response.status_code == 200
    first = rows(response)[0]
    assert '"field"' in first
    assert "Ada Admin" in first
    assert "Full name" in first
    assert 'class="tessera-before">Name<' in first
    assert 'class="tessera-after">Full name<' in first
    # in the date format of an English user who chose none
    assert timezone.localtime().strftime("%Y-%m-%d") in first


def test_a_layout_change_shows_the_field_that_moved(client, schema, admin, entity):
    # given
    schema.set_layout(
        admin,
        entity,
        [{"label": "General", "fields": ["name"]}, {"label": "Details", "fields": ["size"]}],
    )
    client.force_login(admin)
    # when
    response = client.get(url("entity_type_history", entity))
    # then
    lines = rows(response)
    moved = next(line for line in lines if '"form_item"' in line and "Size" in line)
    assert "Form section" in moved and "General" in moved and "Details" in moved
    assert any('"form_section"' in line and "created" in line for line in lines)
    assert not any('"form_item"' in line and "Name" in line and "deleted" in line for line in lines)


def test_a_relation_type_change_shows_on_the_configuration_changes(client, admin):
    # given
    types = RelationTypeService()
    row = types.create(
        admin,
        {
            "source": "companies",
            "target": "companies",
            "source_label": "Partner",
            "symmetric": True,
        },
    )
    types.update(admin, row.pk, {"max_targets": 3})
    client.force_login(admin)
    # when
    response = client.get(url("config_history"), {"kind": ["relation_type"]})
    # then
    lines = rows(response)
    assert all('"relation_type"' in line for line in lines)
    assert "Partner" in lines[0] and "Ada Admin" in lines[0] and ">3<" in lines[0]
    assert "created" in lines[1]


def test_the_filters_keep_kind_user_and_days(client, schema, admin, make_user, entity):
    # given another administrator renames the other field
    other = make_user("bob", admin=True, first_name="Bob", last_name="Builder")
    schema.update_field(other, entity, "size", label={"en": "Headcount"})
    client.force_login(admin)
    today = timezone.localdate()
    # when
    by_bob = client.get(url("config_history"), {"user": other.pk, "entity": entity})
    by_kind = client.get(url("config_history"), {"kind": ["form_section"], "entity": entity})
    tomorrow = client.get(url("config_history"), {"since": today + datetime.timedelta(days=1)})
    today_only = client.get(url("config_history"), {"since": today, "until": today})
    # then
    assert [line for line in rows(by_bob) if "Bob Builder" not in line] == []
    assert any("Headcount" in line for line in rows(by_bob))
    assert {line.split(">")[0] for line in rows(by_kind)} == {'"form_section"'}
    assert rows(tomorrow) == []
    assert any("Headcount" in line for line in rows(today_only))


def test_non_administrators_are_refused(client, user, entity):
    # given
    client.force_login(user)
    for address in (url("config_history"), url("entity_type_history", entity)):
        # when
        response = client.get(address)
        # then
        assert response.status_code == 403, address


def test_queries_per_page_do_not_grow_with_the_changes(client, schema, admin, entity):
    # given (each first request after a schema change reloads the schema: not counted)
    client.force_login(admin)
    address = url("entity_type_history", entity)
    schema.update_field(admin, entity, "name", label={"en": "First name"})
    client.get(address)
    with CaptureQueriesContext(connection) as one:
        client.get(address)
    for number in range(15):
        schema.update_field(admin, entity, "name", label={"en": f"Name {number}"})
        schema.update_field(admin, entity, "size", required=number % 2 == 0)
    client.get(address)
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get(address)
    # then
    assert len(rows(response)) > 30
    assert len(many) <= len(one)
    assert FieldDefinition.history.filter(entity_type__slug=entity).count() > 30
