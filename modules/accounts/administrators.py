"""Who counts as an administrator beyond superusers: decided by the module that reads team
roles, which registers here at `ready()` so accounts needs no import of it.

    administrators.register(lambda user: user_access(user).is_admin)   # access, at ready()
    administrators.decide(user)      # what `User.is_administrator` asks for an active user

Without a registered decider only superusers are administrators.
"""

from __future__ import annotations

from collections.abc import Callable

Decider = Callable[[object], bool]

_decider: list[Decider] = []


def register(decider: Decider) -> None:
    """Have `decider(user)` tell whether an active user is an administrator."""
    assert not _decider or _decider[0] is decider, "Another administrator decider is registered."
    _decider[:] = [decider]


def decide(user) -> bool:
    """Is the active `user` an administrator?"""
    if _decider:
        return _decider[0](user)
    return bool(user.is_superuser)
