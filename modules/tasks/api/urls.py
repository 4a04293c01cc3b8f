"""Hands the task routes to the API's route registry (`TasksConfig.ready()`)."""

from modules.api import routes
from modules.tasks.api import views


def register() -> None:
    """Serve the task routes under /api/v1/."""
    routes.register(views.urlpatterns)
