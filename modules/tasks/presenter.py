"""Tasks as the API and the screens show them, with the linked records a viewer may see.

    rows = describe_many(viewer, tasks)     # dicts; linked records looked up per entity type

Linked records out of the viewer's sight (or in the trash) are left out; a record they
may list but not open is titled by its basic fields and marked restricted. A page costs
one query per entity type its tasks link to, besides the tasks' own.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import prefetch_related_objects
from django.utils import timezone

from modules.access.spec import OPEN_FLAG
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot


def linked(viewer, tasks) -> dict[int, list[dict]]:
    """`{task id: [{"entity", "id", "title", "restricted"}]}` of what the viewer may see."""
    wanted: dict[int, set] = defaultdict(set)
    for task in tasks:
        for link in task.links.all():
            wanted[link.entity_type_id].add(link.record_id)
    snapshot = get_snapshot()
    seen: dict[tuple[int, int], dict] = {}
    for entity_id, ids in wanted.items():
        try:
            model = snapshot.model_by_id(entity_id)
        except EntityTypeNotFound:
            continue
        entity = model.entity
        for record in model.objects.alive().visible_to(viewer).filter(pk__in=ids):
            restricted = not getattr(record, OPEN_FLAG, True)
            seen[(entity_id, record.pk)] = {
                "entity": entity.slug,
                "id": record.pk,
                "title": entity.title_of(record, basic_only=restricted) or f"#{record.pk}",
                "restricted": restricted,
            }
    return {
        task.pk: [
            seen[(k.entity_type_id, k.record_id)]
            for k in task.links.all()
            if (k.entity_type_id, k.record_id) in seen
        ]
        for task in tasks
    }


def describe_many(viewer, tasks) -> list[dict]:
    """Each task as a dict (the API's body)."""
    tasks = list(tasks)
    prefetch_related_objects(
        tasks, "members", "reminders", "links", "type", "status", "responsible"
    )
    links = linked(viewer, tasks)
    now = timezone.now()
    return [
        {
            "id": t.pk,
            "name": t.name,
            "description": t.description,
            "type": {"id": t.type.pk, "name": t.type.name} if t.type_id else None,
            "status": {"id": t.status.pk, "name": t.status.name} if t.status_id else None,
            "priority": t.priority,
            "starts_at": t.starts_at,
            "due_at": t.due_at,
            "all_day": t.all_day,
            "time_zone": t.time_zone,
            "responsible": {"id": t.responsible_id, "name": str(t.responsible)},
            "members": {
                "users": sorted(m.user_id for m in t.members.all() if m.user_id),
                "teams": sorted(m.team_id for m in t.members.all() if m.team_id),
            },
            "private": t.private,
            "repetition": t.repetition,
            "reminders": [r.remind_at for r in t.reminders.all()],
            "links": links[t.pk],
            "done": t.done_at is not None,
            "done_at": t.done_at,
            "overdue": t.done_at is None and t.moment is not None and t.moment < now,
            "version": t.version,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "task": t,
        }
        for t in tasks
    ]
