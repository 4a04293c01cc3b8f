"""Wagtail hooks of the metamodel: the settings root, its "Data model" and "Configuration
changes" areas, and the data model's kinds in the configuration history.

Other modules add their settings areas the same way: a `SettingsAreaViewSet`
(`modules.metamodel.screens.registry`) registered through `register_admin_viewset`.
Fixed path parts contain a hyphen, which slugs and API names never do, so they never
clash with an entity type or field called "new" or "trash".
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from modules.metamodel.config_history import CONFIG_HISTORY_HOOK
from modules.metamodel.config_history.kinds import data_model_kinds
from modules.metamodel.screens import builder, fields, history, numbering, views
from modules.metamodel.screens.registry import SettingsAreaViewSet

#: The pages of one entity type, under `settings/data-model/<slug>/`.
ENTITY = "data-model/<slug:slug>/"
FIELD = f"{ENTITY}fields/<slug:api_name>/"


class DataModelArea(SettingsAreaViewSet):
    """Settings > Data model, and the settings root it shares `settings/` with."""

    name = views.NS
    url_prefix = "settings"
    index_url_name = "entity_types"
    menu_label = _("Data model")
    icon = "table"
    menu_name = "data-model"
    menu_order = 50
    order = 100
    description = _("Entity types, their fields and form layouts.")
    denied_message = _("Only administrators may change the data model.")
    routes = [
        ("", views.SettingsIndexView, "index"),
        ("changes/", history.ConfigHistoryView, "config_history"),
        ("data-model/", views.EntityTypeListView, "entity_types"),
        ("data-model/new-entity-type/", views.EntityTypeCreateView, "entity_type_add"),
        (ENTITY, builder.BuilderView, "builder"),
        (f"{ENTITY}entity-settings/", views.EntityTypeEditView, "entity_type_edit"),
        (f"{ENTITY}form-layout/", builder.LayoutView, "layout"),
        (f"{ENTITY}numbering/", numbering.NumberingView, "numbering"),
        (f"{ENTITY}history/", history.EntityTypeHistoryView, "entity_type_history"),
        (f"{ENTITY}add-field/", fields.FieldAddView, "field_add"),
        (f"{ENTITY}field-trash/", fields.FieldTrashListView, "field_trash_list"),
        (
            f"{ENTITY}field-trash/<slug:api_name>/restore/",
            fields.FieldRestoreView,
            "field_restore",
        ),
        (FIELD, fields.FieldEditView, "field_edit"),
        (f"{FIELD}move-to-trash/", fields.FieldTrashView, "field_trash"),
        (f"{FIELD}change-type/", fields.FieldTypeView, "field_type"),
    ]


class ConfigHistoryArea(SettingsAreaViewSet):
    """Settings > Configuration changes: a page of the settings root (`DataModelArea` routes it)."""

    name = views.NS
    url_prefix = "settings"
    index_url_name = "config_history"
    menu_label = _("Configuration changes")
    icon = "history"
    menu_name = "configuration-changes"
    menu_order = 90
    order = 900
    description = _("Who changed which settings, when and what: fields, forms, relations, access.")


@hooks.register("register_admin_viewset")
def register_settings_areas():
    """The data model and the configuration changes, under `settings/`."""
    return [DataModelArea(), ConfigHistoryArea()]


@hooks.register(CONFIG_HISTORY_HOOK)
def register_data_model_history():
    """Entity types, fields and form layouts in the configuration history."""
    return data_model_kinds()
