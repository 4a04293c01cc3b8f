"""Authentication backend: Django's model backend, plus admin access for every active user.

Tessera's screens for end users live in the Wagtail admin, so signing in to it is
not a privilege of staff; what a user may do there is decided by the access rules.
"""

from django.contrib.auth.backends import ModelBackend

ADMIN_ACCESS = "wagtailadmin.access_admin"


class TesseraBackend(ModelBackend):
    """Every active user may open the admin; other permissions as Django's model backend."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm == ADMIN_ACCESS and user_obj.is_active:
            return True
        return super().has_perm(user_obj, perm, obj)
