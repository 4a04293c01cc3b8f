"""Wagtail hooks of the metamodel: the settings area, its "Data model" section and its history.

Other modules add their settings screens the same way, from their own wagtail_hooks.py:
`register_admin_urls` for their URLs and `register_tessera_settings_section`
(`modules.metamodel.screens.registry.SETTINGS_SECTION_HOOK`) for the settings index.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.config_history.kinds import data_model_kinds
from modules.metamodel.screens import urls as settings_urls
from modules.metamodel.screens.registry import (
    SETTINGS_SECTION_HOOK,
    AdministratorMenuItem,
    SettingsSection,
)


@hooks.register("register_admin_urls")
def register_settings_urls():
    """The settings area's URLs, under `settings/`."""
    return [path("settings/", include(settings_urls, namespace=settings_urls.app_name))]


@hooks.register("register_settings_menu_item")
def register_data_model_menu_item():
    """ "Data model" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Data model"),
        reverse("tessera_settings:entity_types"),
        name="data-model",
        icon_name="table",
        order=50,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_data_model_settings():
    """The data-model section of the settings index page."""
    return SettingsSection(
        _("Data model"),
        "tessera_settings:entity_types",
        "table",
        100,
        _("Entity types, their fields and form layouts."),
    )


@hooks.register("register_settings_menu_item")
def register_config_history_menu_item():
    """ "Configuration changes" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Configuration changes"),
        reverse("tessera_settings:config_history"),
        name="configuration-changes",
        icon_name="history",
        order=90,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_config_history_settings():
    """The configuration changes section of the settings index page."""
    return SettingsSection(
        _("Configuration changes"),
        "tessera_settings:config_history",
        "history",
        900,
        _("Who changed which settings, when and what: fields, forms, relations, access."),
    )


@hooks.register(CONFIG_HISTORY_HOOK)
def register_data_model_history():
    """Entity types, fields and form layouts in the configuration history."""
    return data_model_kinds()
