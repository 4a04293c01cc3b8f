"""B11: a record's timeline page vs a hand-written query of the same rows.

`ctx.rows` notes are generated once (kept between runs, like the records): 10,000 of them
(a tenth of the rows at smaller scales) on one public person, the rest spread over the
others, by 50 authors, a third each for everyone, for their managers and private. The
history rows B10 generates give the same person its changes. A = `GET
/api/v1/persons/{id}/timeline/?page_size=50` as B4's regular user: the record opened
through the access engine, one UNION query of the page's keys (notes narrowed by the
user's levels, notable changes), then one query per kind. B = a DRF view running one
hand-written query of the same 50 rows with the same rules (the record public or the
user's; notes for everyone, the user's own, or for managers by a member of the teams
the user manages), with the same counts and names, answering the same JSON keys.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.spec import user_access
from modules.activity.models import Note, NoteComment, NoteLike, TimelineEntry
from modules.activity.reader import notable_keys
from modules.history.models import RowHistory
from modules.metamodel.runtime import get_snapshot
from tests.benchmarks import history
from tests.benchmarks.harness import Row, Target
from tests.benchmarks.routes import install_static_view

ON_ONE_RECORD = 10_000
AUTHORS = 50


def _target(ctx) -> int:
    """The first public person: the record whose timeline is read."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {ctx.tables['persons']} WHERE visibility = 'public'"
            " AND deleted_at IS NULL ORDER BY id LIMIT 1"
        )
        return cursor.fetchone()[0]


