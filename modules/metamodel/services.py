"""SchemaService: the only writer of metadata, and through `ddl` the only code running DDL.

    service = SchemaService()
    persons = service.create_entity_type(admin, slug="persons", label="Person",
                                         label_plural="Persons")
    service.add_field(admin, "persons", api_name="potential", label="Sales potential",
                      type="integer")

Order inside each change: check permission, validate, write metadata, DDL, bump the
schema version; all in one transaction, so bad input changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel import conversion
from modules.metamodel.ddl import physical_model, schema_change, with_retries
from modules.metamodel.exceptions import (
    ConversionNotAllowed,
    ConversionWouldLoseData,
    DuplicateName,
    EntityTypeInUse,
    EntityTypeNotFound,
    FieldInUse,
    FieldNotFound,
    InvalidDefinition,
    StaleDefinition,
    SystemFieldProtected,
    UnknownFieldType,
)
from modules.metamodel.field_types import field_types
from modules.metamodel.labels import clean_label
from modules.metamodel.layouts import DEFAULT_SECTION, LayoutEditor
from modules.metamodel.models import EntityType, FieldDefinition, FormLayout
from modules.metamodel.names import SYSTEM_FIELD_NAMES, check_entity_slug, check_field_name
from modules.metamodel.runtime.specs import FieldSpec
from modules.metamodel.signals import field_replaced, field_state_changed, field_trashing

MAX_LIST_COLUMNS = 10
FEATURES = ("supports_visibility", "supports_segmentation", "supports_relations")
FIELD_FLAGS = ("required", "unique", "is_basic")


def _check_known(changes: dict, allowed: set) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidDefinition(
            _("Unknown settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )


def _saved_by(instance, user):
    instance._history_user = user
    return instance


class SchemaService:
    """Creates and changes entity types and fields; every change bumps the schema version."""

    # -- entity types ------------------------------------------------------------
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
                    .filter(target_entity=entity, entity_type__deleted_at__isnull=True)
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
                    .filter(target_entity__deleted_at__isnull=False)
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

    # -- fields --------------------------------------------------------------------
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
        self, user, entity_slug: str, api_name: str, *, confirm_in_use: bool = False
    ) -> FieldDefinition:
        """Move a field to the trash; its column and data stay until the purge.

        A field other settings depend on (a segmentation parameter scores it) is refused
        with `FieldInUse` unless `confirm_in_use`.
        """
        require_administrator(user)

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk):
                field = self._field(entity, api_name)
                if field.is_system:
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

    # -- type changes --------------------------------------------------------------
    def preview_type_change(
        self, user, entity_slug: str, api_name: str, new_type: str, options: dict | None = None
    ) -> conversion.ConversionPreview:
        """Which stored values would not convert; changes nothing."""
        require_administrator(user)
        entity = self._entity(entity_slug)
        field = self._field(entity, api_name)
        new_spec = self._conversion_target(field, new_type, options)
        return conversion.run(
            physical_model(entity.pk), self._physical_spec(field), new_spec, write=False
        )

    def change_field_type(
        self,
        user,
        entity_slug: str,
        api_name: str,
        new_type: str,
        options: dict | None = None,
        *,
        confirm_loss: bool = False,
    ) -> FieldDefinition:
        """Convert into a new column; the old field (and column) goes to the trash."""
        require_administrator(user)

        def work():
            entity = self._entity(entity_slug)
            with schema_change(entity.pk) as tables:
                old = self._field(entity, api_name)
                spec = self._conversion_target(old, new_type, options)
                new = FieldDefinition(
                    entity_type=entity,
                    api_name=old.api_name,
                    label=old.label,
                    help_text=old.help_text,
                    type=new_type,
                    options=spec.options,
                    required=old.required,
                    unique=old.unique,
                    is_basic=old.is_basic,
                    is_system=old.is_system,
                    position=old.position,
                )
                old.deleted_at = timezone.now()
                self._save_field(old, user)
                self._check_free(entity, new)
                self._check_unique_allowed(new.type_class, new.unique)
                self._save_field(new, user)
                old.replaced_by = new
                self._save_field(old, user)
                tables.add_columns(new)
                result = conversion.run(
                    physical_model(entity.pk),
                    self._physical_spec(old),
                    self._physical_spec(new),
                    write=True,
                )
                if result.failing and not confirm_loss:
                    raise ConversionWouldLoseData(
                        _(
                            "%(n)s values would not convert; confirm to leave them empty "
                            "(the old values stay in the trashed field)."
                        )
                        % {"n": result.failing},
                        field="type",
                        extra={"preview": result.as_dict()},
                    )
                LayoutEditor.of(entity, user).move_item(old, new)
                field_replaced.send(FieldDefinition, old=old, new=new)
                self._touch(entity, user)
            return new

        return with_retries(work)

    # -- purge -----------------------------------------------------------------------
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

    # -- helpers ---------------------------------------------------------------------
    def _features(self, features: dict) -> dict:
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise InvalidDefinition(
                _("Unknown features: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        return {key: bool(value) for key, value in features.items()}

    def _check_unique_allowed(self, field_type, unique: bool) -> None:
        if unique and not field_type.can_be_unique:
            raise InvalidDefinition(
                _("A %(type)s field cannot be unique.") % {"type": field_type.label},
                field="unique",
            )

    def _type(self, key: str):
        try:
            return field_types.get(key)
        except field_types.DoesNotExist:
            raise UnknownFieldType(
                _("There is no field type '%(type)s'.") % {"type": key}, field="type"
            ) from None

    def _entity(self, slug: str, *, trashed: bool = False) -> EntityType:
        rows = EntityType.objects.trashed() if trashed else EntityType.objects.alive()
        try:
            return rows.get(slug=slug)
        except EntityType.DoesNotExist:
            raise EntityTypeNotFound(
                _("There is no entity type '%(slug)s'.") % {"slug": slug}
            ) from None

    def _field(
        self, entity: EntityType, api_name: str, *, trashed: bool = False
    ) -> FieldDefinition:
        rows = entity.fields.trashed() if trashed else entity.fields.alive()
        field = rows.filter(api_name=api_name).order_by("-deleted_at").first()
        if field is None:
            raise FieldNotFound(
                _("%(entity)s has no field '%(name)s'.") % {"entity": entity, "name": api_name},
                field="api_name",
            )
        return field

    def _target(self, field_type, target_slug: str | None) -> EntityType | None:
        if not field_type.needs_target_entity:
            return None
        if not target_slug:
            raise InvalidDefinition(
                _("Choose the entity type this field links to."), field="options.target"
            )
        try:
            return EntityType.objects.alive().get(slug=target_slug)
        except EntityType.DoesNotExist:
            raise InvalidDefinition(
                _("There is no entity type '%(slug)s'.") % {"slug": target_slug},
                field="options.target",
            ) from None

    def _check_free(self, entity: EntityType, field: FieldDefinition) -> None:
        """No two live fields may share an api name or a model attribute."""
        taken = set(SYSTEM_FIELD_NAMES)
        for other in entity.fields.alive().exclude(pk=field.pk):
            taken.update(other.type_class.attribute_names(other.api_name))
        clash = set(field.type_class.attribute_names(field.api_name)) & taken
        if clash:
            raise DuplicateName(
                _("%(entity)s already has a field called '%(name)s'.")
                % {"entity": entity, "name": sorted(clash)[0]},
                field="api_name",
            )

    def _save_field(self, field: FieldDefinition, user) -> None:
        try:
            with transaction.atomic():
                _saved_by(field, user).save()
        except IntegrityError:
            raise DuplicateName(
                _("Another field is already called '%(name)s'.") % {"name": field.api_name},
                field="api_name",
            ) from None

    def _touch(self, entity: EntityType, user) -> None:
        entity.version += 1
        stored = EntityType.objects.filter(pk=entity.pk).values_list("title_template", flat=True)
        # A version bump alone is bookkeeping: the configuration history would show an
        # empty "changed" line next to every field change.
        quiet = stored.first() == entity.title_template
        if quiet:
            entity.skip_history_when_saving = True
        try:
            _saved_by(entity, user).save(update_fields=["version", "title_template", "updated_at"])
        finally:
            if quiet:
                del entity.skip_history_when_saving

    def _changed_options(self, field: FieldDefinition, options: Any, confirm_loss: bool) -> dict:
        field_type = field.type_class
        if field_type.needs_target_entity and field_type.target_from_options(options or {}) not in (
            None,
            field.target_entity.slug,
        ):
            raise InvalidDefinition(
                _("The linked entity type cannot be changed."), field="options.target"
            )
        cleaned = field_type.validate_options(options)
        affected = field_type.values_lost_by(
            self._physical_spec(field), cleaned, physical_model(field.entity_type_id)
        )
        if affected and not confirm_loss:
            raise FieldInUse(
                _(
                    "%(n)s records hold values these options no longer allow; confirm to go on "
                    "(the values stay stored)."
                )
                % {"n": affected},
                field="options",
                extra={"affected": affected},
            )
        return cleaned

    def _conversion_target(self, field: FieldDefinition, new_type: str, options) -> FieldSpec:
        target_type = self._type(new_type)
        if not field.type_class.can_convert_to(target_type):
            raise ConversionNotAllowed(
                _("A %(old)s field cannot become a %(new)s field.")
                % {"old": field.type_class.label, "new": target_type.label},
                field="type",
            )
        return replace(
            self._physical_spec(field),
            id=0,
            type=new_type,
            options=target_type.validate_options(options),
        )

    def _physical_spec(self, field: FieldDefinition) -> FieldSpec:
        spec = FieldSpec.from_row(field)
        return replace(spec, api_name=field.column)
