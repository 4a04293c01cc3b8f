"""The user a request or job acts for, where code has no `user` argument to pass it.

    with acting(user):
        field_type.to_text(spec, value)     # a relation's title only if the user may see it

Field types render linked records (titles in lists, profiles, exports) without a user
parameter; they ask `acting_user()`. Unbound code (scripts, scheduled jobs) acts as
the system, which sees everything. Services take the user explicitly instead.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_acting: ContextVar = ContextVar("acting_user", default=None)


def acting_user():
    """The bound user, or None (the system)."""
    return _acting.get()


@contextmanager
def acting(user) -> Iterator[None]:
    """Act for `user` within the block."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


class ActingUserMiddleware:
    """Binds the signed-in user (session) for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(request.user):
            return self.get_response(request)
