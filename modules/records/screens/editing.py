"""Create, edit and delete screens of records, writing through RecordService.

    add_view_class = RecordCreateView       # EntityViewSet (viewsets.py)

The generic Wagtail views validate; saving and deleting go to the record service, and a
refusal goes back onto the form.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages as admin_messages
from wagtail.admin.views import generic

from modules.access import engine
from modules.core.exceptions import TesseraError
from modules.records.screens import extensions
from modules.records.screens.base import OUT_OF_SIGHT, EntityViewMixin, shown_after_write
from modules.records.services import RecordService


class ShownAfterWriteMixin:
    """Create and edit: the message and what follows a save show the record only as the user
    may see it now. The title is the list's (basic fields only on a non-public record); a
    record out of their sight is not named; the Edit button and Wagtail's in-place answer
    (JSON with the re-rendered form) only while they may still edit it. The next page is the
    record's profile while they may still see it, else the list, which every user who may
    write records may open."""

    def get_success_url(self):
        if self.shown is None:
            return super().get_success_url()
        return reverse(f"records_{self.entity_slug}:inspect", args=[self.object.pk])

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
        extensions.created_notices(self.request, record.entity, record)
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
