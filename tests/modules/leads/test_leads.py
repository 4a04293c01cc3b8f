"""Leads as a built-in entity type: statuses, disqualify with a reason, archive."""

import pytest

from modules.history.models import RowHistory
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db
service = RecordService()


def lead(user, **values):
    return service.create(user, "leads", {"last_name": "Nowak", **values})


def test_a_new_lead_starts_as_new_and_keeps_a_given_status(admin):
    assert lead(admin).status == "new"
    assert lead(admin, status="working").status == "working"


def test_the_type_has_polish_labels():
    entity = get_snapshot().entity("leads")
    assert entity.label_plural["pl"] == "Leady"
    fields = {f.api_name: f for f in entity.fields}
    statuses = [c["label"]["pl"] for c in fields["status"].options["choices"]]
    assert statuses == [
        "Nowy",
        "W trakcie",
        "Zakwalifikowany",
        "Zdyskwalifikowany",
        "Zarchiwizowany",
    ]
    assert {"source", "campaign", "disqualification_reason"} <= set(fields)


def test_disqualify_sets_status_and_reason_and_labels_the_history(admin, admin_client):
    # given
    record = lead(admin)
    # when
    response = admin_client.post(
        f"/api/v1/leads/{record.pk}/disqualify/",
        {"reason": "no_budget", "version": record.version},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "disqualified"
    assert response.json()["disqualification_reason"] == "no_budget"
    row = RowHistory.objects.filter(record_id=record.pk).order_by("-id").first()
    assert row.action == "disqualify"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({}, "reason"),
        ({"reason": "bored"}, "reason"),
        ({"reason": 5}, "reason"),
        ({"reason": "no_budget", "extra": 1}, "extra"),
        ({"reason": "no_budget", "version": "x"}, "version"),
    ],
)
def test_a_bad_disqualification_is_a_400_naming_the_key_and_changes_nothing(
    admin, admin_client, body, key
):
    record = lead(admin)
    response = admin_client.post(f"/api/v1/leads/{record.pk}/disqualify/", body, format="json")
    assert response.status_code == 400, response.content
    assert key in response.json()["errors"]
    assert service.get(admin, "leads", record.pk).status == "new"


def test_a_disqualified_lead_cannot_be_disqualified_again_but_can_be_archived(admin, admin_client):
    record = lead(admin, status="disqualified", disqualification_reason="spam")
    again = admin_client.post(
        f"/api/v1/leads/{record.pk}/disqualify/", {"reason": "spam"}, format="json"
    )
    assert again.status_code == 409
    archived = admin_client.post(f"/api/v1/leads/{record.pk}/archive/", {}, format="json")
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    assert (
        admin_client.post(f"/api/v1/leads/{record.pk}/archive/", {}, format="json").status_code
        == 409
    )


def test_a_stale_version_is_a_409(admin, admin_client):
    record = lead(admin)
    service.update(admin, "leads", record.pk, {"campaign": "Spring"})
    response = admin_client.post(
        f"/api/v1/leads/{record.pk}/archive/", {"version": record.version}, format="json"
    )
    assert response.status_code == 409
    assert service.get(admin, "leads", record.pk).status == "new"


def test_a_hidden_lead_reads_as_missing(admin, user_client):
    # given a lead only its owner (the administrator) may see
    record = service.create(admin, "leads", {"last_name": "Secret"}, visibility="hidden")
    # when another user tries the steps
    hidden = user_client.post(f"/api/v1/leads/{record.pk}/archive/", {}, format="json")
    missing = user_client.post("/api/v1/leads/987654321/archive/", {}, format="json")
    # then both read the same
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_profile_disqualifies_and_archives(admin, client):
    # given
    client.force_login(admin)
    record = lead(admin)
    profile = client.get(f"/records/leads/inspect/{record.pk}/").content.decode()
    assert "data-lead-steps" in profile and "No budget" in profile
    # when
    done = client.post(
        f"/records/leads/{record.pk}/disqualify/", {"reason": "no_need", "version": record.version}
    )
    # then
    assert done.status_code == 302
    assert service.get(admin, "leads", record.pk).disqualification_reason == "no_need"
    client.post(f"/records/leads/{record.pk}/archive/", {})
    assert service.get(admin, "leads", record.pk).status == "archived"
