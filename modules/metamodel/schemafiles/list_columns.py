"""The `list_columns` key of `schemas/*.yaml`: the fields a type's record list shows.

    list_columns: [name, city, owner_phone]

A section rather than a key of the type itself: its fields must exist first, and
sections apply once every field is synced. `sync_schemas` applies it when the type shows
the basic fields (nothing chosen) or still exactly what the file said last time; columns an
administrator chose are left alone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from modules.metamodel.models import EntityType, FieldDefinition
from modules.metamodel.schemafiles.sections import Section, register_section
from modules.metamodel.services import SchemaService

SCHEMA = {
    "type": "array",
    "description": "Field API names the record list shows, in order.",
    "items": {"$ref": "#/$defs/name"},
    "uniqueItems": True,
}


def export_columns(entity: EntityType) -> list[str] | None:
    """The chosen columns by API name; None when the list shows the basic fields."""
    if not entity.list_columns:
        return None
    names = dict(
        FieldDefinition.objects.filter(pk__in=entity.list_columns).values_list("pk", "api_name")
    )
    return [names[pk] for pk in entity.list_columns if pk in names] or None


def apply_columns(user, slug: str, now: Any, before: Any) -> list[str]:
    """Set the columns unless an administrator chose others."""
    stored = export_columns(EntityType.objects.get(slug=slug))
    if stored is not None and stored != before:
        return [_("list columns changed by an administrator, left as is")]
    SchemaService().update_entity_type(user, slug, list_columns=now)
    return [_("list columns applied")]


def register() -> None:
    """Accept and apply the `list_columns` key of definition files."""
    register_section(
        Section(key="list_columns", schema=SCHEMA, apply=apply_columns, export=export_columns)
    )
