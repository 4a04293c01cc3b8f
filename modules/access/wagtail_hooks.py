"""Wagtail hooks of access: Settings > Access, for administrators.

The screens live under `settings/access/` (namespace `access_settings`), appear on the
settings index and in Wagtail's Settings menu (`SettingsAreaViewSet`).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.access.config_history import access_kinds
from modules.access.screens import views
from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import SettingsAreaViewSet


class AccessArea(SettingsAreaViewSet):
    """Settings > Access: the access settings of each entity type."""

    name = views.NS
    url_prefix = "settings/access"
    menu_label = _("Access")
    icon = "lock"
    menu_name = "access"
    menu_order = 55
    order = 150
    description = _(
        "Per entity type: record visibility, what each role may do, default participants."
    )
    denied_message = _("Only administrators may change access settings.")
    routes = [
        ("", views.AccessIndexView, "index"),
        ("<slug:slug>/", views.EntityAccessView, "entity"),
    ]


@hooks.register("register_admin_viewset")
def register_access_area():
    """Settings > Access, under `settings/access/`."""
    return AccessArea()


@hooks.register(CONFIG_HISTORY_HOOK)
def register_access_history():
    """Access settings in the configuration history."""
    return access_kinds()
