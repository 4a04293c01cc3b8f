"""The schema snapshot bound to the running request or task.

Kept apart from the runtime (which imports the models) so that code loaded before the apps,
such as the log filter that stamps each line with the schema version, can read it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

#: Set by the snapshot middleware and Celery's task_prerun; read by `get_snapshot()`.
bound: ContextVar[Any] = ContextVar("schema_snapshot", default=None)


def bound_version() -> int | None:
    """The schema version bound to this request or task; None outside one. Never a query."""
    snapshot = bound.get()
    return snapshot.version if snapshot else None
