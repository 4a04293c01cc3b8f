"""The benchmark database: created once, filled in SQL with generate_series, then reused.

    config = database_config()                 # from DATABASE_URL
    if not marker_matches(config, rows): recreate_database(config)
    ... migrate, create_schema(entities) ...
    load_rows(config, plans)                   # INSERT ... SELECT, indexes, VACUUM
    load_grants(config, plans, grants, people) # participants on a third of the records
    write_marker(config, rows)

Rows are never written through the ORM one by one: each table is one or two
`INSERT ... SELECT ... FROM generate_series(...)` statements over its real
`f_<id>` columns (read from FieldDefinition), with the non-primary indexes
dropped during the load and built again afterwards. Participants (RecordGrant rows)
are written the same way once the records are in.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import environ
import psycopg

from tests.benchmarks.schema import BenchEntity, BenchField

MARKER_TABLE = "bench_marker"
#: Bump when the generated data changes shape, so old databases are rebuilt.
DATA_VERSION = "7"
OWNERS = 500
TEAMS = 50
OWNER_PREFIX = "bench_owner_"
TEAM_PREFIX = "Bench team "
#: B4's manager leads this team: 23 teams in its subtree (2, 5-7, 14-22, 41-50), so
#: 230 of the 500 owners; team 1 is the root, whose subtree would be everyone.
MANAGER_TEAM = 2
#: Every third record (ids 3, 6, 9, ...) has one participant: a user on ids 6, 12, ...,
#: a team on ids 3, 9, ... (RecordGrant rows, role "participant").
PARTICIPANT_EVERY = 3
#: PostgreSQL keeps dropped columns until a rewrite, and allows 1,600 in all.
MAX_ATTNUM = 1_200
CHUNK_ROWS = 250_000

#: Default SQL per field type; a list of (column suffix, template) for each column.
TYPE_SQL: dict[str, list[tuple[str, str]]] = {
    "text": [("", "'Text ' || ({r} % 100000)")],
    "long_text": [
        (
            "",
            "CASE WHEN {r} % 4 = 0"
            " THEN repeat('Lorem ipsum dolor sit amet. ', (1 + {r} % 6)::int) END",
        )
    ],
    "integer": [("", "{r} % 1000")],
    "decimal": [("", "round(({r} % 10000000) / 100.0, 2)")],
    "percent": [("", "round(({r} % 10000) / 100.0, 2)")],
    "money": [
        ("", "round(({r} % 100000000) / 100.0, 2)"),
        ("_currency", "(ARRAY['PLN','EUR','USD'])[1 + {r} % 3]"),
    ],
    "date": [("", "DATE '1950-01-01' + ({r} % 20000)::int")],
    "datetime": [("", "TIMESTAMPTZ '2020-01-01 00:00:00+00' + ({r} % 150000000) * INTERVAL '1s'")],
    "boolean": [("", "{r} % 2 = 0")],
    "email": [("", "'user' || {i} || '@example' || ({r} % 100) || '.com'")],
    "phone": [("", "'+48 ' || (500000000 + {r} % 99999999)")],
    "url": [("", "'https://example.com/p/' || {i}")],
    "user": [("", "o.ids[1 + {r} % o.n]")],
    "tags": [
        (
            "",
            "CASE WHEN {r} % 3 = 0 THEN NULL ELSE "
            "jsonb_build_array((ARRAY['vip','news','partner','b2b','lead'])[1 + {r} % 5]) END",
        )
    ],
    "auto_number": [("", "'N-' || {i}")],
}


@dataclass(frozen=True)
class TablePlan:
    """Where one entity type's rows go: its table, its columns per field, its row count."""

    entity: BenchEntity
    table: str
    columns: dict[str, str]  # api name -> column (f_<id>)
    targets: dict[str, int]  # api name -> row count of the relation's target
    user_table: str = "accounts_user"
    entity_type_id: int = 0


def database_config() -> dict:
    """Connection settings from DATABASE_URL (PostgreSQL only)."""
    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    assert "postgresql" in config["ENGINE"], "The benchmarks need PostgreSQL (DATABASE_URL)."
    return config


def connect(config: dict, dbname: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname=dbname or config["NAME"],
        autocommit=True,
    )


def marker_matches(config: dict, rows: int) -> bool:
    """Whether the database holds a finished load of `rows` rows in this data version."""
    try:
        with connect(config) as conn:
            found = conn.execute(f"SELECT rows, version FROM {MARKER_TABLE}").fetchone()
    except psycopg.Error:
        return False
    return found == (rows, DATA_VERSION)


def recreate_database(config: dict) -> None:
    name = config["NAME"]
    with connect(config, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def write_marker(config: dict, rows: int) -> None:
    with connect(config) as conn:
        conn.execute(f"CREATE TABLE {MARKER_TABLE} (rows bigint, version text, at timestamptz)")
        conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, now())", [rows, DATA_VERSION])


