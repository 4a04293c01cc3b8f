"""SchemaService's entity-type changes: create, update, trash and restore.

    SchemaService().create_entity_type(admin, slug="deals", label="Deal", label_plural="Deals")

A type is created with its table and a form layout of one section; trashing keeps both.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.core.trash import alive_q, trashed_q
from modules.metamodel.ddl import schema_change, with_retries
from modules.metamodel.exceptions import (
    DuplicateName,
    EntityTypeInUse,
    InvalidDefinition,
    StaleDefinition,
    SystemFieldProtected,
)
from modules.metamodel.labels import clean_label
from modules.metamodel.layouts import DEFAULT_SECTION, LayoutEditor
from modules.metamodel.models import EntityType, FieldDefinition, FormLayout
from modules.metamodel.names import check_entity_slug
from modules.metamodel.services.support import (
    FEATURES,
    MAX_LIST_COLUMNS,
    SchemaSupport,
    _check_known,
    _saved_by,
)


class EntityTypeChanges(SchemaSupport):
    """Creates, changes, trashes and restores entity types."""

    def create_entity_type(
        self,
        user,
        *,
        slug: str,
        label: Any,
        label_plural: Any,
        icon: str = "folder",
        title_template: str = "",
        is_system: bool = False,
        **features: bool,
    ) -> EntityType:
        require_administrator(user)
        check_entity_slug(slug)
        entity = EntityType(
            slug=slug,
            label=clean_label(label),
            label_plural=clean_label(label_plural, key="label_plural"),
            icon=str(icon or "folder")[:40],
            title_template=str(title_template or "")[:255],
            is_system=is_system,
            **self._features(features),
        )

        def work():
            with schema_change() as tables:
                if EntityType.objects.trashed().filter(slug=slug).exists():
                    raise DuplicateName(
                        _(
                            "An entity type '%(slug)s' is in the trash; restore it or choose "
                            "another API name."
                        )
                        % {"slug": slug},
                        field="slug",
                    )
                if EntityType.objects.filter(slug=slug).exists():
                    raise DuplicateName(
                        _("An entity type '%(slug)s' exists already.") % {"slug": slug},
                        field="slug",
                    )
                try:
                    with transaction.atomic():
                        _saved_by(entity, user).save()
                except IntegrityError:
                    raise DuplicateName(
                        _("An entity type '%(slug)s' exists already.") % {"slug": slug},
                        field="slug",
                    ) from None
                layout = _saved_by(FormLayout(entity_type=entity), user)
                layout.save()
                LayoutEditor(layout, user).add_section(DEFAULT_SECTION)
                tables.create_table(entity)
            return entity

        return with_retries(work)

    def update_entity_type(
        self, user, slug: str, /, *, expected_version: int | None = None, **changes: Any
    ) -> EntityType:
        """Rename (labels), change icon or title template, switch features on or off.

        With `expected_version`, a newer stored version refuses the change (StaleDefinition).
        """
        require_administrator(user)
        _check_known(
            changes, {"label", "label_plural", "icon", "title_template", "list_columns", *FEATURES}
        )

        def work():
            entity = self._entity(slug)
            with schema_change(entity.pk) as tables:
                entity.refresh_from_db()
                if expected_version is not None and expected_version != entity.version:
                    raise StaleDefinition(
                        _("The entity type changed since version %(version)s; reload it.")
                        % {"version": expected_version},
                        field="version",
                        extra={"current_version": entity.version},
                    )
                for key in ("label", "label_plural"):
                    if key in changes:
                        setattr(entity, key, clean_label(changes[key], key=key))
                if "icon" in changes:
                    entity.icon = str(changes["icon"] or "folder")[:40]
                if "title_template" in changes:
                    entity.title_template = str(changes["title_template"] or "")[:255]
                if "list_columns" in changes:
                    entity.list_columns = self._list_columns(entity, changes["list_columns"])
                for key, value in self._features(
                    {k: v for k, v in changes.items() if k in FEATURES}
                ).items():
                    setattr(entity, key, value)
                entity.version += 1
                _saved_by(entity, user).save()
                tables.add_feature_columns(entity)
            return entity

        return with_retries(work)

    @staticmethod
    def _list_columns(entity: EntityType, names: Any) -> list[int]:
        """The ids of the named live fields (ids survive a rename), each once, at most 10."""
        if names is None:
            return []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise InvalidDefinition(_("Give a list of field API names."), field="list_columns")
        live = dict(entity.fields.alive().values_list("api_name", "id"))
        unknown = [n for n in names if n not in live]
        if unknown:
            raise InvalidDefinition(
                _("No live field is called: %(names)s.") % {"names": ", ".join(unknown)},
                field="list_columns",
            )
        if len(set(names)) != len(names) or len(names) > MAX_LIST_COLUMNS:
            raise InvalidDefinition(
                _("Choose each column once, at most %(max)s.") % {"max": MAX_LIST_COLUMNS},
                field="list_columns",
            )
        return [live[n] for n in names]

    def trash_entity_type(self, user, slug: str) -> EntityType:
        """Move an entity type to the trash; its table and records stay, the runtime skips it.

        Refused for built-in types and while live relation fields of other entity
        types link to it (their values would point nowhere).
        """
        require_administrator(user)

        def work():
            entity = self._entity(slug)
            with schema_change(entity.pk):
                entity = self._entity(slug)  # again, under the lock
                if entity.is_system:
                    raise SystemFieldProtected(
                        _("'%(slug)s' is built in and cannot be deleted.") % {"slug": slug},
                        field="slug",
                    )
                incoming = sorted(
                    str(f)
                    for f in FieldDefinition.objects.alive()
                    .filter(alive_q("entity_type"), target_entity=entity)
                    .exclude(entity_type=entity)
                    .select_related("entity_type")
                )
                if incoming:
                    raise EntityTypeInUse(
                        _(
                            "Fields of other entity types link to '%(slug)s': %(fields)s. "
                            "Delete those fields first."
                        )
                        % {"slug": slug, "fields": ", ".join(incoming)},
                        field="slug",
                        extra={"fields": incoming},
                    )
                entity.deleted_at = timezone.now()
                entity.version += 1
                _saved_by(entity, user).save(update_fields=["deleted_at", "version", "updated_at"])
            return entity

        return with_retries(work)

    def restore_entity_type(self, user, slug: str) -> EntityType:
        """Bring a trashed entity type back with its fields, layout and records."""
        require_administrator(user)

        def work():
            entity = self._entity(slug, trashed=True)
            with schema_change(entity.pk):
                entity = self._entity(slug, trashed=True)  # again, under the lock
                # Its relations must link to live types, or the runtime would drop them.
                gone = sorted(
                    f"{f.api_name} -> {f.target_entity.slug}"
                    for f in entity.fields.alive()
                    .filter(trashed_q("target_entity"))
                    .exclude(target_entity=entity)
                    .select_related("target_entity")
                )
                if gone:
                    raise InvalidDefinition(
                        _(
                            "Fields of '%(slug)s' link to entity types in the trash: "
                            "%(fields)s. Restore those first."
                        )
                        % {"slug": slug, "fields": ", ".join(gone)},
                        field="slug",
                    )
                entity.deleted_at = None
                entity.version += 1
                _saved_by(entity, user).save(update_fields=["deleted_at", "version", "updated_at"])
            return entity

        return with_retries(work)
