"""AccountService's user changes: create (with a temporary password), update, status.

    AccountService().create_user(
        admin, username="ada", password=None, teams=[{"team": 3, "role": "user"}]
    )

An active user takes a paid seat: creating one, or turning `is_active` on, needs a free one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from modules.accounts.emails import send_temporary_password
from modules.accounts.exceptions import (
    AccountInvalid,
    DuplicateName,
    UserNotFound,
    WrongUserStatus,
)
from modules.accounts.models import Membership, Team, User, UserStatus, revoke_tokens
from modules.accounts.seats import require_free_seat
from modules.accounts.services.support import (
    NAME_LENGTH,
    PASSWORD_LENGTH,
    UNSET,
    AccountSupport,
    _clean_pairs,
    _id,
    _replace_memberships,
    _valid_id,
    administrators_exist,
    temporary_password,
)


class UserChanges(AccountSupport):
    """Creates and changes users, their memberships and their password."""

    def create_user(
        self,
        actor,
        *,
        username: str,
        password: str | None = None,
        first_name: str = "",
        last_name: str = "",
        email: str = "",
        is_active: bool = True,
        teams: Iterable[Mapping] = (),
        temporary_password: bool = False,
    ) -> User:
        """A new user; without a password (`None`) they cannot sign in with one.

        `temporary_password`: a random password is e-mailed to `email` (after commit) and
        must be changed at first sign-in; give no `password` then.
        """
        self.require_administrator(actor)
        with transaction.atomic():
            user = User()
            values = {
                "username": username,
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "is_active": is_active,
            }
            errors: dict[str, list[str]] = {}
            self._apply_user_values(user, values, errors)
            memberships = _clean_pairs(teams, "teams", "team", Team, errors)
            temporary = None
            if temporary_password:
                temporary = self._temporary_password(user, password, errors)
            else:
                self._apply_password(user, password, errors)
            if errors:
                raise AccountInvalid(_("Some values are not valid."), errors=errors)
            self._check_username_free(user.username, None)
            user.status = UserStatus.ACTIVE if user.is_active else UserStatus.SUSPENDED
            if user.is_active:
                require_free_seat()
            self._save(user, "username")
            _replace_memberships(
                Membership.objects.filter(user=user), "team_id", memberships, user=user
            )
            if temporary is not None:
                transaction.on_commit(lambda: send_temporary_password(user, temporary))
        return user

    @staticmethod
    def _temporary_password(user: User, password: Any, errors: dict) -> str | None:
        """Give `user` a random password they must change; it is e-mailed to them."""
        if password is not None:
            errors["password"] = [_("Leave the password out: a temporary one is e-mailed.")]
        if not user.email and "email" not in errors:
            errors["email"] = [_("Give the e-mail address the temporary password goes to.")]
        if errors:
            return None
        temporary = temporary_password()
        user.set_password(temporary)
        user.must_change_password = True
        return temporary

    def update_user(self, actor, user_id: Any, **changes: Any) -> User:
        """Change any of username, password, first_name, last_name, email, is_active, teams.

        `password=None` takes the password away (no sign-in with one); `teams` replaces
        the user's memberships: `[{"team": id, "role": "manager"}, ...]`.
        """
        self.require_administrator(actor)
        allowed = {"username", "password", "first_name", "last_name", "email", "is_active"}
        unknown = set(changes) - allowed - {"teams"}
        if unknown:
            raise TypeError(f"update_user() got unexpected keys: {sorted(unknown)}")
        with transaction.atomic():
            had_administrator = administrators_exist()
            user = self.get_user(user_id, lock=True)
            errors: dict[str, list[str]] = {}
            old_username = user.username
            self._apply_user_values(
                user, {k: v for k, v in changes.items() if k in allowed}, errors
            )
            if (
                changes.get("is_active") is False
                and actor is not None
                and actor.pk == user.pk
                and "is_active" not in errors
            ):
                errors["is_active"] = [_("You cannot deactivate your own account.")]
            memberships = UNSET
            if "teams" in changes:
                memberships = _clean_pairs(changes["teams"], "teams", "team", Team, errors)
            if "password" in changes:
                self._apply_password(user, changes["password"], errors)
            if errors:
                raise AccountInvalid(_("Some values are not valid."), errors=errors)
            if user.username != old_username:
                self._check_username_free(user.username, user.pk)
            if "is_active" in changes:
                self._follow_is_active(user)
            self._save(user, "username")
            if memberships is not UNSET:
                _replace_memberships(
                    Membership.objects.filter(user=user), "team_id", memberships, user=user
                )
            self.keep_an_administrator(had_administrator)
        return user

    @staticmethod
    def _follow_is_active(user: User) -> None:
        """`is_active` switched by hand: suspend, or unsuspend (a seat needed)."""
        if user.is_active and user.status == UserStatus.SUSPENDED:
            require_free_seat()
            user.status = UserStatus.ACTIVE
        elif user.is_active and user.status == UserStatus.DELETED:
            raise WrongUserStatus(_("A deleted user cannot be made active again."))
        elif not user.is_active and user.status == UserStatus.ACTIVE:
            user.status = UserStatus.SUSPENDED
            revoke_tokens(user)

    @staticmethod
    def get_user(user_id: Any, *, lock: bool = False) -> User:
        """The user, or UserNotFound."""
        user_id = _id(user_id)
        rows = User.objects.select_for_update() if lock else User.objects.all()
        user = rows.filter(pk=user_id).first() if _valid_id(user_id) else None
        if user is None:
            raise UserNotFound(_("There is no such user."))
        return user

    @staticmethod
    def _apply_user_values(user: User, values: Mapping[str, Any], errors: dict) -> None:
        for key in ("first_name", "last_name"):
            if key in values:
                value = values[key]
                if value is None:
                    value = ""
                if not isinstance(value, str):
                    errors[key] = [_("Give text.")]
                elif len(value.strip()) > NAME_LENGTH:
                    errors[key] = [_("At most %(n)s characters.") % {"n": NAME_LENGTH}]
                else:
                    setattr(user, key, value.strip())
        if "username" in values:
            username = values["username"]
            if not isinstance(username, str) or not username.strip():
                errors["username"] = [_("Give a username.")]
            else:
                username = unicodedata.normalize("NFKC", username.strip())
                if len(username) > NAME_LENGTH:
                    errors["username"] = [_("At most %(n)s characters.") % {"n": NAME_LENGTH}]
                else:
                    try:
                        UnicodeUsernameValidator()(username)
                    except ValidationError as error:
                        errors["username"] = list(error.messages)
                    else:
                        user.username = username
        if "email" in values:
            email = values["email"] or ""
            if not isinstance(email, str):
                errors["email"] = [_("Give text.")]
            else:
                email = User.objects.normalize_email(email.strip())
                try:
                    if email:
                        validate_email(email)
                except ValidationError as error:
                    errors["email"] = list(error.messages)
                else:
                    user.email = email
        if "is_active" in values:
            if not isinstance(values["is_active"], bool):
                errors["is_active"] = [_("Give true or false.")]
            else:
                user.is_active = values["is_active"]

    @staticmethod
    def _apply_password(user: User, password: Any, errors: dict) -> None:
        if password is None:
            user.set_unusable_password()
            return
        if not isinstance(password, str) or not password:
            errors["password"] = [_("Give a password, or null for none.")]
            return
        if len(password) > PASSWORD_LENGTH:
            errors["password"] = [_("At most %(n)s characters.") % {"n": PASSWORD_LENGTH}]
            return
        if "username" in errors:
            return  # the similarity check needs a valid username
        try:
            validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
        else:
            user.set_password(password)

    @staticmethod
    def _check_username_free(username: str, user_id: int | None) -> None:
        if User.objects.filter(username__iexact=username).exclude(pk=user_id).exists():
            raise DuplicateName(
                _("There is already a user called %(name)s.") % {"name": username},
                field="username",
            )
