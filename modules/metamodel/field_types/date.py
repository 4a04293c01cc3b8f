"""Calendar dates."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from rest_framework import serializers
from wagtail.admin.widgets import AdminDateInput

from modules.core import formats
from modules.metamodel.field_types.base import FieldType
from modules.metamodel.field_types.integer import NUMERIC_LOOKUPS

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"]


class DateType(FieldType):
    type = "date"
    label = _("Date")
    lookups = (*NUMERIC_LOOKUPS, "year")
    convertible_to = frozenset({"datetime", "text", "long_text"})

    filter_class = django_filters.DateFilter

    def serializer_field(self, field):
        return serializers.DateField(**self.serializer_kwargs(field))

    def model_field(self, field, target_model=None):
        return models.DateField(null=True, blank=True)

    def form_field(self, field):
        return forms.DateField(required=False, input_formats=DATE_INPUT_FORMATS)

    def admin_form_field(self, field):
        form_field = super().admin_form_field(field)
        form_field.widget = AdminDateInput()
        return form_field

    def bind_viewer(self, form_field, field, viewer):
        # The form built once per snapshot; each form writes and reads the user's format.
        form_field.widget = AdminDateInput(format=formats.current().date_style.strftime)
        form_field.input_formats = formats.input_formats()

    def admin_filter(self, field):
        return django_filters.DateFromToRangeFilter(
            field_name=field.api_name, label=field.display_label
        )

    def export_value(self, field, value, *, viewer):
        return value

    def export_widget(self, field):
        return widgets.DateWidget(format="%Y-%m-%d")

    def display_text(self, field, value, *, viewer):
        if isinstance(value, str):  # as history keeps it
            value = dt.date.fromisoformat(value)
        return formats.date(value)

    def spreadsheet_cell(self, field, value, *, viewer):
        return value, formats.excel_date_format()

    def clean(self, field, value):
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if not self.is_empty(value) and not isinstance(value, (str, dt.date)):
            raise ValidationError(_("Enter a valid date."), code="invalid")
        if isinstance(value, str) and "T" in value:
            try:
                parsed = parse_datetime(value)
            except ValueError:  # well formed, but no such day or hour
                parsed = None
            if parsed is None:
                raise ValidationError(_("Enter a valid date."), code="invalid")
            return self.clean(field, parsed)
        return super().clean(field, value)