def ensure_notes(ctx, record_id: int, log=print) -> int:
    """`ctx.rows` generated notes, `ON_ONE_RECORD` of them on `record_id`; returns how
    many the record holds."""
    on_record = min(ON_ONE_RECORD, ctx.rows // 10)
    have = TimelineEntry.objects.count()
    here = TimelineEntry.objects.filter(record_id=record_id).count()
    if have == ctx.rows and here == on_record:
        return on_record
    log(f"    generating {ctx.rows:,} notes ...")
    Note.objects.all().delete()
    TimelineEntry.objects.all().delete()
    persons = get_snapshot().entity("persons")
    users = list(get_user_model().objects.order_by("id").values_list("id", flat=True)[:AUTHORS])
    ctype = ContentType.objects.get_for_model(Note, for_concrete_model=False).pk
    entries, notes = TimelineEntry._meta.db_table, Note._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH e AS (INSERT INTO {entries} (polymorphic_ctype_id, entity_type_id, record_id,"
            " at, user_id, kind, created_at)"
            " SELECT %(ctype)s, %(entity)s,"
            " CASE WHEN n <= %(here)s THEN %(record)s ELSE 1 + n %% %(rows)s END,"
            " now() - make_interval(secs => n * 37.0), (%(users)s::bigint[])[1 + n %% %(n_users)s],"
            " 'note', now() FROM generate_series(1, %(rows)s) AS n RETURNING id)"
            f" INSERT INTO {notes} (timelineentry_ptr_id, body, visibility, tags, files,"
            " updated_at, version)"
            " SELECT id, '<p>Bench note ' || id || '</p>',"
            " (ARRAY['everyone','managers','private'])[1 + id %% 3], '[]', '[]', now(), 1 FROM e",
            {
                "ctype": ctype,
                "entity": persons.id,
                "here": on_record,
                "record": record_id,
                "rows": ctx.rows,
                "users": users,
                "n_users": len(users),
            },
        )
        cursor.execute(f"ANALYZE {entries}")
        cursor.execute(f"ANALYZE {notes}")
    return on_record


def hand_written_page(ctx, person, record_id: int, managed: list[int], size: int = 50):
    """The page, written by hand from the rules (not through the reader or the engine)."""
    persons = get_snapshot().entity("persons")
    users = get_user_model()._meta.db_table
    entries, notes = TimelineEntry._meta.db_table, Note._meta.db_table
    comments, likes = NoteComment._meta.db_table, NoteLike._meta.db_table
    history = RowHistory._meta.db_table
    name = "COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username)"
    sql = (
        f"SELECT r.id FROM {ctx.tables['persons']} r WHERE r.id = %(record)s"
        " AND r.deleted_at IS NULL AND (r.visibility = 'public' OR r.owner_id = %(me)s)"
    )
    page = (
        "SELECT * FROM ("
        f"(SELECT e.at, 1 AS src, e.id, 'note' AS kind, e.user_id, {name} AS who, n.body,"
        " n.visibility, n.tags, n.files, n.version, NULL AS operation, NULL::jsonb AS changes,"
        f" (SELECT count(*) FROM {comments} c WHERE c.note_id = e.id) AS comments,"
        f" (SELECT count(*) FROM {likes} l WHERE l.note_id = e.id) AS likes,"
        f" EXISTS (SELECT 1 FROM {likes} l WHERE l.note_id = e.id AND l.user_id = %(me)s)"
        f" AS liked FROM {entries} e JOIN {notes} n ON n.timelineentry_ptr_id = e.id"
        f" LEFT JOIN {users} u ON u.id = e.user_id"
        " WHERE e.entity_type_id = %(entity)s AND e.record_id = %(record)s AND e.kind = 'note'"
        " AND (n.visibility = 'everyone' OR e.user_id = %(me)s"
        "  OR (n.visibility = 'managers' AND e.user_id = ANY(%(managed)s)))"
        " ORDER BY e.at DESC, e.id DESC LIMIT %(limit)s)"
        " UNION ALL "
        f"(SELECT h.at, 0, h.id, 'change', h.user_id, {name}, NULL, NULL, NULL, NULL, NULL,"
        f" h.operation, h.changes, 0, 0, false FROM {history} h"
        f" LEFT JOIN {users} u ON u.id = h.user_id"
        " WHERE h.entity_type_id = %(entity)s AND h.record_id = %(record)s"
        " AND (h.operation <> 'update' OR h.changes ?| %(keys)s)"
        " ORDER BY h.at DESC, h.id DESC LIMIT %(limit)s)"
        ") page ORDER BY at DESC, src DESC, id DESC LIMIT %(limit)s"
    )
    params = {
        "record": record_id,
        "me": person.pk,
        "entity": persons.id,
        "managed": managed,
        "keys": notable_keys(persons),
        "limit": size + 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.fetchone() is None:
            return None
        cursor.execute(page, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def hand_written_view(ctx, person, record_id: int):
    """B's view: the hand-written page as the timeline's JSON keys."""
    managed = sorted(user_access(person).managed_members)

    class HandWritten(APIView):
        def get(self, request):
            rows = hand_written_page(ctx, request.user, record_id, managed) or []
            return Response(
                {
                    "next": "more" if len(rows) > 50 else None,
                    "results": [
                        {
                            "kind": row["kind"],
                            "id": row["id"],
                            "at": row["at"].isoformat(),
                            "user": {"id": row["user_id"], "name": row["who"] or ""},
                            "data": {
                                key: row[key]
                                for key in (
                                    "body",
                                    "visibility",
                                    "tags",
                                    "files",
                                    "version",
                                    "operation",
                                    "changes",
                                    "comments",
                                    "likes",
                                    "liked",
                                )
                            },
                        }
                        for row in rows[:50]
                    ],
                }
            )

    return HandWritten.as_view()


def b11_timeline(ctx, measure, client_for) -> Row:
    """B11's row: both sides checked to list the same entries, then measured."""
    history.ensure_history(ctx.rows)
    record_id = _target(ctx)
    on_record = ensure_notes(ctx, record_id)
    person = ctx.user
    install_static_view("timeline", hand_written_view(ctx, person, record_id))
    client = client_for(person)
    url_a = f"/api/v1/persons/{record_id}/timeline/?page_size=50"

    def run_a():
        return client.get(url_a)

    def run_b():
        return client.get("/bench/static/timeline/")

    a, b = run_a(), run_b()
    assert a.status_code == 200 and b.status_code == 200, (a.status_code, b.status_code)
    keys_a = [(r["kind"], r["id"]) for r in a.json()["results"]]
    keys_b = [(r["kind"], r["id"]) for r in b.json()["results"]]
    assert len(keys_a) == 50 and keys_a == keys_b, "Both sides must list the same entries."
    row = Row(
        "B11",
        f"timeline page (50) of a record with {on_record:,} notes among {ctx.rows:,},"
        " as a user, vs a hand-written query",
        Target(p50=1.3),
    )
    kinds = {kind for kind, _pk in keys_a}
    row.notes.append(f"A is {person.username}; the page holds {', '.join(sorted(kinds))}")
    return measure(row, run_a, run_b, plans=False)
