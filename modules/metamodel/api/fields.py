"""Field endpoints under /api/v1/meta/entity-types/{slug}/fields/: list, add, change, trash.

    POST  /api/v1/meta/entity-types/persons/fields/            {"api_name": "potential",
                                                                "label": "Sales potential",
                                                                "type": "integer"}
    POST  /api/v1/meta/entity-types/persons/fields/potential/type-preview/  {"type": "text"}

The lookups, the base view and the error shapes are those of the entity type views
(`views.py`); every change goes through `SchemaService`.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from modules.metamodel.api import serializers as s
from modules.metamodel.api.views import (
    READ_ERRORS,
    TAGS,
    TRASHED,
    WRITE_ERRORS,
    MetaView,
    field_rows,
    get_entity,
    get_field,
    trashed_param,
    valid,
)


class FieldListView(MetaView):
    """`/meta/entity-types/{slug}/fields/`: list and add fields."""

    @extend_schema(
        tags=TAGS,
        parameters=[TRASHED],
        responses={200: s.FieldSerializer(many=True), **READ_ERRORS},
        summary=gettext_lazy("List the fields of an entity type"),
        operation_id="meta_fields_list",
    )
    def get(self, request, slug):
        trashed = trashed_param(request)
        rows = field_rows(get_entity(slug), trashed=trashed)
        if trashed:
            rows = rows.order_by("-deleted_at", "id")
        return Response(s.FieldSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.FieldCreateSerializer,
        responses={201: s.FieldSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Add a field"),
        operation_id="meta_fields_create",
    )
    def post(self, request, slug):
        body = valid(s.FieldCreateSerializer, request)
        field = self.get_service().add_field(request.user, slug, **body.validated_data)
        return Response(s.FieldSerializer(field).data, status=status.HTTP_201_CREATED)


class FieldDetailView(MetaView):
    """`/meta/entity-types/{slug}/fields/{api_name}/`: read, change, move to the trash."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.FieldSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a field"),
        operation_id="meta_fields_retrieve",
    )
    def get(self, request, slug, api_name):
        return Response(s.FieldSerializer(get_field(get_entity(slug), api_name)).data)

    @extend_schema(
        tags=TAGS,
        request=s.FieldUpdateSerializer,
        responses={**WRITE_ERRORS, 200: s.FieldSerializer, 409: s.ConversionErrorSerializer},
        summary=gettext_lazy("Change a field"),
        operation_id="meta_fields_update",
        description=gettext_lazy(
            "A new `type` converts the stored values into a new column (the old field goes "
            "to the trash); values that would not convert need `confirm_loss`, else a 409 "
            "`conversion_would_lose_data` with the preview."
        ),
    )
    def patch(self, request, slug, api_name):
        entity = get_entity(slug)
        field = get_field(entity, api_name)
        changes = dict(valid(s.FieldUpdateSerializer, request).validated_data)
        confirm_loss = changes.pop("confirm_loss")
        new_type = changes.pop("type", field.type)
        service = self.get_service()
        if new_type != field.type:
            others = sorted(set(changes) - {"options"})
            if others:
                message = _("Change the type on its own; send this in another request.")
                raise serializers.ValidationError({key: [message] for key in others})
            field = service.change_field_type(
                request.user,
                slug,
                api_name,
                new_type,
                changes.get("options"),
                confirm_loss=confirm_loss,
            )
        elif changes:
            field = service.update_field(
                request.user, slug, api_name, confirm_loss=confirm_loss, **changes
            )
        return Response(s.FieldSerializer(get_field(entity, field.api_name)).data)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Move a field to the trash"),
        operation_id="meta_fields_trash",
        description=gettext_lazy(
            "A field other settings depend on (a segmentation parameter scores it) answers "
            "409 `field_in_use` naming them; repeat with `?confirm=true` to trash it anyway."
        ),
        parameters=[
            OpenApiParameter(
                "confirm",
                bool,
                description=gettext_lazy("Trash the field even though settings use it."),
            )
        ],
    )
    def delete(self, request, slug, api_name):
        confirmed = request.query_params.get("confirm", "").lower() in ("true", "1", "yes")
        self.get_service().trash_field(request.user, slug, api_name, confirm_in_use=confirmed)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(exclude=True),
    patch=extend_schema(exclude=True),
    delete=extend_schema(exclude=True),
)
class FieldOrderView(FieldDetailView):
    """`.../fields/order/`: POST reorders; other methods reach a field called `order`."""

    @extend_schema(
        tags=TAGS,
        request=s.FieldOrderSerializer,
        responses={200: s.FieldSerializer(many=True), **WRITE_ERRORS},
        summary=gettext_lazy("Reorder the fields"),
        operation_id="meta_fields_reorder",
    )
    def post(self, request, slug, api_name="order"):
        body = valid(s.FieldOrderSerializer, request)
        self.get_service().reorder_fields(request.user, slug, body.validated_data["fields"])
        return Response(s.FieldSerializer(field_rows(get_entity(slug)), many=True).data)


class FieldRestoreView(MetaView):
    """`.../fields/{api_name}/restore/`: bring the last trashed field of that name back."""

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: s.FieldSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Restore a field from the trash"),
        operation_id="meta_fields_restore",
    )
    def post(self, request, slug, api_name):
        field = self.get_service().restore_field(request.user, slug, api_name)
        return Response(s.FieldSerializer(get_field(get_entity(slug), field.api_name)).data)


class TypePreviewView(MetaView):
    """`.../fields/{api_name}/type-preview/`: what a type change would do; changes nothing."""

    @extend_schema(
        tags=TAGS,
        request=s.TypePreviewSerializer,
        responses={200: s.ConversionPreviewSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Preview a type change"),
        operation_id="meta_fields_type_preview",
    )
    def post(self, request, slug, api_name):
        body = valid(s.TypePreviewSerializer, request).validated_data
        preview = self.get_service().preview_type_change(
            request.user, slug, api_name, body["type"], body.get("options")
        )
        return Response(preview.as_dict())
