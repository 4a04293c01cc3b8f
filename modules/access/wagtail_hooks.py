"""Wagtail hooks of access: Settings > Access, for administrators.

The screens live under `settings/access/` (`register_admin_urls`), appear on the
settings index (`register_tessera_settings_section`) and in Wagtail's Settings menu.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.access.config_history import access_kinds
from modules.access.screens import urls as access_urls
from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import register_settings_area


@hooks.register("register_admin_urls")
def register_access_urls():
    """The access screens' URLs, under `settings/access/`."""
    return [path("settings/access/", include(access_urls, namespace=access_urls.app_name))]


register_settings_area(
    _("Access"),
    "access_settings:index",
    icon="lock",
    menu_name="access",
    menu_order=55,
    order=150,
    description=_(
        "Per entity type: record visibility, what each role may do, default participants."
    ),
)


@hooks.register(CONFIG_HISTORY_HOOK)
def register_access_history():
    """Access settings in the configuration history."""
    return access_kinds()
