"""URLs of Settings > Relations: `settings/relations/` of the Wagtail admin."""

from django.urls import path

from modules.relations.screens import views

app_name = views.NS

urlpatterns = [
    path("", views.RelationTypeIndexView.as_view(), name="index"),
    path("switch/", views.RelationSwitchView.as_view(), name="switch"),
    path("new/", views.RelationTypeCreateView.as_view(), name="create"),
    path("<int:type_id>/", views.RelationTypeEditView.as_view(), name="edit"),
    path("<int:type_id>/trash/", views.RelationTypeTrashView.as_view(), name="trash"),
    path("<int:type_id>/restore/", views.RelationTypeRestoreView.as_view(), name="restore"),
]
