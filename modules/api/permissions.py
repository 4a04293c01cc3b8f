"""API permissions. Record-level access arrives with the access engine.

permission_classes = [IsAdministratorOrReadOnly]   # metadata: admins write, all read
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsAdministratorOrReadOnly(BasePermission):
    """Signed-in users read; administrators write."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_administrator
