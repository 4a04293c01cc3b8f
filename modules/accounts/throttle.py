"""Sign-in lockout: failed sign-ins counted per account, per address, and per both.

    lock = lockout(request, "ada")          # before the password is checked
    if lock: refuse, and say "again in lock.retry_after seconds"
    record_failure(request, "ada")          # a wrong password (or an inactive user)
    record_success(request, "ada")          # the password was right

`TesseraBackend` does all three, so both ways to sign in (the admin's form and
`POST /api/v1/auth/token/`) count together. A failure counts in three scopes, each
with its own limit within `LOGIN_FAILURE_WINDOW_SECONDS` (counted from the scope's
first failure); a scope that reaches its limit is locked for that long again:

- the account from this address (`LOGIN_FAILURE_LIMIT`, 5): one client guessing one
  account is stopped early, and nobody else is affected;
- the address (`LOGIN_ADDRESS_FAILURE_LIMIT`): one client trying many accounts is
  stopped, for its own address only;
- the account (`LOGIN_ACCOUNT_FAILURE_LIMIT`): many addresses guessing one account lock
  it, except from addresses that signed in to it successfully within
  `LOGIN_KNOWN_ADDRESS_DAYS`; there the right password still works.

The account is the username as typed, case-folded, whether or not such a user exists,
so a lockout says nothing about which accounts exist. Addresses come from
`addresses.client_address` (trusted proxies only); IPv6 addresses count per /64.
Attempts refused by a lock are not counted: a lock lasts its time and no longer.
Counts live in the Django cache: Redis when `REDIS_URL` is set, shared by every process.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from modules.core.addresses import address_bucket, client_address

PREFIX = "signin"
ACCOUNT_ADDRESS, ADDRESS, ACCOUNT = "account-address", "address", "account"


@dataclass(frozen=True)
class Lock:
    """A scope refusing sign-ins until `until` (a Unix time)."""

    scope: str
    until: float

    @property
    def retry_after(self) -> int:
        """Whole seconds until the lock lifts, at least 1."""
        return max(1, math.ceil(self.until - time.time()))


def lockout(request, username: str | None) -> Lock | None:
    """The lock that refuses this sign-in attempt now, or None if it may go ahead."""
    scopes = _scopes(request, username)
    locks = cache.get_many([_lock_key(key) for key in scopes.values()])
    for scope, key in scopes.items():
        until = locks.get(_lock_key(key))
        if until is None:
            continue
        if scope == ACCOUNT and _is_known(request, username):
            continue
        return Lock(scope, until)
    return None


def record_failure(request, username: str | None) -> None:
    """Count a failed sign-in in every scope not locked; lock those that reach their limit."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    scopes = _scopes(request, username)
    locked = cache.get_many([_lock_key(key) for key in scopes.values()])
    for scope, key in scopes.items():
        if _lock_key(key) in locked:
            continue  # a failure from a known address during an account lock
        counter = f"{PREFIX}:failures:{key}"
        cache.add(counter, 0, timeout=window)
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr: this failure starts a new window
            cache.set(counter, 1, timeout=window)
            count = 1
        if count >= _limit(scope):
            cache.add(_lock_key(key), time.time() + window, timeout=window)
            cache.delete(counter)


def record_success(request, username: str) -> None:
    """Forget this address's failures on the account, and remember the address as known."""
    scopes = _scopes(request, username)
    cache.delete(f"{PREFIX}:failures:{scopes[ACCOUNT_ADDRESS]}")
    days = settings.LOGIN_KNOWN_ADDRESS_DAYS
    if days > 0:
        cache.set(_known_key(request, username), True, timeout=days * 24 * 60 * 60)


def _scopes(request, username: str | None) -> dict[str, str]:
    """The cache key part of each scope, in the order their locks are reported."""
    account = _account(username)
    address = _address(request)
    return {
        ACCOUNT_ADDRESS: f"{ACCOUNT_ADDRESS}:{account}:{address}",
        ADDRESS: f"{ADDRESS}:{address}",
        ACCOUNT: f"{ACCOUNT}:{account}",
    }


def _account(username: str | None) -> str:
    # Hashed: the cache holds no user names, and any text typed in makes a short key.
    return hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()


def _address(request) -> str:
    return address_bucket(client_address(request)) if request is not None else "unknown"


def _limit(scope: str) -> int:
    return {
        ACCOUNT_ADDRESS: settings.LOGIN_FAILURE_LIMIT,
        ADDRESS: settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        ACCOUNT: settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
    }[scope]


def _lock_key(key: str) -> str:
    return f"{PREFIX}:lock:{key}"


def _known_key(request, username: str | None) -> str:
    return f"{PREFIX}:known:{_account(username)}:{_address(request)}"


def _is_known(request, username: str | None) -> bool:
    return cache.get(_known_key(request, username)) is not None
