"""TaskService: the only writer of tasks, their members, links and reminders.

    task = TaskService().create(user, {"name": "Call back", "due_at": moment,
                                       "links": [{"entity": "deals", "id": 42}]})
    TaskService().update(user, task.pk, {"priority": "high"}, version=task.version)
    TaskService().set_done(user, task.pk, True)     # a repeating task gets its next one
    TaskService().delete(user, task.pk)
    TaskService().visible(user)                      # the tasks the user may see

Values are Python values (the API's serializers and the admin forms check JSON and form
shapes); the service checks the rules, names each bad value by its key (`TaskInvalid`,
a 400) and writes nothing unless everything holds. A task the user may not see, and a
linked record they may not see, read as missing (`TaskNotFound`, `RecordNotFound`).
Every change is written into the history of the linked records (`history.py`), and
`task_changed` is sent after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.models import Team
from modules.core.exceptions import Conflict, PermissionDenied
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordNotFound
from modules.records.services import RecordService
from modules.tasks import access, history, recurrence, timeline
from modules.tasks.exceptions import TaskInvalid, TaskNotFound
from modules.tasks.models import (
    Priority,
    Reminder,
    Task,
    TaskLink,
    TaskMember,
    TaskSettings,
    TaskStatus,
    TaskType,
)

#: Sent after the commit of every change: `task`, `user`, `action` ("add", "update",
#: "done", "undone", "delete"); the timeline and notifications listen.
task_changed = Signal()

FIELDS = {
    "name",
    "description",
    "type",
    "status",
    "priority",
    "starts_at",
    "due_at",
    "all_day",
    "time_zone",
    "responsible",
    "members",
    "private",
    "repetition",
    "reminders",
    "links",
}
MAX_LINKS = 100
MAX_MEMBERS = 200
MAX_REMINDERS = 10


class TaskService:
    """Reads and writes tasks for a user (None: the system)."""

    # -- reading -----------------------------------------------------------------------

    def visible(self, user):
        """The tasks the user may see."""
        return Task.objects.filter(access.visible_q(user))

    def get(self, user, task_id: Any) -> Task:
        """A task the user may see; TaskNotFound for a hidden or missing one alike."""
        if isinstance(task_id, bool) or not str(task_id).isdecimal() or int(task_id) >= 2**63:
            raise TaskNotFound(_("Not found."))
        task = (
            self.visible(user)
            .select_related("type", "status", "responsible")
            .prefetch_related("members", "reminders", "links")
            .filter(pk=int(task_id))
            .first()
        )
        if task is None:
            raise TaskNotFound(_("Not found."))
        return task

    def linked_records(self, user, task) -> list:
        """The live records the task is linked to that the user may see, in link order."""
        snapshot = get_snapshot()
        found = []
        for link in task.links.all():
            try:
                model = snapshot.model_by_id(link.entity_type_id)
            except EntityTypeNotFound:  # a type in the trash: its records are not shown
                continue
            record = model.objects.alive().visible_to(user).filter(pk=link.record_id).first()
            if record is not None:
                found.append(record)
        return found

    # -- writing -----------------------------------------------------------------------

    def create(self, user, values: dict, *, template=None) -> Task:
        """A new task; the acting user is responsible unless `responsible` says otherwise."""
        task = Task(created_by=user, template=template, time_zone=_default_zone())
        if user is not None:
            task.responsible = user
        with transaction.atomic():
            plan = self._clean(user, task, values, creating=True)
            task.save()
            self._write_related(task, plan)
            after = history.tracked(task)
            history.record(user, task, "task_add", {}, after, _link_keys(task))
            timeline.record(user, task, "added", _link_keys(task))
            _announce(task, user, "add")
        return task

    def update(self, user, task_id: Any, values: dict, *, version: int | None = None) -> Task:
        """Change what `values` names; `version` (when given) must be the stored one."""
        with transaction.atomic():
            task = self._for_change(user, task_id, version)
            before, links_before = history.tracked(task), _link_keys(task)
            plan = self._clean(user, task, values, creating=False)
            task.version += 1
            task.save()
            self._write_related(task, plan)
            task = self.get(None, task.pk)
            links = sorted(set(links_before) | set(_link_keys(task)))
            history.record(user, task, "task_update", before, history.tracked(task), links)
            _announce(task, user, "update")
        return task

    def set_done(self, user, task_id: Any, done: bool, *, version: int | None = None) -> Task:
        """Mark the task done (a repeating one gets its next occurrence) or not done (the
        next occurrence, if not done yet, is removed and the rule comes back)."""
        with transaction.atomic():
            task = self._for_change(user, task_id, version)
            if task.is_done == done:
                return task
            before = history.tracked(task)
            if done:
                task.done_at, task.done_by = timezone.now(), user
                self._repeat(user, task)
            else:
                task.done_at, task.done_by = None, None
                self._unrepeat(user, task)
            if TaskSettings.current().statuses_enabled:
                task.status = _status_for(done, task.status)
            task.version += 1
            task.save()
            history.record(user, task, "task_done", before, history.tracked(task), _link_keys(task))
            timeline.record(user, task, "done" if done else "undone", _link_keys(task))
            _announce(task, user, "done" if done else "undone")
        return task

    def delete(self, user, task_id: Any) -> None:
        """Delete the task for good (its history on the linked records stays)."""
        with transaction.atomic():
            task = self._for_change(user, task_id, None)
            before, links = history.tracked(task), _link_keys(task)
            history.record(user, task, "task_delete", before, {}, links)
            timeline.record(user, task, "deleted", links)
            _announce(task, user, "delete")
            task.delete()

    def move_links(self, user, entity, kept_id: int, merged_id: int) -> dict[str, int]:
        """The merge mover of tasks (`records.hooks`): links to the merged record go to the
        kept one; a task linked to both keeps one link."""
        links = TaskLink.objects.filter(entity_type_id=entity.id)
        both = links.filter(record_id=kept_id).values("task_id")
        links.filter(record_id=merged_id, task_id__in=both).delete()
        return {"tasks": links.filter(record_id=merged_id).update(record_id=kept_id)}

    # -- inside ------------------------------------------------------------------------

    def _for_change(self, user, task_id: Any, version: int | None) -> Task:
        task = self.get(user, task_id)
        Task.objects.select_for_update().filter(pk=task.pk).first()
        task = self.get(user, task.pk)
        if not access.may_change(user, task, self.linked_records(user, task)):
            raise PermissionDenied(_("You may not change this task."))
        if version is not None and version != task.version:
            raise Conflict(
                _("Someone changed this task meanwhile; load it again."),
                extra={"version": task.version},
            )
        return task

    def _clean(self, user, task: Task, values: dict, *, creating: bool) -> dict:
        """Set the plain values on `task` and return the related ones to write; raise
        TaskInvalid naming every bad key before anything is written."""
        unknown = set(values) - FIELDS
        assert not unknown, f"TaskService got unknown keys {sorted(unknown)}; check the caller."
        errors: dict[str, list[str]] = {}
        plan: dict[str, Any] = {}

        def bad(key: str, message: str) -> None:
            errors.setdefault(key, []).append(str(message))

        if "name" in values or creating:
            name = (values.get("name") or "").strip()
            if not name:
                bad("name", _("Give the task a name."))
            elif len(name) > 255:
                bad("name", _("At most 255 characters."))
            task.name = name
        if "description" in values:
            task.description = (values["description"] or "").strip()
        if "type" in values:
            task.type = _row(TaskType, values["type"], "type", bad)
        if "status" in values and values["status"] is not None:
            if not TaskSettings.current().statuses_enabled:
                bad("status", _("Task statuses are switched off in the settings."))
            else:
                task.status = _row(TaskStatus, values["status"], "status", bad)
        elif "status" in values:
            task.status = None
        if "priority" in values:
            if values["priority"] not in Priority.values:
                bad("priority", _("Choose low, normal or high."))
            else:
                task.priority = values["priority"]
        for key in ("all_day", "private"):
            if key in values:
                setattr(task, key, bool(values[key]))
        if "time_zone" in values:
            try:
                ZoneInfo(values["time_zone"])
                task.time_zone = values["time_zone"]
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                bad("time_zone", _("Give a time zone like Europe/Warsaw."))
        for key in ("starts_at", "due_at"):
            if key in values:
                setattr(task, key, values[key])
        if task.all_day:
            zone = _zone(task)
            for key in ("starts_at", "due_at"):
                moment = getattr(task, key)
                if moment is not None:
                    day = moment.astimezone(zone).date()
                    setattr(task, key, dt.datetime.combine(day, dt.time(), tzinfo=zone))
        if task.starts_at and task.due_at and task.due_at < task.starts_at:
            bad("due_at", _("The task cannot be due before it starts."))
        if "responsible" in values:
            task.responsible = _user(values["responsible"], "responsible", bad)
        elif creating and task.responsible_id is None:
            bad("responsible", _("Choose who is responsible."))
        if "repetition" in values:
            task.repetition = (values["repetition"] or "").strip()
        if task.repetition:
            start = recurrence.local_start(task)
            if start is None:
                bad("repetition", _("A repeating task needs a start or a due date."))
            else:
                task.repetition = recurrence.normalised_rule(task.repetition, start)
                try:
                    recurrence.parse(task.repetition, start)
                except TaskInvalid as error:
                    bad("repetition", error.detail)
        if "members" in values:
            plan["members"] = _members(values["members"] or {}, bad)
        if "reminders" in values:
            plan["reminders"] = _reminders(values["reminders"] or [], bad)
        if "links" in values:
            plan["links"] = _links(user, values["links"] or [], errors)
        if errors:
            raise TaskInvalid(_("Some values are not valid."), errors=errors)
        return plan

    def _write_related(self, task: Task, plan: dict) -> None:
        if "members" in plan:
            users, teams = plan["members"]
            task.members.all().delete()
            TaskMember.objects.bulk_create(
                [TaskMember(task=task, user=u) for u in users]
                + [TaskMember(task=task, team=t) for t in teams]
            )
        if "reminders" in plan:
            task.reminders.all().delete()
            Reminder.objects.bulk_create(
                [Reminder(task=task, remind_at=m) for m in plan["reminders"]]
            )
        if "links" in plan:
            task.links.all().delete()
            TaskLink.objects.bulk_create(
                [TaskLink(task=task, entity_type_id=e, record_id=r) for e, r in plan["links"]]
            )

    def _repeat(self, user, task: Task) -> None:
        """Make the next occurrence of a repeating task being marked done."""
        if not task.repetition or hasattr(task, "next_occurrence"):
            return
        following = recurrence.following(task)
        if following is None:
            return
        shift = following - recurrence.local_start(task)
        now = timezone.now()
        nxt = Task.objects.get(pk=task.pk)
        nxt.pk, nxt.id = None, None
        nxt.previous = task
        nxt.done_at, nxt.done_by, nxt.version = None, None, 1
        nxt.created_by = user
        nxt.starts_at = _shifted(task, task.starts_at, shift)
        nxt.due_at = _shifted(task, task.due_at, shift)
        if TaskSettings.current().statuses_enabled:
            nxt.status = _status_for(False, None)
        nxt.save()
        TaskMember.objects.bulk_create(
            [TaskMember(task=nxt, user_id=m.user_id, team_id=m.team_id) for m in task.members.all()]
        )
        TaskLink.objects.bulk_create(
            [
                TaskLink(task=nxt, entity_type_id=k.entity_type_id, record_id=k.record_id)
                for k in task.links.all()
            ]
        )
        Reminder.objects.bulk_create(
            [
                Reminder(task=nxt, remind_at=moment)
                for moment in (_shifted(task, r.remind_at, shift) for r in task.reminders.all())
                if moment > now
            ]
        )
        # The rule moves on with the next occurrence; this one stays as it was done.
        task.repetition = ""
        history.record(user, nxt, "task_add", {}, history.tracked(nxt), _link_keys(nxt))
        timeline.record(user, nxt, "added", _link_keys(nxt))
        _announce(nxt, user, "add")

    def _unrepeat(self, user, task: Task) -> None:
        """Undo `_repeat`: the next occurrence goes (unless done) and the rule comes back."""
        nxt = Task.objects.filter(previous=task).first()
        if nxt is None or nxt.is_done:
            return
        task.repetition = nxt.repetition
        history.record(user, nxt, "task_delete", history.tracked(nxt), {}, _link_keys(nxt))
        timeline.record(user, nxt, "deleted", _link_keys(nxt))
        _announce(nxt, user, "delete")
        nxt.delete()


# -- helpers ---------------------------------------------------------------------------


def _default_zone() -> str:
    return timezone.get_current_timezone_name() or settings.TIME_ZONE


def _zone(task: Task) -> ZoneInfo:
    try:
        return ZoneInfo(task.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _shifted(task: Task, moment, shift: dt.timedelta):
    """`moment` moved by `shift` as wall-clock time in the task's zone (keeps 09:00)."""
    if moment is None:
        return None
    zone = _zone(task)
    local = moment.astimezone(zone).replace(tzinfo=None) + shift
    return local.replace(tzinfo=zone)


