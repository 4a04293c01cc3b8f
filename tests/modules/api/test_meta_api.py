import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from modules.api import routes
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.field_types import field_types
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.runtime import get_model, get_snapshot
from modules.records.services import RecordService
from tests.support.tokens import secret_for

META = "/api/v1/meta"


def version():
    return SchemaState.current()[0]


def entity_url(slug):
    return f"{META}/entity-types/{slug}/"


def fields_url(slug):
    return f"{META}/entity-types/{slug}/fields/"


def field_url(slug, api_name):
    return f"{META}/entity-types/{slug}/fields/{api_name}/"


def names(errors, key):
    """Whether an error names `key` (or something inside it, e.g. `key.non_field_errors`)."""
    return any(name == key or name.startswith(f"{key}.") for name in errors)


def add_field(client, slug, **payload):
    response = client.post(fields_url(slug), payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# -- permissions ----------------------------------------------------------------------------------
READ_URLS = [
    f"{META}/entity-types/",
    f"{META}/entity-types/persons/",
    f"{META}/entity-types/persons/fields/",
    f"{META}/entity-types/persons/fields/first_name/",
    f"{META}/entity-types/persons/layout/",
    f"{META}/field-types/",
]
WRITES = [
    ("post", f"{META}/entity-types/", {"slug": "tickets", "label": "T", "label_plural": "Ts"}),
    ("patch", f"{META}/entity-types/persons/", {"icon": "user"}),
    ("delete", f"{META}/entity-types/products/", None),
    ("post", f"{META}/entity-types/persons/restore/", None),
    (
        "post",
        f"{META}/entity-types/persons/fields/",
        {"api_name": "x", "label": "X", "type": "text"},
    ),
    ("patch", f"{META}/entity-types/persons/fields/first_name/", {"label": "Name"}),
    ("delete", f"{META}/entity-types/persons/fields/job_title/", None),
    ("post", f"{META}/entity-types/persons/fields/job_title/restore/", None),
    ("post", f"{META}/entity-types/persons/fields/job_title/type-preview/", {"type": "long_text"}),
    ("post", f"{META}/entity-types/persons/fields/order/", {"fields": []}),
    ("put", f"{META}/entity-types/persons/layout/", {"sections": [{"label": "A", "fields": []}]}),
]


@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_reads_get_401_in_the_error_shape(api_client, db, url):
    # when
    response = api_client.get(url)
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) >= {"code", "detail", "errors"}


@pytest.mark.parametrize(("method", "url", "payload"), WRITES)
def test_anonymous_writes_get_401_and_change_nothing(api_client, db, method, url, payload):
    # given
    before = version()
    # when
    response = getattr(api_client, method)(url, payload, format="json")
    # then
    assert response.status_code == 401
    assert version() == before


@pytest.mark.parametrize("url", READ_URLS)
def test_plain_users_read_metadata(user_client, url):
    # when
    response = user_client.get(url)
    # then
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "url", "payload"), WRITES)
def test_plain_users_get_403_on_writes_and_change_nothing(user_client, method, url, payload):
    # given
    before = version()
    # when
    response = getattr(user_client, method)(url, payload, format="json")
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert version() == before


