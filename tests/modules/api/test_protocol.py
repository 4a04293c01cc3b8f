"""ETag and If-Match on records, Idempotency-Key on POST, per-token rate limits, bulk create."""

import threading
import time

import pytest
import requests
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from modules.api import idempotency
from modules.history.models import RowHistory
from modules.metamodel.runtime import get_model
from tests.support.tokens import secret_for

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons/"


def token_client(user, scopes=None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret_for(user, scopes)}")
    return client


def person(client, **values) -> dict:
    response = client.post(
        PERSONS, {"first_name": "Ann", "last_name": "Lee", **values}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


# -- ETag and If-Match -------------------------------------------------------------------------
def test_a_record_carries_an_etag_that_a_write_must_match(admin_client):
    # given a record read once
    created = person(admin_client)
    url = f"{PERSONS}{created['id']}/"
    read = admin_client.get(url)
    tag = read["ETag"]
    # when it is changed with that tag, then again with the same (now stale) tag
    fresh = admin_client.patch(url, {"position": "CTO"}, format="json", HTTP_IF_MATCH=tag)
    stale = admin_client.patch(url, {"position": "CEO"}, format="json", HTTP_IF_MATCH=tag)
    stale_delete = admin_client.delete(url, HTTP_IF_MATCH=tag)
    # then
    assert tag == f'"{created["id"]}.{created["version"]}"'
    assert fresh.status_code == 200 and fresh["ETag"] != tag
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert stale.json()["etag"] == fresh["ETag"]
    assert stale_delete.status_code == 412
    assert admin_client.get(url).json()["position"] == "CTO"
    # and a matching tag, or `*`, lets the write through
    assert admin_client.delete(url, HTTP_IF_MATCH=fresh["ETag"]).status_code == 204


def test_if_match_any_and_a_hidden_record_reads_as_missing(admin_client, user_client):
    # given
    created = person(admin_client, visibility="hidden")
    url = f"{PERSONS}{created['id']}/"
    # when
    anything = admin_client.patch(url, {"position": "x"}, format="json", HTTP_IF_MATCH="*")
    hidden = user_client.patch(url, {"position": "y"}, format="json", HTTP_IF_MATCH="*")
    # then the caller who may not see it learns nothing from If-Match
    assert anything.status_code == 200
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"


# -- Idempotency-Key ---------------------------------------------------------------------------
def test_a_post_sent_twice_with_one_key_writes_once_and_answers_the_same(admin):
    # given
    client = token_client(admin)
    body = {"first_name": "Ola", "last_name": "Once"}
    # when
    first = client.post(PERSONS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(PERSONS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other_body = client.post(
        PERSONS, {**body, "first_name": "Ela"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    other_path = client.post(
        "/api/v1/companies/", {"name": "Once Ltd"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    # then
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == first["ETag"]
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_reused"
    assert other_path.status_code == 422
    assert get_model("persons").objects.filter(last_name="Once").count() == 1
    assert not get_model("companies").objects.filter(name="Once Ltd").exists()


def test_keys_belong_to_their_credential_and_a_refusal_is_not_kept(admin):
    # given two tokens of one user
    one, two = token_client(admin), token_client(admin)
    # when each sends the same key, and a refused body is corrected under one key
    one.post(
        PERSONS, {"first_name": "A", "last_name": "One"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    two.post(
        PERSONS, {"first_name": "A", "last_name": "Two"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    refused = one.post(PERSONS, {"first_name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="fix")
    fixed = one.post(
        PERSONS, {"first_name": "B", "last_name": "C"}, format="json", HTTP_IDEMPOTENCY_KEY="fix"
    )
    too_long = one.post(PERSONS, {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    # then
    names = set(get_model("persons").objects.values_list("last_name", flat=True))
    assert {"One", "Two", "C"} <= names
    assert refused.status_code == 400 and fixed.status_code == 201
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()["errors"]


# -- rate limits -------------------------------------------------------------------------------
@override_settings(API_TOKEN_RATE_LIMIT=3)
def test_each_token_has_its_own_rate_limit_with_headers(admin, monkeypatch):
    # given a clock that stays within one minute
    monkeypatch.setattr("modules.api.throttling.time.time", lambda: 1_800_000_010.0)
    limited, other = token_client(admin), token_client(admin)
    # when
    answers = [limited.get(PERSONS) for _ in range(4)]
    untouched = other.get(PERSONS)
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a["X-RateLimit-Limit"] == "3" for a in answers)
    assert answers[0]["X-RateLimit-Reset"] == "1800000060"
    assert answers[3]["Retry-After"] == "50" and answers[3].json()["code"] == "throttled"
    assert untouched.status_code == 200 and untouched["X-RateLimit-Remaining"] == "2"


def test_session_requests_carry_no_rate_limit(admin_client):
    # when / then
    assert "X-RateLimit-Limit" not in admin_client.get(PERSONS)


# -- bulk create -------------------------------------------------------------------------------
def test_a_thousand_records_are_created_at_once(admin_client):
    # given
    records = [{"first_name": "Bulk", "last_name": f"N{i:04}"} for i in range(1000)]
    # when
    response = admin_client.post(
        f"{PERSONS}bulk/", {"action": "create", "records": records}, format="json"
    )
    # then
    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert body["count"] == 1000 and len(set(body["ids"])) == 1000
    model = get_model("persons")
    created = dict(model.objects.filter(pk__in=body["ids"]).values_list("pk", "last_name"))
    assert [created[pk] for pk in body["ids"]] == [r["last_name"] for r in records]
    assert RowHistory.objects.filter(record_id__in=body["ids"], operation="create").count() == 1000


@pytest.mark.parametrize(
    ("records", "error_key"),
    [
        (
            [{"first_name": "A", "last_name": "B"}] * 3 + [{"first_name": "A"}],
            "records.3.last_name",
        ),
        ([{"first_name": "A", "last_name": "B", "email": "not-mail"}], "records.0.email"),
        ([{"first_name": "A", "last_name": "B", "nope": 1}], "records.0.nope"),
        ([{"first_name": "A", "last_name": "B"}] * 1001, "records"),
        ([], "records"),
        ("everyone", "records"),
    ],
)
def test_one_bad_record_writes_none(admin_client, records, error_key):
    # given
    model = get_model("persons")
    before = model.objects.count()
    # when
    response = admin_client.post(
        f"{PERSONS}bulk/", {"action": "create", "records": records}, format="json"
    )
    # then
    assert response.status_code == 400, response.content[:300]
    assert error_key in response.json()["errors"]
    assert model.objects.count() == before


def test_a_unique_value_twice_in_one_call_is_refused(admin_client):
    # when
    response = admin_client.post(
        "/api/v1/companies/bulk/",
        {"action": "create", "records": [{"name": "Acme"}, {"name": "ACME"}]},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "records.1.name" in response.json()["errors"]
    assert not get_model("companies").objects.filter(name__iexact="acme").exists()


# -- the document ------------------------------------------------------------------------------
def test_the_document_names_the_protocol_headers(admin_client):
    # when
    paths = admin_client.get("/api/v1/schema/").json()["paths"]
    # then
    create = paths[PERSONS]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert {"409", "422"} <= set(create["responses"])
    assert "X-RateLimit-Remaining" in create["responses"]["201"]["headers"]
    detail = paths["/api/v1/persons/{id}/"]
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    assert "If-Match" in {p["name"] for p in detail["patch"]["parameters"]}
    assert "412" in detail["delete"]["responses"]
    assert "Retry-After" in detail["get"]["responses"]["429"]["headers"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="holds a PostgreSQL table lock")
def test_a_key_replayed_while_its_first_request_runs_is_a_409(live_schema, live_server, admin):
    # given the persons table locked, so a create waits inside the server
    url = f"{live_server.url}{PERSONS}"
    headers = {"Authorization": f"Token {secret_for(admin)}", "Idempotency-Key": "slow-1"}
    body = {"first_name": "Ada", "last_name": "Waits"}
    table = get_model("persons")._meta.db_table
    answers = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        first = threading.Thread(
            target=lambda: answers.update(first=requests.post(url, json=body, headers=headers))
        )
        first.start()
        # when the same request is sent again once the first one holds the key
        slot = idempotency._slot(f"header:{headers['Authorization']}", "slow-1")
        deadline = time.monotonic() + 20
        while cache.get(slot) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        again = requests.post(url, json=body, headers=headers, timeout=20)
    first.join(timeout=30)
    replay = requests.post(url, json=body, headers=headers, timeout=20)
    # then the second is told it is in flight, the first writes, and a later one replays it
    assert again.status_code == 409 and again.json()["code"] == "idempotency_key_in_flight"
    assert answers["first"].status_code == 201
    assert replay.status_code == 201 and replay.json() == answers["first"].json()
    assert get_model("persons").objects.filter(last_name="Waits").count() == 1
