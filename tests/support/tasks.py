"""Tasks a real Celery worker runs in tests (loaded with `--include tests.support.tasks`).

Loading them also puts the suite's entity write guard on the worker's connections, so the
product's tasks the worker runs (imports, recomputes) are held to the one writer too.
"""

import os

from celery import shared_task

from modules.metamodel.runtime import get_snapshot
from modules.metamodel.services import SchemaService
from modules.records.services import RecordService
from tests.support.entity_writes import EntityWriteGuard

EntityWriteGuard().install()


@shared_task(name="tests.create_record")
def create_record(slug: str, values: dict) -> dict:
    """Create a record as the system; report which process and schema version did it."""
    record = RecordService().create(None, slug, values)
    return {"id": record.pk, "pid": os.getpid(), "version": get_snapshot().version}


@shared_task(name="tests.read_value")
def read_value(slug: str, record_id: int, api_name: str):
    """A field's stored value as JSON, read through this process's snapshot."""
    spec = get_snapshot().entity(slug).field(api_name)
    record = RecordService().get(None, slug, record_id)
    return spec.type_class.to_json(spec, spec.type_class.get_value(record, spec))


@shared_task(name="tests.add_field")
def add_field(slug: str, api_name: str, type_: str) -> int:
    """Add a field as the system, from this process."""
    return SchemaService().add_field(None, slug, api_name=api_name, label=api_name, type=type_).pk


@shared_task(name="tests.chatter")
def chatter(kilobytes: int) -> int:
    """Print `kilobytes` of output (more than a pipe holds) and answer how much it printed."""
    line = "x" * 1023
    for _ in range(kilobytes):
        print(line)
    return kilobytes
