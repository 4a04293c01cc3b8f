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


class NoFreeSeat(TesseraError):
    """Raised when adding, inviting or unsuspending a user needs a seat and none is free."""

    code = "no_free_seat"


class SeatsBelowUsage(TesseraError):
    """Raised when the paid seats would be fewer than the users who use one."""

    code = "seats_below_usage"


class OwnAccount(TesseraError):
    """Raised when administrators suspend, delete or anonymise their own account."""

    code = "own_account"


class WrongUserStatus(TesseraError):
    """Raised when a user's status does not allow the change (e.g. suspending a deleted user)."""

    code = "wrong_user_status"
    status = 409


class InvitationNotFound(NotFound):
    """Raised when no invitation has the given id."""

    code = "not_found"


class InvitationUnusable(TesseraError):
    """Raised when an invitation link has expired, been used or been revoked."""

    code = "invitation_unusable"


class HandOverInvalid(TesseraError):
    """Raised when a hand-over names no successor, the same user twice or an inactive one."""

    code = "invalid"
