"""Reading history through the API: a record's, redacted for the viewer, and the
administrators' change log with its filters and its Excel export."""

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from modules.history.models import RowHistory
from modules.records.services import RecordService

records = RecordService()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def changes_by_label(row: dict) -> dict:
    return {c["label"]: (c["before_text"], c["after_text"]) for c in row["changes"]}


def test_a_record_history_reads_newest_first_with_labels_and_names(admin, make_user):
    # given a person created, edited and handed over
    bob = make_user("bob", first_name="Bob", last_name="Stone")
    ann = records.create(admin, "persons", {"first_name": "Ann", "last_name": "Lee"})
    records.update(admin, "persons", ann.pk, {"source": "referral", "first_name": "Anna"})
    records.update(admin, "persons", ann.pk, {}, owner=bob.pk)
    # when its history is read
    response = client_for(admin).get(f"/api/v1/persons/{ann.pk}/history/")
    # then the newest change comes first, readable: users by name, choices by label
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["operation"] for r in rows] == ["update", "update", "create"]
    assert changes_by_label(rows[0]) == {"Owner": ("Ada Admin", "Bob Stone")}
    assert changes_by_label(rows[1]) == {"First name": ("Ann", "Anna"), "Source": ("—", "Referral")}
    assert rows[2]["user"] == {"id": admin.pk, "name": "Ada Admin"}


def test_labels_are_kept_as_they_were_when_the_change_was_made(admin, schema):
    ann = records.create(admin, "persons", {"first_name": "Ann", "last_name": "Lee"})
    records.update(admin, "persons", ann.pk, {"position": "CTO"})
    schema.update_field(admin, "persons", "position", label="Role in the company")
    rows = client_for(admin).get(f"/api/v1/persons/{ann.pk}/history/").json()["results"]
    assert changes_by_label(rows[0]) == {"Job title": ("—", "CTO")}


def test_a_record_the_user_may_not_see_has_no_history_either(admin, make_user):
    owner, stranger = make_user("owner"), make_user("stranger")
    hidden = records.create(
        admin, "companies", {"name": "Hidden Ltd"}, owner=owner, visibility="hidden"
    )
    response = client_for(stranger).get(f"/api/v1/companies/{hidden.pk}/history/")
    assert response.status_code == 404
    missing = client_for(stranger).get("/api/v1/companies/999999999/history/")
    assert response.json() == missing.json()


def test_fields_the_viewer_may_not_read_are_redacted(admin, make_user):
    # given a non-public company whose secret field changed
    owner, other = make_user("owner"), make_user("other")
    quiet = records.create(
        admin,
        "companies",
        {"name": "Quiet", "street": "Secret 1"},
        owner=owner,
        visibility="non_public",
    )
    records.update(owner, "companies", quiet.pk, {"street": "Secret 2", "name": "Quiet Ltd"})
    # when someone who sees only its basic fields reads its history
    rows = client_for(other).get(f"/api/v1/companies/{quiet.pk}/history/").json()["results"]
    # then the basic field's change shows and the other one is redacted, values and all
    changes = {c["label"]: c for c in rows[0]["changes"]}
    assert (changes["Name"]["before_text"], changes["Name"]["after_text"]) == ("Quiet", "Quiet Ltd")
    street = changes["Street"]
    assert street["redacted"] is True
    assert (street["before"], street["after"], street["before_text"]) == (None, None, "")
    assert "Secret" not in str(rows)
    # while the owner reads it whole
    owner_rows = client_for(owner).get(f"/api/v1/companies/{quiet.pk}/history/").json()
    assert "Secret 2" in str(owner_rows)


