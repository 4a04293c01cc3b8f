"""Labels admins type, optionally per language: `"Name"` or `{"en": "Name", "pl": "Nazwa"}`.

clean_label({"en": "Deal", "pl": "Szansa"}, key="label")   # returns it or raises
"""

from typing import Any

from django.utils.translation import gettext as _

from modules.metamodel.exceptions import InvalidDefinition

LABEL_SCHEMA = {
    "oneOf": [
        {"type": "string", "minLength": 1, "maxLength": 255},
        {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": "string", "maxLength": 255},
            "propertyNames": {"pattern": "^[a-z]{2}$"},
        },
    ]
}


def clean_label(value: Any, *, key: str = "label", required: bool = True) -> Any:
    """A label as stored: a trimmed string, or a dict of language code -> trimmed string."""
    if value in (None, "", {}) and not required:
        return {} if isinstance(value, dict) or value is None else ""
    if isinstance(value, str):
        text = " ".join(value.split())
        if text and len(text) <= 255:
            return text
    elif isinstance(value, dict) and value:
        cleaned = {}
        for lang, text in value.items():
            if not (
                isinstance(lang, str)
                and len(lang) == 2
                and lang.isalpha()
                and lang.islower()
                and isinstance(text, str)
            ):
                break
            text = " ".join(text.split())
            if len(text) > 255:
                break
            if text:
                cleaned[lang] = text
        else:
            if cleaned:
                return cleaned
    raise InvalidDefinition(
        _(
            "Give a label of 1 to 255 characters, as text or per language "
            '(e.g. {"en": "Name", "pl": "Nazwa"}).'
        ),
        field=key,
    )
