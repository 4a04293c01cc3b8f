"""Binds the current schema snapshot to each request (one indexed read per request)."""

from modules.metamodel.runtime.snapshot import _bound, registry


class SchemaSnapshotMiddleware:
    """Checks the schema version and holds one snapshot for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        snapshot = registry.current()
        token = _bound.set(snapshot)
        request.schema_snapshot = snapshot
        try:
            return self.get_response(request)
        finally:
            _bound.reset(token)
