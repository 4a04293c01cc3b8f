"""The ratios B1..B9: each builds its A and B sides and measures them side by side.

    rows = run_cases(context)      # one `Row` per line of the table, in order

A is the product path, B the baseline. Every case first checks that both sides
answer correctly (status, row counts), then counts queries and peak memory in
untimed passes, then times the two sides alternately.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from modules.access.links import flag as flag_links
from modules.access.models import Visibility
from modules.access.spec import access_spec
from modules.api.pagination import KeysetPaginator, Ordering
from modules.metamodel.runtime import bind, registry
from modules.metamodel.services import SchemaService
from modules.records.api.serializers import record_serializer
from tests.benchmarks import (
    data,
    history,
    sales,
    search,
    segmentation,
    timeline,
    transfer,
    webhooks,
)
from tests.benchmarks import tasks as task_bench
from tests.benchmarks.harness import (
    Row,
    Target,
    alternate,
    count_queries,
    list_query_plan,
    peak_memory,
)
from tests.benchmarks.routes import install_static_view
from tests.benchmarks.static import StaticModels, static_list_view

PAGE = "?page_size=50"
SERIALIZED_OBJECTS = 500
#: Middleware of the product's runtime (schema snapshot, per-snapshot URLconf): a static
#: Django app has none of it.
PRODUCT_MIDDLEWARE_PREFIX = "modules."


@dataclass
class Context:
    """What the cases share: the data's size, the acting people and the baseline."""

    rows: int
    small_rows: int
    admin: object
    static: StaticModels
    tables: dict[str, str]
    #: B4's regular user and manager (generated owners, see `run._team_people`).
    user: object = None
    manager: object = None
    #: Rows of each of B5's tables.
    segmented_rows: int = 0


def _client(admin, *, static_app: bool = False) -> APIClient:
    client = APIClient()
    client.force_authenticate(admin)
    if static_app:
        # A static Django app has no schema version to check: load its middleware chain
        # once without the product's middleware; the handler keeps the chain afterwards.
        chain = [m for m in settings.MIDDLEWARE if not m.startswith(PRODUCT_MIDDLEWARE_PREFIX)]
        with override_settings(MIDDLEWARE=chain):
            client.handler.load_middleware()
    return client


def _getter(client: APIClient, url: str) -> Callable[[], object]:
    def get():
        return client.get(url)

    return get


def _check_page(response, size: int) -> list[int]:
    assert response.status_code == 200, f"{response.status_code}: {response.content[:300]!r}"
    results = response.json()["results"]
    assert len(results) == size, f"expected {size} rows, got {len(results)}"
    return [r["id"] for r in results]


def _measure(row: Row, run_a, run_b, *, memory: bool = True, plans: bool = False, **timing) -> Row:
    row.queries = (count_queries(run_a), count_queries(run_b))
    if plans:
        row.notes.append(f"plan A: {list_query_plan(run_a)}")
        row.notes.append(f"plan B: {list_query_plan(run_b)}")
    if memory:
        row.memory = (peak_memory(run_a), peak_memory(run_b))
    row.a, row.b = alternate(run_a, run_b, **timing)
    return row


# -- the cases ---------------------------------------------------------------------------
def b1_list_vs_static(ctx: Context, *, same_stack: bool) -> Row:
    product = _client(ctx.admin)
    static = _client(ctx.admin, static_app=not same_stack)
    install_static_view(
        "persons", static_list_view(ctx.static.person, ctx.static.person_serializer)
    )
    run_a = _getter(product, f"/api/v1/persons/{PAGE}")
    run_b = _getter(static, f"/bench/static/persons/{PAGE}")
    ids_a, ids_b = _check_page(run_a(), 50), _check_page(run_b(), 50)
    assert ids_a == ids_b, "Both sides must list the same rows."
    target = Target(p50=1.10, p95=1.20, no_extra_queries=True)
    if same_stack:
        row = Row("B1s", "B1, both sides through all of the product's middleware", target)
        row.notes.append("B runs through the product's middleware too")
    else:
        row = Row("B1", "generated list page (50, cursor) vs static model + ModelViewSet", target)
        row.notes.append("B runs without the product's own middleware (modules.*)")
    return _measure(row, run_a, run_b, plans=True)


