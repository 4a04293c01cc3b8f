"""What the team and user changes of `AccountService` share: limits, id checks, the
administrator guards and the membership writes.

    class TeamChanges(AccountSupport):
        def rename(self, actor, team_id, name):
            self.require_administrator(actor)

Nothing here checks permissions by itself; the service's methods call the guards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from modules.accounts.exceptions import (
    DuplicateName,
    LastAdministrator,
)
from modules.accounts.models import Membership, Role, Team, User
from modules.core.permissions import require_administrator

#: A keyword left out of an update: the value stays as it is.
UNSET: Any = object()
NAME_LENGTH = 150
PASSWORD_LENGTH = 4096


def administrators_exist() -> bool:
    """Whether any active user is an administrator (a superuser or a team administrator)."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Role.ADMINISTRATOR))
        .exists()
    )


def temporary_password() -> str:
    """A random password for a new user to replace at first sign-in."""
    return secrets.token_urlsafe(12)


def _id(value: Any) -> Any:
    """An id, from an id or from a model instance."""
    return getattr(value, "pk", value)


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _clean_pairs(items: Any, key: str, id_key: str, model, errors: dict) -> dict[int, str]:
    """`[{id_key: id, "role": role}, ...]` checked: ids exist, each once, roles known."""
    result: dict[int, str] = {}
    if items is None:
        items = []
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        errors[key] = [_("Give a list.")]
        return result
    items = list(items)
    ids = [item.get(id_key) for item in items if isinstance(item, Mapping)]
    existing = set(
        model.objects.filter(pk__in=[i for i in ids if _valid_id(i)]).values_list("pk", flat=True)
    )
    for index, item in enumerate(items):
        where = f"{key}.{index}"
        if not isinstance(item, Mapping):
            errors[where] = [_("Give an object.")]
            continue
        role = item.get("role", Role.USER)
        if role not in Role.values:
            errors[f"{where}.role"] = [
                _("Give one of: %(roles)s.") % {"roles": ", ".join(Role.values)}
            ]
        pk = item.get(id_key)
        if not _valid_id(pk) or pk not in existing:
            message = _("There is no such user.") if model is User else _("There is no such team.")
            errors[f"{where}.{id_key}"] = [message]
        elif pk in result:
            errors[f"{where}.{id_key}"] = [_("Listed more than once.")]
        else:
            result[pk] = role
    return result


def _replace_memberships(rows, other: str, wanted: dict[int, str], **owner) -> None:
    """Make `rows` (one team's or one user's memberships) hold exactly `wanted`."""
    current = {getattr(m, other): m for m in rows}
    gone = [m.pk for key, m in current.items() if key not in wanted]
    if gone:
        Membership.objects.filter(pk__in=gone).delete()
    for key, role in wanted.items():
        membership = current.get(key)
        if membership is None:
            Membership.objects.create(role=role, **{other: key}, **owner)
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])


class AccountSupport:
    """The guards and the save every change of `AccountService` uses."""

    @staticmethod
    def require_administrator(actor) -> None:
        """Administrators only (or the system, `None`)."""
        require_administrator(actor, _("Only administrators may manage users and teams."))

    @staticmethod
    def _lock_tree() -> dict[int, int | None]:
        """Lock every team row; answer the tree as `{team id: parent id}`."""
        rows = Team.objects.select_for_update().order_by("pk").values_list("pk", "parent_id")
        return dict(rows)

    @staticmethod
    def keep_an_administrator(had_one: bool) -> None:
        """Refuse a change that leaves no active administrator when there was one."""
        if had_one and not administrators_exist():
            raise LastAdministrator(
                _("This change would leave no active administrator; nobody could manage Tessera.")
            )

    @staticmethod
    def _save(instance: models.Model, unique_field: str) -> None:
        """Save; a unique clash with a concurrent writer is a DuplicateName, not a 500."""
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            raise DuplicateName(_("This name is already taken."), field=unique_field) from None
