"""Relation types as the bound schema snapshot saw them.

    for side in sides_of(entity):        # the relation types a record of `entity` takes part in
        side.label                       # what the other records are to this one ("Branch")
        side.other_id, side.limit        # their entity type; how many one record may have

Relation types are metadata: a change bumps the schema version, so they are read once
per snapshot, never per request or per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modules.core.i18n import localized
from modules.metamodel.runtime import get_snapshot
from modules.relations.models import RelationSettings, RelationType

SOURCE, TARGET, BOTH = "source", "target", "both"


@dataclass(frozen=True)
class RelationTypeSpec:
    """One live relation type."""

    id: int
    key: str | None
    source_id: int
    target_id: int
    source_label: Any
    target_label: Any
    symmetric: bool
    max_targets: int | None
    max_sources: int | None
    source_section_id: int | None
    target_section_id: int | None

    @property
    def source_label_text(self) -> str:
        return localized(self.source_label)

    @property
    def target_label_text(self) -> str:
        return localized(self.target_label)

    def __str__(self) -> str:
        if self.symmetric:
            return self.source_label_text
        return f"{self.source_label_text} — {self.target_label_text}"


@dataclass(frozen=True)
class Side:
    """A relation type seen from records playing `side` in it."""

    type: RelationTypeSpec
    side: str

    @property
    def key(self) -> str:
        """A name for this side, unique in a snapshot: `<type id>.<side>`."""
        return f"{self.type.id}.{self.side}"

    @property
    def own_entity_id(self) -> int:
        return self.type.target_id if self.side == TARGET else self.type.source_id

    @property
    def other_id(self) -> int:
        """The entity type of the records at the other end."""
        return self.type.source_id if self.side == TARGET else self.type.target_id

    @property
    def label(self) -> str:
        """What the other records are to this one: a headquarters sees its "Branch"es."""
        if self.side == SOURCE:
            return self.type.target_label_text
        return self.type.source_label_text

    @property
    def raw_label(self) -> Any:
        """`label` as the admin typed it (a text or one per language), for history."""
        return self.type.target_label if self.side == SOURCE else self.type.source_label

    @property
    def far(self) -> Side:
        """The same type seen from the record at the other end."""
        if self.side == BOTH:
            return self
        return Side(self.type, TARGET if self.side == SOURCE else SOURCE)

    @property
    def history_key(self) -> str:
        """The key of this side's changes in RowHistory."""
        return f"relation.{self.key}"

    @property
    def limit(self) -> int | None:
        """How many records one record on this side may link to."""
        return self.type.max_sources if self.side == TARGET else self.type.max_targets

    @property
    def section_id(self) -> int | None:
        """The section of this side's form that shows the relation as a field, if any."""
        return self.type.target_section_id if self.side == TARGET else self.type.source_section_id

    @property
    def own_column(self) -> str:
        return "target_id" if self.side == TARGET else "source_id"

    @property
    def other_column(self) -> str:
        return "source_id" if self.side == TARGET else "target_id"


def _load(snapshot) -> dict:
    alive = {e.id for e in snapshot.entities if e.supports_relations}
    types = [
        RelationTypeSpec(
            id=row.pk,
            key=row.key,
            source_id=row.source_id,
            target_id=row.target_id,
            source_label=row.source_label,
            target_label=row.target_label,
            symmetric=row.symmetric,
            max_targets=row.max_targets,
            max_sources=row.max_sources,
            source_section_id=row.source_form_section_id,
            target_section_id=row.target_form_section_id,
        )
        for row in RelationType.objects.alive()
        if row.source_id in alive and row.target_id in alive
    ]
    settings = RelationSettings.objects.filter(pk=RelationSettings.SINGLETON_ID).first()
    return {
        "enabled": settings is None or settings.enabled,
        "types": {t.id: t for t in types},
    }


def _state() -> dict:
    snapshot = get_snapshot()
    return snapshot.memo(("relation-types",), lambda: _load(snapshot))


def enabled() -> bool:
    """Are relations switched on for this installation?"""
    return _state()["enabled"]


def relation_types() -> dict[int, RelationTypeSpec]:
    """Every live relation type between entity types that take relations, by id."""
    return _state()["types"] if enabled() else {}


def sides_of(entity) -> list[Side]:
    """The sides records of `entity` play, in relation type order (source before target)."""
    sides = []
    for spec in relation_types().values():
        if spec.symmetric:
            if spec.source_id == entity.id:
                sides.append(Side(spec, BOTH))
            continue
        if spec.source_id == entity.id:
            sides.append(Side(spec, SOURCE))
        if spec.target_id == entity.id:
            sides.append(Side(spec, TARGET))
    return sides


def side(entity, key: str) -> Side | None:
    """The side named `<type id>.<side>` if records of `entity` play it."""
    return next((s for s in sides_of(entity) if s.key == key), None)


def other_entity_id(type_id: int, side_name: str) -> int | None:
    """The entity type at the far end of `side_name` of a relation type (even one
    switched off), or None when the type is gone."""
    spec = _state()["types"].get(type_id)
    return Side(spec, side_name).other_id if spec is not None else None
