"""Merging in the API: `POST /api/v1/{slug}/{id}/merge/` keeps `{id}`.

    {"merged": 40, "values": {"email": "merged", "phone": "kept"}}
    -> {"record": <the kept record as GET shows it>, "moved": {"fields": 1, "grants": 2, ...}}

The caller needs `edit` on both records; a record they may not see is the same 404 as a
missing one. Merging a record with itself, or naming a field that does not exist, is a
400 and nothing changes.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.api.views import valid
from modules.api.serializers import ErrorSerializer, StrictIntegerField, StrictSerializer
from modules.leads.merge import MergeService
from modules.metamodel.runtime import get_snapshot
from modules.records.api.serializers import record_serializer
from modules.records.services import RecordService

E = ErrorSerializer


class MergeInputSerializer(StrictSerializer):
    """The record to merge into this one and, per field, whose value to keep."""

    merged = StrictIntegerField(min_value=1, help_text=gettext_lazy("The record that goes."))
    values = serializers.DictField(
        child=serializers.ChoiceField(choices=["kept", "merged"]),
        required=False,
        help_text=gettext_lazy("Field API name -> kept or merged; others keep the kept value."),
    )


class MergeResultSerializer(serializers.Serializer):
    """The kept record and what moved to it."""

    record = serializers.JSONField()
    moved = serializers.DictField(child=serializers.IntegerField())


class MergeView(APIView):
    """`/{slug}/{id}/merge/`: merge another record into this one."""

    permission_classes = [IsAuthenticated]
    entity_slug = None

    @extend_schema(
        tags=["records"],
        request=MergeInputSerializer,
        responses={200: MergeResultSerializer, 400: E, 401: E, 403: E, 404: E, 409: E},
        summary=gettext_lazy("Merge a duplicate into this record"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.entity_slug or kwargs["slug"]
        get_snapshot().entity(slug)
        body = valid(MergeInputSerializer, request)
        moved = MergeService().merge(
            request.user, slug, pk, body["merged"], values=body.get("values") or {}
        )
        record = RecordService().get(request.user, slug, pk)
        shown = record_serializer(get_snapshot(), slug)(
            record, context={"viewer": request.user}
        ).data
        return Response({"record": shown, "moved": moved})


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The merge route of records under `prefix`."""
    return [path(f"{prefix}/<int:pk>/merge/", MergeView.as_view(**initkwargs))]
