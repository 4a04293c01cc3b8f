"""`make bench`: build (or reuse) the benchmark database, measure, print one table.

    BENCH_ROWS=1000000 python -m tests.benchmarks.run     # what `make bench` runs
    BENCH_ROWS=50000 make bench                           # a quick run
    BENCH_FRESH=1 make bench                              # rebuild the data first

The table is also written to tests/benchmarks/results.md with the machine and
versions. Nothing here asserts on timings: a missed target is printed as FAIL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tessera_bench")
os.environ.setdefault("SECRET_KEY", "bench")

import django

from tests.benchmarks import data
from tests.benchmarks.schema import BenchEntity, bench_entities, create_schema

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
RAW = HERE / ".data" / "results.json"
ADMIN = "bench_admin"


def log(message: str) -> None:
    print(message, flush=True)


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "1000000").replace("_", ""))
    assert rows >= 10_000, "Give BENCH_ROWS of at least 10000 (the small type has 10% of it)."
    started = time.perf_counter()
    config = data.database_config()
    fresh = os.environ.get("BENCH_FRESH") == "1" or not data.marker_matches(config, rows)
    if fresh:
        log(f"Creating the database {config['NAME']} ...")
        data.recreate_database(config)
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    entities = bench_entities(rows)
    if not fresh and not _structure_ok(config, entities):
        log("The stored tables no longer match the runtime models: rebuilding the data.")
        connections.close_all()
        data.recreate_database(config)
        call_command("migrate", verbosity=0)
        fresh = True
    generation = _generate(config, entities, rows) if fresh else None
    if not fresh:
        log(f"Reusing the data in {config['NAME']} ({rows:,} persons).")
    context = _context(rows, entities)
    load_before = os.getloadavg()[0]
    log("Measuring ...")
    from tests.benchmarks.cases import run_cases

    table_rows = run_cases(context, log=log)
    elapsed = time.perf_counter() - started
    load = f"{load_before:.2f} before measuring, {os.getloadavg()[0]:.2f} after"
    report = _report(table_rows, rows, generation, elapsed, load)
    log("")
    log(report["table"])
    RESULTS.write_text(report["markdown"])
    RAW.parent.mkdir(exist_ok=True)
    RAW.write_text(json.dumps(report["raw"], indent=2))
    log(f"\nWritten to {RESULTS.relative_to(HERE.parent.parent)} ({elapsed:.0f} s in all).")


# -- data -------------------------------------------------------------------------------
def _structure_ok(config: dict, entities: list[BenchEntity]) -> bool:
    """The reused tables have every column the runtime models read, and room for more."""
    from django.db import connection

    from modules.metamodel.ddl import physical_model
    from modules.metamodel.models import EntityType

    for entity in entities:
        row = EntityType.objects.filter(slug=entity.slug).first()
        if row is None:
            return False
        live = set(row.fields.alive().values_list("api_name", flat=True))
        if live != {f.api_name for f in entity.fields}:
            return False
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, row.db_table)
        stored = {c.name for c in description}
        wanted = {f.column for f in physical_model(row.pk)._meta.concrete_fields}
        if not wanted <= stored or data.column_count(config, row.db_table) > data.MAX_ATTNUM:
            return False
    return True


def _generate(config: dict, entities: list[BenchEntity], rows: int) -> float:
    from django.contrib.auth import get_user_model

    from modules.access.models import RecordGrant
    from modules.accounts.models import Membership, Team
    from modules.metamodel.models import EntityType

    started = time.perf_counter()
    people = [get_user_model()._meta.db_table, Team._meta.db_table, Membership._meta.db_table]
    user_table = people[0]
    log(f"Generating data: {', '.join(f'{e.rows:,} {e.slug}' for e in entities)}")
    data.create_people(config, *people)
    create_schema(entities)
    log(f"  schema created through SchemaService in {time.perf_counter() - started:.1f} s")
    rows_by_slug = {e.slug: e.rows for e in entities}
    plans = []
    for entity in entities:
        row = EntityType.objects.get(slug=entity.slug)
        fields = list(row.fields.alive().select_related("target_entity"))
        plans.append(
            data.TablePlan(
                entity=entity,
                table=row.db_table,
                columns={f.api_name: f.column for f in fields},
                targets={
                    f.api_name: rows_by_slug[f.target_entity.slug]
                    for f in fields
                    if f.target_entity_id
                },
                user_table=user_table,
                entity_type_id=row.pk,
            )
        )
    data.load_rows(config, plans, log=log)
    data.load_grants(config, plans, RecordGrant._meta.db_table, people, log=log)
    data.write_marker(config, rows)
    seconds = time.perf_counter() - started
    log(f"  data generated in {seconds:.1f} s")
    return seconds


def _context(rows: int, entities: list[BenchEntity]):
    from django.contrib.auth import get_user_model

    from modules.metamodel.models import EntityType
    from tests.benchmarks.cases import Context
    from tests.benchmarks.static import StaticModels

    admin, _created = get_user_model().objects.get_or_create(
        username=ADMIN, defaults={"is_superuser": True, "is_staff": True}
    )
    types = {t.slug: t for t in EntityType.objects.filter(slug__in=[e.slug for e in entities])}
    columns = {slug: {f.api_name: f.column for f in t.fields.alive()} for slug, t in types.items()}
    tables = {slug: t.db_table for slug, t in types.items()}
    small = next(e.rows for e in entities if e.slug == "persons_small")
    user, manager = _team_people()
    static = StaticModels.build(columns, tables)
    segmented = next(e.rows for e in entities if e.slug == "segmented_a")
    return Context(
        rows, small, admin, static, tables, user=user, manager=manager, segmented_rows=segmented
    )


def _team_people():
    """B4's acting people, both from the generated team `MANAGER_TEAM`: its first member
    with the role User, and its manager (whose subtree holds 23 of the 50 teams)."""
    from django.contrib.auth import get_user_model

    members = (
        get_user_model()
        .objects.filter(
            memberships__team__name=f"{data.TEAM_PREFIX}{data.MANAGER_TEAM}",
            is_superuser=False,
        )
        .order_by("id")
    )
    return members.filter(memberships__role="user").first(), members.get(
        memberships__role="manager"
    )


# -- report -----------------------------------------------------------------------------
def _machine() -> dict:
    import rest_framework
    from django.db import connection

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)),
        "RAM": f"{kib / 1024 / 1024:.1f} GiB",
        "CPU": cpu,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "DRF": rest_framework.VERSION,
        "PostgreSQL": postgres,
    }


def _number(value: float) -> str:
    return f"{value:.3g}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def _cells(row) -> list[str]:
    verdict = row.verdict()
    if not row.measured:
        return [row.key, row.what, verdict, "", "", "", "", row.target.describe(), verdict]
    p50, p95 = row.ratios()
    unit = f" {row.unit}"
    memory = f"{row.memory[0] / 1024:.0f} / {row.memory[1] / 1024:.0f} KiB" if row.memory else "-"
    return [
        row.key,
        row.what,
        f"{_number(row.a.p50)} / {_number(row.a.p95)}{unit}",
        f"{_number(row.b.p50)} / {_number(row.b.p95)}{unit}",
        f"{p50:.2f} / {p95:.2f}",
        f"{row.queries[0]} / {row.queries[1]}" if row.queries else "-",
        memory,
        row.target.describe(),
        verdict,
    ]


def _table(table_rows) -> str:
    header = ["#", "what (A vs B)", "A p50 / p95", "B p50 / p95", "ratio p50 / p95"]
    header += ["queries A / B", "peak mem A / B", "target", "result"]
    lines = [header, *(_cells(r) for r in table_rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def render(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([render(header), rule, *(render(c) for c in lines[1:])])


def _report(table_rows, rows: int, generation: float | None, elapsed: float, load: str) -> dict:
    machine = {**_machine(), "load average (1 min)": load}
    table = _table(table_rows)
    notes = [
        f"- {r.key}: {'; '.join([f'{r.a.n} rounds per side', *r.notes])}."
        for r in table_rows
        if r.measured
    ]
    first_run = (
        f"{generation:.0f} s (this run generated the data)"
        if generation is not None
        else "not in this run (the data was reused)"
    )
    markdown = "\n".join(
        [
            "# Benchmark results",
            "",
            "Written by `make bench` (`tests/benchmarks/run.py`); each run replaces this file.",
            "A is the product path, B the baseline; both run in one process, alternating",
            "(ABBA) after a warm-up. Times are per request (ms) or per serialized object",
            "(µs/obj); query counts and peak Python memory (tracemalloc) come from separate",
            "untimed passes.",
            "",
            "| machine | |",
            "|---|---|",
            *(f"| {key} | {value} |" for key, value in machine.items()),
            f"| persons rows | {rows:,} |",
            f"| data generation | {first_run} |",
            f"| whole run | {elapsed:.0f} s |",
            "",
            table,
            "",
            *notes,
            "",
        ]
    )
    raw = {
        "machine": machine,
        "rows": rows,
        "generation_seconds": generation,
        "elapsed_seconds": elapsed,
        "results": [
            {
                "key": r.key,
                "what": r.what,
                "unit": r.unit,
                "a": r.a and vars(r.a),
                "b": r.b and vars(r.b),
                "queries": r.queries,
                "memory": r.memory,
                "target": r.target.describe(),
                "result": r.verdict(),
            }
            for r in table_rows
        ],
    }
    return {"table": table, "markdown": markdown, "raw": raw}


if __name__ == "__main__":
    main()
