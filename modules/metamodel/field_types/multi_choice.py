"""Several values from a list the admin defines; stored as a JSON list of choice values."""

import json

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.core.i18n import localized
from modules.metamodel.field_types.choice import ChoiceType


class JsonContainsFilter(django_filters.CharFilter):
    """`?tags__contains=vip`: records whose JSON list holds the value."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if connection.features.supports_json_field_contains:
            return qs.filter(**{f"{self.field_name}__contains": [value]})
        return qs.filter(**{f"{self.field_name}__icontains": json.dumps(value)})


class MultiChoiceType(ChoiceType):
    type = "multi_choice"
    label = _("Multiple choice")
    can_be_unique = False
    lookups = ("contains", "isnull")
    sortable = False
    # A list of values has no single value to score.
    segmentation_kind = "none"
    convertible_to = frozenset({"tags", "text", "long_text"})
    indexed = False
    notable = False

    def filter_for(self, field, lookup):
        if lookup == "contains":
            return JsonContainsFilter(field_name=field.api_name)
        return super().filter_for(field, lookup)

    def serializer_field(self, field):
        return serializers.ListField(
            child=serializers.ChoiceField(choices=self.values(field)),
            **self.serializer_kwargs(field),
        )

    def form_field(self, field):
        choices = [(c["value"], localized(c["label"])) for c in field.options.get("choices", [])]
        return forms.MultipleChoiceField(
            choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )

    def admin_filter(self, field):
        return None

    def values_lost_by(self, field, new_options, model):
        removed = self.removed_values(field, new_options)
        if not removed:
            return 0
        stored = model.objects.exclude(**{f"{field.api_name}__isnull": True}).values_list(
            field.api_name, flat=True
        )
        return sum(1 for values in stored.iterator() if removed & set(values or []))

    def model_field(self, field, target_model=None):
        return models.JSONField(null=True, blank=True)

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ValidationError(_("Give a list of choices."), code="invalid")
        allowed = self.values(field)
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ValidationError(
                _("%(value)s is not one of the choices."),
                params={"value": ", ".join(map(str, unknown))},
                code="invalid_choice",
            )
        # Keep the admin's order and drop repeats, so equal sets compare equal.
        return [v for v in allowed if v in value] or None

    def to_text(self, field, value, *, viewer):
        return ", ".join(self.label_of(field, v) for v in value or [])

    def parse_text(self, field, text):
        if self.is_empty(text) or (isinstance(text, str) and not text.strip()):
            return None
        parts = [p for p in str(text).replace(";", ",").split(",") if p.strip()]
        return self.clean(field, [self.match(field, p) for p in parts])
