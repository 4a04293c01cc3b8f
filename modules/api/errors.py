"""The one error shape of the API: `{"code", "detail", "errors"}`, for every status.

    REST_FRAMEWORK = {"EXCEPTION_HANDLER": "modules.api.errors.exception_handler"}

Domain errors (`TesseraError`) carry their own code and status; DRF and Django
errors are translated here, in one place.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from modules.core.exceptions import NotFound, TesseraError

NOT_FOUND = {"code": "not_found", "detail": "", "errors": {}}


def not_found_body() -> dict:
    """The same body for a missing record, an invisible one and an unknown type."""
    return {**NOT_FOUND, "detail": _("Not found.")}


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as `{"field.sub": ["message", ...]}`."""
    if isinstance(data, dict):
        errors: dict[str, list[str]] = {}
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and not prefix:
                name = "non_field_errors"
            errors.update(_flatten(value, name))
        return errors
    if isinstance(data, list):
        if all(not isinstance(item, (dict, list)) for item in data):
            return {prefix or "non_field_errors": [str(item) for item in data]}
        errors = {}
        for index, item in enumerate(data):
            errors.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    return {prefix or "non_field_errors": [str(data)]}


def error_body(exc: Exception) -> tuple[dict, int]:
    """The error shape and HTTP status for an exception the API knows."""
    if isinstance(exc, (NotFound, Http404, exceptions.NotFound)):
        return not_found_body(), status.HTTP_404_NOT_FOUND
    if isinstance(exc, TesseraError):
        return exc.as_dict(), exc.status
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return (
            {
                "code": "invalid",
                "detail": _("Some values are not valid."),
                "errors": _flatten(exc.detail),
            },
            exc.status_code,
        )
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else _("The request failed.")
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = {"code": code, "detail": str(detail), "errors": {}}
        # An exception may add keys of its own (a scope error names the scope it lacks).
        return {**body, **getattr(exc, "extra", {})}, exc.status_code
    raise exc


class JsonErrorsMixin:
    """For views that also answer files (`?format=xlsx`): their errors are JSON all the same.

    DRF renders an error with the renderer the request negotiated, so a 403 asked for as
    xlsx would leave as a garbled body under the spreadsheet's content type.
    """

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's hook: every error leaves the API in the one shape."""
    try:
        body, code = error_body(exc)
    except Exception:  # not ours to translate: DRF turns it into a 500
        return None
    response = Response(body, status=code)
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(int(exc.wait))
    return response


@csrf_exempt
def json_404(request, exception=None) -> JsonResponse:
    """Django's 404 for unknown API paths, in the API's shape."""
    return JsonResponse(not_found_body(), status=404)


def json_400(request, exception=None) -> JsonResponse:
    """Django's 400 (a request it refuses to read: too many fields, a suspicious header) for
    API paths, in the API's shape."""
    return JsonResponse(
        {"code": "bad_request", "detail": _("The request could not be read."), "errors": {}},
        status=400,
    )


def json_500(request) -> JsonResponse:
    """Django's 500 for API paths, in the API's shape (details are in the server log)."""
    return JsonResponse(
        {"code": "server_error", "detail": _("Something went wrong on our side."), "errors": {}},
        status=500,
    )


def csrf_failure(request, reason: str = "") -> JsonResponse:
    """A failed CSRF check: JSON on API paths, Django's page elsewhere."""
    if not request.path.startswith("/api/"):
        return django_csrf_failure(request, reason)
    return JsonResponse(
        {
            "code": "csrf_failed",
            "detail": _("CSRF check failed: %(reason)s") % {"reason": reason},
            "errors": {},
        },
        status=403,
    )
