"""The per-request URLconf: the root URLconf's URLs plus every entity type's screens.

    request.urlconf = admin_urlconf(snapshot)     # set by AdminURLConfMiddleware

One URLconf object per schema snapshot, so Django's resolver cache holds one
resolver per schema version, and a type added a moment ago has screens at once. Set
again when SchemaSnapshotMiddleware serves a request a second time on a newer snapshot.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import HttpResponse
from django.urls import clear_url_caches, include, path
from django.utils.translation import get_language
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from modules.metamodel.runtime.check import SchemaMoved
from modules.metamodel.runtime.snapshot import SchemaSnapshot, registry
from modules.records.screens.viewsets import URL_PREFIX, entity_viewset


class URLConf:
    """A URLconf object (Django accepts any object with `urlpatterns`); hashable, for the
    resolver cache."""

    def __init__(self, urlpatterns, handler400, handler404, handler500):
        self.urlpatterns = urlpatterns
        self.handler400 = handler400
        self.handler404 = handler404
        self.handler500 = handler500


def _build(snapshot: SchemaSnapshot) -> URLConf:
    # The project names its URLconf in settings, as Django's own handler reads it: the
    # project depends on records, records only on that setting.
    root = import_module(settings.ROOT_URLCONF)
    clear_url_caches()  # drop resolvers of older schema versions
    patterns = []
    for entity in snapshot.entities:
        viewset = entity_viewset(snapshot, entity.slug)
        patterns.append(
            path(
                f"{URL_PREFIX}/{entity.slug}/",
                include(
                    (
                        decorate_urlpatterns(viewset.get_urlpatterns(), require_admin_access),
                        viewset.url_namespace,
                    )
                ),
            )
        )
    return URLConf(
        urlpatterns=[*patterns, *root.urlpatterns],
        handler400=root.handler400,
        handler404=root.handler404,
        handler500=root.handler500,
    )


def admin_urlconf(snapshot: SchemaSnapshot) -> URLConf:
    """The URLconf of a snapshot, built once."""
    return snapshot.memo(("urlconf", get_language()), lambda: _build(snapshot))


class AdminURLConfMiddleware:
    """Serve each request with the URLconf of its schema snapshot."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        snapshot = getattr(request, "schema_snapshot", None) or registry.current()
        try:
            request.urlconf = admin_urlconf(snapshot)
        except SchemaMoved:
            # Building a stale snapshot's URLconf made the request's first query, and the
            # version had moved: SchemaSnapshotMiddleware serves the request again on the
            # new snapshot, so this placeholder is never sent.
            return HttpResponse(status=503)
        return self.get_response(request)
