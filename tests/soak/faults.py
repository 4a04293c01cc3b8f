"""Scenarios 3 and 4: the Celery worker is killed (SIGKILL) during an import and a recompute.

    figures = killed_during_import(ctx, cluster)        # the import ends failed, nothing in
    figures = killed_during_recompute(ctx, cluster, world)  # the recompute resumes, finishes

Both wait for the job's first progress report, kill the worker's process group, start
a new worker, let the job's lease run out and send the beat task that looks for lost
jobs (`fail_dead_imports`, `resume_dead_recomputes`), as `celery beat` would within a
minute. The servers run with short leases (IMPORT_LEASE_SECONDS and
RECOMPUTE_LEASE_SECONDS, see `run.py`), so this takes seconds.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from modules.history.models import RowHistory
from modules.metamodel.models import EntityType
from modules.transfer.models import ImportedRow
from tests.soak.client import Api, Figures
from tests.soak.load import Context
from tests.soak.processes import Cluster
from tests.soak.world import EXPECTED_SCORE, EXPECTED_SEGMENT, SCHEME, SCORED, SLUG, World

IMPORT_ROWS = 20_000
MAPPING = {"writer": "writer", "counter": "counter", "note": "note"}


def _poll(read, timeout: float, interval: float = 0.1):
    """`read()` until it returns something true, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = read()
        if found:
            return found
        time.sleep(interval)
    return None


