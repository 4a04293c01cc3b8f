"""The only writer of users, teams and memberships; the API and the admin screens call it.

    service = AccountService()
    sales = service.create_team(admin, name="Sales", members=[{"user": 7, "role": "manager"}])
    service.update_team(admin, north.pk, parent=sales.pk)    # TeamCycle if sales is under north
    service.delete_team(admin, sales.pk)                     # TeamHasChildren, TeamInUse
    service.create_user(admin, username="ada", password=None, teams=[{"team": 3, "role": "user"}])
    service.create_user(admin, username="bo@example.com", email="bo@example.com",
                        temporary_password=True)   # e-mailed; changed at first sign-in

Every method takes the acting user first (`None` is the system) and requires an
administrator. Each write is one transaction; a refusal changes nothing. Changes to
the team tree lock every team row first, so two concurrent re-parentings cannot
together make a cycle that each alone would not. An active user takes a paid seat:
creating one, or turning `is_active` on, is refused when none is free.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from modules.accounts.emails import send_temporary_password
from modules.accounts.exceptions import (
    AccountInvalid,
    DuplicateName,
    LastAdministrator,
    TeamCycle,
    TeamHasChildren,
    TeamInUse,
    TeamNotFound,
    UserNotFound,
    WrongUserStatus,
)
from modules.accounts.models import Membership, Role, Team, User, UserStatus, revoke_tokens
from modules.accounts.seats import require_free_seat
from modules.core.permissions import require_administrator

#: A keyword left out of an update: the value stays as it is.
UNSET: Any = object()
NAME_LENGTH = 150
PASSWORD_LENGTH = 4096


# -- reading the tree ----------------------------------------------------------------------------
def team_tree(teams: Iterable[Team] | None = None) -> list[tuple[Team, int]]:
    """Teams depth first, each with its depth (0 at the top); siblings sorted by name."""
    teams = list(Team.objects.all() if teams is None else teams)
    known = {t.pk for t in teams}
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        parent = team.parent_id if team.parent_id in known else None
        children.setdefault(parent, []).append(team)
    for siblings in children.values():
        siblings.sort(key=lambda t: (t.name.casefold(), t.pk))
    result: list[tuple[Team, int]] = []
    seen: set[int] = set()
    stack = [(team, 0) for team in reversed(children.get(None, []))]
    while stack:
        team, depth = stack.pop()
        if team.pk in seen:
            continue
        seen.add(team.pk)
        result.append((team, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(team.pk, [])))
    # Only a cycle stored behind the service's back leaves teams unvisited; show them anyway.
    result.extend((team, 0) for team in teams if team.pk not in seen)
    return result


def descendant_ids(team_id: int, parents: Mapping[int, int | None]) -> set[int]:
    """Ids of every team below `team_id` in the tree `{team id: parent id}`."""
    below: set[int] = set()
    for candidate in parents:
        if candidate == team_id:
            continue
        seen = {candidate}
        current = parents.get(candidate)
        while current is not None and current not in seen:
            if current == team_id:
                below.add(candidate)
                break
            seen.add(current)
            current = parents.get(current)
    return below


def would_cycle(team_id: int, parent_id: int | None, parents: Mapping[int, int | None]) -> bool:
    """Whether putting `team_id` under `parent_id` would make a loop in the tree."""
    seen: set[int] = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == team_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return current is not None  # a loop already there, above the new parent


def team_usage(team: Team) -> list[tuple[str, int]]:
    """What refers to the team, as `(what, how many)`: everything but sub-teams and members.

    Found from the model's reverse relations, so data other modules add (record grants,
    default participants, ...) counts without this module knowing it. Historical copies
    (django-simple-history's, which do nothing on delete) do not count.
    """
    usage = []
    for relation in Team._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if model in (Team, Membership) or model._meta.auto_created:
            continue
        if getattr(relation, "on_delete", None) is models.DO_NOTHING:
            continue
        count = model._base_manager.filter(**{relation.field.name: team}).count()
        if count:
            usage.append((str(capfirst(model._meta.verbose_name_plural)), count))
    return usage


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


class AccountService:
    """Creates and changes users, teams and memberships for administrators."""

    # -- permissions and guards ------------------------------------------------------------
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

    # -- teams ---------------------------------------------------------------------------------
    def create_team(
        self, actor, *, name: str, parent: Any = None, members: Iterable[Mapping] = ()
    ) -> Team:
        """A new team under `parent` (a team or its id; `None`: at the top) with `members`."""
        self.require_administrator(actor)
        with transaction.atomic():
            parents = self._lock_tree()
            errors: dict[str, list[str]] = {}
            name = self._clean_team_name(name, errors)
            parent_id = self._clean_parent(_id(parent), parents, errors)
            members = self._clean_members(members, errors)
            if errors:
                raise AccountInvalid(_("Some values are not valid."), errors=errors)
            self._check_team_name_free(name, None)
            team = Team(name=name, parent_id=parent_id)
            self._save(team, "name")
            self._set_members(team, members)
        return team

    def update_team(
        self, actor, team_id: Any, *, name: Any = UNSET, parent: Any = UNSET, members: Any = UNSET
    ) -> Team:
        """Rename a team, move it under another parent, replace its members (each if given)."""
        self.require_administrator(actor)
        with transaction.atomic():
            had_administrator = administrators_exist()
            parents = self._lock_tree()
            team = self.get_team(team_id)
            errors: dict[str, list[str]] = {}
            if name is not UNSET:
                name = self._clean_team_name(name, errors)
            if parent is not UNSET:
                parent = self._clean_parent(_id(parent), parents, errors)
            if members is not UNSET:
                members = self._clean_members(members, errors)
            if errors:
                raise AccountInvalid(_("Some values are not valid."), errors=errors)
            if name is not UNSET and name != team.name:
                self._check_team_name_free(name, team.pk)
                team.name = name
            if parent is not UNSET and parent != team.parent_id:
                if would_cycle(team.pk, parent, parents):
                    raise TeamCycle(
                        _(
                            "A team cannot be placed under itself or under one of its own "
                            "sub-teams."
                        ),
                        field="parent",
                    )
                team.parent_id = parent
            self._save(team, "name")
            if members is not UNSET:
                self._set_members(team, members)
                self.keep_an_administrator(had_administrator)
        return team

    def delete_team(self, actor, team_id: Any) -> None:
        """Delete a team with no sub-teams that nothing else refers to; members leave it."""
        self.require_administrator(actor)
        with transaction.atomic():
            had_administrator = administrators_exist()
            self._lock_tree()
            team = self.get_team(team_id)
            children = list(team.children.order_by("name").values_list("name", flat=True))
            if children:
                raise TeamHasChildren(
                    _("The team %(team)s has sub-teams (%(children)s); move or delete them first.")
                    % {"team": team.name, "children": ", ".join(children)}
                )
            usage = team_usage(team)
            if usage:
                raise TeamInUse(
                    _("The team %(team)s is still in use (%(usage)s); remove those first.")
                    % {
                        "team": team.name,
                        "usage": ", ".join(f"{what}: {count}" for what, count in usage),
                    }
                )
            team.delete()
            self.keep_an_administrator(had_administrator)

    @staticmethod
    def get_team(team_id: Any) -> Team:
        """The team, or TeamNotFound."""
        team_id = _id(team_id)
        team = Team.objects.filter(pk=team_id).first() if _valid_id(team_id) else None
        if team is None:
            raise TeamNotFound(_("There is no such team."))
        return team

    @staticmethod
    def _clean_team_name(name: Any, errors: dict) -> str:
        if not isinstance(name, str) or not name.strip():
            errors["name"] = [_("Give the team a name.")]
            return ""
        name = name.strip()
        if len(name) > NAME_LENGTH:
            errors["name"] = [_("At most %(n)s characters.") % {"n": NAME_LENGTH}]
        return name

    @staticmethod
    def _check_team_name_free(name: str, team_id: int | None) -> None:
        taken = Team.objects.filter(name__iexact=name).exclude(pk=team_id)
        if taken.exists():
            raise DuplicateName(
                _("There is already a team called %(name)s.") % {"name": name}, field="name"
            )

    @staticmethod
    def _clean_parent(parent_id: Any, parents: Mapping, errors: dict) -> int | None:
        if parent_id is None:
            return None
        if not _valid_id(parent_id) or parent_id not in parents:
            errors["parent"] = [_("There is no such team.")]
            return None
        return parent_id

    @staticmethod
    def _clean_members(members: Any, errors: dict) -> dict[int, str]:
        """`[{"user": id, "role": role}, ...]` as `{user id: role}`."""
        return _clean_pairs(members, "members", "user", User, errors)

    @staticmethod
    def _set_members(team: Team, members: dict[int, str]) -> None:
        _replace_memberships(Membership.objects.filter(team=team), "user_id", members, team=team)

    @staticmethod
    def _save(instance: models.Model, unique_field: str) -> None:
        """Save; a unique clash with a concurrent writer is a DuplicateName, not a 500."""
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            raise DuplicateName(_("This name is already taken."), field=unique_field) from None

    # -- users ---------------------------------------------------------------------------------
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


# -- memberships ---------------------------------------------------------------------------------
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
