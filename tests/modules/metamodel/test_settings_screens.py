"""The data-model settings screens: permissions, entity types and the form builder."""

import json

import pytest
from django.urls import reverse

from modules.core.i18n import localized
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.screens.registry import settings_sections
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"tessera_settings:{name}", args=args)


def layout_of(slug):
    entity = EntityType.objects.get(slug=slug)
    return [
        (
            localized(s.label),
            [i.field.api_name for i in s.items.filter(field__deleted_at__isnull=True)],
        )
        for s in entity.layout.sections.all()
    ]


def field_named(slug, api_name):
    return FieldDefinition.objects.alive().get(entity_type__slug=slug, api_name=api_name)


@pytest.fixture
def entity(schema, admin, scratch_entity):
    """A scratch type with two fields in its first section."""
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="name", label="Name", type="text")
    schema.add_field(admin, slug, api_name="size", label="Size", type="integer")
    return slug


def settings_urls(slug):
    return [
        ("get", url("index")),
        ("get", url("entity_types")),
        ("get", url("entity_type_add")),
        ("get", url("builder", slug)),
        ("get", url("entity_type_edit", slug)),
        ("get", url("field_add", slug)),
        ("get", url("field_trash_list", slug)),
        ("get", url("field_edit", slug, "name")),
        ("get", url("field_trash", slug, "name")),
        ("get", url("field_type", slug, "size")),
        ("post", url("layout", slug)),
        ("post", url("field_restore", slug, "name")),
    ]


def test_anonymous_users_are_sent_to_log_in(client, entity):
    for method, address in settings_urls(entity):
        # when
        response = getattr(client, method)(address)
        # then
        assert response.status_code == 302, address
        assert "/login/" in response["Location"], address


def test_plain_users_get_403_everywhere(client, user, entity):
    # given
    client.force_login(user)
    version = SchemaState.current()
    for method, address in settings_urls(entity):
        # when
        response = getattr(client, method)(address, {"add_section": "1", "label_0": "X"})
        # then
        assert response.status_code == 403, address
    assert SchemaState.current() == version


def test_administrators_open_every_screen(client, admin, entity):
    # given
    client.force_login(admin)
    for method, address in settings_urls(entity):
        if method != "get":
            continue
        # when
        response = client.get(address)
        # then
        assert response.status_code == 200, address


def test_the_settings_menu_shows_data_model_to_administrators_only(client, admin, user):
    # given
    client.force_login(admin)
    # when
    as_admin = client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(user)
    as_user = client.get(reverse("wagtailadmin_home")).content.decode()
    # then
    assert url("entity_types") in as_admin
    assert url("entity_types") not in as_user


AREAS = [
    "tessera_settings:entity_types",
    "access_settings:index",
    "relations_settings:index",
    "segmentation_settings:index",
    "lead_distribution:index",
    "history_settings:change_log",
    "users_settings:index",
    "teams_settings:index",
    "tessera_settings:config_history",
    "sales_settings:index",
    "tasks_settings:index",
    "webhooks_settings:index",
]
#: Areas every user opens for their own things.
EVERY_USER = ["tokens_settings:index"]


def test_every_settings_area_is_in_the_menu_and_the_index_for_administrators_only(
    client, admin, user
):
    # given
    client.force_login(admin)
    # when
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    index = client.get(url("index")).content.decode()
    client.force_login(user)
    as_user = client.get(reverse("wagtailadmin_home")).content.decode()
    # then
    assert sorted(s.url_name for s in settings_sections()) == sorted(AREAS + EVERY_USER)
    for name in AREAS:
        assert reverse(name) in home, name
        assert f'href="{reverse(name)}"' in index, name
        assert reverse(name) not in as_user, name
    for name in EVERY_USER:
        assert reverse(name) in home and reverse(name) in as_user, name


def test_the_settings_index_lists_hooked_sections(client, admin):
    # given
    client.force_login(admin)
    # when
    response = client.get(url("index"))
    # then
    assert [s.url_name for s in settings_sections()][:1] == ["tessera_settings:entity_types"]
    assert url("entity_types") in response.content.decode()
    assert "Data model" in response.content.decode()


def test_the_entity_type_list_shows_labels_names_and_counts(client, admin, entity):
    # given
    client.force_login(admin)
    # when
    page = client.get(url("entity_types")).content.decode()
    # then
    assert "Persons" in page and "<code>persons</code>" in page
    assert f"<code>{entity}</code>" in page


def test_an_administrator_creates_an_entity_type(client, admin):
    # given
    client.force_login(admin)
    # when
    response = client.post(
        url("entity_type_add"),
        {
            "slug": "projects",
            "label_0": "Project",
            "label_plural_0": "Projects",
            "icon": "folder",
            "supports_segmentation": "on",
        },
    )
    # then
    assert response.status_code == 302
    created = EntityType.objects.get(slug="projects")
    assert (created.label, created.label_plural, created.supports_segmentation) == (
        "Project",
        "Projects",
        True,
    )
    assert response["Location"] == url("builder", "projects")


