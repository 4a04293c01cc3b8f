"""Hands the search route to the API's route registry (`WorkspaceConfig.ready()`)."""

from modules.api import routes
from modules.workspace.api import views


def register() -> None:
    """Serve `/search/` under /api/v1/."""
    routes.register(views.urlpatterns)
