"""GET /api/v1/schema/ (OpenAPI 3, JSON or `?format=yaml`) and /api/v1/docs/ (Swagger UI).

The schema is generated for the current schema version, with one set of paths and
one component per entity type, and cached on the snapshot: built once per version.
"""

from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.metamodel.runtime import get_snapshot


def _patterns(snapshot) -> list:
    from modules.api.views import accounts, auth, history, meta, users
    from modules.api.views.records import entity_urlpatterns
    from modules.transfer import api as transfer

    routes = [
        path("auth/token/", auth.TokenView.as_view()),
        path("meta/", include(meta)),
        *accounts.urlpatterns,
        *history.urlpatterns,
        *users.urlpatterns,
        *transfer.batch_urlpatterns,
    ]
    for entity in sorted(snapshot.entities, key=lambda e: e.slug):
        routes += entity_urlpatterns(entity.slug, entity_slug=entity.slug)
        routes += transfer.entity_urlpatterns(entity.slug, entity_slug=entity.slug)
    return [path("api/v1/", include(routes))]


def openapi_document(snapshot=None) -> dict:
    """The OpenAPI document of a snapshot (built once per schema version)."""
    snapshot = snapshot or get_snapshot()

    def build():
        generator = SchemaGenerator(patterns=_patterns(snapshot))
        return generator.get_schema(request=None, public=True)

    return snapshot.memo(("openapi",), build)


class SchemaView(APIView):
    """The OpenAPI document for integrators; a field added a moment ago is in it."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    schema = None

    def get(self, request):
        return Response(openapi_document(getattr(request, "schema_snapshot", None)))


class DocsView(SpectacularSwaggerView):
    """Swagger UI, served from the bundled sidecar files (works offline)."""

    url_name = "api-schema"
    permission_classes = [IsAuthenticated]
