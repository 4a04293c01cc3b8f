"""Builds runtime model classes with `type()`; the only place that makes model classes.

    apps, models = build_models(entity_specs)            # one snapshot's models
    apps, models = build_models(specs, physical=True)    # every column, for DDL

Models are `managed=False`: only `SchemaService` changes tables.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import models
from django.utils.functional import lazy

from modules.metamodel.runtime.apps import RUNTIME_APP_LABEL, RuntimeApps
from modules.metamodel.runtime.base import EntityRecord
from modules.metamodel.runtime.specs import EntitySpec


def feature_fields(entity: EntitySpec) -> dict[str, models.Field]:
    """System columns that come with a feature switched on for the entity type."""
    fields: dict[str, models.Field] = {}
    if entity.supports_segmentation:
        fields["score"] = models.DecimalField(
            max_digits=14, decimal_places=2, null=True, blank=True
        )
        fields["segment"] = models.CharField(max_length=64, null=True, blank=True)
    return fields


def _label(entity: EntitySpec, attribute: str):
    """The entity type's label in the language active when it is read."""
    return lazy(lambda: getattr(entity, attribute), str)()


def class_name(entity: EntitySpec) -> str:
    """The runtime class name, e.g. `Persons`, `Sales_Leads`: unique, as slugs are.

    Underscores stay, so `a_1` (`A_1`) and `a1` (`A1`) never share a name.
    """
    return "_".join(part.capitalize() for part in entity.slug.split("_"))


def build_models(
    entities: list[EntitySpec], *, physical: bool = False, schema_key: tuple = ()
) -> tuple[RuntimeApps, dict[int, type[EntityRecord]]]:
    """Model classes for `entities` in a fresh registry, keyed by entity type id.

    `physical=True` names every attribute after its column, so trashed fields (whose
    api names may repeat) can be included: the DDL view of the tables.
    """
    apps = RuntimeApps()
    built: dict[int, type[EntityRecord]] = {}
    by_id = {e.id: e for e in entities}
    for entity in entities:
        attrs: dict = {
            "__module__": __name__,
            "Meta": type(
                "Meta",
                (),
                {
                    "app_label": RUNTIME_APP_LABEL,
                    "apps": apps,
                    "db_table": entity.db_table,
                    "managed": False,
                    # Lazy: a class serves every language; the label follows the request's.
                    "verbose_name": _label(entity, "display_label"),
                    "verbose_name_plural": _label(entity, "display_label_plural"),
                    "ordering": ["-id"],
                },
            ),
            "entity": entity,
            "schema_key": schema_key,
        }
        attrs.update(feature_fields(entity))
        for spec in entity.fields:
            field_type = spec.type_class
            target = None
            if field_type.needs_target_entity:
                if spec.target_entity_id not in by_id:
                    continue
                target = f"{RUNTIME_APP_LABEL}.{class_name(by_id[spec.target_entity_id])}"
            if physical:
                spec = replace(spec, api_name=spec.column)
            attrs.update(field_type.model_fields(spec, target))
        built[entity.id] = type(class_name(entity), (EntityRecord,), attrs)
    return apps, built
