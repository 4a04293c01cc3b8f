"""A record's process, the board and the forecast, for every entity type with processes.

    GET  /api/v1/{slug}/{id}/process/
    POST /api/v1/{slug}/{id}/process/complete/   {"action", "note", "version"} (or multipart
                                                  with "file" when the action asks for one)
    POST /api/v1/{slug}/{id}/process/reopen/     {"action", "version"}
    POST /api/v1/{slug}/{id}/process/move/       {"stage", "version"}
    POST /api/v1/{slug}/{id}/process/win/        {"version"}
    POST /api/v1/{slug}/{id}/process/lose/       {"reason", "version"}
    POST /api/v1/{slug}/{id}/process/unlock/     {}
    GET  /api/v1/{slug}/board/?pipeline=&page_size=&column=&cursor=  (+ the list's filters)
    GET  /api/v1/{slug}/forecast/?by=stage|owner|team|month&pipeline=  (+ the list's filters)

A record the caller may not see is a 404, as everywhere; one listed to them with its basic
fields only has no process to read (403). A stale `version` is a 409.
"""

from django.http import QueryDict
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.api.views import valid
from modules.api.parsers import StrictJSONParser
from modules.api.serializers import ErrorSerializer
from modules.core.i18n import localized
from modules.records.api import list_filters
from modules.records.api.views import RecordViewSet, list_parameters
from modules.sales import board as boards
from modules.sales import fields as pf
from modules.sales import files
from modules.sales.api import serializers as s
from modules.sales.exceptions import PipelineNotFound, ProcessesOff
from modules.sales.models import Pipeline
from modules.sales.process import ProcessService

E = ErrorSerializer
ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}
TAGS = ["records"]


class ProcessView(APIView):
    """Base: the slug from the URL (or the one the OpenAPI generator documents)."""

    entity_slug = None
    service = ProcessService()

    def slug(self, kwargs) -> str:
        return self.entity_slug or kwargs["slug"]

    def answer(self, request, slug, pk):
        return Response(self.service.state(request.user, slug, pk))


class StateView(ProcessView):
    """`/{slug}/{id}/process/`: the record's process."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Get a record's sales process"),
    )
    def get(self, request, pk, **kwargs):
        return self.answer(request, self.slug(kwargs), pk)


class CompleteView(ProcessView):
    """`.../process/complete/`: an action done, with its note (and file)."""

    parser_classes = [StrictJSONParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        request={
            "application/json": s.CompleteInput,
            "multipart/form-data": s.MultipartCompleteInput,
        },
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Complete an action of a record's process"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        self.service.load(request.user, slug, pk)
        form = request.content_type.startswith("multipart/")
        body = valid(s.MultipartCompleteInput if form else s.ActionInput, request)
        self.service.complete(
            request.user,
            slug,
            pk,
            body["action"],
            note=body.get("note", ""),
            file=body.get("file"),
            version=body.get("version"),
        )
        return self.answer(request, slug, pk)


class ReopenView(ProcessView):
    """`.../process/reopen/`: an action not done after all."""

    @extend_schema(
        tags=TAGS,
        request=s.ActionInput,
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Reopen a completed action"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        self.service.load(request.user, slug, pk)
        body = valid(s.ActionInput, request)
        self.service.reopen(request.user, slug, pk, body["action"], version=body.get("version"))
        return self.answer(request, slug, pk)


class MoveView(ProcessView):
    """`.../process/move/`: to another stage of the pipeline."""

    @extend_schema(
        tags=TAGS,
        request=s.MoveInput,
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Move a record to another stage"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        self.service.load(request.user, slug, pk)
        body = valid(s.MoveInput, request)
        self.service.move(request.user, slug, pk, body["stage"], version=body.get("version"))
        return self.answer(request, slug, pk)


class WinView(ProcessView):
    """`.../process/win/`: won, once every mandatory action is done."""

    @extend_schema(
        tags=TAGS,
        request=s.VersionInput,
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Mark a record won"),
        description=gettext_lazy(
            "Refused (400, `missing`) while a mandatory action is open; a won record is locked."
        ),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        self.service.load(request.user, slug, pk)
        body = valid(s.VersionInput, request)
        self.service.win(request.user, slug, pk, version=body.get("version"))
        return self.answer(request, slug, pk)


class LoseView(ProcessView):
    """`.../process/lose/`: lost, for a reason."""

    @extend_schema(
        tags=TAGS,
        request=s.LoseInput,
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Mark a record lost"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        self.service.load(request.user, slug, pk)
        body = valid(s.LoseInput, request)
        self.service.lose(request.user, slug, pk, body["reason"], version=body.get("version"))
        return self.answer(request, slug, pk)


class UnlockView(ProcessView):
    """`.../process/unlock/`: a won record may be changed again."""

    @extend_schema(
        tags=TAGS,
        request=s.VersionInput,
        responses={200: s.ProcessSerializer, **ERRORS},
        summary=gettext_lazy("Unlock a won record"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.slug(kwargs)
        self.service.load(request.user, slug, pk)
        body = valid(s.VersionInput, request)
        self.service.unlock(request.user, slug, pk, version=body.get("version"))
        return self.answer(request, slug, pk)


class FileView(ProcessView):
    """`.../process/files/{completion id}/`: the file of a completed action, as a download."""

    @extend_schema(
        tags=TAGS,
        responses={(200, "application/octet-stream"): bytes, **ERRORS},
        summary=gettext_lazy("Download the file of a completed action"),
    )
    def get(self, request, pk, completion_id, **kwargs):
        record, _pipeline = self.service.load(request.user, self.slug(kwargs), pk)
        return files.download(request.user, record, completion_id)


def pipeline_for(entity, raw) -> Pipeline:
    """The pipeline named by `?pipeline=` (an id or key), else the type's first one."""
    rows = Pipeline.objects.filter(entity_type_id=entity.id).prefetch_related("stages")
    if raw in (None, ""):
        found = rows.first()
    elif raw.isdigit():
        found = rows.filter(pk=int(raw)).first()
    else:
        found = rows.filter(key=raw).first()
    if found is None:
        if raw in (None, ""):
            raise PipelineNotFound(_("No such pipeline."))
        raise ValidationError({"pipeline": [_("There is no such pipeline of this type.")]})
    return found


