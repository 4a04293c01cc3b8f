"""Access settings of an entity type, under /api/v1/meta/entity-types/{slug}/.

    GET  .../persons/visibility/     -> {"allowed": ["public", "hidden"], "default": "public"}
    PUT  .../persons/visibility/     {"allowed": ["public", "hidden"], "default": "hidden"}
    PUT  .../deals/permissions/      {"system": {"user": ["view", "add"]},
                                      "objects": {"owner": ["view", "edit", "delete"]}}
    PUT  .../persons/participants/   {"creator_team": true, "users": [3], "teams": [1]}

Every signed-in user reads; administrators write. A PUT may leave keys out: they keep
their value. Views check JSON shapes (`serializers_access`); `AccessService` checks
the rules and saves, bumping the schema version, so records created afterwards follow
the new settings in every process.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.api import serializers as s
from modules.access.services import AccessService
from modules.api.permissions import IsAdministratorOrReadOnly
from modules.api.serializers import ErrorSerializer
from modules.metamodel.runtime import get_snapshot

TAGS = ["metadata"]
E = ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E}
KEPT = gettext_lazy("Keys left out keep their current value. Administrators only.")


def valid(serializer_class, request) -> dict:
    """The request body checked by `serializer_class` (400 naming each bad key)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class AccessSettingsView(APIView):
    """Base of the access settings views: everyone signed in reads, administrators write."""

    permission_classes = [IsAdministratorOrReadOnly]
    service = AccessService()

    def check_entity(self, slug: str) -> None:
        """404 for an unknown (or trashed) entity type, before the body is looked at."""
        get_snapshot().entity(slug)


class VisibilitySettingsView(AccessSettingsView):
    """`.../visibility/`: the visibilities records may have and the default of new ones."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.VisibilitySettingsSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the record visibility settings"),
        operation_id="meta_visibility_retrieve",
    )
    def get(self, request, slug):
        return Response(self.service.settings(slug)["visibility"])

    @extend_schema(
        tags=TAGS,
        request=s.VisibilityUpdateSerializer,
        responses={200: s.VisibilitySettingsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change the record visibility settings"),
        operation_id="meta_visibility_update",
        description=KEPT,
    )
    def put(self, request, slug):
        self.check_entity(slug)
        body = valid(s.VisibilityUpdateSerializer, request)
        current = self.service.settings(slug)["visibility"]
        saved = self.service.update_visibility(
            request.user,
            slug,
            allowed=body.get("allowed", current["allowed"]),
            default=body.get("default", current["default"]),
        )
        return Response(saved["visibility"])


def permissions_part(settings: dict) -> dict:
    """The permissions part of `AccessService.settings()`."""
    return {key: settings[key] for key in ("object_roles", "system", "objects")}


class PermissionsSettingsView(AccessSettingsView):
    """`.../permissions/`: object roles, the system-role matrix and the object-role matrix."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.PermissionsSettingsSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the permissions"),
        operation_id="meta_permissions_retrieve",
    )
    def get(self, request, slug):
        return Response(permissions_part(self.service.settings(slug)))

    @extend_schema(
        tags=TAGS,
        request=s.PermissionsUpdateSerializer,
        responses={200: s.PermissionsSettingsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change the permissions"),
        operation_id="meta_permissions_update",
        description=gettext_lazy(
            "Owner is always an object role. A role switched off loses its permission "
            "set; one switched on starts with none unless `objects` gives it. "
            "Keys left out keep their current value. Administrators only."
        ),
    )
    def put(self, request, slug):
        self.check_entity(slug)
        body = valid(s.PermissionsUpdateSerializer, request)
        saved = self.service.update_permissions(request.user, slug, **body)
        return Response(permissions_part(saved))


class ParticipantsSettingsView(AccessSettingsView):
    """`.../participants/`: who is invited to every new record as a participant."""

    @extend_schema(
        tags=TAGS,
        responses={200: s.ParticipantsSettingsSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get the default participants"),
        operation_id="meta_participants_retrieve",
    )
    def get(self, request, slug):
        return Response(self.service.settings(slug)["participants"])

    @extend_schema(
        tags=TAGS,
        request=s.ParticipantsUpdateSerializer,
        responses={200: s.ParticipantsSettingsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change the default participants"),
        operation_id="meta_participants_update",
        description=KEPT,
    )
    def put(self, request, slug):
        self.check_entity(slug)
        body = valid(s.ParticipantsUpdateSerializer, request)
        saved = self.service.update_participants(request.user, slug, **body)
        return Response(saved["participants"])


urlpatterns = [
    path(
        "entity-types/<str:slug>/visibility/",
        VisibilitySettingsView.as_view(),
        name="meta-visibility",
    ),
    path(
        "entity-types/<str:slug>/permissions/",
        PermissionsSettingsView.as_view(),
        name="meta-permissions",
    ),
    path(
        "entity-types/<str:slug>/participants/",
        ParticipantsSettingsView.as_view(),
        name="meta-participants",
    ),
]
