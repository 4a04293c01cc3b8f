"""Record history and the administrators' change log.

    GET /api/v1/{slug}/{id}/history/                   a record's changes, newest first
    GET /api/v1/history/?entity=&user=&operation=&since=&until=&record=
    GET /api/v1/history/?<filters>&format=xlsx         the same, as an Excel workbook

A record's history answers like the record itself (404 for one the caller may not
see), with values of fields the caller may not read redacted, and links to records
they may not see null, their keys listed in the row's `restricted_fields`. The change log is for
administrators. Pages are keyset pages: follow `next` and `previous`.
"""

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.errors import JsonErrorsMixin
from modules.api.paging import page_link, page_size
from modules.api.serializers import ErrorSerializer
from modules.changelog.api.serializers import HistoryPageSerializer
from modules.changelog.export import change_log_xlsx
from modules.changelog.presenter import ShownRow
from modules.changelog.services import FILTERS, HistoryService
from modules.metamodel.runtime import get_snapshot

E = ErrorSerializer
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxRenderer(BaseRenderer):
    """Lets `?format=xlsx` through content negotiation; the view writes the bytes."""

    media_type = XLSX
    format = "xlsx"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def row_json(shown: ShownRow, slugs: dict) -> dict:
    """One history row as the API shows it."""
    row = shown.row
    return {
        "id": row.pk,
        "at": row.at.isoformat(),
        "user": {"id": row.user_id, "name": shown.user_name},
        "entity": slugs.get(row.entity_type_id),
        "record_id": row.record_id,
        "record_title": shown.title,
        "operation": row.operation,
        "action": row.action,
        "batch": row.batch,
        "changes": [
            {
                "key": c.key,
                "label": c.label,
                "before": c.before,
                "after": c.after,
                "before_text": "" if c.redacted else c.before_text,
                "after_text": "" if c.redacted else c.after_text,
                "redacted": c.redacted,
            }
            for c in shown.changes
        ],
        "restricted_fields": shown.restricted_fields,
    }


class HistoryPageMixin:
    """A page of history rows as the API answers it."""

    def page(self, request, rows, links) -> Response:
        slugs = {entity.id: entity.slug for entity in get_snapshot().entities}
        return Response(
            {
                "next": page_link(request, links["next"]),
                "previous": page_link(request, links["previous"]),
                "results": [row_json(shown, slugs) for shown in rows],
            }
        )


class RecordHistoryView(HistoryPageMixin, APIView):
    """`/{slug}/{id}/history/`: one record's changes."""

    #: Set when the OpenAPI generator documents one entity type's paths.
    entity_slug = None

    @extend_schema(
        tags=["records"],
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: HistoryPageSerializer, 400: E, 401: E, 403: E, 404: E},
        summary=gettext_lazy("A record's history"),
    )
    def get(self, request, pk, **kwargs):
        slug = self.entity_slug or kwargs["slug"]
        _record, rows, links = HistoryService().of_record(
            request.user,
            slug,
            pk,
            cursor=request.query_params.get("cursor"),
            page_size=page_size(request),
        )
        return self.page(request, rows, links)


class ChangeLogView(JsonErrorsMixin, HistoryPageMixin, APIView):
    """`/history/`: every record change, filtered (administrators)."""

    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(
        tags=["history"],
        parameters=[
            OpenApiParameter("entity", OpenApiTypes.STR, description="An entity type's slug."),
            OpenApiParameter("user", OpenApiTypes.INT),
            OpenApiParameter(
                "operation",
                OpenApiTypes.STR,
                enum=["create", "update", "delete", "restore", "anonymise", "import"],
            ),
            OpenApiParameter("since", OpenApiTypes.STR, description="A date or date-time."),
            OpenApiParameter(
                "until", OpenApiTypes.STR, description="A date (its whole day) or date-time."
            ),
            OpenApiParameter("record", OpenApiTypes.INT, description="With `entity`."),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx"]),
        ],
        responses={
            (200, "application/json"): HistoryPageSerializer,
            (200, XLSX): OpenApiTypes.BINARY,
            **{(status, "application/json"): E for status in (400, 401, 403)},
        },
        summary=gettext_lazy("The change log of every record (administrators)"),
    )
    def get(self, request):
        filters = self._filters(request)
        if request.accepted_renderer.format == "xlsx":
            data = change_log_xlsx(request.user, filters)
            response = HttpResponse(data, content_type=XLSX)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="changes-{stamp}.xlsx"'
            return response
        rows, links = HistoryService().change_log(
            request.user,
            filters,
            cursor=request.query_params.get("cursor"),
            page_size=page_size(request),
        )
        return self.page(request, rows, links)

    def _filters(self, request) -> dict:
        known = {*FILTERS, "cursor", "page_size", "format"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {unknown[0]: [_("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        return {k: v for k, v in request.query_params.items() if k in FILTERS}


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The history route of records under `prefix` (see records.entity_urlpatterns)."""
    return [path(f"{prefix}/<int:pk>/history/", RecordHistoryView.as_view(**initkwargs))]


urlpatterns = [path("history/", ChangeLogView.as_view(), name="api-history")]
