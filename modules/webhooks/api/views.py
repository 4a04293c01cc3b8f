"""Webhooks and the events feed (administrators).

GET|POST          /api/v1/webhooks/
GET|PATCH|DELETE  /api/v1/webhooks/{id}/
POST              /api/v1/webhooks/{id}/rotate-secret/
GET               /api/v1/webhooks/{id}/deliveries/
POST              /api/v1/webhooks/{id}/deliveries/{delivery}/redeliver/
GET               /api/v1/events/?after=<cursor>&limit=&entity=
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.pagination import Ordering
from modules.api.paging import PAGE_PARAMETER_DOCS, keyset_page, paged
from modules.api.serializers import ErrorSerializer
from modules.core.values import is_digits
from modules.webhooks.api.serializers import (
    DeliverySerializer,
    EventPageSerializer,
    WebhookSerializer,
    WebhookWriteSerializer,
)
from modules.webhooks.feed import MAX_LIMIT, events_after
from modules.webhooks.services import WebhookService

E = ErrorSerializer
ERRORS = {code: E for code in (400, 401, 403, 404)}
ORDERING = [Ordering("id", descending=False, nullable=False)]
DELIVERY_ORDERING = [
    Ordering("created_at", descending=True, nullable=False),
    Ordering("id", descending=True, nullable=False),
]


def shown(hook, *, with_secret=False) -> dict:
    """A webhook as the API shows it (the secret only where asked)."""
    return WebhookSerializer(hook, context={"with_secret": with_secret}).data


class WebhookListView(APIView):
    """Every webhook, and new ones."""

    @extend_schema(
        tags=["webhooks"],
        parameters=PAGE_PARAMETER_DOCS,
        responses={200: paged(WebhookSerializer, "WebhookPage"), **ERRORS},
        summary=gettext_lazy("List webhooks (administrators)"),
    )
    def get(self, request):
        hooks = WebhookService().all(request.user)
        return Response(keyset_page(request, hooks, ORDERING, shown))

    @extend_schema(
        tags=["webhooks"],
        request=WebhookWriteSerializer,
        responses={201: WebhookSerializer, **ERRORS},
        summary=gettext_lazy("Add a webhook; the answer holds its signing secret"),
    )
    def post(self, request):
        body = WebhookWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hook = WebhookService().create(request.user, dict(body.validated_data))
        return Response(shown(hook, with_secret=True), status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    """One webhook."""

    @extend_schema(
        tags=["webhooks"],
        responses={200: WebhookSerializer, **ERRORS},
        summary=gettext_lazy("A webhook"),
    )
    def get(self, request, pk):
        return Response(shown(WebhookService().get(request.user, pk)))

    @extend_schema(
        tags=["webhooks"],
        request=WebhookWriteSerializer,
        responses={200: WebhookSerializer, **ERRORS},
        summary=gettext_lazy("Change a webhook; `active: true` switches it back on"),
    )
    def patch(self, request, pk):
        body = WebhookWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return Response(shown(WebhookService().update(request.user, pk, dict(body.validated_data))))

    @extend_schema(
        tags=["webhooks"],
        responses={204: None, **ERRORS},
        summary=gettext_lazy("Delete a webhook and its delivery log"),
    )
    def delete(self, request, pk):
        WebhookService().delete(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RotateSecretView(APIView):
    """A new signing secret; the old one stops signing at once."""

    @extend_schema(
        tags=["webhooks"],
        request=None,
        responses={200: WebhookSerializer, **ERRORS},
        summary=gettext_lazy("Give a webhook a new signing secret"),
    )
    def post(self, request, pk):
        return Response(shown(WebhookService().rotate_secret(request.user, pk), with_secret=True))


class DeliveryListView(APIView):
    """A webhook's deliveries, newest first: the delivery log."""

    @extend_schema(
        tags=["webhooks"],
        parameters=PAGE_PARAMETER_DOCS,
        responses={200: paged(DeliverySerializer, "DeliveryPage"), **ERRORS},
        summary=gettext_lazy("A webhook's deliveries, newest first"),
    )
    def get(self, request, pk):
        rows = WebhookService().deliveries(request.user, pk).select_related("entity_type")
        return Response(
            keyset_page(request, rows, DELIVERY_ORDERING, lambda d: DeliverySerializer(d).data)
        )


class RedeliverView(APIView):
    """Send a delivery again, now."""

    @extend_schema(
        tags=["webhooks"],
        request=None,
        responses={202: DeliverySerializer, **ERRORS},
        summary=gettext_lazy("Send a delivery again"),
    )
    def post(self, request, pk, delivery):
        sent = WebhookService().redeliver(request.user, pk, delivery)
        return Response(DeliverySerializer(sent).data, status=status.HTTP_202_ACCEPTED)


class EventFeedView(APIView):
    """What webhooks announce, for clients that poll."""

    @extend_schema(
        tags=["webhooks"],
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, description="A cursor the feed gave."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT} (100)."),
            OpenApiParameter("entity", OpenApiTypes.STR, description="An entity type's slug."),
        ],
        responses={200: EventPageSerializer, **ERRORS},
        summary=gettext_lazy("Events after a cursor, oldest first (administrators)"),
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - {"after", "limit", "entity"})
        if unknown:
            raise ValidationError({unknown[0]: [_("Unknown parameter.")]})
        raw = request.query_params.get("limit", "100")
        if not is_digits(raw) or not 1 <= int(raw) <= MAX_LIMIT:
            raise ValidationError(
                {"limit": [_("Give a limit from 1 to %(max)s.") % {"max": MAX_LIMIT}]}
            )
        items, cursor, more = events_after(
            request.user,
            cursor=request.query_params.get("after"),
            limit=int(raw),
            entity=request.query_params.get("entity"),
        )
        page = {"results": items, "next_cursor": cursor, "more": more}
        return Response(EventPageSerializer(page).data)


urlpatterns = [
    path("webhooks/", WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", WebhookDetailView.as_view(), name="webhook"),
    path("webhooks/<int:pk>/rotate-secret/", RotateSecretView.as_view(), name="webhook-rotate"),
    path("webhooks/<int:pk>/deliveries/", DeliveryListView.as_view(), name="webhook-deliveries"),
    path(
        "webhooks/<int:pk>/deliveries/<str:delivery>/redeliver/",
        RedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    path("events/", EventFeedView.as_view(), name="events"),
]
