"""The suite's guard: entity rows are written by `RecordService` and nothing else.

    guard = EntityWriteGuard()
    guard.install()          # on every connection, also those threads open later
    ...                      # an INSERT/UPDATE/DELETE/COPY on an ent_<id> table outside
    guard.uninstall()        # the service raises UnguardedEntityWrite

The service marks its writes (`modules.records.writes.writing`); schema DDL is not a row
write. Test code that must put a row into a state the product never writes (a stale
score, a foreign author, a hard-deleted gap in the ids) is named in `ALLOWED`, the one
place such writes are allowed, each with its reason. The Celery worker of `worker` tests
installs it too (`tests.support.tasks`). Not covered: raw psycopg connections a test opens
itself (they bypass Django). Code outside pytest that writes entity rows itself, and why:
- tests/benchmarks/data.py, tests/soak/world.py: load a million rows (the soak's world)
  with one INSERT … SELECT per table: a data set, not a product write path;
- tests/benchmarks/segmentation.py: B5's baseline, the hand-written UPDATE the recompute is
  measured against;
- tests/benchmarks/transfer.py: B6's baseline `bulk_create`, and TRUNCATE between runs.
"""

from __future__ import annotations

import re
import sys

from django.db import connections
from django.db.backends.signals import connection_created

from modules.records.writes import is_writing

#: A statement (or a CTE) that writes rows of an entity table. `FOR UPDATE OF "ent_1"` (a
#: lock), `ALTER TABLE "ent_1"` (DDL) and SQLite's `INSERT INTO "new__ent_1"` (a table
#: rebuilt by the schema editor) do not match.
ENTITY_WRITE = re.compile(
    r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?ent_\d+\b', re.IGNORECASE
)
#: (test file, function) -> why it writes entity rows itself.
ALLOWED = {
    (
        "tests/modules/core/test_bulk.py",
        "test_copy_insert_writes_every_column_and_gives_each_object_its_key",
    ): "tests copy_insert itself, the primitive the service's bulk create is built on",
    (
        "tests/modules/segmentation/test_recompute.py",
        "test_batch_ranges_cover_every_row_once_across_gaps_and_leave_the_last_one_open",
    ): "hard-deletes rows to leave gaps in the ids: the product never deletes a row",
    (
        "tests/modules/segmentation/test_recompute.py",
        "test_the_sql_and_the_python_scorer_agree",
    ): "clears stored scores, which every writer of the product would set again",
    (
        "tests/modules/history/test_recording.py",
        "test_the_python_recompute_writes_the_same_rows_as_the_sql_one",
    ): "stores a stale score, which every writer of the product would correct",
    (
        "tests/modules/metamodel/test_runtime.py",
        "test_records_pickle_and_deepcopy_across_snapshots",
    ): "saves an unpickled instance: checks the runtime's pickling, not a write path",
    (
        "tests/support/access_worlds.py",
        "build",
    ): "sets a record's author (created_by), which no service changes",
}


class UnguardedEntityWrite(AssertionError):
    """Raised when an entity row is written outside `RecordService`."""


class EntityWriteGuard:
    """An execute wrapper refusing entity row writes outside the record service."""

    def __call__(self, execute, sql, params, many, context):
        """Run the statement, unless it writes entity rows outside the service."""
        if not is_writing() and ENTITY_WRITE.search(sql) and not _allowed():
            raise UnguardedEntityWrite(
                "An entity row was written outside RecordService "
                f"(use its bulk primitives, or name the test in ALLOWED): {sql[:200]}"
            )
        return execute(sql, params, many, context)

    def install(self) -> None:
        """Wrap every open connection and each one opened from now on (threads too)."""
        for connection in connections.all(initialized_only=True):
            self._wrap(connection)
        connection_created.connect(self._on_created, weak=False)

    def uninstall(self) -> None:
        """Remove the wrapper from every connection this thread sees."""
        connection_created.disconnect(self._on_created)
        for connection in connections.all(initialized_only=True):
            if self in connection.execute_wrappers:
                connection.execute_wrappers.remove(self)

    def _on_created(self, sender, connection, **kwargs) -> None:
        self._wrap(connection)

    def _wrap(self, connection) -> None:
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)


def _allowed() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        path = code.co_filename.replace("\\", "/")
        if "/tests/" in path:
            key = ("tests/" + path.split("/tests/", 1)[1], code.co_name)
            if key in ALLOWED:
                return True
        frame = frame.f_back
    return False
