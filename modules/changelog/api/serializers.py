"""What the history endpoints return (documentation for the OpenAPI schema)."""

from rest_framework import serializers


class HistoryChangeSerializer(serializers.Serializer):
    """One changed value: raw JSON before and after, and their readable text."""

    key = serializers.CharField(help_text="A field's id, or owner, visibility, role.<role>, …")
    label = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    before_text = serializers.CharField()
    after_text = serializers.CharField()
    redacted = serializers.BooleanField(help_text="Values of a field you may not read.")


class HistoryUserSerializer(serializers.Serializer):
    """Who made a change (no id: the system)."""

    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class HistoryRowSerializer(serializers.Serializer):
    """One write to one record."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    user = HistoryUserSerializer()
    entity = serializers.CharField(allow_null=True)
    record_id = serializers.IntegerField()
    record_title = serializers.CharField()
    operation = serializers.CharField()
    action = serializers.CharField()
    batch = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)
    restricted_fields = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "Keys of the changes whose value points at a record you may not see (out "
            "of your sight or in the trash): that value is null and its text empty. Sorted."
        ),
    )


class HistoryPageSerializer(serializers.Serializer):
    """A keyset page of history, newest first."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryRowSerializer(many=True)
