"""The schema check of a safe request: made at its first query, or carried by it.

    check = pending_check()              # None unless the version is still unchecked
    with check.carried():                # the page query reads the version along
        rows = list(check.carrying(queryset)[:50])
    check.settle_with(rows)              # compare; SchemaMoved if it moved

A GET, HEAD or OPTIONS request starts on the process's last snapshot without reading
the version (`SchemaSnapshotMiddleware`). Its check waits, as an execute wrapper on the
default connection, for the request's first query: it reads `(version, token)` (the
same one-row read) before letting that query run, and raises `SchemaMoved` instead if
the key moved, so nothing is written on a stale snapshot. The middleware then serves
the request again on the new snapshot. A read can carry the check instead: it selects
the key as two scalar subqueries (`carrying`), the wrapper lets it run, and the caller
compares the key it read (`settle_with`) before using the rows. Once the key matched,
the wrapper is removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.db.models import QuerySet, Subquery

from modules.metamodel.models import SchemaState

#: The annotations a carrying query reads the schema key into.
CARRIED_VERSION = "_schema_version"
CARRIED_TOKEN = "_schema_token"


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
        #: True until the key was read (separately or carried) and compared.
        self.pending = True
        #: The key read, when it differs from the snapshot's.
        self.moved_to: tuple | None = None
        self._carry_next = False
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
        if self._carry_next:
            self._carry_next = False
        else:
            self.verify()
        return execute(sql, params, many, context)

    def verify(self) -> None:
        """Read the version now and compare it (raises `SchemaMoved` if it moved)."""
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

    # -- carrying the check --------------------------------------------------------------
    def carrying(self, queryset: QuerySet) -> QuerySet:
        """`queryset` with the stored schema key read along, into every row."""
        state = SchemaState.objects.filter(pk=SchemaState.SINGLETON_ID)
        return queryset.annotate(
            **{
                CARRIED_VERSION: Subquery(state.values("version")),
                CARRIED_TOKEN: Subquery(state.values("token")),
            }
        )

    @contextmanager
    def carried(self) -> Iterator[None]:
        """Within the block, the next query runs unchecked: it carries the check itself."""
        self._carry_next = True
        try:
            yield
        finally:
            self._carry_next = False

    def settle_with(self, rows: list) -> None:
        """Settle the check with the key a carrying query read; a separate read if it
        returned no row (or another query settled it already, nothing)."""
        if not self.pending:
            return
        if not rows:
            self.verify()
            return
        self.settle((getattr(rows[0], CARRIED_VERSION), getattr(rows[0], CARRIED_TOKEN)))


_check: ContextVar[SchemaCheck | None] = ContextVar("schema_check", default=None)


def pending_check() -> SchemaCheck | None:
    """The current request's check while it still waits for the version; else None."""
    check = _check.get()
    return check if check is not None and check.pending else None
