from rest_framework import permissions

from capuy.core.scoping import CHANGE, VIEW, has_any


class ScopedPermission(permissions.BasePermission):
    """Authenticated, and holding at least one role that allows the request's kind of action.

    Which rows are visible is decided by the viewset's queryset (``visible_to``), and writes are
    re-checked by the services inside their transactions.
    """

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action = VIEW if request.method in permissions.SAFE_METHODS else CHANGE
        return has_any(user, action)
