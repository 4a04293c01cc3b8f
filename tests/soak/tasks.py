"""A task the soak's Celery worker runs (`--include tests.soak.tasks`).

app.send_task("soak.fields", args=["soak_records"]).get(timeout=30)
"""

import os

from celery import shared_task

from modules.metamodel.runtime import get_snapshot


@shared_task(name="soak.fields")
def fields(slug: str) -> dict:
    """The fields of an entity type as this worker's schema snapshot has them."""
    snapshot = get_snapshot()
    return {
        "pid": os.getpid(),
        "version": snapshot.version,
        "fields": {spec.api_name: spec.type for spec in snapshot.entity(slug).fields},
    }
