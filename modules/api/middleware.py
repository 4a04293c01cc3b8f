"""Checks every /api/ request passes before any view reads it.

    MIDDLEWARE = [..., "django.middleware.locale.LocaleMiddleware",
                  "modules.api.middleware.ApiInputMiddleware", ...]

A body over the size limit is a 413 and a query string PostgreSQL could not hold (a NUL)
or that names a parameter twice is a 400, all in the API's error shape, for every
endpoint at once: views never see such a request, so none of them can answer it with
a 500 or an HTML page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import JsonResponse
from django.utils.translation import gettext as _

from modules.api.parsers import unstorable_text

#: Room for the multipart envelope around an import file of `IMPORT_MAX_BYTES`.
MULTIPART_OVERHEAD = 64 * 1024


def error(code: str, detail: str, errors: dict[str, list[str]], status: int) -> JsonResponse:
    """The API's error shape, outside DRF."""
    return JsonResponse({"code": code, "detail": detail, "errors": errors}, status=status)


def body_limit(request) -> int | None:
    """The largest body this request may carry: an import file, or a JSON body."""
    if request.content_type == "multipart/form-data":
        return settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_size(request) -> JsonResponse | None:
    """413 when `Content-Length` is over the limit; the parser counts the bytes it reads."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return error("parse_error", _("Content-Length is not a number."), {}, 400)
    limit = body_limit(request)
    if limit is not None and length > limit:
        detail = _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
        return error("request_too_large", detail, {}, 413)
    return None


def check_query(request) -> JsonResponse | None:
    """400 naming each parameter that repeats, or holds text the database cannot store."""
    try:
        params = request.GET
    except TooManyFieldsSent:
        return error("invalid", _("Too many query parameters."), {}, 400)
    errors: dict[str, list[str]] = {}
    for key, values in params.lists():
        name = key.replace("\x00", "\\x00")
        if unstorable_text(key) or any(unstorable_text(value) for value in values):
            errors.setdefault(name, []).append(_("Text may not contain NUL characters."))
        if len(values) > 1:
            errors.setdefault(name, []).append(_("Give this parameter once."))
    if errors:
        return error("invalid", _("Some query parameters are not valid."), errors, 400)
    return None


class ApiInputMiddleware:
    """Refuses API requests no view could handle, in the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            refusal = check_size(request) or check_query(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)
