"""Suspend, unsuspend, delete and anonymise users; set the seats and the user settings.

    service = LifecycleService()
    service.suspend(admin, 7)                    # cannot sign in; data kept; seat freed
    service.unsuspend(admin, 7)                  # NoFreeSeat when every seat is taken
    service.delete(admin, 7, keep_seat=True)     # records stay; the seat stays for a successor
    service.anonymise(admin, 7)                  # a deactivated user's personal data replaced
    service.set_seats(admin, 30)                 # SeatsBelowUsage under the active users

Every method takes the acting user first and requires an administrator; nobody may
suspend, delete or anonymise their own account or the last active administrator.
A suspended or deleted user's API tokens are deleted at once, and `is_active` turns
false, which Django's session check and DRF's token check read on every request.
Deleting also makes the password unusable, so no old session's hash matches again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.exceptions import AccountInvalid, OwnAccount, SeatsBelowUsage, WrongUserStatus
from modules.accounts.models import AccountSettings, Invitation, User, UserStatus
from modules.accounts.seats import lock_settings, require_free_seat, used_seats
from modules.accounts.services import AccountService, administrators_exist, revoke_tokens

MAX_SEATS = 1_000_000


class LifecycleService:
    """Changes a user's status, and the installation's seats and user settings."""

    accounts = AccountService()

    def suspend(self, actor, user_id: Any) -> User:
        """Block sign-in for a while (long leave); data and settings stay; the seat is freed."""
        with transaction.atomic():
            user = self._target(actor, user_id)
            self._require_status(
                user, UserStatus.ACTIVE, _("Only an active user can be suspended.")
            )
            had_administrator = administrators_exist()
            self._set_status(user, UserStatus.SUSPENDED)
            revoke_tokens(user)
            self.accounts.keep_an_administrator(had_administrator)
        return user

    def unsuspend(self, actor, user_id: Any) -> User:
        """Let a suspended user sign in again; needs a free seat."""
        with transaction.atomic():
            user = self._target(actor, user_id, self_allowed=True)
            self._require_status(user, UserStatus.SUSPENDED, _("This user is not suspended."))
            require_free_seat()
            self._set_status(user, UserStatus.ACTIVE)
        return user

    def delete(self, actor, user_id: Any, *, keep_seat: bool = True) -> User:
        """Delete a user: records stay theirs until handed over; no sign-in, no tokens.

        `keep_seat`: the paid seat stays (free for a successor); otherwise one seat fewer.
        """
        if not isinstance(keep_seat, bool):
            raise AccountInvalid(_("Give true or false."), field="keep_seat")
        with transaction.atomic():
            settings_row = lock_settings()
            user = self._target(actor, user_id)
            if user.is_deleted:
                raise WrongUserStatus(_("This user is already deleted."))
            had_administrator = administrators_exist()
            self._set_status(user, UserStatus.DELETED, extra={"deleted_at": timezone.now()})
            user.set_unusable_password()
            user.save(update_fields=["password", "must_change_password"])
            revoke_tokens(user)
            self.accounts.keep_an_administrator(had_administrator)
            if not keep_seat:
                settings_row.seats = max(settings_row.seats - 1, used_seats())
                settings_row.save()
        return user

    def anonymise(self, actor, user_id: Any) -> User:
        """Replace a deactivated user's personal data; records and history keep pointing at them.

        A suspended user is deleted as well: an anonymised account is never used again.
        """
        with transaction.atomic():
            user = self._target(actor, user_id)
            if user.status == UserStatus.ACTIVE:
                raise WrongUserStatus(_("Suspend or delete the user before anonymising them."))
            if user.anonymised_at is not None:
                raise WrongUserStatus(_("This user is already anonymised."))
            now = timezone.now()
            user.username = f"anonymised-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.anonymised_at = now
            user.deleted_at = user.deleted_at or now
            user.status = UserStatus.DELETED
            user.is_active = False
            user.set_unusable_password()
            user.save()
            Invitation.objects.filter(user=user).update(email="")
            revoke_tokens(user)
        return user

    def set_seats(self, actor, seats: Any) -> AccountSettings:
        """Change the number of paid seats; never below the users who use one."""
        self.accounts.require_administrator(actor)
        if isinstance(seats, bool) or not isinstance(seats, int) or not 0 < seats <= MAX_SEATS:
            raise AccountInvalid(
                _("Give a whole number from 1 to %(max)s.") % {"max": MAX_SEATS}, field="seats"
            )
        with transaction.atomic():
            row = lock_settings()
            used = used_seats()
            if seats < used:
                raise SeatsBelowUsage(
                    _(
                        "%(used)s active users use a seat; suspend or delete users before "
                        "going down to %(seats)s seats."
                    )
                    % {"used": used, "seats": seats},
                    field="seats",
                )
            row.seats = seats
            row.save()
        return row

    def set_show_deleted_users(self, actor, show: Any) -> AccountSettings:
        """Switch "show deleted users in list filters" on or off."""
        self.accounts.require_administrator(actor)
        if not isinstance(show, bool):
            raise AccountInvalid(_("Give true or false."), field="show_deleted_users_in_filters")
        with transaction.atomic():
            row = lock_settings()
            if row.show_deleted_users_in_filters != show:
                row.show_deleted_users_in_filters = show
                row.save()
        return row

    # -- helpers ---------------------------------------------------------------------------
    def _target(self, actor, user_id: Any, *, self_allowed: bool = False) -> User:
        self.accounts.require_administrator(actor)
        user = self.accounts.get_user(user_id, lock=True)
        if not self_allowed and actor is not None and actor.pk == user.pk:
            raise OwnAccount(_("You cannot do this to your own account."))
        return user

    @staticmethod
    def _require_status(user: User, status: str, message: str) -> None:
        if user.status != status:
            raise WrongUserStatus(message)

    @staticmethod
    def _set_status(user: User, status: str, *, extra: dict | None = None) -> None:
        user.status = status
        user.is_active = status == UserStatus.ACTIVE
        fields = ["status", "is_active"]
        for key, value in (extra or {}).items():
            setattr(user, key, value)
            fields.append(key)
        user.save(update_fields=fields)
