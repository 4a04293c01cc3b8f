"""Yes / no (and unknown, when left empty)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.metamodel.field_types.base import FieldType

TRUE_WORDS = {"true", "1", "yes", "y", "t", "on", "tak", "x"}
FALSE_WORDS = {"false", "0", "no", "n", "f", "off", "nie"}


class BooleanType(FieldType):
    type = "boolean"
    label = _("Yes / no")
    can_be_unique = False
    lookups = ("exact", "isnull")
    segmentation_kind = "categorical"
    convertible_to = frozenset({"text", "long_text"})

    filter_class = django_filters.BooleanFilter

    def serializer_field(self, field):
        return serializers.BooleanField(**self.serializer_kwargs(field))

    def model_field(self, field, target_model=None):
        return models.BooleanField(null=True, blank=True)

    def form_field(self, field):
        return forms.NullBooleanField(required=False)

    def admin_filter(self, field):
        return django_filters.BooleanFilter(field_name=field.api_name, label=field.display_label)

    def is_empty(self, value):
        return value is None or value == ""

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Enter yes or no."), code="invalid")

    def to_text(self, field, value, *, viewer):
        return "" if value is None else ("true" if value else "false")
