"""Keyset ("cursor") pagination that stays fast at any depth and handles NULLs.

    page = KeysetPaginator(ordering=[("name", False), ("id", False)], page_size=50)
    rows, links = page.paginate(queryset, cursor=request.GET.get("cursor"))

The cursor holds the sort values of the row it starts after (or before), so the
database seeks straight to the page with an index instead of skipping rows.
NULLs sort last in both directions. Never an unbounded `COUNT(*)`: see `capped_count`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError
from modules.core.values import storable


class InvalidCursor(TesseraError):
    """Raised when a `cursor` parameter was not made by this API for this list."""

    code = "invalid_cursor"


@dataclass(frozen=True)
class Ordering:
    """One sort key: a model attribute and its direction."""

    name: str
    descending: bool = False
    #: NULLs need their own ordering and cursor branches; a NOT NULL key (id) must not
    #: get them, or PostgreSQL cannot walk its index and sorts the whole table.
    nullable: bool = True


def encode_cursor(values: list, backwards: bool, keys: list[str]) -> str:
    """A cursor starting after (or before) the row with `values` for the sort `keys`."""
    raw = json.dumps({"v": values, "b": backwards, "k": keys}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[str]) -> tuple[list, bool]:
    """The values and direction of a cursor made for `keys`; InvalidCursor otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        values, backwards = data["v"], data["b"]
        assert isinstance(values, list) and len(values) == len(keys)
        assert isinstance(backwards, bool) and data["k"] == keys
    except (ValueError, KeyError, TypeError, AssertionError, binascii.Error):
        raise InvalidCursor(_("This cursor is not valid for this list."), field="cursor") from None
    return values, backwards


class KeysetPaginator:
    """Pages of a queryset in a fixed order, addressed by cursors."""

    def __init__(self, ordering: list[Ordering], page_size: int):
        self.ordering = ordering
        self.page_size = page_size

    def order_by(self, backwards: bool = False) -> list:
        terms = []
        for key in self.ordering:
            descending = key.descending != backwards
            # NULLs last going forwards means NULLs first going backwards.
            expression = F(key.name)
            nulls = {}
            if key.nullable:
                nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
            terms.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
        return terms

    def _beyond(self, values: list, backwards: bool) -> Q:
        """Rows strictly after (or before) the row whose sort values are `values`."""
        condition = Q(pk__in=[])
        equal = Q()
        for key, value in zip(self.ordering, values, strict=True):
            name = key.name
            if value is None:
                step = Q(**{f"{name}__isnull": False}) if backwards else Q(pk__in=[])
                same = Q(**{f"{name}__isnull": True})
            else:
                later = "lt" if key.descending != backwards else "gt"
                step = Q(**{f"{name}__{later}": value})
                if not backwards and key.nullable:
                    step |= Q(**{f"{name}__isnull": True})
                same = Q(**{name: value})
            condition |= equal & step
            equal &= same
        return condition

    def _values(self, row) -> list:
        return [_jsonable(getattr(row, key.name)) for key in self.ordering]

    def paginate(self, queryset: QuerySet, cursor: str | None) -> tuple[list, dict]:
        """One page of rows and the cursors of its neighbours (None where there is none)."""
        backwards = False
        keys = [f"{'-' if k.descending else ''}{k.name}" for k in self.ordering]
        try:
            if cursor:
                values, backwards = decode_cursor(cursor, keys)
                opts = queryset.model._meta
                values = [
                    None if v is None else storable(opts.get_field(k.name).to_python(storable(v)))
                    for k, v in zip(self.ordering, values, strict=True)
                ]
                queryset = queryset.filter(self._beyond(values, backwards))
        except (ValueError, TypeError, ArithmeticError, ValidationError):
            # Values that do not fit the sort columns: not a cursor this API made.
            raise InvalidCursor(
                _("This cursor is not valid for this list."), field="cursor"
            ) from None
        rows = list(queryset.order_by(*self.order_by(backwards))[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        has_next = more if not backwards else True
        has_previous = more if backwards else bool(cursor)
        links = {
            "next": encode_cursor(self._values(rows[-1]), False, keys)
            if rows and has_next
            else None,
            "previous": encode_cursor(self._values(rows[0]), True, keys)
            if rows and has_previous
            else None,
        }
        return rows, links


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (int, str, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """Count at most `cap` rows: `SELECT COUNT(*) FROM (... LIMIT cap + 1)`."""
    count = queryset.order_by()[: cap + 1].count()
    return (cap, True) if count > cap else (count, False)