def b2_count(ctx: Context) -> Row:
    client = _client(ctx.admin)
    run_a = _getter(client, f"/api/v1/persons/{PAGE}&count=true")
    run_b = _getter(client, f"/api/v1/persons/{PAGE}")
    body = run_a().json()
    assert "count" in body, "?count=true must add a count."
    _check_page(run_b(), 50)
    row = Row("B2", f"list with ?count=true at {ctx.rows:,} rows vs without", Target(p50=1.5))
    row.notes.append(f"A answered count={body['count']}, count_capped={body.get('count_capped')}")
    return _measure(row, run_a, run_b)


def b3_deep_page(ctx: Context) -> Row:
    client = _client(ctx.admin)
    model = registry.current().model("persons")
    live = model.objects.filter(deleted_at__isnull=True)
    depth = min(int(ctx.rows * 0.95), live.count() - 51)
    anchor = live.order_by("-id").values_list("id", flat=True)[depth]
    # The API's own "next" cursor after the anchor row: the first page of the rows from the
    # anchor down, one row long, in the list's default order (`-id`).
    _page, links = KeysetPaginator([Ordering("id", descending=True)], 1).paginate(
        live.filter(id__lte=anchor), None
    )
    cursor = links["next"]
    run_a = _getter(client, f"/api/v1/persons/{PAGE}&cursor={cursor}")
    run_b = _getter(client, f"/api/v1/persons/{PAGE}")
    deep = _check_page(run_a(), 50)
    assert deep[0] < anchor, "The deep page must start after the anchor row."
    _check_page(run_b(), 50)
    row = Row("B3", f"page at depth {depth:,} (cursor) vs first page", Target(p50=2.0))
    return _measure(row, run_a, run_b, plans=True)


B4 = Target(p50=1.25, no_extra_queries=True)
B4_WHAT = "visibility-filtered first page vs admin unfiltered"


def b4_visibility(ctx: Context, role: str) -> Row:
    """The first page (50, cursor, default order) as a User or a Manager, filtered by the
    access engine, vs the same page as an administrator (no condition): same API list."""
    person = ctx.user if role == "user" else ctx.manager
    _check_default_access("persons", role)
    run_a = _getter(_client(person), f"/api/v1/persons/{PAGE}")
    run_b = _getter(_client(ctx.admin), f"/api/v1/persons/{PAGE}")
    response = run_a()
    ids = _check_page(response, 50)
    _check_page(run_b(), 50)
    expected = _visible_page(ctx.tables["persons"], person, 50)
    assert ids == [pk for pk, _visibility, _opens in expected], "A must list what B4 expects."
    restricted = [r["id"] for r in response.json()["results"] if r["restricted"]]
    assert restricted == [pk for pk, _v, opens in expected if not opens], "Wrong restricted rows."
    mix = {v: sum(1 for _pk, vis, _o in expected if vis == v) for v in Visibility.values}
    row = Row(f"B4{role[0]}", f"B4 as a {role}: {B4_WHAT}", B4)
    if role == "manager":
        row.notes.append(
            f"A is {person.username}, manager of {data.TEAM_PREFIX}{data.MANAGER_TEAM}"
            f" ({_subtree_size(person)} teams with its sub-teams)"
        )
    else:
        row.notes.append(f"A is {person.username}, a user in one team")
    row.notes.append(
        f"A's page: {mix['public']} public, {mix['non_public']} non-public"
        f" ({len(restricted)} of them restricted), {mix['hidden']} hidden"
    )
    row.notes.append("user_access() is cached on the user object on both sides")
    return _measure(row, run_a, run_b, plans=True)


def _check_default_access(slug: str, role: str) -> None:
    """B4 measures the defaults: the role may view, every visibility is allowed."""
    spec = access_spec(slug)
    assert spec.system_allows(role, "view"), f"The {role} role must have 'view' on {slug}."
    assert spec.allowed == tuple(Visibility.values), f"{slug} must allow every visibility."
    assert "participant" in spec.roles, f"{slug} must keep participants."


