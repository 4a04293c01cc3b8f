"""Send a user with a temporary password to choose their own before anything else; give
every screen request the user's language, time zone and formats (`RegionalMiddleware`);
record when an API token was last used, once the response has gone.

    MIDDLEWARE = [..., "django.contrib.auth.middleware.AuthenticationMiddleware",
                  "modules.accounts.middleware.PasswordChangeRequiredMiddleware",
                  "modules.accounts.middleware.TokenLastUsedMiddleware", ...]

Admin pages redirect to the password page; the API answers 403
`password_change_required`. Signing out and the page itself stay open.
"""

from __future__ import annotations

import logging
import zoneinfo
from functools import partial

from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modules.accounts import regional
from modules.accounts.tokens import USED_TOKEN, TokenService
from modules.core import formats

logger = logging.getLogger(__name__)

PASSWORD_URL_NAME = "tessera_first_password"


class PasswordChangeRequiredMiddleware:
    """Holds back users whose `must_change_password` is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "must_change_password", False):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "password_change_required",
                        "detail": _("Choose your own password in Tessera before using the API."),
                        "errors": {},
                    },
                    status=403,
                )
            allowed = {reverse(PASSWORD_URL_NAME), reverse("wagtailadmin_logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect(PASSWORD_URL_NAME)
        return self.get_response(request)


class RegionalMiddleware:
    """Activates the signed-in user's language, time zone and formats for a screen request.

    Before the admin URLconf is built, so record screens name their entity types and
    fields in the user's language. API requests keep the neutral defaults: the API writes
    ISO dates and plain decimals whoever asks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or user is None or not user.is_authenticated:
            return self.get_response(request)
        chosen = regional.preferences(user)
        language = chosen.language or translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        zone = _zone(chosen.time_zone)
        if zone is not None:
            timezone.activate(zone)
        try:
            with formats.using(chosen.regional):
                return self.get_response(request)
        finally:
            timezone.deactivate()


def _zone(name: str):
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _record_use(token_id: int) -> None:
    try:
        TokenService().touch(token_id)
    except DatabaseError:
        # A lost "last used" must not turn a served response into an error.
        logger.warning("could not record the use of API token %s", token_id, exc_info=True)


class TokenLastUsedMiddleware:
    """Writes a token's `last_used_at` after its response, outside the request's work.

    The authentication marks the request when the token's last use is a minute old or
    more; the write runs when the server closes the response (Django's resource
    closers), in its own transaction, so a slow or failed write never delays or undoes
    the answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token_id = getattr(request, USED_TOKEN, None)
        if token_id is not None:
            response._resource_closers.append(partial(_record_use, token_id))
        return response
