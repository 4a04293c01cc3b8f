"""Naming rules for field api names and entity slugs: properties, and through the services."""

import keyword
import re

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from modules.core.exceptions import TesseraError
from modules.metamodel.exceptions import InvalidName
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.names import (
    RESERVED_FIELD_NAMES,
    RESERVED_SLUGS,
    check_entity_slug,
    check_field_name,
)
from modules.metamodel.runtime import get_model
from modules.metamodel.runtime.base import EntityRecord
from modules.records.services import RecordService

SHAPE = re.compile(r"[a-z][a-z0-9_]{0,62}")
SLUGS_NAMED_IN_THE_DESIGN = {
    "meta",
    "auth",
    "schema",
    "docs",
    "history",
    "imports",
    "users",
    "teams",
    "account",
    "search",
    "me",
}
plausible_names = st.from_regex(r"[a-z][a-z0-9]{0,10}(_[a-z0-9]{1,10}){0,3}", fullmatch=True)
names = st.one_of(
    st.text(),
    st.from_regex(r"[a-z][a-z0-9_]{0,70}", fullmatch=True),
    plausible_names,
    st.from_regex(r"[a-z][a-z0-9_]{0,10}\n", fullmatch=True),
    st.sampled_from(sorted(RESERVED_FIELD_NAMES | RESERVED_SLUGS)),
    st.integers(min_value=0).map(lambda n: f"f_{n}"),
)
properties = settings(max_examples=200, deadline=None)
through_the_database = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_well_shaped(name):
    assert SHAPE.fullmatch(name), name
    assert "__" not in name and not name.endswith("_")


# -- field api names ------------------------------------------------------------------------------


@properties
@given(name=names)
@example(name="sales_potential\n")
@example(name="schema_key")
def test_check_field_name_returns_the_name_or_raises_invalid_name(name):
    # when
    try:
        result = check_field_name(name)
    except InvalidName as error:
        # then
        assert list(error.errors) == ["api_name"]
        return
    # then
    assert result == name
    assert_well_shaped(name)
    assert name not in RESERVED_FIELD_NAMES
    assert not re.fullmatch(r"f_\d+.*", name), "looks like a column"
    assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
    assert not hasattr(EntityRecord, name), "would shadow a runtime model attribute"


@pytest.mark.parametrize("name", [None, 5, b"name", ["name"], {"name": 1}])
def test_a_field_name_that_is_not_text_is_refused(name):
    with pytest.raises(InvalidName) as error:
        check_field_name(name)
    assert "api_name" in error.value.errors


@pytest.mark.parametrize(
    "name", ["a", "sales_potential", "x1", "f", "f1", "field_12_x", "a" * 63, "price2"]
)
def test_good_field_names_are_kept(name):
    assert check_field_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "a" * 64,
        "Name",
        "1st",
        "_private",
        "a__b",
        "trailing_",
        "with space",
        "zażółć",
        "name\n",
        "f_1",
        "f_12_currency",
        "id",
        "owner_id",
        "class",
        "match",
        "objects",
        "save",
        "refresh_from_db",
        "ordering",
        "page_size",
        "include_deleted",
    ],
)
def test_bad_or_reserved_field_names_are_refused(name):
    with pytest.raises(InvalidName):
        check_field_name(name)


def test_every_attribute_of_a_runtime_model_is_a_reserved_field_name(scratch_entity):
    # given the names a field could shadow on a runtime model class with no fields of its own
    model = get_model(scratch_entity(supports_segmentation=True))
    attributes = [n for n in dir(model) if SHAPE.fullmatch(n)]
    # when
    accepted = []
    for name in attributes:
        try:
            check_field_name(name)
        except InvalidName:
            continue
        accepted.append(name)
    # then
    assert "schema_key" in attributes and "save" in attributes
    assert accepted == []


@pytest.fixture
def entity_slug(schema, admin, scratch_entity):
    """One scratch entity type for all examples, with fields whose extra attributes may clash."""
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="price", label="Price", type="money")
    schema.add_field(admin, slug, api_name="manager", label="Manager", type="user")
    return slug


field_names = st.one_of(
    names,
    plausible_names,
    st.sampled_from(["price", "price_currency", "manager", "manager_id", "notes", "notes"]),
)


@through_the_database
@given(name=field_names)
@example(name="price_currency")
@example(name="name\n")
def test_add_field_with_any_name_works_or_raises_a_domain_error_and_changes_nothing(
    schema, admin, entity_slug, name
):
    # given
    state = SchemaState.current()
    fields = FieldDefinition.objects.filter(entity_type__slug=entity_slug)
    count = fields.count()
    # when
    try:
        field = schema.add_field(admin, entity_slug, api_name=name, label="X", type="text")
    except TesseraError as error:
        event(f"refused: {type(error).__name__}")
        # then nothing changed
        assert SchemaState.current() == state
        assert fields.count() == count
        return
    # then the field is there under that name and usable at once
    event("added")
    assert field.api_name == name
    assert_well_shaped(name)
    assert SchemaState.current()[0] == state[0] + 1
    assert fields.count() == count + 1
    record = RecordService().create(admin, entity_slug, {name: "hello"})
    assert getattr(get_model(entity_slug).objects.get(pk=record.pk), name) == "hello"


# -- entity type slugs ----------------------------------------------------------------------------


@properties
@given(slug=names)
@example(slug="deals\n")
def test_check_entity_slug_returns_the_slug_or_raises_invalid_name(slug):
    # when
    try:
        result = check_entity_slug(slug)
    except InvalidName as error:
        # then
        assert list(error.errors) == ["slug"]
        return
    # then
    assert result == slug
    assert_well_shaped(slug)
    assert slug not in RESERVED_SLUGS


@pytest.mark.parametrize("slug", sorted(SLUGS_NAMED_IN_THE_DESIGN))
def test_slugs_used_by_the_api_are_reserved(slug):
    with pytest.raises(InvalidName) as error:
        check_entity_slug(slug)
    assert "slug" in error.value.errors


@pytest.mark.parametrize(
    "slug", [None, 5, "", "Deals", "deals ", "deals\n", "a__b", "deals_", "x" * 64]
)
def test_bad_slugs_are_refused(slug):
    with pytest.raises(InvalidName):
        check_entity_slug(slug)


@pytest.mark.parametrize("slug", ["deals", "support_tickets", "x", "x" * 63, "v2_leads"])
def test_good_slugs_are_kept(slug):
    assert check_entity_slug(slug) == slug


slugs = st.one_of(
    names, plausible_names, st.sampled_from(["persons", "companies", "tickets", "tickets"])
)


@through_the_database
@given(slug=slugs)
@example(slug="tickets\n")
def test_create_entity_type_with_any_slug_works_or_raises_a_domain_error_and_changes_nothing(
    schema, admin, db, slug
):
    # given
    state = SchemaState.current()
    count = EntityType.objects.count()
    # when
    try:
        schema.create_entity_type(admin, slug=slug, label="Thing", label_plural="Things")
    except TesseraError as error:
        event(f"refused: {type(error).__name__}")
        # then nothing changed
        assert SchemaState.current() == state
        assert EntityType.objects.count() == count
        return
    # then the entity type is there and records can be stored at once
    event("created")
    assert_well_shaped(slug)
    assert SchemaState.current()[0] == state[0] + 1
    assert EntityType.objects.filter(slug=slug).exists()
    record = RecordService().create(admin, slug, {})
    assert get_model(slug).objects.filter(pk=record.pk).exists()
