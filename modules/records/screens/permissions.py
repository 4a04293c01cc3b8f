"""One permission policy for every runtime model, registered on their abstract base.

Signed-in, active users may work with records; record-level rules arrive with the
access engine, which will plug in here.
"""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy


class RecordPermissionPolicy(BasePermissionPolicy):
    """Active, signed-in users may list, add, change and delete records."""

    def user_has_permission(self, user, action) -> bool:
        return bool(user and user.is_authenticated and user.is_active)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True)
