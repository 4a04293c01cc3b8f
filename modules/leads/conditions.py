"""Conditions of a distribution rule on a new lead's values, checked and evaluated.

    problems = check(entity, [{"field": "country", "op": "eq", "value": "PL"}])
    matches(entity, record, conditions)   # every condition holds (an empty list: always)

Operators: `eq`, `ne`, `in` (a list), `contains` (text), `gt`, `gte`, `lt`, `lte` (numbers;
a money value compares its amount), `empty`, `not_empty`. Text compares case- and
space-insensitively; a value that cannot be compared (a number against text) does not match.
Besides the lead's fields, `score` and `segment` when the type is segmented.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from modules.metamodel.exceptions import FieldNotFound

OPERATORS = ("eq", "ne", "in", "contains", "gt", "gte", "lt", "lte", "empty", "not_empty")
NUMERIC = ("gt", "gte", "lt", "lte")
WITHOUT_VALUE = ("empty", "not_empty")
SYSTEM_FIELDS = ("score", "segment")
MAX_CONDITIONS = 50
MAX_VALUES = 500
MAX_TEXT = 1000


def field_names(entity) -> list[str]:
    """What a condition may name on `entity`: its live fields, then score and segment."""
    names = [spec.api_name for spec in entity.fields]
    if entity.supports_segmentation:
        names += list(SYSTEM_FIELDS)
    return names


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dict):
        value = value.get("amount")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() and len(number.as_tuple().digits) <= 30 else None


def _text(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _scalar_ok(value: Any) -> bool:
    return (
        isinstance(value, (str, int, Decimal))
        and not isinstance(value, bool)
        and (not isinstance(value, str) or 0 < len(value) <= MAX_TEXT)
    )


def check(entity, conditions: Any) -> dict[str, list[str]]:
    """Problems keyed like the body (`conditions.0.op`); empty when the list is valid."""
    if not isinstance(conditions, list):
        return {"conditions": [_("Give a list of conditions.")]}
    if len(conditions) > MAX_CONDITIONS:
        return {"conditions": [_("Give at most %(n)s conditions.") % {"n": MAX_CONDITIONS}]}
    known = field_names(entity)
    errors: dict[str, list[str]] = {}
    for index, condition in enumerate(conditions):
        key = f"conditions.{index}"
        if not isinstance(condition, dict) or set(condition) - {"field", "op", "value"}:
            errors[key] = [_("A condition has a field, an operator and a value.")]
            continue
        field, op, value = condition.get("field"), condition.get("op"), condition.get("value")
        if field not in known:
            errors[f"{key}.field"] = [_("Choose a field of leads.")]
        if op not in OPERATORS:
            errors[f"{key}.op"] = [_("Choose one of: %(ops)s.") % {"ops": ", ".join(OPERATORS)}]
            continue
        if op in WITHOUT_VALUE:
            if value is not None:
                errors[f"{key}.value"] = [_("This operator takes no value.")]
        elif op in NUMERIC:
            if (
                not isinstance(value, (int, str))
                or isinstance(value, bool)
                or _number(value) is None
            ):
                errors[f"{key}.value"] = [_("Give a number of at most 30 digits.")]
        elif op == "in":
            if (
                not isinstance(value, list)
                or not 0 < len(value) <= MAX_VALUES
                or not all(_scalar_ok(v) for v in value)
            ):
                errors[f"{key}.value"] = [
                    _("Give a list of 1 to %(n)s values.") % {"n": MAX_VALUES}
                ]
        elif not _scalar_ok(value):
            errors[f"{key}.value"] = [
                _("Give text of 1 to %(n)s characters or a number.") % {"n": MAX_TEXT}
            ]
    return errors


def value_of(entity, record, name: str) -> Any:
    """The record's value of a field (or score, segment) as conditions compare it."""
    if name in SYSTEM_FIELDS:
        return getattr(record, name, None)
    spec = entity.field(name)
    return spec.type_class.get_value(record, spec)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _equal(value: Any, wanted: Any) -> bool:
    if isinstance(value, list):
        return any(_equal(v, wanted) for v in value)
    if hasattr(value, "pk"):
        value = value.pk
    left, right = _number(value), _number(wanted)
    if left is not None and right is not None and not isinstance(value, str):
        return left == right
    return _text(value) == _text(wanted)


def holds(entity, record, condition: dict) -> bool:
    """Whether one condition holds for the record."""
    try:
        value = value_of(entity, record, condition["field"])
    except FieldNotFound:
        return False  # the field went to the trash after the rule was saved
    op, wanted = condition["op"], condition.get("value")
    if op == "empty":
        return _is_empty(value)
    if op == "not_empty":
        return not _is_empty(value)
    if _is_empty(value):
        return op == "ne"
    if op == "eq":
        return _equal(value, wanted)
    if op == "ne":
        return not _equal(value, wanted)
    if op == "in":
        return any(_equal(value, w) for w in wanted)
    if op == "contains":
        return _text(wanted) in _text(value)
    number, limit = _number(value), _number(wanted)
    if number is None or limit is None:
        return False
    return {
        "gt": number > limit,
        "gte": number >= limit,
        "lt": number < limit,
        "lte": number <= limit,
    }[op]


def matches(entity, record, conditions: list) -> bool:
    """Whether every condition holds (a rule without conditions takes every lead)."""
    return all(holds(entity, record, condition) for condition in conditions)


def describe(condition: dict) -> str:
    """One condition as a line of an assignment's reason."""
    value = condition.get("value")
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    if condition["op"] in WITHOUT_VALUE:
        return f"{condition['field']} {condition['op']}"
    return f"{condition['field']} {condition['op']} {value}"
