"""Reads of the organization tree for one user. Every query starts from the scoped queryset."""

from datetime import date

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from capuy.core.scoping import VIEW, scope_paths

from .filters import filter_organizations
from .models import Organization, OrganizationFlag


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def with_active_flags(qs, on: date | None = None):
    """Attach ``active_flags`` (the flags in force on ``on``) with one extra query in all."""
    flags = OrganizationFlag.objects.active_on(_today(on)).order_by("kind", "valid_from")
    return qs.prefetch_related(Prefetch("flags", queryset=flags, to_attr="active_flags"))


def organization_roots_for(user, *, within: Organization | None = None, on: date | None = None):
    """The top nodes the user may browse: the roots for a superuser, otherwise the grant nodes.

    ``within`` (an organization already fetched in scope) replaces them with that one node.
    """
    qs = Organization.objects.all()
    if within is not None:
        qs = qs.filter(pk=within.pk)
    else:
        paths = scope_paths(user, VIEW)
        qs = qs.filter(depth=1) if paths is None else qs.filter(path__in=paths)
    return with_active_flags(qs, on)


def organization_children(
    user,
    parent: Organization,
    kind: str | None = None,
    flag: str | None = None,
    on: date | None = None,
    include_dissolved: bool = False,
):
    """Direct children of ``parent`` the user may see, in tree order, with ``active_flags``.

    Each carries its stored subtree ``member_count``; nothing is counted per request.
    """
    qs = Organization.objects.visible_to(user).filter(
        path__startswith=parent.path, depth=parent.depth + 1
    )
    qs = filter_organizations(qs, kind=kind, flag=flag, on=on, include_dissolved=include_dissolved)
    return with_active_flags(qs, on)


def organization_search(
    user,
    within: Organization | None = None,
    *,
    kind: str | None = None,
    flag: str | None = None,
    q: str = "",
    on: date | None = None,
    include_dissolved: bool = False,
):
    """Matching nodes under ``within`` (or anywhere visible), flat, in tree order: one prefix scan."""
    qs = Organization.objects.visible_to(user)
    if within is not None:
        qs = qs.filter(path__startswith=within.path, depth__gt=within.depth)
    qs = filter_organizations(
        qs, kind=kind, flag=flag, q=q, on=on, include_dissolved=include_dissolved
    )
    return with_active_flags(qs, on)


def organization_get(user, pk: int, action: str = VIEW) -> Organization:
    """One organization in the user's scope for ``action``; 404 otherwise."""
    return get_object_or_404(Organization.objects.visible_to(user, action), pk=pk)


def organization_detail(user, pk: int, *, on: date | None = None) -> Organization:
    """The organization page's node with its flags (all periods) and ``merged_into``."""
    flags = OrganizationFlag.objects.order_by("-valid_from", "kind")
    qs = (
        Organization.objects.visible_to(user)
        .select_related("merged_into")
        .prefetch_related(Prefetch("flags", queryset=flags, to_attr="all_flags"))
    )
    org = get_object_or_404(qs, pk=pk)
    day = _today(on)
    org.active_flags = [
        f
        for f in org.all_flags
        if f.valid_from <= day and (f.valid_to is None or f.valid_to >= day)
    ]
    return org


def organization_ancestors(user, org: Organization):
    """The ancestors of ``org`` the user may see, top first (for breadcrumbs)."""
    return Organization.objects.visible_to(user).filter(path__in=org.ancestor_paths()[:-1])


def organization_cell_members(user, org: Organization, limit: int = 50):
    """The first ``limit`` members of a cell in roster order, and whether there are more."""
    from capuy.members.models import Member

    members = list(Member.objects.visible_to(user).filter(cell=org).roster()[: limit + 1])
    return members[:limit], len(members) > limit