def create_people(config: dict, users: str, teams: str, memberships: str) -> None:
    """500 owners, 50 teams in a tree (each team's parent is team (n - 2) // 3 + 1) and
    10 owners per team, the first of them its manager; one INSERT ... SELECT each."""
    team = f"'{TEAM_PREFIX}' || "
    with connect(config) as conn:
        conn.execute(
            f"INSERT INTO {users} (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, status, must_change_password)"
            f" SELECT '!', false, '{OWNER_PREFIX}' || g, 'Owner', g::text,"
            " 'owner' || g || '@example.com', false, true, now(), 'active', false"
            f" FROM generate_series(1, {OWNERS}) AS g"
        )
        conn.execute(
            f"INSERT INTO {teams} (name, parent_id) SELECT {team} g, NULL"
            f" FROM generate_series(1, {TEAMS}) AS g"
        )
        conn.execute(
            f"UPDATE {teams} AS child SET parent_id = parent.id"
            f" FROM generate_series(2, {TEAMS}) AS g, {teams} AS parent"
            f" WHERE child.name = {team} g AND parent.name = {team} ((g - 2) / 3 + 1)"
        )
        conn.execute(
            f"INSERT INTO {memberships} (user_id, team_id, role)"
            f" SELECT o.id, t.id, CASE WHEN o.k <= {TEAMS} THEN 'manager' ELSE 'user' END"
            f" FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM {users}"
            f"       WHERE username LIKE '{OWNER_PREFIX}%') AS o"
            f" JOIN {teams} AS t ON t.name = {team} ((o.k - 1) % {TEAMS} + 1)"
        )


def column_count(config: dict, table: str) -> int:
    """Columns PostgreSQL counts against its limit, dropped ones included."""
    with connect(config) as conn:
        row = conn.execute(
            "SELECT max(attnum) FROM pg_attribute WHERE attrelid = %s::regclass", [table]
        ).fetchone()
    return row[0] or 0


# -- SQL ----------------------------------------------------------------------------
_PRIMES = (
    2654435761, 2246822519, 3266489917, 668265263, 374761393, 1609587929, 1103515245,
    1181783497, 2034375551, 1500450271, 3367900313, 1073741827, 2147483659, 1200000041,
)  # fmt: skip


