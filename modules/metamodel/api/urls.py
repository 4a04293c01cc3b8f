"""Hands the metadata API routes to the API's route registry (`MetamodelConfig.ready()`)."""

from modules.api import routes
from modules.metamodel.api import views


def register() -> None:
    """Serve the entity type, field, layout and field type routes under /api/v1/meta/."""
    routes.register(views.urlpatterns, under="meta/")
