"""Named API tokens: made with their secret shown once, listed, revoked, checked.

    token, secret = TokenService().create(user, name="CI", scopes=["read", "write:deals"])
    TokenService().authenticate(secret)       # the token, or TokenInvalid / TokenExpired
    TokenService().revoke(admin, token.pk)    # its owner or an administrator

A secret is 40 random characters from `secrets`; only its SHA-256 digest is stored,
so a leaked database gives no usable token. (A slow password hash is not needed: the
secret is random, not chosen by a person.) `last_used_at` is written at most once a
minute per token, by `touch()` after the response has gone (`TokenLastUsedMiddleware`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts import scopes as s
from modules.accounts.models import ApiToken
from modules.core.exceptions import NotFound, PermissionDenied, TesseraError

SECRET_BYTES = 30  # 40 characters of URL-safe base64
PREFIX_LENGTH = 8
LAST_USED_EVERY = timedelta(minutes=1)
NAME_MAX = 100
#: The attribute of Django's request naming a token whose use is to be recorded.
USED_TOKEN = "tessera_api_token"
#: The name of a token made by `POST /auth/token/` with a username and password.
PASSWORD_TOKEN_NAME = "Password sign-in"


class TokenInvalid(TesseraError):
    """Raised when a token is malformed, unknown or revoked."""

    code = "authentication_failed"
    status = 401


class TokenExpired(TesseraError):
    """Raised when a token's expiry has passed."""

    code = "token_expired"
    status = 401


class TokenNotFound(NotFound):
    """Raised when a token does not exist or is not the caller's to see."""


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenService:
    """The only writer of API tokens."""

    def create(
        self,
        user,
        *,
        name: str,
        scopes: list[str],
        expires_at=None,
        within: list[str] | None = None,
    ) -> tuple[ApiToken, str]:
        """A new token of `user` and its secret (the only time the secret is known).

        `within`: the scopes of the token that asks for this one; a token never makes a
        token that may do more than itself.
        """
        self.check(user, name=name, scopes=scopes, expires_at=expires_at, within=within)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=secret[:PREFIX_LENGTH],
            digest=digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        return token, secret

    def check(self, user, *, name, scopes, expires_at, within=None) -> None:
        """Raise TesseraError naming every bad key of a token to be made."""
        errors: dict[str, list[str]] = {}
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
            errors["name"] = [_("Give a name of 1 to %(max)s characters.") % {"max": NAME_MAX}]
        known = set(s.known_scopes())
        if not scopes:
            errors["scopes"] = [_("Give at least one scope.")]
        else:
            unknown = sorted(set(scopes) - known)
            if unknown:
                errors["scopes"] = [
                    _("Unknown scope: %(scope)s.") % {"scope": scope} for scope in unknown
                ]
            elif s.ADMIN in scopes and not user.is_administrator:
                errors["scopes"] = [_("Only administrators may give a token the admin scope.")]
            elif within is not None and not all(s.allows(within, scope) for scope in scopes):
                errors["scopes"] = [_("A token may only make tokens with scopes it has itself.")]
        if expires_at is not None and expires_at <= timezone.now():
            errors["expires_at"] = [_("Give a moment in the future.")]
        if errors:
            raise TesseraError(_("Some values are not valid."), errors=errors)

    def issue_for_password(self, user) -> tuple[ApiToken, str]:
        """`POST /auth/token/`: a token with every scope the user can use."""
        granted = s.FULL if user.is_administrator else [s.READ, s.WRITE]
        return self.create(user, name=PASSWORD_TOKEN_NAME, scopes=granted)

    def rotate(self, token: ApiToken) -> tuple[ApiToken, str]:
        """A new secret for `token` (same name, scopes and expiry); the old one stops."""
        secret = secrets.token_urlsafe(SECRET_BYTES)
        token.prefix, token.digest = secret[:PREFIX_LENGTH], digest(secret)
        token.save(update_fields=["prefix", "digest"])
        return token, secret

    def listed(self, caller, *, user_id: int | None = None):
        """The caller's tokens; an administrator may name another user's."""
        if user_id is not None and user_id != caller.pk:
            if not caller.is_administrator:
                raise PermissionDenied(_("Only administrators may see other users' tokens."))
            return ApiToken.objects.filter(user_id=user_id)
        return ApiToken.objects.filter(user=caller)

    def get(self, caller, pk) -> ApiToken:
        """A token its owner or an administrator may see; TokenNotFound otherwise."""
        token = ApiToken.objects.filter(pk=pk).select_related("user").first()
        if token is None or (token.user_id != caller.pk and not caller.is_administrator):
            raise TokenNotFound(_("Not found."))
        return token

    def revoke(self, caller, pk) -> None:
        """Delete a token: its owner or an administrator."""
        self.get(caller, pk).delete()

    def authenticate(self, secret: str) -> ApiToken:
        """The live token with this secret, its user loaded."""
        token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
        if token is None or not token.user.is_active:
            raise TokenInvalid(_("Invalid token."))
        if token.expired():
            raise TokenExpired(_("This token expired; make a new one."))
        return token

    def touch(self, token_id: int) -> None:
        """Record a use: one UPDATE at most once a minute per token, in its own transaction."""
        now = timezone.now()
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY),
            pk=token_id,
        ).update(last_used_at=now)

    @staticmethod
    def due(token: ApiToken) -> bool:
        """Whether a use of `token` now should be recorded (read from the loaded row)."""
        last = token.last_used_at
        return last is None or last <= timezone.now() - LAST_USED_EVERY
