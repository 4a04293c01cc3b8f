"""Sign-in throttling: too many failed sign-ins for a username, or from an address, block it.

    if is_blocked(request, "ada"): ...      # before checking the password
    record_failure(request, "ada")          # user_login_failed does this
    clear(request, "ada")                   # user_logged_in does this

Counted in the cache (Redis in production, shared by every web process): after
`LOGIN_FAILURE_LIMIT` failures within `LOGIN_FAILURE_WINDOW_SECONDS` the username and the
client address are refused until the window has passed since the last failure. Both
the admin's sign-in form and `POST /api/v1/auth/token/` authenticate through
`TesseraBackend`, which asks here first.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

PREFIX = "login-failures"


def _keys(request, username: str | None) -> list[str]:
    keys = []
    if username:
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        keys.append(f"{PREFIX}:user:{digest}")
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address:
        keys.append(f"{PREFIX}:ip:{address}")
    return keys


def is_blocked(request, username: str | None) -> bool:
    """Whether the username or the client address has failed too often lately."""
    keys = _keys(request, username)
    counts = cache.get_many(keys)
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(request, username: str | None) -> None:
    """Count one failed sign-in for the username and the address."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(request, username):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
        cache.touch(key, window)


def clear(request, username: str | None) -> None:
    """Forget the username's failures after a successful sign-in."""
    cache.delete_many(_keys(None, username))


@receiver(user_login_failed, dispatch_uid="tessera-login-failed")
def _failed(sender, credentials, request=None, **kwargs) -> None:
    record_failure(request, credentials.get("username"))


@receiver(user_logged_in, dispatch_uid="tessera-logged-in")
def _logged_in(sender, request, user, **kwargs) -> None:
    clear(request, user.get_username())
