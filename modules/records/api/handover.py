"""Handing a user's records over to another user: `/api/v1/users/{id}/hand-over/`.

    GET  /api/v1/users/7/hand-over/     -> preview: records per entity type and role
    POST /api/v1/users/7/hand-over/     {"to_user": 9}  -> what moved

Administrators only, like the rest of the user life cycle (`modules/accounts/api/users.py`),
whose base view this shares; the records move in `handover.hand_over`.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from modules.accounts.api.serializers import ID_LIMITS
from modules.accounts.api.users import AdminView
from modules.accounts.api.views import READ_ERRORS, WRITE_ERRORS, E
from modules.api.serializers import StrictIntegerField, StrictSerializer
from modules.records import handover


class HandOverSerializer(StrictSerializer):
    """`POST /users/{id}/hand-over/`."""

    to_user = StrictIntegerField(help_text=_("The active user who takes over."), **ID_LIMITS)


class MoveSerializer(serializers.Serializer):
    """How many records of one entity type move on one role."""

    entity = serializers.CharField(help_text=_("The entity type's slug."))
    entity_label = serializers.CharField()
    role = serializers.CharField(help_text=_("owner, participant, responsible, ..."))
    role_label = serializers.CharField()
    count = serializers.IntegerField()


class HandOverResultSerializer(serializers.Serializer):
    """What a hand-over moved (or, as a preview, would move)."""

    total = serializers.IntegerField()
    moves = MoveSerializer(many=True)


def _moves_json(moves) -> dict:
    rows = [m.__dict__ for m in moves]
    return {"total": sum(m.count for m in moves), "moves": rows}


class HandOverView(AdminView):
    """`GET|POST /users/{id}/hand-over/`: preview, then move everything to another user."""

    @extend_schema(
        tags=["users"],
        responses={200: HandOverResultSerializer, **READ_ERRORS, 403: E},
        summary=gettext_lazy("Preview a hand-over"),
        description=gettext_lazy(
            "How many live records of each entity type the user holds in each object role "
            "(owner, participant, responsible): what `POST` would move."
        ),
        operation_id="users_hand_over_preview",
    )
    def get(self, request, pk):
        return Response(_moves_json(handover.preview(request.user, pk)))

    @extend_schema(
        tags=["users"],
        request=HandOverSerializer,
        responses={200: HandOverResultSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Hand everything over to another user"),
        description=gettext_lazy(
            "Every live record of every entity type: the owner becomes `to_user`; as "
            "participant or responsible, `to_user` replaces the user. One transaction, any "
            "number of records."
        ),
        operation_id="users_hand_over",
    )
    def post(self, request, pk):
        data = self.body(HandOverSerializer)
        return Response(_moves_json(handover.hand_over(request.user, pk, data["to_user"])))


urlpatterns = [
    path("users/<int:pk>/hand-over/", HandOverView.as_view(), name="api-user-hand-over"),
]
