"""Wagtail hooks of segmentation: Settings > Segmentation, for administrators.

The screens live under `settings/segmentation/` (`register_admin_urls`), appear on the
settings index (`register_tessera_settings_section`) and in Wagtail's Settings menu.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import (
    SETTINGS_SECTION_HOOK,
    AdministratorMenuItem,
    SettingsSection,
)
from modules.segmentation.config_history import segmentation_kinds
from modules.segmentation.screens import urls as segmentation_urls


@hooks.register("register_admin_urls")
def register_segmentation_urls():
    """The configurator's URLs, under `settings/segmentation/`."""
    return [
        path(
            "settings/segmentation/",
            include(segmentation_urls, namespace=segmentation_urls.app_name),
        )
    ]


@hooks.register("register_settings_menu_item")
def register_segmentation_menu_item():
    """ "Segmentation" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Segmentation"),
        reverse("segmentation_settings:index"),
        name="segmentation",
        icon_name="crosshairs",
        order=56,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_segmentation_settings():
    """The segmentation section of the settings index page."""
    return SettingsSection(
        _("Segmentation"),
        "segmentation_settings:index",
        "crosshairs",
        160,
        _("Score persons and companies by parameters you choose and name the segments."),
    )


@hooks.register(CONFIG_HISTORY_HOOK)
def register_segmentation_history():
    """Segmentation schemes in the configuration history."""
    return segmentation_kinds()
