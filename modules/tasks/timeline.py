"""Task events on the timelines of the records a task is about (`modules.activity`).

    timeline.record(user, task, "done", links)    # one TaskEvent per linked record
    timeline.register()                            # the `task` kind, from TasksConfig.ready()

Events are written by TaskService inside its transaction. An event of a private task is
shown only to its responsible user and members (as the task now has them); on top of
that the timeline shows entries only on records the reader may open.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modules.access.spec import user_access
from modules.activity import timeline
from modules.tasks import access
from modules.tasks.models import Task, TaskEvent


def record(user, task: Task, event: str, links: list[tuple[int, int]]) -> None:
    """An event of `task` on each linked record's timeline."""
    for entity_id, record_id in links:
        TaskEvent.objects.create(
            entity_type_id=entity_id,
            record_id=record_id,
            user=user,
            task=task if event != "deleted" else None,
            event=event,
            name=task.name,
            private=task.private,
        )


def visible(user) -> Q | None:
    """Entries of tasks that are not private, or that the user takes part in."""
    if user_access(user) is None:
        return None
    mine = Task.objects.filter(access.taking_part_q(user)).values("pk")
    return Q(taskevent__private=False) | Q(taskevent__task__in=mine)


def rows(queryset, user):
    """A page's task events with their tasks, in the page's query."""
    return queryset.select_related("task")


def present(entry, user) -> dict:
    """A task event as the timeline API shows it."""
    return {
        "event": entry.event,
        "event_label": str(entry.get_event_display()),
        "task": entry.task_id,
        "name": entry.name,
        "private": entry.private,
        "done": bool(entry.task and entry.task.done_at),
    }


def register() -> None:
    """Declare the `task` kind of timeline entry."""
    timeline.register_kind(
        timeline.EntryKind(
            type="task",
            label=_("Task"),
            model=TaskEvent,
            visible=visible,
            rows=rows,
            present=present,
            template="tasks/timeline_entry.html",
        )
    )
