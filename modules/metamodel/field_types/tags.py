"""Free tags: a JSON list of short strings, kept unique and in the order given."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.metamodel.field_types.base import FieldType
from modules.metamodel.field_types.multi_choice import JsonContainsFilter

MAX_TAGS = 50
MAX_TAG_LENGTH = 50


class TagsType(FieldType):
    type = "tags"
    label = _("Tags")
    can_be_unique = False
    lookups = ("contains", "isnull")
    sortable = False
    convertible_to = frozenset({"text", "long_text"})

    def filter_for(self, field, lookup):
        if lookup == "contains":
            return JsonContainsFilter(field_name=field.api_name)
        return super().filter_for(field, lookup)

    def serializer_field(self, field):
        return serializers.ListField(
            child=serializers.CharField(max_length=MAX_TAG_LENGTH), **self.serializer_kwargs(field)
        )

    def model_field(self, field, target_model=None):
        return models.JSONField(null=True, blank=True)

    def form_initial(self, field, value, *, viewer):
        return ", ".join(value or [])

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if isinstance(value, str):
            value = value.replace(";", ",").split(",")
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Give a list of tags."), code="invalid")
        tags: list[str] = []
        seen: set[str] = set()
        for raw in value:
            tag = " ".join(raw.split())
            if len(tag) > MAX_TAG_LENGTH:
                raise ValidationError(
                    _("A tag has at most %(n)s characters."),
                    params={"n": MAX_TAG_LENGTH},
                    code="invalid",
                )
            # The text form separates tags with them, so such a tag could not be read back.
            if "," in tag or ";" in tag:
                raise ValidationError(
                    _("A tag may not contain a comma or a semicolon."), code="invalid"
                )
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
            # Stop at once: a huge list must not be deduplicated first.
            if len(tags) > MAX_TAGS:
                raise ValidationError(
                    _("At most %(n)s tags."), params={"n": MAX_TAGS}, code="invalid"
                )
        return tags or None

    def to_text(self, field, value, *, viewer):
        return ", ".join(value or [])
