"""Webhook bodies: what a request may send, and what the API answers."""

from rest_framework import serializers

from modules.api.serializers import StrictBooleanField, StrictCharField, StrictSerializer
from modules.webhooks.models import Delivery, Event


class WebhookWriteSerializer(StrictSerializer):
    """`POST` (all but `entity_types` and `active` required) and `PATCH /webhooks/{id}/`."""

    name = StrictCharField(max_length=120)
    url = StrictCharField(max_length=2000, help_text="http:// or https://, a public address.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.values), allow_empty=False
    )
    entity_types = serializers.ListField(
        child=StrictCharField(), required=False, help_text="Entity type slugs; none: every type."
    )
    active = StrictBooleanField(required=False)


class WebhookSerializer(serializers.Serializer):
    """A webhook as the API shows it; `secret` only in the answer to a create or a rotation."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.values))
    entity_types = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField()
    failures = serializers.IntegerField(help_text="Deliveries that failed for good in a row.")
    disabled_reason = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id")
    created_at = serializers.DateTimeField()
    secret = serializers.CharField(
        required=False, help_text="The signing secret: shown on create and on rotation only."
    )

    def to_representation(self, instance):
        data = super().to_representation(
            {
                **{f: getattr(instance, f) for f in ("id", "name", "url", "events", "active")},
                "failures": instance.failures,
                "disabled_reason": instance.disabled_reason,
                "owner_id": instance.owner_id,
                "created_at": instance.created_at,
                "entity_types": instance.entity_slugs(),
            }
        )
        if self.context.get("with_secret"):
            data["secret"] = instance.secret
        else:
            data.pop("secret", None)
        return data


class DeliverySerializer(serializers.Serializer):
    """One delivery and the outcome of its last attempt."""

    id = serializers.UUIDField()
    event = serializers.ChoiceField(choices=Event.values)
    entity_type = serializers.CharField(source="entity_type.slug")
    record_ids = serializers.ListField(child=serializers.IntegerField())
    occurred_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Delivery.Status.values)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)


class EventSerializer(serializers.Serializer):
    """One event of the feed."""

    cursor = serializers.CharField(help_text="Ask `?after=` this to read on from here.")
    event = serializers.ChoiceField(choices=Event.values)
    entity_type = serializers.CharField()
    record_id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    user_id = serializers.IntegerField(allow_null=True)
    batch = serializers.CharField()
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the changed values (record.updated)."
    )


class EventPageSerializer(serializers.Serializer):
    """A page of the feed and the cursor to ask with next."""

    results = EventSerializer(many=True)
    next_cursor = serializers.CharField(help_text="The same cursor when nothing is new.")
    more = serializers.BooleanField(
        help_text="More rows may follow: ask again at once (a page can hold fewer events "
        "than the limit, as rows of writes that are not announced are read past)."
    )
