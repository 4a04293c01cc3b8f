"""Tasks: what someone has to do, when, about which records.

    task = TaskService().create(user, {"name": "Call back", "due_at": "...", "links": [...]})
    Task.objects.filter(links__entity_type_id=deals.id, links__record_id=42)
    TaskTemplate / TaskSet: tasks made from a pattern with dates relative to a moment.

Written only by the services of this module (`services.py`, `templates.py`, `types.py`,
`feeds.py`). Tasks are static models, not an entity type: see docs/architecture.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.activity.models import TimelineEntry


class Priority(models.TextChoices):
    """How urgent a task is."""

    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class TaskType(models.Model):
    """A kind of task the administrators list (call, meeting, e-mail, …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("task type")
        verbose_name_plural = _("task types")

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.Model):
    """A stage a task goes through, used only while statuses are switched on."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    #: Setting this status marks the task done.
    is_done = models.BooleanField(_("means done"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("task status")
        verbose_name_plural = _("task statuses")

    def __str__(self) -> str:
        return self.name


class TaskSettings(models.Model):
    """The one row of task settings (`pk=1`)."""

    statuses_enabled = models.BooleanField(_("statuses switched on"), default=False)

    def __str__(self) -> str:
        return str(_("Task settings"))

    @classmethod
    def current(cls) -> TaskSettings:
        """The settings row, the defaults when none was saved."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Task(models.Model):
    """One task (or one occurrence of a repeating one)."""

    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True, default="")
    type = models.ForeignKey(
        TaskType, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    status = models.ForeignKey(
        TaskStatus, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    starts_at = models.DateTimeField(_("start"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    #: The zone the dates were given in: a repetition keeps its wall-clock time there.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks_responsible"
    )
    #: Only the responsible user and the members see a private task.
    private = models.BooleanField(_("private"), default=False)
    #: An RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=MO"); empty: the task does not repeat.
    repetition = models.CharField(_("repetition"), max_length=500, blank=True, default="")
    #: The occurrence this one follows, for a task made when a repeating one was done.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_occurrence"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    template = models.ForeignKey(
        "TaskTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["responsible", "due_at"], name="task_responsible_due"),
            models.Index(fields=["due_at", "id"], name="task_due"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def moment(self):
        """When the task is due, or when it starts if it has no due date."""
        return self.due_at or self.starts_at


class TaskMember(models.Model):
    """A user or a whole team taking part in a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, team__isnull=False),
                name="task_member_user_or_team",
            ),
            models.UniqueConstraint(fields=["task", "user"], name="task_member_user_once"),
            models.UniqueConstraint(fields=["task", "team"], name="task_member_team_once"),
        ]
        indexes = [models.Index(fields=["user"], name="task_member_user")]

    def __str__(self) -> str:
        return f"task {self.task_id}: " + (
            f"user {self.user_id}" if self.user_id else f"team {self.team_id}"
        )


class TaskLink(models.Model):
    """A task is about a record: any number of records of any entity types."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    # No constraint on the entity type: rows stay when a type goes to the trash.
    entity_type = models.ForeignKey(
        "metamodel.EntityType", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    record_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "entity_type", "record_id"], name="task_link_once"
            )
        ]
        indexes = [models.Index(fields=["entity_type", "record_id"], name="task_link_record")]

    def __str__(self) -> str:
        return f"task {self.task_id} → {self.entity_type_id}/{self.record_id}"


class Reminder(models.Model):
    """A moment to remind the task's people of it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    remind_at = models.DateTimeField(_("remind at"))
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remind_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "remind_at"], name="task_reminder_once")
        ]

    def __str__(self) -> str:
        return f"task {self.task_id} at {self.remind_at:%Y-%m-%d %H:%M}"


class Anchor(models.TextChoices):
    """The moment a template's relative dates count from."""

    CREATED = "created", _("When the task is made")
    DEAL_WON = "deal_won", _("When the deal is won")


class Assignee(models.TextChoices):
    """Who a template's task goes to."""

    ACTING_USER = "acting_user", _("Whoever makes the task")
    RECORD_OWNER = "record_owner", _("The record's owner")


class TaskTemplate(models.Model):
    """A pattern of a task: its dates are days (and a time of day) after a moment."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    #: The stable name a sales action uses to trigger it ("call-back").
    key = models.SlugField(_("key"), max_length=63, unique=True, null=True, blank=True)
    task_name = models.CharField(_("task name"), max_length=255)
    description = models.TextField(_("description"), blank=True, default="")
    type = models.ForeignKey(
        TaskType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    #: Days from the moment to the due date (0: the same day).
    due_in_days = models.PositiveSmallIntegerField(_("due in days"), default=0)
    #: The time of day it is due; none: an all-day task.
    due_time = models.TimeField(_("due at time"), null=True, blank=True)
    private = models.BooleanField(_("private"), default=False)
    assignee = models.CharField(
        _("responsible"), max_length=20, choices=Assignee.choices, default=Assignee.ACTING_USER
    )
    #: Slugs of the entity types the template is offered on; empty: all of them.
    entity_types = models.JSONField(_("offered on"), default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("task template")
        verbose_name_plural = _("task templates")

    def __str__(self) -> str:
        return self.name


class TaskSet(models.Model):
    """Templates made together; a post-sale set is made when a deal is won."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    post_sale = models.BooleanField(_("made when a deal is won"), default=False)
    templates = models.ManyToManyField(TaskTemplate, related_name="sets", blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("task set")
        verbose_name_plural = _("task sets")

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A user's secret iCal address; only the token's hash is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"


class TaskEventKind(models.TextChoices):
    """What happened to a task, as its records' timelines say."""

    ADDED = "added", pgettext_lazy("task event", "Task added")
    DONE = "done", pgettext_lazy("task event", "Task done")
    UNDONE = "undone", pgettext_lazy("task event", "Task not done again")
    DELETED = "deleted", pgettext_lazy("task event", "Task deleted")


class TaskEvent(TimelineEntry):
    """A task added, done, undone or deleted, on the timeline of each record it is about.

    The task's name and privacy are kept as they were, so the entry stays readable
    after the task is changed or deleted; a private task's entry is shown only to the
    people taking part in it (`timeline_kind.visible`).
    """

    timeline_kind = "task"

    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    event = models.CharField(max_length=10, choices=TaskEventKind.choices)
    name = models.CharField(max_length=255)
    private = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
