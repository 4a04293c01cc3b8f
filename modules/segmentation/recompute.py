"""Re-score every record of an entity type, batch by batch, with progress on a row.

    run_recompute(run_id)      # what the Celery task `tasks.recompute` does

Every batch is written through `RecordService` with the recompute's `effects`: no version
bump (open forms keep theirs), history as a system change (no user, action "recompute").
On PostgreSQL each batch is one set-based statement over an id range compiled from the
scheme (`RecordService.update_in_sql`): it updates only rows whose score or segment
changes and writes their RowHistory from the same rows, so history costs no round trip
per record. Each batch commits on its own and moves the progress
(`Recompute.done`).
Elsewhere (the embedded SQLite default) the same rule runs in Python.
A run whose scheme was saved again meanwhile stops as superseded: the newer run
re-scores everything anyway.

Every progress update moves the run's heartbeat. A running run whose heartbeat is
older than RECOMPUTE_LEASE_SECONDS lost its worker (killed mid-run, with some batches
committed and others not): the beat task `resume_dead_recomputes` claims it and sends
it again, and it goes through every batch from the start. Batches the dead worker
committed change nothing the second time (the UPDATE skips rows already right), so
each row is re-scored, and gets its history row, once.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.utils import timezone

from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.records.services import Effects, RecordService
from modules.records.writes import SqlUpdate
from modules.segmentation.models import Recompute, Scheme
from modules.segmentation.scoring import compile_scheme

logger = logging.getLogger(__name__)

#: Rows per UPDATE: large enough that a batch costs little more than its rows.
BATCH_ROWS = 25000
#: The upper end of the last id range: past any id.
OPEN_END = 2**63 - 1


def batch_ranges(table: str, size: int) -> list[tuple[int, int]]:
    """Id ranges `[low, high)` of `size` ids each from the smallest id to the largest (two
    index reads, no scan); the last one is open, so rows added meanwhile are scored too.
    Ids come from a sequence, so a range holds up to `size` rows: fewer where records
    were purged."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {connection.ops.quote_name(table)}")
        first, last = cursor.fetchone()
    if first is None:
        return []
    starts = range(first, last + 1, size)
    return [(low, low + size if low + size <= last else OPEN_END) for low in starts]


def _progress(run: Recompute, **changes) -> None:
    changes["heartbeat_at"] = timezone.now()
    for name, value in changes.items():
        setattr(run, name, value)
    Recompute.objects.filter(pk=run.pk).update(**changes)


def claim_dead(run: Recompute) -> bool:
    """Take over a running run whose worker stopped reporting; False if it is alive
    or another caller took it first (the claim moves the heartbeat)."""
    if not run.lease_expired():
        return False
    claimed = Recompute.objects.filter(
        pk=run.pk, status=Recompute.Status.RUNNING, heartbeat_at=run.heartbeat_at
    ).update(heartbeat_at=timezone.now())
    return bool(claimed)


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
        # A resumed run starts over: its progress counts from the first batch again.
        _progress(
            run,
            status=Recompute.Status.RUNNING,
            started_at=run.started_at or timezone.now(),
            total=rows.count(),
            done=0,
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


def effects(run: Recompute) -> Effects:
    """What a recompute writes besides scores: its history (a system change, no title, as
    the set-based form cannot render one); no version, no stamp, so open forms keep theirs."""
    return Effects(
        history="update",
        action="recompute",
        batch=run.batch_key,
        bump_version=False,
        stamp=False,
        prepare=False,
        titles=False,
    )


def rescore_in_sql(run: Recompute, compiled, table: str, batch_rows: int = BATCH_ROWS) -> None:
    """Every row of `table` by `compiled`, one guarded UPDATE (and commit) per batch."""
    ranges = batch_ranges(table, batch_rows)
    for number, (low, high) in enumerate(ranges, start=1):
        if _superseded(run):
            _progress(run, status=Recompute.Status.SUPERSEDED, finished_at=timezone.now())
            return
        changed = rescore_range(run, compiled, table, low, high)
        _progress(
            run,
            # The ranges are equally wide: each is about as big a share of the rows.
            done=run.total * number // len(ranges),
            changed=run.changed + max(changed, 0),
        )


def rescore_range(run: Recompute, compiled, table: str, low: int, high: int) -> int:
    """Rows `low <= id < high` re-scored in one transaction, with their history; how many
    changed."""
    entity = get_snapshot().model_by_id(run.scheme.entity_type_id).entity
    with transaction.atomic(), connection.cursor() as cursor:
        # Compiling the statement to machine code costs more than it saves on one
        # batch, and the planner's estimates would often call for it.
        cursor.execute("SET LOCAL jit = off")
        statement = rescore_sql(compiled, table, low, high)
        return RecordService().update_in_sql(None, entity, statement, effects(run))


def rescore_sql(compiled, table: str, low: int, high: int) -> SqlUpdate:
    """Rows `low <= id < high` re-scored; each changed one returned with its changes.

    `target` scores each row of the range once and keeps those whose score or segment
    moves, with their old values for the history. The score sits in a lateral subquery
    behind `OFFSET 0` so it is not inlined: it runs once per row (or once per distinct
    value, where PostgreSQL memoizes it), not again in every branch of the segment's
    CASE and in the guard. Only the kept rows are updated, and their new values are worked out
    again from the row being updated, so a record edited meanwhile is scored by its
    newest values.
    """
    score, score_params = compiled.score_sql()
    segment, segment_params = compiled.segment_sql("scored.new_score", [])
    scored = f"(SELECT {score} AS new_score OFFSET 0) AS scored"
    quoted = connection.ops.quote_name(table)
    in_range = f"{quoted}.id >= %s AND {quoted}.id < %s"
    ctes = (
        f"target AS MATERIALIZED (SELECT {quoted}.id AS target_id, "
        f"{quoted}.score AS was_score, {quoted}.segment AS was_segment, "
        "scored.new_score, segmented.new_segment "
        f"FROM {quoted} CROSS JOIN LATERAL {scored} "
        f"CROSS JOIN LATERAL (SELECT {segment} AS new_segment) AS segmented "
        f"WHERE {in_range} AND ({quoted}.score IS DISTINCT FROM scored.new_score "
        f"OR {quoted}.segment IS DISTINCT FROM segmented.new_segment))"
    )
    update = (
        f"UPDATE {quoted} SET (score, segment) = "
        f"(SELECT scored.new_score, {segment} FROM {scored}) "
        f"FROM target WHERE {in_range} AND {quoted}.id = target.target_id "
        f"RETURNING {quoted}.id, jsonb_strip_nulls(jsonb_build_object("
        f"'score', CASE WHEN target.was_score IS DISTINCT FROM {quoted}.score THEN "
        f"jsonb_build_array(target.was_score::text, {quoted}.score::text) END, "
        f"'segment', CASE WHEN target.was_segment IS DISTINCT FROM {quoted}.segment THEN "
        f"jsonb_build_array(target.was_segment, {quoted}.segment) END)) AS changes"
    )
    params = [
        *score_params,
        *segment_params,
        low,
        high,
        *segment_params,
        *score_params,
        low,
        high,
    ]
    return SqlUpdate(ctes=ctes, update=update, params=tuple(params))


def _in_python(run: Recompute, compiled, rows, batch_rows: int) -> None:
    batch: list = []
    service = RecordService()

    def flush():
        edits = [(record, {}) for record in batch]
        changed = service.update_rows(
            None,
            rows.model,
            edits,
            effects(run),
            apply=compiled.apply,
            fields=("score", "segment"),
        )
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
