"""The one place where "who may see and change what" is decided.

A role is granted at an organization and covers its whole subtree (domain.md §0). Every scoped
model names the lookup that leads to an organization path (``SCOPE_PATH``); ``visible_to`` turns
the user's grants into one indexed prefix filter on that path. Views, the API, exports and
services all start from ``Model.objects.visible_to(user, action)``; services re-check the saved
object inside their transaction with ``ensure_in_scope`` so nothing can be moved out of scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

VIEW = "view"
CHANGE = "change"
ADMIN = "admin"

# What each role may do inside its subtree. Role values are capuy.accounts.choices.Role.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({VIEW, CHANGE, ADMIN}),
    "office": frozenset({VIEW, CHANGE}),
    "committee_staff": frozenset({VIEW, CHANGE}),
    "cell_secretary": frozenset({VIEW}),
    "committee_member": frozenset({VIEW}),
    "inspector": frozenset({VIEW}),
}

_CACHE_ATTR = "_capuy_scope_cache"


class OutOfScope(PermissionDenied):
    """Raised inside a write when the object would end up outside the user's scope."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Đối tượng nằm ngoài phạm vi được phân quyền của bạn."))


def _minimal_paths(paths: list[str]) -> list[str]:
    """Drop every path that lies under another one: a grant at the province covers its districts."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(parent) for parent in kept):
            kept.append(path)
    return kept


def scope_paths(user, action: str = VIEW) -> list[str] | None:
    """Organization paths whose subtrees ``user`` may act on; ``None`` means everything."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        from capuy.accounts.models import RoleGrant

        grants = list(
            RoleGrant.objects.filter(user=user, organization__isnull=False).values_list(
                "role", "organization__path"
            )
        )
        cache = {}
        for act in (VIEW, CHANGE, ADMIN):
            cache[act] = _minimal_paths(
                [path for role, path in grants if act in ROLE_ACTIONS.get(role, ())]
            )
        setattr(user, _CACHE_ATTR, cache)
    return list(cache.get(action, []))


def forget_scope(user) -> None:
    """Forget the cached grants (after granting or revoking a role)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_q(lookup: str, paths: list[str]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to one user's part of the tree."""

    def visible_to(self, user, action: str = VIEW):
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(scope_q(self.model.SCOPE_PATH, paths))

    def visible_under(self, user, path: str, action: str = VIEW):
        """The rows under the tree path ``path`` that ``user`` may see: ``visible_to`` narrowed
        to the subtree. When the user's scope holds the whole subtree, the subtree's own prefix
        is the only condition — two prefix ranges on one column make PostgreSQL expect almost
        no rows, and it then sorts a district's 11.000 reviews where it would hash them."""
        paths = scope_paths(user, action)
        lookup = f"{self.model.SCOPE_PATH}__startswith"
        if paths is None or any(path.startswith(p) for p in paths):
            return self.filter(**{lookup: path})
        return self.visible_to(user, action).filter(**{lookup: path})


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may perform ``action`` on ``obj`` (one indexed query)."""
    model = type(obj)
    return model._default_manager.visible_to(user, action).filter(pk=obj.pk).exists()


def ensure_in_scope(user, obj, action: str = CHANGE) -> None:
    """Re-select ``obj`` through the scoped queryset; call inside the write's transaction."""
    if not can(user, action, obj):
        raise OutOfScope()


def has_any(user, action: str) -> bool:
    paths = scope_paths(user, action)
    return paths is None or bool(paths)
