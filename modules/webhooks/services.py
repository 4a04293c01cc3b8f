"""WebhookService: the one writer of subscriptions (deliveries: `dispatch` and `delivery`).

    service = WebhookService()
    hook = service.create(admin, {"name": "ERP", "url": "https://erp.example.com/in",
                                  "events": ["record.created"], "entity_types": ["deals"]})
    service.update(admin, hook.pk, {"active": True})      # back on: failures forgotten
    service.rotate_secret(admin, hook.pk)                 # a new signing secret
    service.redeliver(admin, hook.pk, delivery_id)        # send it again, now

Administrators manage webhooks; every refusal is a WebhookInvalid naming its fields, and
nothing is saved. The secret is the only copy there is: it signs every delivery.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel.models import EntityType
from modules.webhooks.exceptions import DeliveryNotFound, WebhookInvalid, WebhookNotFound
from modules.webhooks.guard import AddressRefused, check_url
from modules.webhooks.models import Delivery, Event, Subscription, new_secret
from modules.webhooks.tasks import send_soon

FIELDS = ("name", "url", "events", "entity_types", "active")
NAME_LENGTH = 120
URL_LENGTH = 2000


class WebhookService:
    """Subscriptions, as administrators change them."""

    def all(self, user):
        require_administrator(user, _("Only administrators may manage webhooks."))
        return Subscription.objects.select_related("owner")

    def get(self, user, pk) -> Subscription:
        try:
            return self.all(user).get(pk=pk)
        except (Subscription.DoesNotExist, ValueError, TypeError):
            raise WebhookNotFound(_("There is no such webhook.")) from None

    @transaction.atomic
    def create(self, user, data: dict[str, Any]) -> Subscription:
        require_administrator(user, _("Only administrators may manage webhooks."))
        clean = self._clean(data, partial=False)
        return Subscription.objects.create(owner=user, **clean)

    @transaction.atomic
    def update(self, user, pk, data: dict[str, Any]) -> Subscription:
        hook = self.get(user, pk)
        clean = self._clean(data, partial=True)
        for name, value in clean.items():
            setattr(hook, name, value)
        if clean.get("active") is True:
            hook.failures, hook.disabled_reason = 0, ""
        hook.save()
        return hook

    @transaction.atomic
    def delete(self, user, pk) -> None:
        self.get(user, pk).delete()

    @transaction.atomic
    def rotate_secret(self, user, pk) -> Subscription:
        hook = self.get(user, pk)
        hook.secret = new_secret()
        hook.save(update_fields=["secret", "updated_at"])
        return hook

    def deliveries(self, user, pk):
        """A webhook's deliveries, newest first."""
        return self.get(user, pk).deliveries.order_by("-created_at", "-pk")

    @transaction.atomic
    def redeliver(self, user, pk, delivery_id) -> Delivery:
        """Send a delivery again now, whatever became of it (its attempts start over)."""
        rows = self.deliveries(user, pk)
        try:
            delivery = rows.get(pk=delivery_id)
        except (Delivery.DoesNotExist, ValidationError, ValueError, TypeError):
            raise DeliveryNotFound(_("There is no such delivery.")) from None
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=None, last_error=""
        )
        transaction.on_commit(lambda: send_soon([str(delivery.pk)]))
        delivery.refresh_from_db()
        return delivery

    # -- validation ----------------------------------------------------------------
    def _clean(self, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        clean: dict[str, Any] = {}
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            errors["non_field_errors"] = [
                _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}
            ]
        for name in FIELDS:
            if name not in data:
                if not partial and name in ("name", "url", "events"):
                    errors[name] = [_("This field is required.")]
                continue
            try:
                value = getattr(self, f"_clean_{name}")(data[name])
                clean["entity_type_ids" if name == "entity_types" else name] = value
            except WebhookInvalid as error:
                errors[name] = [error.detail]
        if errors:
            raise WebhookInvalid(_("The webhook cannot be saved."), errors=errors)
        return clean

    def _clean_name(self, value) -> str:
        if not isinstance(value, str) or not value.strip():
            raise WebhookInvalid(_("Give the webhook a name."))
        if len(value.strip()) > NAME_LENGTH:
            raise WebhookInvalid(_("At most %(count)s characters.") % {"count": NAME_LENGTH})
        return value.strip()

    def _clean_url(self, value) -> str:
        if not isinstance(value, str) or len(value) > URL_LENGTH:
            raise WebhookInvalid(
                _("Enter an http:// or https:// address of at most 2000 characters.")
            )
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WebhookInvalid(_("Enter an http:// or https:// address."))
        try:
            check_url(value.strip())
        except AddressRefused as refused:
            raise WebhookInvalid(str(refused)) from None
        return value.strip()

    def _clean_events(self, value) -> list[str]:
        if not isinstance(value, list) or not value:
            raise WebhookInvalid(_("Choose at least one event."))
        wrong = [v for v in value if v not in Event.values]
        if wrong:
            raise WebhookInvalid(
                _("Unknown events: %(names)s.") % {"names": ", ".join(map(str, wrong))}
            )
        return sorted(set(value))

    def _clean_entity_types(self, value) -> list[int]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise WebhookInvalid(_("A list of entity type names (slugs)."))
        found = {t.slug: t for t in EntityType.objects.filter(slug__in=value)}
        missing = sorted(set(value) - set(found))
        if missing:
            raise WebhookInvalid(
                _("There is no entity type %(names)s.") % {"names": ", ".join(missing)}
            )
        return sorted(t.pk for t in found.values())

    def _clean_active(self, value) -> bool:
        if not isinstance(value, bool):
            raise WebhookInvalid(_("true or false."))
        return value
