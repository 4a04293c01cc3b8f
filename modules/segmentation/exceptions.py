"""Domain errors of segmentation."""

from modules.core.exceptions import TesseraError


class SchemeInvalid(TesseraError):
    """Raised when a segmentation scheme is not valid; the stored scheme stays as it was."""

    code = "invalid"


class SegmentationNotEnabled(TesseraError):
    """Raised when an entity type does not have segmentation switched on."""

    code = "segmentation_not_enabled"
