"""The user life cycle under /api/v1/: invite, suspend, anonymise; seats and settings.

    POST /api/v1/users/invite/                   {"email": "eve@example.com", "team": 3,
                                                  "role": "user"}            -> 201 invitation
    GET  /api/v1/users/invitations/              -> every invitation with its status
    POST /api/v1/users/invitations/5/resend/     -> a new link and expiry
    POST /api/v1/users/7/suspend/  .../unsuspend/  .../anonymize/
    GET|PATCH /api/v1/account/seats/             {"total": 30}
    GET|PATCH /api/v1/account/settings/          {"show_deleted_users_in_filters": true}

Administrators only (403 for others). Every write goes through the accounts services.
Handing a user's records over is records' business: `modules/records/api/handover.py`.
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from modules.accounts.api import serializers as sa
from modules.accounts.api import serializers_users as s
from modules.accounts.api.views import READ_ERRORS, WRITE_ERRORS, AccountView, E
from modules.accounts.invitations import InvitationService
from modules.accounts.lifecycle import LifecycleService
from modules.accounts.models import AccountSettings, Invitation
from modules.accounts.seats import seat_usage
from modules.api.pagination import Ordering
from modules.api.paging import PAGE_PARAMETER_DOCS, PAGE_PARAMETERS, keyset_page, paged

STATE_ERRORS = {**WRITE_ERRORS, 409: E}
INVITATION_ORDERING = [
    Ordering("created_at", descending=True, nullable=False),
    Ordering("id", descending=True, nullable=False),
]


class IsAdministrator(BasePermission):
    """Administrators only."""

    message = gettext_lazy("Only administrators may manage users and teams.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and view.caller_is_administrator)


class AdminView(AccountView):
    """Base of the administrators-only views."""

    permission_classes = [IsAdministrator]
    lifecycle = LifecycleService()
    invitations = InvitationService()


def _invitation_json(invitation: Invitation) -> dict:
    return s.InvitationSerializer(invitation).data


# -- invitations --------------------------------------------------------------------------------
class InviteView(AdminView):
    """`POST /users/invite/`."""

    @extend_schema(
        tags=["users"],
        request=s.InviteSerializer,
        responses={201: s.InvitationSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Invite a user by e-mail"),
        description=gettext_lazy(
            "Sends a link (valid for INVITATION_EXPIRY_HOURS) where the invitee chooses a "
            "username and password, then joins `team` with `role`. Needs a free seat "
            "(`no_free_seat`); an earlier pending invitation to the address is revoked."
        ),
        operation_id="users_invite",
    )
    def post(self, request):
        data = self.body(s.InviteSerializer)
        invitation = self.invitations.invite(request.user, **data)
        return Response(_invitation_json(invitation), status=status.HTTP_201_CREATED)


class InvitationListView(AdminView):
    """`GET /users/invitations/`."""

    @extend_schema(
        tags=["users"],
        parameters=PAGE_PARAMETER_DOCS,
        responses={
            200: paged(s.InvitationSerializer, "PaginatedInvitationList"),
            **READ_ERRORS,
            400: E,
            403: E,
        },
        summary=gettext_lazy("List invitations"),
        description=gettext_lazy("Newest first, each with its status."),
        operation_id="users_invitations_list",
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - PAGE_PARAMETERS)
        if unknown:
            message = _("Unknown query parameter.")
            raise ValidationError({name: [message] for name in unknown})
        body = keyset_page(request, Invitation.objects.all(), INVITATION_ORDERING, _invitation_json)
        return Response(body)


class InvitationResendView(AdminView):
    """`POST /users/invitations/{id}/resend/`."""

    @extend_schema(
        tags=["users"],
        request=None,
        responses={200: s.InvitationSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Re-send an invitation"),
        description=gettext_lazy(
            "A new link with a new expiry; the old link stops working. Pending and expired "
            "invitations only (else 400 `invitation_unusable`)."
        ),
        operation_id="users_invitations_resend",
    )
    def post(self, request, pk):
        return Response(_invitation_json(self.invitations.resend(request.user, pk)))


class InvitationRevokeView(AdminView):
    """`POST /users/invitations/{id}/revoke/`."""

    @extend_schema(
        tags=["users"],
        request=None,
        responses={200: s.InvitationSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Revoke an invitation"),
        description=gettext_lazy("Its link stops working."),
        operation_id="users_invitations_revoke",
    )
    def post(self, request, pk):
        return Response(_invitation_json(self.invitations.revoke(request.user, pk)))


# -- status changes -----------------------------------------------------------------------------
def _status_view(method: str, summary, description, operation_id: str):
    """A `POST /users/{id}/<action>/` view calling `LifecycleService.<method>`."""

    @extend_schema(
        tags=["users"],
        request=None,
        responses={200: sa.UserSerializer, **STATE_ERRORS},
        summary=summary,
        description=description,
        operation_id=operation_id,
    )
    def post(self, request, pk):
        getattr(self.lifecycle, method)(request.user, pk)
        return Response(self.user_json(self.get_user(pk)))

    return type(f"{method.title()}View", (AdminView,), {"post": post, "__doc__": str(summary)})


SuspendView = _status_view(
    "suspend",
    gettext_lazy("Suspend a user"),
    gettext_lazy(
        "The user cannot sign in (sessions and tokens stop at once); data and settings stay; "
        "the seat is freed. Not yourself, not the last administrator; 409 unless active."
    ),
    "users_suspend",
)
UnsuspendView = _status_view(
    "unsuspend",
    gettext_lazy("Unsuspend a user"),
    gettext_lazy("Needs a free seat (400 `no_free_seat`); 409 unless suspended."),
    "users_unsuspend",
)
AnonymizeView = _status_view(
    "anonymise",
    gettext_lazy("Anonymise a user"),
    gettext_lazy(
        "A suspended or deleted user's username, names and e-mail are replaced; records and "
        "history keep pointing at the anonymised user. 409 for an active user."
    ),
    "users_anonymize",
)


# -- account ------------------------------------------------------------------------------------
def _seats_json() -> dict:
    usage = seat_usage()
    return {"total": usage.total, "used": usage.used, "free": usage.free}


class SeatsView(AdminView):
    """`GET|PATCH /account/seats/`."""

    @extend_schema(
        tags=["account"],
        responses={200: s.SeatsSerializer, **READ_ERRORS, 403: E},
        summary=gettext_lazy("Paid seats"),
        description=gettext_lazy("Active users use a seat; suspended and deleted users do not."),
        operation_id="account_seats",
    )
    def get(self, request):
        return Response(_seats_json())

    @extend_schema(
        tags=["account"],
        request=s.SeatsWriteSerializer,
        responses={200: s.SeatsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change the paid seats"),
        description=gettext_lazy("Never below the active users (400 `seats_below_usage`)."),
        operation_id="account_seats_update",
    )
    def patch(self, request):
        self.lifecycle.set_seats(request.user, self.body(s.SeatsWriteSerializer)["total"])
        return Response(_seats_json())


class AccountSettingsView(AdminView):
    """`GET|PATCH /account/settings/`."""

    @extend_schema(
        tags=["account"],
        responses={200: s.AccountSettingsSerializer, **READ_ERRORS, 403: E},
        summary=gettext_lazy("User settings"),
        operation_id="account_settings",
    )
    def get(self, request):
        row = AccountSettings.current()
        return Response({"show_deleted_users_in_filters": row.show_deleted_users_in_filters})

    @extend_schema(
        tags=["account"],
        request=s.AccountSettingsSerializer,
        responses={200: s.AccountSettingsSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change the user settings"),
        operation_id="account_settings_update",
    )
    def patch(self, request):
        data = self.body(s.AccountSettingsSerializer)
        row = self.lifecycle.set_show_deleted_users(
            request.user, data["show_deleted_users_in_filters"]
        )
        return Response({"show_deleted_users_in_filters": row.show_deleted_users_in_filters})


urlpatterns = [
    path("users/invite/", InviteView.as_view(), name="api-users-invite"),
    path("users/invitations/", InvitationListView.as_view(), name="api-invitations"),
    path(
        "users/invitations/<int:pk>/resend/",
        InvitationResendView.as_view(),
        name="api-invitation-resend",
    ),
    path(
        "users/invitations/<int:pk>/revoke/",
        InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path("users/<int:pk>/suspend/", SuspendView.as_view(), name="api-user-suspend"),
    path("users/<int:pk>/unsuspend/", UnsuspendView.as_view(), name="api-user-unsuspend"),
    path("users/<int:pk>/anonymize/", AnonymizeView.as_view(), name="api-user-anonymize"),
    path("account/seats/", SeatsView.as_view(), name="api-seats"),
    path("account/settings/", AccountSettingsView.as_view(), name="api-account-settings"),
]
