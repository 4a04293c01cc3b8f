"""Hands the leads' API routes to the API's route registry (`LeadsConfig.ready()`)."""

from modules.api import routes
from modules.leads.api import views


def register() -> None:
    """Serve the distribution rules under /api/v1/meta/ and the lead steps under /leads/."""
    routes.register(views.meta_urlpatterns, under="meta/")
    routes.register(views.urlpatterns)
