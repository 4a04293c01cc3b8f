"""Changing a record's visibility becomes a permission of its own: `change_visibility`.

Until now anyone who could edit a record could also hide it from everyone else, which is
a delete in effect. Existing entity types give the new permission to each system role and
object role that may both edit and delete, never to more than could change it before
(edit); with the shipped defaults that is Managers and the Owner, as on new entity types.
The schema version moves, so running processes read the new sets.
"""

import uuid

from django.db import migrations
from django.db.models import F

ACTION = "change_visibility"
#: Action order as the settings show it (a literal: later changes to the model must not
#: change what this migration did).
ORDER = (
    "view",
    "add",
    "edit",
    "delete",
    "export",
    "import",
    "change_user",
    "change_visibility",
    "view_history",
)


def _with_action(actions: list) -> list:
    chosen = set(actions) | {ACTION}
    return [a for a in ORDER if a in chosen] + [a for a in actions if a not in ORDER]


def _granted(permissions: dict) -> dict:
    return {
        role: _with_action(actions) if {"edit", "delete"} <= set(actions) else actions
        for role, actions in permissions.items()
    }


def _without(permissions: dict) -> dict:
    return {role: [a for a in actions if a != ACTION] for role, actions in permissions.items()}


def _rewrite(apps, change) -> None:
    access = apps.get_model("access", "EntityAccess")
    for row in access.objects.all():
        row.system_permissions = change(row.system_permissions)
        row.object_permissions = change(row.object_permissions)
        row.save(update_fields=["system_permissions", "object_permissions"])
    state = apps.get_model("metamodel", "SchemaState")
    state.objects.update(version=F("version") + 1, token=uuid.uuid4())


def grant(apps, schema_editor):
    _rewrite(apps, _granted)


def revoke(apps, schema_editor):
    _rewrite(apps, _without)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("metamodel", "0002_schema_state_row"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
