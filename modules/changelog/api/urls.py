"""Hands the change log's API routes to the API's route registry (`ChangelogConfig.ready()`)."""

from modules.api import routes
from modules.changelog.api import views


def register() -> None:
    """Serve `/history/` and, under every slug, a record's `{id}/history/`."""
    routes.register(views.urlpatterns)
    routes.register_record_routes(views.record_urlpatterns)
