"""Domain errors of relations."""

from modules.core.exceptions import Conflict, NotFound, TesseraError


class RelationInvalid(TesseraError):
    """Raised when a relation cannot be made as asked (wrong type, limit reached, ...)."""

    code = "relation_invalid"


class RelationNotFound(NotFound):
    """Raised when a record has no such relation (or the user may not see its other end)."""

    code = "relation_not_found"


class RelationTypeInvalid(TesseraError):
    """Raised when a relation type definition is not valid; nothing is saved."""

    code = "invalid_relation_type"


class RelationTypeNotFound(NotFound):
    """Raised when there is no relation type with that id."""

    code = "relation_type_not_found"


class RelationsOff(Conflict):
    """Raised when relations are used while they are switched off for the installation."""

    code = "relations_off"
