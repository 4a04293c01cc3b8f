"""Background work of segmentation: re-scoring every record after a scheme changed.

recompute.delay(run.pk)      # SegmentationService sends it after the scheme's commit
"""

from celery import shared_task

from modules.segmentation.recompute import run_recompute


@shared_task(name="modules.segmentation.tasks.recompute")
def recompute(run_id: int) -> dict | None:
    """Carry out a recompute run; its progress is on the `Recompute` row."""
    run = run_recompute(run_id)
    return run.as_dict() if run is not None else None
