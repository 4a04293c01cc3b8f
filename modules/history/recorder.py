"""The one writer of RowHistory; services call it inside their own transaction.

    before = recorder.values_of(entity, record)
    ...                                          # the service changes the record
    changes = recorder.diff(before, recorder.values_of(entity, record))
    recorder.log(user, entity, "update", record.pk, changes, title=entity.title_of(record))
    recorder.log_many(user, entity, "import", [Entry(pk, recorder.created(entity, row))], batch=b)

Keys of `changes`: a field's id as text ("17"), or a record key: "owner", "visibility",
"score", "segment", "role.<role>" ({"users": [ids], "teams": [ids]}) and
"relation.<relation type id>.<side>" (the other record's id). Values are JSON (the field
type's `to_json`). Field and relation labels are kept as they were named at the time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from modules.access import grants
from modules.core.bulk import copy_insert
from modules.history import hooks
from modules.history.models import Operation, RowHistory

TITLE_LENGTH = 255


@dataclass(frozen=True)
class Entry:
    """One record's row in a bulk write."""

    record_id: int
    changes: dict
    title: str = ""
    labels: dict = field(default_factory=dict)


def new_batch() -> str:
    """An id shared by every row one action writes."""
    return uuid.uuid4().hex


def values_of(entity, record, readers: list | None = None) -> dict[str, Any]:
    """Every tracked value of a record as JSON, keyed like `changes`; `readers` (from
    `field_readers`) saves working them out again for each of many records."""
    values = {
        key: to_json(spec, get_value(record, spec))
        for key, spec, get_value, to_json in readers or field_readers(entity)
    }
    values["owner"] = getattr(record, "owner_id", None)
    values["visibility"] = getattr(record, "visibility", None)
    if entity.supports_segmentation:
        score = getattr(record, "score", None)
        # As PostgreSQL writes numeric(14, 2) as text, so SQL-written rows read the same.
        values["score"] = None if score is None else f"{Decimal(score):.2f}"
        values["segment"] = getattr(record, "segment", None)
    return values


def diff(before: dict, after: dict) -> dict[str, list]:
    """`{key: [before, after]}` for every key whose value differs."""
    keys = dict.fromkeys([*before, *after])
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def field_readers(entity) -> list[tuple]:
    """(key, spec, get_value, to_json) of each field, for `values_of`."""
    return [
        (str(spec.id), spec, spec.type_class.get_value, spec.type_class.to_json)
        for spec in entity.fields
    ]


def created(entity, record, readers: list | None = None) -> dict[str, list]:
    """The changes of a new record: each value it was given, from nothing."""
    return {
        key: [None, value]
        for key, value in values_of(entity, record, readers).items()
        if not _empty(value)
    }


def field_labels(entity, keys: Iterable[str]) -> dict[str, Any]:
    """The labels of the field keys among `keys`, as the fields are named now."""
    by_id = {str(spec.id): spec.label for spec in entity.fields}
    return {key: by_id[key] for key in keys if key in by_id}


def log(
    user,
    entity,
    operation: str,
    record_id: int,
    changes: dict | None = None,
    *,
    action: str = "",
    batch: str = "",
    title: str = "",
    labels: dict | None = None,
) -> RowHistory | None:
    """One row; an update that changed nothing writes none."""
    changes = changes or {}
    if operation == Operation.UPDATE and not changes:
        return None
    row = RowHistory.objects.create(
        **_common(user, entity, operation, action, batch),
        record_id=record_id,
        title=title[:TITLE_LENGTH],
        changes=changes,
        labels={**field_labels(entity, changes), **(labels or {})},
    )
    hooks.recorded(entity, operation, action, batch, [(record_id, changes)])
    return row


def log_many(
    user, entity, operation: str, entries: Iterable[Entry], *, action: str = "", batch: str = ""
) -> int:
    """Rows for many records at once (bulk actions, imports, recompute); returns how many."""
    common = _common(user, entity, operation, action, batch)
    labels_now = {str(spec.id): spec.label for spec in entity.fields}
    rows = [
        RowHistory(
            **common,
            record_id=entry.record_id,
            title=entry.title[:TITLE_LENGTH],
            changes=entry.changes,
            labels={
                **{k: labels_now[k] for k in entry.changes if k in labels_now},
                **entry.labels,
            },
        )
        for entry in entries
        if entry.changes or operation != Operation.UPDATE
    ]
    copy_insert(RowHistory, rows)
    hooks.recorded(entity, operation, action, batch, [(r.record_id, r.changes) for r in rows])
    return len(rows)


def _common(user, entity, operation: str, action: str, batch: str) -> dict:
    assert operation in Operation.values, f"Unknown history operation {operation!r}."
    return {
        "entity_type_id": entity.id,
        "user_id": getattr(user, "pk", None),
        "at": timezone.now(),
        "operation": operation,
        "action": action,
        "batch": batch,
    }


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def holders_of(entity, record_ids: Iterable[int], role: str) -> dict[int, dict]:
    """Who holds a granted role on each record, as history keeps it (sorted ids)."""
    held = grants.holders(entity, record_ids)
    return {
        pk: {
            "users": sorted(roles.get(role, {}).get("users", [])),
            "teams": sorted(roles.get(role, {}).get("teams", [])),
        }
        for pk, roles in held.items()
    }


def role_changes(role: str, before: dict, after: dict) -> dict[str, list]:
    """`{"role.<role>": [before, after]}` when the holders differ, else nothing."""
    return {f"role.{role}": [before, after]} if before != after else {}


def redact(entity, record_id: int, keys: Iterable[str]) -> int:
    """Blank the values of `keys` and the title in every history row of a record (an
    anonymisation); how many rows changed. The rows stay, so the record's life is still
    told; only its personal values go."""
    keys = set(keys)
    changed = 0
    rows = RowHistory.objects.filter(entity_type_id=entity.id, record_id=record_id)
    for row in rows.select_for_update():
        changes = {
            key: [None for _value in values] if key in keys else values
            for key, values in row.changes.items()
        }
        if changes != row.changes or row.title:
            row.changes, row.title = changes, ""
            row.save(update_fields=["changes", "title"])
            changed += 1
    return changed
