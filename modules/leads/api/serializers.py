"""Bodies of the leads endpoints: distribution rules, their preview, the status steps.

Request serializers check JSON shapes; `DistributionService` and `LeadService` check the
rules (conditions on lead fields, shares adding up to 100, access) and name each problem.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from modules.api.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)

CONDITION_VALUE = {
    "oneOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
        {"type": "null"},
    ],
    "description": _("Text or a number; a list for `in`; null for `empty` and `not_empty`."),
}


@extend_schema_field(CONDITION_VALUE)
class ConditionValueField(serializers.Field):
    """A condition's value, checked by the service against its operator."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ConditionSerializer(StrictSerializer):
    """One condition on a new lead's values."""

    field = StrictCharField(help_text=_("API name of a lead field, or score, segment."))
    op = serializers.ChoiceField(
        choices=["eq", "ne", "in", "contains", "gt", "gte", "lt", "lte", "empty", "not_empty"]
    )
    value = ConditionValueField(required=False, allow_null=True)


class AssigneeInputSerializer(StrictSerializer):
    """A user or a team (one of the two) and its whole percent."""

    user = StrictIntegerField(required=False, allow_null=True, min_value=1)
    team = StrictIntegerField(required=False, allow_null=True, min_value=1)
    percent = StrictIntegerField(min_value=1, max_value=100)


class RuleInputSerializer(StrictSerializer):
    """A rule to create (or, in a PATCH, the keys to change)."""

    name = StrictCharField(max_length=200)
    active = StrictBooleanField(required=False)
    position = StrictIntegerField(required=False, min_value=0, max_value=10**6)
    conditions = ConditionSerializer(many=True, required=False)
    assignees = AssigneeInputSerializer(many=True)
    version = StrictIntegerField(
        required=False, min_value=1, help_text=_("PATCH: the version read.")
    )


class RulePatchSerializer(RuleInputSerializer):
    """The keys of a rule to change; the others stay."""

    name = StrictCharField(max_length=200, required=False)
    assignees = AssigneeInputSerializer(many=True, required=False)


class AssigneeSerializer(serializers.Serializer):
    """A rule's user or team, its percent and what it got so far."""

    user = serializers.IntegerField(allow_null=True)
    team = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    percent = serializers.IntegerField()
    assigned = serializers.IntegerField(help_text=_("Leads given since the shares last changed."))


class RuleSerializer(serializers.Serializer):
    """A distribution rule as the API shows it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField()
    active = serializers.BooleanField()
    conditions = ConditionSerializer(many=True)
    assignees = AssigneeSerializer(many=True)
    total = serializers.IntegerField(help_text=_("Leads given since the shares last changed."))
    version = serializers.IntegerField()


class RuleListSerializer(serializers.Serializer):
    """The rules in the order they are tried."""

    results = RuleSerializer(many=True)


class PreviewStepSerializer(serializers.Serializer):
    """Who would get one of the next leads."""

    user = serializers.IntegerField()
    name = serializers.CharField()


class PreviewTotalSerializer(PreviewStepSerializer):
    """How many of the next leads a user would get."""

    leads = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    """The rule's next leads, simulated from its counters."""

    rule = serializers.IntegerField()
    size = serializers.IntegerField()
    sequence = PreviewStepSerializer(many=True)
    per_user = PreviewTotalSerializer(many=True)


class DisqualifySerializer(StrictSerializer):
    """The reason a lead is disqualified."""

    reason = StrictCharField(help_text=_("A value of the lead's disqualification reasons."))
    version = StrictIntegerField(required=False, min_value=1)


class ArchiveSerializer(StrictSerializer):
    """Archive a lead, optionally at the version read."""

    version = StrictIntegerField(required=False, min_value=1)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "object", "properties": {"create": {"type": "boolean", "enum": [True]}}},
            {"type": "object", "properties": {"link": {"type": "integer", "minimum": 1}}},
            {"type": "null"},
        ],
        "description": _('{"create": true}, {"link": <id of an existing record>} or null.'),
    }
)
class TargetChoiceField(serializers.Field):
    """Create a record, link an existing one, or neither; checked by the service."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class DealChoiceSerializer(StrictSerializer):
    """Values of the deal that replace the mapped ones."""

    values = serializers.DictField(required=False)


class QualifySerializer(StrictSerializer):
    """What qualifying a lead makes or links."""

    person = TargetChoiceField(required=False, allow_null=True)
    company = TargetChoiceField(required=False, allow_null=True)
    deal = DealChoiceSerializer(required=False)
    version = StrictIntegerField(required=False, min_value=1)


class QualifyMatchSerializer(serializers.Serializer):
    """An existing record the lead matches."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class QualifyTargetSerializer(serializers.Serializer):
    """The values a record made from the lead would get, and records it matches."""

    values = serializers.DictField()
    matches = QualifyMatchSerializer(many=True)


class QualifyProposalSerializer(serializers.Serializer):
    """What qualifying would make."""

    companies = QualifyTargetSerializer()
    persons = QualifyTargetSerializer()
    deals = QualifyTargetSerializer()


class QualifiedSerializer(serializers.Serializer):
    """The ids of what the lead became."""

    deal = serializers.IntegerField()
    person = serializers.IntegerField(allow_null=True)
    company = serializers.IntegerField(allow_null=True)
