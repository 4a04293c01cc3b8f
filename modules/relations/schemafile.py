"""Relation types in `schemas/*.yaml`: each file lists the types its entity type is the
source of, by key.

    relations:
      headquarters_branch:
        target: companies
        source_label: {en: Headquarters, pl: Centrala}
        target_label: {en: Branch, pl: Oddział}
        max_sources: 1            # a branch has one headquarters
      competitors: {target: companies, symmetric: true, source_label: {en: Competitors}}

`sync_schemas` applies them as it applies fields: a type is created once, a shipped
change is applied only where the administrator has not changed that setting, and a
type the administrator trashed stays in the trash. `export_schema` writes them back.
The key is a section of the metamodel's definition files, registered by `register()` at
the app's `ready()`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError
from modules.metamodel.labels import clean_label
from modules.metamodel.schemafiles.sections import Section, register_section
from modules.relations.models import RelationType
from modules.relations.type_service import RelationTypeService, section_positions

#: Settings a sync may change on an existing type, with their defaults (form sections are
#: set when a type is created only: the administrator arranges forms).
SETTINGS = {"source_label": None, "target_label": {}, "max_targets": None, "max_sources": None}

#: The `relations` key: relation types whose source is this entity type, by key.
SCHEMA = {
    "type": "object",
    "description": "Relation types whose source is this entity type, by key (unique across files).",
    "propertyNames": {"$ref": "#/$defs/name"},
    "additionalProperties": {
        "type": "object",
        "required": ["target", "source_label"],
        "additionalProperties": False,
        "properties": {
            "target": {"$ref": "#/$defs/name"},
            "source_label": {"$ref": "#/$defs/label"},
            "target_label": {"$ref": "#/$defs/label"},
            "symmetric": {"type": "boolean"},
            "max_targets": {"type": "integer", "minimum": 1},
            "max_sources": {"type": "integer", "minimum": 1},
            "source_form_section": {
                "type": "integer",
                "minimum": 1,
                "description": "Show the relation as a field in this section (from 1) of the "
                "source's form.",
            },
            "target_form_section": {
                "type": "integer",
                "minimum": 1,
                "description": "Show the relation as a field in this section (from 1) of the "
                "target's form.",
            },
        },
    },
}


def check(definitions: list[dict], known: set[str]) -> dict[str, list[str]]:
    """Problems of the files' relation types, found before anything is applied: `known`
    are the entity types that exist or that a file defines."""
    errors: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for definition in definitions:
        slug = definition["slug"]
        for target in sorted(targets(definition) - known):
            errors.setdefault(f"{slug}:relations", []).append(
                _("There is no entity type '%(slug)s'.") % {"slug": target}
            )
        for key, spec in definition.get("relations", {}).items():
            place = f"{slug}:relations/{key}"
            if key in seen:
                errors.setdefault(place, []).append(
                    _("%(file)s also defines the relation type '%(key)s'.")
                    % {"file": seen[key], "key": key}
                )
            seen.setdefault(key, slug)
            for label in ("source_label", "target_label"):
                try:
                    clean_label(spec.get(label), key=label, required=label == "source_label")
                except TesseraError as error:
                    errors.setdefault(place, []).append(error.detail)
            if spec.get("symmetric"):
                if spec["target"] != slug:
                    errors.setdefault(place, []).append(
                        _(
                            "A symmetric relation links records of one type: "
                            "target must be %(slug)s."
                        )
                        % {"slug": slug}
                    )
            elif not spec.get("target_label"):
                errors.setdefault(place, []).append(_("Name the target side (target_label)."))
    return errors


def targets(definition: dict) -> set[str]:
    """The entity types a file's relation types link to."""
    return {spec["target"] for spec in definition.get("relations", {}).values()}


def _data(slug: str, spec: dict) -> dict:
    data = {
        "source": slug,
        "target": spec["target"],
        "source_label": spec["source_label"],
        "symmetric": spec.get("symmetric", False),
    }
    for key in (
        "target_label",
        "max_targets",
        "max_sources",
        "source_form_section",
        "target_form_section",
    ):
        if key in spec:
            data[key] = spec[key]
    return data


def sync(user, slug: str, now: dict, before: dict | None) -> list[str]:
    """Apply one file's relation types (a three-way merge, as for fields); report lines."""
    shipped_before = before or {}
    service = RelationTypeService()
    report = []
    for key, spec in now.items():
        row = RelationType.objects.filter(key=key).first()
        if row is None:
            if key in shipped_before:
                continue
            service.create(user, {"key": key, **_data(slug, spec)}, is_system=True)
            report.append(f"relation {key} added")
            continue
        if row.deleted_at is not None:
            continue
        before = shipped_before.get(key)
        changes = {}
        for name, default in SETTINGS.items():
            now = spec.get(name, default)
            current = getattr(row, name)
            then = before.get(name, default) if before is not None else now
            if now != current and current == then:
                changes[name] = now
        if changes:
            service.update(user, row.pk, changes)
            report.append(f"relation {key} updated {', '.join(sorted(changes))}")
    return report


def export(entity) -> dict | None:
    """The relation types `entity` is the source of, as a file lists them (None: none)."""
    result = {}
    rows = RelationType.objects.alive().filter(source=entity).select_related("target")
    positions = section_positions()
    for index, row in enumerate(rows.order_by("id"), start=1):
        spec: dict = {"target": row.target.slug, "source_label": row.source_label}
        if row.symmetric:
            spec["symmetric"] = True
        elif row.target_label:
            spec["target_label"] = row.target_label
        for name in ("max_targets", "max_sources"):
            if getattr(row, name) is not None and not (row.symmetric and name == "max_sources"):
                spec[name] = getattr(row, name)
        for end in ("source", "target"):
            position = positions.get(getattr(row, f"{end}_form_section_id"))
            if position is not None:
                spec[f"{end}_form_section"] = position
        result[row.key or f"{entity.slug}_relation_{index}"] = spec
    return result or None


def register() -> None:
    """Accept, apply and write out the `relations` key of definition files."""
    register_section(
        Section(key="relations", schema=SCHEMA, apply=sync, export=export, check=check)
    )
