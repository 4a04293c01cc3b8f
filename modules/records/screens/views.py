"""Wagtail views for records, writing through RecordService.

The generic Wagtail views list, show and validate; saving and deleting go to the
record service, so the admin follows the same rules as the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.http import require_POST
from wagtail.admin import messages as admin_messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import Button, ListingButton

from modules.access import engine, grants
from modules.access.links import Links
from modules.access.models import Visibility
from modules.access.spec import OPEN_FLAG
from modules.core.exceptions import PermissionDenied as Refused
from modules.core.exceptions import TesseraError
from modules.core.spreadsheets import escape_formula
from modules.history.services import may_read_history
from modules.metamodel.runtime import get_snapshot
from modules.records import query
from modules.records.exceptions import RecordConflict, RecordNotFound
from modules.records.screens import extensions
from modules.records.services import RecordService

LIST_COUNT_CAP = 10000


class CappedPaginator(WagtailPaginator):
    """Counts at most LIST_COUNT_CAP rows, so big tables never pay for a full COUNT(*)."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[:LIST_COUNT_CAP].count()


class EntityViewMixin:
    """What every record view knows: its entity type, from the request's snapshot."""

    entity_slug: str = ""
    #: What the user must be allowed to do with the record to open this view.
    required_action: str = "view"

    def setup(self, request, *args, **kwargs):
        # Some generic views load the record in setup(); keep a refusal for dispatch().
        self.refusal = None
        try:
            super().setup(request, *args, **kwargs)
        except PermissionDenied as refusal:
            self.refusal = refusal

    def dispatch(self, request, *args, **kwargs):
        # A refusal is a 403 page, not Wagtail's redirect to the dashboard.
        if self.refusal is not None:
            return defaults.permission_denied(request, self.refusal)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as refusal:
            return defaults.permission_denied(request, refusal)

    def get_object(self, queryset=None):
        try:
            record = RecordService().get(self.request.user, self.entity_slug, self.kwargs["pk"])
        except RecordNotFound:
            raise Http404 from None
        if self.required_action != "view" and not engine.can(
            self.request.user, self.required_action, record
        ):
            raise PermissionDenied
        return record

    @property
    def entity(self):
        return get_snapshot().entity(self.entity_slug)

    def fail(self, form, error: TesseraError):
        """Show a service's refusal on the form, next to the fields it names."""
        self.produced_error_message = self.get_error_message()
        for name, problems in error.errors.items():
            visible = name in form.fields and not form.fields[name].widget.is_hidden
            form.add_error(name if visible else None, problems)
        if not error.errors:
            form.add_error(None, error.detail)
        return self.form_invalid(form)


