"""Wagtail hooks of history: Settings > Change log, for administrators."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.history.screens import urls as history_urls
from modules.metamodel.screens.registry import (
    SETTINGS_SECTION_HOOK,
    AdministratorMenuItem,
    SettingsSection,
)


@hooks.register("register_admin_urls")
def register_history_urls():
    """The change log, under `settings/change-log/`."""
    return [path("settings/change-log/", include(history_urls, namespace=history_urls.app_name))]


@hooks.register("register_settings_menu_item")
def register_change_log_menu_item():
    """ "Change log" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Change log"),
        reverse("history_settings:change_log"),
        name="change-log",
        icon_name="history",
        order=58,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_change_log_settings():
    """The change log section of the settings index page."""
    return SettingsSection(
        _("Change log"),
        "history_settings:change_log",
        "history",
        170,
        _("Every change to every record: who, when, what. Filter it and export it to Excel."),
    )
