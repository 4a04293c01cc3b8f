from django.urls import include, path, re_path
from django.views import defaults
from wagtail.admin import urls as wagtailadmin_urls

from modules.api.errors import json_400, json_404, json_500

urlpatterns = [
    path("api/v1/", include("modules.api.urls")),
    re_path(r"^api/", json_404),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("modules.accounts.urls")),
    path("", include("modules.workspace.urls")),
    path("", include(wagtailadmin_urls)),
]


def handler400(request, exception):
    if request.path.startswith("/api/"):
        return json_400(request, exception)
    return defaults.bad_request(request, exception)


def handler404(request, exception):
    if request.path.startswith("/api/"):
        return json_404(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return json_500(request)
    return defaults.server_error(request)
