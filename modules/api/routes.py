"""The routes of /api/v1/, handed over by each domain module in its `AppConfig.ready()`.

The API machinery sits below every domain module, so it cannot import their views; each
module registers its own instead, and `modules/api/urls.py` and the OpenAPI document read
them from here:

    routes.register(urlpatterns)                        # fixed routes under /api/v1/
    routes.register(meta_urlpatterns, under="meta/")    # fixed routes under /api/v1/meta/
    routes.register_record_routes(record_urlpatterns)   # `factory(prefix, **initkwargs)`

Fixed routes come before the record routes, which are keyed by an entity slug: a fixed
path like `imports/{id}/` would otherwise read as a record of a type `imports`. Within each
kind, routes keep the order of registration (the order of INSTALLED_APPS).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import include, path

RecordRoutes = Callable[..., list]

#: `under` ("" or a prefix like "meta/") -> the fixed routes registered there, in order.
_fixed: dict[str, list] = {}
_record_routes: list[RecordRoutes] = []


def register(patterns: list, *, under: str = "") -> None:
    """Serve `patterns` under /api/v1/`under` (and document them)."""
    _fixed.setdefault(under, []).extend(patterns)


def register_record_routes(factory: RecordRoutes) -> None:
    """Serve `factory(prefix, **initkwargs)` under every entity type's slug.

    The URLconf calls it once with `prefix="<slug:slug>"`; the OpenAPI document once per
    entity type with `prefix=slug, entity_slug=slug`, so each type's paths are concrete.
    """
    if factory not in _record_routes:
        _record_routes.append(factory)


def fixed_urlpatterns(under: str | None = None) -> list:
    """The fixed routes: all of them (those under a prefix in one include), or one prefix's."""
    if under is not None:
        return list(_fixed.get(under, []))
    patterns: list = []
    for prefix, registered in _fixed.items():
        patterns += registered if not prefix else [path(prefix, include(list(registered)))]
    return patterns


def record_urlpatterns(prefix: str = "<slug:slug>", **initkwargs) -> list:
    """Every module's record routes under `prefix`."""
    patterns: list = []
    for factory in _record_routes:
        patterns += factory(prefix, **initkwargs)
    return patterns
