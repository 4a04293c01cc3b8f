"""Bodies of the user life-cycle endpoints: invitations, seats, settings.

    body = InviteSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    InvitationService().invite(request.user, **body.validated_data)

As in `serializers.py`, request serializers check JSON shapes; the rules (free
seats, statuses, who may act) are the services'.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.accounts.api.serializers import ID_LIMITS, RoleField
from modules.accounts.models import InvitationStatus, Role
from modules.api.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)


class InviteSerializer(StrictSerializer):
    """`POST /users/invite/`."""

    email = StrictCharField(max_length=254, help_text=_("Where the invitation goes."))
    team = StrictIntegerField(
        required=False, allow_null=True, help_text=_("The team to join."), **ID_LIMITS
    )
    role = RoleField(required=False, default=Role.USER)


class InvitationSerializer(serializers.Serializer):
    """An invitation and where it stands."""

    id = serializers.IntegerField()
    email = serializers.CharField()
    team = serializers.IntegerField(source="team_id", allow_null=True)
    role = RoleField()
    status = serializers.ChoiceField(
        choices=InvitationStatus.choices,
        help_text=_("pending, expired (re-send it), accepted or revoked."),
    )
    invited_by = serializers.IntegerField(source="invited_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(help_text=_("When it was last (re-)sent."))
    send_count = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    user = serializers.IntegerField(
        source="user_id", allow_null=True, help_text=_("The user who accepted it.")
    )


class SeatsSerializer(serializers.Serializer):
    """Paid seats: `used` by active users, `free` for new or unsuspended ones."""

    total = serializers.IntegerField()
    used = serializers.IntegerField()
    free = serializers.IntegerField()


class SeatsWriteSerializer(StrictSerializer):
    """`PATCH /account/seats/`."""

    total = StrictIntegerField(
        min_value=1, help_text=_("The paid seats; never below the active users.")
    )


class AccountSettingsSerializer(StrictSerializer):
    """`GET|PATCH /account/settings/`."""

    show_deleted_users_in_filters = StrictBooleanField(
        help_text=_(
            "Deleted users appear, marked (deleted), in the owner and participant filters of "
            "every list, and in `GET /users/?include_deleted=true` for everyone."
        )
    )
