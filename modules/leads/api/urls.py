"""Hands the leads' API routes to the API's route registry (`LeadsConfig.ready()`)."""

from modules.api import routes
from modules.leads.api import anonymise, duplicates, intake, merge, views


def register() -> None:
    """Serve distribution and match rules under /api/v1/meta/, the lead steps under
    /leads/, and every record's duplicates."""
    routes.register(views.meta_urlpatterns, under="meta/")
    routes.register(duplicates.meta_urlpatterns, under="meta/")
    routes.register(views.urlpatterns)
    routes.register(intake.urlpatterns)
    routes.register_record_routes(duplicates.record_urlpatterns)
    routes.register_record_routes(merge.record_urlpatterns)
    routes.register_record_routes(anonymise.record_urlpatterns)
