"""What every keyset-paged API list reads from and writes into the request.

rows, links = KeysetPaginator(ordering, page_size(request)).paginate(qs, cursor)
{"next": page_link(request, links["next"]), ...}
return Response(keyset_page(request, queryset, ORDERING, to_json))   # the whole envelope

Every list of the API answers one shape, `{"next", "previous", "results"}` (plus `count`
and `count_capped` with `?count=true`); `paged(serializer)` documents it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from modules.api.pagination import (
    InvalidCursor,
    KeysetPaginator,
    Ordering,
    capped_count,
    decode_cursor,
    encode_cursor,
)
from modules.core.values import is_digits

#: The query parameters a paged list reads besides its own filters.
PAGE_PARAMETERS = {"cursor", "page_size", "count"}
#: The one sort key of a cursor into an in-memory list: its position.
SEQUENCE_KEYS = ["position"]
PAGE_PARAMETER_DOCS = [
    OpenApiParameter("cursor", str, description="Opaque cursor from `next` or `previous`."),
    OpenApiParameter(
        "page_size",
        int,
        description=f"Rows per page, 1 to {settings.API_MAX_PAGE_SIZE} "
        f"(default {settings.API_DEFAULT_PAGE_SIZE}).",
    ),
    OpenApiParameter(
        "count", bool, description=f"Add `count` (exact up to {settings.API_COUNT_CAP} rows)."
    ),
]


def page_size(request) -> int:
    """`?page_size=` (1 to API_MAX_PAGE_SIZE), or the default; a 400 otherwise."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return settings.API_DEFAULT_PAGE_SIZE
    if not is_digits(raw) or not 1 <= int(raw) <= settings.API_MAX_PAGE_SIZE:
        raise ValidationError(
            {
                "page_size": [
                    _("Give a page size from 1 to %(max)s.") % {"max": settings.API_MAX_PAGE_SIZE}
                ]
            }
        )
    return int(raw)


def page_link(request, cursor: str | None) -> str | None:
    """The request's URL with `cursor` in place of its own (None without a cursor)."""
    if cursor is None:
        return None
    query = request.query_params.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def wants_count(request) -> bool:
    """`?count=true|1|false|0`; a 400 for anything else."""
    count = request.query_params.get("count", "false")
    if count not in ("true", "1", "false", "0"):
        raise ValidationError({"count": [_("Give true or false.")]})
    return count in ("true", "1")


def keyset_page(request, queryset, ordering: list[Ordering], to_json: Callable) -> dict:
    """One page of `queryset` in `ordering` as the list envelope, each row by `to_json`."""
    counted = wants_count(request)
    paginator = KeysetPaginator(ordering, page_size(request))
    rows, links = paginator.paginate(queryset, request.query_params.get("cursor"))
    body = {
        "next": page_link(request, links["next"]),
        "previous": page_link(request, links["previous"]),
        "results": [to_json(row) for row in rows],
    }
    if counted:
        body["count"], body["count_capped"] = capped_count(queryset, settings.API_COUNT_CAP)
    return body


def sequence_page(request, items: list, to_json: Callable) -> dict:
    """A page of an ordered list built in memory (a small one, such as the team tree).

    Its cursor is a position in the list; a position beyond it is an empty page.
    """
    counted = wants_count(request)
    size = page_size(request)
    start, backwards = 0, False
    cursor = request.query_params.get("cursor")
    if cursor:
        (start,), backwards = decode_cursor(cursor, SEQUENCE_KEYS)
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise InvalidCursor(_("This cursor is not valid for this list."), field="cursor")
    if backwards:
        start = max(start - size, 0)
    end = start + size
    following = encode_cursor([end], False, SEQUENCE_KEYS) if end < len(items) else None
    preceding = encode_cursor([start], True, SEQUENCE_KEYS) if start else None
    body = {
        "next": page_link(request, following),
        "previous": page_link(request, preceding),
        "results": [to_json(item) for item in items[start:end]],
    }
    if counted:
        body["count"], body["count_capped"] = len(items), False
    return body


def paged(serializer: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The OpenAPI component `name` of a page of `serializer`'s items."""
    link = {"allow_null": True, "help_text": "The neighbouring page, null at an end."}
    return inline_serializer(
        name,
        {
            "next": serializers.URLField(**link),
            "previous": serializers.URLField(**link),
            "results": serializer(many=True),
            "count": serializers.IntegerField(required=False, help_text="With ?count=true."),
            "count_capped": serializers.BooleanField(
                required=False, help_text="The count reached the cap."
            ),
        },
    )
