"""The static baseline's list endpoint, `/bench/static/<name>/`, added to the project's routes.

    install_static_view("persons", view)   # before the first request

The route goes into `project.urls.urlpatterns` in this process only, so every URLconf
built from it (ROOT_URLCONF, the admin's per-snapshot URLconf) serves it.
"""

from django.urls import clear_url_caches, path
from django.views.decorators.csrf import csrf_exempt

_views: dict = {}


@csrf_exempt
def static_list(request, name: str):
    return _views[name](request)


def install_static_view(name: str, view) -> None:
    """Serve `view` (a DRF `as_view()` callable) at `/bench/static/<name>/`."""
    import project.urls

    _views[name] = view
    if not any(getattr(p, "callback", None) is static_list for p in project.urls.urlpatterns):
        project.urls.urlpatterns.insert(0, path("bench/static/<slug:name>/", static_list))
        clear_url_caches()
