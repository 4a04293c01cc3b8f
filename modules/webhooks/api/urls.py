"""Hands the webhook routes to the API's route registry (`WebhooksConfig.ready()`)."""

from modules.api import routes
from modules.webhooks.api import views


def register() -> None:
    """Serve `/webhooks/…` and `/events/`."""
    routes.register(views.urlpatterns)
