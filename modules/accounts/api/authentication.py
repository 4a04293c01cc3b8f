"""`Authorization: Token <secret>`: the named, scoped tokens of `modules/accounts/tokens.py`.

    REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
        "modules.accounts.api.authentication.ApiTokenAuthentication", ...]}

A wrong or revoked token is a 401 `authentication_failed`, an expired one a 401
`token_expired`. A token whose scopes do not cover the request is a 403
`insufficient_scope` naming the scope it lacks (`scopes.required_scope`): the check
sits here, with the credential, so no view can forget it. A used token is marked for
`TokenLastUsedMiddleware`, which records the use after the response has gone.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from modules.accounts import scopes
from modules.accounts.tokens import USED_TOKEN, TokenExpired, TokenInvalid, TokenService


class InsufficientScope(exceptions.PermissionDenied):
    """A token without the scope the request needs."""

    default_code = "insufficient_scope"

    def __init__(self, scope: str):
        super().__init__(
            _("This token lacks the scope %(scope)s.") % {"scope": scope},
            code=self.default_code,
        )
        self.extra = {"required_scope": scope, "errors": {"scope": [scope]}}


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token header, checked against hashed, scoped, expiring tokens."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        view = (request.parser_context or {}).get("view")
        needed = scopes.required_scope(request, view, user) if view is not None else scopes.READ
        if not scopes.allows(token.scopes, needed):
            raise InsufficientScope(needed)
        if TokenService.due(token):
            setattr(request._request, USED_TOKEN, token.pk)
        return user, token

    def authenticate_credentials(self, key):
        try:
            token = TokenService().authenticate(key)
        except TokenExpired as error:
            raise exceptions.AuthenticationFailed(error.detail, code=error.code) from None
        except TokenInvalid as error:
            raise exceptions.AuthenticationFailed(error.detail) from None
        return token.user, token
