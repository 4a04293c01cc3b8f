"""URLs of the settings area, under `settings/` of the Wagtail admin (namespace tessera_settings).

Fixed path parts contain a hyphen, which slugs and API names never do, so they never
clash with an entity type or field called "new" or "trash".
"""

from django.urls import include, path

from modules.metamodel.screens import history, views

app_name = views.NS

urlpatterns = [
    path("", views.SettingsIndexView.as_view(), name="index"),
    path("changes/", history.ConfigHistoryView.as_view(), name="config_history"),
    path("data-model/", views.EntityTypeListView.as_view(), name="entity_types"),
    path(
        "data-model/new-entity-type/", views.EntityTypeCreateView.as_view(), name="entity_type_add"
    ),
    path(
        "data-model/<slug:slug>/",
        include(
            [
                path("", views.BuilderView.as_view(), name="builder"),
                path(
                    "entity-settings/", views.EntityTypeEditView.as_view(), name="entity_type_edit"
                ),
                path("form-layout/", views.LayoutView.as_view(), name="layout"),
                path(
                    "history/", history.EntityTypeHistoryView.as_view(), name="entity_type_history"
                ),
                path("add-field/", views.FieldAddView.as_view(), name="field_add"),
                path("field-trash/", views.FieldTrashListView.as_view(), name="field_trash_list"),
                path(
                    "field-trash/<slug:api_name>/restore/",
                    views.FieldRestoreView.as_view(),
                    name="field_restore",
                ),
                path("fields/<slug:api_name>/", views.FieldEditView.as_view(), name="field_edit"),
                path(
                    "fields/<slug:api_name>/move-to-trash/",
                    views.FieldTrashView.as_view(),
                    name="field_trash",
                ),
                path(
                    "fields/<slug:api_name>/change-type/",
                    views.FieldTypeView.as_view(),
                    name="field_type",
                ),
            ]
        ),
    ),
]
