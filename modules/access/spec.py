"""What the access engine reads before it decides: an entity type's access settings and a
user's role and teams, each read once and cached.

    access_spec("deals").granted_roles     # ("participant", "responsible")
    user_access(request.user).is_admin     # True for a superuser or a team administrator

The engine (`engine.py`) and the grants (`grants.py`) both build on these; neither
imports the other for them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection

from modules.access.models import (
    GRANTED_ROLES,
    EntityAccess,
    ObjectRole,
    Visibility,
    default_allowed,
    default_object_permissions,
    default_object_roles,
    default_system_permissions,
)
from modules.accounts.models import Membership, Team
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec

#: The attribute lists set on each row: may the user open it (not only list it)?
OPEN_FLAG = "access_open"

_generation_lock = threading.Lock()
_generation = [0]


def teams_changed(**kwargs) -> None:
    """Forget cached team memberships (connected to Team/Membership signals)."""
    with _generation_lock:
        _generation[0] += 1


@dataclass(frozen=True)
class AccessSpec:
    """The access settings of one entity type, as the bound schema snapshot saw them."""

    entity_id: int
    allowed: tuple[str, ...]
    default_visibility: str
    roles: frozenset[str]
    system: dict[str, frozenset[str]]
    objects: dict[str, frozenset[str]]
    creator_team_participates: bool = True
    default_users: tuple[int, ...] = ()
    default_teams: tuple[int, ...] = ()

    def system_allows(self, role: str, action: str) -> bool:
        return action in self.system.get(role, frozenset())

    def roles_allowing(self, action: str) -> frozenset[str]:
        return frozenset(r for r in self.roles if action in self.objects.get(r, ()))

    @property
    def granted_roles(self) -> tuple[str, ...]:
        """The enabled roles held through grants (not columns of the record)."""
        return tuple(r for r in GRANTED_ROLES if r in self.roles)


@dataclass
class UserAccess:
    """What the engine needs to know about a user, read once per request (one query)."""

    user_id: int
    is_admin: bool
    role: str
    team_ids: tuple[int, ...]
    #: The teams this user manages with all their sub-teams, and those teams' members.
    subtree_ids: tuple[int, ...] = ()
    managed_members: frozenset[int] = frozenset()

    def manages(self, owner_id: int | None) -> bool:
        """Is `owner_id` a member of a team this manager leads (or of its sub-teams)?"""
        return owner_id is not None and owner_id in self.managed_members


def build_spec(entity: EntitySpec, row: EntityAccess | None) -> AccessSpec:
    """The settings of an entity type from its row (None: the defaults)."""
    if row is None:
        allowed, default = default_allowed(), Visibility.PUBLIC.value
        roles, system, objects = (
            default_object_roles(),
            default_system_permissions(),
            default_object_permissions(),
        )
        creator_team, users, teams = True, (), ()
    else:
        allowed, default = row.allowed_visibilities, row.default_visibility
        roles, system, objects = row.object_roles, row.system_permissions, row.object_permissions
        creator_team = row.creator_team_participates
        users = tuple(u.pk for u in row.default_participant_users.all())
        teams = tuple(t.pk for t in row.default_participant_teams.all())
    if not entity.supports_visibility:
        allowed, default = [Visibility.PUBLIC.value], Visibility.PUBLIC.value
    return AccessSpec(
        entity_id=entity.id,
        allowed=tuple(v for v in Visibility.values if v in allowed),
        default_visibility=default,
        roles=frozenset(roles) | {ObjectRole.OWNER.value},
        system={role: frozenset(actions) for role, actions in system.items()},
        objects={role: frozenset(actions) for role, actions in objects.items()},
        creator_team_participates=creator_team,
        default_users=users,
        default_teams=teams,
    )


def _load_specs(snapshot) -> dict[int, AccessSpec]:
    rows = {
        row.entity_type_id: row
        for row in EntityAccess.objects.prefetch_related(
            "default_participant_users", "default_participant_teams"
        )
    }
    return {e.id: build_spec(e, rows.get(e.id)) for e in snapshot.entities}


def access_spec(entity: EntitySpec | str) -> AccessSpec:
    """The access settings of an entity type (read once per schema snapshot)."""
    snapshot = get_snapshot()
    if isinstance(entity, str):
        entity = snapshot.entity(entity)
    return snapshot.memo(("access-specs",), lambda: _load_specs(snapshot))[entity.id]


def user_access(user) -> UserAccess | None:
    """The user's role and teams, read once per user object; None for the system."""
    if user is None:
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserAccess(user_id=0, is_admin=False, role="", team_ids=())
    cached = getattr(user, "_tessera_access", None)
    if cached is not None and cached[0] == _generation[0]:
        return cached[1]
    generation = _generation[0]
    memberships, subtree, managed_members = _memberships(user.pk)
    roles = {role for _team, role in memberships}
    is_admin = bool(user.is_superuser) or "administrator" in roles
    access = UserAccess(
        user_id=user.pk,
        is_admin=is_admin,
        role="manager" if "manager" in roles else "user",
        team_ids=tuple(sorted({team for team, _role in memberships})),
        subtree_ids=tuple(sorted(subtree)),
        managed_members=frozenset(managed_members),
    )
    user._tessera_access = (generation, access)
    return access


def is_admin(user) -> bool:
    """Is the active `user` a superuser or a team administrator? (`User.is_administrator`)"""
    return user_access(user).is_admin


def _memberships(user_id: int) -> tuple[list[tuple[int, str]], list[int], list[int]]:
    """The user's (team, role) pairs; for a manager, the teams they lead with all sub-teams
    and those teams' members. One round trip: a recursive CTE walks the team tree."""
    membership, team = Membership._meta.db_table, Team._meta.db_table
    sql = (
        "WITH RECURSIVE sub(id) AS ("
        f"SELECT team_id FROM {membership} WHERE user_id = %s AND role = 'manager' "
        f"UNION SELECT t.id FROM {team} t JOIN sub ON t.parent_id = sub.id) "
        f"SELECT 0, team_id, role FROM {membership} WHERE user_id = %s "
        "UNION ALL SELECT 1, id, '' FROM sub "
        f"UNION ALL SELECT 2, m.user_id, '' FROM {membership} m "
        "WHERE m.team_id IN (SELECT id FROM sub)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id])
        rows = cursor.fetchall()
    return (
        [(a, role) for kind, a, role in rows if kind == 0],
        [a for kind, a, _r in rows if kind == 1],
        [a for kind, a, _r in rows if kind == 2],
    )
