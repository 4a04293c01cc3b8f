"""On PostgreSQL, each history row knows the transaction that wrote it.

The events feed (`/api/v1/events/`) pages by (transaction id, id): ids are taken when rows
are inserted, not when they commit, so a slow transaction can commit rows with ids below
what a poller has already read. Transaction ids of transactions still running are never
below the oldest running one, which is where the feed stops. Existing rows get 0 (before
any live transaction). The column is not in the model: only the database writes it.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE history_rowhistory ADD COLUMN xact bigint NOT NULL DEFAULT 0",
    "ALTER TABLE history_rowhistory ALTER COLUMN xact SET DEFAULT pg_current_xact_id()::text::bigint",
    "CREATE INDEX history_commit_order ON history_rowhistory (xact, id)",
]
BACKWARD = [
    "DROP INDEX history_commit_order",
    "ALTER TABLE history_rowhistory DROP COLUMN xact",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("history", "0003_unchecked_keys")]
    operations = [migrations.RunPython(forward, backward)]
