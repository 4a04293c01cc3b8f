"""Allocating auto-numbers: one counter row per field and period, locked per allocation.

    number = allocate(field_spec, user)      # "17/2026"

Gapless within a committed transaction and unique under concurrent creates: the
counter row is locked (`SELECT ... FOR UPDATE`) until the creating transaction ends.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from modules.records.models import NumberSequence


def allocate(field, user) -> str:
    """The next number of an auto-number field, formatted by its pattern."""
    field_type = field.type_class
    today = timezone.localdate()
    period = field_type.period(field, today)
    value = _next_value(field.id, period, int(field.options.get("start", 1)))
    initials = user.initials if user is not None else ""
    return field_type.format(field, value, today, initials)


def allocate_many(field, user, count: int) -> list[str]:
    """The next `count` numbers of an auto-number field at once (bulk imports)."""
    field_type = field.type_class
    today = timezone.localdate()
    period = field_type.period(field, today)
    last = _next_value(field.id, period, int(field.options.get("start", 1)), count)
    initials = user.initials if user is not None else ""
    return [
        field_type.format(field, value, today, initials)
        for value in range(last - count + 1, last + 1)
    ]


def _next_value(field_id: int, period: str, start: int, count: int = 1) -> int:
    assert transaction.get_connection().in_atomic_block, (
        "Allocate numbers inside the transaction that saves the record."
    )
    # GREATEST: raising `start` later (say to 1000) moves the counter up, never down.
    bump = Greatest(F("last_value") + count, Value(start + count - 1))
    updated = NumberSequence.objects.filter(field_id=field_id, period=period).update(
        last_value=bump
    )
    if not updated:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(
                    field_id=field_id, period=period, last_value=start + count - 1
                )
            return start + count - 1
        except IntegrityError:
            # Another writer created the counter first; take the next value from it.
            NumberSequence.objects.filter(field_id=field_id, period=period).update(last_value=bump)
    return NumberSequence.objects.get(field_id=field_id, period=period).last_value
