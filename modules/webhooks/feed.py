"""The events feed: what webhooks announce, for clients that poll instead.

    items, cursor = events_after(admin, cursor=None, limit=100, entity="persons")

Built on the history rows (nothing is stored twice), in the order their transactions
began, and never past the oldest transaction still writing in this database: an event
appears once, after commit, and a poller that keeps the cursor it was given misses none,
however long the write that made it took (an import of 100,000 rows). The price: while a
long write runs, the feed shows nothing written after it began until it ends. On SQLite,
which has one writer at a time, ids are already in commit order. Like the change log it is
built on, the feed is for administrators.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.history.models import RowHistory
from modules.metamodel.models import EntityType
from modules.webhooks.dispatch import ANNOUNCED, event_for
from modules.webhooks.exceptions import FeedCursorInvalid

MAX_LIMIT = 500
#: The 64-bit id of the oldest transaction that has written in this database and is still
#: running (else the next id to be given): every transaction below it has ended. Sessions
#: report 32-bit ids; each is placed in the current epoch by its distance from the next id.
#: The database role must see its own sessions in pg_stat_activity (it always does).
HORIZON = (
    "SELECT COALESCE(min(x.next - ((x.next %% 4294967296 - a.backend_xid::text::bigint"
    " + 4294967296) %% 4294967296)), min(x.next)) FROM (SELECT"
    " pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next) x LEFT JOIN"
    " pg_stat_activity a ON a.datname = current_database() AND a.backend_xid IS NOT NULL"
)
COLUMN = '"history_rowhistory"."xact"'


def _parse(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return (-1, 0)
    try:
        xact, _sep, row = cursor.partition(".")
        parsed = int(xact), int(row)
    except ValueError:
        raise FeedCursorInvalid(_("This cursor is not one the feed gave."), field="after") from None
    if parsed[0] < 0 or parsed[1] < 0:
        raise FeedCursorInvalid(_("This cursor is not one the feed gave."), field="after")
    return parsed


def events_after(
    user, *, cursor: str | None = None, limit: int = 100, entity: str | None = None
) -> tuple[list[dict[str, Any]], str, bool]:
    """The events among the next `limit` history rows after `cursor`, the cursor to ask with
    next, and whether more rows may follow.

    Rows of actions that are not announced (a recompute's, a note's) are read past, not
    skipped by the query: the cursor moves over them, so a poller never reads them again,
    and a page may hold fewer events than `limit` while `more` is true."""
    require_administrator(user, _("Only administrators may read the events feed."))
    limit = max(1, min(limit, MAX_LIMIT))
    xact, last_id = _parse(cursor)
    rows = RowHistory.objects.all()
    if entity:
        rows = rows.filter(entity_type=EntityType.objects.by_slug(entity))
    if connection.vendor == "postgresql":
        rows = rows.annotate(xact=RawSQL(COLUMN, ())).filter(
            Q(xact__gt=xact) | Q(xact=xact, id__gt=last_id), xact__lt=RawSQL(HORIZON, ())
        )
        rows = rows.order_by("xact", "id")
    else:
        rows = rows.annotate(xact=RawSQL("0", ())).filter(id__gt=last_id).order_by("id")
    page = list(rows.select_related("entity_type")[:limit])
    next_cursor = f"{page[-1].xact}.{page[-1].id}" if page else (cursor or "0.0")
    events = [_item(row) for row in page if _announced(row)]
    return events, next_cursor, len(page) == limit


def _announced(row: RowHistory) -> bool:
    if row.action not in ANNOUNCED:
        return False
    return not (row.operation == "update" and not row.changes)


def _item(row: RowHistory) -> dict[str, Any]:
    return {
        "cursor": f"{row.xact}.{row.id}",
        "event": event_for(row.operation, row.action),
        "entity_type": row.entity_type.slug,
        "record_id": row.record_id,
        "occurred_at": row.at,
        "user_id": row.user_id,
        "batch": row.batch,
        "changed": sorted(row.changes) if row.operation == "update" else [],
    }
