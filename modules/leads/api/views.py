"""Leads in the API: distribution rules (administrators) and a lead's status steps.

    GET    /api/v1/meta/lead-distribution/rules/            -> the rules in order
    POST   /api/v1/meta/lead-distribution/rules/            {name, conditions, assignees}
    GET    /api/v1/meta/lead-distribution/rules/{id}/
    PATCH  /api/v1/meta/lead-distribution/rules/{id}/       {the keys to change, version}
    DELETE /api/v1/meta/lead-distribution/rules/{id}/
    GET    /api/v1/meta/lead-distribution/rules/{id}/preview/   -> the next 100 leads
    POST   /api/v1/leads/{id}/disqualify/                   {reason, version}
    POST   /api/v1/leads/{id}/archive/                      {version}

A bad body is a 400 naming each key (`assignees.1.percent`), nothing saved. The status
steps answer the lead as `GET /api/v1/leads/{id}/` shows it.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.api.views import valid
from modules.api.serializers import ErrorSerializer
from modules.leads.api import serializers as s
from modules.leads.distribution import DistributionService
from modules.leads.qualify import QualifyService
from modules.leads.services import LEADS, LeadService
from modules.metamodel.runtime import get_snapshot
from modules.records.api.serializers import record_serializer
from modules.records.exceptions import RecordNotFound
from modules.records.services import RecordService

TAGS = ["leads"]
E = ErrorSerializer
READ_ERRORS = {401: E, 403: E, 404: E}
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E}


def body_of(serializer_class, request) -> dict:
    """The checked body as plain JSON values, for the service to check the rules."""
    checked = valid(serializer_class, request)
    return {key: request.data[key] for key in checked}


#: The lead as `GET /leads/{id}/` answers it (the leads entity type's record component).
LEAD_RECORD = {"$ref": "#/components/schemas/LeadsRecord"}


class RuleListView(APIView):
    """`meta/lead-distribution/rules/`: the rules; add one (administrators)."""

    permission_classes = [IsAuthenticated]
    service = DistributionService()

    @extend_schema(
        tags=TAGS,
        responses={200: s.RuleListSerializer, **READ_ERRORS},
        summary=gettext_lazy("List the lead distribution rules in order"),
    )
    def get(self, request):
        return Response({"results": self.service.rules(request.user)})

    @extend_schema(
        tags=TAGS,
        request=s.RuleInputSerializer,
        responses={201: s.RuleSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Add a lead distribution rule"),
        description=gettext_lazy(
            "Rules are tried in order of `position`; the first whose conditions all hold "
            "for a new lead assigns it. Percents are whole numbers adding up to 100; a "
            "team's share goes in turn to its active members. Administrators only."
        ),
    )
    def post(self, request):
        body = body_of(s.RuleInputSerializer, request)
        body.pop("version", None)
        return Response(self.service.create(request.user, body), status=status.HTTP_201_CREATED)


class RuleDetailView(APIView):
    """`meta/lead-distribution/rules/{id}/`: one rule."""

    permission_classes = [IsAuthenticated]
    service = DistributionService()

    @extend_schema(
        tags=TAGS,
        responses={200: s.RuleSerializer, **READ_ERRORS},
        summary=gettext_lazy("Get a lead distribution rule"),
    )
    def get(self, request, rule_id):
        return Response(self.service.describe(self.service.rule(request.user, rule_id)))

    @extend_schema(
        tags=TAGS,
        request=s.RulePatchSerializer,
        responses={200: s.RuleSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Change a lead distribution rule"),
        description=gettext_lazy(
            "Changing the assignees or their percents starts the rule's counters afresh."
        ),
    )
    def patch(self, request, rule_id):
        self.service.rule(request.user, rule_id)
        body = body_of(s.RulePatchSerializer, request)
        version = body.pop("version", None)
        return Response(self.service.update(request.user, rule_id, body, expected_version=version))

    @extend_schema(
        tags=TAGS,
        responses={204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Delete a lead distribution rule"),
    )
    def delete(self, request, rule_id):
        self.service.delete(request.user, rule_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RulePreviewView(APIView):
    """`.../rules/{id}/preview/`: the next 100 leads of the rule, saving nothing."""

    permission_classes = [IsAuthenticated]
    service = DistributionService()

    @extend_schema(
        tags=TAGS,
        responses={200: s.PreviewSerializer, **READ_ERRORS},
        summary=gettext_lazy("Simulate who gets the rule's next 100 leads"),
    )
    def get(self, request, rule_id):
        return Response(self.service.preview(request.user, rule_id))


def shown_lead(request, pk) -> Response:
    """The lead as `GET /leads/{id}/` shows it to the caller (204 if out of their sight)."""
    try:
        record = RecordService().get(request.user, LEADS, pk)
    except RecordNotFound:
        return Response(status=status.HTTP_204_NO_CONTENT)
    serializer = record_serializer(get_snapshot(), LEADS)
    return Response(serializer(record, context={"viewer": request.user}).data)


class DisqualifyView(APIView):
    """`leads/{id}/disqualify/`: disqualify with a reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=s.DisqualifySerializer,
        responses={200: LEAD_RECORD, 204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Disqualify a lead with a reason"),
    )
    def post(self, request, pk):
        get_snapshot().entity(LEADS)
        body = valid(s.DisqualifySerializer, request)
        LeadService().disqualify(
            request.user, pk, body["reason"], expected_version=body.get("version")
        )
        return shown_lead(request, pk)


