"""The field-type registry: one class per type, one file per class.

    from modules.metamodel.field_types import field_types
    field_types.get("money").model_fields(field)

A new type is a new file here and one line in `BUILTIN_TYPES`; see docs/extending.md.
"""

from importlib import import_module

from modules.core.registry import Registry
from modules.metamodel.field_types.base import ConversionError, FieldType

field_types: Registry[FieldType] = Registry("field type")

BUILTIN_TYPES = [
    "text.TextType",
    "long_text.LongTextType",
    "integer.IntegerType",
    "decimal.DecimalType",
    "money.MoneyType",
    "percent.PercentType",
    "date.DateType",
    "datetime.DateTimeType",
    "boolean.BooleanType",
    "choice.ChoiceType",
    "multi_choice.MultiChoiceType",
    "email.EmailType",
    "phone.PhoneType",
    "url.URLType",
    "user.UserType",
    "relation.RelationType",
    "auto_number.AutoNumberType",
    "tags.TagsType",
]


def load_builtin_types() -> None:
    """Register the shipped types once (called by the app's `ready()`)."""
    for dotted in BUILTIN_TYPES:
        module_name, class_name = dotted.rsplit(".", 1)
        cls = getattr(import_module(f"{__name__}.{module_name}"), class_name)
        if cls.type not in field_types:
            field_types.register(cls())


__all__ = ["ConversionError", "FieldType", "field_types", "load_builtin_types"]
