"""Lead intake: 202 whether or not the contact existed, checked like a create, attached to an
existing contact, distributed by the rules, rate-limited."""

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from modules.accounts import scopes
from modules.leads.distribution import DistributionService
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.support.tokens import secret_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/leads/"
records = RecordService()


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_a_known_and_an_unknown_contact_get_the_same_answer(admin, user, user_client):
    # given a person the caller may not even see
    known = records.create(
        admin,
        "persons",
        {"first_name": "Ewa", "last_name": "Nowak", "email": "ewa@example.com"},
        visibility="hidden",
    )
    # when
    first = user_client.post(URL, {"last_name": "Nowak", "email": "EWA@example.com"}, format="json")
    second = user_client.post(URL, {"last_name": "Lis", "email": "lis@example.com"}, format="json")
    # then the answers are identical
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json() == {"status": "accepted"}
    # and the first lead is attached to the known contact, the second to none
    leads = get_model("leads").objects.order_by("id")
    assert [(lead.last_name, lead.person_id) for lead in leads] == [
        ("Nowak", known.pk),
        ("Lis", None),
    ]
    assert all(lead.status == "new" for lead in leads)


def test_intake_goes_through_distribution(admin, user_client, make_user):
    seller = make_user()
    DistributionService().create(
        admin,
        {
            "name": "Marketing",
            "conditions": [{"field": "source", "op": "eq", "value": "marketing"}],
            "assignees": [{"user": seller.pk, "percent": 100}],
        },
    )
    assert (
        user_client.post(URL, {"last_name": "A", "source": "marketing"}, format="json").status_code
        == 202
    )
    lead = get_model("leads").objects.get()
    assert lead.owner_id == seller.pk and lead.assignment_rule == "Marketing"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"email": "not an address"}, "email"),
        ({"shoe_size": 9}, "shoe_size"),
        ({"status": "qualified"}, "status"),
        ({"person": 1}, "person"),
        ({"value": {"amount": "1e400", "currency": "PLN"}}, "value"),
    ],
)
def test_bad_values_are_a_400_per_field_and_save_nothing(user_client, body, key):
    response = user_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert key in response.json()["errors"]
    assert not get_model("leads").objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(user_client):
    assert user_client.post(URL, ["x"], format="json").status_code == 400
    assert not get_model("leads").objects.exists()


def test_intake_is_rate_limited(user_client):
    # the rate the settings give (`LEAD_INTAKE_THROTTLE_RATE`), read by DRF once at start
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["lead_intake"].split("/")[0])
    codes = [
        user_client.post(URL, {"last_name": f"L{i}"}, format="json").status_code
        for i in range(rate + 2)
    ]
    assert set(codes[:rate]) == {202}
    assert codes[rate:] == [429, 429]
    assert get_model("leads").objects.count() == rate


def test_a_token_needs_the_lead_intake_scope(user):
    intake = APIClient()
    intake.credentials(HTTP_AUTHORIZATION=f"Token {secret_for(user, [scopes.LEAD_INTAKE])}")
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Token {secret_for(user, [scopes.READ, scopes.WRITE])}")
    assert intake.post(URL, {"last_name": "Token"}, format="json").status_code == 202
    refused = writer.post(URL, {"last_name": "Write"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["required_scope"] == "leads:intake"
    # and the intake token opens nothing else
    assert intake.get("/api/v1/leads/").status_code == 403
    assert [lead.last_name for lead in get_model("leads").objects.all()] == ["Token"]
