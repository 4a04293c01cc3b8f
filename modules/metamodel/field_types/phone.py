"""Phone numbers as people write them; at least five digits, `+`, spaces and `()-./`."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.base import FieldType

PHONE = re.compile(r"^\+?[0-9 ()./-]{5,32}$")


class PhoneType(FieldType):
    type = "phone"
    label = _("Phone")
    lookups = ("exact", "in", "icontains", "isnull")
    searchable = True
    convertible_to = frozenset({"text", "long_text"})

    def model_field(self, field, target_model=None):
        return models.CharField(max_length=32, null=True, blank=True)

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        text = " ".join(str(value).split())
        if not PHONE.match(text) or sum(c.isdigit() for c in text) < 5:
            raise ValidationError(_("Enter a valid phone number."), code="invalid")
        return text
