"""The one JSON parser of the API: what it accepts can be stored, whatever reads it next.

    REST_FRAMEWORK = {"DEFAULT_PARSER_CLASSES": ["modules.api.parsers.StrictJSONParser"]}

PostgreSQL refuses NUL characters in text, UTF-8 has no lone surrogates, and a body
nested thousands deep exhausts the stack of whatever walks it: each is a 400
`parse_error` here, before a view sees the body. A body larger than the request limit
is a 413, also when the client sent no `Content-Length`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

#: Deeper than any body the API documents (a segmentation scheme is five levels).
MAX_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    """Raised when a request body is larger than the API accepts."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def too_large() -> RequestTooLarge:
    """The 413 for a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`."""
    return RequestTooLarge(
        _("The request body is larger than %(limit)s bytes.")
        % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(_("%(number)s is too large a number.") % {"number": text[:20]})
    return number


def unstorable_text(text: str) -> bool:
    """True for text PostgreSQL cannot store: a NUL, or a lone surrogate."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_tree(data: Any) -> str | None:
    """Why a parsed body cannot be accepted (None when it can), walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return _("The body is nested deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}
        if isinstance(value, str):
            if unstorable_text(value):
                return _("Text may not contain NUL characters or lone surrogates.")
        elif isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
    return None


class StrictJSONParser(JSONParser):
    """JSON without NaN or Infinity, NULs, lone surrogates or deep nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # One byte over the limit is enough to know; never read an unbounded body whole.
        raw = stream.read(-1 if limit is None else limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise too_large()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except RecursionError:
            raise exceptions.ParseError(
                _("The body is nested deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}
            ) from None
        except ValueError as error:  # also UnicodeDecodeError and JSONDecodeError
            raise exceptions.ParseError(
                _("JSON parse error - %(error)s") % {"error": error}
            ) from None
        problem = check_tree(data)
        if problem:
            raise exceptions.ParseError(problem)
        return data
