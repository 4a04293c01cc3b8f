"""Who owns, takes part in and sees a record: the checks and refusals of `RecordService`.

    refuse("edit")                        # the 403 for an action on a record the user sees
    refuse_sharing(["owner"])             # the 403 naming what the user may not set
    service._check_sharing(user, record, owner, visibility, invited, held)

`SharingChecks` is a part of `RecordService`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from modules.access import engine, grants
from modules.access.spec import access_spec
from modules.core.exceptions import PermissionDenied
from modules.core.values import is_digits
from modules.records.exceptions import RecordInvalid

#: The permission a change of each of who owns, takes part in and sees a record needs.
SHARING_ACTIONS = {
    "owner": "change_user",
    "participants": "change_user",
    "visibility": "change_visibility",
}


def refuse(action: str) -> PermissionDenied:
    """The 403 for an action the user may not take on a record they can see."""
    messages = {
        "add": _("You may not add records of this type."),
        "edit": _("You may not edit this record."),
        "delete": _("You may not delete this record."),
    }
    return PermissionDenied(messages.get(action, _("You may not do this.")))


def unavailable_message() -> str:
    """What a unique value held by a record the user may not open is told: no record named."""
    return _("This value is not available.")


def refuse_sharing(fields: list[str]) -> None:
    """The 403 naming each of owner, participants and visibility the user may not set."""
    if not fields:
        return
    messages = {
        "owner": _("You may not change the owner of this record."),
        "participants": _("You may not change who takes part in this record."),
        "visibility": _("You may not change the visibility of this record."),
    }
    raise PermissionDenied(
        " ".join(messages[f] for f in fields), errors={f: [messages[f]] for f in fields}
    )


def _user_id(owner) -> int | None:
    """The id an owner is given by (a user or an id), without reading the database."""
    value = getattr(owner, "pk", owner)
    if isinstance(value, bool) or not is_digits(str(value)):
        return None
    return int(value)


class SharingChecks:
    """Owner, visibility and participants as `RecordService` checks and reads them."""

    def _check_new_sharing(self, user, entity, owner, visibility, invited) -> None:
        """Who owns, takes part in and sees a new record: beyond the caller and the type's
        defaults, the caller's system role must allow it (no one holds a role on a record
        that does not exist yet)."""
        refused = []
        may_hand_over = engine.can(user, "change_user", entity=entity)
        caller = {user.pk} if user is not None else set()
        if owner is not None and not may_hand_over and _user_id(owner) not in caller:
            refused.append("owner")
        if invited is not None and not may_hand_over:
            default_users, default_teams = grants.defaults(entity, user)
            users, teams = invited
            if set(users) - caller - set(default_users) or set(teams) - set(default_teams):
                refused.append("participants")
        if (
            visibility is not None
            and visibility != access_spec(entity).default_visibility
            and not engine.can(user, "change_visibility", entity=entity)
        ):
            refused.append("visibility")
        refuse_sharing(refused)

    def _check_sharing(self, user, record, owner, visibility, invited, held) -> None:
        """A change of owner or participants needs `change_user` on the record, a change of
        visibility `change_visibility`; a value sent unchanged needs nothing.

        Owner and participants of a record the user may not open count as changed whenever
        they are sent: else 200 against 403 would tell whether a guess was right.
        """
        opens = engine.can(user, "view", record)
        changed = {
            "owner": owner is not None and (not opens or _user_id(owner) != record.owner_id),
            "participants": invited is not None
            and (not opens or {"users": invited[0], "teams": invited[1]} != held),
            "visibility": visibility is not None and visibility != record.visibility,
        }
        refuse_sharing(
            [
                name
                for name, differs in changed.items()
                if differs and not engine.can(user, SHARING_ACTIONS[name], record)
            ]
        )

    def _owner(self, owner):
        """A user object for an owner given as a user or an id; only active users own."""
        user_model = get_user_model()
        if isinstance(owner, user_model) and owner.is_active:
            return owner
        if not isinstance(owner, bool) and is_digits(str(owner)):
            found = user_model.objects.filter(pk=int(owner), is_active=True).first()
            if found is not None:
                return found
        raise RecordInvalid(_("Choose an active user as the owner."), field="owner")

    def _visibility(self, entity, visibility: str | None) -> str:
        spec = access_spec(entity)
        if visibility is None:
            return spec.default_visibility
        if visibility not in spec.allowed:
            raise RecordInvalid(
                _("Visibility must be one of: %(values)s.") % {"values": ", ".join(spec.allowed)},
                field="visibility",
            )
        return visibility

    def _participants(self, entity, participants: Any) -> tuple[list[int], list[int]]:
        if "participant" not in access_spec(entity).roles:
            raise RecordInvalid(
                _("Records of this type have no participants."), field="participants"
            )
        if not isinstance(participants, dict) or set(participants) - {"users", "teams"}:
            raise RecordInvalid(
                _('Give participants as {"users": [ids], "teams": [ids]}.'),
                field="participants",
            )
        return grants.clean(participants.get("users"), participants.get("teams"))
