"""Authentication backend: Django's model backend, plus admin access for every active user.

Tessera's screens for end users live in the Wagtail admin, so signing in to it is
not a privilege of staff; what a user may do there is decided by the access rules.
Sign-ins are throttled (`throttle.py`): a blocked username or address is refused
before its password is checked. Inactive (suspended, deleted) users never sign in,
and their sessions stop working: Django's `get_user` checks `is_active`.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from modules.accounts import throttle

ADMIN_ACCESS = "wagtailadmin.access_admin"


class TesseraBackend(ModelBackend):
    """Every active user may open the admin; other permissions as Django's model backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Django's check, unless too many sign-ins failed lately (then nobody is let in)."""
        if throttle.is_blocked(request, username or kwargs.get("username")):
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm == ADMIN_ACCESS and user_obj.is_active:
            return True
        return super().has_perm(user_obj, perm, obj)
