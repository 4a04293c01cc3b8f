"""Pipelines and lost reasons, under /api/v1/meta/.

    GET|POST          /api/v1/meta/pipelines/                ?entity_type=deals
    GET|PUT|DELETE    /api/v1/meta/pipelines/{id}/           PUT: {..., "version", "reassign"}
    GET|PUT           /api/v1/meta/lost-reasons/             {"reasons": [...], "version"}

Every signed-in user reads (the board and the process panel need the stages); only
administrators write. A write is checked whole: 400 with errors keyed like the body
(`stages.1.actions.0.weight`, `reassign.demo`), nothing saved; a stale `version` is a 409.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.api.views import valid
from modules.api.permissions import IsAdministratorOrReadOnly
from modules.api.serializers import ErrorSerializer
from modules.sales.api import serializers as s
from modules.sales.services import SalesService, describe

TAGS = ["metadata"]
E = ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}
ENTITY = OpenApiParameter(
    "entity_type", str, description=gettext_lazy("Only this type's pipelines.")
)


class PipelineListView(APIView):
    """`/meta/pipelines/`: list and create."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[ENTITY],
        responses={200: s.PipelineListSerializer, **READ_ERRORS},
        summary=gettext_lazy("List sales pipelines"),
    )
    def get(self, request):
        rows = SalesService().all(request.query_params.get("entity_type"))
        return Response({"results": [describe(p) for p in rows]})

    @extend_schema(
        tags=TAGS,
        request=s.PipelineInputSerializer,
        responses={201: s.PipelineSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Create a sales pipeline"),
        description=gettext_lazy(
            "At least one stage; names unique within the pipeline (stages) and the stage "
            "(actions); the weights may not add up to zero. The entity type (deals by "
            "default) gets the process fields if it has none."
        ),
    )
    def post(self, request):
        body = valid(s.PipelineInputSerializer, request)
        body.pop("reassign", None)
        body.pop("version", None)
        pipeline = SalesService().create(request.user, body)
        return Response(describe(pipeline), status=status.HTTP_201_CREATED)


class PipelineDetailView(APIView):
    """`/meta/pipelines/{id}/`: read, replace, remove."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: s.PipelineSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a sales pipeline"),
    )
    def get(self, request, pipeline_id):
        return Response(describe(SalesService().get(pipeline_id)))

    @extend_schema(
        tags=TAGS,
        request=s.PipelineInputSerializer,
        responses={200: s.PipelineSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Replace a sales pipeline"),
        description=gettext_lazy(
            "Stages and actions are matched by key: a kept key keeps its records and "
            "completions. A removed stage that holds records needs `reassign` "
            "(removed key -> a key of this pipeline's stages)."
        ),
    )
    def put(self, request, pipeline_id):
        SalesService().get(pipeline_id)
        body = valid(s.PipelineInputSerializer, request)
        body.pop("entity_type", None)
        pipeline = SalesService().update(request.user, pipeline_id, body)
        return Response(describe(pipeline))

    @extend_schema(
        tags=TAGS,
        request=s.DeleteInputSerializer,
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Remove a sales pipeline"),
        description=gettext_lazy(
            "Its records move as `reassign` says (stage key -> a stage of another pipeline)."
        ),
    )
    def delete(self, request, pipeline_id):
        SalesService().get(pipeline_id)
        body = valid(s.DeleteInputSerializer, request) if request.data else {}
        SalesService().delete(request.user, pipeline_id, body.get("reassign"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LostReasonsView(APIView):
    """`/meta/lost-reasons/`: the list of reasons a record may be lost for."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: s.LostReasonsSerializer, **READ_ERRORS},
        summary=gettext_lazy("List the lost reasons"),
    )
    def get(self, request):
        return Response(SalesService().lost_reasons())

    @extend_schema(
        tags=TAGS,
        request=s.LostReasonsSerializer,
        responses={200: s.LostReasonsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Replace the lost reasons"),
    )
    def put(self, request):
        body = valid(s.LostReasonsSerializer, request)
        return Response(SalesService().set_lost_reasons(request.user, body))


urlpatterns = [
    path("pipelines/", PipelineListView.as_view(), name="meta-pipelines"),
    path("pipelines/<int:pipeline_id>/", PipelineDetailView.as_view(), name="meta-pipeline"),
    path("lost-reasons/", LostReasonsView.as_view(), name="meta-lost-reasons"),
]
