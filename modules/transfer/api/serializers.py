"""The bodies of the import endpoints, as the OpenAPI document names them.

    @extend_schema(request=DryRunSerializer, responses={200: BatchSerializer})

The views answer `ImportBatch.as_dict()`; these serializers document that shape, and
`DryRunSerializer` also checks the body of a dry run key by key.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.api.serializers import StrictBooleanField, StrictCharField, StrictSerializer
from modules.transfer.models import Mode, Status


class ProgressSerializer(serializers.Serializer):
    """Rows done of the rows in the file."""

    done = serializers.IntegerField()
    total = serializers.IntegerField()


class TotalsSerializer(serializers.Serializer):
    """What the dry run found, or the run did; empty before a dry run."""

    new = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    unchanged = serializers.IntegerField(required=False)
    skipped = serializers.IntegerField(required=False)
    invalid = serializers.IntegerField(required=False)


class RowErrorSerializer(serializers.Serializer):
    """One refused value of one row (the file's row number, header is row 1)."""

    row = serializers.IntegerField()
    column = serializers.CharField(allow_null=True, help_text=_("The file's column heading."))
    message = serializers.CharField()


class UndoReportSerializer(serializers.Serializer):
    """What an undo did; empty before one."""

    deleted = serializers.IntegerField(required=False)
    restored = serializers.IntegerField(required=False)
    kept = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("Records changed since the import, left as they are."),
    )


class BatchSerializer(serializers.Serializer):
    """An import: its file, settings, status, progress, totals and row errors."""

    id = serializers.IntegerField()
    entity = serializers.CharField(allow_null=True)
    file_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    mode = serializers.ChoiceField(choices=Mode.choices)
    match_on = serializers.ListField(child=serializers.CharField(), allow_null=True)
    skip_invalid = serializers.BooleanField()
    mapping = serializers.DictField(child=serializers.CharField(allow_null=True))
    progress = ProgressSerializer()
    totals = TotalsSerializer()
    errors = RowErrorSerializer(many=True)
    error = serializers.CharField(allow_blank=True, help_text=_("Why a failed import failed."))
    undo = UndoReportSerializer()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class UploadSerializer(serializers.Serializer):
    """An uploaded file: its columns and the mapping suggested from their headings."""

    id = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    suggested_mapping = serializers.DictField(child=serializers.CharField(allow_null=True))
    total = serializers.IntegerField(help_text=_("Rows in the file, without the header."))


class UploadFileSerializer(serializers.Serializer):
    """A multipart body with the file as `file`."""

    file = serializers.FileField()


class DryRunSerializer(StrictSerializer):
    """`POST /imports/{id}/dry-run/`: how to read the file's columns."""

    mapping = serializers.DictField(
        child=StrictCharField(allow_null=True),
        required=False,
        help_text=_("Column heading → field api name (null: the column is skipped)."),
    )
    mode = serializers.ChoiceField(choices=Mode.choices, required=False, default=Mode.CREATE)
    match_on = serializers.ListField(child=StrictCharField(), required=False, allow_null=True)
    skip_invalid = StrictBooleanField(required=False, default=False)
