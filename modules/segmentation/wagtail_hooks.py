"""Wagtail hooks of segmentation: Settings > Segmentation, for administrators.

The screens live under `settings/segmentation/` (namespace `segmentation_settings`),
appear on the settings index and in Wagtail's Settings menu (`SettingsAreaViewSet`).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import SettingsAreaViewSet
from modules.segmentation.config_history import segmentation_kinds
from modules.segmentation.screens import views


class SegmentationArea(SettingsAreaViewSet):
    """Settings > Segmentation: the scheme configurator of each entity type."""

    name = views.NS
    url_prefix = "settings/segmentation"
    menu_label = _("Segmentation")
    icon = "crosshairs"
    menu_name = "segmentation"
    menu_order = 56
    order = 160
    description = _("Score persons and companies by parameters you choose and name the segments.")
    denied_message = _("Only administrators may change segmentation settings.")
    routes = [
        ("", views.SegmentationIndexView, "index"),
        ("<slug:slug>/", views.SchemeView, "scheme"),
        ("<slug:slug>/recompute/", views.RecomputeView, "recompute"),
        ("<slug:slug>/progress/", views.ProgressView, "progress"),
    ]


@hooks.register("register_admin_viewset")
def register_segmentation_area():
    """Settings > Segmentation, under `settings/segmentation/`."""
    return SegmentationArea()


@hooks.register(CONFIG_HISTORY_HOOK)
def register_segmentation_history():
    """Segmentation schemes in the configuration history."""
    return segmentation_kinds()
