"""`sync_schemas`: apply `schemas/*.yaml` through SchemaService, never undoing admin changes.

    report = sync_definitions(read_definitions(Path("schemas")))

A three-way merge per file: what the file says now, what it said when last applied
(`AppliedSchema`), and what the database holds. A setting is changed only where the
database still holds the previously shipped value; a field the admin trashed,
renamed or purged is never brought back; nothing is ever dropped. Unchanged files
are skipped.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.metamodel.exceptions import SchemaFileInvalid
from modules.metamodel.field_types import field_types
from modules.metamodel.models import AppliedSchema, EntityType, LayoutSection
from modules.metamodel.schemafiles.definitions import (
    DEFAULT_ICON,
    FEATURE_DEFAULTS,
    FEATURE_KEYS,
    digest,
)
from modules.metamodel.schemafiles.sections import sections
from modules.metamodel.services import SchemaService

FIELD_SETTINGS = {
    "label": None,
    "help_text": {},
    "required": False,
    "unique": False,
    "is_basic": False,
}


def _entity_settings(definition: dict) -> dict:
    features = {**FEATURE_DEFAULTS, **definition.get("features", {})}
    return {
        "label": definition["label"],
        "label_plural": definition["label_plural"],
        "icon": definition.get("icon", DEFAULT_ICON),
        "title_template": definition.get("title_template", ""),
        **{FEATURE_KEYS[k]: v for k, v in features.items()},
    }


def _check_targets(definitions: list[dict]) -> None:
    """Refuse, before applying anything, links to entity types nobody defines and what the
    sections' own checks refuse."""
    known = {d["slug"] for d in definitions} | set(
        EntityType.objects.values_list("slug", flat=True)
    )
    errors: dict[str, list[str]] = {}
    for section in sections():
        if section.check is not None:
            for place, messages in section.check(definitions, known).items():
                errors.setdefault(place, []).extend(messages)
    for definition in definitions:
        for name, spec in definition.get("fields", {}).items():
            field_type = field_types.get(spec["type"])
            target = field_type.target_from_options(spec.get("options") or {})
            if field_type.needs_target_entity and target not in known:
                errors.setdefault(f"{definition['slug']}:fields/{name}", []).append(
                    _("There is no entity type '%(slug)s'.") % {"slug": target}
                )
    if errors:
        raise SchemaFileInvalid(
            _("Relations are not valid or link to entity types no file defines: %(places)s")
            % {"places": ", ".join(errors)},
            errors=errors,
        )


def _merge(current: dict, shipped_before: dict | None, shipped_now: dict) -> dict:
    """Settings to write: shipped changes whose value the admin has not touched."""
    changes = {}
    for key, value in shipped_now.items():
        before = (shipped_before or {}).get(key, value if shipped_before is None else None)
        if value != current.get(key) and current.get(key) == before:
            changes[key] = value
    return changes


class Sync:
    """One run of `sync_schemas`; `report` says what it did per file and field."""

    def __init__(self, user=None):
        self.user = user
        self.service = SchemaService()
        self.report: list[str] = []

    def run(self, definitions: list[dict]) -> list[str]:
        applied = {a.name: a for a in AppliedSchema.objects.all()}
        pending = [
            d
            for d in definitions
            if d["slug"] not in applied or applied[d["slug"]].digest != digest(d)
        ]
        _check_targets(pending)
        for definition in definitions:
            if definition not in pending:
                self.report.append(f"{definition['slug']}: unchanged")
        created = {d["slug"] for d in pending if self._ensure_entity(d, applied.get(d["slug"]))}
        for definition in pending:
            previous = applied.get(definition["slug"])
            self._sync_fields(
                definition, previous.definition if previous else None, definition["slug"] in created
            )
        # Sections last: they may link to entity types created above (relation types do).
        for definition in pending:
            previous = applied.get(definition["slug"])
            self._sync_sections(definition, previous.definition if previous else None)
            AppliedSchema.objects.update_or_create(
                name=definition["slug"],
                defaults={
                    "digest": digest(definition),
                    "definition": definition,
                    "applied_by": self.user,
                },
            )
        return self.report

    def _ensure_entity(self, definition: dict, applied: AppliedSchema | None) -> bool:
        slug = definition["slug"]
        settings = _entity_settings(definition)
        entity = EntityType.objects.filter(slug=slug).first()
        if entity is None:
            self.service.create_entity_type(
                self.user, slug=slug, is_system=definition.get("system", True), **settings
            )
            self.report.append(f"{slug}: created")
            return True
        current = {key: getattr(entity, key) for key in settings}
        before = _entity_settings(applied.definition) if applied else None
        changes = _merge(current, before, settings)
        if changes:
            self.service.update_entity_type(self.user, slug, **changes)
            self.report.append(f"{slug}: updated {', '.join(sorted(changes))}")
        return False

    def _sync_sections(self, definition: dict, previous: dict | None) -> None:
        """Keys other modules own (`sections.py`): each applies its own, leaving admin
        changes alone."""
        for section in sections():
            now, before = definition.get(section.key), (previous or {}).get(section.key)
            if now is None or now == before:
                continue
            for line in section.apply(self.user, definition["slug"], now, before):
                self.report.append(f"{definition['slug']}: {line}")

    def _sync_fields(self, definition: dict, previous: dict | None, created: bool) -> None:
        slug = definition["slug"]
        entity = EntityType.objects.get(slug=slug)
        shipped_before = (previous or {}).get("fields", {})
        sections = definition.get("layout", [])
        # The admin may have removed sections since: a section the form no longer
        # has means the last one (None), as for fields the layout does not name.
        existing_sections = LayoutSection.objects.filter(layout__entity_type=entity).count()
        section_of = {
            name: i for i, s in enumerate(sections) for name in s["fields"] if i < existing_sections
        }
        for name, spec in definition.get("fields", {}).items():
            field = entity.fields.alive().filter(api_name=name).first()
            if field is None:
                if name in shipped_before or entity.fields.filter(api_name=name).exists():
                    continue  # the admin trashed, renamed or changed it: leave it so
                self.service.add_field(
                    self.user,
                    slug,
                    api_name=name,
                    label=spec["label"],
                    type=spec["type"],
                    options=spec.get("options"),
                    help_text=spec.get("help_text"),
                    required=spec.get("required", False),
                    unique=spec.get("unique", False),
                    is_basic=spec.get("is_basic", False),
                    is_system=spec.get("system", True),
                    section=None if created else section_of.get(name),
                )
                self.report.append(f"{slug}.{name}: added")
                continue
            self._sync_field(slug, field, spec, shipped_before.get(name))
        if created and sections:
            self.service.set_layout(self.user, slug, sections)

    def _sync_field(self, slug: str, field, spec: dict, before: dict | None) -> None:
        if field.type != spec["type"]:
            self.report.append(f"{slug}.{field.api_name}: type differs, left as is")
            return
        current = {key: getattr(field, key) for key in FIELD_SETTINGS}
        now = {key: spec.get(key, default) for key, default in FIELD_SETTINGS.items()}
        then = (
            {key: before.get(key, default) for key, default in FIELD_SETTINGS.items()}
            if before
            else None
        )
        changes = _merge(current, then, now)
        if before is not None:
            shipped_options = field.type_class.validate_options(spec.get("options"))
            before_options = field.type_class.validate_options(before.get("options"))
            if shipped_options != field.options and field.options == before_options:
                changes["options"] = spec.get("options") or {}
        if changes:
            self.service.update_field(self.user, slug, field.api_name, **changes)
            self.report.append(f"{slug}.{field.api_name}: updated {', '.join(sorted(changes))}")
