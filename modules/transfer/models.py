"""ImportBatch: one uploaded file and everything done with it; ImportedRow: what undo needs.

    batch = ImportBatch.objects.get(pk=7)
    batch.status, batch.done, batch.total, batch.totals   # "running", 4000, 20000, {...}
    batch.rows.filter(created=False)                       # updated records, before-values

The file is kept in Django's default storage (under MEDIA_ROOT) until the batch is
finished; its rows are read again for the dry run and the run, never held in the row.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    """What an imported row does."""

    CREATE = "create", _("Create new records")
    UPDATE = "update", _("Update existing records")
    UPSERT = "upsert", _("Update existing, create the rest")


class Status(models.TextChoices):
    """Where an import is."""

    UPLOADED = "uploaded", _("Uploaded")
    CHECKED = "checked", _("Checked")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ImportBatch(models.Model):
    """One import of one file into one entity type, from upload to undo."""

    entity_type = models.ForeignKey(
        "metamodel.EntityType", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8)
    #: How the file was read (csv: encoding and delimiter), so every pass reads it alike.
    reading = models.JSONField(default=dict)
    columns = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.CREATE)
    match_on = models.JSONField(default=list)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    #: {"new", "updated", "unchanged", "skipped", "invalid"}
    totals = models.JSONField(default=dict)
    #: [{"row", "column", "message"}], the first ERROR_LIMIT of them.
    errors = models.JSONField(default=list)
    error = models.TextField(blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Moved by the worker while it runs; a running batch whose heartbeat is older than
    #: IMPORT_LEASE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    #: {"deleted", "restored", "kept": [record ids changed since the import]}
    undo_report = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["entity_type", "-created_at"], name="import_entity")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def batch_key(self) -> str:
        """The `batch` of the history rows this import writes."""
        return f"import-{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED, Status.UNDONE)

    def lease_expired(self, now=None) -> bool:
        """A running (or queued and started) batch whose worker stopped reporting."""
        if self.status != Status.RUNNING or self.heartbeat_at is None:
            return False
        lease = timedelta(seconds=settings.IMPORT_LEASE_SECONDS)
        return (now or timezone.now()) - self.heartbeat_at > lease

    def as_dict(self) -> dict:
        """The state the API and the admin's progress bar show."""
        return {
            "id": self.pk,
            "entity": self.entity_type.slug if self.entity_type_id else None,
            "file_name": self.file_name,
            "status": self.status,
            "mode": self.mode,
            "match_on": self.match_on,
            "skip_invalid": self.skip_invalid,
            "mapping": self.mapping,
            "progress": {"done": self.done, "total": self.total},
            "totals": self.totals,
            "errors": self.errors,
            "error": self.error,
            "undo": self.undo_report,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


class ImportedRow(models.Model):
    """A record an import created or changed: what undo removes or puts back."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    record_id = models.BigIntegerField()
    created = models.BooleanField()
    #: The record's version right after the import; a higher one means edited since.
    version = models.IntegerField()
    #: Updated records: the imported fields' values before, as `recorder.values_of` keys
    #: them (field id) plus each field's api name, for the restore.
    before = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["batch", "record_id"], name="imported_row")]

    def __str__(self) -> str:
        return f"#{self.record_id} ({'created' if self.created else 'updated'})"
