"""Webhook subscriptions and their deliveries.

    Subscription: who (its owner), where (url, secret), what (events, entity types)
    Delivery:     one event for one subscription: its payload's keys, every attempt's outcome

A delivery row is written in the transaction of the change it reports, so a change that
rolls back sends nothing and a committed one is never lost; the sending happens after
commit (`tasks.py`). Rows are written only by `WebhookService` and `delivery.py`.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.metamodel.models import EntityType


def new_secret() -> str:
    """A signing secret: 256 random bits, URL-safe."""
    return "whsec_" + secrets.token_urlsafe(32)


class Event(models.TextChoices):
    """What a subscription may ask to hear of."""

    CREATED = "record.created", pgettext_lazy("webhook event", "Record added")
    UPDATED = "record.updated", pgettext_lazy("webhook event", "Record edited")
    DELETED = "record.deleted", pgettext_lazy("webhook event", "Record moved to the trash")
    RESTORED = "record.restored", pgettext_lazy("webhook event", "Record restored")
    IMPORTED = "record.imported", pgettext_lazy("webhook event", "Records imported")
    ANONYMISED = "record.anonymised", pgettext_lazy("webhook event", "Record anonymised")
    MERGED = "record.merged", pgettext_lazy("webhook event", "Records merged")


class Subscription(models.Model):
    """Where to send which events; deliveries carry only what the owner may see."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=2000)
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret)
    #: Ids of the entity types it hears of; none: every type. A list rather than a
    #: many-to-many table, so a write learns who listens in one query.
    entity_type_ids = models.JSONField(_("entity types"), default=list)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    #: Deliveries that failed for good in a row; reset by a success.
    failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def hears(self, event: str, entity_id: int) -> bool:
        """Does it ask for `event` on entity type `entity_id`?"""
        return event in self.events and (
            not self.entity_type_ids or entity_id in self.entity_type_ids
        )

    def entity_slugs(self) -> list[str]:
        """The slugs of its entity types that still exist, sorted."""
        rows = EntityType.objects.filter(pk__in=self.entity_type_ids)
        return sorted(rows.values_list("slug", flat=True))


class Delivery(models.Model):
    """One event sent (or to be sent) to one subscription."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "Waiting")
        DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")
        WITHHELD = (
            "withheld",
            pgettext_lazy("webhook delivery", "Not sent: out of the owner's sight"),
        )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    entity_type = models.ForeignKey(
        "metamodel.EntityType", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    #: The records it is about (one; an import's batch: every record it wrote).
    record_ids = models.JSONField(default=list)
    batch = models.CharField(max_length=64, blank=True, default="")
    #: The fields' ids the change touched (record.updated).
    changed = models.JSONField(default=list)
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhooks_delivery_log"),
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"
