"""The timeline and notes.

    GET    /api/v1/{slug}/{id}/timeline/?kind=note,change&cursor=&page_size=
    GET    /api/v1/notes/?entity=&record=&tag=&author=&cursor=&page_size=
    POST   /api/v1/notes/                       JSON, or multipart with `files`
    GET    /api/v1/notes/{id}/
    PATCH  /api/v1/notes/{id}/                  the author; multipart adds `files`
    DELETE /api/v1/notes/{id}/                  the author
    GET    /api/v1/notes/{id}/comments/         POST a comment
    PUT    /api/v1/notes/{id}/like/             DELETE to stop liking
    GET    /api/v1/notes/files/{id}/            a file, as a download
    GET    /api/v1/notes/export/?entity=&record=   a record's notes as an Excel workbook

A record the caller may not open, a note its visibility does not admit them to and a
missing id all answer the same 404.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.activity import access, reader
from modules.activity.export import notes_xlsx
from modules.activity.kinds import note_json
from modules.activity.models import NoteTag, NoteVisibility
from modules.activity.services import NoteService, not_found
from modules.api.errors import JsonErrorsMixin
from modules.api.pagination import KeysetPaginator, Ordering
from modules.api.paging import page_link, page_size
from modules.api.parsers import StrictJSONParser
from modules.api.serializers import ErrorSerializer
from modules.core.exceptions import NotFound
from modules.metamodel.runtime import get_snapshot

E = ErrorSerializer
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORDERING = [
    Ordering("at", descending=True, nullable=False),
    Ordering("id", descending=True, nullable=False),
]
NOTE_FILTERS = ("entity", "record", "tag", "author")

USER = {
    "type": "object",
    "properties": {"id": {"type": "integer", "nullable": True}, "name": {"type": "string"}},
}
FILE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "size": {"type": "integer"},
        "url": {"type": "string"},
    },
}
NOTE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "entity": {"type": "string"},
        "record_id": {"type": "integer"},
        "body": {"type": "string", "description": "Sanitised HTML."},
        "visibility": {"type": "string", "enum": list(NoteVisibility.values)},
        "tags": {"type": "array", "items": {"type": "string"}},
        "published_at": {"type": "string", "format": "date-time"},
        "author": USER,
        "files": {"type": "array", "items": FILE},
        "comment_count": {"type": "integer"},
        "like_count": {"type": "integer"},
        "liked": {"type": "boolean"},
        "version": {"type": "integer"},
        "mine": {"type": "boolean"},
    },
}
NOTE_PAGE = {
    "type": "object",
    "properties": {
        "next": {"type": "string", "nullable": True},
        "previous": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": NOTE},
    },
}
ENTRY = {
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "user": USER,
        "data": {"type": "object", "description": "The kind's own data (a note as above)."},
    },
}
TIMELINE_PAGE = {
    "type": "object",
    "properties": {
        "next": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": ENTRY},
    },
}
NOTE_VALUES = {
    "body": {"type": "string", "description": "HTML; sanitised on the way in."},
    "visibility": {"type": "string", "enum": list(NoteVisibility.values)},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": 20},
    "published_at": {"type": "string", "format": "date-time", "nullable": True},
}
NOTE_CREATE = {
    "type": "object",
    "properties": {
        "entity": {"type": "string", "description": "The record's entity type (slug)."},
        "record": {"type": "integer"},
        **NOTE_VALUES,
    },
    "required": ["entity", "record", "body"],
}
NOTE_CREATE_FILES = {
    "type": "object",
    "properties": {
        **NOTE_CREATE["properties"],
        "tags": {"type": "string", "description": "Comma-separated."},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
    },
    "required": ["entity", "record", "body"],
}
NOTE_EDIT = {
    "type": "object",
    "properties": {
        **NOTE_VALUES,
        "version": {"type": "integer", "description": "The version the edit is based on."},
    },
}
NOTE_EDIT_FILES = {
    "type": "object",
    "properties": {
        **NOTE_EDIT["properties"],
        "tags": {"type": "string", "description": "Comma-separated."},
        "version": {"type": "string"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "remove_files": {"type": "array", "items": {"type": "integer"}},
    },
}
COMMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "user": USER,
        "body": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
    },
}
COMMENT_WRITE = {
    "type": "object",
    "properties": {"body": {"type": "string", "maxLength": 5000}},
    "required": ["body"],
}
LIKES = {"type": "object", "properties": {"like_count": {"type": "integer"}}}


class XlsxRenderer(BaseRenderer):
    """Lets `?format=xlsx` through content negotiation; the view writes the bytes."""

    media_type = XLSX
    format = "xlsx"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def user_json(user) -> dict:
    """Who did it: an id and a name (None and "" for the system)."""
    return {"id": getattr(user, "pk", None), "name": str(user) if user else ""}


def note_body(note, user) -> dict:
    """A note as the API shows it, with its record."""
    entity = get_snapshot().model_by_id(note.entity_type_id).entity
    return {"entity": entity.slug, "record_id": note.record_id, **note_json(note, user)}


def _values(request, *, allowed: tuple[str, ...]) -> dict:
    """The note's values from a JSON object, or from a multipart form's fields."""
    data = request.data
    if not hasattr(data, "getlist"):
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Give a JSON object.")]})
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ValidationError({key: [_("This key is not expected here.")] for key in unknown})
        return dict(data)
    unknown = sorted(set(data) - set(allowed) - {"files", "remove_files"})
    if unknown:
        raise ValidationError({key: [_("This key is not expected here.")] for key in unknown})
    values = {key: data.get(key) for key in data if key in allowed}
    if "tags" in values:
        values["tags"] = values["tags"].split(",") if values["tags"] else []
    return values


class TimelineView(APIView):
    """`/{slug}/{id}/timeline/`: a record's timeline, newest first."""

    #: Set when the OpenAPI generator documents one entity type's paths.
    entity_slug = None

    @extend_schema(
        tags=["records"],
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                description="Comma-separated kinds: change, note, and those modules add.",
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 100."),
        ],
        responses={200: TIMELINE_PAGE, 400: E, 401: E, 404: E},
        summary=gettext_lazy("A record's timeline"),
    )
    def get(self, request, pk, **kwargs):
        known = {"kind", "cursor", "page_size"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({unknown[0]: [_("Unknown parameter.")]})
        try:
            entity = get_snapshot().entity(self.entity_slug or kwargs["slug"])
        except NotFound:
            raise not_found() from None
        record = access.record_for(request.user, entity, pk, brief=True)
        size = page_size(request)
        if size > reader.MAX_PAGE_SIZE:
            raise ValidationError(
                {"page_size": [_("Give a page size from 1 to %(max)s.") % {"max": 100}]}
            )
        kinds = [k.strip() for k in request.query_params.get("kind", "").split(",") if k.strip()]
        page = reader.page(
            request.user,
            entity,
            record,
            kinds=kinds or None,
            cursor=request.query_params.get("cursor") or None,
            size=size,
        )
        return Response(
            {
                "next": page_link(request, page.next),
                "results": [
                    {
                        "kind": item.kind.type,
                        "id": item.id,
                        "at": item.at.isoformat(),
                        "user": user_json(item.user),
                        "data": item.data,
                    }
                    for item in page.items
                ],
            }
        )


class NotesView(APIView):
    """`/notes/`: notes the caller may read; a new note."""

    parser_classes = [StrictJSONParser, MultiPartParser]

    @extend_schema(
        tags=["notes"],
        parameters=[
            OpenApiParameter("entity", OpenApiTypes.STR, description="With `record`."),
            OpenApiParameter("record", OpenApiTypes.INT, description="With `entity`."),
            OpenApiParameter("tag", OpenApiTypes.STR),
            OpenApiParameter("author", OpenApiTypes.INT),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: NOTE_PAGE, 400: E, 401: E, 404: E},
        summary=gettext_lazy("Notes"),
    )
    def get(self, request):
        known = {*NOTE_FILTERS, "cursor", "page_size"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({unknown[0]: [_("Unknown filter.")]})
        params = request.query_params
        service = NoteService()
        if params.get("entity") or params.get("record"):
            if not (params.get("entity") and params.get("record")):
                raise ValidationError({"record": [_("Give both `entity` and `record`.")]})
            _record, notes = service.of_record(request.user, params["entity"], params["record"])
        else:
            notes = service.readable(request.user)
        if params.get("tag"):
            tagged = NoteTag.objects.filter(name=" ".join(params["tag"].split()).casefold())
            notes = notes.filter(pk__in=tagged.values("note_id"))
        if params.get("author"):
            author = access.record_key(params["author"])
            if author is None:
                raise ValidationError({"author": [_("Give a user's id.")]})
            notes = notes.filter(user_id=author)
        rows, links = KeysetPaginator(ORDERING, page_size(request)).paginate(
            service.with_counts(notes, request.user), params.get("cursor")
        )
        return Response(
            {
                "next": page_link(request, links["next"]),
                "previous": page_link(request, links["previous"]),
                "results": [note_body(note, request.user) for note in rows],
            }
        )

    @extend_schema(
        tags=["notes"],
        request={"application/json": NOTE_CREATE, "multipart/form-data": NOTE_CREATE_FILES},
        responses={201: NOTE, 400: E, 401: E, 404: E, 413: E},
        summary=gettext_lazy("Write a note on a record"),
    )
    def post(self, request):
        values = _values(request, allowed=("entity", "record", *NOTE_VALUES))
        entity, record = values.pop("entity", None), values.pop("record", None)
        if not entity or record in (None, ""):
            raise ValidationError({"record": [_("Give both `entity` and `record`.")]})
        service = NoteService()
        note = service.create(
            request.user,
            entity,
            record,
            values,
            uploads=request.FILES.getlist("files") if request.FILES else (),
        )
        note = service.with_counts(service.one(note.pk), request.user).get()
        return Response(note_body(note, request.user), status=status.HTTP_201_CREATED)


class NoteView(APIView):
    """`/notes/{id}/`: one note; its author edits and deletes it."""

    parser_classes = [StrictJSONParser, MultiPartParser]

    @extend_schema(
        tags=["notes"], responses={200: NOTE, 401: E, 404: E}, summary=gettext_lazy("A note")
    )
    def get(self, request, pk):
        return Response(self._shown(request, pk))

    @extend_schema(
        tags=["notes"],
        request={"application/json": NOTE_EDIT, "multipart/form-data": NOTE_EDIT_FILES},
        responses={200: NOTE, 400: E, 401: E, 403: E, 404: E, 409: E, 413: E},
        summary=gettext_lazy("Edit a note (its author)"),
    )
    def patch(self, request, pk):
        values = _values(request, allowed=(*NOTE_VALUES, "version"))
        version = values.pop("version", None)
        if version is not None:
            version = access.record_key(version)
            if version is None:
                raise ValidationError({"version": [_("Give a whole number.")]})
        removing = request.data.getlist("remove_files") if hasattr(request.data, "getlist") else ()
        NoteService().update(
            request.user,
            pk,
            values,
            expected_version=version,
            uploads=request.FILES.getlist("files") if request.FILES else (),
            remove_files=removing,
        )
        return Response(self._shown(request, pk))

    @extend_schema(
        tags=["notes"],
        responses={204: None, 401: E, 403: E, 404: E},
        summary=gettext_lazy("Delete a note (its author)"),
    )
    def delete(self, request, pk):
        NoteService().delete(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _shown(self, request, pk) -> dict:
        service = NoteService()
        note = service.get(request.user, pk)
        note = service.with_counts(service.one(note.pk), request.user).get()
        return note_body(note, request.user)


class NoteCommentsView(APIView):
    """`/notes/{id}/comments/`: the comments on a note, oldest first; a new comment."""

    parser_classes = [StrictJSONParser]

    @extend_schema(
        tags=["notes"],
        responses={200: {"type": "array", "items": COMMENT}, 401: E, 404: E},
        summary=gettext_lazy("A note's comments"),
    )
    def get(self, request, pk):
        comments = NoteService().comments(request.user, pk)
        return Response([comment_json(c) for c in comments])

    @extend_schema(
        tags=["notes"],
        request={"application/json": COMMENT_WRITE},
        responses={201: COMMENT, 400: E, 401: E, 404: E},
        summary=gettext_lazy("Comment on a note"),
    )
    def post(self, request, pk):
        values = _values(request, allowed=("body",))
        comment = NoteService().comment(request.user, pk, values.get("body"))
        return Response(comment_json(comment), status=status.HTTP_201_CREATED)


def comment_json(comment) -> dict:
    """A comment as the API shows it."""
    return {
        "id": comment.pk,
        "user": user_json(comment.user),
        "body": comment.body,
        "at": comment.at.isoformat(),
    }


class NoteLikeView(APIView):
    """`/notes/{id}/like/`: PUT likes a note, DELETE stops liking it."""

    @extend_schema(
        tags=["notes"],
        request=None,
        responses={200: LIKES, 401: E, 404: E},
        summary=gettext_lazy("Like a note"),
    )
    def put(self, request, pk):
        return Response({"like_count": NoteService().like(request.user, pk)})

    @extend_schema(
        tags=["notes"],
        request=None,
        responses={200: LIKES, 401: E, 404: E},
        summary=gettext_lazy("Stop liking a note"),
    )
    def delete(self, request, pk):
        return Response({"like_count": NoteService().like(request.user, pk, liked=False)})


class NoteFileView(JsonErrorsMixin, APIView):
    """`/notes/files/{id}/`: a note's file, always as a download, never shown inline."""

    @extend_schema(
        tags=["notes"],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 401: E, 404: E},
        summary=gettext_lazy("Download a note's file"),
    )
    def get(self, request, pk):
        attachment = NoteService().attachment(request.user, pk)
        return download(attachment)


def download(attachment) -> FileResponse:
    """The file as an attachment: never rendered by the browser from our origin."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class NotesExportView(JsonErrorsMixin, APIView):
    """`/notes/export/?entity=&record=`: a record's notes the caller may read, as xlsx."""

    renderer_classes = [XlsxRenderer, JSONRenderer]

    @extend_schema(
        tags=["notes"],
        parameters=[
            OpenApiParameter("entity", OpenApiTypes.STR, required=True),
            OpenApiParameter("record", OpenApiTypes.INT, required=True),
        ],
        responses={(200, XLSX): OpenApiTypes.BINARY, 400: E, 401: E, 404: E},
        summary=gettext_lazy("Export a record's notes to Excel"),
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - {"entity", "record", "format"})
        if unknown:
            raise ValidationError({unknown[0]: [_("Unknown parameter.")]})
        params = request.query_params
        if not (params.get("entity") and params.get("record")):
            raise ValidationError({"record": [_("Give both `entity` and `record`.")]})
        record, notes = NoteService().of_record(request.user, params["entity"], params["record"])
        data = notes_xlsx(request.user, record, notes)
        response = HttpResponse(data, content_type=XLSX)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"notes-{params['entity']}-{record.pk}-{stamp}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The timeline route of records under `prefix` (see records.entity_urlpatterns)."""
    return [path(f"{prefix}/<int:pk>/timeline/", TimelineView.as_view(**initkwargs))]


urlpatterns = [
    path("notes/", NotesView.as_view(), name="api-notes"),
    path("notes/export/", NotesExportView.as_view(), name="api-notes-export"),
    path("notes/files/<int:pk>/", NoteFileView.as_view(), name="api-note-file"),
    path("notes/<int:pk>/", NoteView.as_view(), name="api-note"),
    path("notes/<int:pk>/comments/", NoteCommentsView.as_view(), name="api-note-comments"),
    path("notes/<int:pk>/like/", NoteLikeView.as_view(), name="api-note-like"),
]
