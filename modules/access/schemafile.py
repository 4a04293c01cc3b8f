"""The `access` key of `schemas/*.yaml`: an entity type's visibility, permissions and
default participants, as administrators set them under Settings > Access.

    access:
      visibility: {allowed: [public, non_public, hidden], default: public}
      object_roles: [owner, participant]
      system: {manager: [view, add, edit, delete, export, import], user: [view, add]}
      objects: {owner: [view, edit, delete], participant: [view]}
      participants: {creator_team: false, users: [jan.nowak], teams: [Sales]}

Users are named by username and teams by name, so a file moves between installations;
a name the installation does not have is reported and left out. `export_schema` writes the
key only for a type whose access was configured; `sync_schemas` applies it through
`AccessService` when the type has no settings yet, or when the stored ones are still
exactly what the file said last time; settings an administrator changed are left alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from modules.access.models import (
    CONFIGURABLE_ROLES,
    RECORD_ACTIONS,
    Action,
    EntityAccess,
    ObjectRole,
    Visibility,
)
from modules.access.services import AccessService
from modules.accounts.models import Team
from modules.metamodel.models import EntityType
from modules.metamodel.schemafiles.sections import Section, register_section


def _names(values) -> dict:
    return {"type": "array", "items": {"enum": list(values)}, "uniqueItems": True}


SCHEMA = {
    "type": "object",
    "description": "Visibility, permissions and default participants (see docs/security.md).",
    "additionalProperties": False,
    "properties": {
        "visibility": {
            "type": "object",
            "additionalProperties": False,
            "required": ["allowed", "default"],
            "properties": {
                "allowed": _names(Visibility.values),
                "default": {"enum": list(Visibility.values)},
            },
        },
        "object_roles": _names(ObjectRole.values),
        "system": {
            "type": "object",
            "additionalProperties": False,
            "properties": {role: _names(Action.values) for role in CONFIGURABLE_ROLES},
        },
        "objects": {
            "type": "object",
            "additionalProperties": False,
            "properties": {role: _names(RECORD_ACTIONS) for role in ObjectRole.values},
        },
        "participants": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "creator_team": {"type": "boolean"},
                "users": {"type": "array", "items": {"type": "string"}},
                "teams": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


def export_access(entity) -> dict | None:
    """The stored settings, users and teams by name; None when never configured."""
    if not EntityAccess.objects.filter(entity_type_id=entity.id).exists():
        return None
    settings = AccessService().settings(entity.slug)
    participants = settings["participants"]
    users = get_user_model().objects.filter(pk__in=participants["users"])
    teams = Team.objects.filter(pk__in=participants["teams"])
    settings["participants"] = {
        "creator_team": participants["creator_team"],
        "users": sorted(users.values_list("username", flat=True)),
        "teams": sorted(teams.values_list("name", flat=True)),
    }
    return settings


def apply_access(user, slug: str, now: Any, before: Any) -> list[str]:
    """Apply the file's settings unless an administrator changed the stored ones."""
    configured = EntityAccess.objects.filter(entity_type__slug=slug).exists()
    if configured and (before is None or export_access(_entity_type(slug)) != before):
        return [_("access settings changed by an administrator, left as is")]
    service, report = AccessService(), []
    if "visibility" in now:
        visibility = now["visibility"]
        service.update_visibility(
            user, slug, allowed=visibility["allowed"], default=visibility["default"]
        )
    if any(key in now for key in ("object_roles", "system", "objects")):
        service.update_permissions(
            user,
            slug,
            object_roles=now.get("object_roles"),
            system=now.get("system"),
            objects=now.get("objects"),
        )
    if "participants" in now:
        users, teams, missing = _holders(now["participants"])
        report += [_("unknown user or team %(name)s left out") % {"name": n} for n in missing]
        service.update_participants(
            user,
            slug,
            creator_team=now["participants"].get("creator_team"),
            users=users,
            teams=teams,
        )
    return [*report, _("access settings applied")]


def _entity_type(slug: str) -> EntityType:
    return EntityType.objects.get(slug=slug)


def _holders(participants: dict) -> tuple[list[int], list[int], list[str]]:
    usernames = participants.get("users", [])
    names = participants.get("teams", [])
    users = dict(
        get_user_model().objects.filter(username__in=usernames).values_list("username", "pk")
    )
    teams = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [n for n in usernames if n not in users] + [n for n in names if n not in teams]
    return sorted(users.values()), sorted(teams.values()), missing


def register() -> None:
    """Accept and apply the `access` key of definition files."""
    register_section(Section(key="access", schema=SCHEMA, apply=apply_access, export=export_access))
