"""What happened on a record, listed on its timeline.

    TimelineEntry.objects.filter(entity_type_id=persons.id, record_id=42)  # every kind
    Note.objects.filter(entity_type_id=persons.id, record_id=42)           # notes only

`TimelineEntry` is the django-polymorphic base every kind of entry subclasses (this
module's `Note`, the tasks module's task events, the mailbox's messages). The base holds
what the timeline sorts, pages and narrows by: the record (entity type + record id), when
it happened, who did it and the kind's key. A module declares its kind in
`modules/activity/timeline.py`; each module's service is the only writer of its rows.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from polymorphic.models import PolymorphicModel


class TimelineEntry(PolymorphicModel):
    """One entry of a record's timeline; subclasses add what their kind needs."""

    #: The key of the subclass's kind (`timeline.EntryKind.key`), set on every save.
    timeline_kind: ClassVar[str] = ""

    entity_type = models.ForeignKey(
        "metamodel.EntityType", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    record_id = models.BigIntegerField()
    #: When it happened (a note's publication date, a task's due moment): the timeline's order.
    at = models.DateTimeField(_("date"), default=timezone.now)
    #: Who did it (a note's author); None: the system.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(max_length=40, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(
                fields=["entity_type", "record_id", "-at", "-id"], name="activity_timeline"
            ),
            models.Index(fields=["user"], name="activity_entry_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_id} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if type(self).timeline_kind:
            self.kind = type(self).timeline_kind
        super().save(*args, **kwargs)
