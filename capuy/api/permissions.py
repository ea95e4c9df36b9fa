from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from capuy.core.scoping import CHANGE, VIEW, can, has_any


def _passed_second_factor(request) -> bool:
    """Session requests must have passed 2FA where the user has or needs a device.

    The 2FA middleware leaves ``/api/`` alone (tokens have no session), so a session that has
    only passed the password step is stopped here. Token requests carry their ``ApiToken``.
    """
    if request.auth is not None:
        return True
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or is_verified():
        return True
    from django_otp import user_has_device

    from capuy.accounts.middleware import two_factor_required

    return not user_has_device(user, confirmed=True) and not two_factor_required(user)


def _targets_one_object(view) -> bool:
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return bool(lookup) and lookup in getattr(view, "kwargs", {})


class SignedInPermission(permissions.BasePermission):
    """Authenticated and past the second factor, whatever the roles: for what belongs to the
    user rather than to a part of the tree (their own jobs; the viewset's queryset keeps to
    the user's own rows, so anyone else's is a 404). The other permissions start from it."""

    message = None

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not _passed_second_factor(request):
            self.message = _("Hãy hoàn tất xác thực hai lớp trước khi dùng API.")
            return False
        return True


class ScopedPermission(SignedInPermission):
    """Authenticated, and holding at least one role that allows the request's kind of action.

    Which rows are visible is decided by the viewset's queryset (``visible_to``). A write on one
    object only needs a viewing role up front: the object is then looked up among the visible
    rows (404 when outside scope, whatever the role) and must be changeable (403 when it is only
    visible). Services re-check the scope inside their transactions.
    """

    message = None  # DRF's own "not allowed" text unless a rule below sets one

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        user = request.user
        if request.method in permissions.SAFE_METHODS or _targets_one_object(view):
            return has_any(user, VIEW)
        return has_any(user, CHANGE)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can(request.user, CHANGE, obj)
