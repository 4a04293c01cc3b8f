"""Tasks, their types, statuses, templates and sets, and the caller's calendar feed.

    GET|POST          /api/v1/tasks/        ?mine=true&due_from=&due_to=&done=&status=&type=
                                            &entity=&record=&cursor=&page_size=
    GET|PATCH|DELETE  /api/v1/tasks/{id}/
    POST              /api/v1/tasks/{id}/done/                 {"done": true}
    GET|POST          /api/v1/task-types/ · task-statuses/ · task-templates/ · task-sets/
    PATCH|DELETE      /api/v1/task-types/{id}/ (and the others)
    GET|PUT           /api/v1/task-settings/                   {"statuses_enabled": true}
    POST              /api/v1/task-templates/{id}/apply/       {"entity": "deals", "id": 42}
    POST              /api/v1/task-sets/{id}/apply/
    GET|POST|DELETE   /api/v1/me/calendar-feed/                POST: a new secret address
    GET               /api/v1/calendar/{token}.ics             the feed, no sign-in

A task the caller may not see answers 404 like a missing one; so does a linked record
they may not see (`links.<n>`: "Not found."). Types, statuses, templates and sets: every
signed-in user reads, administrators write.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.errors import JsonErrorsMixin
from modules.api.pagination import KeysetPaginator, Ordering
from modules.api.paging import page_link, page_size
from modules.api.permissions import IsAdministratorOrReadOnly
from modules.api.serializers import ErrorSerializer
from modules.core.values import is_digits
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.tasks import access
from modules.tasks.api import serializers as s
from modules.tasks.configuration import ConfigurationService
from modules.tasks.feeds import FeedService
from modules.tasks.models import TaskSet, TaskSettings, TaskStatus, TaskTemplate, TaskType
from modules.tasks.presenter import describe_many
from modules.tasks.services import TaskService
from modules.tasks.templates import TemplateService

TAGS = ["tasks"]
E = ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}
ORDERING = [Ordering("due_at"), Ordering("id", nullable=False)]
LIST_PARAMETERS = [
    OpenApiParameter("mine", bool, description=gettext_lazy("true: tasks you take part in.")),
    OpenApiParameter("due_from", str, description=gettext_lazy("Due on or after (date or time).")),
    OpenApiParameter(
        "due_to", str, description=gettext_lazy("Due before the end of (date or time).")
    ),
    OpenApiParameter("done", bool),
    OpenApiParameter("status", int),
    OpenApiParameter("type", int),
    OpenApiParameter("entity", str, description=gettext_lazy("Linked to a record of this type…")),
    OpenApiParameter("record", int, description=gettext_lazy("… with this id.")),
    OpenApiParameter("cursor", str),
    OpenApiParameter("page_size", int),
]


def valid(serializer_class, request, *, partial: bool = False) -> dict:
    """The request body checked by `serializer_class` (400 naming each bad key)."""
    body = serializer_class(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def one(user, task) -> dict:
    """One task as the API shows it."""
    row = describe_many(user, [task])[0]
    row.pop("task")
    return row


def _members(body: dict) -> dict:
    if "members" in body:
        body["members"] = dict(body["members"] or {})
    if "links" in body:
        body["links"] = [dict(link) for link in body["links"]]
    return body


def _moment(request, key: str, *, end: bool):
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return None
    moment = parse_datetime(raw) if "T" in raw else None
    day = None if moment else parse_date(raw) if len(raw) == 10 else None
    if moment is None and day is None:
        raise ValidationError({key: [_("Give a date (2026-12-31) or a date and time.")]})
    if moment is not None:
        return ("lt" if end else "gte", moment)
    return ("date__lte" if end else "date__gte", day)


def filtered(request):
    """The caller's tasks narrowed by the query parameters (a 400 for a bad one)."""
    user, params = request.user, request.query_params
    rows = TaskService().visible(user)
    if params.get("mine") in ("true", "1"):
        rows = rows.filter(access.taking_part_q(user))
    for key, end in (("due_from", False), ("due_to", True)):
        found = _moment(request, key, end=end)
        if found:
            rows = rows.filter(**{f"due_at__{found[0]}": found[1]})
    if params.get("done") in ("true", "false"):
        rows = rows.filter(done_at__isnull=params["done"] == "false")
    for key in ("status", "type"):
        if key in params:
            if not is_digits(params[key]) or int(params[key]) >= 2**63:
                raise ValidationError({key: [_("Give an id.")]})
            rows = rows.filter(**{f"{key}_id": int(params[key])})
    if "entity" in params or "record" in params:
        raw = params.get("record", "")
        if not is_digits(raw) or int(raw) >= 2**63:
            raise ValidationError({"record": [_("Give the entity type and a record id.")]})
        try:
            entity = get_snapshot().entity(params.get("entity", ""))
        except EntityTypeNotFound:
            raise ValidationError({"entity": [_("There is no such entity type.")]}) from None
        rows = rows.filter(links__entity_type_id=entity.id, links__record_id=int(raw))
    return rows


