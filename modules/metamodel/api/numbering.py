"""`GET|PUT /api/v1/meta/entity-types/{slug}/numbering/`: an entity type's auto-numbering.

    PUT /api/v1/meta/entity-types/deals/numbering/
        {"enabled": true, "pattern": "%N/%Y", "start": 1000, "reset_yearly": false}
    -> {"enabled": true, "field": "number", "pattern": "%N/%Y", "start": 1000,
        "reset_yearly": false, "preview": "1000/2026"}

Every signed-in user reads; administrators write (`modules/metamodel/numbering.py`).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from modules.api.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from modules.metamodel import numbering
from modules.metamodel.api.views import READ_ERRORS, TAGS, WRITE_ERRORS, MetaView, get_entity, valid


class NumberingInputSerializer(StrictSerializer):
    """The numbering to store; a setting left out keeps what the number field has."""

    enabled = StrictBooleanField()
    pattern = StrictCharField(
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Tokens: %N the number (required), %Y year, %M month, %D day, %I the creator's "
            "initials."
        ),
    )
    start = StrictIntegerField(required=False, min_value=0, max_value=numbering.MAX_START)
    reset_yearly = StrictBooleanField(required=False)


class NumberingSerializer(serializers.Serializer):
    """An entity type's numbering and the first number it gives today."""

    enabled = serializers.BooleanField()
    field = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The api name of the number field.")
    )
    pattern = serializers.CharField()
    start = serializers.IntegerField()
    reset_yearly = serializers.BooleanField()
    preview = serializers.CharField(
        help_text=gettext_lazy("The first number the pattern gives today.")
    )


class NumberingView(MetaView):
    """The numbering of one entity type."""

    @extend_schema(
        tags=TAGS,
        responses={200: NumberingSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the numbering"),
        operation_id="meta_numbering_retrieve",
    )
    def get(self, request, slug):
        entity = get_entity(slug)
        return Response(numbering.numbering_of(entity).as_dict(timezone.localdate()))

    @extend_schema(
        tags=TAGS,
        request=NumberingInputSerializer,
        responses={200: NumberingSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Replace the numbering"),
        operation_id="meta_numbering_replace",
    )
    def put(self, request, slug):
        body = valid(NumberingInputSerializer, request).validated_data
        get_entity(slug)
        result = numbering.set_numbering(
            request.user,
            slug,
            enabled=body["enabled"],
            pattern=body.get("pattern"),
            start=body.get("start"),
            reset_yearly=body.get("reset_yearly"),
        )
        return Response(result.as_dict(timezone.localdate()))