def test_a_bad_slug_shows_an_error_and_creates_nothing(client, admin):
    # given
    client.force_login(admin)
    version = SchemaState.current()
    # when
    response = client.post(
        url("entity_type_add"),
        {"slug": "Bad Name", "label_0": "X", "label_plural_0": "Xs", "icon": "folder"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert SchemaState.current() == version


def test_an_administrator_renames_an_entity_type_and_switches_a_feature(client, admin, entity):
    # given
    client.force_login(admin)
    version = EntityType.objects.get(slug=entity).version
    # when
    response = client.post(
        url("entity_type_edit", entity),
        {
            "label_0": "Project",
            "label_plural_0": "Projects",
            "icon": "folder",
            "title_template": "{name}",
            "supports_relations": "on",
            "version": version,
        },
    )
    # then
    assert response.status_code == 302
    changed = EntityType.objects.get(slug=entity)
    assert (changed.label_plural, changed.title_template, changed.supports_relations) == (
        "Projects",
        "{name}",
        True,
    )


def test_a_stale_entity_type_edit_is_refused(client, admin, entity):
    # given
    client.force_login(admin)
    version = EntityType.objects.get(slug=entity).version
    # when
    response = client.post(
        url("entity_type_edit", entity),
        {"label_0": "P", "label_plural_0": "Ps", "icon": "folder", "version": version - 1},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert EntityType.objects.get(slug=entity).label == "Scratch"


def test_the_builder_shows_sections_and_fields_in_order(client, admin, schema, entity):
    # given
    schema.set_layout(
        admin,
        entity,
        [{"label": "Main", "fields": ["size"]}, {"label": "More", "fields": ["name"]}],
    )
    client.force_login(admin)
    # when
    page = client.get(url("builder", entity)).content.decode()
    # then
    # (the page's chrome says "More" too, so the section heading is looked for after "Main")
    main = page.index("Main")
    size = page.index('data-field="size"', main)
    assert page.index("More", size) < page.index('data-field="name"', size)
    assert "Integer" in page


def test_an_administrator_adds_a_field_into_a_chosen_section(client, admin, schema, entity):
    # given
    schema.set_layout(
        admin, entity, [{"label": "Main", "fields": ["name", "size"]}, {"label": "Extra"}]
    )
    client.force_login(admin)
    # when
    response = client.post(
        url("field_add", entity),
        {
            "type": "integer",
            "label_0": "Sales potential score",
            "api_name": "sales_score",
            "section": "1",
            "required": "on",
            "help_text_0": "0 to 100",
            "options": '{"min": 0, "max": 100}',
        },
    )
    # then
    assert response.status_code == 302
    field = field_named(entity, "sales_score")
    assert (field.type, field.required, field.options) == ("integer", True, {"min": 0, "max": 100})
    assert layout_of(entity) == [("Main", ["name", "size"]), ("Extra", ["sales_score"])]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"api_name": "Bad name"}, "api_name"),
        ({"api_name": "f_12"}, "api_name"),
        ({"api_name": "name"}, "api_name"),
        ({"options": "{not json"}, "options"),
        ({"options": '{"min": "zero"}'}, "options"),
        ({"options": '{"min": 5, "max": 1}'}, "options"),
        ({"type": "nonsense"}, "type"),
        ({"label_0": ""}, "label"),
    ],
)
def test_bad_field_input_shows_errors_and_changes_nothing(client, admin, entity, change, field):
    # given
    client.force_login(admin)
    version = SchemaState.current()
    data = {"type": "integer", "label_0": "Score", "api_name": "rating", "section": "0"}
    # when
    response = client.post(url("field_add", entity), {**data, **change})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (
        'class="error-message"' in response.content.decode() or "error" in response.content.decode()
    )
    assert SchemaState.current() == version
    assert not FieldDefinition.objects.filter(entity_type__slug=entity, api_name="rating").exists()


def test_an_administrator_renames_a_field(client, admin, entity):
    # given
    client.force_login(admin)
    # when
    response = client.post(
        url("field_edit", entity, "size"),
        {"label_0": "Head count", "api_name": "head_count", "help_text_0": "", "options": "{}"},
    )
    # then
    assert response.status_code == 302
    field = field_named(entity, "head_count")
    assert (field.label, field.type) == ("Head count", "integer")
    assert not FieldDefinition.objects.alive().filter(entity_type__slug=entity, api_name="size")


