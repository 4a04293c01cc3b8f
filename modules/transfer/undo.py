"""Undoing an import: created records to the trash, updated ones back to their before-values.

    batch = undo_batch(user, batch)
    batch.undo_report     # {"deleted": 120, "restored": 30, "kept": [812, 977]}

A record whose version moved since the import (edited, trashed, restored) is left
alone and named in `kept` — unless the user may no longer see it (handed over and
out of their sight since): the report names no record the user's own lists would not show.
Everything else is undone in one transaction, with history rows ("delete" and
"update", action "import_undo") in the import's batch.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from modules.access import engine
from modules.metamodel.runtime import get_snapshot
from modules.records.services import Effects, RecordService
from modules.transfer.models import ImportBatch, Status
from modules.transfer.pipeline import chunks

#: The report names at most this many records left alone.
KEPT_LIMIT = 1000


@transaction.atomic
def undo_batch(user, batch: ImportBatch) -> ImportBatch:
    """Undo every row of a finished import that nobody changed since."""
    model = get_snapshot().model_by_id(batch.entity_type_id)
    by_id = {str(spec.id): spec for spec in model.entity.fields}
    service = RecordService()
    report = {"deleted": 0, "restored": 0, "kept": []}
    for chunk in chunks(batch.rows.order_by("pk").iterator(chunk_size=1000)):
        locked = model.objects.filter(pk__in=[row.record_id for row in chunk]).select_for_update()
        records = {record.pk: record for record in locked}
        trash, restored = [], []
        for row in chunk:
            record = records.get(row.record_id)
            if record is None or record.version != row.version or record.deleted_at:
                report["kept"].append(row.record_id)
            elif row.created:
                trash.append(record)
            elif (values := _before_values(by_id, row.before)) is not None:
                restored.append((record, values))
            else:
                report["kept"].append(row.record_id)
        effects = Effects(history="delete", action="import_undo", batch=batch.batch_key)
        service.trash_rows(user, model, trash, effects)
        service.update_rows(user, model, restored, replace(effects, history="update"))
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


def _before_values(by_id: dict, before: dict) -> dict | None:
    """`{api name: value}` of the before-values to put back, or None if one cannot go back."""
    values = {}
    for key, value in before.items():
        spec = by_id.get(key)
        if spec is None:
            continue  # a record key (score, segment) or a field deleted since
        try:
            values[spec.api_name] = spec.type_class.clean(spec, value)
        except ValidationError:
            return None
    return values
