"""The generic parts of request and response bodies: strict JSON fields and the error shape.

    class TeamWriteSerializer(StrictSerializer):      # refuses keys it does not name
        name = StrictCharField()                      # refuses 5 and true: text only

Each domain module's `api/serializers.py` builds its bodies from these. DRF coerces
(5 -> "5", "yes" -> True); a write through the API should refuse a wrong JSON type, and
every error answer has one shape (`ErrorSerializer`), which the OpenAPI document names.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

LABEL_SCHEMA = {
    "oneOf": [
        {"type": "string"},
        {"type": "object", "additionalProperties": {"type": "string"}},
    ],
    "description": _('Text, or text per language code: {"en": "Deal", "pl": "Szansa"}.'),
}


# -- strict JSON fields -----------------------------------------------------------------
# DRF coerces (5 -> "5", "yes" -> True); a metadata write should refuse a wrong JSON type.


class StrictCharField(serializers.CharField):
    """Text, and only text: a number or a flag is refused, not turned into text."""

    default_error_messages = {"not_text": _("Give text.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`, nothing else."""

    default_error_messages = {"not_boolean": _("Give true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("not_boolean")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer; no strings, floats or flags."""

    default_error_messages = {"not_integer": _("Give a whole number.")}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_integer")
        return super().to_internal_value(data)


@extend_schema_field(LABEL_SCHEMA)
class LabelField(serializers.Field):
    """A label as admins type it: text, or an object of language code -> text."""

    default_error_messages = {
        "invalid": _('Give text, or an object of language codes to text like {"en": "Name"}.')
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        if isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            return data
        # Not `self.fail`: it would `.format()` the braces of the example.
        raise serializers.ValidationError(self.error_messages["invalid"], code="invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class StrictSerializer(serializers.Serializer):
    """A request body: a JSON object with only the keys this serializer names."""

    def to_internal_value(self, data: Any) -> dict:
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {
                str(key): [_("This key is not expected here.")]
                for key in data
                if key not in self.fields or self.fields[key].read_only
            }
        try:
            validated = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from None
            raise
        unknown.update(self._missing(validated))
        if unknown:
            raise serializers.ValidationError(unknown)
        return validated

    def _missing(self, validated: dict) -> dict[str, list[str]]:
        """Required keys of a nested object: DRF lets a PATCH leave out any key at any depth,
        but an item of a list (a team member) is always given whole."""
        if self.parent is None or not getattr(self.root, "partial", False):
            return {}
        return {
            name: [str(field.error_messages["required"])]
            for name, field in self.fields.items()
            if field.required and field.source not in validated
        }


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
