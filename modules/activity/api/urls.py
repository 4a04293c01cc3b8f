"""Hands activity's API routes to the API's route registry (`ActivityConfig.ready()`)."""

from modules.activity.api import views
from modules.api import routes


def register() -> None:
    """Serve `/notes/…` and, under every slug, a record's `{id}/timeline/`."""
    routes.register(views.urlpatterns)
    routes.register_record_routes(views.record_urlpatterns)
