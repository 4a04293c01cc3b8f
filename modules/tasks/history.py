"""Task changes in the history of the records a task is linked to.

    before = tracked(task)                 # the tracked values, as text
    ...                                    # the service changes the task
    record(user, task, "task_update", before, tracked(task), links)

Each linked record gets one RowHistory row per change (operation "update", action
`task_add`, `task_update`, `task_delete` or `task_done`), keyed `task.<id>.<what>`, so a
record's history tab and the change log show what happened to its tasks: added or
deleted, start and due, name and type, members and responsible, reminders, repetition,
privacy, priority, status and done. A private task is recorded with what changed but
no values (its name neither): whoever reads a record's history may not be taking part.
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from modules.accounts.models import Team
from modules.history import recorder
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot

#: The tracked values of a task and what the change log calls them.
TRACKED = (
    "name",
    "type",
    "starts_at",
    "due_at",
    "all_day",
    "responsible",
    "members",
    "reminders",
    "repetition",
    "private",
    "priority",
    "status",
    "done",
)


def labels() -> dict[str, str]:
    """What each tracked value is called, in the language active now."""
    return {
        "name": _("Name"),
        "type": _("Type"),
        "starts_at": _("Start"),
        "due_at": _("Due"),
        "all_day": _("All day"),
        "responsible": _("Responsible"),
        "members": _("Members"),
        "reminders": _("Reminders"),
        "repetition": _("Repetition"),
        "private": _("Private"),
        "priority": _("Priority"),
        "status": _("Status"),
        "done": _("Done"),
    }


def _moment(task, value) -> str | None:
    if value is None:
        return None
    local = value.astimezone(ZoneInfo(task.time_zone))
    return local.strftime("%Y-%m-%d" if task.all_day else "%Y-%m-%d %H:%M %Z")


def tracked(task) -> dict[str, str | None]:
    """The tracked values of a saved task as text (how history keeps them)."""
    members = list(task.members.all())
    users = {m.user_id for m in members if m.user_id}
    teams = {m.team_id for m in members if m.team_id}
    names = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=users)}
    team_names = dict(Team.objects.filter(pk__in=teams).values_list("pk", "name"))
    people = sorted(names.values()) + sorted(team_names.values())
    return {
        "name": task.name,
        "type": task.type.name if task.type_id else None,
        "starts_at": _moment(task, task.starts_at),
        "due_at": _moment(task, task.due_at),
        "all_day": _("yes") if task.all_day else _("no"),
        "responsible": str(task.responsible),
        "members": ", ".join(people) or None,
        "reminders": ", ".join(_moment(task, r.remind_at) for r in task.reminders.all()) or None,
        "repetition": task.repetition or None,
        "private": _("yes") if task.private else _("no"),
        "priority": str(task.get_priority_display()),
        "status": task.status.name if task.status_id else None,
        "done": _("yes") if task.done_at else _("no"),
    }


def record(user, task, action: str, before: dict, after: dict, links: list[tuple[int, int]]):
    """Write the change of `task` into the history of each record of `links`."""
    changes = {
        what: [before.get(what), after.get(what)]
        for what in TRACKED
        if before.get(what) != after.get(what)
    }
    if not changes or not links:
        return
    private = task.private or before.get("private") == _("yes")
    names = labels()
    title = _("Private task") if private else _("Task “%(name)s”") % {"name": task.name}
    keyed = {
        f"task.{task.pk}.{what}": [None, None] if private else values
        for what, values in changes.items()
    }
    keyed_labels = {f"task.{task.pk}.{what}": f"{title}: {names[what]}" for what in changes}
    by_entity: dict[int, list[int]] = defaultdict(list)
    for entity_id, record_id in links:
        by_entity[entity_id].append(record_id)
    snapshot = get_snapshot()
    for entity_id, record_ids in by_entity.items():
        try:
            model = snapshot.model_by_id(entity_id)
        except EntityTypeNotFound:
            continue
        titles = {r.pk: str(r) for r in model.objects.filter(pk__in=record_ids)}
        recorder.log_many(
            user,
            model.entity,
            "update",
            [
                recorder.Entry(pk, keyed, title=titles.get(pk, ""), labels=keyed_labels)
                for pk in record_ids
                if pk in titles
            ],
            action=action,
        )
