"""Token sign-in: `POST /api/v1/auth/token/` with a username and password.

POST   {"username": "ada", "password": "..."}  -> {"token": "..."}, a new named token
                                                  ("Password sign-in") with every scope
                                                  the user can use
POST   {"username", "password", "rotate": true}
       with `Authorization: Token <old>`       -> a new secret for that token; the old one
                                                  stops working, other tokens do not
DELETE with `Authorization: Token <it>`        -> 204, that token (only) is revoked

Named tokens with chosen scopes and expiry are made at `/auth/tokens/` (`tokens.py`).

A sign-in lockout (`modules.accounts.throttle`) or too many requests from one client
answer 429 `throttled` with `Retry-After`; a user with a temporary password gets 403
`password_change_required` until they have chosen their own in the admin.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.accounts import throttle
from modules.accounts.models import ApiToken
from modules.accounts.tokens import TokenService
from modules.api.throttling import ClientScopedRateThrottle
from modules.core.exceptions import PermissionDenied, TesseraError


class InvalidCredentials(TesseraError):
    """Raised when a username and password do not match an active user."""

    code = "invalid_credentials"
    status = 400


class CredentialsSerializer(serializers.Serializer):
    """What `POST /auth/token/` takes."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    rotate = serializers.BooleanField(required=False, default=False)


class PasswordChangeRequired(PermissionDenied):
    """Raised when a user with a temporary password asks for a token."""

    code = "password_change_required"


class TokenRequired(TesseraError):
    """Raised when a request acts on "the token used" but came without a token."""

    code = "token_required"
    status = 400


TokenSerializer = inline_serializer("Token", {"token": serializers.CharField()})


def used_token(request) -> ApiToken:
    """The token the request was made with; TokenRequired without one."""
    if not isinstance(request.auth, ApiToken):
        raise TokenRequired(
            _(
                "Send the token this acts on as `Authorization: Token <token>`; "
                "revoke other tokens at /api/v1/auth/tokens/."
            ),
            field="token",
        )
    return request.auth


class TokenView(APIView):
    """Exchange credentials for an API token; revoke it again."""

    throttle_scope = "login"

    def required_scope(self, request, user) -> None:
        # A token rotates or revokes itself, whatever its scopes.
        return None

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_throttles(self):
        return [ClientScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: TokenSerializer},
        auth=[],
        summary="Get an API token",
        description=(
            "A new token with every scope the user can use, each time. With `rotate: true`, "
            "send the token to rotate in `Authorization`: it gets a new secret, and only it."
        ),
    )
    def post(self, request):
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lock = throttle.lockout(request, data.validated_data["username"])
        if lock:
            raise exceptions.Throttled(
                wait=lock.retry_after,
                detail=_("Too many failed sign-ins."),
            )
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise InvalidCredentials(_("The username or password is wrong."))
        if user.must_change_password:
            raise PasswordChangeRequired(
                _("Sign in to Tessera and choose your own password before using the API.")
            )
        if data.validated_data["rotate"]:
            token = used_token(request)
            if token.user_id != user.pk:
                raise InvalidCredentials(_("The token is not this user's."))
            _token, secret = TokenService().rotate(token)
        else:
            _token, secret = TokenService().issue_for_password(user)
        return Response({"token": secret})

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke the token this request is made with",
    )
    def delete(self, request):
        TokenService().revoke(request.user, used_token(request).pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
