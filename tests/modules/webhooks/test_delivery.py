import datetime as dt
import hashlib
import hmac

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.metamodel.models import EntityType
from modules.records.services import RecordService
from modules.webhooks import delivery
from modules.webhooks.models import Delivery, Subscription
from modules.webhooks.services import WebhookService
from modules.webhooks.tasks import send_due_deliveries

pytestmark = pytest.mark.django_db


def subscribe(admin, receiver, events=("record.created",), types=("companies",)):
    return WebhookService().create(
        admin,
        {"name": "ERP", "url": receiver.url, "events": list(events), "entity_types": list(types)},
    )


def verify(secret: str, request: dict) -> bool:
    """What a receiver does with the signature header."""
    parts = dict(p.split("=", 1) for p in request["headers"]["X-Tessera-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + request["raw"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_new_record_is_posted_signed_after_commit(
    admin, admin_client, receiver, django_capture_on_commit_callbacks
):
    hook = subscribe(admin, receiver)
    # when a company is added; nothing leaves before the commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        company = RecordService().create(admin, "companies", {"name": "Acme"})
    assert receiver.requests == []
    for callback in callbacks:
        callback()
    # then one signed POST carries the record as GET shows it to the owner
    [request] = receiver.requests
    assert request["path"] == "/hook"
    assert request["headers"]["X-Tessera-Event"] == "record.created"
    assert verify(hook.secret, request)
    assert not verify("whsec_another", request)
    body = receiver.bodies()[0]
    assert body["event"] == "record.created"
    assert body["entity_type"] == "companies"
    assert body["record"] == admin_client.get(f"/api/v1/companies/{company.pk}/").json()
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_change_that_rolls_back_sends_and_keeps_nothing(admin, receiver):
    subscribe(admin, receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        RecordService().create(admin, "companies", {"name": "Never"})
        raise RuntimeError
    assert Delivery.objects.count() == 0
    assert receiver.requests == []


def test_an_update_names_what_changed_and_other_types_are_not_heard(
    admin, receiver, django_capture_on_commit_callbacks
):
    subscribe(admin, receiver, events=("record.updated",))
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    with django_capture_on_commit_callbacks(execute=True):
        RecordService().update(admin, "companies", company.pk, {"city": "Gdańsk"})
        RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "Nowak"})
    [body] = receiver.bodies()
    assert body["event"] == "record.updated"
    assert body["changed"] == ["city"]
    assert body["record"]["city"] == "Gdańsk"


def test_a_record_out_of_the_owners_sight_is_not_sent(
    admin, make_user, receiver, django_capture_on_commit_callbacks
):
    subscribe(admin, receiver)
    bob = make_user("bob")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        RecordService().create(
            admin, "companies", {"name": "Secret"}, owner=bob, visibility="hidden"
        )
    # when the owner is no longer an administrator by the time it is sent
    admin.is_superuser = admin.is_staff = False
    admin.save()
    for callback in callbacks:
        callback()
    # then nothing leaves, and the log says why
    assert receiver.requests == []
    assert Delivery.objects.get().status == Delivery.Status.WITHHELD


def test_failures_are_retried_with_growing_waits_then_the_webhook_switches_off(
    admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_DISABLE_AFTER = 1
    hook = subscribe(admin, receiver)
    receiver.answers = [500, 503, 500]
    with django_capture_on_commit_callbacks(execute=True):
        RecordService().create(admin, "companies", {"name": "Acme"})
    sent = Delivery.objects.get()
    waits = []
    for _ in range(2):
        assert sent.status == Delivery.Status.PENDING
        waits.append(sent.next_attempt_at - timezone.now())
        Delivery.objects.filter(pk=sent.pk).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert send_due_deliveries() == 1
        sent.refresh_from_db()
    # then three attempts were made, 30 s then 60 s apart, and the last failure switched it off
    assert len(receiver.requests) == 3
    assert dt.timedelta(seconds=25) < waits[0] <= dt.timedelta(seconds=30)
    assert dt.timedelta(seconds=55) < waits[1] <= dt.timedelta(seconds=60)
    assert (sent.status, sent.attempts, sent.last_status_code) == ("failed", 3, 500)
    hook.refresh_from_db()
    assert not hook.active and hook.failures == 1 and hook.disabled_reason


def test_a_receiver_that_hangs_is_given_up_on(
    admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_READ_TIMEOUT = 0.5
    subscribe(admin, receiver)
    receiver.delay = 2
    with django_capture_on_commit_callbacks(execute=True):
        RecordService().create(admin, "companies", {"name": "Acme"})
    sent = Delivery.objects.get()
    assert sent.status == Delivery.Status.PENDING
    assert sent.attempts == 1
    assert sent.last_error == "The receiver did not answer in time."


def test_an_address_allowed_when_saved_is_checked_again_when_sending(
    admin, receiver, settings, django_capture_on_commit_callbacks
):
    # given a webhook saved while 127.0.0.1 was allowed, then the allowance withdrawn (as
    # a name that resolves elsewhere by then would be)
    subscribe(admin, receiver)
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        RecordService().create(admin, "companies", {"name": "Acme"})
    # then the connection is refused before anything is sent
    assert receiver.requests == []
    sent = Delivery.objects.get()
    assert sent.status == Delivery.Status.PENDING
    assert "not a public address" in sent.last_error


def test_one_sender_only_takes_a_delivery(admin, receiver):
    hook = subscribe(admin, receiver)
    row = Delivery.objects.create(
        subscription=hook,
        event="record.created",
        entity_type=EntityType.objects.get(slug="companies"),
        record_ids=[1],
        occurred_at=timezone.now(),
    )
    assert delivery.claim(row.pk) is not None
    assert delivery.claim(row.pk) is None


def test_without_a_subscription_a_write_costs_one_query(admin):
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    Subscription.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        RecordService().update(admin, "companies", company.pk, {"city": "Łódź"})
    webhook_queries = [q for q in captured.captured_queries if "webhooks_" in q["sql"]]
    assert len(webhook_queries) == 1
