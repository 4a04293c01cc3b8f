import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from modules.core.exceptions import PermissionDenied
from modules.metamodel.exceptions import (
    ConversionNotAllowed,
    ConversionWouldLoseData,
    DuplicateName,
    EntityTypeNotFound,
    FieldInUse,
    FieldNotFound,
    InvalidDefinition,
    InvalidFieldOptions,
    InvalidName,
    SystemFieldProtected,
    UnknownFieldType,
)
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.runtime import get_model, get_snapshot
from modules.records.services import RecordService


def columns(table):
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def test_create_entity_type_makes_a_table_and_a_default_section(schema, admin, db):
    # when
    entity = schema.create_entity_type(
        admin, slug="tickets", label={"en": "Ticket"}, label_plural={"en": "Tickets"}
    )
    # then
    assert entity.db_table == f"ent_{entity.pk}"
    assert {"id", "owner_id", "visibility", "version", "deleted_at"} <= columns(entity.db_table)
    assert [s.label for s in entity.layout.sections.all()] == [{"en": "General", "pl": "Ogólne"}]
    assert get_model("tickets").objects.count() == 0


def test_add_field_adds_a_nullable_f_id_column_usable_at_once(schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    version_before = SchemaState.current()[0]
    # when
    field = schema.add_field(
        admin, slug, api_name="potential", label="Sales potential", type="integer"
    )
    # then
    table = EntityType.objects.get(slug=slug).db_table
    assert field.column == f"f_{field.pk}" and field.column in columns(table)
    assert SchemaState.current()[0] == version_before + 1
    record = RecordService().create(admin, slug, {"potential": 7})
    assert get_model(slug).objects.get(pk=record.pk).potential == 7


@pytest.mark.parametrize(
    "name",
    [
        "id",
        "owner",
        "version",
        "pk",
        "save",
        "objects",
        "class",
        "fields",
        "search",
        "ordering",
        "f_12",
        "Name",
        "1st",
        "a__b",
        "trailing_",
        "",
        "x" * 64,
        "drop table;",
    ],
)
def test_bad_api_names_are_refused_and_change_nothing(schema, admin, scratch_entity, name):
    # given
    slug = scratch_entity()
    state = SchemaState.current()
    # when / then
    with pytest.raises(InvalidName) as error:
        schema.add_field(admin, slug, api_name=name, label="X", type="text")
    assert "api_name" in error.value.errors
    assert SchemaState.current() == state
    assert not FieldDefinition.objects.filter(entity_type__slug=slug).exists()


def test_duplicate_api_name_is_refused(schema, admin, scratch_entity):
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="price", label="Price", type="money")
    with pytest.raises(DuplicateName):
        schema.add_field(admin, slug, api_name="price", label="Price 2", type="text")
    # a money field also takes `<name>_currency`
    with pytest.raises(DuplicateName):
        schema.add_field(admin, slug, api_name="price_currency", label="Cur", type="text")


