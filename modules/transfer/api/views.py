"""The import and export endpoints of /api/v1/ (see API.md, "Import" and "Export").

    POST /api/v1/persons/imports/          multipart `file`: {"id", "columns", "suggested_mapping"}
    POST /api/v1/imports/{id}/dry-run/     {"mapping", "mode", "match_on", "skip_invalid"}
    POST /api/v1/imports/{id}/run/         202, then GET /api/v1/imports/{id}/ for progress
    POST /api/v1/imports/{id}/undo/
    GET  /api/v1/persons/export/?format=xlsx|csv&<the list's filters>

Views only translate HTTP; ImportService does the work and raises the domain errors
the API's exception handler turns into `{"code", "detail", "errors"}`.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access import engine
from modules.accounts import scopes
from modules.api.parsers import StrictJSONParser
from modules.api.serializers import ErrorSerializer
from modules.core.exceptions import PermissionDenied
from modules.records.api import list_filters
from modules.records.api.views import RecordViewSet
from modules.transfer import export, resources
from modules.transfer.api import serializers as s
from modules.transfer.models import ImportBatch
from modules.transfer.services import ImportService

#: Every format an export writes: streamed (xlsx, csv) or through django-import-export.
FORMATS = (*export.FORMATS, *resources.LIBRARY_FORMATS)
#: What an export answers: the file, in the format asked for.
EXPORT_FILES = {
    (200, "text/csv"): OpenApiTypes.STR,
    (200, export.XLSX_TYPE): OpenApiTypes.BINARY,
    **{
        (200, fmt.get_content_type()): OpenApiTypes.BINARY
        for fmt in resources.LIBRARY_FORMATS.values()
    },
    **{(code, "application/json"): ErrorSerializer for code in (400, 403)},
}
EXPORT_FORMAT = OpenApiParameter(
    "format", str, enum=list(FORMATS), description="The file's format (default xlsx)."
)


class UploadView(APIView):
    """Upload a file to import into the entity type of the URL."""

    parser_classes = [MultiPartParser]
    #: Set when the OpenAPI generator documents one entity type's paths.
    entity_slug: str | None = None

    @extend_schema(
        summary="Upload a file to import",
        request={"multipart/form-data": s.UploadFileSerializer},
        responses={201: s.UploadSerializer},
    )
    def post(self, request, slug=None):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Attach the file as `file`.")]})
        batch = ImportService().upload(request.user, self.entity_slug or slug, upload)
        body = {
            "id": batch.pk,
            "columns": batch.columns,
            "suggested_mapping": batch.mapping,
            "total": batch.total,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class BatchWriteView(APIView):
    """A write to an import: it needs the token scope of writes to the import's entity type."""

    def required_scope(self, request, user) -> str | None:
        slugs = ImportBatch.objects.filter(pk=self.kwargs["pk"]).values_list(
            "entity_type__slug", flat=True
        )
        return scopes.write_scope(slugs[0]) if slugs else None  # none: the view's 404


class BatchView(APIView):
    """An import's status, progress, totals and row errors."""

    @extend_schema(summary="Get an import", responses={200: s.BatchSerializer})
    def get(self, request, pk):
        return Response(ImportService().get(request.user, pk).as_dict())


class DryRunView(BatchWriteView):
    """Check every row with a mapping; nothing is written."""

    parser_classes = [StrictJSONParser]

    @extend_schema(
        summary="Check an import (dry run)",
        request=s.DryRunSerializer,
        responses={200: s.BatchSerializer},
    )
    def post(self, request, pk):
        body = s.DryRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        batch = ImportService().dry_run(
            request.user,
            pk,
            mapping=data.get("mapping"),
            mode=data["mode"],
            match_on=data.get("match_on"),
            skip_invalid=data["skip_invalid"],
        )
        return Response(batch.as_dict())


class RunView(BatchWriteView):
    """Start a checked import in the background."""

    @extend_schema(summary="Run an import", request=None, responses={202: s.BatchSerializer})
    def post(self, request, pk):
        batch = ImportService().run(request.user, pk)
        return Response(batch.as_dict(), status=status.HTTP_202_ACCEPTED)


class UndoView(BatchWriteView):
    """Undo a finished import."""

    @extend_schema(summary="Undo an import", request=None, responses={200: s.BatchSerializer})
    def post(self, request, pk):
        return Response(ImportService().undo(request.user, pk).as_dict())


class RetryView(BatchWriteView):
    """Take a failed import back to `uploaded`, keeping its file and mapping."""

    @extend_schema(
        summary="Try a failed import again",
        description="The import goes back to `uploaded` with its file, mapping, mode and "
        "keys; check it again with a dry run, then run it. Only a failed import (409 else).",
        request=None,
        responses={200: s.BatchSerializer},
    )
    def post(self, request, pk):
        return Response(ImportService().retry(request.user, pk).as_dict())


class ExportViewSet(RecordViewSet):
    """The list of the URL's entity type as xlsx or csv, with the list's filters."""

    @extend_schema(
        summary="Export records (xlsx, csv, xls, ods, json, yaml or tsv)",
        parameters=[EXPORT_FORMAT],
        responses=EXPORT_FILES,
    )
    def export(self, request, *args, **kwargs):
        file_format = request.query_params.get("format", "xlsx")
        if file_format not in FORMATS:
            raise ValidationError(
                {"format": [_("Give one of: %(formats)s.") % {"formats": ", ".join(FORMATS)}]}
            )
        if not engine.can(request.user, "export", entity=self.entity):
            raise PermissionDenied(_("You may not export these records."))
        self._check_parameters(request)
        queryset = self.get_queryset()
        self._check_readable(request, queryset)
        queryset = self.filter_queryset(queryset)
        queryset = queryset.search(request.query_params.get("search"), request.user)
        queryset = list_filters.apply(request, queryset, self.entity)
        ordering = self._ordering(request)
        queryset = queryset.order_by(*(f"-{o.name}" if o.descending else o.name for o in ordering))
        wanted = self._context(request).get("fields")
        columns = export.export_columns(self.entity, wanted)
        if file_format in export.FORMATS:
            return export.spreadsheet_response(
                request.user, self.entity, queryset, columns, file_format, self.slug
            )
        fmt = resources.LIBRARY_FORMATS[file_format]
        content = resources.library_export(request.user, self.entity, queryset, columns, fmt)
        response = HttpResponse(content, content_type=fmt.get_content_type())
        filename = f"{self.slug}.{fmt.get_extension()}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def perform_content_negotiation(self, request, force=False):
        # `?format=xlsx|csv` names the file, not a renderer of DRF's.
        return super().perform_content_negotiation(request, force=True)


def entity_urlpatterns(prefix: str = "<slug:slug>", **initkwargs) -> list:
    """Upload and export under `prefix`; the OpenAPI generator makes one set per type."""
    return [
        path(f"{prefix}/imports/", UploadView.as_view(**initkwargs)),
        path(f"{prefix}/export/", ExportViewSet.as_view({"get": "export"}, **initkwargs)),
    ]


batch_urlpatterns = [
    path("imports/<int:pk>/", BatchView.as_view()),
    path("imports/<int:pk>/dry-run/", DryRunView.as_view()),
    path("imports/<int:pk>/run/", RunView.as_view()),
    path("imports/<int:pk>/undo/", UndoView.as_view()),
    path("imports/<int:pk>/retry/", RetryView.as_view()),
]
