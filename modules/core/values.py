"""Values from outside (query parameters, cursors, bodies) made safe to hand to the database.

    moment = storable(parse_datetime("2026-01-01T00:00+16:00"))  # the same moment, in UTC
    storable(Decimal("1e999999"))                                 # raises ValueError
    class PersonsFilterSet(StorableFilterSetMixin, django_filters.FilterSet): ...

Python accepts what PostgreSQL refuses: UTC offsets beyond ±15:59, numbers with a
million digits, text with NUL characters. Such a value makes the query fail (a 500) or,
for a huge integer, makes Python spend hours converting it. `storable` turns each into
the equivalent value the database takes, or raises `ValueError` saying why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

#: Whole digits and decimal places a compared number may have; no column holds more.
MAX_DIGITS = 30


#: Digits an id or other whole number from outside may have: 18 always fit a bigint.
MAX_ID_DIGITS = 18


def is_digits(text: str, max_digits: int = MAX_ID_DIGITS) -> bool:
    """True for at most `max_digits` ASCII digits: `str.isdigit` also takes "²" and "٣",
    which `int()` refuses or reads as another number, and `int()` refuses a string of
    over 4,300 digits; a longer number fits no column anyway."""
    return text.isascii() and text.isdigit() and len(text) <= max_digits


def storable_moment(moment: dt.datetime) -> dt.datetime:
    """An aware date-time in UTC (PostgreSQL refuses offsets beyond ±15:59)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(_("This moment is out of range.")) from None


def storable_number(number: Decimal | int | float) -> Decimal | int | float:
    """The number itself, if it is finite and has at most `MAX_DIGITS` digits each side."""
    if isinstance(number, int):
        if abs(number) >= 10**MAX_DIGITS:
            raise ValueError(_("This number is too large."))
        return number
    checked = Decimal(repr(number)) if isinstance(number, float) else number
    if not checked.is_finite():
        raise ValueError(_("Give a finite number."))
    if checked and checked.adjusted() >= MAX_DIGITS:
        raise ValueError(_("This number is too large."))
    if checked.as_tuple().exponent < -MAX_DIGITS:
        raise ValueError(_("This number has too many decimal places."))
    return number


def storable(value: Any) -> Any:
    """`value` as the database can compare it, lists and ranges item by item."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(_("Text may not contain NUL characters."))
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (Decimal, int, float)):
        return storable_number(value)
    if isinstance(value, dt.datetime):
        return storable_moment(value)
    if isinstance(value, (list, tuple)):
        return type(value)(storable(item) for item in value)
    if isinstance(value, slice):
        return slice(storable(value.start), storable(value.stop), value.step)
    return value


class StorableFilterSetMixin:
    """For a django-filter FilterSet: a value `storable` refuses is a form error on its
    filter (a 400 naming the parameter in the API, a message on the admin's list)."""

    def get_form_class(self):
        base = super().get_form_class()

        def clean(form):
            data = base.clean(form)
            for name, value in list(data.items()):
                try:
                    data[name] = storable(value)
                except ValueError as error:
                    form.add_error(name, str(error))
            return data

        return type(base.__name__, (base,), {"clean": clean})