def test_unknown_type_and_invalid_options_are_refused(schema, admin, scratch_entity):
    slug = scratch_entity()
    with pytest.raises(UnknownFieldType):
        schema.add_field(admin, slug, api_name="x", label="X", type="spreadsheet")
    with pytest.raises(InvalidFieldOptions) as error:
        schema.add_field(
            admin,
            slug,
            api_name="x",
            label="X",
            type="choice",
            options={"choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]},
        )
    assert "options.choices" in error.value.errors
    with pytest.raises(InvalidFieldOptions) as error:
        schema.add_field(
            admin,
            slug,
            api_name="x",
            label="X",
            type="text",
            options={"max_length": "long", "colour": "red"},
        )
    assert set(error.value.errors) == {"options", "options.max_length"}
    with pytest.raises(InvalidFieldOptions):
        schema.add_field(
            admin, slug, api_name="n", label="N", type="auto_number", options={"pattern": "%Y-only"}
        )
    with pytest.raises(InvalidDefinition):
        schema.add_field(
            admin, slug, api_name="link", label="L", type="relation", options={"target": "nowhere"}
        )
    with pytest.raises(InvalidDefinition):
        schema.add_field(admin, slug, api_name="x", label="", type="text")
    assert not FieldDefinition.objects.filter(entity_type__slug=slug).exists()


def test_only_administrators_change_the_schema(schema, user, scratch_entity):
    slug = scratch_entity()
    with pytest.raises(PermissionDenied):
        schema.add_field(user, slug, api_name="x", label="X", type="text")
    with pytest.raises(PermissionDenied):
        schema.create_entity_type(user, slug="things", label="T", label_plural="Ts")


def test_unknown_entity_type(schema, admin, db):
    with pytest.raises(EntityTypeNotFound):
        schema.add_field(admin, "nope", api_name="x", label="X", type="text")


def test_reserved_and_duplicate_entity_slugs(schema, admin, db):
    with pytest.raises(InvalidName):
        schema.create_entity_type(admin, slug="meta", label="M", label_plural="Ms")
    with pytest.raises(DuplicateName):
        schema.create_entity_type(admin, slug="persons", label="P", label_plural="Ps")


def test_rename_keeps_the_column_and_the_data(schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    field = schema.add_field(admin, slug, api_name="potential", label="Potential", type="integer")
    record = RecordService().create(admin, slug, {"potential": 5})
    # when
    renamed = schema.update_field(
        admin,
        slug,
        "potential",
        api_name="sales_potential",
        label={"en": "Sales potential", "pl": "Potencjał"},
    )
    # then
    assert renamed.column == field.column
    assert get_model(slug).objects.get(pk=record.pk).sales_potential == 5
    assert not get_snapshot().entity(slug).has_field("potential")


def test_trash_and_restore_keep_data(schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    field = schema.add_field(admin, slug, api_name="budget", label="Budget", type="decimal")
    record = RecordService().create(admin, slug, {"budget": "12.50"})
    # when
    schema.trash_field(admin, slug, "budget")
    # then the field is gone from the model, the column and values stay
    assert not get_snapshot().entity(slug).has_field("budget")
    assert field.column in columns(EntityType.objects.get(slug=slug).db_table)
    # when restored
    schema.restore_field(admin, slug, "budget")
    # then
    assert get_model(slug).objects.get(pk=record.pk).budget == Decimal("12.50")
    layout = get_snapshot().entity(slug).layout()
    assert [f.api_name for _label, fields in layout for f in fields] == ["budget"]


def test_restore_refuses_when_the_name_was_reused(schema, admin, scratch_entity):
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="code", label="Code", type="text")
    schema.trash_field(admin, slug, "code")
    schema.add_field(admin, slug, api_name="code", label="Code", type="integer")
    with pytest.raises(DuplicateName):
        schema.restore_field(admin, slug, "code")


def test_system_fields_cannot_be_trashed(schema, admin, db):
    with pytest.raises(SystemFieldProtected):
        schema.trash_field(admin, "persons", "first_name")


def test_trash_of_missing_field(schema, admin, db):
    with pytest.raises(FieldNotFound):
        schema.trash_field(admin, "persons", "nope")


def test_purge_drops_only_fields_past_the_grace_period(schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    old = schema.add_field(
        admin,
        slug,
        api_name="old",
        label="Old",
        type="choice",
        options={"choices": [{"value": "a", "label": "A"}]},
    )
    recent = schema.add_field(admin, slug, api_name="recent", label="Recent", type="text")
    schema.trash_field(admin, slug, "old")
    schema.trash_field(admin, slug, "recent")
    FieldDefinition.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=40)
    )
    table = EntityType.objects.get(slug=slug).db_table
    # when
    purged = schema.purge_trashed_fields(None, older_than=timezone.now() - dt.timedelta(days=30))
    # then
    assert purged == 1
    assert old.column not in columns(table) and recent.column in columns(table)
    assert not FieldDefinition.objects.filter(pk=old.pk).exists()
    assert old.history.filter(history_type="-").exists()


def test_reorder_and_layout(schema, admin, scratch_entity):
    slug = scratch_entity()
    for name in ("a", "b", "c"):
        schema.add_field(admin, slug, api_name=name, label=name.upper(), type="text")
    schema.reorder_fields(admin, slug, ["c", "a", "b"])
    assert [f.api_name for f in get_snapshot().entity(slug).fields] == ["c", "a", "b"]
    schema.set_layout(
        admin,
        slug,
        [
            {"label": "First", "fields": ["b"]},
            {"label": {"en": "Second", "pl": "Druga"}, "fields": ["a"]},
        ],
    )
    layout = get_snapshot().entity(slug).layout()
    assert [(label, [f.api_name for f in fields]) for label, fields in layout] == [
        ("First", ["b"]),
        ("Second", ["a"]),
        ("Other", ["c"]),
    ]
    with pytest.raises(InvalidDefinition):
        schema.reorder_fields(admin, slug, ["a", "b"])


def test_type_change_preview_and_confirmed_conversion(schema, admin, scratch_entity):
    # given a text field holding numbers and words
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="size", label="Size", type="text")
    service = RecordService()
    ids = [service.create(admin, slug, {"size": v}).pk for v in ("12", "1 200", "big", None)]
    # when previewed
    preview = schema.preview_type_change(admin, slug, "size", "integer")
    # then
    assert (preview.total, preview.converted, preview.failing) == (3, 2, 1)
    assert preview.samples == [{"id": ids[2], "value": "big", "error": "Enter a number."}]
    # unconfirmed: refused, nothing changed
    with pytest.raises(ConversionWouldLoseData) as error:
        schema.change_field_type(admin, slug, "size", "integer")
    assert error.value.extra["preview"]["failing"] == 1
    assert get_snapshot().entity(slug).field("size").type == "text"
    # confirmed: converted; the old column stays in the trashed field
    new = schema.change_field_type(admin, slug, "size", "integer", confirm_loss=True)
    model = get_model(slug)
    assert [model.objects.get(pk=i).size for i in ids] == [12, 1200, None, None]
    old = FieldDefinition.objects.get(replaced_by=new)
    assert old.deleted_at is not None and old.type == "text"
    table = EntityType.objects.get(slug=slug).db_table
    assert {old.column, new.column} <= columns(table)


