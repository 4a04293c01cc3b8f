"""Decimal numbers with a chosen number of decimal places."""

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from rest_framework import serializers

from modules.core import formats
from modules.metamodel.field_types.base import FieldType, check_min_max, number_options
from modules.metamodel.field_types.integer import NUMERIC_LOOKUPS, parse_number_text


class DecimalType(FieldType):
    type = "decimal"
    label = _("Decimal number")
    max_places = 6
    whole_digits = 18
    options_schema = number_options(
        {"decimal_places": {"type": "integer", "minimum": 0, "maximum": 6, "default": 2}}
    )
    lookups = NUMERIC_LOOKUPS
    segmentation_kind = "numeric"
    convertible_to = frozenset({"integer", "percent", "money", "text", "long_text"})

    def check_options(self, options):
        check_min_max(options)

    filter_class = django_filters.NumberFilter

    def serializer_field(self, field):
        places = field.options.get("decimal_places", 2)
        return serializers.DecimalField(
            max_digits=self.whole_digits + places,
            decimal_places=places,
            coerce_to_string=True,
            **self.serializer_kwargs(field),
        )

    def model_field(self, field, target_model=None):
        # Fixed precision in the column; the field's own places are enforced on input,
        # so changing them never needs DDL.
        return models.DecimalField(
            max_digits=self.whole_digits + self.max_places,
            decimal_places=self.max_places,
            null=True,
            blank=True,
        )

    def form_field(self, field):
        low, high = field.options.get("min"), field.options.get("max")
        return forms.DecimalField(
            required=False,
            max_digits=self.whole_digits + field.options.get("decimal_places", 2),
            decimal_places=field.options.get("decimal_places", 2),
            min_value=Decimal(str(low)) if low is not None else None,
            max_value=Decimal(str(high)) if high is not None else None,
        )

    def admin_filter(self, field):
        return django_filters.RangeFilter(field_name=field.api_name, label=field.display_label)

    def export_value(self, field, value, *, viewer):
        return value

    def export_widget(self, field):
        return widgets.DecimalWidget()

    def display_text(self, field, value, *, viewer):
        if value is None:
            return ""
        return formats.number(Decimal(value), field.options.get("decimal_places", 2))

    def spreadsheet_cell(self, field, value, *, viewer):
        if value is None:
            return None, "General"
        places = field.options.get("decimal_places", 2)
        return Decimal(value), formats.excel_number_format(places)

    def clean(self, field, value):
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."), code="invalid")
        if isinstance(value, float):
            value = repr(value)
        return super().clean(field, value)

    def to_json(self, field, value):
        if value is None:
            return None
        places = field.options.get("decimal_places", 2)
        return str(Decimal(value).quantize(Decimal(1).scaleb(-places)))

    def form_initial(self, field, value, *, viewer):
        return None if value is None else Decimal(self.to_json(field, value))

    def to_text(self, field, value, *, viewer):
        return self.to_json(field, value) or ""

    def parse_text(self, field, text):
        if isinstance(text, str) and text.strip():
            return self.clean(field, parse_number_text(text))
        return super().parse_text(field, text)
