"""Request and response bodies of `/api/v1/users/` and `/api/v1/teams/`.

    body = TeamWriteSerializer(data=request.data)
    body.is_valid(raise_exception=True)        # 400 naming each bad or unknown key
    AccountService().create_team(request.user, **body.validated_data)

Request serializers check JSON shapes only (no unknown keys, text is text); the rules
(unique names, no cycles, ids that exist, password strength) are `AccountService`'s.
Response serializers read rows; administrators get every key, everyone else only the
keys marked "always" (what a picker needs).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.accounts.models import Role, UserStatus
from modules.api.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)

ID_LIMITS = {"min_value": 1, "max_value": 2**63 - 1}
ROLE_HELP = _("The system role held in the team: administrator, manager or user.")


class RoleField(serializers.ChoiceField):
    """One of the system roles."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", ROLE_HELP)
        super().__init__(choices=Role.choices, **kwargs)


# -- teams --------------------------------------------------------------------------------------
class MemberSerializer(StrictSerializer):
    """A member of a team with the role they hold in it."""

    user = StrictIntegerField(help_text=_("The user's id."), **ID_LIMITS)
    role = RoleField()


class TeamWriteSerializer(StrictSerializer):
    """`POST /teams/` (name required) and `PATCH /teams/{id}/` (any key)."""

    name = StrictCharField(max_length=150, help_text=_("Unique, whatever the letter case."))
    parent = StrictIntegerField(
        required=False,
        allow_null=True,
        help_text=_("The id of the parent team; null puts the team at the top."),
        **ID_LIMITS,
    )
    members = MemberSerializer(
        many=True,
        required=False,
        help_text=_("Every member with their role; replaces the members on PATCH."),
    )


class TeamMemberSerializer(serializers.Serializer):
    """A member of a team, as the API answers it."""

    user = serializers.IntegerField(source="user_id", help_text=_("The user's id."))
    role = RoleField()


class TeamSerializer(serializers.Serializer):
    """A team. Non-administrators get only `id` and `name`."""

    id = serializers.IntegerField(help_text=_("Always."))
    name = serializers.CharField(help_text=_("Always."))
    parent = serializers.IntegerField(
        source="parent_id",
        allow_null=True,
        required=False,
        help_text=_("The parent team's id, null at the top (administrators only)."),
    )
    members = TeamMemberSerializer(
        source="memberships.all",
        many=True,
        required=False,
        help_text=_("Members and their roles (administrators only)."),
    )


# -- users --------------------------------------------------------------------------------------
class UserTeamSerializer(StrictSerializer):
    """A team the user belongs to, with the role held there."""

    team = StrictIntegerField(help_text=_("The team's id."), **ID_LIMITS)
    role = RoleField()


class UserUpdateSerializer(StrictSerializer):
    """`PATCH /users/{id}/`: any of these keys."""

    username = StrictCharField(required=False, max_length=150)
    first_name = StrictCharField(required=False, allow_blank=True, max_length=150)
    last_name = StrictCharField(required=False, allow_blank=True, max_length=150)
    email = StrictCharField(required=False, allow_blank=True, max_length=254)
    is_active = StrictBooleanField(
        required=False, help_text=_("false: the user can no longer sign in or use the API.")
    )
    password = StrictCharField(
        required=False,
        allow_null=True,
        write_only=True,
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=_("A new password; null: no password, so no sign-in with one."),
    )
    teams = UserTeamSerializer(
        many=True,
        required=False,
        help_text=_("Every team of the user with the role held there; replaces them."),
    )


class UserCreateSerializer(UserUpdateSerializer):
    """`POST /users/`: a username is required; no password means none can be used."""

    username = StrictCharField(max_length=150)
    temporary_password = StrictBooleanField(
        required=False,
        help_text=_(
            "true: a random password is e-mailed to `email`, to be changed at first sign-in "
            "(leave `password` out). Either way, an active user needs a free seat."
        ),
    )
    password = StrictCharField(
        required=False,
        allow_null=True,
        write_only=True,
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=_("Left out or null: the user has no usable password."),
    )


class UserMembershipSerializer(serializers.Serializer):
    """A team of a user, as the API answers it."""

    team = serializers.IntegerField(source="team_id", help_text=_("The team's id."))
    role = RoleField()


class AdministratorField(serializers.BooleanField):
    """`User.is_administrator`, from an `administrator_flag` annotation when there is one."""

    def get_attribute(self, instance) -> bool:
        flag = getattr(instance, "administrator_flag", None)
        if flag is None:
            return instance.is_administrator
        return bool(instance.is_active and (instance.is_superuser or flag))


class UserSerializer(serializers.Serializer):
    """A user. Non-administrators get only `id`, `username` and `name`."""

    id = serializers.IntegerField(help_text=_("Always."))
    username = serializers.CharField(help_text=_("Always."))
    name = serializers.CharField(
        source="__str__", help_text=_("Always: the full name, or the username without one.")
    )
    status = serializers.ChoiceField(
        choices=UserStatus.choices,
        help_text=_("Always: active, suspended (no sign-in, no seat) or deleted."),
    )
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    is_active = serializers.BooleanField(
        required=False, help_text=_("Read: true exactly when the status is active.")
    )
    must_change_password = serializers.BooleanField(
        required=False, help_text=_("A temporary password, to be changed at the next sign-in.")
    )
    deleted_at = serializers.DateTimeField(required=False, allow_null=True)
    anonymised_at = serializers.DateTimeField(required=False, allow_null=True)
    is_administrator = AdministratorField(
        required=False,
        help_text=_("Read-only: a superuser, or an administrator in any team."),
    )
    teams = UserMembershipSerializer(
        source="memberships.all",
        many=True,
        required=False,
        help_text=_("Teams and the role held in each (administrators only)."),
    )


#: The keys everyone signed in sees; the rest are for administrators.
PUBLIC_USER_KEYS = ("id", "username", "name", "status")
PUBLIC_TEAM_KEYS = ("id", "name")
