"""`POST /api/v1/{slug}/{id}/anonymise/`: blank a record's personal values (GDPR).

Irreversible. Needs `edit` and `delete` on the record; a second call is a 409
`already_anonymised`. The change log shows the operation "anonymise".
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.serializers import ErrorSerializer
from modules.leads.anonymise import AnonymiseService
from modules.metamodel.runtime import get_snapshot

E = ErrorSerializer


class AnonymisedSerializer(serializers.Serializer):
    """How many fields were blanked."""

    blanked = serializers.IntegerField()


class AnonymiseView(APIView):
    """Anonymise one record."""

    permission_classes = [IsAuthenticated]
    entity_slug = None

    @extend_schema(
        tags=["records"],
        request=None,
        responses={200: AnonymisedSerializer, 401: E, 403: E, 404: E, 409: E},
        summary=gettext_lazy("Anonymise a record (irreversible)"),
    )
    def post(self, request, pk, **kwargs):
        slug = self.entity_slug or kwargs["slug"]
        get_snapshot().entity(slug)
        return Response({"blanked": AnonymiseService().anonymise(request.user, slug, pk)})


def record_urlpatterns(prefix: str, **initkwargs) -> list:
    """The anonymise route of records under `prefix`."""
    return [path(f"{prefix}/<int:pk>/anonymise/", AnonymiseView.as_view(**initkwargs))]