def _status_for(done: bool, current):
    statuses = list(TaskStatus.objects.all())
    if current is not None and current.is_done == done:
        return current
    return next((s for s in statuses if s.is_done == done), current)


def _row(model, value, key: str, bad):
    if value is None:
        return None
    if isinstance(value, model):
        return value
    row = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        row = model.objects.filter(pk=value).first()
    if row is None:
        bad(key, _("There is no such choice."))
    return row


def _user(value, key: str, bad):
    model = get_user_model()
    if isinstance(value, model):
        return value if value.is_active else bad(key, _("Choose an active user."))
    user = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        user = model.objects.filter(pk=value, is_active=True).first()
    if user is None:
        bad(key, _("Choose an active user."))
    return user


def _members(value: dict, bad) -> tuple[list, list]:
    users_given = list(value.get("users") or [])
    teams_given = list(value.get("teams") or [])
    if len(users_given) + len(teams_given) > MAX_MEMBERS:
        bad("members", _("At most %(count)s members.") % {"count": MAX_MEMBERS})
        return [], []
    ids = [getattr(u, "pk", u) for u in users_given]
    team_ids = [getattr(t, "pk", t) for t in teams_given]
    if any(
        isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**63 for i in ids + team_ids
    ):
        bad("members", _("Give users and teams by their ids."))
        return [], []
    users = list(get_user_model().objects.filter(pk__in=set(ids), is_active=True))
    teams = list(Team.objects.filter(pk__in=set(team_ids)))
    if len(users) != len(set(ids)):
        bad("members.users", _("Choose active users."))
    if len(teams) != len(set(team_ids)):
        bad("members.teams", _("There is no such team."))
    return users, teams


