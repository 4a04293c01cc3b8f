"""Background work of the metamodel: purging trashed fields after the grace period.

purge_trashed_fields.delay()        # Celery beat runs it every six hours
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from modules.metamodel.services import SchemaService


@shared_task(name="modules.metamodel.tasks.purge_trashed_fields")
def purge_trashed_fields(days: int | None = None) -> int:
    """Drop columns of fields trashed longer than the grace period; returns how many."""
    grace = settings.TRASH_GRACE_DAYS if days is None else days
    return SchemaService().purge_trashed_fields(
        None, older_than=timezone.now() - timedelta(days=grace)
    )
