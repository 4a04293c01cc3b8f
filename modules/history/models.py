"""RowHistory: one row per write to one record, for every entity type in one table.

    RowHistory.objects.filter(entity_type_id=persons.id, record_id=42).order_by("-at", "-id")
    row.changes   # {"17": ["Ann", "Anna"], "owner": [3, 5]}   field id (or a record key)
    row.labels    # {"17": "First name", "owner": "Owner"}    as the keys were named then

Written only by `modules.history.recorder`, which the services call inside their own
transaction, so a refused or failed write leaves no history either.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Operation(models.TextChoices):
    """What a write did to the record."""

    CREATE = "create", pgettext_lazy("history operation", "Added")
    UPDATE = "update", pgettext_lazy("history operation", "Edited")
    DELETE = "delete", pgettext_lazy("history operation", "Deleted")
    RESTORE = "restore", pgettext_lazy("history operation", "Restored")
    ANONYMISE = "anonymise", pgettext_lazy("history operation", "Anonymised")
    IMPORT = "import", pgettext_lazy("history operation", "Imported")


class RowHistory(models.Model):
    """One write to one record: who, when, what, and each changed value before and after."""

    # Indexes below lead with both keys; a recompute writes a row per changed record, so
    # every index this table has costs on each of them.
    # No foreign key constraints (Django still cascades and nulls on delete): rows come
    # in bulk (a recompute, an import) from ids the writer just read, and a checked key
    # costs each of them a lookup and a share lock on the entity type or user at commit.
    entity_type = models.ForeignKey(
        "metamodel.EntityType",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    record_id = models.BigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    at = models.DateTimeField()
    operation = models.CharField(max_length=12, choices=Operation.choices)
    #: The kind of action behind it ("bulk_update", "import_undo", "recompute", …).
    action = models.CharField(max_length=40, blank=True, default="")
    #: Rows written by one action share it (a bulk edit, an import, one recompute).
    batch = models.CharField(max_length=64, blank=True, default="")
    #: The record's title when it was written, so the log can name a deleted record.
    title = models.CharField(max_length=255, blank=True, default="")
    changes = models.JSONField(default=dict)
    labels = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["entity_type", "record_id", "-at", "-id"], name="history_record"),
            models.Index(fields=["-at", "-id"], name="history_time"),
            models.Index(fields=["entity_type", "-at", "-id"], name="history_entity"),
            # System changes (no user) are found through the others.
            models.Index(
                fields=["user", "-at", "-id"],
                name="history_user",
                condition=models.Q(user__isnull=False),
            ),
            # Updates are most rows: filtered by operation, they come from `history_time`.
            models.Index(
                fields=["operation", "-at", "-id"],
                name="history_operation",
                condition=~models.Q(operation="update"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} #{self.record_id} ({self.at:%Y-%m-%d %H:%M})"
