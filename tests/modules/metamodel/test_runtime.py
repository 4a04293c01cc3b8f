import copy
import gc
import pickle
import weakref

import pytest
from django.apps import apps as global_apps
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import bind, get_model, get_snapshot, registry
from modules.metamodel.runtime.middleware import SchemaSnapshotMiddleware
from modules.metamodel.runtime.snapshot import KEEP_RECENT
from modules.records.services import RecordService
from project.celery import app


def test_runtime_models_live_outside_the_global_registry(db):
    # when
    model = get_model("persons")
    # then
    assert model not in global_apps.get_models()
    with pytest.raises(LookupError):
        global_apps.get_model("runtime", model.__name__)
    assert model._meta.apps is get_snapshot().apps
    assert model._meta.managed is False and model._meta.db_table.startswith("ent_")


def test_system_columns_and_field_columns(db):
    model = get_model("deals")
    names = {f.name for f in model._meta.concrete_fields}
    assert {
        "id",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "owner",
        "visibility",
        "version",
        "deleted_at",
        "number",
        "value",
        "value_currency",
    } <= names
    spec = model.entity.field("value")
    assert model._meta.get_field("value").column == spec.column == f"f_{spec.id}"
    assert model._meta.get_field("value_currency").column == f"f_{spec.id}_currency"
    assert {"score", "segment"} <= {f.name for f in get_model("persons")._meta.fields}
    assert "score" not in names


def test_unknown_entity_type(db):
    with pytest.raises(EntityTypeNotFound):
        get_model("spaceships")


def test_the_snapshot_is_reused_until_the_version_moves(db, schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    first = registry.current()
    builds = registry.builds
    # when nothing changed
    again = registry.current()
    # then
    assert again is first and registry.builds == builds
    # when the schema changes
    schema.add_field(admin, slug, api_name="extra", label="Extra", type="text")
    # then a new snapshot with the field is built once
    newer = registry.current()
    assert newer is not first and registry.builds == builds + 1
    assert newer.entity(slug).has_field("extra") and not first.entity(slug).has_field("extra")


def test_checking_the_version_costs_one_query(db, django_assert_num_queries):
    registry.current()
    with django_assert_num_queries(1):
        registry.current()


def test_a_bound_snapshot_stays_for_the_whole_block(db, schema, admin, scratch_entity):
    slug = scratch_entity()
    with bind() as snapshot:
        schema.add_field(admin, slug, api_name="later", label="Later", type="text")
        assert get_snapshot() is snapshot
        assert not get_model(slug).entity.has_field("later")
    assert get_model(slug).entity.has_field("later")


def test_middleware_binds_one_snapshot_per_request(db, schema, admin, scratch_entity):
    # given a view that changes the schema halfway through the request
    slug = scratch_entity()
    registry.current()  # the process has read the version since the type was added
    seen = []

    def view(request):
        seen.append(get_snapshot())
        schema.add_field(admin, slug, api_name="mid", label="Mid", type="text")
        seen.append(get_snapshot())
        return HttpResponse("ok")

    # when
    SchemaSnapshotMiddleware(view)(RequestFactory().get("/"))
    # then the request kept its snapshot; the next one is answered with the field (a GET
    # that made no query on the process's older snapshot is served again on the new one)
    assert seen[0] is seen[1] and not seen[0].entity(slug).has_field("mid")
    SchemaSnapshotMiddleware(lambda r: seen.append(get_snapshot()) or HttpResponse())(
        RequestFactory().get("/")
    )
    assert seen[-1].entity(slug).has_field("mid")


def test_a_rolled_back_change_never_leaves_a_stale_snapshot(db, schema, admin, scratch_entity):
    # given a schema change seen inside a transaction that then rolls back
    slug = scratch_entity()
    with pytest.raises(RuntimeError), transaction.atomic():
        schema.add_field(admin, slug, api_name="ghost", label="Ghost", type="text")
        assert get_model(slug).entity.has_field("ghost")
        raise RuntimeError("roll back")
    # then the version number came back, but the snapshot is not the ghost one
    assert not get_model(slug).entity.has_field("ghost")


def test_records_pickle_and_deepcopy_across_snapshots(db, schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="name", label="Name", type="text")
    record = RecordService().create(admin, slug, {"name": "Pickled"})
    data = pickle.dumps(record)
    # when
    copied = copy.deepcopy(record)
    schema.add_field(admin, slug, api_name="more", label="More", type="integer")
    restored = pickle.loads(data)
    # then
    assert type(copied) is type(record) and copied.name == "Pickled" and copied.pk == record.pk
    assert restored.name == "Pickled" and restored.pk == record.pk
    restored.name = "Saved again"
    restored.save(update_fields=["name"])
    assert get_model(slug).objects.get(pk=record.pk).name == "Saved again"


def test_tasks_bind_the_current_snapshot(db, schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    captured = []

    @app.task(name="tests.capture_snapshot", bind=False)
    def capture():
        captured.append(get_snapshot())

    # when an (eager) task runs after a change made outside any binding
    with bind():
        schema.add_field(admin, slug, api_name="fresh", label="Fresh", type="text")
        capture.delay()
    # then the task saw the new version, not the caller's bound one
    assert captured[0].entity(slug).has_field("fresh")


def test_titles_follow_the_template(db, admin):
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    person = RecordService().create(
        admin, "persons", {"first_name": "Ada", "last_name": "Byron", "company": company.pk}
    )
    assert str(person) == "Ada Byron"
    assert str(company) == "Acme"


def test_a_title_leaves_linked_records_out(db, schema, admin):
    # given a title template naming a relation field
    schema.update_entity_type(admin, "persons", title_template="{last_name} {company}")
    company = RecordService().create(admin, "companies", {"name": "Acme"}, visibility="hidden")
    # when
    person = RecordService().create(
        admin, "persons", {"first_name": "Ada", "last_name": "Byron", "company": company.pk}
    )
    # then a title, shown to whoever sees the record, names no linked record
    assert str(person) == "Byron"


def test_old_snapshots_are_released(db, schema, admin, scratch_entity):
    # given many schema versions in a row
    slug = scratch_entity()
    refs = []
    for i in range(KEEP_RECENT + 4):
        schema.add_field(admin, slug, api_name=f"extra{i}", label=f"Extra {i}", type="text")
        refs.append(weakref.ref(registry.current().model(slug)))
    # when
    gc.collect()
    # then only the recent ones stay in memory
    assert sum(ref() is not None for ref in refs) <= KEEP_RECENT
