"""B12: what webhooks add to a record write; B13: the events feed against the change log.

B12 (`B12n`, `B12s`): A and B both update one person through `RecordService` (one field,
a fresh value each call, committed). B runs with the history recorder's listener taken out,
as if webhooks were not installed; A with it, `B12n` with no subscription (the listener's
one query) and `B12s` with one subscription hearing `record.updated` on persons (one more
query for it, a delivery row in the write's transaction, and after commit the hand-over to
Celery). The bench runs Celery in-process; for these rows tasks are only published, to
Celery's in-memory broker, so A does not include sending (it happens after commit, on a
worker), nor a Redis round trip of the publish.

B13: A = `GET /api/v1/events/?limit=100` from a cursor in the middle of the generated
history (B10's rows, which are not announced: the feed reads past them, so A reads and
checks 100 rows and serializes none); B = `GET /api/v1/history/?page_size=100`, the change
log's first page. Both as the administrator.
"""

from __future__ import annotations

from celery import current_app
from django.db import connection

from modules.history import hooks
from modules.history.models import RowHistory
from modules.records.services import RecordService
from modules.webhooks import dispatch
from modules.webhooks.models import Delivery, Subscription
from tests.benchmarks.harness import Row, Target

B12 = Target(p50=1.05)
B12_SUBSCRIBED = Target(p50=1.15)
B13 = Target(p50=1.3)


class _Writes:
    """One person updated again and again with a new value each call."""

    def __init__(self, admin):
        self.admin = admin
        self.person = RecordService().create(admin, "persons", {"first_name": "Webhook"})
        self.n = 0

    def update(self):
        self.n += 1
        RecordService().update(
            self.admin, "persons", self.person.pk, {"first_name": f"Webhook {self.n}"}
        )

    def without_listener(self):
        hooks.unregister_listener(dispatch.on_recorded)
        try:
            self.update()
        finally:
            hooks.register_listener(dispatch.on_recorded)

    def forget(self):
        """Leave no trace for the other rows (B10 counts history rows)."""
        RecordService().delete(self.admin, "persons", self.person.pk)
        RowHistory.objects.filter(
            entity_type_id=self.person.entity.id, record_id=self.person.pk
        ).delete()


def b12_write(ctx, measure, *, subscribed: bool) -> Row:
    writes = _Writes(ctx.admin)
    subscription = None
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    try:
        if subscribed:
            # Written directly: the service would look up the receiver's name, and nothing
            # is sent from this row.
            subscription = Subscription.objects.create(
                owner=ctx.admin,
                name="bench",
                url="https://receiver.invalid/",
                events=["record.updated"],
            )
            subscription.entity_type_ids = [writes.person.entity.id]
            subscription.save()
        writes.update()
        expected = 1 if subscribed else 0
        assert Delivery.objects.filter(subscription=subscription).count() == expected
        what = "one subscription" if subscribed else "no subscription"
        row = Row(
            "B12s" if subscribed else "B12n",
            f"person update with webhooks, {what}, vs without webhooks",
            B12_SUBSCRIBED if subscribed else B12,
        )
        return measure(row, writes.update, writes.without_listener, memory=False)
    finally:
        current_app.conf.task_always_eager = eager
        if subscription is not None:
            subscription.delete()
        writes.forget()


def b13_events_feed(ctx, measure, client, ensure_history) -> Row:
    ensure_history(ctx.rows)
    middle = RowHistory.objects.order_by("id").values_list("id", flat=True)[ctx.rows // 2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT xact FROM history_rowhistory WHERE id = %s", [middle])
        xact = cursor.fetchone()[0]
    feed = f"/api/v1/events/?limit=100&after={xact}.{middle}"

    def run_a():
        return client.get(feed)

    def run_b():
        return client.get("/api/v1/history/?page_size=100")

    page = run_a().json()
    assert page["more"] and page["next_cursor"] != f"{xact}.{middle}", page
    assert len(run_b().json()["results"]) == 100
    row = Row(
        "B13",
        f"events feed, 100 rows read from the middle of {ctx.rows:,} vs change log page of 100",
        B13,
    )
    return measure(row, run_a, run_b, memory=False)
