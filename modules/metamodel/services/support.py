"""What every part of SchemaService shares: the limits, the lookups that raise the domain
errors, and saving a row with its history user.

    class FieldChanges(SchemaSupport):
        def rename(self, user, slug, api_name):
            field = self._field(self._entity(slug), api_name)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from modules.metamodel.ddl import physical_model
from modules.metamodel.exceptions import (
    DuplicateName,
    FieldInUse,
    FieldNotFound,
    InvalidDefinition,
    UnknownFieldType,
)
from modules.metamodel.field_types import field_types
from modules.metamodel.models import EntityType, FieldDefinition
from modules.metamodel.names import SYSTEM_FIELD_NAMES
from modules.metamodel.runtime.specs import FieldSpec

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


class SchemaSupport:
    """The helpers of `SchemaService`: lookups, checks and saving with the history user."""

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
        return rows.by_slug(slug)

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

    def _physical_spec(self, field: FieldDefinition) -> FieldSpec:
        spec = FieldSpec.from_row(field)
        return replace(spec, api_name=field.column)
