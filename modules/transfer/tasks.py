"""Background work of imports: running one, and failing runs whose worker died.

run_import.apply_async(args=[batch.pk], task_id=batch.task_id)   # after the commit
fail_dead_imports.delay()                                        # beat, every minute
"""

from celery import shared_task

from modules.transfer.models import ImportBatch, Status
from modules.transfer.services import RUN_IMPORT, ImportService, fail_if_dead


@shared_task(name=RUN_IMPORT)
def run_import(batch_id: int) -> dict | None:
    """Carry out a queued import; its progress is on the ImportBatch row."""
    batch = ImportService().execute(batch_id)
    return batch.as_dict() if batch is not None else None


@shared_task(name="modules.transfer.tasks.fail_dead_imports")
def fail_dead_imports() -> int:
    """Mark failed every running import whose worker stopped reporting; how many."""
    running = ImportBatch.objects.filter(status=Status.RUNNING).select_related("entity_type")
    return sum(fail_if_dead(batch) for batch in running)
