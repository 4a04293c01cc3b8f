"""Wagtail hooks of relations: Settings > Relations, for administrators.

The screens live under `settings/relations/` (`register_admin_urls`), appear on the
settings index (`register_tessera_settings_section`) and in Wagtail's Settings menu.
The relations of one record are shown and changed on its profile (records screens).
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import register_settings_area
from modules.relations.config_history import relation_kinds
from modules.relations.screens import urls as relation_urls


@hooks.register("register_admin_urls")
def register_relation_urls():
    """The relation type screens' URLs, under `settings/relations/`."""
    return [path("settings/relations/", include(relation_urls, namespace=relation_urls.app_name))]


register_settings_area(
    _("Relations"),
    "relations_settings:index",
    icon="link",
    menu_name="relations",
    menu_order=56,
    order=160,
    description=_(
        "Relation types between records (Headquarters — Branch, Competitors …), on or off."
    ),
)


@hooks.register(CONFIG_HISTORY_HOOK)
def register_relations_history():
    """Relation types and the relations switch in the configuration history."""
    return relation_kinds()
