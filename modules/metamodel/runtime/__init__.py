"""The runtime: model classes and schema snapshots built from metadata.

from modules.metamodel.runtime import get_model, get_snapshot
Person = get_model("persons")
"""

from modules.metamodel.runtime.snapshot import (
    SchemaSnapshot,
    bind,
    get_model,
    get_snapshot,
    registry,
)

__all__ = ["SchemaSnapshot", "bind", "get_model", "get_snapshot", "registry"]
