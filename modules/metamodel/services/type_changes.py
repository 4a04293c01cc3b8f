"""SchemaService's type changes: a field converted into a new field of another type.

    SchemaService().change_field_type(admin, "persons", "age", "text", confirm_loss=True)

The old field and its column go to the trash, so a type change can be undone by hand.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel import conversion
from modules.metamodel.ddl import physical_model, schema_change, with_retries
from modules.metamodel.exceptions import (
    ConversionNotAllowed,
    ConversionWouldLoseData,
)
from modules.metamodel.layouts import LayoutEditor
from modules.metamodel.models import FieldDefinition
from modules.metamodel.runtime.specs import FieldSpec
from modules.metamodel.services.support import SchemaSupport
from modules.metamodel.signals import field_replaced


class TypeChanges(SchemaSupport):
    """Previews and runs the conversion of a field into another type."""

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
                new = self._replacement(entity, old, new_type, spec)
                old.deleted_at = timezone.now()
                self._save_field(old, user)
                self._check_free(entity, new)
                self._check_unique_allowed(new.type_class, new.unique)
                self._save_field(new, user)
                old.replaced_by = new
                self._save_field(old, user)
                tables.add_columns(new)
                self._convert_values(entity, old, new, confirm_loss)
                LayoutEditor.of(entity, user).move_item(old, new)
                field_replaced.send(FieldDefinition, old=old, new=new)
                self._touch(entity, user)
            return new

        return with_retries(work)

    @staticmethod
    def _replacement(
        entity, old: FieldDefinition, new_type: str, spec: FieldSpec
    ) -> FieldDefinition:
        """The unsaved field that takes `old`'s name, label, flags and place, as `new_type`."""
        return FieldDefinition(
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

    def _convert_values(
        self, entity, old: FieldDefinition, new: FieldDefinition, confirm_loss: bool
    ) -> None:
        """Copy the stored values into the new column; refused if some would not convert."""
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
