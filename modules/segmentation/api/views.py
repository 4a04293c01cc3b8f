"""Segmentation of an entity type, under /api/v1/meta/entity-types/{slug}/segmentation/.

    GET  .../persons/segmentation/                 -> parameters, segments, last recompute
    PUT  .../persons/segmentation/                 {"parameters": [...], "segments": [...]}
    GET  .../persons/segmentation/distribution/    -> live records per segment (admins)
    POST .../persons/segmentation/preview/         {scheme} -> the distribution it would give

Every signed-in user reads the scheme; administrators change it and see the counts (the
recompute's `done`, `total` and `changed` are `null` to everyone else).
A PUT replaces the whole scheme, validated whole (400 with errors keyed like the body,
the stored scheme kept), and re-scores every record in a background task whose
progress is `recompute`.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.permissions import IsAdministratorOrReadOnly
from modules.api.serializers import ErrorSerializer
from modules.segmentation.api import serializers as s
from modules.segmentation.services import SegmentationService

TAGS = ["metadata"]
E = ErrorSerializer
READ_ERRORS = {400: E, 401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}


class SchemeView(APIView):
    """`.../segmentation/`: the scheme of an entity type with segmentation on."""

    permission_classes = [IsAdministratorOrReadOnly]
    service = SegmentationService()

    @extend_schema(
        tags=TAGS,
        responses={200: s.SchemeSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the segmentation scheme"),
        operation_id="meta_segmentation_retrieve",
    )
    def get(self, request, slug):
        return Response(self.service.scheme(slug, request.user))

    @extend_schema(
        tags=TAGS,
        request=s.SchemeInputSerializer,
        responses={200: s.SchemeSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Replace the segmentation scheme"),
        operation_id="meta_segmentation_update",
        description=gettext_lazy(
            "Numeric fields are scored by ranges `[min, max)` that may not overlap, other "
            "fields by values. A record's score is the sum of points times weight; segments "
            "`[min, max)` must cover every score: the lowest open below, the highest open "
            "above, each starting where the one below ends. Every record is re-scored in "
            "the background (`recompute`). Administrators only."
        ),
    )
    def put(self, request, slug):
        self.service.entity(slug)
        body = request.data
        version = body.get("version") if isinstance(body, dict) else None
        saved = self.service.save(
            request.user,
            slug,
            body,
            expected_version=version if isinstance(version, int) else None,
        )
        return Response(saved)


class DistributionView(APIView):
    """`.../segmentation/distribution/`: live records per segment, for administrators."""

    permission_classes = [IsAuthenticated]
    service = SegmentationService()

    @extend_schema(
        tags=TAGS,
        responses={200: s.DistributionSerializer, 403: E, **READ_ERRORS},
        summary=gettext_lazy("Count the records in each segment"),
        operation_id="meta_segmentation_distribution",
    )
    def get(self, request, slug):
        return Response(self.service.distribution(request.user, slug))


class PreviewView(APIView):
    """`.../segmentation/preview/`: the distribution a scheme would give, saving nothing."""

    permission_classes = [IsAuthenticated]
    service = SegmentationService()

    @extend_schema(
        tags=TAGS,
        request=s.SchemeInputSerializer,
        responses={200: s.DistributionSerializer, 403: E, **READ_ERRORS},
        summary=gettext_lazy("Preview the distribution of a scheme"),
        operation_id="meta_segmentation_preview",
    )
    def post(self, request, slug):
        return Response(self.service.preview(request.user, slug, request.data))


urlpatterns = [
    path("entity-types/<str:slug>/segmentation/", SchemeView.as_view(), name="meta-segmentation"),
    path(
        "entity-types/<str:slug>/segmentation/distribution/",
        DistributionView.as_view(),
        name="meta-segmentation-distribution",
    ),
    path(
        "entity-types/<str:slug>/segmentation/preview/",
        PreviewView.as_view(),
        name="meta-segmentation-preview",
    ),
]
