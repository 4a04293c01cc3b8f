"""Domain errors of the metamodel: schema changes that cannot be made as asked."""

from django.utils.translation import gettext_lazy as _

from modules.core.exceptions import Conflict, NotFound, TesseraError


class EntityTypeNotFound(NotFound):
    """Raised when no entity type has the given slug."""

    code = "entity_type_not_found"


class FieldNotFound(NotFound):
    """Raised when an entity type has no (live or trashed) field of that api name."""

    code = "field_not_found"


class InvalidName(TesseraError):
    """Raised when an api name or slug breaks the naming rules or is reserved."""

    code = "invalid_name"


class DuplicateName(TesseraError):
    """Raised when an api name or slug is already taken."""

    code = "duplicate_name"


class UnknownFieldType(TesseraError):
    """Raised when a field type key is not registered."""

    code = "unknown_field_type"


class InvalidFieldOptions(TesseraError):
    """Raised when a field's options do not fit its type."""

    code = "invalid_options"


class InvalidDefinition(TesseraError):
    """Raised when a field or entity definition is inconsistent (bad label, target, ...)."""

    code = "invalid_definition"


class ConversionNotAllowed(TesseraError):
    """Raised when a field's type cannot be changed to the requested one."""

    code = "conversion_not_allowed"


class ConversionWouldLoseData(Conflict):
    """Raised when a type change would drop values and was not confirmed."""

    code = "conversion_would_lose_data"


class FieldInUse(Conflict):
    """Raised when a change would orphan stored values and was not confirmed."""

    code = "field_in_use"


class SystemFieldProtected(TesseraError):
    """Raised when a built-in field or entity type would be trashed."""

    code = "system_protected"


class SchemaBusy(Conflict):
    """Raised when a schema change could not get its table lock after all retries."""

    code = "schema_busy"

    def __init__(self, detail=None, **kwargs):
        super().__init__(
            detail or _("The table is busy; the schema change was not applied. Try again."),
            **kwargs,
        )


class InvalidLayout(TesseraError):
    """Raised when a form layout names unknown, trashed or repeated fields."""

    code = "invalid_layout"


class SchemaFileInvalid(TesseraError):
    """Raised when a file in schemas/ does not match the schema definition format."""

    code = "invalid_schema_file"


class StaleDefinition(Conflict):
    """Raised when a change names a version of an entity type that is not current."""

    code = "stale_version"


class EntityTypeInUse(Conflict):
    """Raised when an entity type would be trashed while other types' fields link to it."""

    code = "entity_type_in_use"
