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

import uuid
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


class NoteVisibility(models.TextChoices):
    """Who reads a note, among those who may open its record."""

    PRIVATE = "private", _("Only me")
    MANAGERS = "managers", _("Me and my managers")
    EVERYONE = "everyone", _("Everyone")


class Note(TimelineEntry):
    """A note on a record's wall: sanitised rich text, tags, files, comments and likes.

    `at` is its publication date and `user` its author. Written only by `NoteService`.
    """

    timeline_kind = "note"

    body = models.TextField(_("text"))
    visibility = models.CharField(
        _("visible to"),
        max_length=10,
        choices=NoteVisibility.choices,
        default=NoteVisibility.EVERYONE,
    )
    #: The tags as typed (case kept), in order; `NoteTag` holds them for filtering.
    tags = models.JSONField(_("tags"), default=list, blank=True)
    #: The attachments as the timeline lists them ({id, name, size}), kept by the service
    #: with the `NoteAttachment` rows, so a page of notes is one query.
    files = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: Raised by every edit; an edit sent with another version is refused (409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")


class NoteTag(models.Model):
    """One tag of one note, folded to lower case, for `?tag=` filters."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="tag_rows")
    name = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "name"], name="activity_note_tag_once")
        ]
        indexes = [models.Index(fields=["name"], name="activity_note_tag_name")]

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: NoteAttachment, filename: str) -> str:
    """Where a file is stored: a random name, never the uploader's (served by a view only)."""
    return f"notes/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class NoteAttachment(models.Model):
    """A file attached to a note, downloaded only through the access-checked view."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    #: The file's name as uploaded (cleaned), given back as the download's name.
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    #: The type it is served as, from the allowed list (never HTML or SVG).
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NoteComment(models.Model):
    """A comment under a note, by someone who reads the note."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class NoteLike(models.Model):
    """One user's like of a note."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "user"], name="activity_note_like_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.note_id}"
