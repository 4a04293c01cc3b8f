"""Shapes of the segmentation endpoints, for the OpenAPI document.

    GET .../persons/segmentation/   -> SchemeSerializer

They document only: `SegmentationService` checks the body and answers errors keyed
like it (`parameters.0.ranges.1.min`, `segments.2.min`).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class RangeSerializer(serializers.Serializer):
    """Numbers from `min` (inclusive) up to `max` (exclusive) earn `points`."""

    min = serializers.DecimalField(
        max_digits=16, decimal_places=4, allow_null=True, help_text=_("Empty: no lower end.")
    )
    max = serializers.DecimalField(
        max_digits=16, decimal_places=4, allow_null=True, help_text=_("Empty: no upper end.")
    )
    points = serializers.IntegerField()


class ValuePointsSerializer(serializers.Serializer):
    """A value of the field (a choice, a text, true/false, a user id) earns `points`."""

    value = serializers.JSONField()
    points = serializers.IntegerField()


class ParameterSerializer(serializers.Serializer):
    """One criterion: the points its field's value earns, times `weight`."""

    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    field = serializers.CharField(help_text=_("The api name of a live field of the type."))
    kind = serializers.ChoiceField(
        choices=["numeric", "categorical"],
        required=False,
        help_text=_("Follows from the field's type (its `segmentation_kind`)."),
    )
    weight = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, help_text=_("Importance, 0 to 100.")
    )
    ranges = RangeSerializer(many=True, required=False, help_text=_("Numeric fields."))
    values = ValuePointsSerializer(many=True, required=False, help_text=_("Other fields."))
    field_available = serializers.BooleanField(
        read_only=True, help_text=_("False while the field is in the trash: it scores nothing.")
    )


class SegmentSerializer(serializers.Serializer):
    """Scores from `min` (inclusive) up to `max` (exclusive) fall in this segment."""

    name = serializers.CharField(max_length=64)
    min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class SchemeInputSerializer(serializers.Serializer):
    """`PUT .../segmentation/`: the whole scheme; segments cover every score, no gaps."""

    version = serializers.IntegerField(
        required=False, help_text=_("The version you edited: a newer stored one answers 409.")
    )
    parameters = ParameterSerializer(many=True)
    segments = SegmentSerializer(many=True)


class RecomputeSerializer(serializers.Serializer):
    """Progress of re-scoring every record after a change."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "running", "done", "superseded", "failed"])
    scheme_version = serializers.IntegerField()
    done = serializers.IntegerField(allow_null=True, help_text=_("Null unless administrator."))
    total = serializers.IntegerField(allow_null=True, help_text=_("Null unless administrator."))
    changed = serializers.IntegerField(
        allow_null=True,
        help_text=_("Records whose score or segment changed (null unless administrator)."),
    )
    percent = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField()


class ScoreRangeSerializer(serializers.Serializer):
    """The lowest and highest score a record can get."""

    min = serializers.DecimalField(max_digits=14, decimal_places=2)
    max = serializers.DecimalField(max_digits=14, decimal_places=2)


class SchemeSerializer(SchemeInputSerializer):
    """The stored scheme, the score range it allows and the last recompute."""

    score_range = ScoreRangeSerializer(required=False)
    recompute = RecomputeSerializer(allow_null=True)


class SegmentCountSerializer(serializers.Serializer):
    """How many live records a segment holds (null: not scored yet)."""

    segment = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class DistributionSerializer(serializers.Serializer):
    """Live records per segment."""

    total = serializers.IntegerField()
    segments = SegmentCountSerializer(many=True)
