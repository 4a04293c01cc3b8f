"""Token authentication: `POST /api/v1/auth/token/` with a username and password.

POST   {"username": "ada", "password": "..."}  -> {"token": "..."}
DELETE (authenticated)                         -> 204, the caller's token is revoked
POST   {"username", "password", "rotate": true} -> a fresh token; the old one stops working

A sign-in lockout (`modules.accounts.throttle`) or too many requests from one client
answer 429 `throttled` with `Retry-After`; a user with a temporary password gets 403
`password_change_required` until they have chosen their own in the admin.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.accounts import throttle
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


TokenSerializer = inline_serializer("Token", {"token": serializers.CharField()})


class TokenView(APIView):
    """Exchange credentials for an API token; revoke it again."""

    throttle_scope = "login"

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_throttles(self):
        return [ClientScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: TokenSerializer},
        auth=[],
        summary="Get an API token",
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
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary="Revoke the caller's token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
