"""B17: a calendar feed of 5,000 tasks vs the same rows serialised to JSON.

5,000 tasks (half of them repeating weekly, a fifth all-day, a tenth with a type) are
generated once for B4's regular user as the responsible one, linked to public persons.
A = `GET /api/v1/calendar/{token}.ics`: the token's owner found by its hash, the tasks
read through the access checks (`FeedService.tasks`) and written as iCalendar by the
icalendar library. B = a DRF view reading the same query and answering the same fields of
each task as JSON. Both are checked to hold the same 5,000 tasks.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.metamodel.runtime import get_snapshot
from modules.tasks.feeds import FeedService
from modules.tasks.models import Task, TaskLink, TaskType
from tests.benchmarks.harness import Row, Target
from tests.benchmarks.routes import install_static_view

TASKS = 5_000
BATCH = 1_000


def ensure_tasks(ctx, person, log=print) -> None:
    """`TASKS` tasks of `person`, made once (kept between runs)."""
    if Task.objects.filter(responsible=person).count() == TASKS:
        return
    log(f"    generating {TASKS:,} tasks ...")
    Task.objects.filter(responsible=person).delete()
    kind, _made = TaskType.objects.get_or_create(name="Bench call")
    persons = get_snapshot().entity("persons")
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    tasks = [
        Task(
            name=f"Bench task {n}",
            description="Call and agree the next step." if n % 3 else "",
            type=kind if n % 10 == 0 else None,
            priority=("low", "normal", "high")[n % 3],
            due_at=start + dt.timedelta(hours=n),
            all_day=n % 5 == 0,
            time_zone="Europe/Warsaw",
            responsible=person,
            created_by=person,
            repetition="FREQ=WEEKLY;BYDAY=MO" if n % 2 else "",
        )
        for n in range(TASKS)
    ]
    made = Task.objects.bulk_create(tasks, batch_size=BATCH)
    TaskLink.objects.bulk_create(
        [TaskLink(task=t, entity_type_id=persons.id, record_id=1 + i) for i, t in enumerate(made)],
        batch_size=BATCH,
    )


def json_view(person):
    """B: the feed's query, each task's fields as JSON."""

    class SameRowsAsJson(APIView):
        def get(self, request):
            rows = FeedService().tasks(person).iterator(chunk_size=1000)
            return Response(
                [
                    {
                        "uid": f"task-{t.pk}@tessera",
                        "summary": t.name,
                        "description": t.description,
                        "start": (t.starts_at or t.due_at).isoformat(),
                        "end": (t.due_at or t.starts_at).isoformat(),
                        "all_day": t.all_day,
                        "priority": t.priority,
                        "category": t.type.name if t.type_id else None,
                        "rrule": t.repetition,
                        "last_modified": t.updated_at.isoformat(),
                        "done": t.done_at is not None,
                    }
                    for t in rows
                ]
            )

    return SameRowsAsJson.as_view()


def b17_calendar_feed(ctx, measure, client_for) -> Row:
    """B17's row: both sides checked to hold the same tasks, then measured."""
    person = ctx.user
    ensure_tasks(ctx, person)
    token = FeedService().renew(person)
    install_static_view("calendar_json", json_view(person))
    anonymous, signed_in = client_for(None), client_for(person)
    url_a = f"/api/v1/calendar/{token}.ics"

    def run_a():
        return anonymous.get(url_a)

    def run_b():
        return signed_in.get("/bench/static/calendar_json/")

    a, b = run_a(), run_b()
    assert a.status_code == 200 and b.status_code == 200, (a.status_code, b.status_code)
    uids_a = sorted(str(e["uid"]) for e in Calendar.from_ical(a.content).walk("VEVENT"))
    uids_b = sorted(r["uid"] for r in b.json())
    assert len(uids_a) == TASKS and uids_a == uids_b, "Both sides must hold the same tasks."
    row = Row(
        "B17",
        f"iCal feed of {TASKS:,} tasks (half repeating) vs the same rows as JSON",
        Target(p50=2.0),
    )
    row.notes.append(f"A is the feed of {person.username}, read without signing in")
    return measure(row, run_a, run_b, memory=False)
