"""Percentages, stored as the number shown (12.5 means 12.5 %)."""

from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.base import number_options
from modules.metamodel.field_types.decimal import DecimalType


class PercentType(DecimalType):
    type = "percent"
    label = _("Percent")
    max_places = 4
    whole_digits = 8
    options_schema = number_options(
        {"decimal_places": {"type": "integer", "minimum": 0, "maximum": 4, "default": 2}}
    )
    convertible_to = frozenset({"decimal", "integer", "text", "long_text"})

    def clean(self, field, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        return super().clean(field, value)

    def parse_text(self, field, text):
        if isinstance(text, str):
            text = text.strip().removesuffix("%").strip()
        return super().parse_text(field, text)
