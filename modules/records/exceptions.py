"""Domain errors of record writes."""

from modules.core.exceptions import Conflict, NotFound, TesseraError


class RecordNotFound(NotFound):
    """Raised when a record does not exist (or is in the trash when a live one is asked)."""

    code = "not_found"


class RecordInvalid(TesseraError):
    """Raised when values do not pass their field types' validation."""

    code = "invalid"


class ValueUnavailable(RecordInvalid):
    """Raised when a unique value is held by a record the acting user may not open."""

    code = "value_unavailable"


class StaleRecord(Conflict):
    """Raised when an update names a version older than the stored one."""

    code = "stale_version"


class RecordConflict(Conflict):
    """Raised when a write would break a rule other records set (e.g. a relation limit)."""

    code = "conflict"
