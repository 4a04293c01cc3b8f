"""Single-line text."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.base import FieldType

TEXT_TARGETS = frozenset(
    {
        "long_text",
        "integer",
        "decimal",
        "percent",
        "money",
        "date",
        "datetime",
        "boolean",
        "choice",
        "multi_choice",
        "email",
        "phone",
        "url",
        "tags",
    }
)


class TextType(FieldType):
    type = "text"
    label = _("Text")
    options_schema = {
        "type": "object",
        "properties": {
            "max_length": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 255}
        },
        "additionalProperties": False,
    }
    lookups = ("exact", "iexact", "in", "icontains", "istartswith", "isnull")
    searchable = True
    segmentation_kind = "categorical"
    convertible_to = TEXT_TARGETS

    def model_field(self, field, target_model=None):
        # Length is enforced by validation, so changing it never needs DDL.
        return models.TextField(null=True, blank=True)

    def clean(self, field, value):
        if isinstance(value, (bool, list, dict, tuple)):
            raise ValidationError(_("Enter text."), code="invalid")
        return super().clean(field, value)

    def form_field(self, field):
        return forms.CharField(required=False, max_length=field.options.get("max_length", 255))
