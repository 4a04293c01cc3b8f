"""Routes of /api/v1/: fixed endpoints first, then one generic set keyed by entity slug.

Entity slugs can never be `meta`, `auth`, `schema`, `docs`, ... (names.RESERVED_SLUGS),
so the fixed routes never shadow an entity type.
"""

from django.urls import include, path, re_path

from modules.api.errors import json_404
from modules.api.views import accounts, auth, history, records, schema, users
from modules.transfer import api as transfer

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("schema/", schema.SchemaView.as_view(), name="api-schema"),
    path("docs/", schema.DocsView.as_view(), name="api-docs"),
    path("meta/", include("modules.api.views.meta")),
    *accounts.urlpatterns,
    *history.urlpatterns,
    *users.urlpatterns,
    # Before the records' routes: `imports/{id}/` would read as a record of a type `imports`.
    *transfer.urlpatterns,
    *records.urlpatterns,
    # Anything else under /api/v1/ is a 404 in the API's shape, never another app's page.
    re_path(r"^", json_404),
]
