"""Sales processes: pipelines of ordered stages, each with ordered weighted actions.

    pipeline = Pipeline.objects.get(entity_type__slug="deals", key="sales")
    pipeline.stages.all()                  # Lead, Qualified, ... (by position)
    stage.actions.all()                    # Call, Send the offer, ... (by position)
    Completion.objects.filter(entity_type=deals, record_id=7)   # who did what, when

Pipelines are metadata written by `SalesService` alone; a saved pipeline keeps its whole
payload in `definition`, whose history the configuration history lists. A record's stage,
status, completed actions and lock live in its own row (fields `process_*`, written by
`RecordService`); a `Completion` adds who completed an action, when, and the note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from modules.core.i18n import localized
from modules.metamodel.models import EntityType


class Completers(models.TextChoices):
    """Who may complete an action (besides administrators)."""

    EDITORS = "editors", _("Everyone who may edit the record")
    MANAGERS = "managers", _("Managers")
    ADMINISTRATORS = "administrators", _("Administrators")
    USERS = "users", _("Chosen users")


class NoteRule(models.TextChoices):
    """What completing an action asks for."""

    NONE = "none", _("Nothing")
    NOTE = "note", _("A note")
    FILE = "file", _("A note with a file")


class Notify(models.TextChoices):
    """Who hears by e-mail that an action was completed."""

    ADMINISTRATORS = "administrators", _("Administrators")
    MANAGERS = "managers", _("Managers of the owner")
    PARTICIPANTS = "participants", _("Participants")
    USERS = "users", _("Chosen users")


class Pipeline(models.Model):
    """One sales process of an entity type (deals by default)."""

    entity_type = models.ForeignKey(EntityType, on_delete=models.CASCADE, related_name="pipelines")
    key = models.CharField(_("key"), max_length=63)
    name = models.JSONField(_("name"))
    position = models.PositiveIntegerField(_("position"), default=0)
    #: Segment names (of the type's segmentation) whose new records start in this pipeline.
    segments = models.JSONField(_("segments"), default=list)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The pipeline as saved (the API's payload): who changed what, when.
    definition = models.JSONField(_("definition"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entity_type", "key"], name="sales_pipeline_key")
        ]

    def __str__(self) -> str:
        return localized(self.name) or self.key


class Stage(models.Model):
    """One step of a pipeline; records in it hold its `key` in `process_stage`."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    key = models.CharField(max_length=63)
    name = models.JSONField()
    position = models.PositiveIntegerField(default=0)
    probability = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(max_length=7, default="#4a90d9")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return localized(self.name) or self.key


class Action(models.Model):
    """One thing to do in a stage; its weight moves the record towards a win."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="actions")
    key = models.CharField(max_length=63)
    name = models.JSONField()
    position = models.PositiveIntegerField(default=0)
    weight = models.PositiveIntegerField(default=1)
    mandatory = models.BooleanField(default=False)
    completers = models.CharField(
        max_length=16, choices=Completers.choices, default=Completers.EDITORS
    )
    #: User ids, when `completers` is "users".
    completer_users = models.JSONField(default=list)
    note = models.CharField(max_length=8, choices=NoteRule.choices, default=NoteRule.NONE)
    notify = models.JSONField(default=list)
    notify_users = models.JSONField(default=list)
    #: The key of the task template a task module resolves when the action is completed.
    task_template = models.CharField(max_length=63, blank=True, default="")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return localized(self.name) or self.key


class SalesSettings(models.Model):
    """The installation's lost reasons (one row, `pk=1`)."""

    SINGLETON_ID = 1
    #: `[{"key": "price", "name": {"en": "Price"}}, ...]`, in order.
    lost_reasons = models.JSONField(_("lost reasons"), default=list)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


def completion_file_path(completion, filename: str) -> str:
    """Where a completion's file is stored: per entity type and record."""
    return f"sales/completions/{completion.entity_type_id}/{completion.record_id}/{filename}"


class Completion(models.Model):
    """Who completed an action of a record's process, when, and with what note."""

    entity_type = models.ForeignKey(EntityType, on_delete=models.CASCADE, related_name="+")
    record_id = models.BigIntegerField()
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="completions")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField()
    note = models.TextField(blank=True, default="")
    file = models.FileField(upload_to=completion_file_path, blank=True, max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "record_id", "action"], name="sales_completion_once"
            )
        ]
        indexes = [models.Index(fields=["entity_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.action} #{self.record_id}"
