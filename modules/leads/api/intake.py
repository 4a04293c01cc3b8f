"""`POST /api/v1/intake/leads/`: marketing tools push leads.

The body is the lead's values by field API name, as `POST /api/v1/leads/` takes them.
A valid lead answers 202 `{"status": "accepted"}`, the same whether or not its contact
was known; invalid values are a 400 per field and nothing is saved. An API token needs
the `leads:intake` scope (a marketing tool gets a token with that scope alone, revocable
like any token). Rate-limited per caller (`LEAD_INTAKE_THROTTLE_RATE`, default 120 a
minute).
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.accounts import scopes
from modules.api.serializers import ErrorSerializer
from modules.api.throttling import ClientScopedRateThrottle
from modules.leads.intake import IntakeService
from modules.metamodel.runtime import get_snapshot

E = ErrorSerializer


class AcceptedSerializer(serializers.Serializer):
    """The lead was taken."""

    status = serializers.ChoiceField(choices=["accepted"])


class IntakeView(APIView):
    """Take one lead."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "lead_intake"

    def required_scope(self, request, user) -> str:
        """An API token needs the `leads:intake` scope (and only a token made for it)."""
        return scopes.LEAD_INTAKE

    @extend_schema(
        tags=["leads"],
        request={"application/json": {"$ref": "#/components/schemas/LeadsRecordRequest"}},
        responses={202: AcceptedSerializer, 400: E, 401: E, 403: E, 429: E},
        summary=gettext_lazy("Push a lead from a marketing tool"),
        description=gettext_lazy(
            "The lead's values by field API name. Checked like a create, checked for an "
            "existing contact and distributed by the rules; the answer does not say whether "
            "the contact existed."
        ),
    )
    def post(self, request):
        get_snapshot().entity("leads")
        IntakeService().take(request.user, request.data)
        return Response({"status": "accepted"}, status=status.HTTP_202_ACCEPTED)


urlpatterns = [path("intake/leads/", IntakeView.as_view(), name="lead-intake")]