class ListBasedView(RecordViewSet):
    """A view over the record list: the list's filters, search and visibility apply."""

    #: Parameters of this view, taken out before the list's own are read.
    own_parameters: tuple[str, ...] = ()

    def rows(self, request) -> tuple[dict, object]:
        entity = self.entity
        if not pf.has_processes(entity):
            raise ProcessesOff(_("This type has no sales process."))
        own = {name: request.query_params.get(name) for name in self.own_parameters}
        # The list's checks read every query parameter as a filter: hand them the rest.
        rest = request._request.GET.copy()
        for name in self.own_parameters:
            rest.pop(name, None)
        request._request.GET = rest if isinstance(rest, QueryDict) else QueryDict("")
        self._check_parameters(request)
        queryset = self.get_queryset()
        self._check_readable(request, queryset)
        # As the record list: building the filterset costs more than the board's queries,
        # so only when a parameter names a filter.
        if set(request.query_params) - list_parameters():
            queryset = self.filter_queryset(queryset)
        queryset = queryset.search(request.query_params.get("search"), request.user)
        return own, list_filters.apply(request, queryset, entity)


def _positive(raw, name, default, most):
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ValidationError(
            {name: [_("Give a whole number from 1 to %(most)s.") % {"most": most}]}
        )
    return int(raw)


class BoardView(ListBasedView):
    """`/{slug}/board/`: a pipeline's columns."""

    own_parameters = ("pipeline", "column", "cursor", "page_size")

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "pipeline",
                str,
                description=gettext_lazy("A pipeline's id or key; default the first."),
            ),
            OpenApiParameter(
                "column",
                str,
                description=gettext_lazy(
                    "Only this stage's column (with `cursor`: its next cards)."
                ),
            ),
            OpenApiParameter("cursor", int, description=gettext_lazy("A column's `next`.")),
            OpenApiParameter(
                "page_size",
                int,
                description=gettext_lazy("Cards per column, 1 to 100 (default 25)."),
            ),
            OpenApiParameter("search", str),
        ],
        responses={200: s.BoardSerializer, **ERRORS},
        summary=gettext_lazy("The board of a pipeline: a column per stage"),
        description=gettext_lazy(
            "Open records of the pipeline, by stage, newest first, with the list's filters. "
            "`count` counts every card listed to you; `totals` sum, per currency, the value "
            "and the value weighted by probability of the cards you may open."
        ),
    )
    def board(self, request, *args, **kwargs):
        own, rows = self.rows(request)
        entity = self.entity
        pipeline = pipeline_for(entity, own["pipeline"])
        limit = _positive(own["page_size"], "page_size", 25, 100)
        column, cursors = own["column"], {}
        if column is not None and column not in {s.key for s in pipeline.stages.all()}:
            raise ValidationError({"column": [_("There is no such stage in this pipeline.")]})
        if own["cursor"] not in (None, ""):
            if column is None:
                raise ValidationError({"cursor": [_("Name the column the cursor is for.")]})
            cursors[column] = _positive(own["cursor"], "cursor", 1, 2**62)
        columns = boards.board(
            request.user, entity, pipeline, rows, limit=limit, cursors=cursors, only=column
        )
        return Response(
            {
                "pipeline": {
                    "id": pipeline.pk,
                    "key": pipeline.key,
                    "name": localized(pipeline.name),
                },
                "columns": columns,
            }
        )


class ForecastView(ListBasedView):
    """`/{slug}/forecast/`: weighted value of open records, grouped."""

    own_parameters = ("by", "pipeline")

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "by", str, enum=list(boards.BY), description=gettext_lazy("Default stage.")
            ),
            OpenApiParameter(
                "pipeline", str, description=gettext_lazy("Only this pipeline (id or key).")
            ),
        ],
        responses={200: s.ForecastSerializer, **ERRORS},
        summary=gettext_lazy("Weighted value of open records by stage, owner, team or month"),
    )
    def forecast(self, request, *args, **kwargs):
        own, rows = self.rows(request)
        by = own["by"] or "stage"
        if by not in boards.BY:
            raise ValidationError({"by": [_("Give stage, owner, team or month.")]})
        pipeline = pipeline_for(self.entity, own["pipeline"]) if own["pipeline"] else None
        return Response(
            {
                "by": by,
                "rows": boards.forecast(request.user, self.entity, rows, by=by, pipeline=pipeline),
            }
        )


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The process routes under `prefix`, for every entity type: one without a process
    answers 400 `processes_off`."""
    return [
        path(f"{prefix}/board/", BoardView.as_view({"get": "board"}, **initkwargs)),
        path(f"{prefix}/forecast/", ForecastView.as_view({"get": "forecast"}, **initkwargs)),
        path(f"{prefix}/<int:pk>/process/", StateView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/process/complete/", CompleteView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/process/reopen/", ReopenView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/process/move/", MoveView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/process/win/", WinView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/process/lose/", LoseView.as_view(**initkwargs)),
        path(f"{prefix}/<int:pk>/process/unlock/", UnlockView.as_view(**initkwargs)),
        path(
            f"{prefix}/<int:pk>/process/files/<int:completion_id>/",
            FileView.as_view(**initkwargs),
        ),
    ]
