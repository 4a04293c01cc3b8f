"""AccountService's team changes: create, update (rename, re-parent, members), delete.

    sales = AccountService().create_team(
        admin, name="Sales", members=[{"user": 7, "role": "manager"}]
    )

Changes to the tree lock every team row first (`_lock_tree`), so no cycle slips in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from modules.accounts.exceptions import (
    AccountInvalid,
    DuplicateName,
    TeamCycle,
    TeamHasChildren,
    TeamInUse,
    TeamNotFound,
)
from modules.accounts.models import Membership, Team, User
from modules.accounts.services.support import (
    NAME_LENGTH,
    UNSET,
    AccountSupport,
    _clean_pairs,
    _id,
    _replace_memberships,
    _valid_id,
    administrators_exist,
)
from modules.accounts.services.tree import team_usage, would_cycle


class TeamChanges(AccountSupport):
    """Creates, changes and deletes teams and their memberships."""

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