def _visible_page(table: str, person, size: int) -> list[tuple[int, str, bool]]:
    """The first page `person` may list, written by hand from DESIGN §5 (not through the
    engine): (id, visibility, may open) for each row, newest first."""
    from modules.access.models import RecordGrant
    from modules.accounts.models import Membership, Team

    memberships = list(person.memberships.values_list("team_id", "role"))
    teams = [team for team, _role in memberships] or [0]
    managed = [team for team, role in memberships if role == "manager"] or [0]
    grants, team_table = RecordGrant._meta.db_table, Team._meta.db_table
    opens = (
        "p.visibility = 'public' OR p.owner_id = %(user)s"
        f" OR EXISTS (SELECT 1 FROM {grants} g WHERE g.entity_type_id = %(entity)s"
        "   AND g.record_id = p.id AND g.role = 'participant'"
        "   AND (g.user_id = %(user)s OR g.team_id = ANY(%(teams)s)))"
        f" OR p.owner_id IN (SELECT m.user_id FROM {Membership._meta.db_table} m"
        "   WHERE m.team_id IN (SELECT id FROM managed))"
    )
    sql = (
        "WITH RECURSIVE managed(id) AS ("
        f" SELECT id FROM {team_table} WHERE id = ANY(%(managed)s)"
        f" UNION SELECT t.id FROM {team_table} t JOIN managed ON t.parent_id = managed.id)"
        f" SELECT p.id, p.visibility, ({opens}) FROM {table} p"
        f" WHERE p.deleted_at IS NULL AND (p.visibility <> 'hidden' OR ({opens}))"
        " ORDER BY p.id DESC LIMIT %(size)s"
    )
    entity = access_spec("persons").entity_id
    params = {"user": person.pk, "teams": teams, "managed": managed, "entity": entity}
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "size": size})
        return cursor.fetchall()


def _subtree_size(person) -> int:
    """How many teams `person` manages, sub-teams included."""
    from modules.accounts.models import Team

    managed = list(person.memberships.filter(role="manager").values_list("team_id", flat=True))
    found, level = set(managed), set(managed)
    while level:
        level = set(Team.objects.filter(parent_id__in=level).values_list("id", flat=True))
        level -= found
        found |= level
    return len(found)


def b8_page_sizes(ctx: Context) -> Row:
    client = _client(ctx.admin)
    run_a = _getter(client, "/api/v1/persons/?page_size=100")
    run_b = _getter(client, "/api/v1/persons/?page_size=10")
    _check_page(run_a(), 100)
    _check_page(run_b(), 10)
    row = Row(
        "B8",
        "page of 100 vs page of 10 (owner, relation, choice, user fields)",
        Target(p50=6.0, no_extra_queries=True),
    )
    return _measure(row, run_a, run_b)


def b9_serializer(ctx: Context, slug: str, columns: int) -> Row:
    snapshot = registry.current()
    static_model, static_serializer = (
        (ctx.static.person, ctx.static.person_serializer)
        if slug == "persons"
        else (ctx.static.wide, ctx.static.wide_serializer)
    )
    generated = record_serializer(snapshot, slug)
    entity = snapshot.entity(slug)
    # Read as the list page reads them: what the viewer sees of linked records comes along.
    live_a = flag_links(
        snapshot.model(slug).objects.filter(deleted_at__isnull=True), ctx.admin, entity
    ).order_by("-id")
    live_b = static_model.objects.filter(deleted_at__isnull=True).order_by("-id")
    rows_a, rows_b = list(live_a[:SERIALIZED_OBJECTS]), list(live_b[:SERIALIZED_OBJECTS])
    assert [r.pk for r in rows_a] == [r.pk for r in rows_b], "Serialize the same records."

    def run_a():
        with bind(snapshot):
            return generated(rows_a, many=True, context={"viewer": ctx.admin}).data

    def run_b():
        return static_serializer(rows_b, many=True).data

    assert len(run_a()) == len(run_b()) == len(rows_a)
    row = Row(
        "B9",
        f"serializer µs/object at {columns} columns: generated vs ModelSerializer",
        Target(p50=1.05),
        unit="µs/obj",
    )
    return _measure(row, run_a, run_b, scale=1e-3 / len(rows_a))


