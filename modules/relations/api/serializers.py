"""Bodies of the relation endpoints: relation types (`/meta/relation-types/`) and the
relations of a record (`/{slug}/{id}/relations/`).

Request serializers check JSON shapes; `RelationTypeService` and `RelationService`
check the rules (entity types, labels, limits, access) and name each problem.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.api.serializers import (
    LabelField,
    StrictBooleanField,
    StrictIntegerField,
    StrictSerializer,
)

ID_LIMITS = {"min_value": 1, "max_value": 2**63 - 1}
SIDES = ["source", "target", "both"]


class RelationTypeInputSerializer(StrictSerializer):
    """A relation type to create (or, in a PATCH, the keys to change)."""

    key = serializers.SlugField(
        max_length=64, required=False, allow_null=True, help_text=_("A stable name, optional.")
    )
    source = serializers.CharField(help_text=_("Entity type slug of the source side."))
    target = serializers.CharField(help_text=_("Entity type slug of the target side."))
    source_label = LabelField(help_text=_('What a source record is, e.g. "Headquarters".'))
    target_label = LabelField(
        required=False, help_text=_('What a target record is, e.g. "Branch"; not for symmetric.')
    )
    symmetric = StrictBooleanField(
        required=False, help_text=_("One label for both ends, e.g. Competitors.")
    )
    max_targets = StrictIntegerField(
        required=False, allow_null=True, min_value=1, help_text=_("Targets per source at most.")
    )
    max_sources = StrictIntegerField(
        required=False, allow_null=True, min_value=1, help_text=_("Sources per target at most.")
    )
    source_form_section = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Show as a field in this section (from 1) of the source's form."),
    )
    target_form_section = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Show as a field in this section (from 1) of the target's form."),
    )


class RelationTypeSerializer(serializers.Serializer):
    """A relation type as the API shows it."""

    id = serializers.IntegerField()
    key = serializers.CharField(allow_null=True)
    source = serializers.CharField()
    target = serializers.CharField()
    source_label = serializers.JSONField()
    target_label = serializers.JSONField()
    symmetric = serializers.BooleanField()
    max_targets = serializers.IntegerField(allow_null=True)
    max_sources = serializers.IntegerField(allow_null=True)
    source_form_section = serializers.IntegerField(allow_null=True)
    target_form_section = serializers.IntegerField(allow_null=True)
    is_system = serializers.BooleanField()
    deleted = serializers.BooleanField()
    relations = serializers.IntegerField(
        allow_null=True,
        help_text=_("How many relations of this type exist (null unless administrator)."),
    )


class RelationSettingsSerializer(StrictSerializer):
    """Are relations switched on for the installation?"""

    enabled = StrictBooleanField()


class OtherRecordSerializer(serializers.Serializer):
    """The record at the other end of a relation."""

    entity = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    restricted = serializers.BooleanField(
        help_text=_("true: non-public to you; the title uses its basic fields only.")
    )


class RelationSerializer(serializers.Serializer):
    """One relation of a record, seen from that record."""

    id = serializers.IntegerField()
    relation_type = serializers.IntegerField()
    side = serializers.ChoiceField(
        choices=SIDES, help_text=_("The end this record is: source, target or both (symmetric).")
    )
    label = serializers.CharField(help_text=_('What the other record is to this one: "Branch".'))
    other = OtherRecordSerializer()


class RelationInputSerializer(StrictSerializer):
    """A relation to add to a record."""

    relation_type = StrictIntegerField(**ID_LIMITS)
    other_id = StrictIntegerField(**ID_LIMITS)
    side = serializers.ChoiceField(
        choices=["source", "target"],
        required=False,
        help_text=_("Which end this record is, when the type links records of one type."),
    )


class RelationListSerializer(serializers.Serializer):
    """The relations of a record."""

    results = RelationSerializer(many=True)
