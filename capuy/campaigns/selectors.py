"""Reads on campaigns for one user: lists, totals rolled up the tree, acknowledgement lists.

Totals are computed from rows every time (nothing typed, nothing cached):

* received = Σ amount of valid contributions (an on-behalf contribution counts once, for the
  unit that paid; its member shares are never added);
* pledged = Σ amount of active pledges;
* outstanding = Σ over active pledges of max(pledge − paid against it, 0), so a unit that paid
  more than it pledged does not hide another unit's debt.

A node's roll-up groups rows by the path prefix one level below the node (``SUBSTR(org_path,
1, len(node.path) + 4)``) in one SQL statement; rows recorded at the node itself come back
under the node's own path ("trực tiếp"). Receipts are grouped through ``ContributionTotal``
(their sums per contributor's node, kept in each receipt's transaction), so the statement reads
one row per node that received money rather than every receipt: a national campaign with a
million receipts rolls up from ~50.000 rows.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from capuy.core.scoping import VIEW, scope_paths
from capuy.core.vntext import search_key
from capuy.organizations.models import Organization

from .choices import ContributionStatus, ContributorKind, PledgeStatus
from .models import (
    PATH_STEP,
    Campaign,
    Contribution,
    ContributionShare,
    ContributionTotal,
    Pledge,
)


@dataclass
class Totals:
    pledged: int = 0
    received: int = 0
    outstanding: int = 0
    contributions: int = 0
    pledges: int = 0

    def add(self, other: Totals) -> None:
        self.pledged += other.pledged
        self.received += other.received
        self.outstanding += other.outstanding
        self.contributions += other.contributions
        self.pledges += other.pledges

    def goal_percent(self, goal: int | None) -> float | None:
        return round(100 * self.received / goal, 2) if goal else None


@dataclass
class RollupRow:
    path: str
    organization: Organization | None
    direct: bool  # rows recorded at the node itself, not below a child
    totals: Totals


@dataclass
class Rollup:
    campaign: Campaign
    node: Organization
    total: Totals
    rows: list[RollupRow] = field(default_factory=list)


# --- campaigns ------------------------------------------------------------------------------


def campaign_list(user):
    return (
        Campaign.objects.visible_to(user, VIEW)
        .select_related("organization")
        .order_by("-start_on", "-id")
    )


def campaign_get(user, pk, action: str = VIEW) -> Campaign:
    campaign = (
        Campaign.objects.visible_to(user, action).select_related("organization").filter(pk=pk)
    ).first()
    if campaign is None:
        raise Http404(_("Không tìm thấy cuộc vận động hoặc cuộc vận động ngoài phạm vi của bạn."))
    return campaign


def top_nodes(user, campaign: Campaign) -> list[Organization]:
    """Where the user's view of the campaign starts: the responding organization when the user
    sees all of it, otherwise the user's own grant nodes inside it."""
    paths = scope_paths(user, VIEW)
    if paths is None or any(campaign.org_path.startswith(p) for p in paths):
        return [campaign.organization]
    inside = [p for p in paths if p.startswith(campaign.org_path)]
    return list(Organization.objects.filter(path__in=inside).order_by("path"))


