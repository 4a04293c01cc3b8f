"""Undoing an import: created records to the trash, updated ones back to their before-values.

    batch = undo_batch(user, batch)
    batch.undo_report     # {"deleted": 120, "restored": 30, "kept": [812, 977]}

A record whose version moved since the import (edited, trashed, restored) is left
alone and named in `kept` — unless the user may no longer see it (handed over and
hidden since): the report names no record the user's own lists would not show.
Everything else is undone in one transaction, with history rows ("delete" and
"update", action "import_undo") in the import's batch.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from modules.access import engine
from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.records import hooks
from modules.transfer.models import ImportBatch, Status
from modules.transfer.pipeline import chunks

#: The report names at most this many records left alone.
KEPT_LIMIT = 1000


@transaction.atomic
def undo_batch(user, batch: ImportBatch) -> ImportBatch:
    """Undo every row of a finished import that nobody changed since."""
    model = get_snapshot().model_by_id(batch.entity_type_id)
    entity = model.entity
    by_id = {str(spec.id): spec for spec in entity.fields}
    report = {"deleted": 0, "restored": 0, "kept": []}
    for chunk in chunks(batch.rows.order_by("pk").iterator(chunk_size=1000)):
        locked = model.objects.filter(pk__in=[row.record_id for row in chunk]).select_for_update()
        records = {record.pk: record for record in locked}
        trash, restored, changes = [], [], []
        for row in chunk:
            record = records.get(row.record_id)
            if record is None or record.version != row.version or record.deleted_at:
                report["kept"].append(row.record_id)
            elif row.created:
                trash.append(record)
            elif (diff := _restore(entity, by_id, record, row.before)) is not None:
                restored.append(record)
                changes.append(diff)
            else:
                report["kept"].append(row.record_id)
        _trash(user, model, batch, trash)
        _save_restored(user, model, batch, restored, changes)
        report["deleted"] += len(trash)
        report["restored"] += len(restored)
    report["kept"] = _seen_by(user, model, report["kept"])[:KEPT_LIMIT]
    batch.status, batch.undone_at, batch.undo_report = Status.UNDONE, timezone.now(), report
    batch.save(update_fields=["status", "undone_at", "undo_report"])
    return batch


def _seen_by(user, model, ids: list[int]) -> list[int]:
    """Those of `ids` whose records `user` may see (in the trash too), in the same order."""
    seen = set(
        model.objects.filter(engine.visible_q(user, model.entity), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    return [pk for pk in ids if pk in seen]


def _restore(entity, by_id: dict, record, before: dict) -> dict | None:
    """Put the before-values back on `record`; the changes, or None if one cannot go back."""
    old = recorder.values_of(entity, record)
    for key, value in before.items():
        spec = by_id.get(key)
        if spec is None:
            continue  # a record key (score, segment) or a field deleted since
        try:
            spec.type_class.set_value(record, spec, spec.type_class.clean(spec, value))
        except ValidationError:
            return None
    hooks.prepare(entity, record)
    return recorder.diff(old, recorder.values_of(entity, record))


def _trash(user, model, batch: ImportBatch, records: list) -> None:
    if not records:
        return
    now = timezone.now()
    model.objects.filter(pk__in=[r.pk for r in records]).update(
        deleted_at=now, updated_by=user, updated_at=now, version=F("version") + 1
    )
    entries = [recorder.Entry(r.pk, {}, title=model.entity.title_of(r)) for r in records]
    recorder.log_many(
        user, model.entity, "delete", entries, action="import_undo", batch=batch.batch_key
    )


def _save_restored(user, model, batch: ImportBatch, records: list, changes: list) -> None:
    if not records:
        return
    entity = model.entity
    now = timezone.now()
    for record in records:
        record.updated_by, record.updated_at = user, now
        record.version += 1
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    model.objects.bulk_update(records, [f for f in fields if f not in ("created_at", "created_by")])
    entries = [
        recorder.Entry(r.pk, c, title=entity.title_of(r))
        for r, c in zip(records, changes, strict=True)
    ]
    recorder.log_many(user, entity, "update", entries, action="import_undo", batch=batch.batch_key)
