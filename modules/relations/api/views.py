"""Relation types and the relations of records.

    GET|POST          /api/v1/meta/relation-types/
    GET|PATCH|DELETE  /api/v1/meta/relation-types/{id}/        (DELETE: to the trash)
    POST              /api/v1/meta/relation-types/{id}/restore/
    GET|PUT           /api/v1/meta/relation-settings/           {"enabled": true}
    GET|POST          /api/v1/{slug}/{id}/relations/            {"relation_type", "other_id"}
    DELETE            /api/v1/{slug}/{id}/relations/{relation_id}/

Relation types: every signed-in user reads, administrators write; how many relations a
type has (`relations`) is shown to administrators only (null to others: it counts
relations between records the reader may not see). A record's
relations: only relations whose other record the caller may see (and is not in the
trash) are listed; adding and removing need the right to edit the record.
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.api.views import valid
from modules.access.spec import OPEN_FLAG
from modules.api.permissions import IsAdministratorOrReadOnly
from modules.api.serializers import ErrorSerializer
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.relations import specs
from modules.relations.api import serializers as s
from modules.relations.exceptions import RelationsOff
from modules.relations.services import RelationService
from modules.relations.type_service import RelationTypeService, describe, describe_all

TAGS = ["metadata"]
E = ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}
TRASHED = OpenApiParameter(
    "trashed", bool, description=gettext_lazy("true: list the relation types in the trash.")
)


class RelationTypeListView(APIView):
    """`/meta/relation-types/`: list and create."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[TRASHED],
        responses={200: s.RelationTypeSerializer(many=True), **READ_ERRORS},
        summary=gettext_lazy("List relation types"),
    )
    def get(self, request):
        trashed = request.query_params.get("trashed") in ("true", "1")
        rows = RelationTypeService().all(include_trashed=trashed)
        if trashed:
            rows = [r for r in rows if r.deleted_at is not None]
        return Response(describe_all(rows, request.user))

    @extend_schema(
        tags=TAGS,
        request=s.RelationTypeInputSerializer,
        responses={201: s.RelationTypeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Create a relation type"),
    )
    def post(self, request):
        valid(s.RelationTypeInputSerializer, request)
        row = RelationTypeService().create(request.user, request.data)
        return Response(describe(row, request.user), status=status.HTTP_201_CREATED)


class RelationTypeDetailView(APIView):
    """`/meta/relation-types/{id}/`: read, change, trash."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: s.RelationTypeSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a relation type"),
    )
    def get(self, request, type_id):
        row = RelationTypeService().get(type_id, include_trashed=True)
        return Response(describe(row, request.user))

    @extend_schema(
        tags=TAGS,
        request=s.RelationTypeInputSerializer(partial=True),
        responses={200: s.RelationTypeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change a relation type"),
    )
    def patch(self, request, type_id):
        RelationTypeService().get(type_id)
        body = s.RelationTypeInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        row = RelationTypeService().update(request.user, type_id, request.data)
        return Response(describe(row, request.user))

    @extend_schema(
        tags=TAGS,
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Move a relation type to the trash (its relations are kept)"),
    )
    def delete(self, request, type_id):
        RelationTypeService().delete(request.user, type_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RelationTypeRestoreView(APIView):
    """`/meta/relation-types/{id}/restore/`."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: s.RelationTypeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Restore a relation type from the trash"),
    )
    def post(self, request, type_id):
        row = RelationTypeService().restore(request.user, type_id)
        return Response(describe(row, request.user))