def _reminders(value: list, bad) -> list:
    if len(value) > MAX_REMINDERS:
        bad("reminders", _("At most %(count)s reminders.") % {"count": MAX_REMINDERS})
        return []
    now = timezone.now()
    if any(moment <= now for moment in value):
        bad("reminders", _("A reminder cannot be in the past."))
    return sorted(set(value))


def _links(user, value: list, errors: dict) -> list[tuple[int, int]]:
    if len(value) > MAX_LINKS:
        errors.setdefault("links", []).append(
            _("At most %(count)s linked records.") % {"count": MAX_LINKS}
        )
        return []
    snapshot, found = get_snapshot(), []
    for index, link in enumerate(value):
        try:
            entity = snapshot.entity(link["entity"])
            record = RecordService().get(user, link["entity"], link["id"])
        except (EntityTypeNotFound, RecordNotFound):
            # The same words for a record out of the user's sight and a missing one.
            errors.setdefault(f"links.{index}", []).append(_("Not found."))
            continue
        key = (entity.id, record.pk)
        if key not in found:
            found.append(key)
    return found


def _link_keys(task: Task) -> list[tuple[int, int]]:
    return [(k.entity_type_id, k.record_id) for k in TaskLink.objects.filter(task=task)]


def _announce(task: Task, user, action: str) -> None:
    pk = task.pk
    transaction.on_commit(
        lambda: task_changed.send(TaskService, task=task, task_id=pk, user=user, action=action)
    )
