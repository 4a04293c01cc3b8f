"""Scenarios 1 and 2: an administrator changes the schema while 20 writers write.

    figures = under_writes(ctx, seconds=120)       # 10 adds, 3 renames, 2 trashes, 1 type
    figures = behind_a_row_lock(ctx, hold=5.0)     # one add waits for a 5 s row lock

The administrator works through the metadata API (`/api/v1/meta/...`), the path the
admin screens' saves take too (both call `SchemaService`). It touches only fields the
writers do not write. After every change `Propagation.wait` shows it in every web
worker and in the Celery worker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from modules.metamodel.models import EntityType
from tests.benchmarks.data import connect
from tests.soak.client import Api, Figures
from tests.soak.load import Context, Expect, Propagation, lost_writes, running
from tests.soak.world import LEGACY_VALUE, SLUG

FIELDS = f"/meta/entity-types/{SLUG}/fields/"
#: A request may take this long beyond the lock timeout for its own work, in a queue of
#: 20 writers on four sync workers and two cores.
STALL_MARGIN_MS = 1000
READERS = 2
#: Scenario 2 asks for the change this long after the row was locked.
CHANGE_AFTER = 0.5


@dataclass(frozen=True)
class Change:
    """One of the administrator's requests, and what shows once it is applied."""

    what: str
    method: str
    path: str
    body: dict | None
    status: int
    expect: Expect


def add(name: str, type_: str, **options) -> Change:
    body = {"api_name": name, "label": name.replace("_", " ").capitalize(), "type": type_}
    if options:
        body["options"] = options
    return Change(f"add {name} ({type_})", "POST", FIELDS, body, 201, Expect(frozenset({name})))


def rename(old: str, new: str) -> Change:
    body = {"api_name": new, "label": new.replace("_", " ").capitalize()}
    expect = Expect(present=frozenset({new}), absent=frozenset({old}))
    return Change(f"rename {old} to {new}", "PATCH", f"{FIELDS}{old}/", body, 200, expect)


def trash(name: str) -> Change:
    expect = Expect(absent=frozenset({name}))
    return Change(f"trash {name}", "DELETE", f"{FIELDS}{name}/", None, 204, expect)


def retype(name: str, type_: str) -> Change:
    expect = Expect(present=frozenset({name}), text=name)
    body = {"type": type_}
    return Change(f"change {name} to {type_}", "PATCH", f"{FIELDS}{name}/", body, 200, expect)


CHOICES = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
PLAN = [
    add("extra_01", "text"),
    add("extra_02", "integer"),
    add("extra_03", "decimal"),
    rename("extra_01", "renamed_01"),
    add("extra_04", "date"),
    trash("extra_02"),
    add("extra_05", "boolean"),
    retype("legacy_score", "text"),
    add("extra_06", "email"),
    rename("extra_03", "renamed_03"),
    add("extra_07", "choice", choices=CHOICES),
    add("extra_08", "url"),
    trash("extra_05"),
    add("extra_09", "percent"),
    rename("extra_04", "renamed_04"),
    add("extra_10", "phone"),
]


def _apply(admin: Api, propagation: Propagation, change: Change) -> None:
    saved = admin.call(
        change.method, change.path, kind="admin", expect=(change.status,), json=change.body
    )
    if admin.figures.check(f"{change.what}: saved", saved is not None):
        propagation.wait(change.what, change.expect)


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def under_writes(ctx: Context, seconds: float) -> Figures:
    """Scenario 1: the administrator's 16 changes spread over the writers' `seconds`."""
    figures = Figures("1 schema changes under load")
    figures.stall_target_ms = settings.SCHEMA_LOCK_TIMEOUT_MS + STALL_MARGIN_MS
    admin = Api(ctx.base_url, ctx.admin_token, figures)
    propagation = Propagation(ctx, figures)
    started = time.monotonic()
    with running(ctx, figures):
        for number, change in enumerate(PLAN):
            _sleep_until(started + (number + 0.5) * seconds / len(PLAN))
            _apply(admin, propagation, change)
        _sleep_until(started + seconds)
    figures.lost_writes = lost_writes(ctx, figures)
    propagation.report(len(PLAN))
    _check_converted(admin, figures)
    return figures


def _check_converted(admin: Api, figures: Figures) -> None:
    """The type change kept every stored value, as text."""
    listed = admin.call("GET", f"/{SLUG}/", kind="read", params={"page_size": 500})
    values = [row.get("legacy_score") for row in listed.json()["results"]] if listed else []
    wrong = [v for v in values if v != str(LEGACY_VALUE)]
    figures.check(
        f"legacy_score converted to text on all {len(values)} records",
        bool(values) and not wrong,
        f"{len(wrong)} differ" if wrong else "",
    )


def behind_a_row_lock(ctx: Context, seconds: float = 20.0, hold: float = 5.0) -> Figures:
    """Scenario 2: a transaction holds the probe record's row lock for `hold` seconds
    while the administrator adds a field; writers and readers go on meanwhile."""
    figures = Figures(f"2 {hold:.0f} s row lock during a change")
    timeout = settings.SCHEMA_LOCK_TIMEOUT_MS
    figures.stall_target_ms = timeout + STALL_MARGIN_MS
    admin = Api(ctx.base_url, ctx.admin_token, figures)
    propagation = Propagation(ctx, figures)
    locked = threading.Event()
    table = EntityType.objects.get(slug=SLUG).db_table
    holder = threading.Thread(
        target=_hold_row, args=(table, ctx.probe_id, hold, locked), daemon=True
    )
    started = time.monotonic()
    with running(ctx, figures, readers=READERS):
        _sleep_until(started + 3)
        holder.start()
        assert locked.wait(10), "The row lock was not taken."
        time.sleep(CHANGE_AFTER)
        asked = time.monotonic()
        body = {"api_name": "locked_extra", "label": "Locked extra", "type": "integer"}
        saved = admin.call("POST", FIELDS, kind="admin", expect=(201,), json=body)
        waited = time.monotonic() - asked
        holder.join()
        figures.check(
            "the change waited for the lock (retrying on its timeout), then was saved",
            saved is not None and waited >= hold - CHANGE_AFTER - 0.2,
            f"answered after {waited:.1f} s",
        )
        if saved is not None:
            propagation.wait("add locked_extra", Expect(present=frozenset({"locked_extra"})))
        _sleep_until(started + seconds)
    figures.lost_writes = lost_writes(ctx, figures)
    propagation.report(1)
    reads = figures.max_ms.get("read", 0.0)
    figures.check(
        f"no read or write took the lock timeout ({timeout} ms) + {STALL_MARGIN_MS} ms or more",
        figures.max_stall_ms < figures.stall_target_ms,
        f"max read {reads:.0f} ms, max write {figures.max_ms.get('write', 0.0):.0f} ms",
    )
    return figures


def _hold_row(table: str, record: int, hold: float, locked: threading.Event) -> None:
    """Another session: lock one record's row, keep the transaction open, commit."""
    with connect(settings.DATABASES["default"]) as conn:
        conn.autocommit = False
        conn.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE', [record])
        locked.set()
        time.sleep(hold)
        conn.commit()
