"""A field added in one OS process is readable and writable in another on its next task."""

import os

import pytest

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = pytest.mark.worker


def test_task_runs_on_a_real_worker_through_redis(worker, schema, admin):
    # given
    slug = "companies"
    # when
    result = worker("tests.create_record", slug, {"name": "Made by the worker"})
    # then another process wrote it, and this one reads it
    assert result["pid"] != os.getpid()
    assert get_model(slug).objects.get(pk=result["id"]).name == "Made by the worker"


def test_field_added_in_one_process_is_usable_in_the_other_at_once(worker, schema, admin):
    # given the worker has built its snapshot already
    slug = "companies"
    before = worker("tests.create_record", slug, {"name": "Warm-up"})
    # when this process adds a field
    schema.add_field(admin, slug, api_name="potential", label="Potential", type="integer")
    # then the worker writes it on its very next task, and we read it
    written = worker("tests.create_record", slug, {"name": "Next", "potential": 42})
    assert written["version"] > before["version"]
    assert get_model(slug).objects.get(pk=written["id"]).potential == 42
    # when the worker adds a field
    worker("tests.add_field", slug, "rating", "decimal")
    # then this process writes it at once, and the worker reads it back
    record = RecordService().create(admin, slug, {"name": "Here", "rating": "4.5"})
    assert worker("tests.read_value", slug, record.pk, "rating") == "4.50"
