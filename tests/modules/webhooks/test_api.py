import threading

import pytest
from django.db import connection, transaction

from modules.history import recorder
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.webhooks.models import Delivery

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"


def body(url, **extra):
    return {"name": "ERP", "url": url, "events": ["record.created"], **extra}


def test_a_webhook_is_added_with_its_secret_shown_once(admin_client, receiver):
    created = admin_client.post(HOOKS, body(receiver.url, entity_types=["deals"]), format="json")
    assert created.status_code == 201, created.json()
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and hook["entity_types"] == ["deals"]
    shown = admin_client.get(f"{HOOKS}{hook['id']}/").json()
    assert "secret" not in shown
    listed = admin_client.get(HOOKS).json()
    assert [h["id"] for h in listed["results"]] == [hook["id"]] and "next" in listed
    rotated = admin_client.post(f"{HOOKS}{hook['id']}/rotate-secret/").json()
    assert rotated["secret"] != hook["secret"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "url": "https://example.com/", "events": ["record.created"]}, "name"),
        ({"name": "A", "url": "ftp://example.com/", "events": ["record.created"]}, "url"),
        ({"name": "A", "url": "http://127.0.0.1:9/", "events": ["record.created"]}, "url"),
        ({"name": "A", "url": "http://localhost/", "events": ["record.created"]}, "url"),
        ({"name": "A", "url": "http://[::ffff:10.0.0.1]/", "events": ["record.created"]}, "url"),
        ({"name": "A", "url": "http://169.254.169.254/", "events": ["record.created"]}, "url"),
        ({"name": "A", "url": "https://example.com/", "events": ["record.exploded"]}, "events"),
        ({"name": "A", "url": "https://example.com/", "events": []}, "events"),
        (
            {
                "name": "A",
                "url": "http://1.1.1.1/",
                "events": ["record.created"],
                "entity_types": ["nope"],
            },
            "entity_types",
        ),
        ({"name": "A", "url": "http://1.1.1.1/", "events": ["record.created"], "x": 1}, "x"),
    ],
)
def test_bad_webhooks_are_refused_by_field_and_nothing_is_saved(admin_client, payload, field):
    response = admin_client.post(HOOKS, payload, format="json")
    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["errors"])
    assert admin_client.get(HOOKS).json()["results"] == []


def test_only_administrators_manage_webhooks_and_read_the_feed(user_client):
    assert user_client.get(HOOKS).status_code == 403
    assert user_client.post(HOOKS, body("https://example.com/"), format="json").status_code == 403
    assert user_client.get("/api/v1/events/").status_code == 403


def test_a_delivery_is_sent_again_on_request(
    admin, admin_client, receiver, django_capture_on_commit_callbacks
):
    hook = admin_client.post(HOOKS, body(receiver.url), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        RecordService().create(admin, "companies", {"name": "Acme"})
    [sent] = admin_client.get(f"{HOOKS}{hook['id']}/deliveries/").json()["results"]
    assert sent["status"] == "delivered" and sent["attempts"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = admin_client.post(f"{HOOKS}{hook['id']}/deliveries/{sent['id']}/redeliver/")
    assert again.status_code == 202
    assert [r["headers"]["X-Tessera-Delivery"] for r in receiver.requests] == [sent["id"]] * 2
    missing = admin_client.post(f"{HOOKS}{hook['id']}/deliveries/not-a-uuid/redeliver/")
    assert missing.status_code == 404


def test_the_feed_lists_events_in_order_and_goes_on_from_its_cursor(
    live_schema, admin, admin_client
):
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    RecordService().update(admin, "companies", company.pk, {"city": "Kraków"})
    RecordService().delete(admin, "companies", company.pk)
    first = admin_client.get("/api/v1/events/?entity=companies").json()
    events = [(e["event"], e["record_id"]) for e in first["results"]]
    assert events[-3:] == [
        ("record.created", company.pk),
        ("record.updated", company.pk),
        ("record.deleted", company.pk),
    ]
    assert first["results"][-2]["changed"] == [next(k for k in first["results"][-2]["changed"])]
    after = admin_client.get(f"/api/v1/events/?after={first['next_cursor']}").json()
    assert after == {"results": [], "next_cursor": first["next_cursor"], "more": False}
    assert admin_client.get("/api/v1/events/?after=x.y").status_code == 400
    assert admin_client.get("/api/v1/events/?limit=0").status_code == 400


@pytest.mark.skipif(connection.vendor != "postgresql", reason="transactions of two connections")
def test_the_feed_never_passes_a_write_that_has_not_committed(live_schema, admin, admin_client):
    RecordService().create(admin, "companies", {"name": "Before"})
    start = admin_client.get("/api/v1/events/").json()["next_cursor"]
    # given a slow write that took its history id first and has not committed
    inserted, release = threading.Event(), threading.Event()

    def slow():
        with transaction.atomic():
            RecordService().create(admin, "companies", {"name": "Slow"})
            inserted.set()
            release.wait(30)
        connection.close()

    thread = threading.Thread(target=slow)
    thread.start()
    assert inserted.wait(30)
    fast = RecordService().create(admin, "companies", {"name": "Fast"})
    # when a poller reads meanwhile, it is not shown the later, committed write either
    during = admin_client.get(f"/api/v1/events/?after={start}").json()
    assert during["results"] == []
    release.set()
    thread.join(30)
    # then after the commit it gets both, the slow one first
    after = admin_client.get(f"/api/v1/events/?after={during['next_cursor']}").json()
    titles = [e["record_id"] for e in after["results"]]
    assert len(titles) == 2 and titles[1] == fast.pk
    assert Delivery.objects.count() == 0


def test_the_feed_reads_past_writes_it_does_not_announce(live_schema, admin, admin_client):
    # given two announced writes around three a poller must not be shown (a recompute's)
    first = RecordService().create(admin, "companies", {"name": "First"})
    entity = get_snapshot().entity("companies")
    for record_id in (first.pk, first.pk, first.pk):
        recorder.log(admin, entity, "update", record_id, {"score": ["1", "2"]}, action="recompute")
    last = RecordService().create(admin, "companies", {"name": "Last"})
    start = admin_client.get("/api/v1/events/?entity=companies&limit=1").json()
    # when it reads two rows at a time
    seen, cursor, pages = [], start["next_cursor"], 0
    while True:
        page = admin_client.get(f"/api/v1/events/?entity=companies&limit=2&after={cursor}").json()
        seen += [e["record_id"] for e in page["results"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not page["more"]:
            break
    # then it moved over the silent rows, and got only the announced ones
    assert [e["record_id"] for e in start["results"]] == [first.pk]
    assert seen == [last.pk]
    assert pages == 3  # two silent rows; one silent and Last; nothing more
