"""Reading history: one record's, and the administrators' change log of every record.

    record, rows, links = HistoryService().of_record(user, "deals", 42)    # newest first
    rows, links = HistoryService().change_log(admin, {"entity": "deals", "operation": "delete"})
    HistoryService().log_rows(admin, filters)        # the filtered queryset (exports)

A record's history is shown to users who may see the record and its history
(`view_history`); on a record they see only in part (non-public: basic fields), the
values of every other field are redacted. The change log is for administrators.
Pages are keyset pages over (`at`, `id`) newest first: one query, served by an index
whatever the filters (`RowHistory.Meta.indexes`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from modules.access import engine
from modules.access.spec import access_spec, user_access
from modules.api.pagination import KeysetPaginator, Ordering
from modules.changelog.exceptions import HistoryFilterInvalid
from modules.changelog.presenter import ShownRow, present
from modules.core.exceptions import PermissionDenied
from modules.core.permissions import require_administrator
from modules.core.values import storable_moment
from modules.history import hooks
from modules.history.models import Operation, RowHistory
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordNotFound
from modules.records.services import RecordService

PAGE_SIZE = 50
ORDERING = [
    Ordering("at", descending=True, nullable=False),
    Ordering("id", descending=True, nullable=False),
]
FILTERS = ("entity", "user", "operation", "since", "until", "record")


class HistoryService:
    """History as users may read it."""

    def of_record(
        self,
        user,
        entity_slug: str,
        record_id: Any,
        *,
        cursor: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> tuple[Any, list[ShownRow], dict]:
        """The record (live or in the trash) and a page of its history, newest first,
        redacted for `user`."""
        record = self._readable_record(user, entity_slug, record_id)
        entity = record.entity
        mask = None if engine.is_open(user, record) else engine.field_mask(user, record)
        rows = RowHistory.objects.filter(entity_type_id=entity.id, record_id=record.pk)
        rows = rows.filter(hooks.readable_q(user, whole=mask is None))
        page, links = KeysetPaginator(ORDERING, page_size).paginate(
            rows.select_related("user"), cursor
        )
        return record, present(user, page, masks={(entity.id, record.pk): mask}), links

    def change_log(
        self, user, filters: dict, *, cursor: str | None = None, page_size: int = PAGE_SIZE
    ) -> tuple[list[ShownRow], dict]:
        """A page of the change log of every entity type (administrators)."""
        rows = self.log_rows(user, filters)
        page, links = KeysetPaginator(ORDERING, page_size).paginate(rows, cursor)
        return present(user, page), links

    def log_rows(self, user, filters: dict):
        """The change log's rows matching `filters` (administrators), not yet ordered."""
        require_administrator(user, _("Only administrators may read the change log."))
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise HistoryFilterInvalid(
                _("Unknown filter: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                field=sorted(unknown)[0],
            )
        rows = RowHistory.objects.select_related("user").filter(hooks.readable_q(user))
        chosen = {k: v for k, v in filters.items() if v not in (None, "")}
        if "entity" in chosen:
            try:
                rows = rows.filter(entity_type_id=get_snapshot().entity(chosen["entity"]).id)
            except EntityTypeNotFound as error:
                raise HistoryFilterInvalid(error.detail, field="entity") from None
        if "record" in chosen:
            if "entity" not in chosen:
                raise HistoryFilterInvalid(_("Choose the entity type too."), field="record")
            rows = rows.filter(record_id=_number(chosen["record"], "record"))
        if "user" in chosen:
            # An id no one has matches nothing, like any filter; checking costs a query.
            rows = rows.filter(user_id=_number(chosen["user"], "user"))
        if "operation" in chosen:
            if chosen["operation"] not in Operation.values:
                raise HistoryFilterInvalid(
                    _("Operation must be one of: %(values)s.")
                    % {"values": ", ".join(Operation.values)},
                    field="operation",
                )
            rows = rows.filter(operation=chosen["operation"])
        if "since" in chosen:
            rows = rows.filter(at__gte=_moment(chosen["since"], "since", end=False))
        if "until" in chosen:
            rows = rows.filter(at__lt=_moment(chosen["until"], "until", end=True))
        return rows

    def _readable_record(self, user, entity_slug: str, record_id: Any):
        records = RecordService()
        try:
            record = records.get(user, entity_slug, record_id)
        except RecordNotFound:
            record = records.get(user, entity_slug, record_id, trashed=True)
        if not may_read_history(user, record):
            raise PermissionDenied(_("You may not see the history of this record."))
        return record


def may_read_history(user, record) -> bool:
    """May `user` (who sees `record`) read its history? On a record they see in part,
    their role's `view_history` lets them read the changes of the fields they see."""
    if engine.can(user, "view_history", record):
        return True
    access = user_access(user)
    return (
        not engine.is_open(user, record)
        and access is not None
        and access_spec(record.entity).system_allows(access.role, "view_history")
    )


def _number(value: Any, field: str) -> int:
    text = str(value)
    if not text.isdecimal() or len(text) > 18:
        raise HistoryFilterInvalid(_("Give a number."), field=field)
    return int(text)


def _moment(value: Any, field: str, *, end: bool) -> dt.datetime:
    """A filter's date or date-time as an aware moment; a date `until` takes its whole day."""
    text = str(value).strip()
    try:
        # A bare date first: `parse_datetime` would read it as its midnight.
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise HistoryFilterInvalid(
            _("Give a date (YYYY-MM-DD) or a date and time (ISO 8601)."), field=field
        )
    try:
        if moment is None:
            start = dt.datetime.combine(day, dt.time.min)
            moment = start + dt.timedelta(days=1) if end else start
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return storable_moment(moment)
    except (OverflowError, ValueError):
        raise HistoryFilterInvalid(_("This moment is out of range."), field=field) from None
