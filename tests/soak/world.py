"""The soak's entity types and records, made through the API as users would make them.

    world = build(cluster.base_url, people, figures)
    world.writer_records["soak_writer_01"]   # the two records that writer owns
    world.probe_id                           # the administrator's record the probes read

`soak_records` holds what the writers change (`writer`, `counter`, `note`) and a
`legacy_score` the administrator later converts from integer to text; every record
starts with `legacy_score` 7. `soak_scored` has segmentation on and SCORED_ROWS rows
written in one `INSERT … SELECT` (a recompute needs enough rows to be killed half-way:
it commits every 25,000).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.soak.bootstrap import People
from tests.soak.client import Api, Figures

SLUG = "soak_records"
SCORED = "soak_scored"
RECORDS_PER_WRITER = 2
LEGACY_VALUE = 7
SCORED_ROWS = 100_000
FIELDS = [
    ("writer", "Writer", "text"),
    ("counter", "Counter", "integer"),
    ("note", "Note", "text"),
    ("legacy_score", "Legacy score", "integer"),
]

#: The scheme the recompute applies: `potential` (0..999) by quarters, four segments.
SCHEME = {
    "parameters": [
        {
            "name": "Potential",
            "field": "potential",
            "weight": "1",
            "ranges": [
                {"min": None, "max": "250", "points": 0},
                {"min": "250", "max": "500", "points": 10},
                {"min": "500", "max": "750", "points": 20},
                {"min": "750", "max": None, "points": 30},
            ],
        }
    ],
    "segments": [
        {"name": "Weak", "min": None, "max": "10"},
        {"name": "Medium", "min": "10", "max": "20"},
        {"name": "Good", "min": "20", "max": "30"},
        {"name": "Ideal", "min": "30", "max": None},
    ],
}
#: The same rule written by hand, to check every row after the recompute.
EXPECTED_SCORE = (
    "CASE WHEN {p} < 250 THEN 0 WHEN {p} < 500 THEN 10 WHEN {p} < 750 THEN 20 ELSE 30 END"
)
EXPECTED_SEGMENT = (
    "CASE WHEN {s} < 10 THEN 'Weak' WHEN {s} < 20 THEN 'Medium' WHEN {s} < 30 THEN 'Good' "
    "ELSE 'Ideal' END"
)


class SetupFailed(Exception):
    """Raised when the soak could not build its data; nothing was measured."""


@dataclass
class World:
    """What the scenarios work on."""

    probe_id: int
    writer_records: dict[str, list[int]] = field(default_factory=dict)
    scored_table: str = ""
    scored_column: str = ""


def _must(response, what: str, figures: Figures):
    if response is None:
        raise SetupFailed(f"{what} failed: {'; '.join(figures.samples.values())}")
    return response.json()


def build(base_url: str, people: People, figures: Figures) -> World:
    """Both entity types, each writer's records and the probe record, and the scored rows."""
    admin = Api(base_url, people.admin_token, figures)
    meta = "/meta/entity-types/"
    created = admin.call(
        "POST",
        meta,
        kind="admin",
        expect=(201,),
        json={"slug": SLUG, "label": "Soak record", "label_plural": "Soak records"},
    )
    _must(created, "creating soak_records", figures)
    for api_name, label, type_ in FIELDS:
        added = admin.call(
            "POST",
            f"{meta}{SLUG}/fields/",
            kind="admin",
            expect=(201,),
            json={"api_name": api_name, "label": label, "type": type_},
        )
        _must(added, f"adding {api_name}", figures)
    values = {"writer": "probe", "counter": 0, "note": "", "legacy_score": LEGACY_VALUE}
    probe = _must(
        admin.call("POST", f"/{SLUG}/", kind="write", expect=(201,), json=values),
        "creating the probe record",
        figures,
    )
    world = World(probe_id=probe["id"])
    for name, token in people.writers:
        writer = Api(base_url, token, figures)
        world.writer_records[name] = [
            _must(
                writer.call(
                    "POST",
                    f"/{SLUG}/",
                    kind="write",
                    expect=(201,),
                    json={**values, "writer": name},
                ),
                f"creating a record of {name}",
                figures,
            )["id"]
            for _ in range(RECORDS_PER_WRITER)
        ]
    scored = {
        "slug": SCORED,
        "label": "Soak scored",
        "label_plural": "Soak scored",
        "features": {"segmentation": True},
    }
    _must(admin.call("POST", meta, kind="admin", expect=(201,), json=scored), SCORED, figures)
    potential = {"api_name": "potential", "label": "Potential", "type": "integer"}
    added = admin.call(
        "POST", f"{meta}{SCORED}/fields/", kind="admin", expect=(201,), json=potential
    )
    _must(added, "adding potential", figures)
    world.scored_table, world.scored_column = _fill_scored(people.admin_id)
    return world


def _fill_scored(owner_id: int) -> tuple[str, str]:
    """SCORED_ROWS rows with `potential` 0..999 and no score yet, in one statement."""
    from django.db import connection

    from modules.metamodel.models import EntityType

    entity = EntityType.objects.get(slug=SCORED)
    column = entity.fields.alive().get(api_name="potential").column
    table = entity.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (owner_id, created_by_id, updated_by_id, "{column}") '
            "SELECT %s, %s, %s, (g * 7919) %% 1000 FROM generate_series(1, %s) AS g",
            [owner_id, owner_id, owner_id, SCORED_ROWS],
        )
        cursor.execute(f'ANALYZE "{table}"')
    return table, column
