"""Values of historical rows as an administrator reads them.

    readable(EntityAccess._meta.get_field("default_visibility"), "public", {})  # "Public"
    readable(FieldDefinition._meta.get_field("label"), {"en": "Name"}, {})       # "Name"
    json_changes("options", {"max": 5}, {"max": 9})   # [("options / max", "5", "9")]

Choices show their labels, translated labels the active language, foreign keys the
name of the row they point at (`names`, fetched once per page), dates and numbers
the user's format and time zone.
"""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from modules.core.i18n import localized

EMPTY = "—"
#: Keys that change with every save and say nothing an administrator needs.
NOISE = frozenset({"id", "created_at", "updated_at", "version", "updated_by"})
MAX_LENGTH = 240

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def is_label(value: Any) -> bool:
    """A translated label: `{"en": "Name", "pl": "Nazwa"}`."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= LANGUAGE_CODES
        and all(isinstance(v, str) for v in value.values())
    )


def scalar_text(value: Any) -> str:
    """A plain value in the user's language and format."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, int | float | decimal.Decimal):
        return formats.number_format(value)
    if is_label(value):
        return localized(value)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Truncator(str(value)).chars(MAX_LENGTH)


def json_changes(label: str, before: Any, after: Any) -> list[tuple[str, str, str]]:
    """`(label, before, after)` per changed key; nested settings are split by key."""
    if (
        isinstance(before, dict | type(None))
        and isinstance(after, dict | type(None))
        and not is_label(before)
        and not is_label(after)
        and (before or after)
    ):
        before, after = before or {}, after or {}
        changes = []
        for key in sorted(set(before) | set(after), key=str):
            if key not in NOISE and before.get(key) != after.get(key):
                changes += json_changes(f"{label} / {key}", before.get(key), after.get(key))
        return changes
    return [(label, scalar_text(before), scalar_text(after))]


def readable(field: models.Field, value: Any, names: dict) -> str:
    """One field's value: a choice's label, a related row's name, a formatted scalar."""
    if value is None or value == "":
        return EMPTY
    if field.is_relation:
        return names.get((field.related_model, value)) or f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return scalar_text(value)
