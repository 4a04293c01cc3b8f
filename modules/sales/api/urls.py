"""Hands the sales API routes to the API's route registry (`SalesConfig.ready()`)."""

from modules.api import routes
from modules.sales.api import meta_views, process_views


def register() -> None:
    """Serve pipelines and lost reasons under /api/v1/meta/, and the process routes of records."""
    routes.register(meta_views.urlpatterns, under="meta/")
    routes.register_record_routes(process_views.record_urlpatterns)
