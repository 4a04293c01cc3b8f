"""Likely duplicates: e-mail, phone and name rules, only among records the caller may open."""

import pytest
from django.db import connection

from modules.leads.models import MatchRules
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
records = RecordService()
CHECK = "/api/v1/persons/duplicates/"
RULES = "/api/v1/meta/entity-types/persons/match-rules/"


def person(user, first="Anna", last="Kowalska", **values):
    return records.create(user, "persons", {"first_name": first, "last_name": last, **values})


def found(client, values):
    response = client.post(CHECK, {"values": values}, format="json")
    assert response.status_code == 200, response.content
    return {item["id"]: item for item in response.json()["results"]}


def test_same_email_ignoring_case_and_same_phone_digits(admin, admin_client):
    by_mail = person(admin, "Ewa", "Nowak", email="Ewa.Nowak@example.com")
    by_phone = person(admin, "Jan", "Wiśniewski", phone="+48 600-100-200")
    person(admin, "Other", "Person", email="other@example.com", phone="+48 111 222 333")
    hits = found(admin_client, {"email": "ewa.nowak@EXAMPLE.com", "phone": "600100200"})
    assert set(hits) == {by_mail.pk, by_phone.pk}
    assert hits[by_mail.pk]["reasons"] == ["Same e-mail"]
    assert hits[by_phone.pk]["reasons"] == ["Same phone number"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm similarity")
def test_similar_names_by_trigram_similarity(admin, admin_client):
    close = person(admin, "Katarzyna", "Wójcik")
    person(admin, "Tomasz", "Zieliński")
    hits = found(admin_client, {"first_name": "Katarzyna", "last_name": "Wojcik"})
    assert set(hits) == {close.pk}
    assert hits[close.pk]["reasons"] == ["Similar name"]
    assert 0.5 <= hits[close.pk]["similarity"] <= 1


def test_a_record_the_caller_may_not_open_is_never_named(admin, user, user_client):
    # given a hidden person with the address, and a public one
    records.create(
        admin,
        "persons",
        {"first_name": "Hid", "last_name": "Den", "email": "same@example.com"},
        visibility="hidden",
    )
    public = person(admin, "Pub", "Lic", email="same@example.com")
    # when a plain user checks the address
    hits = found(user_client, {"email": "same@example.com"})
    # then only the public one is listed
    assert set(hits) == {public.pk}


def test_a_record_lists_its_duplicates_but_not_itself(admin, admin_client, client):
    one = person(admin, email="twin@example.com")
    two = person(admin, "Zofia", "Lis", email="TWIN@example.com")
    response = admin_client.get(f"/api/v1/persons/{one.pk}/duplicates/")
    assert [item["id"] for item in response.json()["results"]] == [two.pk]
    client.force_login(admin)
    page = client.get(f"/records/persons/inspect/{one.pk}/")
    assert "Possible duplicates" in page.content.decode()


def test_match_rules_are_replaced_by_administrators_and_checked(admin_client, user_client):
    default = admin_client.get(RULES).json()
    assert default["custom"] is False
    assert [r["kind"] for r in default["rules"]] == ["email", "phone", "name"]
    bad = admin_client.put(
        RULES,
        {
            "rules": [
                {"kind": "email", "fields": ["shoe"]},
                {"kind": "name", "fields": ["last_name"], "threshold": 3},
            ]
        },
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"rules.0.fields", "rules.1.threshold"}
    assert not MatchRules.objects.exists()
    only_mail = {"rules": [{"kind": "email", "fields": ["email"]}]}
    assert user_client.put(RULES, only_mail, format="json").status_code == 403
    saved = admin_client.put(RULES, only_mail, format="json")
    assert saved.status_code == 200 and saved.json()["custom"] is True


def test_a_bad_check_body_is_a_400(admin_client):
    assert admin_client.post(CHECK, {"values": "x"}, format="json").status_code == 400
    assert admin_client.post(CHECK, {"vals": {}}, format="json").status_code == 400


def test_the_duplicates_screen_groups_shared_addresses_the_user_may_open(admin, user, client):
    # given two persons sharing an address, and a hidden third with it too
    one = person(admin, "Ala", "Kot", email="pair@example.com")
    two = person(admin, "Ola", "Pies", email="PAIR@example.com")
    records.create(
        admin,
        "persons",
        {"first_name": "Hid", "last_name": "Den", "email": "pair@example.com"},
        visibility="hidden",
    )
    # when a plain user opens the screen
    client.force_login(user)
    page = client.get("/duplicates/persons/").content.decode()
    # then the group lists the two they may open, and nothing of the hidden one
    assert f"/records/persons/inspect/{one.pk}/" in page
    assert f"/records/persons/inspect/{two.pk}/" in page
    assert "Hid Den" not in page
    assert page.count('<li><a href="/records/persons/inspect/') == 2


def test_the_create_form_warns_of_likely_duplicates_the_user_may_open(admin, user, client):
    # given a public person and a hidden one sharing an address
    public = person(admin, "Pub", "Lic", email="warn@example.com")
    records.create(
        admin,
        "persons",
        {"first_name": "Hid", "last_name": "Den", "email": "warn@example.com"},
        visibility="hidden",
    )
    # when a user creates another with that address in the admin
    client.force_login(user)
    response = client.post(
        "/records/persons/new/",
        {
            "first_name": "New",
            "last_name": "One",
            "email": "warn@example.com",
            "visibility": "public",
        },
        follow=True,
    )
    # then the page after the save warns, naming only the public one
    page = response.content.decode()
    assert "This record may be a duplicate of:" in page
    assert f"/records/persons/inspect/{public.pk}/" in page
    assert "Hid Den" not in page
