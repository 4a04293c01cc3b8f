"""Wagtail hooks of history: Settings > Change log, for administrators."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.history.screens import urls as history_urls
from modules.metamodel.screens.registry import register_settings_area


@hooks.register("register_admin_urls")
def register_history_urls():
    """The change log, under `settings/change-log/`."""
    return [path("settings/change-log/", include(history_urls, namespace=history_urls.app_name))]


register_settings_area(
    _("Change log"),
    "history_settings:change_log",
    icon="history",
    menu_name="change-log",
    menu_order=58,
    order=170,
    description=_(
        "Every change to every record: who, when, what. Filter it and export it to Excel."
    ),
)
