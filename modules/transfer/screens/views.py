"""The admin's import screens: upload, mapping and dry run, progress, result and undo.

    /imports/persons/             past imports and the upload (drag and drop) form
    /imports/persons/7/           mapping + dry run, then progress, then the result
    /imports/persons/7/status/    the progress bar's JSON (polled)

Every step calls ImportService; its refusals show as messages on the same screen.
The upload zone is a plain file input that also takes a dropped file when JS runs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.access import engine
from modules.core.exceptions import TesseraError
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.transfer import matching
from modules.transfer.models import Mode, Status
from modules.transfer.services import ImportService


class ImportScreen(WagtailAdminTemplateMixin, TemplateView):
    """An import screen of the entity type in the URL, for users who may import it."""

    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.entity = get_snapshot().entity(kwargs["slug"])
        except EntityTypeNotFound:
            raise Http404 from None
        if not engine.can(request.user, "import", entity=self.entity):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.entity.display_label_plural

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": reverse(f"records_{self.entity.slug}:index"),
                "label": self.entity.display_label_plural,
            },
            {"url": reverse("transfer:index", args=[self.entity.slug]), "label": _("Imports")},
        ]


class ImportIndexView(ImportScreen):
    """Past imports of the type, newest first, and the form to upload a new file."""

    template_name = "transfer/index.html"
    page_title = gettext_lazy("Import")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = ImportService().history(self.request.user, self.entity.slug)[:50]
        return context

    def post(self, request, slug):
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
            return redirect("transfer:index", slug)
        try:
            batch = ImportService().upload(request.user, slug, upload)
        except TesseraError as error:
            messages.error(request, error.detail)
            return redirect("transfer:index", slug)
        return redirect("transfer:batch", slug, batch.pk)


class BatchView(ImportScreen):
    """One import: mapping and dry run, then progress, then the result and undo."""

    template_name = "transfer/batch.html"
    page_title = gettext_lazy("Import")

    @cached_property
    def batch(self):
        try:
            batch = ImportService().get(self.request.user, self.kwargs["pk"])
        except TesseraError:
            raise Http404 from None
        if batch.entity_type_id != self.entity.id:
            raise Http404
        return batch

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.batch
        fields = matching.importable_fields(self.entity)
        suggested = matching.suggest(batch.columns, self.entity)
        context.update(
            batch=batch,
            editable=batch.status in (Status.UPLOADED, Status.CHECKED),
            in_progress=batch.status in (Status.QUEUED, Status.RUNNING),
            fields=[(spec.api_name, spec.display_label) for spec in fields],
            unique_fields=[
                (spec.api_name, spec.display_label)
                for spec in fields
                if spec.type_class.can_be_unique
            ],
            rows=[
                {
                    "index": index,
                    "column": column,
                    "chosen": batch.mapping.get(column, ""),
                    "matched": column in suggested,
                }
                for index, column in enumerate(batch.columns)
            ],
            modes=Mode.choices,
            status_url=reverse("transfer:status", args=[self.entity.slug, batch.pk]),
        )
        return context

    def post(self, request, slug, pk):
        action = request.POST.get("action")
        service = ImportService()
        try:
            if action == "dry_run":
                service.dry_run(
                    request.user,
                    pk,
                    mapping={
                        column: request.POST.get(f"map-{index}", "")
                        for index, column in enumerate(self.batch.columns)
                    },
                    mode=request.POST.get("mode", Mode.CREATE),
                    match_on=request.POST.getlist("match_on"),
                    skip_invalid=request.POST.get("skip_invalid") == "on",
                )
            elif action == "run":
                service.run(request.user, pk)
            elif action == "retry":
                service.retry(request.user, pk)
                messages.success(
                    request, _("Check the mapping and run the import again; the file is kept.")
                )
            elif action == "undo":
                batch = service.undo(request.user, pk)
                messages.success(
                    request,
                    _("Import undone: %(deleted)s removed, %(restored)s restored.")
                    % batch.undo_report,
                )
        except TesseraError as error:
            messages.error(request, error.detail)
            for problems in error.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        return redirect("transfer:batch", slug, pk)


def batch_status(request, slug, pk):
    """The progress bar's poll: the import's state as JSON."""
    try:
        batch = ImportService().get(request.user, pk)
    except TesseraError:
        raise Http404 from None
    return JsonResponse(batch.as_dict())
