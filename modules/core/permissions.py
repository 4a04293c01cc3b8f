"""Who may shape the CRM: administrators, as `user.is_administrator` says (accounts decides
it). `None` as the acting user means the system itself (`sync_schemas`, demo loading,
scheduled purges).

    require_administrator(request.user)   # raises PermissionDenied for others
"""

from django.utils.translation import gettext as _

from modules.core.exceptions import PermissionDenied


def require_administrator(user, detail: str | None = None) -> None:
    """Raise PermissionDenied unless `user` is an administrator (or the system).

    `detail` replaces the default message (which speaks of the data model).
    """
    if user is None:
        return
    if not getattr(user, "is_administrator", False):
        raise PermissionDenied(detail or _("Only administrators may change the data model."))
