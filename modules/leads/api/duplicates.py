"""Duplicates in the API: match rules per entity type and the candidates they find.

    GET  /api/v1/meta/entity-types/{slug}/match-rules/     -> {"rules": [...], "custom", "version"}
    PUT  /api/v1/meta/entity-types/{slug}/match-rules/     {"rules": [...], "version"} (admins)
    POST /api/v1/{slug}/duplicates/                        {"values": {...}} -> candidates
    GET  /api/v1/{slug}/{id}/duplicates/                   -> candidates of a stored record

Candidates are records the caller may open, at most 20; nothing else is named or counted.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access import engine
from modules.access.api.views import valid
from modules.api.permissions import IsAdministratorOrReadOnly
from modules.api.serializers import ErrorSerializer, StrictIntegerField, StrictSerializer
from modules.leads.duplicates import DuplicateService
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService

E = ErrorSerializer


class MatchRuleSerializer(serializers.Serializer):
    """One match rule."""

    kind = serializers.ChoiceField(choices=["email", "phone", "name"])
    fields = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=5)
    threshold = serializers.FloatField(required=False, min_value=0.1, max_value=1)


class MatchRulesInputSerializer(StrictSerializer):
    """The match rules of an entity type, replaced whole."""

    rules = serializers.ListField(child=serializers.DictField(), max_length=20)
    version = StrictIntegerField(required=False, min_value=0)


class MatchRulesSerializer(serializers.Serializer):
    """The match rules in use: stored, or the defaults (`custom` false)."""

    entity = serializers.CharField()
    rules = MatchRuleSerializer(many=True)
    custom = serializers.BooleanField()
    version = serializers.IntegerField()


class CheckSerializer(StrictSerializer):
    """Values of a record about to be created, by field API name."""

    values = serializers.DictField()


class CandidateSerializer(serializers.Serializer):
    """A record that may be the same, and why."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    similarity = serializers.FloatField(allow_null=True)


class CandidateListSerializer(serializers.Serializer):
    """At most 20 candidates the caller may open."""

    results = CandidateSerializer(many=True)


def listed(candidates) -> dict:
    """Candidates as the API shows them."""
    return {
        "results": [
            {
                "id": c.record.pk,
                "title": str(c.record),
                "reasons": c.reasons,
                "similarity": c.similarity,
            }
            for c in candidates
        ]
    }


class MatchRulesView(APIView):
    """`.../match-rules/`: how an entity type's likely duplicates are found."""

    permission_classes = [IsAdministratorOrReadOnly]
    service = DuplicateService()

    @extend_schema(
        tags=["metadata"],
        responses={200: MatchRulesSerializer, 401: E, 404: E},
        summary=gettext_lazy("Get an entity type's duplicate match rules"),
    )
    def get(self, request, slug):
        get_snapshot().entity(slug)
        return Response(self.service.describe(slug))

    @extend_schema(
        tags=["metadata"],
        request=MatchRulesInputSerializer,
        responses={200: MatchRulesSerializer, 400: E, 401: E, 403: E, 404: E, 409: E},
        summary=gettext_lazy("Replace an entity type's duplicate match rules"),
        description=gettext_lazy(
            '`{"kind": "email" | "phone" | "name", "fields": [api names], "threshold": '
            "0.1 to 1 (name only; trigram similarity on PostgreSQL)}`. Administrators only."
        ),
    )
    def put(self, request, slug):
        get_snapshot().entity(slug)
        body = valid(MatchRulesInputSerializer, request)
        return Response(
            self.service.save_rules(
                request.user, slug, request.data["rules"], expected_version=body.get("version")
            )
        )


class CheckView(APIView):
    """`/{slug}/duplicates/`: likely duplicates of values about to be saved."""

    permission_classes = [IsAuthenticated]
    entity_slug = None

    @extend_schema(
        tags=["records"],
        request=CheckSerializer,
        responses={200: CandidateListSerializer, 400: E, 401: E, 404: E},
        summary=gettext_lazy("Find likely duplicates of values before saving them"),
    )
    def post(self, request, **kwargs):
        slug = self.entity_slug or kwargs["slug"]
        get_snapshot().entity(slug)
        body = valid(CheckSerializer, request)
        return Response(listed(DuplicateService().candidates(request.user, slug, body["values"])))


class RecordDuplicatesView(APIView):
    """`/{slug}/{id}/duplicates/`: likely duplicates of a record."""

    permission_classes = [IsAuthenticated]
    entity_slug = None

    @extend_schema(
        tags=["records"],
        responses={200: CandidateListSerializer, 401: E, 404: E},
        summary=gettext_lazy("List a record's likely duplicates"),
    )
    def get(self, request, pk, **kwargs):
        slug = self.entity_slug or kwargs["slug"]
        record = RecordService().get(request.user, slug, pk)
        if not engine.is_open(request.user, record):
            return Response({"results": []})
        return Response(listed(DuplicateService().of_record(request.user, slug, record)))


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The duplicate routes of records under `prefix`."""
    return [
        path(f"{prefix}/duplicates/", CheckView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/duplicates/", RecordDuplicatesView.as_view(**initkwargs)),
    ]


meta_urlpatterns = [
    path(
        "entity-types/<str:slug>/match-rules/",
        MatchRulesView.as_view(),
        name="meta-match-rules",
    ),
]