def test_a_token_is_enough_to_read_metadata(user):
    # given
    token = secret_for(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # when
    response = client.get(f"{META}/entity-types/")
    # then
    assert response.status_code == 200


# -- entity types ---------------------------------------------------------------------------------
def test_entity_types_are_listed_with_features_and_field_counts(user_client):
    # when
    response = user_client.get(f"{META}/entity-types/")
    # then
    assert response.status_code == 200
    by_slug = {item["slug"]: item for item in response.json()}
    assert {"persons", "companies", "deals", "spaces", "products"} <= set(by_slug)
    companies = by_slug["companies"]
    assert companies["label"] == {"en": "Company", "pl": "Firma"}
    assert companies["features"] == {"visibility": True, "segmentation": True, "relations": True}
    assert companies["is_system"] is True and companies["deleted_at"] is None
    live = EntityType.objects.get(slug="companies").fields.alive().count()
    assert companies["field_count"] == live > 0


def test_an_entity_type_is_created_with_its_features(admin_client):
    # given
    before = version()
    payload = {
        "slug": "tickets",
        "label": {"en": "Ticket", "pl": "Zgłoszenie"},
        "label_plural": "Tickets",
        "icon": "help",
        "title_template": "{subject}",
        "features": {"segmentation": True, "visibility": False},
    }
    # when
    response = admin_client.post(f"{META}/entity-types/", payload, format="json")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "tickets" and body["label"] == {"en": "Ticket", "pl": "Zgłoszenie"}
    assert body["features"] == {"visibility": False, "segmentation": True, "relations": True}
    assert body["field_count"] == 0 and body["is_system"] is False
    assert version() == before + 1
    assert get_snapshot().entity("tickets").supports_segmentation is True


def test_an_entity_type_is_read_by_slug(user_client):
    # when
    response = user_client.get(entity_url("deals"))
    # then
    assert response.status_code == 200
    assert response.json()["slug"] == "deals"
    assert response.json()["version"] == EntityType.objects.get(slug="deals").version


def test_an_unknown_entity_type_is_a_404_in_the_error_shape(user_client):
    # when
    responses = [
        user_client.get(entity_url("nope")),
        user_client.get(fields_url("nope")),
        user_client.get(f"{META}/entity-types/nope/layout/"),
    ]
    # then
    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "Not found.", "errors": {}}


def test_patch_changes_labels_icon_and_features_and_bumps_the_version(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    before = EntityType.objects.get(slug=slug).version
    # when
    response = admin_client.patch(
        entity_url(slug),
        {"label": "Ticket", "icon": "help", "features": {"segmentation": True}},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["label"] == "Ticket" and body["icon"] == "help"
    assert body["features"]["segmentation"] is True
    assert body["version"] == before + 1


def test_patch_with_the_current_version_is_applied(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    current = EntityType.objects.get(slug=slug).version
    # when
    response = admin_client.patch(
        entity_url(slug), {"label": "Ticket", "version": current}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["label"] == "Ticket"
    assert response.json()["version"] == current + 1


def test_patch_with_a_stale_version_is_a_409_and_changes_nothing(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    stale = EntityType.objects.get(slug=slug).version
    admin_client.patch(entity_url(slug), {"icon": "help"}, format="json")
    before = version()
    # when
    response = admin_client.patch(
        entity_url(slug), {"label": "Lost edit", "version": stale}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["current_version"] == stale + 1
    assert "version" in response.json()["errors"]
    assert EntityType.objects.get(slug=slug).label == "Scratch"
    assert version() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"label": 5}, "label"),
        ({"label": ["a"]}, "label"),
        ({"label_plural": {"en": 1}}, "label_plural"),
        ({"icon": 3}, "icon"),
        ({"features": {"segmentation": "maybe"}}, "features.segmentation"),
        ({"features": {"colour": True}}, "features.colour"),
        ({"features": "all"}, "features.non_field_errors"),
        ({"version": "1"}, "version"),
        ({"colour": "red"}, "colour"),
        ({"label": ""}, "label"),
    ],
)
def test_bad_entity_type_patches_are_400_naming_the_key(
    admin_client, scratch_entity, payload, field
):
    # given
    slug = scratch_entity()
    before = version()
    # when
    response = admin_client.patch(entity_url(slug), payload, format="json")
    # then
    assert response.status_code == 400
    assert names(response.json()["errors"], field), response.json()
    assert version() == before


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"slug": "tickets", "label_plural": "Tickets"}, "label", "invalid"),
        ({"slug": 7, "label": "T", "label_plural": "Ts"}, "slug", "invalid"),
        ({"slug": "meta", "label": "T", "label_plural": "Ts"}, "slug", "invalid_name"),
        ({"slug": "persons", "label": "T", "label_plural": "Ts"}, "slug", "duplicate_name"),
        ({"slug": "t", "label": "T", "label_plural": "Ts", "is_system": True}, "is_system", None),
    ],
)
def test_bad_entity_type_creations_are_400_naming_the_key(admin_client, db, payload, field, code):
    # given
    before = version()
    # when
    response = admin_client.post(f"{META}/entity-types/", payload, format="json")
    # then
    assert response.status_code == 400
    assert names(response.json()["errors"], field), response.json()
    assert code is None or response.json()["code"] == code
    assert version() == before


