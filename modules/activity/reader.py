"""A page of a record's timeline, as one user may see it.

    page = reader.page(user, entity, record, kinds=["note"], cursor=None, size=50)
    page.items   # [Item(kind, id, at, user, obj, data)], newest first
    page.next    # the cursor of the next page, or None

Entries (`TimelineEntry` rows of every declared kind, each narrowed by its kind's
`visible(user)`) and the record's notable changes (modules/history's rows: creation, trash,
restore, owner, visibility and `notable` fields; for whom may read the record's history)
are read together by one
query of their keys (a UNION, each side on its own index), newest first; then each kind on
the page reads its rows in one query. The caller has checked that `user` may open
`record`: `record_for()` answers the same "not found" for a hidden record as for a
missing one.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BigIntegerField, CharField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from modules.access import engine
from modules.access.models import Visibility
from modules.activity.models import TimelineEntry
from modules.activity.timeline import EntryKind, entry_kinds
from modules.api.pagination import InvalidCursor
from modules.core.exceptions import TesseraError
from modules.history.models import Operation, RowHistory

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
#: The kind of history rows on the timeline.
CHANGE = "change"
#: Sources in the UNION, in the order of equal moments (entries before changes).
_ENTRY, _CHANGE = 1, 0


@dataclass
class Item:
    """One line of the timeline."""

    kind: EntryKind
    id: int
    at: datetime
    user: Any
    #: The kind's model instance, or the RowHistory row of a change.
    obj: Any
    data: dict = field(default_factory=dict)
    #: URLs the screens add (a note's page, its like and unlike actions).
    links: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind.type}-{self.id}"


@dataclass
class Page:
    """The items of one page and the cursor of the next."""

    items: list[Item]
    next: str | None


def notable_keys(entity) -> list[str]:
    """The `changes` keys of a history row that make it a notable change."""
    fields = [str(spec.id) for spec in entity.fields if spec.type_class.notable]
    return ["owner", "visibility", *fields]


def notable_q(entity) -> Q:
    """History rows of a record that the timeline shows: all but plain edits, and edits of
    a notable key."""
    return ~Q(operation=Operation.UPDATE) | Q(changes__has_any_keys=notable_keys(entity))


def _encode(at: datetime, source: int, pk: int) -> str:
    raw = json.dumps([at.isoformat(), source, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, source, pk = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        moment = parse_datetime(at)
        assert moment is not None and moment.tzinfo is not None
        assert source in (_ENTRY, _CHANGE) and type(pk) is int and 0 < pk < 2**63
    except (ValueError, TypeError, AssertionError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(_("This cursor is not valid for this list."), field="cursor") from None
    return moment, source, pk


def _after(source: int, cursor: tuple[datetime, int, int] | None) -> Q:
    """Rows of `source` beyond the cursor in the order (at desc, source desc, id desc)."""
    if cursor is None:
        return Q()
    at, edge_source, pk = cursor
    if source < edge_source:
        return Q(at__lte=at)
    if source > edge_source:
        return Q(at__lt=at)
    return Q(at__lt=at) | Q(at=at, pk__lt=pk)


def wanted_kinds(kinds: list[str] | None) -> list[EntryKind]:
    """The declared kinds asked for (all when None); an unknown key is a 400."""
    if not kinds:
        return list(entry_kinds)
    unknown = [key for key in kinds if key not in entry_kinds]
    if unknown:
        raise InvalidKind(
            _("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}, field="kind"
        )
    return [entry_kinds.get(key) for key in dict.fromkeys(kinds)]


class InvalidKind(TesseraError):
    """Raised when `kind` names no declared kind of timeline entry."""

    code = "invalid"


def entries_q(user, kinds: list[EntryKind]) -> Q | None:
    """Entries of the stored `kinds` that `user` may see (on a record they may open)."""
    parts = []
    for kind in kinds:
        if kind.model is None:
            continue
        condition = Q(kind=kind.type)
        visible = kind.visible(user)
        if visible is not None:
            condition &= visible
        parts.append(condition)
    return reduce(or_, parts) if parts else None


def keys_query(user, entity, record_id, kinds, cursor, size):
    """The query of the page's (at, source, id, kind), newest first."""
    limit = size + 1
    sliced = connection.features.supports_slicing_ordering_in_compound
    sides = []
    entries = entries_q(user, kinds)
    if entries is not None:
        side = (
            TimelineEntry.objects.non_polymorphic()
            .filter(entity_type_id=entity.id, record_id=record_id)
            .filter(entries)
            .filter(_after(_ENTRY, cursor))
            .annotate(source=Value(_ENTRY, IntegerField()))
            .values_list("at", "source", "id", "kind")
        )
        sides.append(side.order_by("-at", "-id")[:limit] if sliced else side.order_by())
    if any(kind.type == CHANGE for kind in kinds):
        side = (
            RowHistory.objects.filter(entity_type_id=entity.id, record_id=record_id)
            .filter(notable_q(entity))
            .filter(_after(_CHANGE, cursor))
            .annotate(
                source=Value(_CHANGE, IntegerField()),
                kind_key=Value(CHANGE, CharField()),
            )
            .values_list("at", "source", "id", "kind_key")
        )
        sides.append(side.order_by("-at", "-id")[:limit] if sliced else side.order_by())
    if not sides:
        return []
    query = sides[0] if len(sides) == 1 else sides[0].union(*sides[1:], all=True)
    if len(sides) == 1 and sliced:
        return list(query)
    return list(query.order_by("-at", "-source", "-id")[:limit])