def node_for(user, campaign: Campaign, node_pk) -> Organization:
    """A node the user may see inside the campaign's part of the tree (404 otherwise)."""
    if node_pk in (None, ""):
        nodes = top_nodes(user, campaign)
        if not nodes:
            raise Http404
        return nodes[0]
    try:
        pk = int(node_pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    node = (
        Organization.objects.visible_to(user, VIEW)
        .filter(pk=pk, path__startswith=campaign.org_path)
        .first()
    )
    if node is None:
        raise Http404(_("Không tìm thấy tổ chức hoặc tổ chức ngoài phạm vi của bạn."))
    return node


# --- totals -----------------------------------------------------------------------------------

_ROLLUP_SQL = """
SELECT k, SUM(received), SUM(n_contributions), SUM(pledged), SUM(outstanding), SUM(n_pledges)
FROM (
    SELECT SUBSTR(org_path, 1, %(len)s) AS k, SUM(received) AS received,
           SUM(contributions) AS n_contributions, 0 AS pledged, 0 AS outstanding,
           0 AS n_pledges
    FROM {totals}
    WHERE campaign_id = %(campaign)s AND org_path LIKE %(prefix)s
    GROUP BY SUBSTR(org_path, 1, %(len)s)
    UNION ALL
    SELECT SUBSTR(org_path, 1, %(len)s), 0, 0, SUM(amount),
           SUM(CASE WHEN amount > received THEN amount - received ELSE 0 END), COUNT(*)
    FROM {pledge}
    WHERE campaign_id = %(campaign)s AND status = 'active' AND org_path LIKE %(prefix)s
    GROUP BY SUBSTR(org_path, 1, %(len)s)
) AS t
GROUP BY k
"""


def _grouped_totals(campaign_id: int, prefix: str, length: int) -> dict[str, Totals]:
    """One statement: totals per path prefix of ``length`` characters under ``prefix``."""
    assert ContributionStatus.VALID == "valid" and PledgeStatus.ACTIVE == "active"
    sql = _ROLLUP_SQL.format(
        totals=connection.ops.quote_name(ContributionTotal._meta.db_table),
        pledge=connection.ops.quote_name(Pledge._meta.db_table),
    )
    # Paths are treebeard's [0-9A-Z] steps: no LIKE wildcard to escape.
    params = {"campaign": campaign_id, "prefix": f"{prefix}%", "len": length}
    on_postgresql = connection.vendor == "postgresql"
    # SET LOCAL needs its own transaction; elsewhere a savepoint would only add round trips.
    scope = transaction.atomic() if on_postgresql else contextlib.nullcontext()
    with scope, connection.cursor() as cursor:
        if on_postgresql:
            # The planner cannot know that a prefix of the path has far fewer values than the
            # path: let it aggregate the (at most ~50.000) node sums in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        key: Totals(
            received=int(received or 0),
            contributions=int(n_contributions or 0),
            pledged=int(pledged or 0),
            outstanding=int(outstanding or 0),
            pledges=int(n_pledges or 0),
        )
        for key, received, n_contributions, pledged, outstanding, n_pledges in rows
    }


def campaign_rollup(campaign: Campaign, node: Organization, *, with_empty: bool = True) -> Rollup:
    """Totals of ``node`` and of each of its children (the caller checked the node is visible).

    ``with_empty`` lists the children that existed during the campaign even without any row,
    so the office sees who has not answered yet.
    """
    grouped = _grouped_totals(campaign.pk, node.path, len(node.path) + PATH_STEP)
    total = Totals()
    for totals in grouped.values():
        total.add(totals)
    children = Organization.objects.filter(path__startswith=node.path, depth=node.depth + 1)
    if with_empty:
        during = Q(established_on__isnull=True) | Q(established_on__lte=campaign.end_on or date.max)
        during &= Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=campaign.start_on)
        children = children.filter(during | Q(path__in=list(grouped)))
    else:
        children = children.filter(path__in=list(grouped))
    rows = []
    if node.path in grouped:
        rows.append(RollupRow(node.path, node, True, grouped[node.path]))
    for child in children.order_by("path"):
        rows.append(RollupRow(child.path, child, False, grouped.get(child.path, Totals())))
    return Rollup(campaign, node, total, rows)


def campaign_summary(user, campaign: Campaign) -> Totals:
    """The campaign's totals as far as ``user`` may see (the whole campaign, or their part)."""
    total = Totals()
    for node in top_nodes(user, campaign):
        for totals in _grouped_totals(campaign.pk, node.path, len(node.path)).values():
            total.add(totals)
    return total


# --- lists --------------------------------------------------------------------------------------


def contribution_list(
    user,
    campaign: Campaign,
    *,
    under: Organization | None = None,
    q: str = "",
    status: str = "",
    kind: str = "",
):
    qs = Contribution.objects.visible_to(user, VIEW).filter(campaign=campaign)
    if under is not None:
        qs = qs.filter(org_path__startswith=under.path)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if q.strip():
        text = q.strip()
        if text.isdigit():
            qs = qs.filter(receipt_no=int(text))
        else:
            qs = qs.filter(contributor_name__icontains=text)
    return (
        qs.select_related("organization", "recorded_by")
        .annotate(covered=Count("shares"))
        .order_by("-receipt_no")
    )


