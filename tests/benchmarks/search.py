"""B16: the global search for a two-word name against the list's lookup by e-mail.

A: `GET /api/v1/search/?q=jan+kowalski` (every entity type the admin sees, each word in some
searchable field without case or accents, ranked; trigram indexes on `tessera_fold(column)`).
B: `GET /api/v1/persons/?email=<one person's address>` (the e-mail's b-tree index).

The generated persons draw first and last names from a few each, so "Jan Kowalski" matches
about one person in 24: the search finds and ranks that many rows to show the first five.
"""

from __future__ import annotations

from urllib.parse import quote

from modules.metamodel.runtime import bind, get_model
from tests.benchmarks.harness import Row, Target

B16 = Target(p50=3.0)
QUERY = "jan kowalski"


def b16_search(ctx, measure, client) -> Row:
    with bind():
        email = (
            get_model("persons")
            .objects.filter(email__isnull=False)
            .values_list("email", flat=True)
            .order_by("pk")
            .first()
        )

    def run_a():
        return client.get(f"/api/v1/search/?q={quote(QUERY)}")

    def run_b():
        return client.get(f"/api/v1/persons/?email={quote(email)}")

    found = run_a()
    assert found.status_code == 200, found.content[:300]
    persons = [g for g in found.json()["groups"] if g["entity"] == "persons"]
    assert persons and persons[0]["results"], "The name must be found."
    listed = run_b()
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1
    row = Row("B16", f"search {QUERY!r} at {ctx.rows:,} persons vs ?email= lookup", B16)
    row.notes.append("A: every entity type searched, 5 hits per type, ranked")
    return measure(row, run_a, run_b)