def page(
    user,
    entity,
    record,
    *,
    kinds: list[str] | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    changes: bool | None = None,
) -> Page:
    """One page of `record`'s timeline for `user`, newest first. The record's changes are
    listed only to whom may read its history (`view_history`); `changes` passes that answer
    when the caller has it, else the engine is asked (a query for the user's grants)."""
    wanted = wanted_kinds(kinds)
    if changes is None:
        changes = engine.can(user, "view_history", record)
    if not changes:
        wanted = [kind for kind in wanted if kind.type != CHANGE]
    edge = _decode(cursor) if cursor else None
    size = max(1, min(size, MAX_PAGE_SIZE))
    keys = keys_query(user, entity, record.pk, wanted, edge, size)
    more = len(keys) > size
    keys = keys[:size]
    by_kind: dict[str, list[int]] = {}
    for _at, _source, pk, kind in keys:
        by_kind.setdefault(kind, []).append(pk)
    loaded: dict[tuple[str, int], Item] = {}
    for key, ids in by_kind.items():
        kind = entry_kinds.get(key)
        loaded.update(_load(kind, ids, user, entity))
    items = [loaded[(kind, pk)] for _at, _source, pk, kind in keys if (kind, pk) in loaded]
    last = keys[-1] if keys else None
    return Page(items=items, next=_encode(last[0], last[1], last[2]) if more and last else None)


def _load(kind: EntryKind, ids: list[int], user, entity) -> dict[tuple[str, int], Item]:
    if kind.model is None:
        return {(kind.type, row.pk): _change_item(kind, row, user, entity) for row in _changes(ids)}
    queryset = kind.model.objects.non_polymorphic().filter(pk__in=ids).select_related("user")
    rows = kind.rows(queryset, user)
    return {
        (kind.type, entry.pk): Item(
            kind=kind,
            id=entry.pk,
            at=entry.at,
            user=entry.user,
            obj=entry,
            data=kind.present(entry, user),
        )
        for entry in rows
    }


def _changes(ids: list[int]):
    """The history rows, with their user and the owners before and after named (as
    `str(user)` names them: the full name, else the username)."""
    users = get_user_model().objects
    full = Trim(Concat("first_name", Value(" "), "last_name", output_field=CharField()))
    shown = users.annotate(shown=Coalesce(NullIf(full, Value("")), "username"))

    def owner(index: int) -> Subquery:
        owner_id = KeyTextTransform(str(index), KeyTransform("owner", OuterRef("changes")))
        return Subquery(shown.filter(pk=Cast(owner_id, BigIntegerField())).values("shown")[:1])

    return (
        RowHistory.objects.filter(pk__in=ids)
        .select_related("user")
        .annotate(owner_before=owner(0), owner_after=owner(1))
    )


def _change_item(kind: EntryKind, row: RowHistory, user, entity) -> Item:
    return Item(
        kind=kind,
        id=row.pk,
        at=row.at,
        user=row.user,
        obj=row,
        data=change_data(row, user, entity),
    )


def change_data(row: RowHistory, user, entity) -> dict:
    """What a notable change did: its operation and each notable value before and after."""
    fields = {str(spec.id): spec for spec in entity.fields if spec.type_class.notable}
    changes = []
    for key, values in row.changes.items():
        if not isinstance(values, list) or len(values) != 2:
            continue
        label = str(row.labels.get(key, ""))
        if key == "owner":
            texts = [row.owner_before or "", row.owner_after or ""]
            label = _("Owner")
        elif key == "visibility":
            texts = [
                str(Visibility(value).label) if value in Visibility.values else str(value or "")
                for value in values
            ]
            label = _("Visibility")
        elif key in fields:
            spec = fields[key]
            texts = spec.type_class.history_texts(spec, values, viewer=user)
            label = spec.display_label
        else:
            continue
        changes.append({"field": key, "label": label, "before": texts[0], "after": texts[1]})
    return {
        "operation": row.operation,
        "operation_label": str(Operation(row.operation).label)
        if row.operation in Operation.values
        else row.operation,
        "changes": changes,
    }
