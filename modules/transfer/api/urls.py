"""Hands the import and export API routes to the API's route registry (`TransferConfig.ready()`)."""

from modules.api import routes
from modules.transfer.api import views


def register() -> None:
    """Serve `/imports/{id}/…` and, under every slug, `imports/` and `export/`."""
    routes.register(views.batch_urlpatterns)
    routes.register_record_routes(views.entity_urlpatterns)
