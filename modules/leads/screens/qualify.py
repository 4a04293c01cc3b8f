"""The qualify screen of a lead: `records/leads/<id>/qualify/`.

For the person and the company: create one from the lead's fields, link one of the
existing records that match (found by their duplicate rules, among records the user may
open), or neither; the deal's name. "Qualify" calls `QualifyService` once and opens the
new deal; a refusal comes back as a message, nothing made.
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
from modules.leads.qualify import QualifyService
from modules.leads.services import LEADS
from modules.records.exceptions import RecordNotFound


def _choice(post, key: str):
    picked = post.get(key, "none")
    if picked == "create":
        return {"create": True}
    if picked.isdigit():
        return {"link": int(picked)}
    return None


def qualify_view(request, entity_slug: str, pk: int):
    """GET: the choices; POST: qualify the lead."""
    profile = reverse(f"records_{LEADS}:inspect", args=[pk])
    service = QualifyService()
    try:
        if request.method == "POST":
            name = request.POST.get("deal_name", "").strip()
            version = request.POST.get("version", "")
            made = service.qualify(
                request.user,
                pk,
                person=_choice(request.POST, "person"),
                company=_choice(request.POST, "company"),
                deal={"values": {"name": name}} if name else None,
                expected_version=int(version) if version.isdigit() else None,
            )
            messages.success(request, _("The lead is qualified."))
            return redirect(reverse("records_deals:inspect", args=[made["deal"]]))
        proposal = service.propose(request.user, pk)
        lead = service.records.get(request.user, LEADS, pk)
    except RecordNotFound:
        raise Http404 from None
    except PermissionDenied as refusal:
        return defaults.permission_denied(request, DjangoPermissionDenied(refusal.detail))
    except TesseraError as error:
        messages.error(
            request, " ".join([error.detail, *(m for ms in error.errors.values() for m in ms)])
        )
        return redirect(profile)
    parts = []
    for key, slug, label in (
        ("company", "companies", _("Company")),
        ("person", "persons", _("Person")),
    ):
        part = proposal[slug]
        parts.append(
            {
                "key": key,
                "label": label,
                "values": ", ".join(str(v) for v in part["values"].values() if v),
                "matches": [
                    {
                        "id": c.record.pk,
                        "title": str(c.record),
                        "reasons": ", ".join(c.reasons),
                        "url": reverse(f"records_{slug}:inspect", args=[c.record.pk]),
                    }
                    for c in part["matches"]
                ],
                "default": str(part["matches"][0].record.pk)
                if part["matches"]
                else ("create" if part["values"] else "none"),
            }
        )
    return render(
        request,
        "leads/qualify.html",
        {
            "lead": lead,
            "parts": parts,
            "deal_name": proposal["deals"]["values"].get("name", ""),
            "profile_url": profile,
            "page_title": _("Qualify lead"),
        },
    )


def record_urlpatterns(entity_slug: str) -> list:
    """The qualify screen under `records/leads/`; other types get none."""
    if entity_slug != LEADS:
        return []
    return [
        path(
            "<int:pk>/qualify/",
            qualify_view,
            {"entity_slug": entity_slug},
            name="lead_qualify",
        )
    ]
