"""Domain errors of imports and exports."""

from modules.core.exceptions import Conflict, NotFound, PermissionDenied, TesseraError


class ExportTooLarge(TesseraError):
    """The list is too long for a format written in memory."""

    code = "export_too_large"


class ImportFileInvalid(TesseraError):
    """Raised when an uploaded file cannot be read as a table (empty, corrupt, unsafe)."""

    code = "invalid_file"


class ImportFileUnsupported(TesseraError):
    """Raised when an uploaded file is none of csv, xls, xlsx, ods."""

    code = "unsupported_file"
    status = 415


class ImportFileTooLarge(TesseraError):
    """Raised when an uploaded file is over the size or row limit."""

    code = "file_too_large"
    status = 413


class ImportInvalid(TesseraError):
    """Raised when a mapping, mode or match-on choice does not fit the entity type."""

    code = "invalid"


class ImportRefused(PermissionDenied):
    """Raised when the user may not import into (or export from) an entity type."""


class ImportNotFound(NotFound):
    """Raised when an import does not exist or is another user's."""


class ImportStateConflict(Conflict):
    """Raised when an import is asked for a step its status does not allow."""

    code = "import_state"
