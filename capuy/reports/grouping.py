"""Roll rows up the organization tree by their stored path, in the database.

Rows that carry a copy of their organization's path (``Attendance.cell_path``,
``Concern.cell_path``) are grouped "by district" or "by commune" with one ``GROUP BY`` on a
path prefix: the children of ``org`` all have paths of the same length, so the first
``len(org.path) + steplen`` characters of a row's path name the child it lies under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from capuy.core.scoping import VIEW, scope_paths
from capuy.organizations.models import Organization

STEP = Organization.steplen


@dataclass
class Group:
    organization: Organization
    counts: dict

    @property
    def total(self) -> int:
        return self.counts.get("total", 0)


def valid_between(qs, start: date, end: date):
    """Organizations that existed at some point between ``start`` and ``end``."""
    return qs.filter(
        Q(established_on__isnull=True) | Q(established_on__lte=end),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start),
    )


def children_of(user, org: Organization, *, start: date | None = None, end: date | None = None):
    """The direct children of ``org`` the user may see (valid in the period, when given)."""
    qs = Organization.objects.visible_to(user, VIEW).filter(
        path__startswith=org.path, depth=org.depth + 1
    )
    if start and end:
        qs = valid_between(qs, start, end)
    return list(qs.order_by("path"))


def top_nodes(user) -> list[Organization]:
    """Where the user's view of the tree starts: the roots, or the nodes of the grants."""
    paths = scope_paths(user, VIEW)
    qs = Organization.objects.all()
    qs = qs.filter(depth=1) if paths is None else qs.filter(path__in=paths)
    return list(qs.order_by("path"))


def single_top_node(user) -> Organization | None:
    """The one node the user's view starts from, or None when there are several (two rows at
    most are read: a superuser's roots are not all listed to find out)."""
    paths = scope_paths(user, VIEW)
    qs = Organization.objects.all()
    qs = qs.filter(depth=1) if paths is None else qs.filter(path__in=paths)
    nodes = list(qs.order_by()[:2])
    return nodes[0] if len(nodes) == 1 else None


def group_by_child(
    qs: QuerySet, path_field: str, org: Organization, *, under=False, **aggregates
) -> dict[str, dict]:
    """``{child path: {"total": n, **aggregates}}`` for rows of ``qs`` under ``org`` (``under``:
    ``qs`` holds only such rows already).

    Rows lying on ``org`` itself (a cell's own rows) are keyed by ``org.path``.
    """
    prefix = Substr(path_field, 1, len(org.path) + STEP)
    if not under:
        qs = qs.filter(**{f"{path_field}__startswith": org.path})
    rows = (
        qs.annotate(group_path=prefix)
        .order_by()
        .values("group_path")
        .annotate(total=Count("pk"), **aggregates)
    )
    return {row.pop("group_path"): row for row in rows}


def groups_for(
    user,
    qs: QuerySet,
    path_field: str,
    org: Organization,
    *,
    start=None,
    end=None,
    under=False,
    **aggregates,
) -> list[Group]:
    """One ``Group`` per child of ``org`` (valid in the period), zeros included, in tree order;
    rows on ``org`` itself come first as its own group."""
    counted = group_by_child(qs, path_field, org, under=under, **aggregates)
    empty = {"total": 0, **dict.fromkeys(aggregates, 0)}
    groups = []
    if org.path in counted:
        groups.append(Group(org, counted[org.path]))
    for child in children_of(user, org, start=start, end=end):
        groups.append(Group(child, counted.get(child.path, dict(empty))))
    known = {g.organization.path for g in groups}
    missing = [path for path in counted if path not in known]
    if missing:  # rows under a child outside the period (e.g. dissolved earlier)
        extra = Organization.objects.visible_to(user, VIEW).filter(path__in=missing)
        groups += [Group(o, counted[o.path]) for o in extra.order_by("path")]
    return groups


def org_choices(user) -> list[Organization]:
    """Choices for an organization filter: the user's top nodes, and their children when there
    is one top node (a province and its districts/communes)."""
    nodes = top_nodes(user)
    if len(nodes) != 1:
        return nodes
    return nodes + [child for child in children_of(user, nodes[0]) if not child.is_cell]
