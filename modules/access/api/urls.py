"""Hands the access settings' API routes to the API's route registry (`AccessConfig.ready()`)."""

from modules.access.api import views
from modules.api import routes


def register() -> None:
    """Serve `.../visibility/`, `.../permissions/` and `.../participants/` under /api/v1/meta/."""
    routes.register(views.urlpatterns, under="meta/")
