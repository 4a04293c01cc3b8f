"""Wagtail hooks of the metamodel: the settings area, its "Data model" section and its history.

Other modules add their settings screens the same way, from their own wagtail_hooks.py:
`register_admin_urls` for their URLs and `register_tessera_settings_section`
(`modules.metamodel.screens.registry.SETTINGS_SECTION_HOOK`) for the settings index.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.config_history.kinds import data_model_kinds
from modules.metamodel.screens import urls as settings_urls
from modules.metamodel.screens.registry import register_settings_area


@hooks.register("register_admin_urls")
def register_settings_urls():
    """The settings area's URLs, under `settings/`."""
    return [path("settings/", include(settings_urls, namespace=settings_urls.app_name))]


register_settings_area(
    _("Data model"),
    "tessera_settings:entity_types",
    icon="table",
    menu_name="data-model",
    menu_order=50,
    order=100,
    description=_("Entity types, their fields and form layouts."),
)


register_settings_area(
    _("Configuration changes"),
    "tessera_settings:config_history",
    icon="history",
    menu_name="configuration-changes",
    menu_order=90,
    order=900,
    description=_("Who changed which settings, when and what: fields, forms, relations, access."),
)


@hooks.register(CONFIG_HISTORY_HOOK)
def register_data_model_history():
    """Entity types, fields and form layouts in the configuration history."""
    return data_model_kinds()
