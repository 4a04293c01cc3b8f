"""Wagtail hooks of segmentation: Settings > Segmentation, for administrators.

The screens live under `settings/segmentation/` (`register_admin_urls`), appear on the
settings index (`register_tessera_settings_section`) and in Wagtail's Settings menu.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import register_settings_area
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


register_settings_area(
    _("Segmentation"),
    "segmentation_settings:index",
    icon="crosshairs",
    menu_name="segmentation",
    menu_order=56,
    order=160,
    description=_("Score persons and companies by parameters you choose and name the segments."),
)


@hooks.register(CONFIG_HISTORY_HOOK)
def register_segmentation_history():
    """Segmentation schemes in the configuration history."""
    return segmentation_kinds()
