"""Paid seats: how many there are, how many active users use, how many are free.

    usage = seat_usage()                 # Seats(total=25, used=12) -> usage.free == 13
    with transaction.atomic():
        require_free_seat()              # locks the settings row; NoFreeSeat when none is free

Every active user uses a seat; suspended and deleted users do not. Changes that take a
seat lock the one `AccountSettings` row first, so two administrators adding a user at
the same moment cannot both take the last free seat.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from modules.accounts.exceptions import NoFreeSeat
from modules.accounts.models import AccountSettings, User, UserStatus


@dataclass(frozen=True)
class Seats:
    """Paid seats and how many active users use."""

    total: int
    used: int

    @property
    def free(self) -> int:
        """Seats nobody uses (never below zero, even if users were added around the limit)."""
        return max(0, self.total - self.used)


def used_seats() -> int:
    """How many users use a seat: the active ones."""
    return User.objects.filter(status=UserStatus.ACTIVE).count()


def seat_usage() -> Seats:
    """The seats as they are now."""
    return Seats(total=AccountSettings.current().seats, used=used_seats())


def lock_settings() -> AccountSettings:
    """The settings row, locked until the transaction ends (serialises seat changes)."""
    if not AccountSettings.objects.filter(pk=AccountSettings.SINGLETON_ID).exists():
        defaults = AccountSettings.defaults()
        AccountSettings.objects.get_or_create(
            pk=AccountSettings.SINGLETON_ID, defaults={"seats": defaults.seats}
        )
    return AccountSettings.objects.select_for_update().get(pk=AccountSettings.SINGLETON_ID)


def require_free_seat() -> None:
    """Refuse a change that needs a seat when none is free; call inside a transaction."""
    row = lock_settings()
    used = used_seats()
    if used >= row.seats:
        raise NoFreeSeat(
            _(
                "All %(total)s paid seats are in use. Add seats, or suspend or delete a user "
                "to free one."
            )
            % {"total": row.seats},
            extra={"seats": {"total": row.seats, "used": used, "free": 0}},
        )
