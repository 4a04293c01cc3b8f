"""Authentication backend: Django's model backend, plus admin access for every active user.

Tessera's screens for end users live in the Wagtail admin, so signing in to it is
not a privilege of staff; what a user may do there is decided by the access rules.
Sign-ins are throttled here, so the admin's form and the token endpoint count
together (`throttle.py`): a locked-out attempt is refused before its password is
checked, and every checked one is counted as a failure or a success. Inactive
(suspended, deleted) users never sign in, and their sessions stop working: Django's
`get_user` checks `is_active`.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from modules.accounts import throttle

ADMIN_ACCESS = "wagtailadmin.access_admin"


class TesseraBackend(ModelBackend):
    """Every active user may open the admin; other permissions as Django's model backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Django's check, unless a sign-in lockout is in force (then nobody is let in)."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None  # not a sign-in with a password: nothing to check or count
        if throttle.lockout(request, username):
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(request, username)
        else:
            throttle.record_success(request, username)
        return user

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm == ADMIN_ACCESS and user_obj.is_active:
            return True
        return super().has_perm(user_obj, perm, obj)
