"""Hands the metadata API routes to the API's route registry (`MetamodelConfig.ready()`)."""

from django.urls import path

from modules.api import routes
from modules.metamodel.api.fields import (
    FieldDetailView,
    FieldListView,
    FieldOrderView,
    FieldRestoreView,
    TypePreviewView,
)
from modules.metamodel.api.numbering import NumberingView
from modules.metamodel.api.views import (
    EntityTypeDetailView,
    EntityTypeListView,
    EntityTypeRestoreView,
    FieldTypeListView,
    LayoutView,
)

FIELD = "entity-types/<str:slug>/fields/<str:api_name>/"

urlpatterns = [
    path("field-types/", FieldTypeListView.as_view(), name="meta-field-types"),
    path("entity-types/", EntityTypeListView.as_view(), name="meta-entity-types"),
    path("entity-types/<str:slug>/", EntityTypeDetailView.as_view(), name="meta-entity-type"),
    path(
        "entity-types/<str:slug>/restore/",
        EntityTypeRestoreView.as_view(),
        name="meta-entity-type-restore",
    ),
    path("entity-types/<str:slug>/layout/", LayoutView.as_view(), name="meta-layout"),
    path("entity-types/<str:slug>/numbering/", NumberingView.as_view(), name="meta-numbering"),
    path("entity-types/<str:slug>/fields/", FieldListView.as_view(), name="meta-fields"),
    # Before the field route: `order` is a valid api name, so this view serves it too.
    path(
        "entity-types/<str:slug>/fields/order/",
        FieldOrderView.as_view(),
        {"api_name": "order"},
        name="meta-field-order",
    ),
    path(FIELD, FieldDetailView.as_view(), name="meta-field"),
    path(f"{FIELD}restore/", FieldRestoreView.as_view(), name="meta-field-restore"),
    path(f"{FIELD}type-preview/", TypePreviewView.as_view(), name="meta-field-type-preview"),
]


def register() -> None:
    """Serve the entity type, field, layout, numbering and field type routes under
    /api/v1/meta/."""
    routes.register(urlpatterns, under="meta/")
