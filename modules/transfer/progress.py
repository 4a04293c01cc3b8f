"""Progress and heartbeat of a running import, visible while its transaction is open.

    with Progress(batch.pk) as progress:
        with transaction.atomic():
            ...                              # write a chunk
            progress.report(done=4000)       # committed at once, on its own connection

An import writes everything in one transaction, so a progress update made on the
same connection would only be seen at the end. The reporter opens a second database
connection in autocommit mode and updates just `done` and `heartbeat_at` there: a
plain row update any reader sees at once, with no extra service (Redis may be absent
in the embedded default). The write transaction never updates the batch row until
its last statement, so the two connections never wait for each other. On SQLite,
whose single writer lock the second connection would wait for, progress is written
on the main connection (seen at commit).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from modules.transfer.models import ImportBatch


class Progress:
    """Reports `done` and the heartbeat of one batch from its own connection."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.separate = connection.vendor == "postgresql"
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS) if self.separate else None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.connection is not None:
            self.connection.close()

    def report(self, **values) -> None:
        """Set the named columns (and the heartbeat) now, outside any open transaction."""
        values["heartbeat_at"] = timezone.now()
        if not self.separate:
            ImportBatch.objects.filter(pk=self.batch_id).update(**values)
            return
        table = ImportBatch._meta.db_table
        columns = ", ".join(f"{self.connection.ops.quote_name(name)} = %s" for name in values)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.connection.ops.quote_name(table)} SET {columns} WHERE id = %s",
                [*values.values(), self.batch_id],
            )
