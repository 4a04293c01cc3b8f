"""B10: the change log's first page with filters vs the same page unfiltered.

The history table gets `ctx.rows` generated rows once (kept between runs, like the
records): spread over the bench entity types, 50 users, every operation and two
years. A = `GET /api/v1/history/` filtered by entity type, user, operation and a date
range; B = `GET /api/v1/history/` with no filter. Both pages hold 50 rows.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from modules.history.models import RowHistory
from modules.metamodel.models import EntityType
from tests.benchmarks.harness import Row, Target

ACTION = "bench"
USERS = 50


def ensure_history(rows: int, log=print) -> None:
    """`rows` generated history rows, made once with one INSERT … SELECT."""
    have = RowHistory.objects.filter(action=ACTION)[: rows + 1].count()
    if have == rows:
        return
    RowHistory.objects.filter(action=ACTION).delete()
    log(f"    generating {rows:,} history rows ...")
    types = list(EntityType.objects.order_by("id").values_list("id", flat=True))
    users = list(get_user_model().objects.order_by("id").values_list("id", flat=True)[:USERS])
    table = connection.ops.quote_name(RowHistory._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (entity_type_id, record_id, user_id, at, operation, action, "
            "batch, title, changes, labels) "
            "SELECT (%s::bigint[])[1 + n %% %s], n %% 100000 + 1, (%s::bigint[])[1 + n %% %s], "
            "now() - make_interval(secs => n * 63.0), "
            "(ARRAY['create','update','update','update','update','update','delete','restore',"
            "'import','anonymise'])[1 + (n / 7) %% 10], %s, '', 'Record ' || n, "
            "jsonb_build_object('1', jsonb_build_array('before ' || n, 'after ' || n)), "
            '\'{"1": "Name"}\'::jsonb FROM generate_series(1, %s) AS n',
            [types, len(types), users, len(users), ACTION, rows],
        )
        cursor.execute(f"ANALYZE {table}")


def b10_change_log(ctx, measure, client, check_page) -> Row:
    ensure_history(ctx.rows)
    # A user with generated updates of persons (not every user/type pair has rows).
    acting = (
        RowHistory.objects.filter(
            action=ACTION, entity_type__slug="persons", operation="update", at__year=2026
        )
        .values_list("user_id", flat=True)
        .first()
    )
    filtered = (
        f"/api/v1/history/?page_size=50&entity=persons&user={acting}&operation=update"
        "&since=2025-01-01&until=2026-12-31"
    )

    def run_a():
        return client.get(filtered)

    def run_b():
        return client.get("/api/v1/history/?page_size=50")

    for response in (run_a(), run_b()):
        check_page(response, 50)
    row = Row(
        "B10",
        f"change log page with 4 filters vs unfiltered, {ctx.rows:,} history rows",
        Target(p50=3.0, no_extra_queries=True),
    )
    return measure(row, run_a, run_b, plans=False)


def forget_recompute_history() -> None:
    """B5 re-scores 200k rows per call, and each call writes their history: drop it, so
    the table does not grow from run to run, and vacuum, so B10's pages do not walk the
    dead rows (the newest ones, first in its index)."""
    RowHistory.objects.filter(action="recompute").delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(RowHistory._meta.db_table)}")
