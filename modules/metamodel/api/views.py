"""Metadata endpoints under /api/v1/meta/: entity types, their fields and form layouts.

    GET   /api/v1/meta/entity-types/persons/fields/        -> the live fields
    POST  /api/v1/meta/entity-types/persons/fields/        {"api_name": "potential",
                                                            "label": "Sales potential",
                                                            "type": "integer"}
    PUT   /api/v1/meta/entity-types/persons/layout/        {"sections": [{"label": "Basics",
                                                            "fields": ["first_name"]}]}

Fields are in `fields.py`, the routes of both in `urls.py`. Every signed-in user reads;
administrators write. Views check JSON shapes
(`api/serializers.py`) and render results; every change goes through `SchemaService`,
whose domain errors the API's exception handler renders.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.permissions import IsAdministratorOrReadOnly
from modules.core.trash import alive_q
from modules.metamodel.api import serializers as s
from modules.metamodel.exceptions import FieldNotFound, StaleDefinition
from modules.metamodel.field_types import field_types
from modules.metamodel.models import EntityType, FieldDefinition
from modules.metamodel.runtime import get_snapshot, registry
from modules.metamodel.runtime.specs import EntitySpec
from modules.metamodel.services import SchemaService

TAGS = ["metadata"]
E = s.ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}
TRASHED = OpenApiParameter(
    "trashed",
    bool,
    description=gettext_lazy("true: list what is in the trash instead."),
    default=False,
)


# -- lookups -------------------------------------------------------------------------------------
def entity_rows(*, trashed: bool = False):
    """Entity types, live or trashed, with `field_count` (live fields) annotated."""
    rows = EntityType.objects.trashed() if trashed else EntityType.objects.alive()
    return rows.annotate(field_count=Count("fields", filter=alive_q("fields")))


def get_entity(slug: str, *, trashed: bool = False) -> EntityType:
    """The entity type, or the API's 404 (trashed ones only when asked for)."""
    return entity_rows(trashed=trashed).by_slug(slug)


def field_rows(entity: EntityType, *, trashed: bool = False):
    """The entity type's fields, live or trashed, in form order."""
    rows = entity.fields.trashed() if trashed else entity.fields.alive()
    return rows.select_related("target_entity")


def get_field(entity: EntityType, api_name: str) -> FieldDefinition:
    """The live field, or the API's 404."""
    field = field_rows(entity).filter(api_name=api_name).first()
    if field is None:
        raise FieldNotFound(
            _("%(entity)s has no field '%(name)s'.") % {"entity": entity, "name": api_name}
        )
    return field


def trashed_param(request) -> bool:
    """`?trashed=true`: list what is in the trash instead (anything but a flag is a 400)."""
    value = request.query_params.get("trashed", "false").strip().lower()
    if value not in {"true", "1", "false", "0", ""}:
        raise serializers.ValidationError({"trashed": [_("Give true or false.")]})
    return value in {"true", "1"}


