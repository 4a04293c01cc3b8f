"""Wagtail hooks of access: Settings > Access, for administrators.

The screens live under `settings/access/` (`register_admin_urls`), appear on the
settings index (`register_tessera_settings_section`) and in Wagtail's Settings menu.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.access.config_history import access_kinds
from modules.access.screens import urls as access_urls
from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import (
    SETTINGS_SECTION_HOOK,
    AdministratorMenuItem,
    SettingsSection,
)


@hooks.register("register_admin_urls")
def register_access_urls():
    """The access screens' URLs, under `settings/access/`."""
    return [path("settings/access/", include(access_urls, namespace=access_urls.app_name))]


@hooks.register("register_settings_menu_item")
def register_access_menu_item():
    """ "Access" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Access"),
        reverse("access_settings:index"),
        name="access",
        icon_name="lock",
        order=55,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_access_settings():
    """The access section of the settings index page."""
    return SettingsSection(
        _("Access"),
        "access_settings:index",
        "lock",
        150,
        _("Per entity type: record visibility, what each role may do, default participants."),
    )


@hooks.register(CONFIG_HISTORY_HOOK)
def register_access_history():
    """Access settings in the configuration history."""
    return access_kinds()
