"""Parameter kinds: how a parameter scores its field, one class per kind, in one registry.

    kind = parameter_kinds.get(spec.type_class.segmentation_kind)    # "numeric"
    rules = kind.clean(spec, {"ranges": [...]}, "parameters.0", errors)
    kind.model(scheme=scheme, field_id=spec.id, **rules)

A field type says which kind scores it (`FieldType.segmentation_kind`); "none" means
no parameter may use the field. Each kind checks its own rules and names the model
(a django-polymorphic subclass of `Parameter`) that stores them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.registry import Registry
from modules.core.values import is_digits
from modules.segmentation.models import CategoricalParameter, NumericParameter, Parameter

MAX_POINTS = 10000
MAX_RULES = 50
MAX_NUMBER = Decimal("1e12")

Errors = dict[str, list[str]]


def clean_points(value: Any, key: str, errors: Errors) -> int | None:
    """Whole points between -MAX_POINTS and MAX_POINTS."""
    if isinstance(value, str) and is_digits(value.strip().removeprefix("-")):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = [_("Give the points as a whole number.")]
        return None
    if abs(value) > MAX_POINTS:
        errors[key] = [_("Points must be between -%(n)s and %(n)s.") % {"n": MAX_POINTS}]
        return None
    return value


def clean_number(value: Any, key: str, errors: Errors, *, places: int | None = None):
    """A decimal (from a number or a string); `None` stays `None`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        errors[key] = [_("Give a number.")]
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors[key] = [_("Give a number.")]
        return None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        errors[key] = [_("Give a number below %(max)s.") % {"max": f"{MAX_NUMBER:,.0f}"}]
        return None
    if places is not None and number != number.quantize(Decimal(1).scaleb(-places)):
        errors[key] = [_("Use at most %(n)s decimal places.") % {"n": places}]
        return None
    return number


def number_text(number: Decimal | None) -> str | None:
    """A decimal as the stored text: no exponent, no trailing zeros."""
    if number is None:
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


class ParameterKind:
    """One way of scoring a field's value."""

    type = ""
    label: Any = ""
    model: type[Parameter] = Parameter
    #: The payload key of this kind's rules, and the other kinds' keys it refuses.
    rules_key = ""

    def clean(self, spec, data: dict, prefix: str, errors: Errors) -> dict:
        """The model's kind-specific values from a parameter's payload; errors per key."""
        raise NotImplementedError

    def rebind(self, parameter: Parameter, spec) -> dict | None:
        """The rules for a field that changed type to `spec` (same kind), or None if they
        no longer fit it."""
        return parameter.rules()


class NumericKind(ParameterKind):
    """Ranges of numbers, each earning points; ranges may not overlap, gaps earn nothing."""

    type = "numeric"
    label = gettext_lazy("Numeric: ranges → points")
    model = NumericParameter
    rules_key = "ranges"

    def clean(self, spec, data, prefix, errors):
        ranges = data.get("ranges")
        if not isinstance(ranges, list) or not ranges:
            errors[f"{prefix}.ranges"] = [_("Give at least one range.")]
            return {}
        if len(ranges) > MAX_RULES:
            errors[f"{prefix}.ranges"] = [_("Give at most %(n)s ranges.") % {"n": MAX_RULES}]
            return {}
        cleaned = []
        for index, item in enumerate(ranges):
            key = f"{prefix}.ranges.{index}"
            if not isinstance(item, dict):
                errors[key] = [_('Give a range as {"min", "max", "points"}.')]
                continue
            low = clean_number(item.get("min"), f"{key}.min", errors)
            high = clean_number(item.get("max"), f"{key}.max", errors)
            points = clean_points(item.get("points"), f"{key}.points", errors)
            if f"{key}.min" in errors or f"{key}.max" in errors or points is None:
                continue
            if low is not None and high is not None and low >= high:
                errors[f"{key}.max"] = [_("The end of a range must be above its start.")]
                continue
            cleaned.append((index, low, high, points))
        self._check_overlaps(cleaned, prefix, errors)
        ordered = sorted(cleaned, key=lambda r: (r[1] is not None, r[1] or 0))
        return {
            "ranges": [
                {"min": number_text(low), "max": number_text(high), "points": points}
                for _index, low, high, points in ordered
            ]
        }

    @staticmethod
    def _check_overlaps(cleaned, prefix: str, errors: Errors) -> None:
        """Ranges are `[min, max)`: sorted by start, each must start at or after the
        previous one's end. Two open starts (or ends) always overlap."""
        ordered = sorted(cleaned, key=lambda r: (r[1] is not None, r[1] or 0))
        for before, after in pairwise(ordered):
            _i, _low, before_high, _p = before
            index, low, _high, _points = after
            if before_high is None or low is None or low < before_high:
                errors.setdefault(f"{prefix}.ranges.{index}.min", []).append(
                    _("This range overlaps range %(n)s; ranges may not overlap.")
                    % {"n": before[0] + 1}
                )


class CategoricalKind(ParameterKind):
    """Values of the field (checked by its type), each earning points."""

    type = "categorical"
    label = gettext_lazy("Values → points")
    model = CategoricalParameter
    rules_key = "values"

    def clean(self, spec, data, prefix, errors):
        values = data.get("values")
        if not isinstance(values, list) or not values:
            errors[f"{prefix}.values"] = [_("Give at least one value.")]
            return {}
        if len(values) > MAX_RULES:
            errors[f"{prefix}.values"] = [_("Give at most %(n)s values.") % {"n": MAX_RULES}]
            return {}
        cleaned, seen = [], {}
        for index, item in enumerate(values):
            key = f"{prefix}.values.{index}"
            if not isinstance(item, dict):
                errors[key] = [_('Give a value as {"value", "points"}.')]
                continue
            value = self._value(spec, item.get("value"), f"{key}.value", errors)
            points = clean_points(item.get("points"), f"{key}.points", errors)
            if value is None or points is None:
                continue
            if value in seen:
                errors[f"{key}.value"] = [
                    _("This value is listed already (value %(n)s).") % {"n": seen[value] + 1}
                ]
                continue
            seen[value] = index
            cleaned.append({"value": value, "points": points})
        return {"values": cleaned}

    def rebind(self, parameter, spec):
        errors: Errors = {}
        rules = self.clean(spec, parameter.rules(), "values", errors)
        return None if errors else rules

    @staticmethod
    def _value(spec, raw: Any, key: str, errors: Errors):
        try:
            # Text as a person reads it too: a choice's label in any language, not only its code.
            if isinstance(raw, str):
                value = spec.type_class.parse_text(spec, raw)
            else:
                value = spec.type_class.clean(spec, raw)
        except ValidationError as error:
            errors[key] = list(error.messages)
            return None
        if value is None:
            errors[key] = [_("Give a value; an empty field earns no points.")]
        return value


parameter_kinds: Registry[ParameterKind] = Registry("segmentation parameter kind")


def register_builtin_kinds() -> None:
    """Register the shipped kinds (called once, when the app is ready)."""
    for kind in (NumericKind(), CategoricalKind()):
        if kind.type not in parameter_kinds:
            parameter_kinds.register(kind)


def kind_of(spec) -> ParameterKind | None:
    """The kind that scores a field, or None if its type cannot be scored."""
    key = spec.type_class.segmentation_kind
    return parameter_kinds.get(key) if key in parameter_kinds else None
