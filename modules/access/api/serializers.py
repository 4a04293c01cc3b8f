"""Request and response bodies of an entity type's access settings (`/api/v1/meta/`).

    body = PermissionsUpdateSerializer(data=request.data)
    body.is_valid(raise_exception=True)        # 400 naming each bad or unknown key
    AccessService().update_permissions(request.user, slug, **body.validated_data)

Request serializers check JSON shapes only (lists of names, true or false, ids); which
names exist, which roles a type has and that the default is allowed are
`AccessService`'s rules, and it names every unknown name itself. Response
serializers render `AccessService.settings()` and document both directions.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from modules.access.models import (
    CONFIGURABLE_ROLES,
    RECORD_ACTIONS,
    Action,
    ObjectRole,
    Visibility,
)
from modules.api.serializers import StrictBooleanField, StrictIntegerField, StrictSerializer

ID_LIMITS = {"min_value": 1, "max_value": 2**63 - 1}
# Plain names (no labels): the enums of the schema are named once, in
# SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (VisibilityEnum, ActionEnum, ...).
VISIBILITIES = list(Visibility.values)
ACTIONS = list(Action.values)
OBJECT_ACTIONS = list(RECORD_ACTIONS)
OBJECT_ROLES = list(ObjectRole.values)


class NameField(serializers.ChoiceField):
    """A name from a fixed list, documented as an enum; unknown names reach the service.

    `AccessService` refuses unknown names and lists them all with the allowed ones, a
    clearer answer than one "not a valid choice" per list item.
    """

    default_error_messages = {"not_text": _("Give text.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return data


def names(choices, **kwargs) -> serializers.ListField:
    """A list of names from `choices`."""
    return serializers.ListField(child=NameField(choices=choices), **kwargs)


def _matrix_schema(roles, actions, description) -> dict:
    return {
        "type": "object",
        "description": description,
        "properties": {
            role: {"type": "array", "items": {"type": "string", "enum": list(actions)}}
            for role in roles
        },
        "additionalProperties": False,
    }


@extend_schema_field(
    _matrix_schema(
        CONFIGURABLE_ROLES,
        ACTIONS,
        _(
            "Actions per system role; administrators may do everything. "
            "Roles left out keep their actions."
        ),
    )
)
class SystemMatrixField(serializers.DictField):
    """`{"manager": [actions], "user": [actions]}`; the service refuses other roles."""

    def __init__(self, **kwargs):
        kwargs["child"] = serializers.ListField(child=NameField(choices=ACTIONS))
        super().__init__(**kwargs)


@extend_schema_field(
    _matrix_schema(
        OBJECT_ROLES,
        OBJECT_ACTIONS,
        _("Actions per enabled object role. Roles left out keep their actions."),
    )
)
class ObjectMatrixField(serializers.DictField):
    """`{"owner": [actions], ...}` for the enabled object roles; the service checks the roles."""

    def __init__(self, **kwargs):
        kwargs["child"] = serializers.ListField(child=NameField(choices=OBJECT_ACTIONS))
        super().__init__(**kwargs)


# -- visibility --------------------------------------------------------------------------------
class VisibilitySettingsSerializer(serializers.Serializer):
    """Which visibilities records of the type may have, and what new records get."""

    allowed = names(VISIBILITIES, help_text=_("The visibilities records may have."))
    default = serializers.ChoiceField(
        choices=VISIBILITIES, help_text=_("What a new record gets; one of `allowed`.")
    )


class VisibilityUpdateSerializer(StrictSerializer):
    """`PUT .../visibility/`; a key left out keeps its value."""

    allowed = names(
        VISIBILITIES,
        required=False,
        help_text=_(
            "The visibilities records may have (at least one). A type without record "
            "visibility allows only public."
        ),
    )
    default = NameField(
        choices=VISIBILITIES,
        required=False,
        help_text=_("What a new record gets; one of `allowed`."),
    )


# -- permissions -------------------------------------------------------------------------------
class SystemPermissionsSerializer(serializers.Serializer):
    """What Managers and Users may do with records of the type."""

    manager = names(ACTIONS)
    user = names(ACTIONS)


class ObjectPermissionsSerializer(serializers.Serializer):
    """What each enabled object role may do with the records it holds; disabled roles are absent."""

    author = names(OBJECT_ACTIONS, required=False)
    responsible = names(OBJECT_ACTIONS, required=False)
    owner = names(OBJECT_ACTIONS, required=False)
    participant = names(OBJECT_ACTIONS, required=False)


class PermissionsSettingsSerializer(serializers.Serializer):
    """The object roles of the type, the system-role matrix and the object-role matrix."""

    object_roles = names(OBJECT_ROLES, help_text=_("The object roles records of this type have."))
    system = SystemPermissionsSerializer()
    objects = ObjectPermissionsSerializer()


class PermissionsUpdateSerializer(StrictSerializer):
    """`PUT .../permissions/`; every key is optional and what is left out stays."""

    object_roles = names(
        OBJECT_ROLES,
        required=False,
        help_text=_(
            "The enabled object roles; Owner is always kept. A role switched off loses "
            "its permission set."
        ),
    )
    system = SystemMatrixField(required=False)
    objects = ObjectMatrixField(required=False)


# -- participants ------------------------------------------------------------------------------
class ParticipantsSettingsSerializer(serializers.Serializer):
    """Who is invited to every new record of the type as a participant."""

    creator_team = serializers.BooleanField(
        help_text=_("The teams of the user who creates a record participate in it.")
    )
    users = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Ids of users who participate.")
    )
    teams = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Ids of teams that participate.")
    )


class ParticipantsUpdateSerializer(StrictSerializer):
    """`PUT .../participants/`; a key left out keeps its value, an empty list clears it."""

    creator_team = StrictBooleanField(
        required=False,
        help_text=_("The teams of the user who creates a record participate in it."),
    )
    users = serializers.ListField(
        child=StrictIntegerField(**ID_LIMITS),
        required=False,
        help_text=_("Ids of active users."),
    )
    teams = serializers.ListField(
        child=StrictIntegerField(**ID_LIMITS),
        required=False,
        help_text=_("Ids of teams."),
    )