def test_a_linked_record_the_viewer_may_not_see_shows_as_nothing(admin, make_user):
    owner, other = make_user("owner"), make_user("other")
    secret = records.create(
        admin, "companies", {"name": "Secret Co"}, owner=owner, visibility="hidden"
    )
    ann = records.create(owner, "persons", {"first_name": "Ann", "last_name": "Lee"})
    records.update(owner, "persons", ann.pk, {"company": secret.pk})
    rows = client_for(other).get(f"/api/v1/persons/{ann.pk}/history/").json()["results"]
    assert changes_by_label(rows[0])["Company"] == ("—", "—")
    assert f"#{secret.pk}" not in str(rows[0])
    rows = client_for(owner).get(f"/api/v1/persons/{ann.pk}/history/").json()["results"]
    assert changes_by_label(rows[0])["Company"] == ("—", "Secret Co")


def test_a_trashed_record_keeps_its_history_readable(admin):
    ann = records.create(admin, "persons", {"first_name": "Ann", "last_name": "Lee"})
    records.delete(admin, "persons", ann.pk)
    rows = client_for(admin).get(f"/api/v1/persons/{ann.pk}/history/").json()["results"]
    assert [r["operation"] for r in rows] == ["delete", "create"]


def test_the_change_log_filters_by_entity_user_operation_and_dates(admin, make_user):
    # given changes by two users on two entity types
    bob = make_user("bob", admin=True)
    ann = records.create(admin, "persons", {"first_name": "Ann", "last_name": "Lee"})
    acme = records.create(bob, "companies", {"name": "Acme"})
    records.delete(bob, "companies", acme.pk)
    RowHistory.objects.filter(record_id=ann.pk, title="Ann Lee").update(at="2026-01-10T10:00:00Z")
    client = client_for(admin)

    def ids(query):
        response = client.get(f"/api/v1/history/?{query}")
        assert response.status_code == 200, response.content
        return [(r["entity"], r["record_id"], r["operation"]) for r in response.json()["results"]]

    # then each filter narrows the log
    assert ids("entity=companies") == [
        ("companies", acme.pk, "delete"),
        ("companies", acme.pk, "create"),
    ]
    assert ids(f"user={bob.pk}&operation=delete") == [("companies", acme.pk, "delete")]
    assert ids("since=2026-01-10&until=2026-01-10") == [("persons", ann.pk, "create")]
    assert ids("until=2026-01-09") == []
    assert ids(f"entity=persons&record={ann.pk}") == [("persons", ann.pk, "create")]
    # and bad filters are clear 400s
    for query in ("entity=nope", "operation=explode", "since=yesterday", "user=abc", "colour=red"):
        response = client.get(f"/api/v1/history/?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"], query


def test_the_change_log_is_for_administrators(user):
    response = client_for(user).get("/api/v1/history/")
    assert response.status_code == 403
    assert client_for(user).get("/api/v1/history/?format=xlsx").status_code == 403


def test_the_change_log_pages_cost_one_query_for_the_rows(admin):
    for i in range(30):
        records.create(admin, "companies", {"name": f"C{i}"})
    client = client_for(admin)
    first = client.get("/api/v1/history/?page_size=10").json()
    second = client.get(first["next"]).json()
    assert len({r["id"] for r in first["results"] + second["results"]}) == 20
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/history/?page_size=2&entity=companies")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/history/?page_size=25&entity=companies")
    assert len(large) == len(small)
    history_reads = [q for q in large.captured_queries if "history_rowhistory" in q["sql"]]
    assert len(history_reads) == 1


def test_the_change_log_exports_to_excel_one_line_per_change(admin):
    ann = records.create(admin, "persons", {"first_name": "=cmd|' /C calc'!A0", "last_name": "Lee"})
    records.update(admin, "persons", ann.pk, {"last_name": "Long"})
    response = client_for(admin).get(f"/api/v1/history/?entity=persons&record={ann.pk}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.values)
    assert lines[0][:3] == ("When", "User", "Entity type")
    edit = [line for line in lines if line[5] == "Edited"]
    assert [(line[7], line[8], line[9]) for line in edit] == [("Last name", "Lee", "Long")]
    created = {line[7]: line[9] for line in lines if line[5] == "Added"}
    # a value that would run as a formula is written as text
    assert created["First name"] == "'=cmd|' /C calc'!A0"
    assert hasattr(lines[1][0], "year")  # dates stay dates
