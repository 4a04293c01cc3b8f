"""AccessService: administrators change who may see and do what, per entity type.

    service = AccessService()
    service.update_visibility(admin, "persons", allowed=["public", "hidden"], default="hidden")
    service.update_permissions(admin, "deals", system={"user": ["view", "add"]},
                               objects={"owner": ["view", "edit", "delete"]})
    service.update_participants(admin, "persons", creator_team=True, users=[], teams=[4])

Each change is validated whole, saved in one transaction and bumps the schema
version, so every process applies the new rules from its next request on.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from modules.access import grants
from modules.access.models import (
    CONFIGURABLE_ROLES,
    RECORD_ACTIONS,
    Action,
    EntityAccess,
    ObjectRole,
    Visibility,
)
from modules.access.spec import build_spec
from modules.core.exceptions import TesseraError
from modules.core.permissions import require_administrator
from modules.metamodel.models import EntityType, SchemaState
from modules.metamodel.runtime import get_snapshot


class AccessSettingsInvalid(TesseraError):
    """Raised when access settings are not valid; nothing is saved."""

    code = "invalid"


def _names(value: Any, allowed, field: str, errors: dict) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = [_("Give a list of names.")]
        return None
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        errors[field] = [
            _("Unknown: %(names)s. Choose from: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(allowed)}
        ]
        return None
    return [v for v in allowed if v in value]


class AccessService:
    """Reads and changes the access settings of entity types."""

    def settings(self, slug: str) -> dict:
        """Everything the settings screen and the API show for one entity type."""
        entity = get_snapshot().entity(slug)
        # Read the row itself: right after a change the request's snapshot is older.
        row = (
            EntityAccess.objects.filter(entity_type_id=entity.id)
            .prefetch_related("default_participant_users", "default_participant_teams")
            .first()
        )
        spec = build_spec(entity, row)
        return {
            "visibility": {"allowed": list(spec.allowed), "default": spec.default_visibility},
            "object_roles": [r for r in ObjectRole.values if r in spec.roles],
            "system": {
                role: [a for a in Action.values if spec.system_allows(role, a)]
                for role in CONFIGURABLE_ROLES
            },
            "objects": {
                role: [a for a in RECORD_ACTIONS if a in spec.objects.get(role, ())]
                for role in ObjectRole.values
                if role in spec.roles
            },
            "participants": {
                "creator_team": spec.creator_team_participates,
                "users": list(spec.default_users),
                "teams": list(spec.default_teams),
            },
        }

    def update_visibility(self, user, slug: str, *, allowed: Any, default: Any) -> dict:
        require_administrator(user)
        entity = get_snapshot().entity(slug)
        errors: dict[str, list[str]] = {}
        values = _names(allowed, Visibility.values, "allowed", errors)
        if values is not None and not values:
            errors["allowed"] = [_("Allow at least one visibility.")]
        if not entity.supports_visibility and values not in (None, [Visibility.PUBLIC.value]):
            errors["allowed"] = [
                _("Records of this type are always public; enable record visibility first.")
            ]
        if not errors and default not in values:
            errors["default"] = [_("The default must be one of the allowed visibilities.")]
        if errors:
            raise AccessSettingsInvalid(_("The visibility settings are not valid."), errors=errors)
        self._save(user, entity, allowed_visibilities=values, default_visibility=default)
        return self.settings(slug)

    def update_permissions(
        self, user, slug: str, *, object_roles=None, system=None, objects=None
    ) -> dict:
        """Change the enabled object roles and the permission sets; omitted parts stay."""
        require_administrator(user)
        entity = get_snapshot().entity(slug)
        current = self.settings(slug)
        errors: dict[str, list[str]] = {}
        roles = current["object_roles"]
        if object_roles is not None:
            chosen = _names(object_roles, ObjectRole.values, "object_roles", errors)
            if chosen is not None and ObjectRole.OWNER not in chosen:
                errors["object_roles"] = [_("Every record has an owner; keep the Owner role.")]
            roles = chosen or roles
        new_system = dict(current["system"])
        if system is not None:
            if not isinstance(system, dict):
                errors["system"] = [_("Give the actions per system role.")]
            else:
                for role, actions in system.items():
                    if role not in CONFIGURABLE_ROLES:
                        errors[f"system.{role}"] = [
                            _("Administrators may do everything; configure: %(roles)s.")
                            % {"roles": ", ".join(CONFIGURABLE_ROLES)}
                        ]
                        continue
                    cleaned = _names(actions, Action.values, f"system.{role}", errors)
                    if cleaned is not None:
                        new_system[role] = cleaned
        new_objects = {
            role: current["objects"].get(role, []) for role in roles if role in current["objects"]
        }
        if objects is not None:
            if not isinstance(objects, dict):
                errors["objects"] = [_("Give the actions per object role.")]
            else:
                for role, actions in objects.items():
                    if role not in roles:
                        errors[f"objects.{role}"] = [
                            _("This entity type has no role '%(role)s'.") % {"role": role}
                        ]
                        continue
                    cleaned = _names(actions, RECORD_ACTIONS, f"objects.{role}", errors)
                    if cleaned is not None:
                        new_objects[role] = cleaned
        if errors:
            raise AccessSettingsInvalid(_("The permissions are not valid."), errors=errors)
        self._save(
            user,
            entity,
            object_roles=roles,
            system_permissions=new_system,
            object_permissions={r: new_objects.get(r, []) for r in roles},
        )
        return self.settings(slug)

    def update_participants(self, user, slug: str, *, creator_team=None, users=None, teams=None):
        """Change who is invited to new records by default."""
        require_administrator(user)
        entity = get_snapshot().entity(slug)
        if creator_team is not None and not isinstance(creator_team, bool):
            raise AccessSettingsInvalid(_("Give true or false."), field="creator_team")
        current = self.settings(slug)["participants"]
        user_ids, team_ids = grants.clean(
            current["users"] if users is None else users,
            current["teams"] if teams is None else teams,
        )
        changes = {}
        if creator_team is not None:
            changes["creator_team_participates"] = creator_team
        self._save(user, entity, m2m={"users": user_ids, "teams": team_ids}, **changes)
        return self.settings(slug)

    @transaction.atomic
    def _save(self, user, entity, *, m2m: dict | None = None, **changes) -> None:
        # Lock the entity type, as schema changes do: changes to one type are serialised.
        row = EntityType.objects.select_for_update(no_key=True).get(pk=entity.id)
        access, _created = EntityAccess.objects.get_or_create(entity_type=row)
        for name, value in changes.items():
            setattr(access, name, value)
        # simple-history records the acting user even outside a request.
        access._history_user = user
        access.save()
        if m2m is not None:
            access.default_participant_users.set(m2m["users"])
            access.default_participant_teams.set(m2m["teams"])
        SchemaState.bump()
