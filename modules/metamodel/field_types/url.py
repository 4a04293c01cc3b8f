"""Web addresses; a missing scheme means https."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.base import FieldType


class URLType(FieldType):
    type = "url"
    label = _("URL")
    lookups = ("exact", "icontains", "isnull")
    convertible_to = frozenset({"text", "long_text"})

    def model_field(self, field, target_model=None):
        return models.TextField(null=True, blank=True)

    def form_field(self, field):
        return forms.URLField(required=False, max_length=2000, assume_scheme="https")