def valid(serializer_class, request) -> serializers.Serializer:
    """The request body checked by `serializer_class` (400 naming each bad key)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body


def layout_payload(spec: EntitySpec) -> dict:
    """The form as `EntitySpec.layout()` shows it; the "Other" section is marked `other`."""
    sections = []
    for index, (display_label, fields) in enumerate(spec.layout()):
        stored = spec.sections[index] if index < len(spec.sections) else None
        sections.append(
            {
                "label": stored.label if stored else display_label,
                "display_label": display_label,
                "fields": [f.api_name for f in fields],
                "other": stored is None,
            }
        )
    return {"sections": sections}


class MetaView(APIView):
    """Base of the metadata views: everyone signed in reads, administrators write."""

    permission_classes = [IsAdministratorOrReadOnly]

    def get_service(self) -> SchemaService:
        return SchemaService()


# -- entity types ------------------------------------------------------------------------------
class EntityTypeListView(MetaView):
    """`/meta/entity-types/`: list and create entity types."""

    @extend_schema(
        tags=TAGS,
        parameters=[TRASHED],
        responses={200: s.EntityTypeSerializer(many=True), **READ_ERRORS},
        summary=gettext_lazy("List entity types"),
        operation_id="meta_entity_types_list",
    )
    def get(self, request):
        rows = entity_rows(trashed=trashed_param(request)).order_by("id")
        return Response(s.EntityTypeSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.EntityTypeCreateSerializer,
        responses={201: s.EntityTypeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Create an entity type"),
        operation_id="meta_entity_types_create",
    )
    def post(self, request):
        body = valid(s.EntityTypeCreateSerializer, request)
        entity = self.get_service().create_entity_type(request.user, **body.service_kwargs())
        data = s.EntityTypeSerializer(get_entity(entity.slug)).data
        return Response(data, status=status.HTTP_201_CREATED)


class EntityTypeDetailView(MetaView):
    """`/meta/entity-types/{slug}/`: read, change, move to the trash."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.EntityTypeSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get an entity type"),
        operation_id="meta_entity_types_retrieve",
    )
    def get(self, request, slug):
        return Response(s.EntityTypeSerializer(get_entity(slug)).data)

    @extend_schema(
        tags=TAGS,
        request=s.EntityTypeUpdateSerializer,
        responses={200: s.EntityTypeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change an entity type"),
        operation_id="meta_entity_types_update",
        description=gettext_lazy(
            "With `version`, a 409 `stale_version` if it changed since; nothing is saved."
        ),
    )
    def patch(self, request, slug):
        body = valid(s.EntityTypeUpdateSerializer, request)
        changes = body.service_kwargs()
        expected = body.validated_data.get("version")
        if changes:
            self.get_service().update_entity_type(
                request.user, slug, expected_version=expected, **changes
            )
        elif expected is not None and (current := get_entity(slug).version) != expected:
            # Nothing to change: check the version without bumping it.
            raise StaleDefinition(
                _("The entity type changed since version %(version)s; reload it.")
                % {"version": expected},
                field="version",
                extra={"current_version": current},
            )
        return Response(s.EntityTypeSerializer(get_entity(slug)).data)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Move an entity type to the trash"),
        operation_id="meta_entity_types_trash",
        description=gettext_lazy(
            "Its table and records stay; built-in types and link targets are refused."
        ),
    )
    def delete(self, request, slug):
        self.get_service().trash_entity_type(request.user, slug)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntityTypeRestoreView(MetaView):
    """`/meta/entity-types/{slug}/restore/`: bring a trashed entity type back."""

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: s.EntityTypeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Restore an entity type from the trash"),
        operation_id="meta_entity_types_restore",
    )
    def post(self, request, slug):
        self.get_service().restore_entity_type(request.user, slug)
        return Response(s.EntityTypeSerializer(get_entity(slug)).data)


# -- layout and field types ------------------------------------------------------------------
class LayoutView(MetaView):
    """`/meta/entity-types/{slug}/layout/`: the form's sections and their fields."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.LayoutSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the form layout"),
        operation_id="meta_layout_retrieve",
    )
    def get(self, request, slug):
        get_entity(slug)
        return Response(layout_payload(get_snapshot().entity(slug)))

    @extend_schema(
        tags=TAGS,
        request=s.LayoutInputSerializer,
        responses={200: s.LayoutSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Replace the form layout"),
        operation_id="meta_layout_replace",
    )
    def put(self, request, slug):
        body = valid(s.LayoutInputSerializer, request)
        self.get_service().set_layout(request.user, slug, body.service_sections())
        # The request's own snapshot predates the change.
        return Response(layout_payload(registry.current().entity(slug)))


class FieldTypeListView(MetaView):
    """`/meta/field-types/`: every field type with its options schema and lookups."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.FieldTypeSerializer(many=True), **READ_ERRORS},
        summary=gettext_lazy("List the field types"),
        operation_id="meta_field_types_list",
    )
    def get(self, request):
        return Response([field_type.describe() for field_type in field_types])
