"""django-import-export resources generated per entity type, for the export formats the
library writes besides the streamed csv and xlsx.

    fmt = LIBRARY_FORMATS["ods"]
    content = library_export(user, entity, queryset, columns, fmt)   # bytes or str

Each field's column gets its type's widget (`FieldType.export_widget`): numbers and dates
stay typed in xls and ods and are written as text in json, yaml and tsv. The cells are the
ones `export.export_rows` reads through the access engine (a record the user may only list
shows its basic fields, a withheld link is empty), with text a spreadsheet would run as a
formula prefixed by "'". The whole file is built in memory (tablib's datasets are), so
these formats serve lists up to `EXPORT_LIBRARY_MAX_ROWS` records (ods: `EXPORT_ODS_MAX_ROWS`);
csv and xlsx stream (docs/architecture.md has the figures).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats

from modules.core.spreadsheets import escape_formula
from modules.transfer.exceptions import ExportTooLarge
from modules.transfer.export import export_rows

LIBRARY_FORMATS = {
    fmt.get_extension(): fmt
    for fmt in (
        base_formats.XLS(),
        base_formats.ODS(),
        base_formats.JSON(),
        base_formats.YAML(),
        base_formats.TSV(),
    )
}
#: Widgets of the columns that are not fields.
SYSTEM_WIDGETS = {
    "score": widgets.DecimalWidget,
    "created_at": lambda: widgets.DateTimeWidget(format="%Y-%m-%d %H:%M"),
    "updated_at": lambda: widgets.DateTimeWidget(format="%Y-%m-%d %H:%M"),
}


def resource_for(entity, columns: list[tuple[str, str]]) -> type[resources.Resource]:
    """A Resource of `entity` with one field per column, each with its type's widget."""
    attrs = {}
    for key, heading in columns:
        if entity.has_field(key):
            spec = entity.field(key)
            widget = spec.type_class.export_widget(spec)
        else:
            widget = SYSTEM_WIDGETS.get(key, widgets.Widget)()
        attrs[key] = Field(attribute=key, column_name=str(heading), widget=widget)
    keys = [key for key, _heading in columns]
    attrs["Meta"] = type("Meta", (), {"fields": keys, "export_order": keys})
    return type(f"{entity.slug.title()}Resource", (resources.Resource,), attrs)


def max_rows(fmt) -> int:
    """The most records an export in `fmt` may hold."""
    if fmt.get_extension() == "ods":
        return settings.EXPORT_ODS_MAX_ROWS
    return settings.EXPORT_LIBRARY_MAX_ROWS


def library_export(user, entity, queryset, columns, fmt) -> bytes | str:
    """The records as `fmt` writes them, read as `user` may see them."""
    limit = max_rows(fmt)
    if queryset[: limit + 1].count() > limit:
        raise ExportTooLarge(
            _(
                "At most %(count)s records can be exported as %(format)s; narrow the list or "
                "choose csv or xlsx."
            )
            % {"count": limit, "format": fmt.get_extension()},
            field="format",
        )
    keys = [key for key, _heading in columns]
    rows = (
        dict(zip(keys, map(_cell, row), strict=True))
        for row in export_rows(user, entity, queryset, columns)
    )
    dataset = resource_for(entity, columns)().export(
        queryset=rows, force_native_type=fmt.is_binary()
    )
    return fmt.export_data(dataset)


def _cell(value):
    """Text escaped against formulas and lists joined; numbers and dates left to the
    widgets (which turn aware date-times into local time themselves)."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return escape_formula(value) if isinstance(value, str) else value
