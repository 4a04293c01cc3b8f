"""Labels that carry their own translations: `"Name"` or `{"en": "Name", "pl": "Nazwa"}`.

localized({"en": "Deal", "pl": "Szansa"})   # "Szansa" while Polish is active
"""

from typing import Any

from django.conf import settings
from django.utils import translation


def localized(label: Any, language: str | None = None) -> str:
    """The label in the active (or given) language, falling back to English, then any."""
    if label is None:
        return ""
    if not isinstance(label, dict):
        return str(label)
    lang = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for key in (lang, settings.LANGUAGE_CODE, "en"):
        if label.get(key):
            return str(label[key])
    return next((str(v) for v in label.values() if v), "")
