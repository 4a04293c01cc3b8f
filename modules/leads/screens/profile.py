"""What leads adds to record profiles: likely duplicates on every type with match rules,
and on a lead its status steps (disqualify with a reason, archive).

Both are profile panels (`records.screens.extensions`); the steps post to record URLs
under `records/leads/<id>/`, which call `LeadService` and come back to the profile.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from modules.access import engine
from modules.core.exceptions import PermissionDenied, TesseraError
from modules.core.i18n import localized
from modules.leads.duplicates import DuplicateService
from modules.leads.services import LEADS, LeadService
from modules.records.exceptions import RecordNotFound


def _profile(entity_slug: str, pk) -> str:
    return reverse(f"records_{entity_slug}:inspect", args=[pk])


def duplicates_panel(user, entity, record) -> dict | None:
    """Likely duplicates the user may open, for a record they may open; else no panel."""
    if not engine.is_open(user, record):
        return None
    found = DuplicateService().of_record(user, entity.slug, record)
    if not found:
        return None
    may_merge = engine.can(user, "edit", record)
    return {
        "items": [
            {
                "title": str(c.record),
                "url": _profile(entity.slug, c.record.pk),
                "reasons": c.reasons,
                "merge_url": reverse(f"records_{entity.slug}:merge", args=[record.pk, c.record.pk])
                if may_merge and engine.can(user, "edit", c.record)
                else "",
            }
            for c in found
        ]
    }


def duplicates_notice(request, entity, record) -> None:
    """After the create form: a warning naming the likely duplicates the user may open."""
    found = DuplicateService().of_record(request.user, entity.slug, record, limit=5)
    if not found:
        return
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((_profile(entity.slug, c.record.pk), str(c.record)) for c in found),
    )
    messages.warning(
        request,
        format_html("{} {}", _("This record may be a duplicate of:"), links),
    )


def lead_panel(user, entity, record) -> dict | None:
    """The status steps of a lead the user may edit."""
    if entity.slug != LEADS or not engine.can(user, "edit", record):
        return None
    status = getattr(record, "status", None)
    try:
        reasons = entity.field("disqualification_reason").options.get("choices", [])
    except TesseraError:
        reasons = []
    return {
        "status": status,
        "reasons": [(c["value"], localized(c["label"])) for c in reasons],
        "may_disqualify": status not in ("qualified", "disqualified"),
        "may_archive": status != "archived",
        "may_qualify": status in ("new", "working"),
        "qualify_url": reverse(f"records_{LEADS}:lead_qualify", args=[record.pk]),
        "disqualify_url": reverse(f"records_{LEADS}:lead_disqualify", args=[record.pk]),
        "archive_url": reverse(f"records_{LEADS}:lead_archive", args=[record.pk]),
        "version": record.version,
    }


def _step(request, pk, act, done: str):
    try:
        act()
    except RecordNotFound:
        raise Http404 from None
    except PermissionDenied as refusal:
        return defaults.permission_denied(request, DjangoPermissionDenied(refusal.detail))
    except TesseraError as error:
        messages.error(
            request, " ".join([error.detail, *(m for ms in error.errors.values() for m in ms)])
        )
    else:
        messages.success(request, done)
    return redirect(_profile(LEADS, pk))


@require_POST
def disqualify(request, entity_slug: str, pk: int):
    """POST: disqualify the lead with the chosen reason."""
    version = request.POST.get("version", "")
    return _step(
        request,
        pk,
        lambda: LeadService().disqualify(
            request.user,
            pk,
            request.POST.get("reason", ""),
            expected_version=int(version) if version.isdigit() else None,
        ),
        _("The lead is disqualified."),
    )


@require_POST
def archive(request, entity_slug: str, pk: int):
    """POST: archive the lead."""
    version = request.POST.get("version", "")
    return _step(
        request,
        pk,
        lambda: LeadService().archive(
            request.user, pk, expected_version=int(version) if version.isdigit() else None
        ),
        _("The lead is archived."),
    )


def record_urlpatterns(entity_slug: str) -> list:
    """The lead steps under `records/leads/`; other types get none."""
    if entity_slug != LEADS:
        return []
    common = {"entity_slug": entity_slug}
    return [
        path("<int:pk>/disqualify/", disqualify, common, name="lead_disqualify"),
        path("<int:pk>/archive/", archive, common, name="lead_archive"),
    ]
