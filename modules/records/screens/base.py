"""What every record screen shares: the entity type, refusals, and the record after a write.

    class RecordEditView(EntityViewMixin, generic.EditView):    # entity_slug from the viewset
        required_action = "edit"

Records are loaded through RecordService, so the admin follows the same rules as the API.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy
from django.views import defaults

from modules.access import engine
from modules.core.exceptions import TesseraError
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordNotFound
from modules.records.services import RecordService


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