def test_type_change_not_allowed(schema, admin, scratch_entity):
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="who", label="Who", type="user")
    with pytest.raises(ConversionNotAllowed):
        schema.change_field_type(admin, slug, "who", "integer")


def test_choice_to_multi_choice_and_money_to_decimal(schema, admin, scratch_entity):
    slug = scratch_entity()
    choices = {"choices": [{"value": "hot", "label": "Hot"}, {"value": "cold", "label": "Cold"}]}
    schema.add_field(admin, slug, api_name="temp", label="Temp", type="choice", options=choices)
    schema.add_field(admin, slug, api_name="price", label="Price", type="money")
    record = RecordService().create(
        admin, slug, {"temp": "hot", "price": {"amount": "9.99", "currency": "EUR"}}
    )
    schema.change_field_type(admin, slug, "temp", "multi_choice", options=choices)
    schema.change_field_type(admin, slug, "price", "decimal")
    row = get_model(slug).objects.get(pk=record.pk)
    assert row.temp == ["hot"] and row.price == Decimal("9.99")


def test_feature_switch_adds_columns(schema, admin, scratch_entity):
    slug = scratch_entity()
    table = EntityType.objects.get(slug=slug).db_table
    assert "score" not in columns(table)
    schema.update_entity_type(admin, slug, supports_segmentation=True, label="Renamed")
    assert {"score", "segment"} <= columns(table)
    assert get_snapshot().entity(slug).display_label == "Renamed"


def test_metadata_history_records_who_changed_what(schema, admin, scratch_entity):
    slug = scratch_entity()
    field = schema.add_field(admin, slug, api_name="x", label="X", type="text")
    schema.update_field(admin, slug, "x", label="Better X")
    records = list(field.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[-1].history_user == admin and records[-1].label == "Better X"


def test_removing_a_choice_in_use_needs_confirmation(schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    both = {"choices": [{"value": "hot", "label": "Hot"}, {"value": "cold", "label": "Cold"}]}
    only_hot = {"choices": [{"value": "hot", "label": "Hot"}]}
    schema.add_field(admin, slug, api_name="temp", label="Temp", type="choice", options=both)
    schema.add_field(
        admin, slug, api_name="temps", label="Temps", type="multi_choice", options=both
    )
    RecordService().create(admin, slug, {"temp": "cold", "temps": ["hot", "cold"]})
    RecordService().create(admin, slug, {"temp": "hot"})
    # when / then
    for name in ("temp", "temps"):
        with pytest.raises(FieldInUse) as error:
            schema.update_field(admin, slug, name, options=only_hot)
        assert error.value.extra["affected"] == 1
        assert get_snapshot().entity(slug).field(name).options == both
        schema.update_field(admin, slug, name, options=only_hot, confirm_loss=True)
        assert get_snapshot().entity(slug).field(name).options == only_hot
    # renaming a label of a choice in use is fine
    schema.update_field(
        admin, slug, "temp", options={"choices": [{"value": "hot", "label": "Very hot"}]}
    )
