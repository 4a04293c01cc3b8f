"""The record list: columns, filters, search, export and the bulk bar.

    index_view_class = RecordIndexView      # EntityViewSet (viewsets.py)

Rows carry what their user may see of the records they link to (`LINKS`); trashed
records are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import Button, ListingButton

from modules.access import engine
from modules.access.links import Links
from modules.access.spec import OPEN_FLAG
from modules.core import formats
from modules.core.spreadsheets import escape_formula
from modules.core.values import is_digits
from modules.metamodel.runtime import get_snapshot
from modules.records import query
from modules.records.api.serializers import record_filterset
from modules.records.saved_views import SavedViewNotFound, SavedViewService
from modules.records.screens import extensions
from modules.records.screens.base import EntityViewMixin
from modules.records.screens.columns import LINKS, columns_for

LIST_COUNT_CAP = 10000


@dataclass(frozen=True)
class Cell:
    """A screen export's typed cell: the value and number format an xlsx cell gets, the
    text a csv gets, both in the user's regional format."""

    value: Any
    number_format: str
    text: str

    @classmethod
    def of(cls, spec, value, viewer) -> Cell:
        typed, number_format = spec.type_class.spreadsheet_cell(spec, value, viewer=viewer)
        text = spec.type_class.display_text(spec, value, viewer=viewer) if value is not None else ""
        if isinstance(typed, str):  # text from the record, not from a number or a date
            typed, text = escape_formula(typed), escape_formula(text)
        return cls(typed, number_format, text)

    @classmethod
    def moment(cls, value) -> Cell:
        if value is None:
            return cls(None, "General", "")
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return cls(local.replace(tzinfo=None), formats.excel_moment_format(), formats.moment(value))

    @classmethod
    def number(cls, value, places: int) -> Cell:
        if value is None:
            return cls(None, "General", "")
        return cls(value, formats.excel_number_format(places), formats.number(value, places))


def lowercase_label(label: str) -> str:
    """A label inside a sentence ("Add company"); acronyms ("VAT rates") keep their case."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


class CappedPaginator(WagtailPaginator):
    """Counts at most LIST_COUNT_CAP rows, so big tables never pay for a full COUNT(*)."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[:LIST_COUNT_CAP].count()


#: Rows of an export looked up together.
EXPORT_CHUNK = 1000


def attach_links(viewer, entity, rows: list) -> None:
    """The titles of every record `rows` link to that `viewer` may see, one query per
    relation field, so a relation column does not ask once per row."""
    links = Links.of(viewer, entity, rows, titles=True)
    for row in rows:
        setattr(row, LINKS, links)


class LinkedRows:
    """An export's rows, each chunk with its links attached for the viewer: a csv is
    written while the response streams, after the view has returned."""

    def __init__(self, queryset, viewer, entity):
        self.queryset, self.viewer, self.entity = queryset, viewer, entity
        self.model = queryset.model

    def __iter__(self):
        chunk = []
        for row in self.queryset:
            chunk.append(row)
            if len(chunk) == EXPORT_CHUNK:
                attach_links(self.viewer, self.entity, chunk)
                yield from chunk
                chunk = []
        attach_links(self.viewer, self.entity, chunk)
        yield from chunk


