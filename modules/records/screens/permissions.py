"""The Wagtail permission policy of the record screens, answered by the access engine.

Wagtail asks it which buttons to show; the views ask the engine again for the record
at hand (leaving a button out is a courtesy, the view's check is the rule).
"""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy

from modules.access import engine
from modules.access.spec import OPEN_FLAG


class RecordPermissionPolicy(BasePermissionPolicy):
    """Signed-in, active users; what they may do per type and record comes from the engine."""

    def _entity(self):
        return getattr(self.model, "entity", None)

    def user_has_permission(self, user, action) -> bool:
        if not (user and user.is_authenticated and user.is_active):
            return False
        if action == "add" and self._entity() is not None:
            return engine.can(user, "add", entity=self._entity())
        return True

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not self.user_has_permission(user, action):
            return False
        # Rows the user may only list get no edit or delete buttons.
        return action == "view" or bool(getattr(instance, OPEN_FLAG, True))

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True)
