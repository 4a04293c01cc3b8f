"""The field types the metamodel ships; its `AppConfig.ready()` registers them.

    register_builtin_types()      # once, at ready()

Types that belong to a higher module (`user` in accounts, `relation` in relations) are
registered by that module's `ready()`.
"""

from modules.metamodel.field_types import FieldType, field_types
from modules.metamodel.field_types.auto_number import AutoNumberType
from modules.metamodel.field_types.boolean import BooleanType
from modules.metamodel.field_types.choice import ChoiceType
from modules.metamodel.field_types.date import DateType
from modules.metamodel.field_types.datetime import DateTimeType
from modules.metamodel.field_types.decimal import DecimalType
from modules.metamodel.field_types.email import EmailType
from modules.metamodel.field_types.integer import IntegerType
from modules.metamodel.field_types.long_text import LongTextType
from modules.metamodel.field_types.money import MoneyType
from modules.metamodel.field_types.multi_choice import MultiChoiceType
from modules.metamodel.field_types.percent import PercentType
from modules.metamodel.field_types.phone import PhoneType
from modules.metamodel.field_types.tags import TagsType
from modules.metamodel.field_types.text import TextType
from modules.metamodel.field_types.url import URLType

BUILTIN_TYPES: tuple[type[FieldType], ...] = (
    TextType,
    LongTextType,
    IntegerType,
    DecimalType,
    MoneyType,
    PercentType,
    DateType,
    DateTimeType,
    BooleanType,
    ChoiceType,
    MultiChoiceType,
    EmailType,
    PhoneType,
    URLType,
    AutoNumberType,
    TagsType,
)


def register_builtin_types() -> None:
    """Register one instance of each shipped type."""
    for cls in BUILTIN_TYPES:
        field_types.register(cls())
