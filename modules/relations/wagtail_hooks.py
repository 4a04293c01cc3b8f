"""Wagtail hooks of relations: Settings > Relations, for administrators.

The screens live under `settings/relations/` (`register_admin_urls`), appear on the
settings index (`register_tessera_settings_section`) and in Wagtail's Settings menu.
The relations of one record are shown and changed on its profile (records screens).
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
from modules.relations.config_history import relation_kinds
from modules.relations.screens import urls as relation_urls


@hooks.register("register_admin_urls")
def register_relation_urls():
    """The relation type screens' URLs, under `settings/relations/`."""
    return [path("settings/relations/", include(relation_urls, namespace=relation_urls.app_name))]


@hooks.register("register_settings_menu_item")
def register_relations_menu_item():
    """ "Relations" in Wagtail's Settings menu, for administrators."""
    return AdministratorMenuItem(
        _("Relations"),
        reverse("relations_settings:index"),
        name="relations",
        icon_name="link",
        order=56,
    )


@hooks.register(SETTINGS_SECTION_HOOK)
def register_relations_settings():
    """The relations section of the settings index page."""
    return SettingsSection(
        _("Relations"),
        "relations_settings:index",
        "link",
        160,
        _("Relation types between records (Headquarters — Branch, Competitors …), on or off."),
    )


@hooks.register(CONFIG_HISTORY_HOOK)
def register_relations_history():
    """Relation types and the relations switch in the configuration history."""
    return relation_kinds()
