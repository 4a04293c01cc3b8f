"""Named API tokens under /api/v1/auth/tokens/: list, make (the secret shown once), revoke.

    GET    /api/v1/auth/tokens/                 -> the caller's tokens, paged
    GET    /api/v1/auth/tokens/?user=7          -> user 7's (administrators)
    POST   /api/v1/auth/tokens/  {"name": "CI", "scopes": ["read", "write:deals"],
                                  "expires_at": "2027-01-31T00:00:00Z"}
                                                -> 201, with "token": the secret, this once
    DELETE /api/v1/auth/tokens/5/               -> 204; its owner or an administrator

A token may make a token only with scopes it has itself; revoking another user's
token through a token needs the `admin` scope. Everything is written by `TokenService`.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.accounts import scopes
from modules.accounts.models import ApiToken
from modules.accounts.tokens import TokenService
from modules.api.pagination import Ordering
from modules.api.paging import PAGE_PARAMETER_DOCS, PAGE_PARAMETERS, keyset_page, paged
from modules.api.serializers import ErrorSerializer, StrictCharField, StrictSerializer
from modules.core.values import is_digits

E = ErrorSerializer
ORDERING = [
    Ordering("created_at", descending=True, nullable=False),
    Ordering("id", descending=True, nullable=False),
]
SCOPES_HELP = gettext_lazy(
    "`read`; `write` (records of every entity type) or `write:<slug>` (one type); "
    "`admin` (metadata, users, teams; administrators only); `leads:intake`."
)


class ApiTokenSerializer(serializers.Serializer):
    """A token as listed: never its secret."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    user = serializers.IntegerField(source="user_id", help_text=gettext_lazy("Its owner."))
    prefix = serializers.CharField(help_text=gettext_lazy("The secret's first characters."))
    scopes = serializers.ListField(child=serializers.CharField(), help_text=SCOPES_HELP)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("Recorded at most once a minute.")
    )
    expired = serializers.SerializerMethodField()

    def get_expired(self, token: ApiToken) -> bool:
        return token.expired()


class NewApiTokenSerializer(ApiTokenSerializer):
    """A token just made, with its secret: shown this once, never again."""

    token = serializers.CharField(help_text=gettext_lazy("The secret: keep it now."))


class ApiTokenCreateSerializer(StrictSerializer):
    """`POST /auth/tokens/`."""

    name = StrictCharField(max_length=100)
    scopes = serializers.ListField(
        child=StrictCharField(), allow_empty=False, max_length=200, help_text=SCOPES_HELP
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("Left out or null: never.")
    )


def token_json(token: ApiToken, secret: str | None = None) -> dict:
    """A token as the API answers it; with `secret` only when it was just made."""
    data = ApiTokenSerializer(token).data
    return {**data, "token": secret} if secret else data


class TokenListView(APIView):
    """`/auth/tokens/`: the caller's tokens; make one."""

    permission_classes = [IsAuthenticated]
    service = TokenService()

    def required_scope(self, request, user) -> str | None:
        # Making a token is checked against the caller's own token (`within`).
        return scopes.READ if request.method == "GET" else None

    @extend_schema(
        tags=["auth"],
        parameters=[
            OpenApiParameter(
                "user", int, description=gettext_lazy("Another user's (administrators).")
            ),
            *PAGE_PARAMETER_DOCS,
        ],
        responses={200: paged(ApiTokenSerializer, "PaginatedApiTokenList"), 400: E, 401: E, 403: E},
        summary=gettext_lazy("List API tokens"),
        description=gettext_lazy("Newest first; the secrets are never shown again."),
        operation_id="auth_tokens_list",
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - PAGE_PARAMETERS - {"user"})
        if unknown:
            message = _("Unknown query parameter.")
            raise serializers.ValidationError({name: [message] for name in unknown})
        raw = request.query_params.get("user")
        if raw is not None and not is_digits(raw):
            raise serializers.ValidationError({"user": [_("Give a user id.")]})
        rows = self.service.listed(request.user, user_id=int(raw) if raw else None)
        return Response(keyset_page(request, rows, ORDERING, token_json))

    @extend_schema(
        tags=["auth"],
        request=ApiTokenCreateSerializer,
        responses={201: NewApiTokenSerializer, 400: E, 401: E, 403: E},
        summary=gettext_lazy("Make an API token"),
        description=gettext_lazy(
            "The answer carries the secret (`token`) this once; only a digest is stored. "
            "Through a token, only scopes that token has."
        ),
        operation_id="auth_tokens_create",
    )
    def post(self, request):
        body = ApiTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        caller_token = request.auth if isinstance(request.auth, ApiToken) else None
        token, secret = self.service.create(
            request.user,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
            within=caller_token.scopes if caller_token else None,
        )
        return Response(token_json(token, secret), status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    """`/auth/tokens/{id}/`: one token; revoke it."""

    permission_classes = [IsAuthenticated]
    service = TokenService()

    def required_scope(self, request, user) -> str | None:
        if request.method == "GET":
            return scopes.READ
        # Revoking one's own token needs no scope; another user's is administration. For
        # others than administrators the service answers 404, as for a missing id.
        if not user.is_administrator:
            return None
        owners = ApiToken.objects.filter(pk=self.kwargs["pk"]).values_list("user_id", flat=True)
        return scopes.ADMIN if any(owner != user.pk for owner in owners) else None

    @extend_schema(
        tags=["auth"],
        responses={200: ApiTokenSerializer, 401: E, 404: E},
        summary=gettext_lazy("Get an API token"),
        operation_id="auth_tokens_retrieve",
    )
    def get(self, request, pk):
        return Response(token_json(self.service.get(request.user, pk)))

    @extend_schema(
        tags=["auth"],
        request=None,
        responses={204: None, 401: E, 403: E, 404: E},
        summary=gettext_lazy("Revoke an API token"),
        description=gettext_lazy("Its owner or an administrator; it stops working at once."),
        operation_id="auth_tokens_destroy",
    )
    def delete(self, request, pk):
        self.service.revoke(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
]