class ArchiveView(APIView):
    """`leads/{id}/archive/`: archive the lead."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=s.ArchiveSerializer,
        responses={200: LEAD_RECORD, 204: None, **WRITE_ERRORS},
        summary=gettext_lazy("Archive a lead"),
    )
    def post(self, request, pk):
        get_snapshot().entity(LEADS)
        body = valid(s.ArchiveSerializer, request)
        LeadService().archive(request.user, pk, expected_version=body.get("version"))
        return shown_lead(request, pk)


class QualifyView(APIView):
    """`leads/{id}/qualify/`: what qualifying would make (GET) and doing it (POST)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        responses={200: s.QualifyProposalSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Propose what qualifying a lead makes, with matching records"),
    )
    def get(self, request, pk):
        get_snapshot().entity(LEADS)
        proposal = QualifyService().propose(request.user, pk)
        return Response(
            {
                slug: {
                    "values": part["values"],
                    "matches": [
                        {"id": c.record.pk, "title": str(c.record), "reasons": c.reasons}
                        for c in part["matches"]
                    ],
                }
                for slug, part in proposal.items()
            }
        )

    @extend_schema(
        tags=TAGS,
        request=s.QualifySerializer,
        responses={200: s.QualifiedSerializer, **WRITE_ERRORS},
        summary=gettext_lazy("Qualify a lead into a deal and a person and/or company"),
        description=gettext_lazy(
            'For `person` and `company`: `{"create": true}` makes one from the lead\'s '
            'mapped fields, `{"link": id}` links an existing record, null neither. A deal '
            "is always made, linked to both; `deal.values` replace its mapped values."
        ),
    )
    def post(self, request, pk):
        get_snapshot().entity(LEADS)
        valid(s.QualifySerializer, request)
        body = request.data
        made = QualifyService().qualify(
            request.user,
            pk,
            person=body.get("person"),
            company=body.get("company"),
            deal=body.get("deal"),
            expected_version=body.get("version"),
        )
        return Response(made)


meta_urlpatterns = [
    path("lead-distribution/rules/", RuleListView.as_view(), name="meta-lead-rules"),
    path(
        "lead-distribution/rules/<str:rule_id>/",
        RuleDetailView.as_view(),
        name="meta-lead-rule",
    ),
    path(
        "lead-distribution/rules/<str:rule_id>/preview/",
        RulePreviewView.as_view(),
        name="meta-lead-rule-preview",
    ),
]

urlpatterns = [
    path("leads/<int:pk>/disqualify/", DisqualifyView.as_view(), name="lead-disqualify"),
    path("leads/<int:pk>/archive/", ArchiveView.as_view(), name="lead-archive"),
    path("leads/<int:pk>/qualify/", QualifyView.as_view(), name="lead-qualify"),
]
