"""`export_schema`: an instance's configuration as sparse YAML that `sync_schemas` loads.

files = export_definitions()     # {"persons.yaml": "slug: persons\\n..."}
"""

from __future__ import annotations

import yaml

from modules.metamodel.models import EntityType, LayoutSection
from modules.metamodel.schemafiles.definitions import DEFAULT_ICON, FEATURE_DEFAULTS, FEATURE_KEYS
from modules.metamodel.schemafiles.sections import sections


def _option_defaults(field_type) -> dict:
    return {
        name: spec["default"]
        for name, spec in field_type.options_schema.get("properties", {}).items()
        if "default" in spec
    }


def _field(field) -> dict:
    data: dict = {"type": field.type, "label": field.label}
    if field.help_text:
        data["help_text"] = field.help_text
    for flag in ("required", "unique", "is_basic"):
        if getattr(field, flag):
            data[flag] = True
    if not field.is_system:
        data["system"] = False
    defaults = _option_defaults(field.type_class)
    options = {k: v for k, v in field.options.items() if defaults.get(k, object()) != v}
    if field.target_entity_id:
        options["target"] = field.target_entity.slug
    if options:
        data["options"] = options
    return data


def definition_of(entity: EntityType) -> dict:
    """The sparse definition of one entity type (the shape of schemas/*.yaml)."""
    data: dict = {"slug": entity.slug, "label": entity.label, "label_plural": entity.label_plural}
    if entity.icon != DEFAULT_ICON:
        data["icon"] = entity.icon
    if entity.title_template:
        data["title_template"] = entity.title_template
    if not entity.is_system:
        data["system"] = False
    features = {
        key: getattr(entity, attr)
        for key, attr in FEATURE_KEYS.items()
        if getattr(entity, attr) != FEATURE_DEFAULTS[key]
    }
    if features:
        data["features"] = features
    live = list(entity.fields.alive().select_related("target_entity").order_by("position", "id"))
    data["fields"] = {f.api_name: _field(f) for f in live}
    live_ids = {f.pk: f.api_name for f in live}
    layout_sections = LayoutSection.objects.filter(layout__entity_type=entity).prefetch_related(
        "items"
    )
    data["layout"] = [
        {
            "label": s.label,
            "fields": [live_ids[i.field_id] for i in s.items.all() if i.field_id in live_ids],
        }
        for s in layout_sections.order_by("sort_order", "id")
    ]
    for section in sections():
        value = section.export(entity)
        if value is not None:
            data[section.key] = value
    return data


def export_definitions() -> dict[str, str]:
    """One YAML document per entity type, keyed by file name."""
    return {
        f"{entity.slug}.yaml": yaml.safe_dump(
            definition_of(entity), allow_unicode=True, sort_keys=False, width=100
        )
        for entity in EntityType.objects.order_by("id")
    }
