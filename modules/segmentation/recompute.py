"""Re-score every record of an entity type, batch by batch, with progress on a row.

    run_recompute(run_id)      # what the Celery task `tasks.recompute` does

On PostgreSQL each batch is one set-based UPDATE of an id range compiled from the
scheme (`CompiledScheme.update_sql`), writing only rows whose score or segment
changes; each batch commits on its own and moves the progress (`Recompute.done`).
Elsewhere (the embedded SQLite default) the same rule runs in Python.
A run whose scheme was saved again meanwhile stops as superseded: the newer run
re-scores everything anyway.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.utils import timezone

from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.segmentation.models import Recompute, Scheme
from modules.segmentation.scoring import compile_scheme

logger = logging.getLogger(__name__)

#: Rows per UPDATE: large enough that a batch costs little more than its rows.
BATCH_ROWS = 25000


def batch_starts(table: str, size: int) -> list[int]:
    """The first id of every batch of `size` rows, in one pass over the primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n "
            f"FROM {connection.ops.quote_name(table)}) AS numbered "
            "WHERE n %% %s = 1 ORDER BY id",
            [size],
        )
        return [row[0] for row in cursor.fetchall()]


def _progress(run: Recompute, **changes) -> None:
    for name, value in changes.items():
        setattr(run, name, value)
    Recompute.objects.filter(pk=run.pk).update(**changes)


def _superseded(run: Recompute) -> bool:
    current = Scheme.objects.filter(pk=run.scheme_id).values_list("version", flat=True).first()
    return current != run.scheme_version


def run_recompute(run_id: int, *, batch_rows: int = BATCH_ROWS) -> Recompute | None:
    """Carry out one recompute run; returns it finished (or None if it is gone)."""
    run = Recompute.objects.select_related("scheme").filter(pk=run_id).first()
    if run is None or run.finished:
        return run
    if _superseded(run):
        _progress(run, status=Recompute.Status.SUPERSEDED, finished_at=timezone.now())
        return run
    try:
        snapshot = get_snapshot()
        model = snapshot.model_by_id(run.scheme.entity_type_id)
        compiled = compile_scheme(model.entity)
        rows = model.objects.all()
        _progress(
            run, status=Recompute.Status.RUNNING, started_at=timezone.now(), total=rows.count()
        )
        if connection.vendor == "postgresql":
            rescore_in_sql(run, compiled, model._meta.db_table, batch_rows)
        else:
            _in_python(run, compiled, rows, batch_rows)
    except EntityTypeNotFound:
        _progress(run, status=Recompute.Status.SUPERSEDED, finished_at=timezone.now())
        return run
    except Exception as error:
        logger.exception("Segmentation recompute %s failed", run.pk)
        _progress(
            run, status=Recompute.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return run
    if run.status == Recompute.Status.RUNNING:
        _progress(run, status=Recompute.Status.DONE, finished_at=timezone.now(), done=run.total)
    return run


def rescore_in_sql(run: Recompute, compiled, table: str, batch_rows: int = BATCH_ROWS) -> None:
    """Every row of `table` by `compiled`, one guarded UPDATE (and commit) per batch."""
    starts = batch_starts(table, batch_rows)
    ends = [*starts[1:], None] if starts else []
    for low, high in zip(starts, ends, strict=True):
        if _superseded(run):
            _progress(run, status=Recompute.Status.SUPERSEDED, finished_at=timezone.now())
            return
        sql, params = compiled.update_sql(table, low, high if high is not None else 2**63 - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            changed = cursor.rowcount
        _progress(
            run,
            done=min(run.done + batch_rows, run.total),
            changed=run.changed + max(changed, 0),
        )


def _in_python(run: Recompute, compiled, rows, batch_rows: int) -> None:
    batch: list = []

    def flush():
        with transaction.atomic():
            changed = [record for record in batch if compiled.apply(record)]
            rows.model.objects.bulk_update(changed, ["score", "segment"])
        _progress(run, done=run.done + len(batch), changed=run.changed + len(changed))
        batch.clear()

    for record in rows.order_by("pk").iterator(chunk_size=batch_rows):
        batch.append(record)
        if len(batch) >= batch_rows:
            if _superseded(run):
                _progress(run, status=Recompute.Status.SUPERSEDED, finished_at=timezone.now())
                return
            flush()
    if batch:
        flush()
