"""Domain errors of sales processes."""

from modules.core.exceptions import Conflict, NotFound, TesseraError


class PipelineInvalid(TesseraError):
    """Raised when a pipeline or the lost reasons are not valid; nothing is saved."""

    code = "invalid"


class PipelineNotFound(NotFound):
    """Raised when a pipeline does not exist."""


class StalePipeline(Conflict):
    """Raised when a pipeline or the lost reasons were saved by someone else meanwhile."""

    code = "stale"


class ProcessesOff(TesseraError):
    """Raised when an entity type has no sales process."""

    code = "processes_off"


class ProcessRefused(TesseraError):
    """Raised when a step of a record's process cannot be taken (a mandatory action is
    open, the stage is in another pipeline, the record is locked)."""

    code = "process_refused"


class ProcessConflict(Conflict):
    """Raised when a record's process moved since the caller read it."""

    code = "stale"