class TaskListView(APIView):
    """`/tasks/`: the tasks the caller may see, filtered; create one."""

    @extend_schema(
        tags=TAGS,
        parameters=LIST_PARAMETERS,
        responses={200: s.TaskPageSerializer, 400: E, 401: E},
        summary=gettext_lazy("List tasks"),
    )
    def get(self, request):
        rows, links = KeysetPaginator(ORDERING, page_size(request)).paginate(
            filtered(request), request.query_params.get("cursor")
        )
        results = [one for one in describe_many(request.user, rows)]
        for row in results:
            row.pop("task")
        return Response(
            {
                "results": results,
                "next": page_link(request, links["next"]),
                "previous": page_link(request, links["previous"]),
            }
        )

    @extend_schema(
        tags=TAGS,
        request=s.TaskInputSerializer,
        responses={201: s.TaskSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Create a task"),
    )
    def post(self, request):
        body = _members(valid(s.TaskInputSerializer, request))
        task = TaskService().create(request.user, body)
        return Response(one(request.user, task), status=status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    """`/tasks/{id}/`: read, change, delete."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.TaskSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a task"),
    )
    def get(self, request, task_id):
        return Response(one(request.user, TaskService().get(request.user, task_id)))

    @extend_schema(
        tags=TAGS,
        request=s.TaskPatchSerializer(partial=True),
        responses={200: s.TaskSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change a task"),
    )
    def patch(self, request, task_id):
        TaskService().get(request.user, task_id)
        body = _members(valid(s.TaskPatchSerializer, request, partial=True))
        version = body.pop("version", None)
        task = TaskService().update(request.user, task_id, body, version=version)
        return Response(one(request.user, task))

    @extend_schema(
        tags=TAGS, responses={204: None, **WRITE_ERRORS}, summary=gettext_lazy("Delete a task")
    )
    def delete(self, request, task_id):
        TaskService().delete(request.user, task_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskDoneView(APIView):
    """`/tasks/{id}/done/`: done or not done."""

    @extend_schema(
        tags=TAGS,
        request=s.DoneInputSerializer,
        responses={200: s.TaskSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Mark a task done or not done"),
    )
    def post(self, request, task_id):
        TaskService().get(request.user, task_id)
        body = valid(s.DoneInputSerializer, request)
        task = TaskService().set_done(
            request.user, task_id, body["done"], version=body.get("version")
        )
        return Response(one(request.user, task))


# -- types, statuses, settings ---------------------------------------------------------


def _type(row) -> dict:
    return {"id": row.pk, "name": row.name, "position": row.position}


def _status(row) -> dict:
    return {**_type(row), "is_done": row.is_done}


class ListOf(APIView):
    """Every signed-in user reads the list; administrators add to it."""

    permission_classes = [IsAdministratorOrReadOnly]
    model = None
    shape = staticmethod(_type)
    input_serializer = s.TypeInputSerializer
    add = None

    def get(self, request):
        return Response([self.shape(row) for row in self.model.objects.all()])

    def post(self, request):
        body = valid(self.input_serializer, request)
        row = getattr(self.service(), self.add)(request.user, body)
        return Response(self.shape(row), status=status.HTTP_201_CREATED)

    def service(self):
        return ConfigurationService()


class OneOf(APIView):
    """Administrators change and delete one row."""

    permission_classes = [IsAdministratorOrReadOnly]
    shape = staticmethod(_type)
    input_serializer = s.TypeInputSerializer
    change = delete_name = None

    def patch(self, request, row_id):
        body = valid(self.input_serializer, request, partial=True)
        row = getattr(self.service(), self.change)(request.user, row_id, body)
        return Response(self.shape(row))

    def delete(self, request, row_id):
        getattr(self.service(), self.delete_name)(request.user, row_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def service(self):
        return ConfigurationService()


def _own(method):
    def own(self, request, *args, **kwargs):
        return method(self, request, *args, **kwargs)

    own.__name__, own.__doc__ = method.__name__, method.__doc__
    return own


def _documented(view, *, shape, request, summaries: dict):
    """`view` with its methods documented (each kind of list has its own shapes)."""
    for method, summary in summaries.items():
        responses = {
            "get": {200: shape(many=True), **READ_ERRORS},
            "post": {201: shape, **WRITE_ERRORS},
            "patch": {200: shape, **WRITE_ERRORS},
            "delete": {204: None, **WRITE_ERRORS},
        }[method]
        body = request(partial=True) if method == "patch" else request
        # A function of its own per view: extend_schema marks the function it is given.
        setattr(
            view,
            method,
            extend_schema(
                tags=TAGS,
                request=body if method in ("post", "patch") else None,
                responses=responses,
                summary=summary,
            )(_own(getattr(view, method))),
        )
    return view


class TypeListView(ListOf):
    """`/task-types/`."""

    model, add = TaskType, "add_type"


class TypeDetailView(OneOf):
    """`/task-types/{id}/`."""

    change, delete_name = "change_type", "delete_type"


class StatusListView(ListOf):
    """`/task-statuses/`."""

    model, add, shape, input_serializer = (
        TaskStatus,
        "add_status",
        staticmethod(_status),
        s.StatusInputSerializer,
    )


class StatusDetailView(OneOf):
    """`/task-statuses/{id}/`."""

    change, delete_name = "change_status", "delete_status"
    shape, input_serializer = staticmethod(_status), s.StatusInputSerializer


def _template(row) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "key": row.key,
        "task_name": row.task_name,
        "description": row.description,
        "type": row.type_id,
        "priority": row.priority,
        "due_in_days": row.due_in_days,
        "due_time": row.due_time,
        "private": row.private,
        "assignee": row.assignee,
        "entity_types": row.entity_types,
    }


def _set(row) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "post_sale": row.post_sale,
        "templates": sorted(t.pk for t in row.templates.all()),
    }


class TemplateListView(ListOf):
    """`/task-templates/`."""

    model, add, shape, input_serializer = (
        TaskTemplate,
        "create_template",
        staticmethod(_template),
        s.TemplateInputSerializer,
    )

    def service(self):
        return TemplateService()


class TemplateDetailView(OneOf):
    """`/task-templates/{id}/`."""

    change, delete_name = "change_template", "delete_template"
    shape, input_serializer = staticmethod(_template), s.TemplateInputSerializer

    def service(self):
        return TemplateService()


class SetListView(ListOf):
    """`/task-sets/`."""

    model, add, shape, input_serializer = (
        TaskSet,
        "create_set",
        staticmethod(_set),
        s.SetInputSerializer,
    )

    def service(self):
        return TemplateService()


class SetDetailView(OneOf):
    """`/task-sets/{id}/`."""

    change, delete_name = "change_set", "delete_set"
    shape, input_serializer = staticmethod(_set), s.SetInputSerializer

    def service(self):
        return TemplateService()


_documented(
    TypeListView,
    shape=s.TypeSerializer,
    request=s.TypeInputSerializer,
    summaries={"get": gettext_lazy("List task types"), "post": gettext_lazy("Add a task type")},
)
_documented(
    TypeDetailView,
    shape=s.TypeSerializer,
    request=s.TypeInputSerializer,
    summaries={
        "patch": gettext_lazy("Change a task type"),
        "delete": gettext_lazy("Delete a task type"),
    },
)
_documented(
    StatusListView,
    shape=s.StatusSerializer,
    request=s.StatusInputSerializer,
    summaries={
        "get": gettext_lazy("List task statuses"),
        "post": gettext_lazy("Add a task status"),
    },
)
_documented(
    StatusDetailView,
    shape=s.StatusSerializer,
    request=s.StatusInputSerializer,
    summaries={
        "patch": gettext_lazy("Change a task status"),
        "delete": gettext_lazy("Delete a task status"),
    },
)
_documented(
    TemplateListView,
    shape=s.TemplateSerializer,
    request=s.TemplateInputSerializer,
    summaries={
        "get": gettext_lazy("List task templates"),
        "post": gettext_lazy("Add a task template"),
    },
)
_documented(
    TemplateDetailView,
    shape=s.TemplateSerializer,
    request=s.TemplateInputSerializer,
    summaries={
        "patch": gettext_lazy("Change a task template"),
        "delete": gettext_lazy("Delete a task template"),
    },
)
_documented(
    SetListView,
    shape=s.SetSerializer,
    request=s.SetInputSerializer,
    summaries={"get": gettext_lazy("List task sets"), "post": gettext_lazy("Add a task set")},
)
_documented(
    SetDetailView,
    shape=s.SetSerializer,
    request=s.SetInputSerializer,
    summaries={
        "patch": gettext_lazy("Change a task set"),
        "delete": gettext_lazy("Delete a task set"),
    },
)


class SettingsView(APIView):
    """`/task-settings/`: statuses on or off."""

    permission_classes = [IsAdministratorOrReadOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: s.SettingsSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the task settings"),
    )
    def get(self, request):
        return Response({"statuses_enabled": TaskSettings.current().statuses_enabled})

    @extend_schema(
        tags=TAGS,
        request=s.SettingsSerializer,
        responses={200: s.SettingsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Switch task statuses on or off"),
    )
    def put(self, request):
        body = valid(s.SettingsSerializer, request)
        row = ConfigurationService().set_statuses_enabled(request.user, body["statuses_enabled"])
        return Response({"statuses_enabled": row.statuses_enabled})


class TemplateApplyView(APIView):
    """`/task-templates/{id}/apply/`: a task from the template on a record."""

    @extend_schema(
        tags=TAGS,
        request=s.ApplyInputSerializer,
        responses={201: s.TaskSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Make a task from a template on a record"),
    )
    def post(self, request, row_id):
        body = valid(s.ApplyInputSerializer, request)
        task = TemplateService().apply(request.user, row_id, body["entity"], body["id"])
        return Response(one(request.user, task), status=status.HTTP_201_CREATED)


class SetApplyView(APIView):
    """`/task-sets/{id}/apply/`: the set's tasks on a record."""

    @extend_schema(
        tags=TAGS,
        request=s.ApplyInputSerializer,
        responses={201: s.TaskSerializer(many=True), **WRITE_ERRORS},
        summary=gettext_lazy("Make a set's tasks on a record"),
    )
    def post(self, request, row_id):
        body = valid(s.ApplyInputSerializer, request)
        tasks = TemplateService().apply_set(request.user, row_id, body["entity"], body["id"])
        rows = describe_many(request.user, tasks)
        for row in rows:
            row.pop("task")
        return Response(rows, status=status.HTTP_201_CREATED)


# -- the calendar feed -----------------------------------------------------------------


def feed_url(request, token: str) -> str:
    """The absolute address of a feed."""
    return request.build_absolute_uri(reverse("tasks-calendar-feed", args=[token]))


class MyFeedView(APIView):
    """`/me/calendar-feed/`: whether the caller has a feed; a new address; revoke it."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.FeedSerializer, 401: E},
        summary=gettext_lazy("Is my calendar feed on?"),
    )
    def get(self, request):
        return Response({"active": FeedService().active(request.user) is not None, "url": None})

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={201: s.FeedSerializer, 401: E},
        summary=gettext_lazy("Make a new secret calendar address (the old one stops)"),
    )
    def post(self, request):
        token = FeedService().renew(request.user)
        return Response({"active": True, "url": feed_url(request, token)}, status=201)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={204: None, 401: E},
        summary=gettext_lazy("Revoke my calendar address"),
    )
    def delete(self, request):
        FeedService().revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ICalRenderer(BaseRenderer):
    """text/calendar; the view gives the bytes."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FeedView(JsonErrorsMixin, APIView):
    """`/calendar/{token}.ics`: the feed itself, opened by its secret address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [ICalRenderer]

    @extend_schema(
        tags=TAGS,
        auth=[],
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY),
            (404, "application/json"): E,
        },
        summary=gettext_lazy("A calendar feed (iCalendar)"),
    )
    def get(self, request, token):
        body = FeedService().read(token)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("tasks/", TaskListView.as_view()),
    path("tasks/<str:task_id>/", TaskDetailView.as_view()),
    path("tasks/<str:task_id>/done/", TaskDoneView.as_view()),
    path("task-types/", TypeListView.as_view()),
    path("task-types/<str:row_id>/", TypeDetailView.as_view()),
    path("task-statuses/", StatusListView.as_view()),
    path("task-statuses/<str:row_id>/", StatusDetailView.as_view()),
    path("task-settings/", SettingsView.as_view()),
    path("task-templates/", TemplateListView.as_view()),
    path("task-templates/<str:row_id>/", TemplateDetailView.as_view()),
    path("task-templates/<str:row_id>/apply/", TemplateApplyView.as_view()),
    path("task-sets/", SetListView.as_view()),
    path("task-sets/<str:row_id>/", SetDetailView.as_view()),
    path("task-sets/<str:row_id>/apply/", SetApplyView.as_view()),
    path("me/calendar-feed/", MyFeedView.as_view()),
    path("calendar/<str:token>.ics", FeedView.as_view(), name="tasks-calendar-feed"),
]
