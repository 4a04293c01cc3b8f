"""The schema check of a safe request, made at its first query.

    check = SchemaCheck(snapshot, connection)
    check.install()                      # the request's queries wait for the check
    check.moved()                        # read now if no query did; did the key move?

A GET, HEAD or OPTIONS request starts on the process's last snapshot without reading
the version (`SchemaSnapshotMiddleware`). Its check waits, as an execute wrapper on the
default connection, for the request's first query: it reads `(version, token)` (the
same one-row read) before letting that query run, and raises `SchemaMoved` instead if
the key moved, so no query ever runs on a stale snapshot. The middleware then serves
the request again on the new snapshot. Once the key matched, the wrapper is removed.
"""

from __future__ import annotations

from contextlib import suppress
from contextvars import ContextVar


class SchemaMoved(Exception):
    """The schema version moved after the request's snapshot was bound: serve it again."""

    def __init__(self, key: tuple):
        super().__init__(f"the schema moved to v{key[0]}")
        self.key = key


class SchemaCheck:
    """One request's pending version check on one connection (its execute wrapper)."""

    def __init__(self, snapshot, connection):
        self.snapshot = snapshot
        self.connection = connection
        #: True until the key was read and compared.
        self.pending = True
        #: The key read, when it differs from the snapshot's.
        self.moved_to: tuple | None = None
        self._reading = False

    def install(self) -> None:
        if self not in self.connection.execute_wrappers:
            self.connection.execute_wrappers.append(self)

    def uninstall(self) -> None:
        if self in self.connection.execute_wrappers:
            self.connection.execute_wrappers.remove(self)

    def __call__(self, execute, sql, params, many, context):
        if self._reading:  # the version read itself
            return execute(sql, params, many, context)
        if self.moved_to is not None:  # nothing more runs on the stale snapshot
            raise SchemaMoved(self.moved_to)
        self.verify()
        return execute(sql, params, many, context)

    def verify(self) -> None:
        """Read the version now and compare it (raises `SchemaMoved` if it moved)."""
        from modules.metamodel.models import SchemaState

        self._reading = True
        try:
            key = tuple(SchemaState.current())
        finally:
            self._reading = False
        self.settle(key)

    def moved(self) -> bool:
        """Whether the schema moved; reads the version first if the check is still pending."""
        if self.pending:
            with suppress(SchemaMoved):
                self.verify()
        return self.moved_to is not None

    def settle(self, key: tuple) -> None:
        """Compare a key read for this request with its snapshot's: done, or `SchemaMoved`."""
        self.pending = False
        if tuple(key) == self.snapshot.key:
            self.uninstall()
            return
        self.moved_to = tuple(key)
        raise SchemaMoved(self.moved_to)


_check: ContextVar[SchemaCheck | None] = ContextVar("schema_check", default=None)
