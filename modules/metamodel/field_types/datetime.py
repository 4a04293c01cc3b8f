"""Points in time, stored in UTC and shown in the user's time zone."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from rest_framework import serializers
from wagtail.admin.widgets import AdminDateTimeInput

from modules.core import formats
from modules.core.values import storable_moment
from modules.metamodel.field_types.base import FieldType
from modules.metamodel.field_types.date import DATE_INPUT_FORMATS
from modules.metamodel.field_types.integer import NUMERIC_LOOKUPS


class DateTimeType(FieldType):
    type = "datetime"
    label = _("Date and time")
    lookups = (*NUMERIC_LOOKUPS, "date")
    convertible_to = frozenset({"date", "text", "long_text"})

    filter_class = django_filters.IsoDateTimeFilter

    def serializer_field(self, field):
        return serializers.DateTimeField(**self.serializer_kwargs(field))

    def model_field(self, field, target_model=None):
        return models.DateTimeField(null=True, blank=True)

    def form_field(self, field):
        formats = [
            "%Y-%m-%dT%H:%M:%S.%f%z",
            "%Y-%m-%dT%H:%M:%S%z",
            "%Y-%m-%dT%H:%M%z",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%d.%m.%Y %H:%M",
            *DATE_INPUT_FORMATS,
        ]
        return forms.DateTimeField(required=False, input_formats=formats)

    def admin_form_field(self, field):
        form_field = super().admin_form_field(field)
        form_field.widget = AdminDateTimeInput()
        return form_field

    def bind_viewer(self, form_field, field, viewer):
        regional = formats.current()
        own = f"{regional.date_style.strftime} {regional.time_style.strftime}"
        form_field.widget = AdminDateTimeInput(format=own)
        form_field.input_formats = [own, *form_field.input_formats]

    def admin_filter(self, field):
        return django_filters.DateFromToRangeFilter(
            field_name=field.api_name, lookup_expr="date", label=field.display_label
        )

    def export_value(self, field, value, *, viewer):
        return value

    def export_widget(self, field):
        return widgets.DateTimeWidget(format="%Y-%m-%d %H:%M")

    def display_text(self, field, value, *, viewer):
        if isinstance(value, str):  # as history keeps it
            value = dt.datetime.fromisoformat(value)
        return formats.moment(value)

    def spreadsheet_cell(self, field, value, *, viewer):
        if value is None:
            return None, "General"
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None), formats.excel_moment_format()

    def clean(self, field, value):
        if isinstance(value, dt.datetime):
            cleaned = value
        elif isinstance(value, dt.date):
            cleaned = dt.datetime.combine(value, dt.time())
        elif not self.is_empty(value) and not isinstance(value, str):
            raise ValidationError(_("Enter a valid date/time."), code="invalid")
        else:
            cleaned = super().clean(field, value)
            if cleaned is None:
                return None
        if timezone.is_naive(cleaned):
            try:
                cleaned = timezone.make_aware(cleaned)
            except ValueError:
                raise ValidationError(
                    _("That time does not exist in your time zone."), code="invalid"
                ) from None
        try:
            return storable_moment(cleaned)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
