"""`/api/v1/{slug}/views/`: saved views of a list (filters, columns, sort), personal or shared.

    POST /api/v1/persons/views/ {"name": "Kraków", "filters": {"city": "Kraków"},
                                 "columns": ["first_name", "city"], "ordering": "-updated_at"}
    GET  /api/v1/persons/views/        -> {"results": [...], "default": <id or null>}
    PATCH|DELETE /api/v1/persons/views/{id}/

Written by `SavedViewService` (modules/records/saved_views.py).
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.serializers import (
    ErrorSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictSerializer,
)
from modules.records.models import SavedView
from modules.records.saved_views import SavedViewService

E = ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E}
ROLES = ["", "administrator", "manager", "user"]


class SavedViewInputSerializer(StrictSerializer):
    """A view to store; on PATCH every key is optional."""

    name = StrictCharField(max_length=100)
    filters = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        help_text=gettext_lazy('Query parameters of the list: {"city": "Kraków"}.'),
    )
    search = StrictCharField(max_length=200, required=False, allow_blank=True)
    columns = serializers.ListField(
        child=serializers.CharField(max_length=63), required=False, max_length=100
    )
    ordering = StrictCharField(max_length=80, required=False, allow_blank=True)
    shared = StrictBooleanField(required=False)
    default_for_role = serializers.ChoiceField(choices=ROLES, required=False)


class SavedViewSerializer(serializers.ModelSerializer):
    """A saved view as its users read it."""

    owner = serializers.IntegerField(source="owner_id")
    query = serializers.SerializerMethodField(
        help_text=gettext_lazy("The list's query string that shows this view.")
    )

    class Meta:
        model = SavedView
        fields = [
            "id",
            "name",
            "owner",
            "shared",
            "filters",
            "search",
            "columns",
            "ordering",
            "default_for_role",
            "query",
            "created_at",
            "updated_at",
        ]

    def get_query(self, view) -> str:
        return SavedViewService.query_string(view)


class SavedViewListSerializer(serializers.Serializer):
    """The views of a list the caller sees, and the one their role opens with."""

    results = SavedViewSerializer(many=True)
    default = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("The view the caller's role opens the list with.")
    )


class SavedViewsMixin:
    """The entity type of the route, and the checked request body."""

    #: Set when the OpenAPI generator documents one entity type's paths.
    entity_slug = None

    def slug(self, kwargs) -> str:
        return self.entity_slug or kwargs["slug"]

    @staticmethod
    def body(request, *, partial: bool) -> dict:
        serializer = SavedViewInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class SavedViewListView(SavedViewsMixin, APIView):
    """The caller's views of a list and the shared ones; save a new one."""

    @extend_schema(
        tags=["records"],
        responses={200: SavedViewListSerializer, **READ_ERRORS},
        summary=gettext_lazy("List the saved views of a list"),
    )
    def get(self, request, **kwargs):
        service, slug = SavedViewService(), self.slug(kwargs)
        default = service.default_for(request.user, slug)
        return Response(
            {
                "results": SavedViewSerializer(service.visible(request.user, slug), many=True).data,
                "default": default.pk if default else None,
            }
        )

    @extend_schema(
        tags=["records"],
        request=SavedViewInputSerializer,
        responses={201: SavedViewSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Save a view of a list"),
    )
    def post(self, request, **kwargs):
        view = SavedViewService().create(
            request.user, self.slug(kwargs), **self.body(request, partial=False)
        )
        return Response(SavedViewSerializer(view).data, status=status.HTTP_201_CREATED)


class SavedViewDetailView(SavedViewsMixin, APIView):
    """One saved view: read, change (its owner), delete (its owner or an administrator)."""

    @extend_schema(
        tags=["records"],
        responses={200: SavedViewSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a saved view"),
    )
    def get(self, request, view_id, **kwargs):
        view = SavedViewService().get(request.user, self.slug(kwargs), view_id)
        return Response(SavedViewSerializer(view).data)

    @extend_schema(
        tags=["records"],
        request=SavedViewInputSerializer,
        responses={200: SavedViewSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change a saved view"),
    )
    def patch(self, request, view_id, **kwargs):
        view = SavedViewService().update(
            request.user, self.slug(kwargs), view_id, **self.body(request, partial=True)
        )
        return Response(SavedViewSerializer(view).data)

    @extend_schema(
        tags=["records"],
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Delete a saved view"),
    )
    def delete(self, request, view_id, **kwargs):
        SavedViewService().delete(request.user, self.slug(kwargs), view_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The saved-view routes of a list under `prefix` (see records.api.views)."""
    return [
        path(f"{prefix}/views/", SavedViewListView.as_view(**initkwargs)),
        path(f"{prefix}/views/<int:view_id>/", SavedViewDetailView.as_view(**initkwargs)),
    ]