class RecordIndexView(EntityViewMixin, generic.IndexView):
    """The list: columns, filters, search, export; trashed records left out."""

    paginator_class = CappedPaginator
    template_name = "records/index.html"
    results_template_name = "records/index_results.html"
    #: Row checkboxes and the bulk bar (bulk.py); the trash list has neither.
    bulk_actions = True

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(rows)
        attach_links(self.request.user, self.entity, rows)
        page.object_list = rows
        return paginator, page, rows, is_paginated

    def get_base_queryset(self):
        rows = super().get_base_queryset().alive().select_related("owner")
        for narrowing in self.narrowings.values():
            if narrowing is not None and narrowing.q is not None:
                rows = rows.filter(narrowing.q)
        return rows.visible_to(self.request.user)

    @cached_property
    def narrowings(self) -> dict:
        """What the request asks of the list's narrowers (relations' `?relation=&related_to=`:
        the records related to one record), by name."""
        return extensions.list_narrowings(self.request, self.entity)

    @cached_property
    def saved_view(self):
        """The saved view the list shows (`?view=<id>`), if the user may see it."""
        key = self.request.GET.get("view", "")
        if not is_digits(key):
            return None
        try:
            return SavedViewService().get(self.request.user, self.entity_slug, int(key))
        except SavedViewNotFound:
            return None

    def get(self, request, *args, **kwargs):
        if self.is_export and not engine.can(request.user, "export", entity=self.entity):
            raise PermissionDenied
        if not request.GET and not self.results_only:
            default = SavedViewService().default_for(request.user, self.entity_slug)
            if default is not None:
                shown = SavedViewService.query_string(default)
                return redirect(f"{request.path}?{shown}&view={default.pk}")
        for narrowing in self.narrowings.values():
            if narrowing is not None and narrowing.error and not self.results_only:
                messages.error(request, narrowing.error)
        return super().get(request, *args, **kwargs)

    @cached_property
    def unreadable(self) -> set[str]:
        """Filters and sort keys this user's list cannot use (they would reveal values)."""
        asked = {key.split("__")[0] for key in self.view_filters}
        if self.filters and self.filters.is_valid():
            asked.update(self.filters.form.changed_data)
        ordering = self.request.GET.get("ordering", "")
        if ordering:
            asked.add(ordering.lstrip("-"))
        if not asked:
            return set()
        scope = self.get_base_queryset()
        return query.unreadable_names(scope, self.request.user, self.entity, asked)

    def get_ordering(self):
        ordering = super().get_ordering()
        if ordering and ordering.lstrip("-") in self.unreadable:
            return self.default_ordering
        return ordering

    @cached_property
    def view_filters(self) -> dict:
        """A saved view's filters the list's own filter form does not offer (a text
        field's value, a lookup), applied as the API applies them."""
        if self.saved_view is None:
            return {}
        offered = set(self.filters.form.fields) if self.filters else set()
        return {k: v for k, v in self.saved_view.filters.items() if k not in offered}

    def filter_queryset(self, queryset):
        if self.unreadable:
            return queryset.none()
        if self.view_filters:
            extra = record_filterset(get_snapshot(), self.entity_slug)(
                data=self.view_filters, queryset=queryset, request=self.request
            )
            # A view stored before a field changed type may no longer fit: it shows nothing.
            queryset = extra.qs if extra.is_valid() else queryset.none()
        return super().filter_queryset(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.unreadable and not self.is_export:
            labels = ", ".join(sorted(self._label(n) for n in self.unreadable))
            context["access_notice"] = _(
                "Some records here withhold values from you (they are non-public to you, or "
                "link to records you may not see), so you cannot filter or sort them "
                "by: %(fields)s."
            ) % {"fields": labels}
        context.update(self.narrowings)
        return context

    def _label(self, name: str) -> str:
        if self.entity.has_field(name):
            return str(self.entity.field(name).display_label)
        return {
            "owner": _("Owner"),
            "updated_at": _("Updated"),
            "segment": _("Segment"),
            "score": _("Score"),
        }.get(name, name)

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if engine.can(self.request.user, "import", entity=self.entity):
            buttons.append(
                Button(
                    _("Import"),
                    url=reverse("transfer:index", args=[self.entity_slug]),
                    icon_name="upload",
                    priority=100,
                )
            )
        query = self.request.GET.copy()
        query.pop("view", None)
        buttons.append(
            Button(
                _("Save this view"),
                url=f"{reverse(f'records_{self.entity_slug}:save_view')}?{query.urlencode()}",
                icon_name="list-ul",
                priority=90,
            )
        )
        index = reverse(f"records_{self.entity_slug}:index")
        for number, view in enumerate(
            SavedViewService().visible(self.request.user, self.entity_slug)
        ):
            shown = SavedViewService.query_string(view)
            buttons.append(
                Button(
                    _("View: %(name)s") % {"name": view.name},
                    url=f"{index}?{shown}&view={view.pk}",
                    icon_name="view",
                    priority=120 + number,
                )
            )
        buttons.append(
            Button(
                _("Trash"),
                url=reverse(f"records_{self.entity_slug}:trash"),
                icon_name="bin",
                priority=110,
            )
        )
        return buttons

    @cached_property
    def no_results_message(self):
        return _("No records match your search or filters.")

    @cached_property
    def add_item_label(self):
        return _("Add %(entity)s") % {"entity": lowercase_label(self.entity.display_label)}

    def search_queryset(self, queryset):
        return queryset.search(self.search_query, self.request.user)

    def get_edit_url(self, instance):
        # A row the user may only list links to its profile (basic fields), not to a form
        # that would answer 403.
        if not getattr(instance, OPEN_FLAG, True):
            return None
        return super().get_edit_url(instance)

    @cached_property
    def columns(self):
        if self.saved_view is not None and self.saved_view.columns:
            self.list_display = columns_for(self.entity, self.saved_view.columns)
        columns = super().columns
        if not self.bulk_actions:
            return columns
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="record"), *columns]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # A row opens the record's profile (Edit is there and in the row's menu); the row
        # checkbox is described by the title (aria-describedby).
        return self._get_custom_column(
            field_name,
            self._get_title_column_class(column_class),
            get_url=self.get_inspect_url,
            get_title_id=lambda instance: f"record_{quote(instance.pk)}_title",
            **kwargs,
        )

    @cached_property
    def bulk_buttons(self) -> list:
        """The bulk bar; bulk-actions.js adds the checked ids and `next` to each link."""
        if not self.bulk_actions or self.is_export:
            return []

        def url(name, *args):
            return reverse(f"records_{self.entity_slug}:{name}", args=args)

        attrs = {"data-bulk-action-button": ""}
        buttons = [
            ListingButton(_("Change user"), url("bulk_change_user"), attrs=attrs, priority=10),
            ListingButton(_("Move to trash"), url("bulk_trash"), attrs=attrs, priority=20),
        ]
        if engine.can(self.request.user, "export", entity=self.entity):
            # Plain buttons, not a dropdown: bulk-actions.js binds links in a dropdown only
            # once it has opened, so a quick click would lose the selection.
            buttons += [
                ListingButton(
                    _("Export selected (XLSX)"),
                    url("bulk_export", "xlsx"),
                    attrs=attrs,
                    priority=30,
                ),
                ListingButton(
                    _("Export selected (CSV)"), url("bulk_export", "csv"), attrs=attrs, priority=40
                ),
            ]
        return buttons

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            LinkedRows(queryset, self.request.user, self.entity), spreadsheet_format
        )

    def to_row_dict(self, item):
        row = {}
        masked = not getattr(item, OPEN_FLAG, True)
        links = getattr(item, LINKS)
        for name in self.list_export:
            spec = self.entity.field(name) if self.entity.has_field(name) else None
            if masked and not (spec is not None and spec.is_basic):
                row[name] = ""
            elif name == "owner":
                row[name] = str(item.owner) if item.owner_id else ""
            elif spec is not None and name in links.seen:
                row[name] = links.title(item, spec)
            elif spec is not None:
                row[name] = Cell.of(spec, spec.type_class.get_value(item, spec), links.viewer)
            elif name in ("created_at", "updated_at"):
                row[name] = Cell.moment(getattr(item, name))
            elif name == "score":
                row[name] = Cell.number(item.score, 2)
            else:
                row[name] = getattr(item, name)
            if not isinstance(row[name], Cell):
                row[name] = escape_formula(row[name])
        return row

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        from openpyxl.cell import WriteOnlyCell

        for field, value in row_dict.items():
            if isinstance(value, Cell):
                cell = WriteOnlyCell(worksheet, value.value)
                cell.number_format = value.number_format
            else:
                cell = WriteOnlyCell(
                    worksheet, self.preprocess_field_value(field, value, self.FORMAT_XLSX)
                )
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
            yield cell

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(
            writer,
            {k: v.text if isinstance(v, Cell) else v for k, v in row_dict.items()},
        )

    def get_heading(self, queryset, field):
        if self.entity.has_field(field):
            return self.entity.field(field).display_label
        if field in ("segment", "score"):
            return self._label(field)
        return super().get_heading(queryset, field)