def b7_add_field(ctx: Context) -> Row:
    service = SchemaService()
    tables = (ctx.tables["persons"], ctx.tables["persons_small"])
    files_before = _relfilenodes(tables)
    names = (f"b7_{os.getpid()}_{n}" for n in itertools.count())
    added: list[tuple[str, str]] = []

    def add(slug: str):
        name = next(names)
        service.add_field(None, slug, api_name=name, label=name, type="integer")
        added.append((slug, name))

    row = Row(
        "B7",
        f"add a custom field (integer) at {ctx.rows:,} rows vs at {ctx.small_rows:,} rows",
        Target(p50=1.5),
    )
    try:
        _measure(
            row,
            lambda: add("persons"),
            lambda: add("persons_small"),
            memory=False,
            max_rounds=25,
        )
        files_after = _relfilenodes(tables)
        rewritten = [t for t in tables if files_after[t] != files_before[t]]
        row.notes.append(f"{len(added)} fields added; tables rewritten: {rewritten or 'none'}")
    finally:
        for slug, name in added:
            service.trash_field(None, slug, name)
        service.purge_trashed_fields(None, older_than=timezone.now())
    return row


def _relfilenodes(tables: tuple[str, ...]) -> dict[str, int]:
    """Each table's file: it changes when PostgreSQL rewrites the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relfilenode FROM pg_class WHERE relname = ANY(%s)", [list(tables)]
        )
        return dict(cursor.fetchall())


def run_cases(ctx: Context, log=print) -> list[Row]:
    """Every row of the table, in order; B7 last because it changes the schema."""
    plan: list[tuple[str, Callable[[], Row]]] = [
        ("B1", lambda: b1_list_vs_static(ctx, same_stack=False)),
        ("B1s", lambda: b1_list_vs_static(ctx, same_stack=True)),
        ("B2", lambda: b2_count(ctx)),
        ("B3", lambda: b3_deep_page(ctx)),
        ("B4u", lambda: b4_visibility(ctx, "user")),
        ("B4m", lambda: b4_visibility(ctx, "manager")),
        ("B5", lambda: segmentation.b5_full(ctx, _measure)),
        ("B5c", lambda: segmentation.b5_partial(ctx, _measure)),
        ("B10", lambda: history.b10_change_log(ctx, _measure, _client(ctx.admin), _check_page)),
        ("B11", lambda: timeline.b11_timeline(ctx, _measure, _client)),
        ("B12n", lambda: webhooks.b12_write(ctx, _measure, subscribed=False)),
        ("B12s", lambda: webhooks.b12_write(ctx, _measure, subscribed=True)),
        (
            "B13",
            lambda: webhooks.b13_events_feed(
                ctx, _measure, _client(ctx.admin), history.ensure_history
            ),
        ),
        ("B14u", lambda: sales.b14_board(ctx, _measure, _client, "user")),
        ("B14m", lambda: sales.b14_board(ctx, _measure, _client, "manager")),
        ("B15", lambda: sales.b15_complete(ctx, _measure)),
        ("B16", lambda: search.b16_search(ctx, _measure, _client(ctx.admin))),
        ("B17", lambda: task_bench.b17_calendar_feed(ctx, _measure, _client)),
        ("B6", lambda: transfer.b6_import(ctx, _measure)),
        ("B8", lambda: b8_page_sizes(ctx)),
        ("B9", lambda: b9_serializer(ctx, "persons", 35)),
        ("B9w", lambda: b9_serializer(ctx, "wide_records", 100)),
        ("B7", lambda: b7_add_field(ctx)),
    ]
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    rows = []
    for key, case in plan:
        if only and key not in only:
            continue
        started = time.perf_counter()
        row = case()
        if key == "B5c":
            history.forget_recompute_history()
        log(f"  {key} in {time.perf_counter() - started:.0f} s")
        if key == "B9w":
            row.key = "B9"
        rows.append(row)
    order = [
        "B1", "B1s", "B2", "B3", "B4u", "B4m", "B5", "B5c", "B6", "B7", "B8", "B9", "B10", "B11",
        "B12n", "B12s", "B13",
        "B14u", "B14m", "B15", "B16", "B17",
    ]  # fmt: skip
    return sorted(rows, key=lambda r: order.index(r.key))
