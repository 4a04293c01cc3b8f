"""What every log line carries: the request id, the acting user and the schema version.

    {"time": "2026-12-07T17:40:01", "level": "WARNING", "logger": "django.request",
     "message": "Not Found: /api/v1/persons/9/", "request_id": "5b0c…", "user_id": 3,
     "schema_version": 41}

The request id comes from django-guid (`X-Request-ID` in, validated, or a new one; sent
back on the response, passed on to the Celery tasks a request sends). The user and the
schema version are read from the request being served and the snapshot bound to it, never
by a query: a log line is written where a query may be what failed. The schema version is
the snapshot bound to the request or task (`request.schema_snapshot` once it is served).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

import sentry_sdk
from django.conf import settings
from django.utils.functional import LazyObject
from django_guid import get_guid

from modules.metamodel.binding import bound_version

_request: ContextVar = ContextVar("logged_request", default=None)


def acting_user_id(request) -> int | None:
    """The id of the user `request` was authenticated as, if that is known already: a
    session user once read, a token user once DRF set it; never a query."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        user = request.__dict__.get("_cached_user")
    return getattr(user, "pk", None)


class RequestContextMiddleware:
    """Makes the request being served known to the log filter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `user_id` and `schema_version` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django's own request lines ("Not Found: …") are written after the middleware
        # returned; they carry their request.
        request = getattr(record, "request", None) or _request.get()
        snapshot = getattr(request, "schema_snapshot", None)
        record.request_id = get_guid()
        record.user_id = acting_user_id(request)
        record.schema_version = bound_version() or getattr(snapshot, "version", None)
        return True


def start_error_reports() -> None:
    """Send errors (unhandled exceptions, ERROR log lines) to `SENTRY_DSN`, when it is set;
    no personal data, each report tagged as below."""
    if settings.SENTRY_DSN:
        sentry_sdk.init(
            dsn=settings.SENTRY_DSN,
            environment=settings.SENTRY_ENVIRONMENT,
            traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
            send_default_pii=False,
            before_send=tag_error_report,
        )


def tag_error_report(event: dict, hint: dict) -> dict:
    """Sentry's `before_send`: request id, schema version and user id as tags of the report."""
    tags = event.setdefault("tags", {})
    tags["request_id"] = get_guid()
    tags["schema_version"] = bound_version()
    tags["user_id"] = acting_user_id(_request.get())
    return event
