"""Send a user with a temporary password to choose their own before anything else.

    MIDDLEWARE = [..., "django.contrib.auth.middleware.AuthenticationMiddleware",
                  "modules.accounts.middleware.PasswordChangeRequiredMiddleware", ...]

Admin pages redirect to the password page; the API answers 403
`password_change_required`. Signing out and the page itself stay open.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

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
