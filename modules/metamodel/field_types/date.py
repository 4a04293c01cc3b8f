"""Calendar dates."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.base import FieldType
from modules.metamodel.field_types.integer import NUMERIC_LOOKUPS

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"]


class DateType(FieldType):
    type = "date"
    label = _("Date")
    lookups = (*NUMERIC_LOOKUPS, "year")
    convertible_to = frozenset({"datetime", "text", "long_text"})

    def model_field(self, field, target_model=None):
        return models.DateField(null=True, blank=True)

    def form_field(self, field):
        return forms.DateField(required=False, input_formats=DATE_INPUT_FORMATS)

    def clean(self, field, value):
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, str) and "T" in value:
            parsed = parse_datetime(value)
            if parsed is None:
                raise ValidationError(_("Enter a valid date."), code="invalid")
            return self.clean(field, parsed)
        return super().clean(field, value)
