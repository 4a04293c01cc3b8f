"""The change log as an Excel workbook: one line per changed value, filters applied.

    data = change_log_xlsx(admin, {"entity": "deals", "since": "2026-01-01"})

Rows are read in keyset pages and presented a page at a time, so memory stays bounded;
a filter matching more than `HISTORY_EXPORT_LIMIT` changes is refused, asking for
narrower filters, rather than writing a partial file.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from modules.api.pagination import KeysetPaginator
from modules.changelog.exceptions import HistoryFilterInvalid
from modules.changelog.presenter import present
from modules.changelog.services import ORDERING, HistoryService
from modules.core.spreadsheets import xlsx_bytes

CHUNK = 500


def change_log_xlsx(user, filters: dict) -> bytes:
    """The filtered change log (administrators) as xlsx bytes."""
    rows = HistoryService().log_rows(user, filters)
    limit = settings.HISTORY_EXPORT_LIMIT
    if rows[: limit + 1].count() > limit:
        raise HistoryFilterInvalid(
            _("More than %(limit)s changes match: narrow the filters to export them.")
            % {"limit": limit}
        )
    header = [
        _("When"),
        _("User"),
        _("Entity type"),
        _("Record id"),
        _("Record"),
        _("Operation"),
        _("Action"),
        _("Field"),
        _("Before"),
        _("After"),
    ]
    return xlsx_bytes(_("Changes"), header, _lines(user, rows))


def _lines(user, rows):
    paginator = KeysetPaginator(ORDERING, CHUNK)
    cursor = None
    while True:
        page, links = paginator.paginate(rows, cursor)
        for shown in present(user, page):
            row = shown.row
            common = [
                row.at,
                shown.user_name,
                shown.entity_label,
                row.record_id,
                shown.title,
                shown.operation_label,
                row.action,
            ]
            if not shown.changes:
                yield [*common, "", "", ""]
            for change in shown.changes:
                # An empty cell, not the screens' dash, for no value.
                before = None if change.before is None else change.before_text
                after = None if change.after is None else change.after_text
                yield [*common, change.label, before, after]
        cursor = links["next"]
        if cursor is None:
            return