def pledge_list(user, campaign: Campaign, *, under: Organization | None = None, status: str = ""):
    qs = Pledge.objects.visible_to(user, VIEW).filter(campaign=campaign)
    if under is not None:
        qs = qs.filter(org_path__startswith=under.path)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("organization").order_by("org_path", "contributor_name", "id")


def contribution_get(user, pk, action: str = VIEW) -> Contribution:
    found = (
        Contribution.objects.visible_to(user, action)
        .select_related("campaign", "campaign__organization", "organization", "member", "pledge")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("Không tìm thấy biên lai hoặc biên lai ngoài phạm vi của bạn."))
    return found


def pledge_get(user, pk, action: str = VIEW) -> Pledge:
    found = Pledge.objects.visible_to(user, action).select_related("campaign").filter(pk=pk).first()
    if found is None:
        raise Http404(_("Không tìm thấy đăng ký hoặc đăng ký ngoài phạm vi của bạn."))
    return found


# --- acknowledgement ----------------------------------------------------------------------------


@dataclass
class AckLine:
    name: str
    amount: int | None
    via: str = ""  # the unit that paid for the member (on-behalf)
    receipts: int = 0


@dataclass
class Acknowledgement:
    campaign: Campaign
    node: Organization
    units: list[AckLine]
    members: list[AckLine]
    total: int  # money received: contributions only, on-behalf shares are not added again


def acknowledgement(campaign: Campaign, node: Organization) -> Acknowledgement:
    """Danh sách ủng hộ under ``node``: units and members with what they gave.

    Units are listed with all they paid (their on-behalf collections included); members with
    what they gave in person and, separately, what a unit paid for them (``via``).
    """
    valid = Contribution.objects.filter(
        campaign=campaign, status=ContributionStatus.VALID, org_path__startswith=node.path
    )
    units = [
        AckLine(row["contributor_name"], int(row["total"]), receipts=row["n"])
        for row in valid.filter(kind=ContributorKind.ORGANIZATION)
        .values("organization_id", "contributor_name", "org_path")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("org_path", "contributor_name")
    ]
    members = [
        AckLine(row["contributor_name"], int(row["total"]), receipts=row["n"])
        for row in valid.filter(kind=ContributorKind.MEMBER)
        .values("member_id", "contributor_name")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("-total", "contributor_name")
    ]
    shares = (
        ContributionShare.objects.filter(
            contribution__in=valid.filter(kind=ContributorKind.ORGANIZATION)
        )
        .select_related("contribution")
        .order_by("contribution__org_path", "contribution__receipt_no", "id")
    )
    members += [
        AckLine(share.member_name, share.amount, via=share.contribution.contributor_name)
        for share in shares
    ]
    total = valid.aggregate(total=Sum("amount"))["total"] or 0
    return Acknowledgement(campaign, node, units, members, int(total))


# --- pickers --------------------------------------------------------------------------------------


def contributor_choices(user, campaign: Campaign, q: str, *, limit: int = 20):
    """Units and members the user may record money for, matching ``q`` (no diacritics needed)."""
    from capuy.core.scoping import CHANGE
    from capuy.members.models import Member
    from capuy.members.selectors import member_search_q

    key = search_key(q or "")
    if len(key) < 2:
        return [], []
    units = (
        Organization.objects.visible_to(user, CHANGE)
        .filter(path__startswith=campaign.org_path, search_text__contains=key)
        .order_by("path")[:limit]
    )
    members = (
        Member.objects.visible_to(user, CHANGE)
        .filter(org_path__startswith=campaign.org_path)
        .filter(member_search_q(q))
        .select_related("cell")
        .order_by("sort_key", "id")[:limit]
    )
    return list(units), list(members)


def unit_members(user, unit: Organization, *, limit: int = 300):
    """Members of a unit's subtree, for the on-behalf list (the unit is already in scope)."""
    from capuy.members.models import Member

    return list(
        Member.objects.visible_to(user, VIEW)
        .filter(org_path__startswith=unit.path)
        .select_related("cell")
        .order_by("sort_key", "id")[:limit]
    )