class RelationSettingsView(APIView):
    """`/meta/relation-settings/`: relations on or off for the installation."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: s.RelationSettingsSerializer, **READ_ERRORS},
        summary=gettext_lazy("Are relations switched on?"),
    )
    def get(self, request):
        return Response({"enabled": RelationTypeService().enabled()})

    @extend_schema(
        tags=TAGS,
        request=s.RelationSettingsSerializer,
        responses={200: s.RelationSettingsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Switch relations on or off"),
    )
    def put(self, request):
        body = valid(s.RelationSettingsSerializer, request)
        return Response(
            {"enabled": RelationTypeService().set_enabled(request.user, body["enabled"])}
        )


def item(linked) -> dict:
    """One relation of a record as the API shows it."""
    other = linked.other
    return {
        "id": linked.id,
        "relation_type": linked.side.type.id,
        "side": linked.side.side,
        "label": linked.label,
        "other": {
            "entity": other.entity.slug,
            "id": other.pk,
            "title": str(other),
            "restricted": not getattr(other, OPEN_FLAG, True),
        },
    }


class RecordRelationsView(APIView):
    """`/{slug}/{id}/relations/`: a record's relations; add one."""

    #: Set when the OpenAPI generator documents one entity type's paths.
    entity_slug = None

    def slug(self, kwargs) -> str:
        return self.entity_slug or kwargs["slug"]

    @extend_schema(
        tags=["records"],
        responses={200: s.RelationListSerializer, **READ_ERRORS, 409: E},
        summary=gettext_lazy("List a record's relations"),
    )
    def get(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        record = RecordService().get(request.user, slug, pk)
        if not specs.enabled():
            raise RelationsOff(gettext_lazy("Relations are switched off in the settings."))
        return Response({"results": [item(x) for x in self.shown(request, slug, record.pk)]})

    @staticmethod
    def shown(request, slug: str, record_id: int) -> list:
        """The record's relations as the caller may see them (what GET lists)."""
        return RelationService().of(request.user, slug, [record_id])[record_id]

    @extend_schema(
        tags=["records"],
        request=s.RelationInputSerializer,
        responses={201: s.RelationSerializer, 204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Relate a record to another one"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        get_snapshot().entity(slug)
        body = valid(s.RelationInputSerializer, request)
        linked = RelationService().add(
            request.user,
            slug,
            pk,
            body["relation_type"],
            body["other_id"],
            side=body.get("side"),
        )
        # Answered as GET lists it: read again, so the other record is masked alike; a
        # relation whose other end left the caller's sight meanwhile is not shown.
        shown = [x for x in self.shown(request, slug, pk) if x.id == linked.id]
        if not shown:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(item(shown[0]), status=status.HTTP_201_CREATED)


class RecordRelationDetailView(APIView):
    """`/{slug}/{id}/relations/{relation_id}/`: remove one relation."""

    entity_slug = None

    @extend_schema(
        tags=["records"],
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Remove a relation"),
    )
    def delete(self, request, pk, relation_id, **kwargs):
        slug = self.entity_slug or kwargs["slug"]
        RelationService().remove(request.user, slug, pk, relation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def related(request, queryset, entity):
    """`?relation=<type id>[.<side>]&related_to=<id>`: records related to that record."""
    key, other = request.query_params.get("relation"), request.query_params.get("related_to")
    if key is None and other is None:
        return queryset
    if key is None or other is None:
        raise ValidationError(
            {"relation" if key is None else "related_to": [_("Give relation and related_to.")]}
        )
    return queryset.filter(RelationService().related_q(request.user, entity, key, other))


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The relation routes of records under `prefix` (see records.api.views.entity_urlpatterns)."""
    return [
        path(
            f"{prefix}/<int:pk>/relations/",
            RecordRelationsView.as_view(**initkwargs),
        ),
        path(
            f"{prefix}/<int:pk>/relations/<int:relation_id>/",
            RecordRelationDetailView.as_view(**initkwargs),
        ),
    ]


urlpatterns = [
    path("relation-types/", RelationTypeListView.as_view(), name="meta-relation-types"),
    path(
        "relation-types/<int:type_id>/",
        RelationTypeDetailView.as_view(),
        name="meta-relation-type",
    ),
    path(
        "relation-types/<int:type_id>/restore/",
        RelationTypeRestoreView.as_view(),
        name="meta-relation-type-restore",
    ),
    path("relation-settings/", RelationSettingsView.as_view(), name="meta-relation-settings"),
]