def _random(n: int) -> str:
    """A pseudo-random bigint >= 0 for row `g.i`, different for each column number `n`."""
    prime = _PRIMES[n % len(_PRIMES)] + 2 * (n // len(_PRIMES))
    return f"((g.i::bigint * {prime} + {n * 7919}) % 2147483629)"


def _field_sql(spec: BenchField, plan: TablePlan) -> list[tuple[str, str]]:
    if spec.sql is not None:
        return [("", spec.sql)]
    if spec.type == "choice":
        values = ",".join(f"'{c['value']}'" for c in spec.options["choices"])
        count = len(spec.options["choices"])
        return [("", f"(ARRAY[{values}])[1 + {{r}} % {count}]")]
    if spec.type == "multi_choice":
        values = ",".join(f"'{c['value']}'" for c in spec.options["choices"])
        count = len(spec.options["choices"])
        pick = f"(ARRAY[{values}])[1 + {{r}} % {count}]"
        return [("", f"CASE WHEN {{r}} % 4 = 0 THEN NULL ELSE jsonb_build_array({pick}) END")]
    if spec.type == "relation":
        return [("", f"1 + {{r}} % {plan.targets[spec.api_name]}")]
    assert spec.type in TYPE_SQL, f"Add SQL for the field type {spec.type!r} to TYPE_SQL."
    return TYPE_SQL[spec.type]


def _people_sql(table: str, prefix: str, column: str) -> str:
    """One row: the ids (`ids`, in id order) and number (`n`) of the generated owners or teams."""
    return (
        f"(SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM {table}"
        f" WHERE {column} LIKE '{prefix}%')"
    )


def insert_sql(plan: TablePlan, first: int, last: int) -> str:
    """One INSERT ... SELECT for rows `first`..`last` (ids equal the row numbers)."""
    owner = "o.ids[1 + {r} % o.n]"
    system = [
        ("id", "{i}"),
        ("created_at", "TIMESTAMPTZ '2021-01-01 00:00:00+00' + {i} * INTERVAL '1 minute'"),
        (
            "updated_at",
            "TIMESTAMPTZ '2021-01-01 00:00:00+00' + ({i} + {r} % 1000) * INTERVAL '1 minute'",
        ),
        (
            "visibility",
            "CASE WHEN {r} % 100 < 70 THEN 'public' WHEN {r} % 100 < 95"
            " THEN 'non_public' ELSE 'hidden' END",
        ),
        ("version", "1"),
        ("deleted_at", "CASE WHEN {r} % 100 = 0 THEN TIMESTAMPTZ '2024-01-01 00:00:00+00' END"),
    ]
    columns = [(name, sql.format(i="g.i", r=_random(n))) for n, (name, sql) in enumerate(system)]
    owner_sql = owner.format(r=_random(99))
    columns += [(name, owner_sql) for name in ("owner_id", "created_by_id", "updated_by_id")]
    if plan.entity.segmentation:
        columns.append(("score", f"{_random(98)} % 100"))
        columns.append(("segment", f"(ARRAY['A','B','C'])[1 + {_random(97)} % 3]"))
    number = 100
    for spec in plan.entity.fields:
        for suffix, sql in _field_sql(spec, plan):
            number += 1
            column = plan.columns[spec.api_name] + suffix
            columns.append((column, sql.format(i="g.i", r=_random(number))))
    names = ", ".join(name for name, _sql in columns)
    values = ",\n  ".join(sql for _name, sql in columns)
    return (
        f"INSERT INTO {plan.table} ({names})\nSELECT\n  {values}\n"
        f"FROM generate_series({first}, {last}) AS g(i)\n"
        f"CROSS JOIN {_people_sql(plan.user_table, OWNER_PREFIX, 'username')} AS o"
    )


def grants_sql(plan: TablePlan, grants: str, teams: str) -> str:
    """One INSERT ... SELECT of the participants of every third record of one table,
    alternately a user (ids 6, 12, ...) and a team (ids 3, 9, ...), picked pseudo-randomly."""
    every = PARTICIPANT_EVERY
    assert plan.entity_type_id, "The plan needs its entity type's id."
    user, team = _random(201), _random(202)
    return (
        f"INSERT INTO {grants} (entity_type_id, record_id, role, user_id, team_id)\n"
        f"SELECT {plan.entity_type_id}, g.i, 'participant',\n"
        f"  CASE WHEN g.i % {2 * every} = 0 THEN o.ids[1 + {user} % o.n] END,\n"
        f"  CASE WHEN g.i % {2 * every} <> 0 THEN t.ids[1 + {team} % t.n] END\n"
        f"FROM generate_series({every}, {plan.entity.rows}, {every}) AS g(i)\n"
        f"CROSS JOIN {_people_sql(plan.user_table, OWNER_PREFIX, 'username')} AS o\n"
        f"CROSS JOIN {_people_sql(teams, TEAM_PREFIX, 'name')} AS t"
    )


# -- loading --------------------------------------------------------------------------
def _session(conn: psycopg.Connection) -> None:
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '512MB'")
    # The generated values are consistent by construction: skip the per-row FK triggers.
    conn.execute("SET session_replication_role = replica")


def _drop_indexes(config: dict, table: str) -> list[str]:
    """Drop the secondary indexes (built faster after the load); return their definitions."""
    with connect(config) as conn:
        rows = conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
            [table],
        ).fetchall()
        for name, _definition in rows:
            conn.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _run(config: dict, statements: list[str]) -> None:
    with connect(config) as conn:
        _session(conn)
        for sql in statements:
            conn.execute(sql)


def load_rows(config: dict, plans: list[TablePlan], log=print) -> None:
    """Fill every table, two statements at a time (two cores), then index and vacuum."""
    indexes = {plan.table: _drop_indexes(config, plan.table) for plan in plans}
    inserts = []
    for plan in plans:
        for first in range(1, plan.entity.rows + 1, CHUNK_ROWS):
            last = min(plan.entity.rows, first + CHUNK_ROWS - 1)
            inserts.append([insert_sql(plan, first, last)])
    started = time.perf_counter()
    _parallel(config, inserts)
    log(f"  rows inserted in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    _parallel(config, [[sql] for table in indexes for sql in indexes[table]])
    log(f"  indexes built in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    finish = []
    for plan in plans:
        finish.append(
            [
                f"SELECT setval(pg_get_serial_sequence('{plan.table}', 'id'), {plan.entity.rows})",
                f"VACUUM (FREEZE, ANALYZE) {plan.table}",
            ]
        )
    _parallel(config, [*finish, [f"VACUUM ANALYZE {plans[0].user_table}"]])
    log(f"  vacuumed and analysed in {time.perf_counter() - started:.1f} s")


def load_grants(
    config: dict, plans: list[TablePlan], grants: str, people: list[str], log=print
) -> None:
    """Participants on every third record of every table (indexes built after the load),
    then ANALYZE the grants, team and membership tables the engine reads (users: load_rows).
    `people` is [users, teams, memberships]."""
    indexes = _drop_indexes(config, grants)
    started = time.perf_counter()
    _parallel(config, [[grants_sql(plan, grants, people[1])] for plan in plans])
    _parallel(config, [[sql] for sql in indexes])
    _run(config, [f"VACUUM ANALYZE {table}" for table in [grants, *people[1:]]])
    with connect(config) as conn:
        count = conn.execute(f"SELECT count(*) FROM {grants}").fetchone()[0]
    log(f"  {count:,} participants granted in {time.perf_counter() - started:.1f} s")


def _parallel(config: dict, batches: list[list[str]], workers: int = 2) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(_run, config, batch) for batch in batches]:
            future.result()
