"""Kinds of metadata whose changes the configuration history lists, one class per kind.

    @hooks.register(CONFIG_HISTORY_HOOK)
    def register_relation_history():
        return [RelationTypeHistory(), RelationSettingsHistory()]

    history_kinds()["field"].history()   # FieldDefinition.history.all()

A kind knows its model, how to name one historical row, which entity type the row
belongs to and how to keep only the rows of one entity type.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.core.i18n import localized
from modules.metamodel.models import (
    EntityType,
    FieldDefinition,
    FormLayout,
    LayoutItem,
    LayoutSection,
)

CONFIG_HISTORY_HOOK = "register_tessera_config_history"

#: Readable names of fields that have no (translated) verbose name of their own.
FIELD_LABELS = {
    "position": _("position"),
    "sort_order": _("position"),
    "deleted_at": _("in the trash since"),
    "section": _("form section"),
    "field": _("field"),
    "layout": _("form layout"),
    "entity_type": _("entity type"),
    "replaced_by": _("replaced by"),
}


class HistoryKind:
    """One metadata model whose simple-history rows the configuration history shows."""

    #: The key used in filters and URLs (`?kind=field`).
    type: str = ""
    model: type[models.Model]
    label: Any = ""
    #: Relations of the historical rows that `name` and `entity_label` read.
    related: tuple[str, ...] = ()
    #: The lookup from a historical row to its entity type's id; "" when it has none.
    entity_lookup: str = "entity_type_id"

    def history(self) -> models.QuerySet:
        """Every historical row of the model."""
        return self.model.history.all()

    def for_entity(self, rows: models.QuerySet, entity_id: int) -> models.QuerySet:
        """The rows that belong to one entity type."""
        if not self.entity_lookup:
            return rows.none()
        return rows.filter(**{self.entity_lookup: entity_id})

    def name(self, record) -> str:
        """What the row is called, as the list shows it."""
        return str(record.instance)

    def entity_label(self, record) -> str:
        """The entity type the row belongs to ("" when none)."""
        return ""

    def field_label(self, name: str) -> str:
        """The readable name of one of the model's fields."""
        if name in FIELD_LABELS:
            return str(FIELD_LABELS[name])
        return str(self.model._meta.get_field(name).verbose_name)


def entity_name(entity: EntityType | None) -> str:
    """An entity type's plural label, as the settings screens name it."""
    if entity is None:
        return ""
    return localized(entity.label_plural) or entity.slug


class EntityTypeHistory(HistoryKind):
    """Entity types: labels, icon, title template, features, list columns, trash."""

    type = "entity_type"
    model = EntityType
    label = _("Entity type")
    entity_lookup = "id"

    def name(self, record) -> str:
        return localized(record.label_plural) or record.slug


class FieldHistory(HistoryKind):
    """Fields: label, API name, flags, options, type, trash."""

    type = "field"
    model = FieldDefinition
    label = _("Field")
    related = ("entity_type",)

    def name(self, record) -> str:
        return localized(record.label) or record.api_name

    def entity_label(self, record) -> str:
        return entity_name(record.entity_type)


class FormLayoutHistory(HistoryKind):
    """The form layout row of an entity type (created with it)."""

    type = "form_layout"
    model = FormLayout
    label = _("Form layout")
    related = ("entity_type",)

    def name(self, record) -> str:
        return entity_name(record.entity_type)

    def entity_label(self, record) -> str:
        return entity_name(record.entity_type)


class LayoutSectionHistory(HistoryKind):
    """Sections of a form: their names and order."""

    type = "form_section"
    model = LayoutSection
    label = _("Form section")
    related = ("layout__entity_type",)
    entity_lookup = "layout__entity_type_id"

    def name(self, record) -> str:
        return localized(record.label)

    def entity_label(self, record) -> str:
        return entity_name(record.layout.entity_type) if record.layout else ""


class LayoutItemHistory(HistoryKind):
    """A field's place on a form: its section and position."""

    type = "form_item"
    model = LayoutItem
    label = _("Field on the form")
    related = ("field__entity_type",)
    entity_lookup = "field__entity_type_id"

    def name(self, record) -> str:
        return record.field.display_label if record.field else f"#{record.field_id}"

    def entity_label(self, record) -> str:
        return entity_name(record.field.entity_type) if record.field else ""


#: The kinds an entity type's own history lists: its settings, fields and form.
ENTITY_TYPE_KINDS = ("entity_type", "field", "form_layout", "form_section", "form_item")


def data_model_kinds() -> list[HistoryKind]:
    """The data model's kinds (registered in the metamodel's wagtail_hooks)."""
    return [
        EntityTypeHistory(),
        FieldHistory(),
        FormLayoutHistory(),
        LayoutSectionHistory(),
        LayoutItemHistory(),
    ]


def history_kinds() -> dict[str, HistoryKind]:
    """Every registered kind by its key, in registration order."""
    kinds: dict[str, HistoryKind] = {}
    for register in hooks.get_hooks(CONFIG_HISTORY_HOOK):
        for kind in register():
            assert kind.type not in kinds, f"The history kind {kind.type!r} is registered twice."
            kinds[kind.type] = kind
    return kinds