def test_malformed_json_is_a_400_parse_error(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    before = version()
    # when
    responses = [
        admin_client.post(f"{META}/entity-types/", '{"slug": ', content_type="application/json"),
        admin_client.patch(entity_url(slug), "{oops}", content_type="application/json"),
        admin_client.post(fields_url(slug), "[1,", content_type="application/json"),
    ]
    # then
    for response in responses:
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
    assert version() == before


def test_a_json_body_that_is_not_an_object_is_a_400(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    before = version()
    # when
    response = admin_client.post(fields_url(slug), ["api_name"], format="json")
    # then
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    assert version() == before


# -- entity type trash ----------------------------------------------------------------------------
def test_deleting_an_entity_type_moves_it_to_the_trash_keeping_its_records(
    admin_client, admin, scratch_entity
):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="subject", label="Subject", type="text")
    record = RecordService().create(admin, slug, {"subject": "Printer on fire"})
    table = EntityType.objects.get(slug=slug).db_table
    # when
    response = admin_client.delete(entity_url(slug))
    # then
    assert response.status_code == 204
    assert EntityType.objects.get(slug=slug).deleted_at is not None
    assert admin_client.get(entity_url(slug)).status_code == 404
    assert admin_client.get(fields_url(slug)).status_code == 404
    assert admin_client.get(f"/api/v1/{slug}/").status_code == 404
    with pytest.raises(EntityTypeNotFound):
        get_snapshot().entity(slug)
    listed = admin_client.get(f"{META}/entity-types/").json()
    assert slug not in {item["slug"] for item in listed}
    trashed = admin_client.get(f"{META}/entity-types/?trashed=true").json()
    assert [item["slug"] for item in trashed] == [slug]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [record.pk])
        assert cursor.fetchone()[0] == 1


def test_a_trashed_entity_type_is_restored_with_its_fields_and_records(
    admin_client, admin, scratch_entity
):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="subject", label="Subject", type="text")
    record = RecordService().create(admin, slug, {"subject": "Printer on fire"})
    admin_client.delete(entity_url(slug))
    # when
    response = admin_client.post(f"{META}/entity-types/{slug}/restore/")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["deleted_at"] is None and response.json()["field_count"] == 1
    assert get_model(slug).objects.get(pk=record.pk).subject == "Printer on fire"
    assert admin_client.get(entity_url(slug)).status_code == 200


def test_restoring_a_live_entity_type_is_a_404(admin_client):
    # when
    response = admin_client.post(f"{META}/entity-types/persons/restore/")
    # then
    assert response.status_code == 404


def test_built_in_entity_types_cannot_be_trashed(admin_client):
    # given
    before = version()
    # when
    response = admin_client.delete(entity_url("products"))
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "system_protected"
    assert "slug" in response.json()["errors"]
    assert version() == before and EntityType.objects.get(slug="products").deleted_at is None


def test_an_entity_type_other_types_link_to_cannot_be_trashed(admin_client, scratch_entity):
    # given
    target, source = scratch_entity(), scratch_entity()
    add_field(
        admin_client,
        source,
        api_name="ticket",
        label="Ticket",
        type="relation",
        options={"target": target},
    )
    before = version()
    # when
    response = admin_client.delete(entity_url(target))
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "entity_type_in_use"
    assert response.json()["fields"] == [f"{source}.ticket"]
    assert version() == before and EntityType.objects.get(slug=target).deleted_at is None