#: Set on the rows of a list page or export chunk: what their user may see of the
#: records they link to (`access.links.Links`).
LINKS = "record_links"
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
        rows = super().get_base_queryset().filter(deleted_at__isnull=True).select_related("owner")
        for narrowing in self.narrowings.values():
            if narrowing is not None and narrowing.q is not None:
                rows = rows.filter(narrowing.q)
        return engine.scoped(rows, self.request.user, self.entity)

    @cached_property
    def narrowings(self) -> dict:
        """What the request asks of the list's narrowers (relations' `?relation=&related_to=`:
        the records related to one record), by name."""
        return extensions.list_narrowings(self.request, self.entity)

    def get(self, request, *args, **kwargs):
        if self.is_export and not engine.can(request.user, "export", entity=self.entity):
            raise PermissionDenied
        for narrowing in self.narrowings.values():
            if narrowing is not None and narrowing.error and not self.results_only:
                messages.error(request, narrowing.error)
        return super().get(request, *args, **kwargs)

    @cached_property
    def unreadable(self) -> set[str]:
        """Filters and sort keys this user's list cannot use (they would reveal values)."""
        asked = set()
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

    def filter_queryset(self, queryset):
        if self.unreadable:
            return queryset.none()
        return super().filter_queryset(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.unreadable and not self.is_export:
            labels = ", ".join(sorted(self._label(n) for n in self.unreadable))
            context["access_notice"] = _(
                "Some records here hide values from you (they are non-public to you, or "
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
        buttons.append(
            Button(
                _("Trash"),
                url=reverse(f"records_{self.entity_slug}:trash"),
                icon_name="bin",
                priority=110,
            )
        )
        return buttons

    def search_queryset(self, queryset):
        return query.search(queryset, self.request.user, self.entity, self.search_query)

    def get_edit_url(self, instance):
        # A row the user may only list links to its profile (basic fields), not to a form
        # that would answer 403.
        if not getattr(instance, OPEN_FLAG, True):
            return None
        return super().get_edit_url(instance)

    @cached_property
    def columns(self):
        columns = super().columns
        if not self.bulk_actions:
            return columns
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="record"), *columns]

    def _get_title_column(self, *args, **kwargs):
        # The row checkbox is described by the title (aria-describedby).
        return super()._get_title_column(
            *args, get_title_id=lambda instance: f"record_{quote(instance.pk)}_title", **kwargs
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
        hidden = not getattr(item, OPEN_FLAG, True)
        links = getattr(item, LINKS)
        for name in self.list_export:
            spec = self.entity.field(name) if self.entity.has_field(name) else None
            if hidden and not (spec is not None and spec.is_basic):
                row[name] = ""
            elif name == "owner":
                row[name] = str(item.owner) if item.owner_id else ""
            elif spec is not None and name in links.seen:
                row[name] = links.title(item, spec)
            elif spec is not None:
                row[name] = spec.type_class.export_value(
                    spec, spec.type_class.get_value(item, spec), viewer=links.viewer
                )
            else:
                row[name] = getattr(item, name)
            row[name] = escape_formula(row[name])
        return row

    def get_heading(self, queryset, field):
        if self.entity.has_field(field):
            return self.entity.field(field).display_label
        if field in ("segment", "score"):
            return self._label(field)
        return super().get_heading(queryset, field)


#: The success message of a write that took the record out of the user's sight.
OUT_OF_SIGHT = gettext_lazy("Saved. You can no longer see this record.")


def shown_after_write(user, entity_slug: str, pk):
    """The written record as the user may see it now (flagged open or restricted, as every
    read is), or None when they may no longer see it. The service's own copy of the record
    carries no open flag, so its title would show every field."""
    try:
        return RecordService().get(user, entity_slug, pk)
    except RecordNotFound:
        return None


class ShownAfterWriteMixin:
    """Create and edit: the message and what follows a save show the record only as the user
    may see it now. The title is the list's (basic fields only on a non-public record); a
    record out of their sight is not named; the Edit button and Wagtail's in-place answer
    (JSON with the re-rendered form) only while they may still edit it. The next page is the
    list, which every user who may write records may open."""

    @cached_property
    def shown(self):
        return shown_after_write(self.request.user, self.entity_slug, self.object.pk)

    @cached_property
    def may_still_edit(self) -> bool:
        return self.shown is not None and engine.can(self.request.user, "edit", self.shown)

    def get_success_message(self, *args):
        if self.shown is None:
            return str(OUT_OF_SIGHT)
        model_name = self.model._meta.verbose_name
        return capfirst(self.success_message % {"object": self.shown, "model_name": model_name})

    def get_success_buttons(self):
        if not self.may_still_edit:
            return []
        return [admin_messages.button(self.get_edit_url(), _("Edit"))]

    def get_success_json(self):
        if self.may_still_edit:
            return super().get_success_json()
        return {"success": True, "pk": self.object.pk, "url": self.get_success_url()}


class ServiceFormMixin:
    """Create and edit forms: a refusal of the record service goes back onto the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except TesseraError as error:
            return self.fail(form, error)


class RecordCreateView(EntityViewMixin, ShownAfterWriteMixin, ServiceFormMixin, generic.CreateView):
    """The create form; the record service writes the record."""

    def save_instance(self):
        with transaction.atomic():
            record = RecordService().create(
                self.request.user, self.entity_slug, self.form.values(), **self.form.sharing()
            )
            self.form.save_sections(self.request.user, self.entity_slug, record)
        return record


class RecordEditView(EntityViewMixin, ShownAfterWriteMixin, ServiceFormMixin, generic.EditView):
    """The edit form; a stale version is shown as a conflict, nothing is saved."""

    required_action = "edit"

    def save_instance(self):
        # Only what the user changed: concurrent edits of other fields survive, and
        # unchanged links to records or users outside the pickers stay valid.
        values = {k: v for k, v in self.form.values().items() if k in self.form.changed_data}
        with transaction.atomic():
            record = RecordService().update(
                self.request.user,
                self.entity_slug,
                self.object.pk,
                values,
                expected_version=self.form.cleaned_data.get("version"),
                **self.form.sharing(),
            )
            self.form.save_sections(self.request.user, self.entity_slug, record)
        return record


class RecordDeleteView(EntityViewMixin, generic.DeleteView):
    """Delete moves the record to the trash."""

    success_message = gettext_lazy("'%(object)s' moved to the trash.")
    required_action = "delete"

    def delete_action(self):
        RecordService().delete(self.request.user, self.entity_slug, self.object.pk)


class RecordInspectView(EntityViewMixin, generic.InspectView):
    """The profile: every field by section, then owner and dates."""

    template_name = "records/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        mask = engine.field_mask(self.request.user, record)
        self.links = Links.of(self.request.user, self.entity, [record], titles=True)
        context["restricted"] = mask is not None
        if mask is not None:
            context["history_url"] = self._history_url(record)
            context["sections"] = [
                (
                    _("Basic information"),
                    [
                        (spec.display_label, self._shown(spec, record))
                        for spec in self.entity.fields
                        if spec.api_name in mask
                    ],
                )
            ]
            context["system"] = [(_("Visibility"), Visibility(record.visibility).label)]
            return context
        context["sections"] = [
            (
                label,
                [(spec.display_label, self._shown(spec, record)) for spec in fields],
            )
            for label, fields in self.entity.layout()
            if fields
        ]
        context["history_url"] = self._history_url(record)
        # Panels of modules above records: relations, segmentation.
        context.update(extensions.profile_panels(self.request.user, self.entity, record))
        held = grants.holders(self.entity, [record.pk])[record.pk]
        context["system"] = [
            (_("Owner"), str(record.owner) if record.owner_id else "—"),
            (_("Visibility"), Visibility(record.visibility).label),
            *self._holders(held),
            (_("Created"), record.created_at),
            (_("Updated"), record.updated_at),
        ]
        return context

    def _history_url(self, record) -> str:
        """The history tab's URL, if the user may read the record's history."""
        if not may_read_history(self.request.user, record):
            return ""
        return reverse(f"records_{self.entity_slug}:history", args=[record.pk])

    def _shown(self, spec, record) -> str:
        """A value as the profile shows it; a link to a record the user may not see, as
        an empty one."""
        if spec.api_name in self.links.seen:
            return self.links.title(record, spec) or "—"
        value = spec.type_class.get_value(record, spec)
        return spec.type_class.display_value(spec, value, viewer=self.request.user)

    @staticmethod
    def _holders(held: dict) -> list:
        from django.contrib.auth import get_user_model

        from modules.accounts.models import Team

        rows = []
        labels = {"participant": _("Participants"), "responsible": _("Responsible")}
        for role, holders in held.items():
            names = [str(u) for u in get_user_model().objects.filter(pk__in=holders["users"])]
            names += [str(t) for t in Team.objects.filter(pk__in=holders["teams"])]
            rows.append((labels[role], ", ".join(sorted(names)) or "—"))
        return rows

    def get_fields(self):
        return []


class RecordTrashView(RecordIndexView):
    """The trash: deleted records, each with a restore button."""

    page_title = gettext_lazy("Trash")
    results_template_name = "records/trash_results.html"
    bulk_actions = False

    def get_base_queryset(self):
        rows = self.model.objects.filter(deleted_at__isnull=False)
        return engine.scoped(rows, self.request.user, self.entity)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["restore_url_name"] = f"records_{self.entity_slug}:restore"
        return context


@require_POST
def restore_record(request, entity_slug, pk, index_url_name):
    """POST: bring a record back from the trash."""
    try:
        record = RecordService().restore(request.user, entity_slug, pk)
    except RecordNotFound:
        raise Http404 from None
    except Refused as refusal:
        return defaults.permission_denied(request, PermissionDenied(refusal.detail))
    except RecordConflict as conflict:
        messages.error(request, conflict.detail)
        return redirect(index_url_name)
    shown = shown_after_write(request.user, entity_slug, record.pk)
    if shown is None:
        messages.success(request, str(OUT_OF_SIGHT))
    else:
        messages.success(request, _("'%(object)s' restored.") % {"object": shown})
    return redirect(index_url_name)
