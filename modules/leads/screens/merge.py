"""The merge screen of a record: `records/<slug>/<id>/merge/<other>/`.

A table of every field with both values and a choice per field (the kept record's value,
or the merged one's when the kept one is empty, chosen to begin with). "Merge" calls
`MergeService` once; a refusal comes back as a message, nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import defaults

from modules.core.exceptions import PermissionDenied, TesseraError
from modules.core.i18n import localized
from modules.leads.merge import MergeService
from modules.records.exceptions import RecordNotFound


def merge_view(request, entity_slug: str, pk: int, other: int):
    """GET: the choices; POST: merge `other` into `pk`."""
    service = MergeService()
    try:
        if request.method == "POST":
            values = {
                key.removeprefix("pick-"): value
                for key, value in request.POST.items()
                if key.startswith("pick-")
            }
            service.merge(request.user, entity_slug, pk, other, values=values)
            messages.success(request, _("The records are merged; the other one is in the trash."))
            return redirect(reverse(f"records_{entity_slug}:inspect", args=[pk]))
        kept, merged, rows = service.preview(request.user, entity_slug, pk, other)
    except RecordNotFound:
        raise Http404 from None
    except PermissionDenied as refusal:
        return defaults.permission_denied(request, DjangoPermissionDenied(refusal.detail))
    except TesseraError as error:
        messages.error(
            request, " ".join([error.detail, *(m for ms in error.errors.values() for m in ms)])
        )
        return redirect(reverse(f"records_{entity_slug}:inspect", args=[pk]))
    shown = [
        {
            "name": spec.api_name,
            "label": localized(spec.label) or spec.api_name,
            "kept": spec.type_class.display_value(spec, a, viewer=request.user),
            "merged": spec.type_class.display_value(spec, b, viewer=request.user),
            "side": side,
        }
        for spec, a, b, side in rows
    ]
    return render(
        request,
        "leads/merge.html",
        {
            "kept": kept,
            "merged": merged,
            "rows": shown,
            "kept_url": reverse(f"records_{entity_slug}:inspect", args=[kept.pk]),
            "merged_url": reverse(f"records_{entity_slug}:inspect", args=[merged.pk]),
            "page_title": _("Merge records"),
        },
    )


def record_urlpatterns(entity_slug: str) -> list:
    """The merge screen under `records/<slug>/`."""
    return [
        path(
            "<int:pk>/merge/<int:other>/",
            merge_view,
            {"entity_slug": entity_slug},
            name="merge",
        )
    ]
