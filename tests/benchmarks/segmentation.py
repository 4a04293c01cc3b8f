"""B5: the segmentation recompute against a hand-written `UPDATE … SET score = CASE …`.

Two identical tables of 200k rows (`segmented_a`, `segmented_b`) so each side rewrites
its own rows. Every call switches its table between two schemes, so each call really
changes what it is meant to change:

- **B5**: A = the product's recompute (`rescore_in_sql`: guarded UPDATE per batch of
  25k ids, progress row, one commit per batch) switching between schemes X and Y, which
  differ for every row; B = one hand-written UPDATE of every row with the same CASE.
- **B5c**: A = the product's recompute between X and Z, which differ for the ~12% of
  rows in one range; B = the product's full recompute (X ↔ Y) on the other table.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from modules.metamodel.models import EntityType
from modules.metamodel.runtime import registry
from modules.segmentation.models import NumericParameter, Recompute, Scheme, Segment
from modules.segmentation.recompute import rescore_in_sql
from modules.segmentation.scoring import build
from tests.benchmarks.harness import Row, Target

FIELD = "sales_potential"  # the load fills it with `r % 1000`
#: Each call rewrites 200k rows and their history (seconds): three rounds after one warm-up.
TIMING = {"warmup": 1, "rounds": 3}
SEGMENTS = [(None, 3, "Weak"), (3, 6, "Medium"), (6, 9, "Good"), (9, None, "Ideal")]


def _ranges(points) -> list[dict]:
    return [
        {
            "min": None if i == 0 else str(i * 100),
            "max": None if i == 9 else str((i + 1) * 100),
            "points": p,
        }
        for i, p in enumerate(points)
    ]


#: X: 0..9 points by hundreds; Y: every range one point more (every row changes);
#: Z: X with the range 880.. split off and scored differently (~12% of rows change).
X = _ranges(range(10))
Y = _ranges(range(1, 11))
Z = [*X[:8], {"min": "800", "max": "880", "points": 8}, {"min": "880", "max": None, "points": 2}]


def _compiled(entity, ranges):
    parameter = NumericParameter(field_id=entity.field(FIELD).id, weight=Decimal(1), ranges=ranges)
    segments = [Segment(name=n, min_score=low, max_score=high) for low, high, n in SEGMENTS]
    return build(entity, 1, [parameter], segments)


def _hand_written(table: str, column: str, ranges) -> str:
    """The baseline a DBA would write: one UPDATE, score and segment by CASE, no guard."""
    score = (
        "CASE "
        + " ".join(
            f"WHEN {column} >= {r['min'] or -(10**9)} AND {column} < {r['max'] or 10**9} "
            f"THEN {r['points']}"
            for r in ranges
        )
        + " ELSE 0 END"
    )
    segment = (
        "CASE "
        + " ".join(f"WHEN ({score}) < {high} THEN '{name}'" for _low, high, name in SEGMENTS[:-1])
        + f" ELSE '{SEGMENTS[-1][2]}' END"
    )
    return f"UPDATE {table} SET score = {score}, segment = {segment}"


class Side:
    """One table switched between two schemes on every call."""

    def __init__(self, slug: str, first, second):
        snapshot = registry.current()
        self.entity = snapshot.entity(slug)
        self.table = snapshot.model(slug)._meta.db_table
        self.schemes = [_compiled(self.entity, first), _compiled(self.entity, second)]
        self.ranges = [first, second]
        scheme, _created = Scheme.objects.get_or_create(
            entity_type=EntityType.objects.get(slug=slug)
        )
        self.run = Recompute.objects.create(scheme=scheme, scheme_version=scheme.version)
        self.turn = 0

    def product(self) -> None:
        self.turn ^= 1
        self.run.done = self.run.changed = 0
        rescore_in_sql(self.run, self.schemes[self.turn], self.table)

    def hand_written(self) -> None:
        self.turn ^= 1
        column = connection.ops.quote_name(self.entity.field(FIELD).column)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_hand_written(self.table, column, self.ranges[self.turn]))

    def changed_rows(self) -> int:
        return self.run.changed


def _compact(*sides: Side) -> None:
    """Start each case from the tables as the load leaves them: packed, no dead rows.

    Earlier calls leave dead rows behind. Measured on them, B5c paid for B5's (5.9 s
    instead of 1.5 s for the same partial recompute). A plain VACUUM is not enough: it
    turns them into free space whose amount depends on earlier runs, and free space lets
    an UPDATE keep a row on its page without touching the indexes (HOT), which moved the
    hand-written UPDATE between 3.4 and 4.5 s from one run to the next.
    """
    with connection.cursor() as cursor:
        for side in sides:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {connection.ops.quote_name(side.table)}")


def b5_full(ctx, measure) -> Row:
    a, b = Side("segmented_a", X, Y), Side("segmented_b", X, Y)
    _compact(a, b)
    a.product()
    assert a.changed_rows() > 0.95 * ctx.segmented_rows, "X -> Y must change every row."
    b.hand_written()
    row = Row(
        "B5",
        f"segmentation full recompute {ctx.segmented_rows:,} vs hand-written UPDATE … CASE",
        Target(p50=1.5),
        unit="s",
    )
    row.notes.append("A: guarded UPDATE per 25k ids + progress row; B: one unguarded UPDATE")
    return measure(row, a.product, b.hand_written, memory=False, scale=1e-9, **TIMING)


def b5_partial(ctx, measure) -> Row:
    a, b = Side("segmented_a", X, Z), Side("segmented_b", X, Y)
    _compact(a, b)
    a.product()
    a.product()
    share = a.changed_rows() / ctx.segmented_rows
    assert 0.08 < share < 0.16, f"X <-> Z must change ~12% of rows, changed {share:.1%}."
    row = Row(
        "B5", "segmentation recompute changing ~12% vs full recompute", Target(p50=0.3), unit="s"
    )
    row.key = "B5c"
    row.notes.append(f"A changed {share:.1%} of rows per run")
    return measure(row, a.product, b.product, memory=False, scale=1e-9, **TIMING)
