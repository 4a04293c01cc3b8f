"""E-mail addresses."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.base import FieldType


class EmailType(FieldType):
    type = "email"
    label = _("E-mail")
    lookups = ("exact", "iexact", "in", "icontains", "isnull")
    searchable = True
    convertible_to = frozenset({"text", "long_text"})
    indexed = True

    def model_field(self, field, target_model=None):
        return models.CharField(max_length=254, null=True, blank=True)

    def form_field(self, field):
        return forms.EmailField(required=False)

    def clean(self, field, value):
        cleaned = super().clean(field, value)
        if cleaned is None:
            return None
        local, _sep, domain = cleaned.rpartition("@")
        return f"{local}@{domain.lower()}"
