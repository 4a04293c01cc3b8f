"""A user's language, time zone and formats, read once per request and written by the user.

    language, zone, regional = preferences(user)    # one query
    save_regional(user, date_format="dmy_dot", time_format="24h", number_format="")

The language and the time zone are Wagtail's profile fields; the date, time and number
styles are `RegionalSettings` (`modules/core/formats.py` holds the styles).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from modules.accounts.exceptions import AccountInvalid
from modules.accounts.models import RegionalSettings, User
from modules.core import formats


@dataclass(frozen=True)
class Preferences:
    """What a request of the user activates: "" where they chose nothing."""

    language: str
    time_zone: str
    regional: formats.RegionalFormat


def preferences(user) -> Preferences:
    """The user's preferences in one query."""
    row = (
        User.objects.filter(pk=user.pk)
        .values(
            "wagtail_userprofile__preferred_language",
            "wagtail_userprofile__current_time_zone",
            "regional__date_format",
            "regional__time_format",
            "regional__number_format",
        )
        .first()
        or {}
    )
    language = row.get("wagtail_userprofile__preferred_language") or ""
    shipped = {code for code, _name in settings.LANGUAGES}
    return Preferences(
        language=language if language in shipped else "",
        time_zone=row.get("wagtail_userprofile__current_time_zone") or "",
        regional=formats.RegionalFormat(
            date=row.get("regional__date_format") or "",
            time=row.get("regional__time_format") or "",
            number=row.get("regional__number_format") or "",
        ),
    )


def save_regional(
    user, *, date_format: str = "", time_format: str = "", number_format: str = ""
) -> RegionalSettings:
    """Store the user's own styles; an unknown style changes nothing."""
    errors = {}
    for name, value, styles in (
        ("date_format", date_format, formats.DATE_STYLES),
        ("time_format", time_format, formats.TIME_STYLES),
        ("number_format", number_format, formats.NUMBER_STYLES),
    ):
        if value and value not in styles:
            errors[name] = [_("Choose one of the offered formats.")]
    if errors:
        raise AccountInvalid(_("Choose one of the offered formats."), errors=errors)
    with transaction.atomic():
        row, _created = RegionalSettings.objects.update_or_create(
            user=user,
            defaults={
                "date_format": date_format,
                "time_format": time_format,
                "number_format": number_format,
            },
        )
    return row
