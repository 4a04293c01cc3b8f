"""Hands the records' API routes to the API's route registry (`RecordsConfig.ready()`)."""

from modules.api import routes
from modules.records.api import handover, saved_views, views


def register() -> None:
    """Serve the hand-over under /api/v1/users/ and the record and saved-view routes under
    every slug."""
    routes.register(handover.urlpatterns)
    routes.register_record_routes(views.entity_urlpatterns)
    routes.register_record_routes(saved_views.record_urlpatterns)
