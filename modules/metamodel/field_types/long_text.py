"""Multi-line text."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.metamodel.field_types.text import TextType


class LongTextType(TextType):
    type = "long_text"
    label = _("Long text")
    can_be_unique = False
    options_schema = {
        "type": "object",
        "properties": {
            "max_length": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 100000}
        },
        "additionalProperties": False,
    }
    lookups = ("icontains", "isnull")
    sortable = False
    segmentation_kind = "none"
    convertible_to = frozenset({"text"})

    def form_field(self, field):
        return forms.CharField(
            required=False,
            strip=False,
            widget=forms.Textarea,
            max_length=field.options.get("max_length", 100000),
        )

    def parse_text(self, field, text):
        # Keep indentation and final newlines, as `clean` does, so exports read back equal.
        return self.clean(field, text)
