"""Errors of the task services; the API and the screens show them as they are."""

from modules.core.exceptions import NotFound, TesseraError


class TaskInvalid(TesseraError):
    """Raised when a task, template, type or status is given values it cannot take."""

    code = "invalid"


class TaskNotFound(NotFound):
    """Raised when a task (or template, type, status, set) does not exist or is hidden."""
