"""Qualify: a lead becomes a deal and a person and/or company, matched against existing
records first, and links to what it became."""

import pytest

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
records = RecordService()


def lead(user, **values):
    return records.create(
        user,
        "leads",
        {
            "first_name": "Jan",
            "last_name": "Kowalski",
            "company_name": "Kowalski Sp. z o.o.",
            "email": "jan@kowalski.example",
            "value": {"amount": "5000", "currency": "PLN"},
            **values,
        },
    )


def test_the_proposal_offers_an_existing_person_matched_by_email(admin, admin_client):
    existing = records.create(
        admin, "persons", {"first_name": "J.", "last_name": "K.", "email": "JAN@kowalski.example"}
    )
    record = lead(admin)
    body = admin_client.get(f"/api/v1/leads/{record.pk}/qualify/").json()
    assert body["persons"]["values"]["email"] == "jan@kowalski.example"
    assert [m["id"] for m in body["persons"]["matches"]] == [existing.pk]
    assert body["companies"]["values"]["name"] == "Kowalski Sp. z o.o."
    assert body["deals"]["values"]["name"] == "Kowalski Sp. z o.o."


def test_qualify_links_an_existing_person_creates_a_company_and_a_deal(admin, admin_client):
    # given
    existing = records.create(
        admin,
        "persons",
        {"first_name": "Jan", "last_name": "Kowalski", "email": "jan@kowalski.example"},
    )
    record = lead(admin)
    # when
    response = admin_client.post(
        f"/api/v1/leads/{record.pk}/qualify/",
        {"person": {"link": existing.pk}, "company": {"create": True}, "version": record.version},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    made = response.json()
    assert made["person"] == existing.pk
    company = records.get(admin, "companies", made["company"])
    deal = records.get(admin, "deals", made["deal"])
    assert company.name == "Kowalski Sp. z o.o."
    assert deal.company_id == company.pk and deal.contact_id == existing.pk
    assert deal.value == 5000
    qualified = records.get(admin, "leads", record.pk)
    assert qualified.status == "qualified"
    assert (qualified.deal_id, qualified.person_id, qualified.company_id) == (
        deal.pk,
        existing.pk,
        company.pk,
    )
    # and it cannot be qualified twice
    again = admin_client.post(f"/api/v1/leads/{record.pk}/qualify/", {}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"person": {"link": "x"}}, "person"),
        ({"person": {"create": False}}, "person"),
        ({"company": {"link": 987654321}}, "company.link"),
        ({"deal": {"values": {"value": {"amount": "x", "currency": "PLN"}}}}, "deal.value"),
        ({"deal": {"values": {"shoe": 1}}}, "deal.shoe"),
    ],
)
def test_a_bad_qualification_is_refused_whole(admin, admin_client, body, key):
    record = lead(admin)
    before = {slug: get_model(slug).objects.count() for slug in ("persons", "companies", "deals")}
    response = admin_client.post(f"/api/v1/leads/{record.pk}/qualify/", body, format="json")
    assert response.status_code == 400, response.content
    assert key in response.json()["errors"], response.json()
    after = {slug: get_model(slug).objects.count() for slug in ("persons", "companies", "deals")}
    assert after == before
    assert records.get(admin, "leads", record.pk).status == "new"


def test_the_qualify_screen_makes_the_deal(admin, client):
    client.force_login(admin)
    record = lead(admin)
    form = client.get(f"/records/leads/{record.pk}/qualify/")
    assert form.status_code == 200
    assert 'data-qualify-part="person"' in form.content.decode()
    done = client.post(
        f"/records/leads/{record.pk}/qualify/",
        {"person": "create", "company": "none", "deal_name": "Pilot", "version": record.version},
    )
    assert done.status_code == 302
    qualified = records.get(admin, "leads", record.pk)
    assert qualified.status == "qualified" and qualified.company_id is None
    assert records.get(admin, "deals", qualified.deal_id).name == "Pilot"
