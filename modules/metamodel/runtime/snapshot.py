"""Per-process schema snapshots: models and specs for one schema version.

    snapshot = get_snapshot()            # the one bound to this request or task
    Person = snapshot.model("persons")
    with bind(registry.current()): ...   # scripts: hold one snapshot for a block

A snapshot is immutable. Middleware and Celery's `task_prerun` compare the stored
version (one indexed read) and build a new snapshot when it moved; a request or task
keeps its snapshot for its whole life. A safe request may start on the process's last
snapshot and check the version at its first query (`check.py`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

from modules.metamodel import binding
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.models import EntityType, FieldDefinition, LayoutSection, SchemaState
from modules.metamodel.runtime.base import register_class_finder
from modules.metamodel.runtime.builder import build_models
from modules.metamodel.runtime.specs import EntitySpec, FieldSpec, SectionSpec

KEEP_RECENT = 4


class SchemaSnapshot:
    """Everything generated from one schema version; never changes once built."""

    def __init__(self, key: tuple, entities: list[EntitySpec]):
        self.key = key
        self.version = key[0]
        self._entities = {e.slug: e for e in entities}
        self._slugs_by_id = {e.id: e.slug for e in entities}
        self.apps, self._models = build_models(entities, schema_key=key)
        self._memo: dict = {}
        self._memo_lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<SchemaSnapshot v{self.version} {sorted(self._entities)}>"

    @property
    def entities(self) -> list[EntitySpec]:
        return list(self._entities.values())

    def entity(self, slug: str) -> EntitySpec:
        try:
            return self._entities[slug]
        except KeyError:
            raise EntityTypeNotFound(
                _("There is no entity type '%(slug)s'.") % {"slug": slug}
            ) from None

    def model(self, slug: str):
        return self._models[self.entity(slug).id]

    def model_by_id(self, entity_id: int):
        try:
            return self._models[entity_id]
        except KeyError:
            raise EntityTypeNotFound(_("There is no such entity type.")) from None

    def memo(self, key: tuple, build):
        """Something derived from this snapshot (a serializer, a filterset), built once."""
        try:
            return self._memo[key]
        except KeyError:
            with self._memo_lock:
                if key not in self._memo:
                    self._memo[key] = build()
                return self._memo[key]

    def find_by_title(self, entity_id: int, title: str) -> int | None:
        """The id of the single live record of that type whose title is `title`."""
        model = self.model_by_id(entity_id)
        wanted = " ".join(title.split()).casefold()
        matches = [r.pk for r in model.objects.alive().iterator() if str(r).casefold() == wanted]
        return matches[0] if len(matches) == 1 else None


def load_entities(*, include_trashed: bool = False) -> list[EntitySpec]:
    """Read the metadata rows into specs (read the version before calling this).

    Entity types in the trash are skipped, so their records answer 404 everywhere.
    `include_trashed` adds trashed fields and trashed entity types, whose columns and
    tables still exist: the DDL view.
    """
    rows = FieldDefinition.objects.all() if include_trashed else FieldDefinition.objects.alive()
    entity_rows = EntityType.objects.all() if include_trashed else EntityType.objects.alive()
    fields: dict[int, list[FieldSpec]] = {}
    for row in rows.order_by("position", "id"):
        fields.setdefault(row.entity_type_id, []).append(FieldSpec.from_row(row))
    sections: dict[int, list[SectionSpec]] = {}
    for section in LayoutSection.objects.select_related("layout").prefetch_related("items"):
        sections.setdefault(section.layout.entity_type_id, []).append(
            SectionSpec(
                label=section.label,
                field_ids=tuple(i.field_id for i in section.items.all()),
                id=section.pk,
            )
        )
    return [
        EntitySpec(
            id=row.pk,
            slug=row.slug,
            label=row.label,
            label_plural=row.label_plural,
            icon=row.icon,
            title_template=row.title_template,
            supports_visibility=row.supports_visibility,
            supports_segmentation=row.supports_segmentation,
            supports_relations=row.supports_relations,
            is_system=row.is_system,
            fields=tuple(fields.get(row.pk, [])),
            sections=tuple(sections.get(row.pk, [])),
            list_columns=tuple(row.list_columns or ()),
        )
        for row in entity_rows.order_by("id")
    ]


class SnapshotRegistry:
    """The process's snapshots: the current one and a few recent ones (for unpickling)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._recent: OrderedDict[tuple, SchemaSnapshot] = OrderedDict()
        self._current: SchemaSnapshot | None = None
        self.builds = 0

    def cached(self, key: tuple) -> SchemaSnapshot | None:
        return self._recent.get(key)

    def last(self) -> SchemaSnapshot | None:
        """The snapshot `current()` returned last, without reading the version (None before
        the first read)."""
        return self._current

    def current(self, key: tuple | None = None) -> SchemaSnapshot:
        """The snapshot of the stored schema version, built if the version moved.

        `key` is a `(version, token)` the caller has just read, so it is not read twice.
        """
        key = tuple(key or SchemaState.current())
        snapshot = self._current
        if snapshot is not None and snapshot.key == key:
            return snapshot
        with self._lock:
            snapshot = self._recent.get(key)
            if snapshot is None:
                snapshot = SchemaSnapshot(key, load_entities())
                self.builds += 1
                self._recent[key] = snapshot
                while len(self._recent) > KEEP_RECENT:
                    self._recent.popitem(last=False)
            self._current = snapshot
            return snapshot

    def clear(self) -> None:
        with self._lock:
            self._recent.clear()
            self._current = None

    def model_for(self, entity_id: int, key: tuple):
        """The class of an entity type in the snapshot of `key`, else in the current one."""
        snapshot = self.cached(key) or self.current()
        return snapshot.model_by_id(entity_id)


registry = SnapshotRegistry()
register_class_finder(registry.model_for)


def get_snapshot() -> SchemaSnapshot:
    """The snapshot bound to this request or task; unbound code gets the current one."""
    return binding.bound.get() or registry.current()


def get_model(slug: str):
    """The runtime model class of an entity type, from the bound snapshot."""
    return get_snapshot().model(slug)


@contextmanager
def bind(snapshot: SchemaSnapshot | None = None) -> Iterator[SchemaSnapshot]:
    """Hold one snapshot for a block (a request, a task, a script)."""
    snapshot = snapshot or registry.current()
    token = binding.bound.set(snapshot)
    try:
        yield snapshot
    finally:
        binding.bound.reset(token)
