"""GET /api/v1/schema/ (OpenAPI 3, JSON or `?format=yaml`) and /api/v1/docs/ (Swagger UI).

The schema is generated for the current schema version, with one set of paths and
one component per entity type, and cached on the snapshot: built once per version.
The routes are those the domain modules registered (`routes.py`), expanded per type;
the snapshot is the request's (`SchemaSnapshotMiddleware`).
"""

from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api import routes


def _patterns(snapshot) -> list:
    patterns = routes.fixed_urlpatterns()
    for entity in sorted(snapshot.entities, key=lambda e: e.slug):
        patterns += routes.record_urlpatterns(entity.slug, entity_slug=entity.slug)
    return [path("api/v1/", include(patterns))]


def openapi_document(snapshot) -> dict:
    """The OpenAPI document of a schema snapshot (built once per schema version)."""

    def build():
        generator = SchemaGenerator(patterns=_patterns(snapshot))
        return generator.get_schema(request=None, public=True)

    return snapshot.memo(("openapi",), build)


class SchemaView(APIView):
    """The OpenAPI document for integrators; a field added a moment ago is in it."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    schema = None

    def get(self, request):
        return Response(openapi_document(request.schema_snapshot))


class DocsView(SpectacularSwaggerView):
    """Swagger UI, served from the bundled sidecar files (works offline)."""

    url_name = "api-schema"
    permission_classes = [IsAuthenticated]
