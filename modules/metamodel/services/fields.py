"""SchemaService's field changes: add, update, trash, restore, reorder, lay out, purge.

    SchemaService().add_field(admin, "persons", api_name="potential", label="Potential",
                              type="integer")

Each change locks the entity type (`ddl.schema_change`), runs its DDL and bumps the version.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel.ddl import schema_change, with_retries
from modules.metamodel.exceptions import (
    InvalidDefinition,
    SystemFieldProtected,
)
from modules.metamodel.labels import clean_label
from modules.metamodel.layouts import LayoutEditor
from modules.metamodel.models import FieldDefinition
from modules.metamodel.names import check_field_name
from modules.metamodel.services.support import (
    FIELD_FLAGS,
    SchemaSupport,
    _check_known,
    _saved_by,
)
from modules.metamodel.signals import field_state_changed, field_trashing


class FieldChanges(SchemaSupport):
    """Adds, changes, trashes, restores, orders and purges fields; sets the form layout."""

    def add_field(
        self,
        user,
        entity_slug: str,
        *,
        api_name: str,
        label: Any,
        type: str,
        options: dict | None = None,
        help_text: Any = None,
        required: bool = False,
        unique: bool = False,
        is_basic: bool = False,
        is_system: bool = False,
        section: int | None = None,
    ) -> FieldDefinition:
        """Add a field (a new nullable column); `section` is a layout section index."""
        require_administrator(user)
        check_field_name(api_name)
        field_type = self._type(type)
        self._check_unique_allowed(field_type, unique)
        options = dict(options or {})
        target_slug = field_type.target_from_options(options)
        options = field_type.validate_options(options)
        field = FieldDefinition(
            api_name=api_name,
            label=clean_label(label),
            type=type,
            options=options,
            help_text=clean_label(help_text, key="help_text", required=False),
            required=bool(required),
            unique=bool(unique),
            is_basic=bool(is_basic),
            is_system=bool(is_system),
        )

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk) as tables:
                field.pk = None
                field.entity_type = entity
                field.target_entity = self._target(field_type, target_slug)
                self._check_free(entity, field)
                field.position = (entity.fields.aggregate(m=Max("position"))["m"] or 0) + 1
                self._save_field(field, user)
                tables.add_columns(field)
                LayoutEditor.of(entity, user).place(field, section)
                self._touch(entity, user)
            return field

        return with_retries(work)

    def update_field(
        self,
        user,
        entity_slug: str,
        api_name: str,
        /,
        *,
        confirm_loss: bool = False,
        **changes: Any,
    ) -> FieldDefinition:
        """Rename (label and api name only; the column stays), change flags or options.

        Options that would orphan stored values (a removed choice still in use) need
        `confirm_loss`; the values stay stored either way.
        """
        require_administrator(user)
        _check_known(changes, {"api_name", "label", "help_text", "options", *FIELD_FLAGS})

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk):
                field = self._field(entity, api_name)
                if "api_name" in changes and changes["api_name"] != field.api_name:
                    old_name, field.api_name = field.api_name, check_field_name(changes["api_name"])
                    self._check_free(entity, field)
                    # Titles name fields by api name; keep them pointing at the same field.
                    entity.title_template = entity.title_template.replace(
                        f"{{{old_name}}}", f"{{{field.api_name}}}"
                    )
                if "label" in changes:
                    field.label = clean_label(changes["label"])
                if "help_text" in changes:
                    field.help_text = clean_label(
                        changes["help_text"], key="help_text", required=False
                    )
                for flag in FIELD_FLAGS:
                    if flag in changes:
                        setattr(field, flag, bool(changes[flag]))
                self._check_unique_allowed(field.type_class, field.unique)
                if "options" in changes:
                    field.options = self._changed_options(field, changes["options"], confirm_loss)
                self._save_field(field, user)
                self._touch(entity, user)
            return field

        return with_retries(work)

    def trash_field(
        self,
        user,
        entity_slug: str,
        api_name: str,
        *,
        confirm_in_use: bool = False,
        retire_builtin: bool = False,
    ) -> FieldDefinition:
        """Move a field to the trash; its column and data stay until the purge.

        A field other settings depend on (a segmentation parameter scores it) is refused
        with `FieldInUse` unless `confirm_in_use`. A built-in field is refused, unless the
        system itself (`user` None) retires it with `retire_builtin` because a module
        replaced it (sales replaces the deals' `stage` choice by its process).
        """
        require_administrator(user)

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk):
                field = self._field(entity, api_name)
                if field.is_system and not (retire_builtin and user is None):
                    raise SystemFieldProtected(
                        _("'%(name)s' is built in and cannot be deleted.") % {"name": api_name},
                        field="api_name",
                    )
                field_trashing.send(FieldDefinition, field=field, confirmed=confirm_in_use)
                field.deleted_at = timezone.now()
                self._save_field(field, user)
                self._touch(entity, user)
                field_state_changed.send(FieldDefinition, field=field)
            return field

        return with_retries(work)

    def restore_field(self, user, entity_slug: str, api_name: str) -> FieldDefinition:
        """Bring a trashed field back, with its data, where it was on the form."""
        require_administrator(user)

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk):
                field = self._field(entity, api_name, trashed=True)
                if field.replaced_by_id is not None:
                    raise InvalidDefinition(
                        _(
                            "This field's data moved to a new field when its type changed; "
                            "it cannot be restored."
                        ),
                        field="api_name",
                    )
                if field.target_entity_id and field.target_entity.deleted_at is not None:
                    raise InvalidDefinition(
                        _("The entity type this field links to is in the trash."),
                        field="api_name",
                    )
                field.deleted_at = None
                self._check_free(entity, field)
                self._save_field(field, user)
                self._touch(entity, user)
                field_state_changed.send(FieldDefinition, field=field)
            return field

        return with_retries(work)

    def reorder_fields(self, user, entity_slug: str, api_names: list[str]) -> None:
        """Set the fields' order (the order of the default layout and of API output)."""
        require_administrator(user)

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk):
                fields = {f.api_name: f for f in entity.fields.alive()}
                if sorted(api_names) != sorted(fields) or len(set(api_names)) != len(api_names):
                    raise InvalidDefinition(_("List every field exactly once."), field="fields")
                for position, name in enumerate(api_names, start=1):
                    fields[name].position = position
                    self._save_field(fields[name], user)
                self._touch(entity, user)

        with_retries(work)

    def set_layout(self, user, entity_slug: str, sections: list[dict]) -> None:
        """Replace the form layout: `[{"label": ..., "fields": [api names]}, ...]`."""
        require_administrator(user)

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk):
                LayoutEditor.of(entity, user).replace(sections)
                self._touch(entity, user)

        with_retries(work)

    def purge_trashed_fields(self, user, *, older_than) -> int:
        """Drop the columns of fields trashed before `older_than`; returns how many."""
        require_administrator(user)
        purged = 0
        for field in FieldDefinition.objects.filter(deleted_at__lt=older_than).order_by("id"):

            def work(field=field):
                with schema_change(field.entity_type_id) as tables:
                    if not FieldDefinition.objects.filter(
                        pk=field.pk, deleted_at__lt=older_than
                    ).exists():
                        return 0
                    tables.drop_columns(field)
                    _saved_by(field, user).delete()
                return 1

            purged += with_retries(work)
        return purged
