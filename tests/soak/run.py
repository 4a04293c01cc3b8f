"""`make soak`: start the servers on a fresh database, run the four scenarios, print figures.

    python -m tests.soak.run                        # what `make soak` runs
    SOAK_WRITE_SECONDS=30 make soak                 # a shorter scenario 1, to try changes

SOAK_DATABASE_URL (default tessera_soak on 127.0.0.1) is dropped and created again,
SOAK_REDIS_URL (default Redis database 12) emptied. gunicorn listens on 127.0.0.1 only,
on the first free port from SOAK_PORT (default 8700). Logs of every server process go
to tests/soak/.data/. The last lines printed are the figures table and the verdict;
the exit status is 0 only when every figure met its target.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
WRITERS = 20
#: How long a job's worker may stay silent before it counts as lost (default 60 s).
LEASE_SECONDS = "10"


def log(message: str) -> None:
    print(message, flush=True)


def environment() -> dict:
    """The settings every process of the soak runs with (the runner too)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": os.environ.get(
            "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tessera_soak"
        ),
        "REDIS_URL": os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/12"),
        "SECRET_KEY": "soak-only-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(DATA / "media"),
        "IMPORT_LEASE_SECONDS": LEASE_SECONDS,
        "RECOMPUTE_LEASE_SECONDS": LEASE_SECONDS,
    }


def _wait_for_web(cluster, token: str, probe: str | None = None) -> set[int]:
    """Block until all four web workers run and each has answered once; their pids."""
    import requests

    from tests.soak import WORKER_HEADER
    from tests.soak.processes import WEB_WORKERS

    deadline = time.monotonic() + 90
    answered: set[int] = set()
    headers = {"Authorization": f"Token {token}"}
    url = f"{cluster.base_url}/api/v1/{probe or 'meta/entity-types/'}"
    while time.monotonic() < deadline:
        assert not cluster.alive(), f"A server process died: {cluster.alive()}"
        try:
            answer = requests.get(url, headers=headers, timeout=30)
        except requests.RequestException:
            time.sleep(0.2)
            continue
        answered.add(int(answer.headers[WORKER_HEADER]))
        pids = cluster.web_workers()
        if len(pids) == WEB_WORKERS and pids <= answered:
            return pids
    raise RuntimeError("The web workers did not all answer within 90 s.")


def schema_matches_tables() -> list[str]:
    """Every column the metadata names exists, and no table has a column it does not name."""
    from django.db import connection

    from modules.metamodel.ddl import physical_model
    from modules.metamodel.models import EntityType

    problems = []
    for entity in EntityType.objects.order_by("id"):
        wanted = {f.column for f in physical_model(entity.pk)._meta.concrete_fields}
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, entity.db_table)
        stored = {column.name for column in description}
        missing, unnamed = sorted(wanted - stored), sorted(stored - wanted)
        if missing or unnamed:
            problems.append(f"{entity.slug}: missing {missing}, unnamed {unnamed}")
    return problems


def _after_scenario(figures, cluster, ctx) -> None:
    now = cluster.web_workers()
    figures.check(
        "the same four web workers served throughout (none restarted or timed out)",
        now == ctx.web_pids,
        "" if now == ctx.web_pids else f"{sorted(ctx.web_pids)} then {sorted(now)}",
    )
    problems = schema_matches_tables()
    figures.check(
        "metadata and tables agree (no half-applied change)", not problems, "; ".join(problems)
    )


def run(seconds: float) -> list:
    """Build everything, run the scenarios, return their figures (servers stopped)."""
    from tests.soak import bootstrap
    from tests.soak.processes import Cluster, free_port

    env = environment()
    os.environ.update(env)
    config = bootstrap.database_config(env["DATABASE_URL"])
    log(f"Creating {config['NAME']} and emptying {env['REDIS_URL']} ...")
    bootstrap.recreate_database(config)
    bootstrap.flush_redis(env["REDIS_URL"])
    import django

    django.setup()
    bootstrap.migrate()
    people = bootstrap.make_people(WRITERS)
    first = int(os.environ.get("SOAK_PORT", "8700"))
    port = free_port(first, first + 99)
    with Cluster(env, port, DATA) as cluster:
        log(f"Starting gunicorn (4 workers) on 127.0.0.1:{port} and one Celery worker ...")
        cluster.start_web()
        cluster.start_worker()
        _wait_for_web(cluster, people.admin_token)
        return _scenarios(cluster, people, seconds)


def _scenarios(cluster, people, seconds: float) -> list:
    from project.celery import app
    from tests.soak import faults, schema_changes, world
    from tests.soak.client import Figures
    from tests.soak.load import Context, Writer

    log("Creating the entity types, the writers' records and the rows to score ...")
    setup = Figures("setup")
    built = world.build(cluster.base_url, people, setup)
    app.send_task("soak.fields", args=[world.SLUG]).get(timeout=120)
    pids = _wait_for_web(cluster, people.admin_token, f"{world.SLUG}/{built.probe_id}/")
    writers = [Writer(name, token, built.writer_records[name]) for name, token in people.writers]
    ctx = Context(cluster.base_url, people.admin_token, built.probe_id, pids, writers, app)
    results = []
    log(f"1: {WRITERS} writers for {seconds:.0f} s while the administrator changes the schema ...")
    results.append(schema_changes.under_writes(ctx, seconds))
    _after_scenario(results[-1], cluster, ctx)
    log("2: a 5 s row lock held during a schema change, writers and readers going on ...")
    results.append(schema_changes.behind_a_row_lock(ctx))
    _after_scenario(results[-1], cluster, ctx)
    log("3: the Celery worker killed during an import ...")
    results.append(faults.killed_during_import(ctx, cluster))
    _after_scenario(results[-1], cluster, ctx)
    log("4: the Celery worker killed during a segmentation recompute ...")
    results.append(faults.killed_during_recompute(ctx, cluster, built))
    _after_scenario(results[-1], cluster, ctx)
    return results


def main() -> int:
    from tests.soak.report import details, table

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    DATA.mkdir(exist_ok=True)
    for old in DATA.glob("*.log"):
        old.unlink()
    shutil.rmtree(DATA / "media", ignore_errors=True)
    (DATA / "media").mkdir()
    seconds = float(os.environ.get("SOAK_WRITE_SECONDS", "120"))
    started = time.monotonic()
    try:
        results = run(seconds)
    except KeyboardInterrupt:
        log("\nmake soak: interrupted; the servers are stopped.")
        return 130
    except Exception:
        traceback.print_exc()
        log(f"\nmake soak: ERROR, nothing measured to the end (server logs: {DATA}).")
        return 2
    passed = all(figures.passed for figures in results)
    log("")
    log(details(results))
    log("")
    log(table(results))
    verdict = "PASS" if passed else f"FAIL (server logs: {DATA.relative_to(HERE.parents[1])})"
    log(f"make soak: {verdict} in {time.monotonic() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
