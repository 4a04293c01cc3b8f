"""Anonymise (GDPR): no personal value left in the row or its history; "anonymise" in the
change log; twice is a 409; a record the user may not change is refused."""

import json

import pytest

from modules.history.models import RowHistory
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
records = RecordService()
PERSONAL = ("Zuzanna", "Brzęczyszczykiewicz", "zuzanna@example.com", "+48 600 700 800")


def test_no_personal_value_is_left_in_the_row_or_its_history(admin, admin_client):
    # given a person edited once
    person = records.create(
        admin,
        "persons",
        {
            "first_name": "Zuzanna",
            "last_name": "Brzęczyszczykiewicz",
            "email": "zuzanna@example.com",
        },
    )
    records.update(admin, "persons", person.pk, {"phone": "+48 600 700 800"})
    # when
    response = admin_client.post(f"/api/v1/persons/{person.pk}/anonymise/")
    # then
    assert response.status_code == 200, response.content
    row = get_model("persons").objects.values().get(pk=person.pk)
    history = list(RowHistory.objects.filter(record_id=person.pk, entity_type__slug="persons"))
    stored = json.dumps([str(v) for v in row.values()], ensure_ascii=False) + json.dumps(
        [[h.changes, h.title] for h in history], ensure_ascii=False, default=str
    )
    for value in PERSONAL:
        assert value not in stored
    assert [h.operation for h in history].count("anonymise") == 1
    log = admin_client.get(f"/api/v1/persons/{person.pk}/history/").json()["results"]
    assert "anonymise" in {entry["operation"] for entry in log}
    # the record still lists, as anonymised, and search finds nothing by the old name
    assert records.get(admin, "persons", person.pk).first_name == "Anonymised"
    found = admin_client.get("/api/v1/persons/?search=Zuzanna").json()["results"]
    assert found == []


def test_anonymising_twice_is_a_409(admin, admin_client):
    lead = records.create(admin, "leads", {"last_name": "Kowal", "email": "k@example.com"})
    assert admin_client.post(f"/api/v1/leads/{lead.pk}/anonymise/").status_code == 200
    again = admin_client.post(f"/api/v1/leads/{lead.pk}/anonymise/")
    assert again.status_code == 409
    assert again.json()["code"] == "already_anonymised"


def test_a_record_the_user_may_not_see_reads_as_missing(admin, user_client):
    hidden = records.create(
        admin, "persons", {"first_name": "H", "last_name": "D"}, visibility="hidden"
    )
    response = user_client.post(f"/api/v1/persons/{hidden.pk}/anonymise/")
    assert response.status_code == 404
    assert records.get(admin, "persons", hidden.pk).first_name == "H"
