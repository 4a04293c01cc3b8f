"""Whole numbers (64-bit)."""

import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from rest_framework import serializers

from modules.core import formats
from modules.metamodel.field_types.base import FieldType, check_min_max, number_options

BIGINT = 2**63 - 1
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY_SUFFIX = re.compile(r"\s*(?:[A-Za-z]{3}|zł|€|\$|£)\s*$")
NUMERIC_LOOKUPS = ("exact", "in", "gt", "gte", "lt", "lte", "range", "isnull")


def parse_number_text(text: str) -> Decimal:
    """A number from text as people write it: `1 234,50`, `1234.5`, `12.50 PLN`."""
    cleaned = _SPACES.sub("", _CURRENCY_SUFFIX.sub("", str(text)))
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    elif "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    return number


class IntegerType(FieldType):
    type = "integer"
    label = _("Integer")
    options_schema = number_options()
    lookups = NUMERIC_LOOKUPS
    segmentation_kind = "numeric"
    convertible_to = frozenset({"decimal", "percent", "money", "text", "long_text"})

    def check_options(self, options):
        check_min_max(options)

    filter_class = django_filters.NumberFilter

    def serializer_field(self, field):
        return serializers.IntegerField(**self.serializer_kwargs(field))

    def model_field(self, field, target_model=None):
        return models.BigIntegerField(null=True, blank=True)

    def form_field(self, field):
        low, high = field.options.get("min"), field.options.get("max")
        return forms.IntegerField(
            required=False,
            min_value=max(-BIGINT, low) if low is not None else -BIGINT,
            max_value=min(BIGINT, high) if high is not None else BIGINT,
        )

    def admin_filter(self, field):
        return django_filters.RangeFilter(field_name=field.api_name, label=field.display_label)

    def export_value(self, field, value, *, viewer):
        return value

    def export_widget(self, field):
        return widgets.IntegerWidget()

    def display_text(self, field, value, *, viewer):
        return formats.number(value, 0)

    def spreadsheet_cell(self, field, value, *, viewer):
        return value, formats.excel_number_format(0)

    def clean(self, field, value):
        if isinstance(value, bool):
            raise ValidationError(_("Enter a whole number."), code="invalid")
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError(_("Enter a whole number."), code="invalid")
        return super().clean(field, value)

    def parse_text(self, field, text):
        if isinstance(text, str) and text.strip():
            number = parse_number_text(text)
            if number != number.to_integral_value():
                raise ValidationError(_("Enter a whole number."), code="invalid")
            # int() of a huge exponent ("1e9999999") takes hours; out of range is out of
            # range, so clamp first and let `clean` refuse it with its usual message.
            number = max(min(number, BIGINT + 1), -BIGINT - 1)
            return self.clean(field, int(number))
        return super().parse_text(field, text)
