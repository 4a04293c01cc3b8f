"""Background work of segmentation: re-scoring every record, and resuming lost runs.

recompute.delay(run.pk)          # SegmentationService sends it after the scheme's commit
resume_dead_recomputes.delay()   # beat, every minute
"""

from celery import shared_task

from modules.segmentation.models import Recompute
from modules.segmentation.recompute import claim_dead, run_recompute


@shared_task(name="modules.segmentation.tasks.recompute")
def recompute(run_id: int) -> dict | None:
    """Carry out a recompute run; its progress is on the `Recompute` row."""
    run = run_recompute(run_id)
    return run.as_dict() if run is not None else None


@shared_task(name="modules.segmentation.tasks.resume_dead_recomputes")
def resume_dead_recomputes() -> int:
    """Send again every running recompute whose worker stopped reporting; how many."""
    resumed = 0
    for run in Recompute.objects.filter(status=Recompute.Status.RUNNING):
        if claim_dead(run):
            recompute.delay(run.pk)
            resumed += 1
    return resumed
