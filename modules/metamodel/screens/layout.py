"""The form builder's view of a layout, read from the metadata rows, and moves on it.

sections = builder_sections(entity)     # real sections, then "Other" if any
payload = layout_payload(sections)      # what SchemaService.set_layout takes
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from modules.core.i18n import localized
from modules.metamodel.models import EntityType, FieldDefinition, LayoutItem, LayoutSection


@dataclass
class BuilderSection:
    """A section as the builder shows it; `index` is None for the "Other" pseudo-section."""

    index: int | None
    label: str
    raw_label: Any
    fields: list[FieldDefinition] = field(default_factory=list)

    @property
    def is_real(self) -> bool:
        return self.index is not None


def builder_sections(entity: EntityType) -> list[BuilderSection]:
    """Real sections in order with their live fields, then "Other" if needed."""
    sections = list(
        LayoutSection.objects.filter(layout__entity_type=entity).order_by("sort_order", "id")
    )
    alive = {f.pk: f for f in entity.fields.alive().order_by("position", "id")}
    placed: dict[int, list[FieldDefinition]] = defaultdict(list)
    seen: set[int] = set()
    items = LayoutItem.objects.filter(section__in=sections, field_id__in=list(alive)).order_by(
        "sort_order", "id"
    )
    for item in items:
        placed[item.section_id].append(alive[item.field_id])
        seen.add(item.field_id)
    result = [
        BuilderSection(index, localized(s.label), s.label, placed[s.pk])
        for index, s in enumerate(sections)
    ]
    rest = [f for pk, f in alive.items() if pk not in seen]
    if rest:
        result.append(BuilderSection(None, _("Other"), None, rest))
    return result


def layout_payload(sections: list[BuilderSection]) -> list[dict]:
    """The layout as `set_layout` takes it; fields of "Other" stay unplaced."""
    return [
        {"label": s.raw_label, "fields": [f.api_name for f in s.fields]}
        for s in sections
        if s.is_real
    ]


def move_field(payload: list[dict], api_name: str, direction: str, other: list[str]) -> list[dict]:
    """One step up or down; past a section's edge into the neighbouring section."""
    step = -1 if direction == "up" else 1
    if api_name in other:
        if payload and direction == "up":
            payload[-1]["fields"].append(api_name)
        return payload
    for index, section in enumerate(payload):
        names = section["fields"]
        if api_name not in names:
            continue
        position = names.index(api_name)
        target = position + step
        if 0 <= target < len(names):
            names[position], names[target] = names[target], names[position]
        elif 0 <= index + step < len(payload):
            names.remove(api_name)
            neighbour = payload[index + step]["fields"]
            if step < 0:
                neighbour.append(api_name)
            else:
                neighbour.insert(0, api_name)
        return payload
    return payload


def move_section(payload: list[dict], index: int, direction: str) -> list[dict]:
    """Swap a section with its neighbour above or below."""
    target = index + (-1 if direction == "up" else 1)
    if 0 <= index < len(payload) and 0 <= target < len(payload):
        payload[index], payload[target] = payload[target], payload[index]
    return payload
