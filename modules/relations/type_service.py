"""RelationTypeService: administrators define how records may be related.

    service = RelationTypeService()
    hq = service.create(admin, {"source": "companies", "target": "companies",
                                "source_label": {"en": "Headquarters", "pl": "Centrala"},
                                "target_label": {"en": "Branch", "pl": "Oddział"},
                                "max_sources": 1, "target_form_section": 1})
    service.update(admin, hq.pk, {"max_targets": 20})
    service.delete(admin, hq.pk)          # to the trash: its relations are kept
    service.set_enabled(admin, False)     # relations off for the whole installation

A definition is validated whole and saved in one transaction with a schema version
bump, so every process shows the change on its next request. A limit is refused
while records already have more relations than it allows; the entity types of a
type in use cannot change.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError
from modules.core.permissions import require_administrator
from modules.metamodel.labels import clean_label
from modules.metamodel.models import EntityType, LayoutSection, SchemaState
from modules.relations.exceptions import RelationTypeInvalid, RelationTypeNotFound
from modules.relations.models import Relation, RelationSettings, RelationType

FIELDS = (
    "key",
    "source",
    "target",
    "source_label",
    "target_label",
    "symmetric",
    "max_targets",
    "max_sources",
    "source_form_section",
    "target_form_section",
)
ONLY_ADMINS = "Only administrators may change relation types."


def section_positions() -> dict[int, int]:
    """Every form section's position on its form, from 1, as the admin sees it (one query)."""
    positions: dict[int, int] = {}
    counters: Counter = Counter()
    rows = LayoutSection.objects.order_by("layout_id", "sort_order", "id")
    for section_id, layout_id in rows.values_list("pk", "layout_id"):
        counters[layout_id] += 1
        positions[section_id] = counters[layout_id]
    return positions


def relation_counts() -> dict[int, int]:
    """How many relations each relation type has (one query)."""
    rows = Relation.objects.values("relation_type_id").annotate(n=Count("id"))
    return {row["relation_type_id"]: row["n"] for row in rows}


def describe_all(rows: list[RelationType], user=None) -> list[dict]:
    """Relation types as the API shows `user` them: two queries however many there are.

    `relations` counts every relation of the type, between records `user` may not see
    too, so only administrators (and the system, `None`) get the number; to other
    readers it is null.
    """
    positions = section_positions()
    counted = user is None or getattr(user, "is_administrator", False)
    counts = relation_counts() if counted else {}
    return [
        {
            "id": row.pk,
            "key": row.key,
            "source": row.source.slug,
            "target": row.target.slug,
            "source_label": row.source_label,
            "target_label": row.target_label if not row.symmetric else row.source_label,
            "symmetric": row.symmetric,
            "max_targets": row.max_targets,
            "max_sources": row.max_sources,
            "source_form_section": positions.get(row.source_form_section_id),
            "target_form_section": positions.get(row.target_form_section_id),
            "is_system": row.is_system,
            "deleted": row.deleted_at is not None,
            "relations": counts.get(row.pk, 0) if counted else None,
        }
        for row in rows
    ]


def describe(row: RelationType, user=None) -> dict:
    """One relation type as the API shows it to `user`."""
    return describe_all([row], user)[0]


def _saved_by(row, user, **kwargs) -> None:
    # simple-history records the acting user even outside a request (API, Celery, sync).
    row._history_user = user
    row.save(**kwargs)


