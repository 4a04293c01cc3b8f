"""Domain errors of users and teams: changes `AccountService` refuses.

    raise TeamCycle(_("..."), field="parent")

Each carries its own `code`; the API renders them in its one error shape, the
admin screens put them next to the form fields they name.
"""

from modules.core.exceptions import NotFound, TesseraError


class AccountInvalid(TesseraError):
    """Raised when values of a user or a team are not valid; `errors` names each key."""

    code = "invalid"


class UserNotFound(NotFound):
    """Raised when no user has the given id."""

    code = "not_found"


class TeamNotFound(NotFound):
    """Raised when no team has the given id."""

    code = "not_found"


class DuplicateName(TesseraError):
    """Raised when a team name or a username is already taken."""

    code = "duplicate_name"


class TeamCycle(TesseraError):
    """Raised when a parent would put a team under itself or under one of its sub-teams."""

    code = "team_cycle"


class TeamHasChildren(TesseraError):
    """Raised when a team that still has sub-teams is deleted."""

    code = "team_has_children"


class TeamInUse(TesseraError):
    """Raised when a team that other data refers to (record grants, defaults) is deleted."""

    code = "team_in_use"


class LastAdministrator(TesseraError):
    """Raised when a change would leave Tessera without any active administrator."""

    code = "last_administrator"