def _scalar(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()


def _rows(slug: str) -> int:
    table = EntityType.objects.get(slug=slug).db_table
    return _scalar(f'SELECT count(*) FROM "{table}"')[0]


def _restart_worker(ctx: Context, cluster: Cluster) -> None:
    cluster.start_worker()
    ctx.app.send_task("soak.fields", args=[SLUG]).get(timeout=120)


def _checked_import(admin: Api, rows: int, tag: str) -> int | None:
    """Upload a CSV of `rows` new records and dry-run it; the batch id."""
    lines = ["writer,counter,note", *(f"{tag},{i},row {i}" for i in range(rows))]
    upload = admin.call(
        "POST",
        f"/{SLUG}/imports/",
        kind="admin",
        expect=(201,),
        files={"file": (f"{tag}.csv", "\n".join(lines).encode(), "text/csv")},
    )
    if upload is None:
        return None
    batch = upload.json()["id"]
    checked = admin.call(
        "POST",
        f"/imports/{batch}/dry-run/",
        kind="admin",
        json={"mapping": MAPPING, "mode": "create"},
    )
    return batch if checked is not None and checked.json()["status"] == "checked" else None


def _batch(admin: Api, batch: int) -> dict:
    answer = admin.call("GET", f"/imports/{batch}/", kind="read")
    return answer.json() if answer is not None else {}


def killed_during_import(ctx: Context, cluster: Cluster) -> Figures:
    """Scenario 3: the import's transaction dies with the worker; the batch ends failed."""
    figures = Figures("3 worker killed mid-import")
    admin = Api(ctx.base_url, ctx.admin_token, figures)
    before = _rows(SLUG)
    batch = _checked_import(admin, IMPORT_ROWS, "killed")
    if not figures.check(f"an import of {IMPORT_ROWS:,} rows was checked", batch is not None):
        return figures
    admin.call("POST", f"/imports/{batch}/run/", kind="admin", expect=(202,))

    def under_way():
        state = _batch(admin, batch)
        progress = state.get("progress", {})
        return state if state.get("status") == "running" and progress.get("done") else None

    running = _poll(under_way, timeout=120)
    cluster.kill_worker()
    killed = time.monotonic()
    done = running["progress"]["done"] if running else 0
    figures.check(
        "the worker was killed while the import was writing",
        running is not None and 0 < done < IMPORT_ROWS,
        f"{done:,} of {IMPORT_ROWS:,} rows done",
    )
    _restart_worker(ctx, cluster)
    time.sleep(max(0.0, killed + settings.IMPORT_LEASE_SECONDS + 1 - time.monotonic()))
    failed = ctx.app.send_task("modules.transfer.tasks.fail_dead_imports").get(timeout=60)
    state = _batch(admin, batch)
    figures.check(
        "once its lease ran out, the beat task marked the import failed",
        failed == 1 and state.get("status") == "failed",
        f"{failed} failed by the task; status {state.get('status')}: {state.get('error')}",
    )
    records = _rows(SLUG) - before
    history = RowHistory.objects.filter(batch=f"import-{batch}").count()
    undo_rows = ImportedRow.objects.filter(batch_id=batch).count()
    figures.half_applied = records + history + undo_rows
    figures.check(
        "nothing of the killed import is stored",
        figures.half_applied == 0,
        f"{records} records, {history} history rows, {undo_rows} undo rows",
    )
    _next_import(ctx, admin, figures)
    return figures


def _next_import(ctx: Context, admin: Api, figures: Figures) -> None:
    """The new worker takes the next import through to the end."""
    before = _rows(SLUG)
    batch = _checked_import(admin, 100, "after")
    if batch is None:
        figures.check("the new worker ran the next import", False, "it could not be checked")
        return
    admin.call("POST", f"/imports/{batch}/run/", kind="admin", expect=(202,))

    def ended():
        state = _batch(admin, batch)
        return state if state.get("status") in ("done", "failed") else None

    state = _poll(ended, 120)
    status = state["status"] if state else "still running"
    figures.check(
        "the new worker ran the next import to the end",
        status == "done" and _rows(SLUG) - before == 100,
        f"status {status}, {_rows(SLUG) - before} records added",
    )


def killed_during_recompute(ctx: Context, cluster: Cluster, world: World) -> Figures:
    """Scenario 4: a recompute commits batch by batch; killed, it is resumed and finishes."""
    figures = Figures("4 worker killed mid-recompute")
    admin = Api(ctx.base_url, ctx.admin_token, figures)
    path = f"/meta/entity-types/{SCORED}/segmentation/"
    saved = admin.call("PUT", path, kind="admin", json=SCHEME)
    if not figures.check("the scheme was saved", saved is not None):
        return figures
    run_id = saved.json()["recompute"]["id"]

    def recompute():
        answer = admin.call("GET", path, kind="read")
        return answer.json()["recompute"] if answer is not None else {}

    def under_way():
        state = recompute()
        return state if state.get("status") == "running" and state.get("done") else None

    def ended():
        state = recompute()
        return state if state.get("status") not in ("running", "pending", None) else None

    running = _poll(under_way, 120)
    cluster.kill_worker()
    killed = time.monotonic()
    table, column = world.scored_table, world.scored_column
    total, unscored = _scalar(
        f'SELECT count(*), count(*) FILTER (WHERE score IS NULL) FROM "{table}"'
    )
    figures.check(
        "the worker was killed with the recompute part-way",
        running is not None and 0 < unscored < total,
        f"{total - unscored:,} of {total:,} rows re-scored when it died",
    )
    _restart_worker(ctx, cluster)
    time.sleep(max(0.0, killed + settings.RECOMPUTE_LEASE_SECONDS + 1 - time.monotonic()))
    stuck = recompute()
    resumed = ctx.app.send_task("modules.segmentation.tasks.resume_dead_recomputes").get(timeout=60)
    finished = _poll(ended, 180)
    status = finished["status"] if finished else "still running"
    figures.check(
        "once its lease ran out, the beat task resumed it and it finished",
        stuck.get("status") == "running" and resumed == 1 and status == "done",
        f"{stuck.get('status')} before, {resumed} resumed, then {status}",
    )
    expected_score = EXPECTED_SCORE.format(p=f'"{column}"')
    expected_segment = EXPECTED_SEGMENT.format(s=expected_score)
    figures.half_applied = _scalar(
        f'SELECT count(*) FROM "{table}" WHERE score IS DISTINCT FROM ({expected_score}) '
        f"OR segment IS DISTINCT FROM ({expected_segment})"
    )[0]
    figures.check(
        "every row holds the new scheme's score and segment",
        figures.half_applied == 0,
        f"{figures.half_applied:,} rows differ",
    )
    history, records = _scalar(
        f'SELECT count(*), count(DISTINCT record_id) FROM "{RowHistory._meta.db_table}" '
        "WHERE batch = %s",
        [f"recompute-{run_id}"],
    )
    figures.check(
        "each row was re-scored once (one history row each)",
        history == records == total,
        f"{history:,} history rows for {records:,} records of {total:,}",
    )
    return figures