class RelationTypeService:
    """Create, change, trash and restore relation types; switch relations on or off."""

    def all(self, *, include_trashed: bool = False) -> list[RelationType]:
        rows = RelationType.objects.select_related("source", "target")
        if not include_trashed:
            rows = rows.alive()
        return list(rows.order_by("id"))

    def get(self, type_id: Any, *, include_trashed: bool = False) -> RelationType:
        rows = RelationType.objects.select_related("source", "target")
        if not include_trashed:
            rows = rows.alive()
        if isinstance(type_id, bool) or not str(type_id).isdecimal() or len(str(type_id)) > 18:
            raise RelationTypeNotFound(_("There is no such relation type."))
        found = rows.filter(pk=int(type_id)).first()
        if found is None:
            raise RelationTypeNotFound(_("There is no such relation type."))
        return found

    @transaction.atomic
    def create(self, user, data: dict, *, is_system: bool = False) -> RelationType:
        require_administrator(user, _(ONLY_ADMINS))
        row = RelationType(is_system=is_system)
        self._apply(row, data, creating=True)
        _saved_by(row, user)
        SchemaState.bump()
        return row

    @transaction.atomic
    def update(self, user, type_id: Any, data: dict) -> RelationType:
        """Change the keys given; the others keep their value."""
        require_administrator(user, _(ONLY_ADMINS))
        row = self.get(type_id)
        RelationType.objects.select_for_update().filter(pk=row.pk).exists()
        self._apply(row, data, creating=False)
        _saved_by(row, user)
        SchemaState.bump()
        return row

    @transaction.atomic
    def delete(self, user, type_id: Any) -> None:
        """To the trash: profiles, forms and the API stop showing it; relations are kept."""
        require_administrator(user, _(ONLY_ADMINS))
        row = self.get(type_id)
        row.deleted_at = timezone.now()
        _saved_by(row, user, update_fields=["deleted_at"])
        SchemaState.bump()

    @transaction.atomic
    def restore(self, user, type_id: Any) -> RelationType:
        require_administrator(user, _(ONLY_ADMINS))
        row = self.get(type_id, include_trashed=True)
        row.deleted_at = None
        _saved_by(row, user, update_fields=["deleted_at"])
        SchemaState.bump()
        return row

    def enabled(self) -> bool:
        row = RelationSettings.objects.filter(pk=RelationSettings.SINGLETON_ID).first()
        return row is None or row.enabled

    @transaction.atomic
    def set_enabled(self, user, enabled: Any) -> bool:
        require_administrator(user, _(ONLY_ADMINS))
        if not isinstance(enabled, bool):
            raise RelationTypeInvalid(_("Give true or false."), field="enabled")
        row = RelationSettings.current()
        if row.enabled != enabled:
            row.enabled = enabled
            _saved_by(row, user)
            SchemaState.bump()
        return enabled

    # -- validation ------------------------------------------------------------------
    def _apply(self, row: RelationType, data: Any, *, creating: bool) -> None:
        if not isinstance(data, dict):
            raise RelationTypeInvalid(_("Send a JSON object."))
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(data) - set(FIELDS))
        for name in unknown:
            errors[name] = [_("Unknown key.")]
        in_use = not creating and Relation.objects.filter(relation_type=row).exists()
        self._apply_ends(row, data, errors, creating=creating, in_use=in_use)
        self._apply_names_and_limits(row, data, errors, creating=creating)
        if errors:
            raise RelationTypeInvalid(_("The relation type is not valid."), errors=errors)
        self._apply_shape(row, data, errors)
        if errors:
            raise RelationTypeInvalid(_("The relation type is not valid."), errors=errors)

    def _apply_ends(
        self, row: RelationType, data: dict, errors: dict, *, creating: bool, in_use: bool
    ) -> None:
        """The source and target entity types and the symmetric flag; fixed once in use."""
        for end in ("source", "target"):
            if end in data or creating:
                entity = self._entity(data.get(end), end, errors)
                if entity is None:
                    continue
                if in_use and entity.pk != getattr(row, f"{end}_id"):
                    errors[end] = [
                        _("Records are related by this type; its entity types cannot change.")
                    ]
                    continue
                setattr(row, end, entity)
        if "symmetric" in data or creating:
            symmetric = data.get("symmetric", False)
            if not isinstance(symmetric, bool):
                errors["symmetric"] = [_("Give true or false.")]
            elif in_use and symmetric != row.symmetric:
                errors["symmetric"] = [
                    _("Records are related by this type; it cannot become (a)symmetric now.")
                ]
            else:
                row.symmetric = symmetric

    def _apply_names_and_limits(
        self, row: RelationType, data: dict, errors: dict, *, creating: bool
    ) -> None:
        """The labels of both sides, the key and the limits."""
        for key in ("source_label", "target_label"):
            if key in data or (creating and key == "source_label"):
                try:
                    setattr(row, key, clean_label(data.get(key), key=key))
                except TesseraError as error:
                    errors.update(error.errors)
        if "key" in data:
            self._key(row, data["key"], errors)
        for key in ("max_targets", "max_sources"):
            if key in data:
                value = data[key]
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**6
                ):
                    errors[key] = [_("Give a whole number from 1 up, or null for no limit.")]
                else:
                    setattr(row, key, value)

    def _apply_shape(self, row: RelationType, data: dict, errors: dict) -> None:
        """What the parts decide together: a symmetric type's one side, form sections, limits."""
        if row.symmetric:
            if row.source_id != row.target_id:
                errors["symmetric"] = [
                    _(
                        "A symmetric relation links records of one entity type: make the "
                        "source and the target the same."
                    )
                ]
            row.target_label = {}
            row.max_sources = row.max_targets
        elif not row.target_label:
            errors["target_label"] = [_("Name the target side (e.g. Branch).")]
        for end in ("source", "target"):
            key = f"{end}_form_section"
            if key in data:
                self._section(row, end, data[key], errors)
        if row.symmetric:
            row.target_form_section = None
        if not errors:
            self._check_limits(row, errors)

    def _entity(self, slug: Any, end: str, errors: dict) -> EntityType | None:
        entity = (
            EntityType.objects.alive().filter(slug=slug).first() if isinstance(slug, str) else None
        )
        if entity is None:
            errors[end] = [_("There is no entity type '%(slug)s'.") % {"slug": slug}]
            return None
        if not entity.supports_relations:
            errors[end] = [
                _("%(entity)s do not take relations; switch relations on for them first.")
                % {"entity": entity.slug}
            ]
            return None
        return entity

    def _key(self, row: RelationType, key: Any, errors: dict) -> None:
        if key is None:
            row.key = None
            return
        if (
            not isinstance(key, str)
            or not key
            or len(key) > 64
            or not key.replace("_", "a").isalnum()
        ):
            errors["key"] = [_("Use letters, digits and underscores (at most 64).")]
            return
        if RelationType.objects.filter(key=key).exclude(pk=row.pk).exists():
            errors["key"] = [_("Another relation type has this key.")]
            return
        row.key = key

    def _section(self, row: RelationType, end: str, position: Any, errors: dict) -> None:
        key = f"{end}_form_section"
        if position is None:
            setattr(row, key, None)
            return
        entity_id = getattr(row, f"{end}_id")
        sections = list(
            LayoutSection.objects.filter(layout__entity_type_id=entity_id).order_by(
                "sort_order", "id"
            )
        )
        if (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not (1 <= position <= len(sections))
        ):
            errors[key] = [
                _("Give the number of a section of the form (1 to %(count)s), or null.")
                % {"count": len(sections)}
            ]
            return
        setattr(row, key, sections[position - 1])

    def _check_limits(self, row: RelationType, errors: dict) -> None:
        """A limit below what records already have would be broken at once: refuse it."""
        if row.pk is None:
            return
        rows = Relation.objects.filter(relation_type_id=row.pk)
        checks = (("max_targets", ("source_id",)), ("max_sources", ("target_id",)))
        if row.symmetric:
            checks = (("max_targets", ("source_id", "target_id")),)
        for key, columns in checks:
            limit = getattr(row, key)
            if limit is None:
                continue
            counts: Counter = Counter()
            for column in columns:
                per_record = rows.values(column).annotate(n=Count("id")).values_list(column, "n")
                counts.update(dict(per_record))
            over = sum(1 for n in counts.values() if n > limit)
            if over:
                errors[key] = [
                    _(
                        "%(count)s records already have more relations than %(limit)s; "
                        "remove some first."
                    )
                    % {"count": over, "limit": limit}
                ]
