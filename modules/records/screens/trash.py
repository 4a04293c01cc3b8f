"""The trash of an entity type: trashed records, each with a Restore button.

path("restore/<int:pk>/", restore_record, kwargs={...})   # EntityViewSet (viewsets.py)
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.http import require_POST

from modules.core.exceptions import PermissionDenied as Refused
from modules.records.exceptions import RecordConflict, RecordNotFound
from modules.records.screens.base import OUT_OF_SIGHT, shown_after_write
from modules.records.screens.listing import RecordIndexView
from modules.records.services import RecordService


class RecordTrashView(RecordIndexView):
    """The trash: deleted records, each with a restore button."""

    page_title = gettext_lazy("Trash")
    results_template_name = "records/trash_results.html"
    bulk_actions = False

    def get_base_queryset(self):
        return self.model.objects.trashed().visible_to(self.request.user)

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
