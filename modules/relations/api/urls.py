"""Hands the relations' API routes to the API's route registry (`RelationsConfig.ready()`).

Also lets a record list filter by relation (`?relation=…&related_to=…`).
"""

from modules.api import routes
from modules.records.api import list_filters
from modules.relations.api import views


def register() -> None:
    """Serve the relation type routes under /api/v1/meta/ and a record's relations."""
    routes.register(views.urlpatterns, under="meta/")
    routes.register_record_routes(views.record_urlpatterns)
    list_filters.register({"relation", "related_to"}, views.related)
