"""From a recorded write to the deliveries that report it.

The history recorder tells `on_recorded` of every write, inside the writer's transaction.
Without an active subscription that costs one query on a small table; with one, a
delivery row per subscription and record (an import: per batch) is written in the same
transaction, and sending starts after commit. Only writes of the actions in `ANNOUNCED` are
announced: a segmentation recompute rewrites scores of many records without anyone
changing them, and notes, tasks and other modules' entries have their own channels.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from modules.webhooks.models import Delivery, Event, Subscription
from modules.webhooks.tasks import send_soon

#: The actions whose writes are announced; any other (recompute, a note's history) is not.
ANNOUNCED = frozenset(
    {
        "",
        "bulk_update",
        "bulk_delete",
        "bulk_restore",
        "import",
        "import_undo",
        "change_user",
        "relation_add",
        "relation_remove",
        "handover",
        "merge",
        # A lead's steps (modules/leads) are edits of the lead like any other.
        "disqualify",
        "archive",
        "qualify",
        "intake",
    }
)
BY_OPERATION = {
    "create": Event.CREATED,
    "update": Event.UPDATED,
    "delete": Event.DELETED,
    "restore": Event.RESTORED,
    "import": Event.IMPORTED,
    "anonymise": Event.ANONYMISED,
}


def event_for(operation: str, action: str) -> str | None:
    """The event a write is announced as, or None."""
    if action not in ANNOUNCED:
        return None
    if action == "merge":
        return Event.MERGED
    return BY_OPERATION.get(operation)


def listening(event: str, entity_id: int) -> list[Subscription]:
    """The active subscriptions that hear `event` on entity type `entity_id`."""
    subscriptions = Subscription.objects.filter(active=True).only("events", "entity_type_ids")
    return [s for s in subscriptions if s.hears(event, entity_id)]


def changed_keys(changes: dict) -> list[str]:
    """The keys of the values a change touched, in a stable order."""
    return sorted(changes)


def on_recorded(entity, operation: str, action: str, batch: str, entries: list) -> None:
    """Write the deliveries that report this write; send them once it commits."""
    event = event_for(operation, action)
    if event is None or not entries:
        return
    subscriptions = listening(event, entity.id)
    if not subscriptions:
        return
    now = timezone.now()
    if event == Event.IMPORTED:
        ids = [record_id for record_id, _ in entries]
        rows = [
            Delivery(
                subscription=s,
                event=event,
                entity_type_id=entity.id,
                record_ids=ids,
                batch=batch,
                occurred_at=now,
            )
            for s in subscriptions
        ]
    else:
        rows = [
            Delivery(
                subscription=s,
                event=event,
                entity_type_id=entity.id,
                record_ids=[record_id],
                batch=batch,
                changed=changed_keys(changes) if event == Event.UPDATED else [],
                occurred_at=now,
            )
            for s in subscriptions
            for record_id, changes in entries
        ]
    Delivery.objects.bulk_create(rows)
    ids = [str(row.id) for row in rows]
    transaction.on_commit(lambda: send_soon(ids))
