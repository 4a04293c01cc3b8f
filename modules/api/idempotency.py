"""`Idempotency-Key` on POST: the same request sent again gets the first answer, not a second
write.

    MIDDLEWARE = [..., "modules.api.middleware.ApiInputMiddleware",
                  "modules.api.idempotency.IdempotencyMiddleware", ...]

    POST /api/v1/deals/  Idempotency-Key: 5d1c…   -> 201 (written)
    POST /api/v1/deals/  Idempotency-Key: 5d1c…   -> 201, the same body, `Idempotent-Replayed: true`

A key belongs to the credential that sent it (the token, or the browser session) and
lives `IDEMPOTENCY_TTL_SECONDS` (24 hours) in the cache (Redis, shared by every web
process). The same key with another path or body is a 422 `idempotency_key_reused`;
while the first request is still being served, the same key is a 409
`idempotency_key_in_flight`. Only successful answers are kept: a refused request wrote
nothing, so its retry runs again. Requests without credentials are not replayed (a
sign-in never hands out a stored token), and file uploads refuse the header: their
bodies are not read into memory.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from modules.api.middleware import error

HEADER = "Idempotency-Key"
KEY_MAX = 255
#: Headers of the first answer that a replay carries again.
KEPT_HEADERS = ("Content-Type", "ETag", "Location", "Content-Language")


def _credential(request) -> str | None:
    authorization = request.headers.get("Authorization")
    if authorization:
        return f"header:{authorization}"
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return f"session:{session}" if session else None


def _slot(credential: str, key: str) -> str:
    digest = hashlib.sha256(f"{credential}\0{key}".encode()).hexdigest()
    return f"idempotency:{digest}"


def _fingerprint(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _refusal(request, key: str) -> HttpResponse | None:
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        detail = _("Give a key of 1 to %(max)s printable ASCII characters.") % {"max": KEY_MAX}
        return error("invalid", detail, {HEADER: [detail]}, 400)
    if request.content_type == "multipart/form-data":
        detail = _("File uploads do not take an Idempotency-Key.")
        return error("invalid", detail, {HEADER: [detail]}, 400)
    return None


def _answer_to(stored: dict, fingerprint: str) -> HttpResponse:
    """What a request whose key is already in use gets: 422, 409, or the first answer."""
    if stored["fingerprint"] != fingerprint:
        detail = _("This Idempotency-Key was used for another request; use a new key.")
        return error("idempotency_key_reused", detail, {HEADER: [detail]}, 422)
    if stored["state"] == "running":
        detail = _("A request with this Idempotency-Key is still being served; try again.")
        return error("idempotency_key_in_flight", detail, {HEADER: [detail]}, 409)
    response = HttpResponse(stored["content"], status=stored["status"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Serves a POST with a known `Idempotency-Key` from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        credential = _credential(request)
        if credential is None:
            return self.get_response(request)
        refusal = _refusal(request, key)
        if refusal is not None:
            return refusal
        slot, fingerprint = _slot(credential, key), _fingerprint(request)
        running = {"state": "running", "fingerprint": fingerprint}
        # `add` sets only a missing key, atomically (SET NX): one request claims the key.
        if not cache.add(slot, running, settings.IDEMPOTENCY_IN_FLIGHT_SECONDS):
            stored = cache.get(slot)
            if stored is not None:
                return _answer_to(stored, fingerprint)
            if not cache.add(slot, running, settings.IDEMPOTENCY_IN_FLIGHT_SECONDS):
                return _answer_to(cache.get(slot) or running, fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(slot)
            raise
        if response.status_code >= 400 or response.streaming:
            # A refused request wrote nothing: a retry, corrected or not, runs again.
            cache.delete(slot)
            return response
        done = {
            "state": "done",
            "fingerprint": fingerprint,
            "status": response.status_code,
            "content": response.content,
            "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        }
        cache.set(slot, done, settings.IDEMPOTENCY_TTL_SECONDS)
        return response
