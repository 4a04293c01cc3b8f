"""Friendly 404 pages whatever DEBUG says.

With DEBUG on, Django answers a view's `Http404` with its technical page, which lists the
URL patterns the request was tried against and the exception's text. A record the user may
not see raises the same `Http404` as a missing one; the technical page would tell them
apart by its text and show every route. This middleware renders the product's 404 page
instead (`templates/404.html`) for every screen; the API answers its own JSON 404 before
this runs (`modules/api/errors.py`). It sits before `SchemaSnapshotMiddleware`, so a 404
caused by a stale snapshot is still served again on the current one.
"""

from __future__ import annotations

from django.http import Http404
from django.views import defaults


class FriendlyNotFoundMiddleware:
    """A view's `Http404` on a screen answered with the product's 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404) or request.path.startswith("/api/"):
            return None
        return defaults.page_not_found(request, Http404())
