"""Users and teams under /api/v1/: administrators manage them, everyone signed in picks them.

    GET    /api/v1/users/?search=ada          -> {"next", "previous",
                                               "results": [{"id", "username", "name", ...}]}
    POST   /api/v1/users/                     {"username": "ada", "password": "...",
                                               "teams": [{"team": 3, "role": "manager"}]}
    PATCH  /api/v1/users/7/                   {"is_active": false}   -> suspended
    DELETE /api/v1/users/7/?keep_seat=false   -> 204; records stay, one paid seat fewer
    GET    /api/v1/users/?include_deleted=true
    GET    /api/v1/teams/                     -> the tree, depth first, paged alike
    POST   /api/v1/teams/                     {"name": "Sales North", "parent": 3,
                                               "members": [{"user": 7, "role": "manager"}]}
    DELETE /api/v1/teams/4/                   -> 204, or 400 while it has sub-teams or is used

Every signed-in user reads (pickers need it), but non-administrators see only what
a picker shows (`id`, `username`, `name` of a user; `id`, `name` of a team). Writes
are for administrators (403 otherwise) and go through `AccountService`.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.accounts.api import serializers as s
from modules.accounts.lifecycle import LifecycleService
from modules.accounts.models import AccountSettings, Membership, Role, Team, User, UserStatus
from modules.accounts.services import AccountService, team_tree
from modules.api.pagination import Ordering
from modules.api.paging import (
    PAGE_PARAMETER_DOCS,
    PAGE_PARAMETERS,
    keyset_page,
    paged,
    sequence_page,
)
from modules.api.serializers import ErrorSerializer

E = ErrorSerializer
READ_ERRORS = {401: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E}
LIST_ERRORS = {400: E, 401: E}
USER_PARAMETERS = {"search", "is_active", "include_deleted", *PAGE_PARAMETERS}
USER_ORDERING = [Ordering("username", nullable=False), Ordering("id", nullable=False)]
SEARCH = OpenApiParameter(
    "search",
    str,
    description=gettext_lazy(
        "Users whose username, first name or last name (or email, for administrators) "
        "contains this text, in any letter case."
    ),
)
IS_ACTIVE = OpenApiParameter(
    "is_active", bool, description=gettext_lazy("true: active users only; false: inactive only.")
)
INCLUDE_DELETED = OpenApiParameter(
    "include_deleted",
    bool,
    description=gettext_lazy(
        "true: deleted users too (administrators; others only while the setting 'show "
        "deleted users in list filters' is on), so their records can be found."
    ),
)
KEEP_SEAT = OpenApiParameter(
    "keep_seat",
    bool,
    description=gettext_lazy(
        "true (the default): the paid seat stays, free for a successor; false: one seat fewer."
    ),
)
ADMIN_ONLY_NOTE = gettext_lazy(
    "Administrators get every key; other users only the keys marked 'Always'."
)


class IsAdministratorOrReadOnly(BasePermission):
    """Signed-in users read; administrators write (403 in the API's shape for others)."""

    message = gettext_lazy("Only administrators may manage users and teams.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or view.caller_is_administrator


def user_rows():
    """Users with their memberships and `administrator_flag` (no query per user)."""
    admin_membership = Membership.objects.filter(user=OuterRef("pk"), role=Role.ADMINISTRATOR)
    return (
        User.objects.annotate(administrator_flag=Exists(admin_membership))
        .prefetch_related(Prefetch("memberships", Membership.objects.order_by("team_id")))
        .order_by("username", "id")
    )


def team_rows():
    """Teams with their memberships."""
    return Team.objects.prefetch_related(
        Prefetch("memberships", Membership.objects.order_by("user_id"))
    )


class AccountView(APIView):
    """Base of the user and team views: who the caller is, and what they may see."""

    permission_classes = [IsAdministratorOrReadOnly]
    service = AccountService()

    @property
    def caller_is_administrator(self) -> bool:
        """Read once per request: the property costs a query."""
        if not hasattr(self, "_caller_is_administrator"):
            user = self.request.user
            self._caller_is_administrator = bool(getattr(user, "is_administrator", False))
        return self._caller_is_administrator

    def body(self, serializer_class, *, partial: bool = False) -> dict:
        """The request body checked by `serializer_class` (400 naming each bad key)."""
        body = serializer_class(data=self.request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def user_json(self, user) -> dict:
        """A user as the caller may see it."""
        data = s.UserSerializer(user).data
        return data if self.caller_is_administrator else _only(data, s.PUBLIC_USER_KEYS)

    def team_json(self, team) -> dict:
        """A team as the caller may see it."""
        data = s.TeamSerializer(team).data
        return data if self.caller_is_administrator else _only(data, s.PUBLIC_TEAM_KEYS)

    def get_user(self, pk) -> User:
        """The user with what its JSON needs, or the API's 404."""
        self.service.get_user(pk)
        return user_rows().get(pk=pk)

    def get_team(self, pk) -> Team:
        """The team with what its JSON needs, or the API's 404."""
        self.service.get_team(pk)
        return team_rows().get(pk=pk)


def _only(data: dict, keys) -> dict:
    return {key: data[key] for key in keys}


def _memberships(items: list[dict] | None, key: str) -> list[dict]:
    return [{key: item[key], "role": item["role"]} for item in items or []]


# -- users --------------------------------------------------------------------------------------
class UserListView(AccountView):
    """`/users/`: list users (everyone signed in), create one (administrators)."""

    @extend_schema(
        tags=["users"],
        parameters=[SEARCH, IS_ACTIVE, INCLUDE_DELETED, *PAGE_PARAMETER_DOCS],
        responses={200: paged(s.UserSerializer, "PaginatedUserList"), **LIST_ERRORS},
        summary=gettext_lazy("List users"),
        description=format_lazy(
            "{} {}",
            gettext_lazy("Sorted by username; deleted users only with `include_deleted`."),
            ADMIN_ONLY_NOTE,
        ),
        operation_id="users_list",
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - USER_PARAMETERS)
        if unknown:
            message = _("Unknown query parameter.")
            raise serializers.ValidationError({name: [message] for name in unknown})
        rows = user_rows()
        text = request.query_params.get("search", "").strip()
        if text:
            found = (
                Q(username__icontains=text)
                | Q(first_name__icontains=text)
                | Q(last_name__icontains=text)
            )
            if self.caller_is_administrator:  # others neither see emails nor probe them
                found |= Q(email__icontains=text)
            rows = rows.filter(found)
        if "is_active" in request.query_params:
            rows = rows.filter(is_active=_flag(request.query_params["is_active"], "is_active"))
        if not self.include_deleted():
            rows = rows.exclude(status=UserStatus.DELETED)
        return Response(keyset_page(request, rows, USER_ORDERING, self.user_json))

    def include_deleted(self) -> bool:
        """Asked for, and allowed: administrators always, others when the setting is on."""
        value = self.request.query_params.get("include_deleted")
        if value is None or not _flag(value, "include_deleted"):
            return False
        return self.caller_is_administrator or AccountSettings.show_deleted_users()

    @extend_schema(
        tags=["users"],
        request=s.UserCreateSerializer,
        responses={201: s.UserSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Create a user"),
        description=gettext_lazy(
            "Without a password the user has no usable one (they cannot sign in with a "
            "password until an administrator sets one). The password is never answered. "
            "An active user takes a paid seat: 400 `no_free_seat` when none is free."
        ),
        operation_id="users_create",
    )
    def post(self, request):
        data = self.body(s.UserCreateSerializer)
        if "teams" in data:
            data["teams"] = _memberships(data["teams"], "team")
        user = self.service.create_user(request.user, **data)
        return Response(self.user_json(self.get_user(user.pk)), status=status.HTTP_201_CREATED)


class UserDetailView(AccountView):
    """`/users/{id}/`: read a user (everyone signed in), change one (administrators)."""

    @extend_schema(
        tags=["users"],
        responses={200: s.UserSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a user"),
        description=ADMIN_ONLY_NOTE,
        operation_id="users_retrieve",
    )
    def get(self, request, pk):
        return Response(self.user_json(self.get_user(pk)))

    @extend_schema(
        tags=["users"],
        request=s.UserUpdateSerializer,
        responses={200: s.UserSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change a user"),
        description=gettext_lazy(
            "`teams` replaces the user's teams. `is_active` false suspends the user, true "
            "unsuspends them (a free seat needed). Refused (400) when it would deactivate "
            "yourself or leave no active administrator."
        ),
        operation_id="users_update",
    )
    def patch(self, request, pk):
        data = self.body(s.UserUpdateSerializer, partial=True)
        if "teams" in data:
            data["teams"] = _memberships(data["teams"], "team")
        self.service.update_user(request.user, pk, **data)
        return Response(self.user_json(self.get_user(pk)))

    @extend_schema(
        tags=["users"],
        request=None,
        parameters=[KEEP_SEAT],
        responses={204: None, **WRITE_ERRORS, 409: E},
        summary=gettext_lazy("Delete a user"),
        description=gettext_lazy(
            "The user can no longer sign in; sessions and tokens stop working at once. "
            "Their records stay (hand them over with `/users/{id}/hand-over/`). Refused for "
            "yourself (`own_account`) and the last administrator; 409 when already deleted."
        ),
        operation_id="users_destroy",
    )
    def delete(self, request, pk):
        keep_seat = _flag(request.query_params.get("keep_seat", "true"), "keep_seat")
        LifecycleService().delete(request.user, pk, keep_seat=keep_seat)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _flag(value: str, name: str) -> bool:
    value = value.strip().lower()
    if value not in {"true", "1", "false", "0"}:
        raise serializers.ValidationError({name: [_("Give true or false.")]})
    return value in {"true", "1"}


# -- teams --------------------------------------------------------------------------------------
class TeamListView(AccountView):
    """`/teams/`: list teams (everyone signed in), create one (administrators)."""

    @extend_schema(
        tags=["teams"],
        parameters=PAGE_PARAMETER_DOCS,
        responses={200: paged(s.TeamSerializer, "PaginatedTeamList"), **LIST_ERRORS},
        summary=gettext_lazy("List teams"),
        description=format_lazy(
            "{} {}",
            gettext_lazy(
                "The tree depth first: each team follows its parent, siblings sorted by name."
            ),
            ADMIN_ONLY_NOTE,
        ),
        operation_id="teams_list",
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - PAGE_PARAMETERS)
        if unknown:
            message = _("Unknown query parameter.")
            raise serializers.ValidationError({name: [message] for name in unknown})
        teams = [team for team, _depth in team_tree(team_rows())]
        return Response(sequence_page(request, teams, self.team_json))

    @extend_schema(
        tags=["teams"],
        request=s.TeamWriteSerializer,
        responses={201: s.TeamSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Create a team"),
        description=gettext_lazy(
            "`parent` and `members` are optional. A name is unique whatever the letter case "
            "(else a 400 `duplicate_name`)."
        ),
        operation_id="teams_create",
    )
    def post(self, request):
        data = self.body(s.TeamWriteSerializer)
        team = self.service.create_team(
            request.user,
            name=data["name"],
            parent=data.get("parent"),
            members=_memberships(data.get("members"), "user"),
        )
        return Response(self.team_json(self.get_team(team.pk)), status=status.HTTP_201_CREATED)


class TeamDetailView(AccountView):
    """`/teams/{id}/`: read a team (everyone signed in), change or delete one (administrators)."""

    @extend_schema(
        tags=["teams"],
        responses={200: s.TeamSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a team"),
        description=ADMIN_ONLY_NOTE,
        operation_id="teams_retrieve",
    )
    def get(self, request, pk):
        return Response(self.team_json(self.get_team(pk)))

    @extend_schema(
        tags=["teams"],
        request=s.TeamWriteSerializer(partial=True),
        responses={200: s.TeamSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change a team"),
        description=gettext_lazy(
            "`members` replaces the members. A parent that would put the team under itself "
            "or one of its sub-teams is a 400 `team_cycle` naming `parent`."
        ),
        operation_id="teams_update",
    )
    def patch(self, request, pk):
        data = self.body(s.TeamWriteSerializer, partial=True)
        if "members" in data:
            data["members"] = _memberships(data["members"], "user")
        self.service.update_team(request.user, pk, **data)
        return Response(self.team_json(self.get_team(pk)))

    @extend_schema(
        tags=["teams"],
        request=None,
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Delete a team"),
        description=gettext_lazy(
            "Its members leave it. Refused (400) while it has sub-teams "
            "(`team_has_children`) or other data refers to it (`team_in_use`)."
        ),
        operation_id="teams_destroy",
    )
    def delete(self, request, pk):
        self.service.delete_team(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("users/", UserListView.as_view(), name="api-users"),
    path("users/<int:pk>/", UserDetailView.as_view(), name="api-user"),
    path("teams/", TeamListView.as_view(), name="api-teams"),
    path("teams/<int:pk>/", TeamDetailView.as_view(), name="api-team"),
]
