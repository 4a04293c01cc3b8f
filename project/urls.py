from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(wagtailadmin_urls)),
]
