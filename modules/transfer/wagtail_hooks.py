"""Wagtail hooks of imports: the import screens under /admin/imports/."""

from django.urls import include, path
from wagtail import hooks

from modules.transfer.screens import urls as transfer_urls


@hooks.register("register_admin_urls")
def register_import_urls():
    """The import screens' URLs, under `imports/`."""
    return [path("imports/", include(transfer_urls, namespace=transfer_urls.app_name))]
