"""Binds the current schema snapshot to each request (one indexed read per request).

A write reads the version first. A safe request (GET, HEAD, OPTIONS) binds the
process's last snapshot at once and checks the version at its first query, or lets that
query carry the check (`check.py`); if the version moved, the request is served again,
once, on the new snapshot. Either way the database decides the version of every
request, and a request that starts after a committed schema change sees it.
"""

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse

from modules.metamodel import binding
from modules.metamodel.runtime.check import SchemaCheck, SchemaMoved, _check
from modules.metamodel.runtime.snapshot import registry

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SchemaSnapshotMiddleware:
    """Checks the schema version and holds one snapshot for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        snapshot = registry.last()
        if request.method not in SAFE_METHODS or snapshot is None:
            return self._serve(request, registry.current())
        check = SchemaCheck(snapshot, connections[DEFAULT_DB_ALIAS])
        response = self._serve(request, snapshot, check)
        # A response made without any query (a 404, a cached document) is checked now.
        if not check.moved():
            return response
        # Nothing was written on the stale snapshot: its first query was refused, or carried
        # the check (a read), or there was none.
        # The first answer is dropped unsent (not closed: closing a response signals the end
        # of the request, which closes the database connection).
        return self._serve(request, registry.current(check.moved_to))

    def _serve(self, request, snapshot, check: SchemaCheck | None = None):
        """Run the rest of the chain and the view on `snapshot`, with `check` pending."""
        request.schema_snapshot = snapshot
        bound, checking = binding.bound.set(snapshot), _check.set(check)
        if check is not None:
            check.install()
        try:
            return self.get_response(request)
        except SchemaMoved:  # only when the chain has no exception handling (unit tests)
            return None
        finally:
            if check is not None:
                check.uninstall()
            _check.reset(checking)
            binding.bound.reset(bound)

    def process_exception(self, request, exception):
        """A view failed while its check was pending: if the schema moved, the failure
        belongs to the stale snapshot (a dropped column, an unknown type); answer with a
        placeholder, and `__call__` serves the request again. Otherwise the error stands."""
        check = _check.get()
        if check is None:
            return None
        try:
            moved = check.moved()
        except DatabaseError:  # cannot read (an aborted transaction): the error stands
            return None
        return HttpResponse(status=503) if moved else None  # never sent
