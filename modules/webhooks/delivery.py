"""Sending one delivery: its payload as the owner may see it, signed, with retries.

    attempt(delivery_id)      # claim it, build, sign, POST; record the outcome
    signature(secret, t, body) == "t=<unix time>,v1=<hex HMAC-SHA256 of f'{t}.' + body>"

The payload is built when it is sent, from the record as `GET /api/v1/{slug}/{id}/` shows
it to the subscription's owner then: a record out of their sight (or an owner no longer
active) sends nothing and the delivery reads "withheld". A failed attempt (no connection,
a timeout, an answer other than 2xx, a refused address) is retried after 30 s, 1, 2, 4 …
minutes, `WEBHOOK_MAX_ATTEMPTS` in all; a delivery that fails for good counts against its
subscription, which is switched off after `WEBHOOK_DISABLE_AFTER` such deliveries in a row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.metamodel.runtime import get_snapshot
from modules.records.api.serializers import record_serializer
from modules.records.exceptions import RecordNotFound
from modules.records.services import RecordService
from modules.webhooks.guard import AddressRefused, guarded_session
from modules.webhooks.models import Delivery, Event, Subscription

FIRST_RETRY_SECONDS = 30
#: How long a sender holds a delivery it claimed before another may take it.
LEASE = dt.timedelta(seconds=60)
USER_AGENT = "Tessera-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Tessera-Signature` header of `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    return dt.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


def payload(delivery: Delivery) -> dict[str, Any] | None:
    """The body as the owner may see it now; None when there is nothing they may see."""
    owner = delivery.subscription.owner
    if not owner.is_active:
        return None
    model = get_snapshot().model_by_id(delivery.entity_type_id)
    entity = model.entity
    body: dict[str, Any] = {
        "id": str(delivery.id),
        "event": delivery.event,
        "occurred_at": delivery.occurred_at.isoformat(),
        "entity_type": entity.slug,
    }
    if delivery.event == Event.IMPORTED:
        seen = model.objects.alive().visible_to(owner).filter(pk__in=delivery.record_ids)
        ids = sorted(seen.values_list("pk", flat=True))
        if not ids:
            return None
        return {**body, "batch": delivery.batch, "count": len(ids), "record_ids": ids}
    record_id = delivery.record_ids[0]
    if delivery.event == Event.DELETED:
        trashed = model.objects.trashed().visible_to(owner).filter(pk=record_id)
        return {**body, "record": {"id": record_id}} if trashed.exists() else None
    try:
        record = RecordService().get(owner, entity.slug, record_id)
    except RecordNotFound:
        return None
    data = record_serializer(get_snapshot(), entity.slug)(record, context={"viewer": owner}).data
    body["record"] = data
    if delivery.event == Event.UPDATED:
        body["changed"] = readable_changes(entity, delivery.changed, data)
    return body


def readable_changes(entity, keys: list[str], shown: dict) -> list[str]:
    """The API names of the changed values the owner reads in `shown`."""
    names = {str(spec.id): spec.api_name for spec in entity.fields}
    hidden = set(shown.get("restricted_fields") or ())
    named = (names.get(key, key) for key in keys)
    return sorted({n for n in named if n in shown and n not in hidden})


def claim(delivery_id) -> Delivery | None:
    """Take a pending, due delivery for this sender (None if another has it or it is done)."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    taken = Delivery.objects.filter(due, pk=delivery_id, status=Delivery.Status.PENDING).update(
        next_attempt_at=now + LEASE
    )
    if not taken:
        return None
    return Delivery.objects.select_related("subscription__owner").get(pk=delivery_id)


def attempt(delivery_id) -> str | None:
    """Send one delivery if it is due; its status afterwards (None: not this sender's)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    if not delivery.subscription.active:
        return _finish(delivery, Delivery.Status.FAILED, error=_("The webhook is switched off."))
    body = payload(delivery)
    if body is None:
        return _finish(delivery, Delivery.Status.WITHHELD)
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True, default=str).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Tessera-Event": delivery.event,
        "X-Tessera-Delivery": str(delivery.id),
        "X-Tessera-Signature": signature(delivery.subscription.secret, int(time.time()), raw),
    }
    code, error = None, ""
    try:
        with guarded_session() as session:
            response = session.post(
                delivery.subscription.url,
                data=raw,
                headers=headers,
                timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
                allow_redirects=False,
            )
        code = response.status_code
        if 200 <= code < 300:
            return _finish(delivery, Delivery.Status.DELIVERED, code=code)
        error = _("The receiver answered %(code)s.") % {"code": code}
    except AddressRefused as refused:
        error = str(refused)
    except requests.Timeout:
        error = _("The receiver did not answer in time.")
    except requests.RequestException:
        error = _("The receiver could not be reached.")
    return _failed(delivery, code, error)


def _failed(delivery: Delivery, code: int | None, error: str) -> str:
    attempts = delivery.attempts + 1
    if attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_status_code=code,
            last_error=error[:255],
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        return Delivery.Status.PENDING
    return _finish(delivery, Delivery.Status.FAILED, code=code, error=error)


def _finish(delivery: Delivery, status: str, *, code: int | None = None, error: str = "") -> str:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status,
            attempts=F("attempts") + (0 if status == Delivery.Status.WITHHELD else 1),
            last_status_code=code,
            last_error=error[:255],
            next_attempt_at=None,
            delivered_at=now if status == Delivery.Status.DELIVERED else None,
        )
        subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
        if status == Delivery.Status.DELIVERED and subscription.failures:
            subscription.failures = 0
            subscription.save(update_fields=["failures", "updated_at"])
        elif status == Delivery.Status.FAILED and subscription.active:
            subscription.failures += 1
            if subscription.failures >= settings.WEBHOOK_DISABLE_AFTER:
                subscription.active = False
                subscription.disabled_reason = _(
                    "Switched off after %(count)s deliveries in a row failed."
                ) % {"count": subscription.failures}
            subscription.save(update_fields=["failures", "active", "disabled_reason", "updated_at"])
    return status


def due_ids(limit: int = 500) -> list:
    """Pending deliveries whose next attempt is due (the beat task sends them)."""
    now = timezone.now()
    retry = Q(next_attempt_at__lte=now)
    # never handed to a worker (the broker was away when the change committed)
    unsent = Q(next_attempt_at__isnull=True, created_at__lte=now - LEASE)
    due = Delivery.objects.filter(retry | unsent, status=Delivery.Status.PENDING)
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
