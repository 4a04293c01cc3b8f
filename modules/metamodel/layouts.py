"""Editing a form layout: sections in order, fields in order within them.

    editor = LayoutEditor.of(entity_type, user)
    editor.replace([{"label": "Basics", "fields": ["first_name", "email"]}])

Called by `SchemaService` inside its schema-change transaction.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from modules.core.trash import alive_q
from modules.metamodel.exceptions import InvalidLayout
from modules.metamodel.labels import clean_label
from modules.metamodel.models import (
    EntityType,
    FieldDefinition,
    FormLayout,
    LayoutItem,
    LayoutSection,
)

DEFAULT_SECTION = {"en": "General", "pl": "Ogólne"}


def _saved_by(instance, user):
    instance._history_user = user
    instance.save()
    return instance


class LayoutEditor:
    """Changes one entity type's form layout (inside a schema change)."""

    def __init__(self, layout: FormLayout, user):
        self.layout = layout
        self.user = user

    @classmethod
    def of(cls, entity: EntityType, user) -> LayoutEditor:
        layout, _created = FormLayout.objects.get_or_create(entity_type=entity)
        return cls(layout, user)

    def sections(self) -> list[LayoutSection]:
        return list(LayoutSection.objects.filter(layout=self.layout).order_by("sort_order", "id"))

    def add_section(self, label: Any) -> LayoutSection:
        last = LayoutSection.objects.filter(layout=self.layout).aggregate(m=Max("sort_order"))
        return _saved_by(
            LayoutSection(
                layout=self.layout, label=clean_label(label), sort_order=(last["m"] or 0) + 1
            ),
            self.user,
        )

    def place(self, field: FieldDefinition, section_index: int | None = None) -> None:
        """Put a new field at the end of a section (default: the last one)."""
        sections = self.sections() or [self.add_section(DEFAULT_SECTION)]
        if section_index is None:
            section = sections[-1]
        elif isinstance(section_index, int) and 0 <= section_index < len(sections):
            section = sections[section_index]
        else:
            raise InvalidLayout(
                _("There is no section number %(n)s.") % {"n": section_index}, field="section"
            )
        last = LayoutItem.objects.filter(section=section).aggregate(m=Max("sort_order"))
        _saved_by(
            LayoutItem(section=section, field=field, sort_order=(last["m"] or 0) + 1), self.user
        )

    def move_item(self, old: FieldDefinition, new: FieldDefinition) -> None:
        """Give `new` the place `old` had (a type change)."""
        item = LayoutItem.objects.filter(field=old).first()
        if item is None:
            self.place(new)
            return
        item.field = new
        _saved_by(item, self.user)

    def replace(self, sections: list[dict]) -> None:
        """Replace all sections; every listed field must be live and listed once."""
        cleaned = self._cleaned(sections)
        # Only rows whose place changes are written, so the configuration history shows
        # what moved instead of every item deleted and created again.
        old_sections = self.sections()
        items = {
            item.field_id: item
            for item in LayoutItem.objects.filter(alive_q("field"), section__layout=self.layout)
        }
        kept = []
        for position, (label, fields) in enumerate(cleaned, start=1):
            if position <= len(old_sections):
                section = old_sections[position - 1]
                if section.label != label or section.sort_order != position:
                    section.label, section.sort_order = label, position
                    _saved_by(section, self.user)
            else:
                section = _saved_by(
                    LayoutSection(layout=self.layout, label=label, sort_order=position), self.user
                )
            kept.append(section)
            for order, field in enumerate(fields, start=1):
                item = items.pop(field.pk, None) or LayoutItem(field=field)
                if item.pk is None or item.section_id != section.pk or item.sort_order != order:
                    item.section, item.sort_order = section, order
                    _saved_by(item, self.user)
        for item in items.values():
            item._history_user = self.user
            item.delete()
        # Items of trashed fields keep a place, so a restored field comes back on the form.
        for section in old_sections[len(cleaned) :]:
            LayoutItem.objects.filter(section=section).update(section=kept[0])
            section._history_user = self.user
            section.delete()

    def _cleaned(self, sections: list[dict]) -> list[tuple[Any, list]]:
        """Each section's label and live fields, checked: every field live and placed once."""
        if not isinstance(sections, list) or not sections:
            raise InvalidLayout(_("Give at least one section."), field="sections")
        live = {f.api_name: f for f in self.layout.entity_type.fields.alive()}
        seen: set[str] = set()
        cleaned = []
        for index, section in enumerate(sections):
            if not isinstance(section, dict) or not isinstance(section.get("fields", []), list):
                raise InvalidLayout(
                    _("Each section needs a label and a list of fields."), field=f"sections.{index}"
                )
            label = clean_label(section.get("label"), key=f"sections.{index}.label")
            names = section.get("fields", [])
            for name in names:
                if name not in live:
                    raise InvalidLayout(
                        _("There is no field '%(name)s'.") % {"name": name},
                        field=f"sections.{index}.fields",
                    )
                if name in seen:
                    raise InvalidLayout(
                        _("'%(name)s' is placed twice.") % {"name": name},
                        field=f"sections.{index}.fields",
                    )
                seen.add(name)
            cleaned.append((label, [live[n] for n in names]))
        return cleaned
