"""Domain errors of segmentation."""

from modules.core.exceptions import Conflict, TesseraError


class SchemeInvalid(TesseraError):
    """Raised when a segmentation scheme is not valid; the stored scheme stays as it was."""

    code = "invalid"


class SegmentationNotEnabled(TesseraError):
    """Raised when an entity type does not have segmentation switched on."""

    code = "segmentation_not_enabled"


class StaleScheme(Conflict):
    """Raised when a scheme was saved by someone else since the editor loaded it."""

    code = "stale_scheme"
