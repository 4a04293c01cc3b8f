"""Wagtail views for records, writing through RecordService.

The generic Wagtail views list, show and validate; saving and deleting go to the
record service, so the admin follows the same rules as the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views import generic
from wagtail.admin.widgets import Button

from modules.core.exceptions import TesseraError
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordNotFound
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

    def get_object(self, queryset=None):
        try:
            return RecordService().get(self.request.user, self.entity_slug, self.kwargs["pk"])
        except RecordNotFound:
            raise Http404 from None

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


class RecordIndexView(EntityViewMixin, generic.IndexView):
    """The list: columns, filters, search, export; trashed records left out."""

    paginator_class = CappedPaginator

    def get_base_queryset(self):
        return super().get_base_queryset().filter(deleted_at__isnull=True).select_related("owner")

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        buttons.append(
            Button(
                _("Trash"),
                url=reverse(f"records_{self.entity_slug}:trash"),
                icon_name="bin",
                priority=90,
            )
        )
        return buttons

    def search_queryset(self, queryset):
        if not self.search_query:
            return queryset
        names = [s.api_name for s in self.entity.fields if s.type_class.searchable]
        condition = Q(pk__in=[])
        for name in names:
            condition |= Q(**{f"{name}__icontains": self.search_query})
        return queryset.filter(condition)

    def to_row_dict(self, item):
        row = {}
        for name in self.list_export:
            if name == "owner":
                row[name] = str(item.owner) if item.owner_id else ""
            elif self.entity.has_field(name):
                spec = self.entity.field(name)
                row[name] = spec.type_class.export_value(
                    spec, spec.type_class.get_value(item, spec)
                )
            else:
                row[name] = getattr(item, name)
        return row

    def get_heading(self, queryset, field):
        if self.entity.has_field(field):
            return self.entity.field(field).display_label
        return super().get_heading(queryset, field)


class ServiceFormMixin:
    """Create and edit forms: a refusal of the record service goes back onto the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except TesseraError as error:
            return self.fail(form, error)


class RecordCreateView(EntityViewMixin, ServiceFormMixin, generic.CreateView):
    """The create form; the record service writes the record."""

    def save_instance(self):
        return RecordService().create(self.request.user, self.entity_slug, self.form.values())


class RecordEditView(EntityViewMixin, ServiceFormMixin, generic.EditView):
    """The edit form; a stale version is shown as a conflict, nothing is saved."""

    def save_instance(self):
        # Only what the user changed: concurrent edits of other fields survive, and
        # unchanged links to records or users outside the pickers stay valid.
        values = {k: v for k, v in self.form.values().items() if k in self.form.changed_data}
        return RecordService().update(
            self.request.user,
            self.entity_slug,
            self.object.pk,
            values,
            expected_version=self.form.cleaned_data.get("version"),
        )


class RecordDeleteView(EntityViewMixin, generic.DeleteView):
    """Delete moves the record to the trash."""

    success_message = gettext_lazy("'%(object)s' moved to the trash.")

    def delete_action(self):
        RecordService().delete(self.request.user, self.entity_slug, self.object.pk)


class RecordInspectView(EntityViewMixin, generic.InspectView):
    """The profile: every field by section, then owner and dates."""

    template_name = "records/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context["sections"] = [
            (
                label,
                [
                    (
                        spec.display_label,
                        spec.type_class.display_value(
                            spec, spec.type_class.get_value(record, spec)
                        ),
                    )
                    for spec in fields
                ],
            )
            for label, fields in self.entity.layout()
            if fields
        ]
        context["system"] = [
            (_("Owner"), str(record.owner) if record.owner_id else "—"),
            (_("Visibility"), record.visibility),
            (_("Created"), record.created_at),
            (_("Updated"), record.updated_at),
        ]
        return context

    def get_fields(self):
        return []


class RecordTrashView(RecordIndexView):
    """The trash: deleted records, each with a restore button."""

    page_title = gettext_lazy("Trash")
    results_template_name = "records/trash_results.html"

    def get_base_queryset(self):
        return self.model.objects.filter(deleted_at__isnull=False)

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
    messages.success(request, _("'%(object)s' restored.") % {"object": record})
    return redirect(index_url_name)
