"""The field-type registry: one class per type, one file per class.

    from modules.metamodel.field_types import field_types
    field_types.get("money").model_fields(field)

Every app registers its own types in its `AppConfig.ready()`, importing each class
explicitly: metamodel the ones in this package (`builtin.register_builtin_types`),
accounts `user`, relations `relation`. See docs/extending.md.
"""

from modules.core.registry import Registry
from modules.metamodel.field_types.base import ConversionError, FieldType

field_types: Registry[FieldType] = Registry("field type")

__all__ = ["ConversionError", "FieldType", "field_types"]
