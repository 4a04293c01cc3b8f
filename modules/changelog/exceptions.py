"""Domain errors of reading history."""

from modules.core.exceptions import TesseraError


class HistoryFilterInvalid(TesseraError):
    """Raised when a change-log filter names no such thing or is not a date."""

    code = "invalid"
