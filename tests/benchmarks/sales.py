"""B14 and B15: the sales board and completing an action.

`sales_deals` has `ctx.rows` records (1,000,000 in `make bench`) of which one in a hundred
(10,000) is open; each is in one of the four stages of the pipeline `bench`, which the first
run creates through `SalesService` over the loaded table.

- **B14u / B14m**: A = `GET /api/v1/sales_deals/board/?pipeline=bench&page_size=25` as B4's
  regular user and as its manager: the list's checks, four column queries, one query of
  every column's count and sums, the owners' names. B = a DRF view running hand-written SQL
  of the same columns with the same visibility rules (DESIGN §5, as B4 writes them): one
  query per column of the first 26 cards, one GROUP BY of counts and sums (sums only of the
  rows the person may open), the owners' names, answering the same JSON keys.
- **B15**: A = completing an action and reopening it (`ProcessService.complete` /
  `reopen`, one record, alternating); B = a plain `RecordService.update` of the name of the
  same record, alternating between two names.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.models import RecordGrant
from modules.access.spec import access_spec
from modules.accounts.models import Membership, Team
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.sales.models import Pipeline
from modules.sales.process import ProcessService
from modules.sales.services import SalesService
from tests.benchmarks.harness import Row, Target
from tests.benchmarks.routes import install_static_view

SLUG = "sales_deals"
STAGES = ("b_lead", "b_meet", "b_offer", "b_deal")
ACTIONS = ("a_call", "a_needs", "a_offer", "a_terms")
CARDS = 25
B14 = Target(p50=1.5, p95=1.5)
B15 = Target(p50=1.2, p95=1.2)


def ensure_pipeline(admin) -> Pipeline:
    """The pipeline `bench` over the loaded stage and action keys (made once)."""
    found = Pipeline.objects.filter(entity_type__slug=SLUG, key="bench").first()
    if found is not None:
        return found
    stages = [
        {
            "key": key,
            "name": key,
            "probability": 10 * (n + 1),
            "colour": "#4a90d9",
            "actions": [{"key": ACTIONS[n], "name": ACTIONS[n], "weight": 1, "mandatory": n == 0}],
        }
        for n, key in enumerate(STAGES)
    ]
    return SalesService().create(
        admin, {"entity_type": SLUG, "key": "bench", "name": "Bench", "stages": stages}
    )


def _columns_sql(table: str, columns: dict) -> tuple[str, str]:
    """The hand-written card query and the totals query, with the rules of DESIGN §5."""
    grants, members, teams = (
        RecordGrant._meta.db_table,
        Membership._meta.db_table,
        Team._meta.db_table,
    )
    opens = (
        "p.visibility = 'public' OR p.owner_id = %(user)s"
        f" OR EXISTS (SELECT 1 FROM {grants} g WHERE g.entity_type_id = %(entity)s"
        "   AND g.record_id = p.id AND g.role = 'participant'"
        "   AND (g.user_id = %(user)s OR g.team_id = ANY(%(teams)s)))"
        f" OR p.owner_id IN (SELECT m.user_id FROM {members} m"
        "   WHERE m.team_id IN (SELECT id FROM managed))"
    )
    managed = (
        "WITH RECURSIVE managed(id) AS ("
        f" SELECT id FROM {teams} WHERE id = ANY(%(managed)s)"
        f" UNION SELECT t.id FROM {teams} t JOIN managed ON t.parent_id = managed.id)"
    )
    c = columns
    where = (
        f"p.deleted_at IS NULL AND p.{c['process_status']} = 'open'"
        f" AND (p.visibility <> 'hidden' OR ({opens}))"
    )
    cards = (
        f"{managed} SELECT p.id, p.{c['name']}, p.version, ({opens}), p.{c['value']},"
        f" p.{c['value']}_currency, p.owner_id, p.{c['process_progress']},"
        f" p.{c['process_stage_since']} FROM {table} p"
        f" WHERE {where} AND p.{c['process_stage']} = %(stage)s ORDER BY p.id DESC LIMIT %(size)s"
    )
    totals = (
        f"{managed} SELECT p.{c['process_stage']}, p.{c['value']}_currency, count(*),"
        f" sum(p.{c['value']}) FILTER (WHERE {opens}),"
        f" sum(p.{c['value']} * coalesce(p.{c['probability']}, 0) / 100) FILTER (WHERE {opens})"
        f" FROM {table} p WHERE {where} AND p.{c['process_stage']} = ANY(%(stages)s)"
        f" GROUP BY 1, 2"
    )
    return cards, totals


class HandWrittenBoard(APIView):
    """B14's baseline: the board's columns from hand-written SQL."""

    table = ""
    columns: dict = {}

    def get(self, request, *args, **kwargs):
        person = request.user
        memberships = list(person.memberships.values_list("team_id", "role"))
        params = {
            "user": person.pk,
            "teams": [t for t, _r in memberships] or [0],
            "managed": [t for t, r in memberships if r == "manager"] or [0],
            "entity": access_spec(SLUG).entity_id,
            "size": CARDS + 1,
            "stages": list(STAGES),
        }
        cards_sql, totals_sql = _columns_sql(self.table, self.columns)
        columns = []
        owners = set()
        with connection.cursor() as cursor:
            cursor.execute(totals_sql, params)
            sums: dict = {}
            for stage, currency, count, total, weighted in cursor.fetchall():
                slot = sums.setdefault(stage, {"count": 0, "totals": []})
                slot["count"] += count
                if total is not None:
                    slot["totals"].append(
                        {"currency": currency, "total": str(total), "weighted": str(weighted)}
                    )
            for stage in STAGES:
                cursor.execute(cards_sql, {**params, "stage": stage})
                rows = cursor.fetchall()
                owners |= {r[6] for r in rows}
                columns.append((stage, rows))
        names = {
            u.pk: u.get_full_name() or u.get_username()
            for u in get_user_model().objects.filter(pk__in=owners)
        }
        body = []
        for stage, rows in columns:
            body.append(
                {
                    "stage": stage,
                    **sums.get(stage, {"count": 0, "totals": []}),
                    "cards": [
                        {
                            "id": r[0],
                            "title": r[1],
                            "version": r[2],
                            "restricted": not r[3],
                            "value": {"amount": str(r[4]), "currency": r[5]} if r[3] else None,
                            "owner": {"id": r[6], "name": names.get(r[6], "")},
                            "progress": r[7] if r[3] else None,
                            "days_in_stage": None,
                        }
                        for r in rows[:CARDS]
                    ],
                    "next": rows[CARDS - 1][0] if len(rows) > CARDS else None,
                }
            )
        return Response({"columns": body})


def b14_board(ctx, measure, client_for, role: str) -> Row:
    """The board of 10,000 open deals among `ctx.rows`, as a user or a manager."""
    pipeline = ensure_pipeline(ctx.admin)
    person = ctx.user if role == "user" else ctx.manager
    snapshot = get_snapshot()
    entity = snapshot.entity(SLUG)
    view = type(
        "Board",
        (HandWrittenBoard,),
        {
            "table": ctx.tables[SLUG],
            "columns": {f.api_name: f"f_{f.id}" for f in entity.fields},
        },
    )
    install_static_view("sales_board", view.as_view())
    client = client_for(person)
    url_a = f"/api/v1/{SLUG}/board/?pipeline={pipeline.pk}&page_size={CARDS}"

    def run_a():
        return client.get(url_a)

    def run_b():
        return client.get("/bench/static/sales_board/")

    a, b = run_a().json(), run_b().json()
    got = [(c["stage"], c["count"], [x["id"] for x in c["cards"]]) for c in a["columns"]]
    want = [(c["stage"], c["count"], [x["id"] for x in c["cards"]]) for c in b["columns"]]
    assert got == want, "The board and the hand-written columns must list the same cards."
    row = Row(
        f"B14{role[0]}",
        f"B14 as a {role}: board of {sum(c['count'] for c in a['columns']):,} open deals"
        f" among {ctx.rows:,}, {CARDS} cards per column",
        B14,
    )
    row.notes.append("B: hand-written SQL, the same columns and visibility rules")
    return measure(row, run_a, run_b)


def b15_complete(ctx, measure) -> Row:
    """Completing (and reopening) an action vs a plain update of the same record."""
    ensure_pipeline(ctx.admin)
    model = get_snapshot().model(SLUG)
    record = model.objects.filter(process_status="open", process_stage=STAGES[1]).order_by("pk")[0]
    process, records = ProcessService(), RecordService()
    state = {"done": "a_needs" in (record.process_actions or []), "name": 0}

    def run_a():
        if state["done"]:
            process.reopen(ctx.admin, SLUG, record.pk, "a_needs")
        else:
            process.complete(ctx.admin, SLUG, record.pk, "a_needs")
        state["done"] = not state["done"]

    def run_b():
        state["name"] += 1
        records.update(ctx.admin, SLUG, record.pk, {"name": f"Deal {state['name'] % 2}"})

    row = Row("B15", "B15: complete an action (or reopen it) vs a plain record update", B15)
    return measure(row, run_a, run_b, memory=False)
