"""Wagtail hooks of relations: Settings > Relations, for administrators.

The screens live under `settings/relations/` (namespace `relations_settings`), appear on
the settings index and in Wagtail's Settings menu (`SettingsAreaViewSet`).
The relations of one record are shown and changed on its profile (records screens).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.screens.registry import SettingsAreaViewSet
from modules.relations.config_history import relation_kinds
from modules.relations.screens import views


class RelationsArea(SettingsAreaViewSet):
    """Settings > Relations: the relation types and the installation's switch."""

    name = views.NS
    url_prefix = "settings/relations"
    menu_label = _("Relations")
    icon = "link"
    menu_name = "relations"
    menu_order = 56
    order = 160
    description = _(
        "Relation types between records (Headquarters — Branch, Competitors …), on or off."
    )
    denied_message = _("Only administrators may change relation types.")
    routes = [
        ("", views.RelationTypeIndexView, "index"),
        ("switch/", views.RelationSwitchView, "switch"),
        ("new/", views.RelationTypeCreateView, "create"),
        ("<int:type_id>/", views.RelationTypeEditView, "edit"),
        ("<int:type_id>/trash/", views.RelationTypeTrashView, "trash"),
        ("<int:type_id>/restore/", views.RelationTypeRestoreView, "restore"),
    ]


@hooks.register("register_admin_viewset")
def register_relations_area():
    """Settings > Relations, under `settings/relations/`."""
    return RelationsArea()


@hooks.register(CONFIG_HISTORY_HOOK)
def register_relations_history():
    """Relation types and the relations switch in the configuration history."""
    return relation_kinds()