def test_a_rename_to_a_taken_name_shows_the_error(client, admin, entity):
    # given
    client.force_login(admin)
    version = SchemaState.current()
    # when
    response = client.post(
        url("field_edit", entity, "size"), {"label_0": "Size", "api_name": "name", "options": ""}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["api_name"]
    assert SchemaState.current() == version


def test_a_field_is_trashed_and_restored(client, admin, entity):
    # given
    client.force_login(admin)
    # when
    confirm = client.get(url("field_trash", entity, "size"))
    trashed = client.post(url("field_trash", entity, "size"))
    # then
    assert confirm.status_code == 200 and trashed.status_code == 302
    assert not FieldDefinition.objects.alive().filter(entity_type__slug=entity, api_name="size")
    assert "<code>size</code>" in client.get(url("field_trash_list", entity)).content.decode()
    # when
    restored = client.post(url("field_restore", entity, "size"))
    # then
    assert restored.status_code == 302
    assert field_named(entity, "size").deleted_at is None
    assert layout_of(entity)[0][1] == ["name", "size"]


def test_the_layout_view_takes_the_dragged_layout(client, admin, schema, entity):
    # given
    schema.set_layout(
        admin, entity, [{"label": "Main", "fields": ["name", "size"]}, {"label": "B"}]
    )
    client.force_login(admin)
    layout = [{"section": 1, "fields": ["size"]}, {"section": 0, "fields": ["name"]}]
    # when
    response = client.post(url("layout", entity), {"layout": json.dumps(layout)})
    # then
    assert response.status_code == 302
    assert layout_of(entity) == [("B", ["size"]), ("Main", ["name"])]


def test_a_bad_layout_changes_nothing(client, admin, entity):
    # given
    client.force_login(admin)
    version = SchemaState.current()
    # when
    response = client.post(
        url("layout", entity), {"layout": json.dumps([{"section": 0, "fields": ["nope"]}])}
    )
    # then
    assert response.status_code == 302
    assert SchemaState.current() == version
    assert "There is no field" in client.get(url("builder", entity)).content.decode()


def test_sections_are_added_renamed_moved_and_removed(client, admin, entity):
    # given
    client.force_login(admin)
    # when a section is added and renamed
    client.post(url("layout", entity), {"add_section": "1", "label_0": "Segmentation"})
    client.post(url("layout", entity), {"rename_section": "1", "label_0": "Scores"})
    # then
    assert layout_of(entity) == [("General", ["name", "size"]), ("Scores", [])]
    # when a field moves down past its section's end, and the sections swap
    client.post(url("layout", entity), {"move_field": "size:down"})
    assert layout_of(entity) == [("General", ["name"]), ("Scores", ["size"])]
    client.post(url("layout", entity), {"move_field": "name:down"})
    client.post(url("layout", entity), {"move_section": "1:up"})
    # then
    assert layout_of(entity) == [("Scores", ["name", "size"]), ("General", [])]
    # when the empty section is removed
    client.post(url("layout", entity), {"remove_section": "1"})
    # then
    assert layout_of(entity) == [("Scores", ["name", "size"])]


def test_a_type_change_that_loses_values_needs_the_checkbox(client, admin, entity):
    # given two records, one of which will not convert to an integer
    client.force_login(admin)
    RecordService().create(admin, entity, {"name": "42"})
    RecordService().create(admin, entity, {"name": "many"})
    # when previewed
    preview = client.post(
        url("field_type", entity, "name"), {"new_type": "integer", "preview": "1"}
    )
    # then
    assert preview.status_code == 200
    assert preview.context["preview"]["failing"] == 1
    assert "many" in preview.content.decode()
    # when converted without the checkbox
    refused = client.post(
        url("field_type", entity, "name"), {"new_type": "integer", "convert": "1"}
    )
    # then
    assert refused.status_code == 200
    assert refused.context["form"].errors["confirm_loss"]
    assert field_named(entity, "name").type == "text"
    # when converted with it
    done = client.post(
        url("field_type", entity, "name"),
        {"new_type": "integer", "convert": "1", "confirm_loss": "on"},
    )
    # then
    assert done.status_code == 302
    assert field_named(entity, "name").type == "integer"


def test_a_type_change_without_loss_needs_no_checkbox(client, admin, entity):
    # given
    client.force_login(admin)
    # when
    response = client.post(
        url("field_type", entity, "size"), {"new_type": "decimal", "convert": "1"}
    )
    # then
    assert response.status_code == 302
    assert field_named(entity, "size").type == "decimal"


def test_a_type_outside_convertible_to_is_refused(client, admin, entity):
    # given
    client.force_login(admin)
    version = SchemaState.current()
    # when
    response = client.post(url("field_type", entity, "size"), {"new_type": "date", "convert": "1"})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["new_type"]
    assert SchemaState.current() == version


def test_unknown_entity_types_and_fields_answer_404(client, admin, entity):
    # given
    client.force_login(admin)
    # then
    assert client.get(url("builder", "nothing_here")).status_code == 404
    assert client.get(url("field_edit", entity, "nothing")).status_code == 404
