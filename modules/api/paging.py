"""What every keyset-paged API list reads from and writes into the request.

rows, links = KeysetPaginator(ordering, page_size(request)).paginate(qs, cursor)
{"next": page_link(request, links["next"]), ...}
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from modules.core.values import is_digits


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
