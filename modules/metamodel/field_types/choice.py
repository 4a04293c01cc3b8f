"""One value from a list the admin defines: `{"choices": [{"value", "label"}]}`.

Records store the choice's `value` (a stable key); labels may be renamed freely.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.core.i18n import localized
from modules.metamodel.exceptions import InvalidFieldOptions
from modules.metamodel.field_types.base import FieldType
from modules.metamodel.labels import LABEL_SCHEMA

CHOICES_SCHEMA = {
    "type": "object",
    "properties": {
        "choices": {
            "type": "array",
            "minItems": 1,
            "maxItems": 500,
            "items": {
                "type": "object",
                "properties": {
                    "value": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"},
                    "label": LABEL_SCHEMA,
                    "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                },
                "required": ["value", "label"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["choices"],
    "additionalProperties": False,
}


def normalise(text: str) -> str:
    """Text compared case- and space-insensitively."""
    return " ".join(str(text).split()).casefold()


class ChoiceType(FieldType):
    type = "choice"
    label = _("Choice")
    options_schema = CHOICES_SCHEMA
    lookups = ("exact", "in", "isnull")
    segmentation_kind = "categorical"
    has_choices = True
    convertible_to = frozenset({"multi_choice", "text", "long_text"})
    indexed = True
    notable = True

    def check_options(self, options):
        values = [c["value"] for c in options["choices"]]
        for index, value in enumerate(values):
            # The schema's pattern lets a final newline through (Python's `$`).
            if value.endswith("\n"):
                raise InvalidFieldOptions(
                    _("A choice value uses only lowercase letters, digits, '_' and '-'."),
                    field=f"options.choices.{index}.value",
                )
        if len(values) != len(set(values)):
            raise InvalidFieldOptions(
                _("Each choice needs its own value."), field="options.choices"
            )

    filter_class = django_filters.ChoiceFilter

    def filter_kwargs(self, field):
        return {"choices": [(v, v) for v in self.values(field)]}

    def serializer_field(self, field):
        return serializers.ChoiceField(choices=self.values(field), **self.serializer_kwargs(field))

    def form_field(self, field):
        choices = [("", "---------")] + [
            (c["value"], localized(c["label"])) for c in field.options.get("choices", [])
        ]
        return forms.ChoiceField(choices=choices, required=False)

    def admin_filter(self, field):
        return django_filters.MultipleChoiceFilter(
            field_name=field.api_name,
            label=field.display_label,
            choices=[(c["value"], localized(c["label"])) for c in field.options.get("choices", [])],
        )

    def removed_values(self, field, new_options) -> set[str]:
        kept = {c["value"] for c in new_options.get("choices", [])}
        return {v for v in self.values(field) if v not in kept}

    def values_lost_by(self, field, new_options, model):
        removed = self.removed_values(field, new_options)
        if not removed:
            return 0
        return model.objects.filter(**{f"{field.api_name}__in": removed}).count()

    def values(self, field) -> list[str]:
        return [c["value"] for c in field.options.get("choices", [])]

    def label_of(self, field, value) -> str:
        for choice in field.options.get("choices", []):
            if choice["value"] == value:
                return localized(choice["label"])
        return str(value)

    def match(self, field, text) -> str:
        """The choice a text names, by value or by a label in any language."""
        wanted = normalise(text)
        for choice in field.options.get("choices", []):
            labels = (
                choice["label"].values() if isinstance(choice["label"], dict) else [choice["label"]]
            )
            if wanted == normalise(choice["value"]) or wanted in {normalise(x) for x in labels}:
                return choice["value"]
        raise ValidationError(
            _("%(value)s is not one of the choices."), params={"value": text}, code="invalid_choice"
        )

    def model_field(self, field, target_model=None):
        return models.CharField(max_length=64, null=True, blank=True)

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if not isinstance(value, str) or value not in self.values(field):
            raise ValidationError(
                _("%(value)s is not one of the choices."),
                params={"value": value},
                code="invalid_choice",
            )
        return value

    def to_text(self, field, value, *, viewer):
        return "" if value is None else self.label_of(field, value)

    def parse_text(self, field, text):
        if self.is_empty(text) or (isinstance(text, str) and not text.strip()):
            return None
        return self.match(field, text)
