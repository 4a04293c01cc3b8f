"""Writing a list of records to xlsx or csv, as the user sees the list.

    columns = export_columns(entity, wanted=None)
    response = spreadsheet_response(user, entity, queryset, columns, "xlsx", "persons")

Values come from the field types' `export_value` (choice labels, user names, dates as
dates); a record the user may only list shows its basic fields only; linked records'
titles are looked up once per column and chunk, for the user passed in (a csv is
written while the response streams, after the request's code has returned), and a
link to a record the user may not see is an empty cell (`modules/access/links.py`).
Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) is prefixed with "'".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.access.links import Links
from modules.access.spec import OPEN_FLAG
from modules.core.spreadsheets import escape_formula
from modules.transfer.pipeline import chunks

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_ROWS = 1000


def export_columns(entity, wanted: set[str] | None = None) -> list[tuple[str, str]]:
    """(key, heading) of the exported columns: fields, segment, score, owner, dates."""
    columns = [(spec.api_name, spec.display_label) for spec in entity.fields]
    if entity.supports_segmentation:
        columns += [("segment", _("Segment")), ("score", _("Score"))]
    columns += [("owner", _("Owner")), ("created_at", _("Created")), ("updated_at", _("Updated"))]
    if wanted:
        columns = [(key, heading) for key, heading in columns if key in wanted]
    return columns


def export_rows(user, entity, queryset, columns) -> Iterator[list]:
    """Each record of `queryset` (scoped by the access engine) as a list of cell values,
    masked where the user may only list it."""
    specs = {key: entity.field(key) for key, _h in columns if entity.has_field(key)}
    for chunk in chunks(queryset.iterator(chunk_size=CHUNK_ROWS)):
        links = Links.of(user, entity, chunk, titles=True, names=specs)
        owners = _owners(chunk)
        for record in chunk:
            open_ = getattr(record, OPEN_FLAG, True)
            yield [
                _cell(user, record, key, specs.get(key), open_, links, owners)
                for key, _h in columns
            ]


def _owners(records: list) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    ids = {r.owner_id for r in records} - {None}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _cell(user, record, key: str, spec, open_: bool, links: Links, owners: dict) -> Any:
    if spec is None:
        if not open_:
            return None
        if key == "owner":
            return owners.get(record.owner_id)
        return getattr(record, key)
    if not (open_ or spec.is_basic):
        return None
    value = links.value(record, spec)
    if value is None:
        return None
    if spec.api_name in links.seen:
        return links.title(record, spec)
    return spec.type_class.export_value(spec, value, viewer=user)


def plain(value: Any) -> Any:
    """A cell for the spreadsheet writer: dates as naive local dates, lists joined."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, (int, float, Decimal, dt.date, bool)) or value is None:
        return value
    return escape_formula(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headings: list[str], rows: Iterator[list]) -> Iterator[str]:
    """The csv text line by line (UTF-8 with BOM first, so spreadsheets read it right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([escape_formula(h) for h in headings])
    for row in rows:
        cells = [plain(v) for v in row]
        yield writer.writerow(["" if c is None else c for c in cells])


def write_xlsx(headings: list[str], rows: Iterator[list], output: io.BufferedIOBase) -> None:
    """An xlsx with real dates and numbers; text is never read back as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Export")
    sheet.append([escape_formula(h) for h in headings])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, plain(value))
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    book.save(output)


def spreadsheet_response(user, entity, queryset, columns, file_format: str, name: str):
    """A download of the records in `file_format` ("xlsx" or "csv")."""
    headings = [str(heading) for _k, heading in columns]
    rows = export_rows(user, entity, queryset, columns)
    if file_format == "csv":
        # The first row runs the query: a value the database refuses is answered as an
        # error now, not as a download that breaks off after its headers.
        first = next(rows, None)
        rows = itertools.chain([] if first is None else [first], rows)
        response = StreamingHttpResponse(csv_lines(headings, rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    output = io.BytesIO()
    write_xlsx(headings, rows, output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type=XLSX_TYPE,
    )
