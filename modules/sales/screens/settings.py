"""Settings > Sales processes: the pipelines of each type, their builder, the lost reasons.

    settings/sales/                      PipelineIndexView (GET; POST: a new pipeline, or
                                         the lost reasons, one per line)
    settings/sales/<id>/                 PipelineBuilderView: stages and actions, edited in
                                         the page and saved whole through the API

The builder works like the form builder: add, rename, drag (or move with the arrow
buttons) and remove stages and actions; a gear opens an action's settings. Saving sends
the pipeline to `PUT /api/v1/meta/pipelines/{id}/` with the version it loaded: errors come
back per field and are shown next to it; a removed stage that holds records asks where
they go.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.core.i18n import localized
from modules.metamodel.models import EntityType
from modules.metamodel.screens.base import SettingsAreaView
from modules.sales import fields as pf
from modules.sales import task_templates
from modules.sales.exceptions import PipelineNotFound
from modules.sales.models import Completers, NoteRule, Notify
from modules.sales.services import SalesService, describe

NS = "sales_settings"


class PipelineIndexView(SettingsAreaView):
    """Every pipeline by entity type, a form for a new one, and the lost reasons."""

    template_name = "sales/settings_index.html"
    page_title = gettext_lazy("Sales processes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = SalesService().all()
        context["pipelines"] = [
            {
                "id": p.pk,
                "name": localized(p.name),
                "entity": localized(p.entity_type.label_plural),
                "stages": [localized(s.name) for s in p.stages.all()],
                "segments": p.segments,
                "url": reverse(f"{NS}:pipeline", args=[p.pk]),
                "board": reverse(f"records_{p.entity_type.slug}:board") + f"?pipeline={p.pk}",
            }
            for p in rows
        ]
        context["entity_types"] = [
            (e.slug, localized(e.label_plural)) for e in EntityType.objects.alive().order_by("pk")
        ]
        context["reasons"] = "\n".join(localized(r["name"]) for r in pf.lost_reasons())
        context["history_url"] = reverse("tessera_settings:config_history") + "?kind=pipeline"
        return context

    def post(self, request, *args, **kwargs):
        service = SalesService()
        try:
            if "reasons" in request.POST:
                service.set_lost_reasons(request.user, {"reasons": self._reasons(request)})
                messages.success(request, _("Lost reasons saved."))
                return redirect(f"{NS}:index")
            name = request.POST.get("name", "").strip()
            pipeline = service.create(
                request.user,
                {
                    "entity_type": request.POST.get("entity_type") or "deals",
                    "name": name,
                    "segments": [],
                    "stages": [
                        {
                            "name": _("First stage"),
                            "probability": 10,
                            "colour": "#4a90d9",
                            "actions": [
                                {
                                    "name": _("First action"),
                                    "weight": 1,
                                    "mandatory": False,
                                    "completers": Completers.EDITORS,
                                    "completer_users": [],
                                    "note": NoteRule.NONE,
                                    "notify": [],
                                    "notify_users": [],
                                    "task_template": "",
                                }
                            ],
                        }
                    ],
                },
            )
        except TesseraError as error:
            details = [m for found in error.errors.values() for m in found]
            messages.error(request, " ".join([error.detail, *details]))
            return redirect(f"{NS}:index")
        messages.success(request, _("Pipeline created: add its stages and actions."))
        return redirect(f"{NS}:pipeline", pipeline.pk)

    @staticmethod
    def _reasons(request) -> list[dict]:
        known = {localized(r["name"]): r for r in pf.lost_reasons()}
        reasons = []
        for line in request.POST.get("reasons", "").splitlines():
            name = line.strip()
            if name:
                reasons.append(known.get(name) or {"name": name})
        return reasons


class PipelineBuilderView(SettingsAreaView):
    """The builder of one pipeline."""

    template_name = "sales/builder.html"
    page_title = gettext_lazy("Pipeline builder")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            pipeline = SalesService().get(self.kwargs["pk"])
        except PipelineNotFound:
            raise Http404 from None
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        context["pipeline"] = pipeline
        context["builder"] = {
            "pipeline": describe(pipeline),
            "api": f"/api/v1/meta/pipelines/{pipeline.pk}/",
            "users": [{"id": u.pk, "name": u.get_full_name() or u.get_username()} for u in users],
            "templates": task_templates.known(),
            "completers": [[k, str(v)] for k, v in Completers.choices],
            "notes": [[k, str(v)] for k, v in NoteRule.choices],
            "notify": [[k, str(v)] for k, v in Notify.choices],
        }
        context["texts"] = {
            "stage_name": _("Stage name"),
            "probability": _("Probability"),
            "colour": _("Colour"),
            "action_name": _("Action name"),
            "settings": _("Action settings"),
            "up": _("Move up"),
            "down": _("Move down"),
            "remove": _("Remove"),
            "add_action": _("Add an action"),
            "new_action": _("New action"),
            "new_stage": _("New stage"),
            "saving": _("Saving…"),
            "saved": _("Saved."),
        }
        context["index_url"] = reverse(f"{NS}:index")
        return context