def test_an_entity_type_linking_to_itself_can_be_trashed(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    add_field(
        admin_client,
        slug,
        api_name="parent",
        label="Parent",
        type="relation",
        options={"target": slug},
    )
    # when
    response = admin_client.delete(entity_url(slug))
    # then
    assert response.status_code == 204


def test_a_new_entity_type_cannot_take_the_slug_of_a_trashed_one(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    admin_client.delete(entity_url(slug))
    before = version()
    # when
    response = admin_client.post(
        f"{META}/entity-types/", {"slug": slug, "label": "T", "label_plural": "Ts"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_name"
    assert "slug" in response.json()["errors"]
    assert version() == before


def test_an_entity_type_linking_to_a_trashed_one_is_not_restored(admin_client, scratch_entity):
    # given
    target, source = scratch_entity(), scratch_entity()
    add_field(
        admin_client,
        source,
        api_name="ticket",
        label="Ticket",
        type="relation",
        options={"target": target},
    )
    assert admin_client.delete(entity_url(source)).status_code == 204
    assert admin_client.delete(entity_url(target)).status_code == 204
    before = version()
    # when
    response = admin_client.post(f"{META}/entity-types/{source}/restore/")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_definition"
    assert "slug" in response.json()["errors"]
    assert version() == before
    assert admin_client.post(f"{META}/entity-types/{target}/restore/").status_code == 200
    assert admin_client.post(f"{META}/entity-types/{source}/restore/").status_code == 200


def test_a_trashed_relation_to_a_trashed_entity_type_is_not_restored(admin_client, scratch_entity):
    # given
    target, source = scratch_entity(), scratch_entity()
    add_field(
        admin_client,
        source,
        api_name="ticket",
        label="Ticket",
        type="relation",
        options={"target": target},
    )
    admin_client.delete(field_url(source, "ticket"))
    admin_client.delete(entity_url(target))
    before = version()
    # when
    response = admin_client.post(f"{field_url(source, 'ticket')}restore/")
    # then
    assert response.status_code == 400
    assert "api_name" in response.json()["errors"]
    assert version() == before


def test_a_trashed_entity_type_cannot_be_changed(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    admin_client.delete(entity_url(slug))
    before = version()
    # when
    responses = [
        admin_client.patch(entity_url(slug), {"label": "X"}, format="json"),
        admin_client.patch(entity_url(slug), {"label": "X", "version": 2}, format="json"),
        admin_client.delete(entity_url(slug)),
        admin_client.post(
            fields_url(slug), {"api_name": "a", "label": "A", "type": "text"}, format="json"
        ),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert version() == before


def test_relations_cannot_target_a_trashed_entity_type(admin_client, scratch_entity):
    # given
    target, source = scratch_entity(), scratch_entity()
    admin_client.delete(entity_url(target))
    # when
    response = admin_client.post(
        fields_url(source),
        {
            "api_name": "ticket",
            "label": "Ticket",
            "type": "relation",
            "options": {"target": target},
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "options.target" in response.json()["errors"]


# -- fields ---------------------------------------------------------------------------------------
def test_fields_are_listed_without_columns_and_relations_name_their_target(user_client):
    # when
    response = user_client.get(fields_url("persons"))
    # then
    assert response.status_code == 200
    fields = {f["api_name"]: f for f in response.json()}
    assert fields["company"]["type"] == "relation"
    assert fields["company"]["options"]["target"] == "companies"
    assert set(fields["first_name"]) == {
        "api_name",
        "label",
        "help_text",
        "type",
        "options",
        "required",
        "unique",
        "is_basic",
        "is_system",
        "position",
        "deleted_at",
    }
    positions = [f["position"] for f in response.json()]
    assert positions == sorted(positions)


def test_a_field_added_through_the_api_is_visible_at_once(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    before = version()
    payload = {
        "api_name": "potential",
        "label": "Sales potential",
        "type": "integer",
        "required": False,
        "is_basic": True,
        "unique": False,
        "options": {"min": 0},
        "help_text": {"en": "Yearly, in EUR"},
        "section": 0,
    }
    # when
    response = admin_client.post(fields_url(slug), payload, format="json")
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["options"] == {"min": 0} and response.json()["is_basic"] is True
    assert version() == before + 1
    listed = admin_client.get(fields_url(slug)).json()
    assert [f["api_name"] for f in listed] == ["potential"]
    spec = get_snapshot().entity(slug).field("potential")
    assert spec.type == "integer" and spec.is_basic is True
    assert admin_client.get(field_url(slug, "potential")).json()["label"] == "Sales potential"


def test_a_relation_field_is_created_with_its_target(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    # when
    body = add_field(
        admin_client,
        slug,
        api_name="company",
        label="Company",
        type="relation",
        options={"target": "companies"},
    )
    # then
    assert body["options"] == {"target": "companies"}
    field = FieldDefinition.objects.get(entity_type__slug=slug, api_name="company")
    assert field.target_entity.slug == "companies"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"label": 5}, "label"),
        ({"options": "x"}, "options"),
        ({"required": "maybe"}, "required"),
        ({"is_basic": 1}, "is_basic"),
        ({"section": "0"}, "section"),
        ({"type": 3}, "type"),
        ({"api_name": "Bad Name"}, "api_name"),
        ({"api_name": "owner"}, "api_name"),
        ({"type": "colour"}, "type"),
        ({"options": {"min": "low"}}, "options.min"),
        ({"section": 9}, "section"),
        ({"colour": "red"}, "colour"),
        ({"is_system": True}, "is_system"),
        ({"column": "f_1"}, "column"),
    ],
)
def test_bad_field_creations_are_400_naming_the_key_and_change_nothing(
    admin_client, scratch_entity, payload, field
):
    # given
    slug = scratch_entity()
    before = version()
    body = {"api_name": "potential", "label": "Potential", "type": "integer", **payload}
    # when
    response = admin_client.post(fields_url(slug), body, format="json")
    # then
    assert response.status_code == 400
    assert names(response.json()["errors"], field), response.json()
    assert version() == before
    assert not FieldDefinition.objects.filter(entity_type__slug=slug).exists()


def test_a_field_missing_a_required_key_is_a_400_naming_it(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    # when
    response = admin_client.post(fields_url(slug), {"label": "X"}, format="json")
    # then
    assert response.status_code == 400
    assert {"api_name", "type"} <= set(response.json()["errors"])


def test_a_duplicate_field_name_is_a_400(admin_client):
    # given
    before = version()
    # when
    response = admin_client.post(
        fields_url("persons"),
        {"api_name": "first_name", "label": "X", "type": "text"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_name"
    assert "api_name" in response.json()["errors"]
    assert version() == before


def test_an_unknown_field_is_a_404(user_client, admin_client):
    # when
    responses = [
        user_client.get(field_url("persons", "nope")),
        admin_client.patch(field_url("persons", "nope"), {"label": "X"}, format="json"),
        admin_client.delete(field_url("persons", "nope")),
        admin_client.post(f"{field_url('persons', 'nope')}restore/"),
        admin_client.post(
            f"{field_url('persons', 'nope')}type-preview/", {"type": "text"}, format="json"
        ),
    ]
    # then
    for response in responses:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_patch_renames_a_field_and_changes_its_flags(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="potential", label="Potential", type="integer")
    before = version()
    # when
    response = admin_client.patch(
        field_url(slug, "potential"),
        {
            "api_name": "sales_potential",
            "label": {"en": "Sales potential"},
            "required": True,
            "help_text": "Yearly",
            "options": {"min": 0, "max": 10},
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["api_name"] == "sales_potential" and body["required"] is True
    assert body["options"] == {"min": 0, "max": 10} and body["help_text"] == "Yearly"
    assert version() == before + 1
    assert admin_client.get(field_url(slug, "potential")).status_code == 404
    assert get_snapshot().entity(slug).has_field("sales_potential")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"label": 5}, "label"),
        ({"options": "x"}, "options"),
        ({"required": "maybe"}, "required"),
        ({"confirm_loss": "yes"}, "confirm_loss"),
        ({"column": "f_9"}, "column"),
        ({"is_system": False}, "is_system"),
        ({"api_name": "id"}, "api_name"),
        ({"options": {"min": 5, "max": 1}}, "options.min"),
        ({"type": "text", "label": "Other"}, "label"),
    ],
)
def test_bad_field_patches_are_400_naming_the_key_and_change_nothing(
    admin_client, scratch_entity, payload, field
):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="potential", label="Potential", type="integer")
    before = version()
    # when
    response = admin_client.patch(field_url(slug, "potential"), payload, format="json")
    # then
    assert response.status_code == 400
    assert names(response.json()["errors"], field), response.json()
    assert version() == before


def test_deleting_a_field_moves_it_to_the_trash_and_restore_brings_it_back(
    admin_client, admin, scratch_entity
):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="note", label="Note", type="text")
    record = RecordService().create(admin, slug, {"note": "keep me"})
    # when
    deleted = admin_client.delete(field_url(slug, "note"))
    # then
    assert deleted.status_code == 204
    assert admin_client.get(fields_url(slug)).json() == []
    trashed = admin_client.get(f"{fields_url(slug)}?trashed=true").json()
    assert [f["api_name"] for f in trashed] == ["note"] and trashed[0]["deleted_at"]
    assert admin_client.get(field_url(slug, "note")).status_code == 404
    assert not get_snapshot().entity(slug).has_field("note")
    # when
    restored = admin_client.post(f"{field_url(slug, 'note')}restore/")
    # then
    assert restored.status_code == 200, restored.json()
    assert restored.json()["deleted_at"] is None
    assert get_model(slug).objects.get(pk=record.pk).note == "keep me"


def test_built_in_fields_cannot_be_trashed(admin_client):
    # given
    before = version()
    # when
    response = admin_client.delete(field_url("persons", "first_name"))
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "system_protected"
    assert version() == before


def test_a_bad_trashed_parameter_is_a_400(user_client):
    # when
    response = user_client.get(f"{fields_url('persons')}?trashed=maybe")
    # then
    assert response.status_code == 400
    assert "trashed" in response.json()["errors"]


# -- type changes ---------------------------------------------------------------------------------
@pytest.fixture
def text_with_numbers(admin_client, admin, scratch_entity):
    """A scratch entity type with a text field holding '12', '7' and 'abc'."""
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="amount", label="Amount", type="text")
    for value in ("12", "7", "abc"):
        RecordService().create(admin, slug, {"amount": value})
    return slug


def test_type_preview_counts_failing_values_and_changes_nothing(admin_client, text_with_numbers):
    # given
    slug = text_with_numbers
    before = version()
    # when
    response = admin_client.post(
        f"{field_url(slug, 'amount')}type-preview/", {"type": "integer"}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["total"], body["converted"], body["failing"]) == (3, 2, 1)
    assert body["samples"][0]["value"] == "abc"
    assert version() == before
    assert get_snapshot().entity(slug).field("amount").type == "text"


def test_a_type_change_losing_values_needs_confirmation(admin_client, text_with_numbers):
    # given
    slug = text_with_numbers
    before = version()
    # when
    response = admin_client.patch(field_url(slug, "amount"), {"type": "integer"}, format="json")
    # then
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conversion_would_lose_data"
    assert body["preview"]["failing"] == 1 and "type" in body["errors"]
    assert version() == before
    assert get_snapshot().entity(slug).field("amount").type == "text"


def test_a_confirmed_type_change_converts_what_it_can(admin_client, text_with_numbers):
    # given
    slug = text_with_numbers
    # when
    response = admin_client.patch(
        field_url(slug, "amount"),
        {"type": "integer", "options": {"min": 0}, "confirm_loss": True},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["type"] == "integer" and response.json()["options"] == {"min": 0}
    values = sorted(v for v in get_model(slug).objects.values_list("amount", flat=True) if v)
    assert values == [7, 12]
    trashed = admin_client.get(f"{fields_url(slug)}?trashed=true").json()
    assert [(f["api_name"], f["type"]) for f in trashed] == [("amount", "text")]


def test_a_type_change_without_lost_values_needs_no_confirmation(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="note", label="Note", type="text")
    # when
    response = admin_client.patch(field_url(slug, "note"), {"type": "long_text"}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["type"] == "long_text"


def test_a_type_change_that_is_not_allowed_is_a_400(admin_client, text_with_numbers):
    # given
    before = version()
    # when
    response = admin_client.patch(
        field_url(text_with_numbers, "amount"), {"type": "relation"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "conversion_not_allowed"
    assert "type" in response.json()["errors"]
    assert version() == before


def test_patch_with_the_current_type_is_an_ordinary_update(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="note", label="Note", type="text")
    # when
    response = admin_client.patch(
        field_url(slug, "note"), {"type": "text", "label": "Remark"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["label"] == "Remark"
    assert FieldDefinition.objects.filter(entity_type__slug=slug).count() == 1


# -- order and layout -----------------------------------------------------------------------------
def test_fields_are_reordered(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    for name in ("a_one", "b_two", "c_three"):
        add_field(admin_client, slug, api_name=name, label=name, type="text")
    # when
    response = admin_client.post(
        f"{fields_url(slug)}order/", {"fields": ["c_three", "a_one", "b_two"]}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    assert [f["api_name"] for f in response.json()] == ["c_three", "a_one", "b_two"]
    listed = admin_client.get(fields_url(slug)).json()
    assert [f["api_name"] for f in listed] == ["c_three", "a_one", "b_two"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"fields": ["a_one"]}, "fields"),
        ({"fields": ["a_one", "a_one", "b_two"]}, "fields"),
        ({"fields": "a_one"}, "fields"),
        ({"fields": [1, 2]}, "fields.0"),
        ({"order": []}, "order"),
    ],
)
def test_a_bad_field_order_is_a_400(admin_client, scratch_entity, payload, field):
    # given
    slug = scratch_entity()
    for name in ("a_one", "b_two"):
        add_field(admin_client, slug, api_name=name, label=name, type="text")
    before = version()
    # when
    response = admin_client.post(f"{fields_url(slug)}order/", payload, format="json")
    # then
    assert response.status_code == 400
    assert names(response.json()["errors"], field), response.json()
    assert version() == before


def test_a_field_called_order_is_still_reachable(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="order", label="Order", type="integer")
    # when
    read = admin_client.get(field_url(slug, "order"))
    changed = admin_client.patch(field_url(slug, "order"), {"label": "Sequence"}, format="json")
    deleted = admin_client.delete(field_url(slug, "order"))
    # then
    assert read.status_code == 200 and read.json()["api_name"] == "order"
    assert changed.status_code == 200 and changed.json()["label"] == "Sequence"
    assert deleted.status_code == 204


def test_the_layout_shows_unplaced_fields_in_an_other_section(admin_client, scratch_entity):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="subject", label="Subject", type="text")
    add_field(admin_client, slug, api_name="note", label="Note", type="text")
    admin_client.put(
        f"{META}/entity-types/{slug}/layout/",
        {"sections": [{"label": {"en": "Basics", "pl": "Podstawy"}, "fields": ["subject"]}]},
        format="json",
    )
    # when
    response = admin_client.get(f"{META}/entity-types/{slug}/layout/")
    # then
    assert response.status_code == 200
    sections = response.json()["sections"]
    assert sections[0] == {
        "label": {"en": "Basics", "pl": "Podstawy"},
        "display_label": "Basics",
        "fields": ["subject"],
        "other": False,
    }
    assert sections[1]["fields"] == ["note"] and sections[1]["other"] is True


def test_put_layout_replaces_the_sections_and_ignores_the_other_section(
    admin_client, scratch_entity
):
    # given
    slug = scratch_entity()
    for name in ("subject", "note", "due"):
        add_field(admin_client, slug, api_name=name, label=name, type="text")
    before = version()
    payload = {
        "sections": [
            {"label": "Main", "fields": ["note", "subject"]},
            {"label": "More", "fields": []},
            {"label": "Other", "fields": ["due"], "other": True},
        ]
    }
    # when
    response = admin_client.put(f"{META}/entity-types/{slug}/layout/", payload, format="json")
    # then
    assert response.status_code == 200, response.json()
    sections = response.json()["sections"]
    assert [(s["label"], s["fields"], s["other"]) for s in sections] == [
        ("Main", ["note", "subject"], False),
        ("More", [], False),
        ("Other", ["due"], True),
    ]
    assert version() == before + 1
    assert admin_client.get(f"{META}/entity-types/{slug}/layout/").json() == response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sections": [{"label": "A", "fields": ["nope"]}]}, "sections.0.fields"),
        ({"sections": [{"label": "A", "fields": ["subject", "subject"]}]}, "sections.0.fields"),
        ({"sections": []}, "sections"),
        ({"sections": "A"}, "sections"),
        ({"sections": [{"label": 5, "fields": []}]}, "sections.0.label"),
        ({"sections": [{"label": "A", "fields": "subject"}]}, "sections.0.fields"),
        ({"sections": [{"label": "A", "colour": "red"}]}, "sections.0.colour"),
        ({"tabs": []}, "tabs"),
    ],
)
def test_a_bad_layout_is_a_400_naming_the_key(admin_client, scratch_entity, payload, field):
    # given
    slug = scratch_entity()
    add_field(admin_client, slug, api_name="subject", label="Subject", type="text")
    before = version()
    # when
    response = admin_client.put(f"{META}/entity-types/{slug}/layout/", payload, format="json")
    # then
    assert response.status_code == 400
    assert names(response.json()["errors"], field), response.json()
    assert version() == before


# -- field types and OpenAPI ----------------------------------------------------------------------
def test_every_registered_field_type_is_described(user_client):
    # when
    response = user_client.get(f"{META}/field-types/")
    # then
    assert response.status_code == 200
    described = {item["type"]: item for item in response.json()}
    assert set(described) == set(field_types.keys())
    assert described["integer"]["options_schema"]["type"] == "object"
    assert "gte" in described["integer"]["lookups"]


def test_the_openapi_schema_documents_request_and_response_bodies(db):
    # given
    generator = SchemaGenerator(
        patterns=[path("api/v1/meta/", include(routes.fixed_urlpatterns("meta/")))]
    )
    # when
    schema = generator.get_schema(request=None, public=True)
    # then
    paths = schema["paths"]
    fields = paths["/api/v1/meta/entity-types/{slug}/fields/"]
    assert fields["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/FieldCreateRequest"
    )
    assert "201" in fields["post"]["responses"] and "403" in fields["post"]["responses"]
    assert set(paths["/api/v1/meta/entity-types/{slug}/fields/order/"]) == {"post"}
    assert "/api/v1/meta/entity-types/{slug}/layout/" in paths
    components = schema["components"]["schemas"]
    assert {"EntityType", "Field", "Layout", "ConversionPreview", "Error"} <= set(components)
