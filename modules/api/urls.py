"""Routes of /api/v1/: fixed endpoints first, then one generic set keyed by entity slug.

The domain modules register their routes in `routes` at start-up (see `routes.py`).
Entity slugs can never be `meta`, `auth`, `schema`, `docs`, ... (names.RESERVED_SLUGS),
so the fixed routes never shadow an entity type.
"""

from django.urls import path, re_path

from modules.api import routes, schema
from modules.api.errors import json_404

urlpatterns = [
    path("schema/", schema.SchemaView.as_view(), name="api-schema"),
    path("docs/", schema.DocsView.as_view(), name="api-docs"),
    *routes.fixed_urlpatterns(),
    *routes.record_urlpatterns(),
    # Anything else under /api/v1/ is a 404 in the API's shape, never another app's page.
    re_path(r"^", json_404),
]
